//! The next steps printed when the wizard ends, for the saved answers.
//!
//! PLACEHOLDER until `core::next_steps` (NEXT-STEPS.md, by the lead) is on
//! main: every front end calls [`render`], the one place to point at
//! `crate::core::next_steps::render(config)` then.

use std::fmt::Write as _;

use crate::core::{Config, LaunchType};

/// Markdown: the commands that register and run what was saved.
pub fn render(config: &Config) -> String {
    let mut out = String::from("# Next steps\n\n```sh\n");
    if config.launch_type == LaunchType::Ec2 {
        out.push_str(
            "aws ecs register-task-definition --cli-input-json file://agent-task-definition.json\n\
             aws ecs create-service --cluster \"$CLUSTER\" --service-name datadog-agent \\\n  \
             --task-definition datadog-agent-task --scheduling-strategy DAEMON\n",
        );
    }
    let _ = write!(
        out,
        "aws ecs register-task-definition --cli-input-json file://app-task-definition.json\n\
         aws ecs update-service --cluster \"$CLUSTER\" --service \"$SERVICE\" --task-definition {}\n```\n",
        config.app_name
    );
    out
}
