//! `ddecs-wizard --plain`: the wizard's questions as line-by-line prompts,
//! for screen readers, `TERM=dumb` and serial consoles, where a full-screen
//! UI is unusable. Prompts go to stderr and artifacts to stdout.
//!
//! This layer only asks: the answers become a [`Preset`] like the command
//! line's, and the core and `generate` do the rest.

mod actions;
mod interrupt;
mod prompt;
mod questions;

use std::io::{self, IsTerminal};

use anyhow::Result;

use crate::cli::{Preset, UsageError};
use crate::core::shell;
use prompt::Prompter;

/// Runs the wizard with `preset` answering what it can.
pub fn run(preset: &Preset) -> Result<()> {
    // A bad preset is a usage error before anything is asked.
    preset.to_config()?;
    require_terminal(
        io::stdin().is_terminal(),
        io::stdout().is_terminal(),
        io::stderr().is_terminal(),
    )?;
    interrupt::install()?;
    let ui = Prompter::new();
    let answers = questions::ask(&ui, preset)?;
    let config = answers.to_config()?;
    ui.say(&format!(
        "the same without questions: {}",
        shell::join(&generate_args(&answers))
    ))?;
    actions::offer(&ui, &answers, &config)
}

/// Prompts need a terminal to read keys from and to draw on, and the
/// artifacts are meant for one too; without, fail at once (never hang, never
/// draw escape codes into a pipe) and point to the command that needs none.
fn require_terminal(stdin: bool, stdout: bool, stderr: bool) -> Result<(), UsageError> {
    let missing: Vec<&str> = [("stdin", stdin), ("stdout", stdout), ("stderr", stderr)]
        .into_iter()
        .filter(|(_, is_terminal)| !is_terminal)
        .map(|(name, _)| name)
        .collect();
    if missing.is_empty() {
        return Ok(());
    }
    let verb = if missing.len() == 1 { "is" } else { "are" };
    Err(UsageError(format!(
        "--plain asks questions on a terminal, but {} {verb} not one; \
         run `ddecs-wizard generate` with the same options instead (see `ddecs-wizard generate --help`)",
        missing.join(" and ")
    )))
}

/// The `generate` command line that gives the same artifacts as `answers`,
/// so that the wizard teaches the scriptable way.
fn generate_args(answers: &Preset) -> Vec<String> {
    let mut args = vec!["ddecs-wizard".to_owned(), "generate".to_owned()];
    let mut add = |flag: &str, value: Option<String>| {
        if let Some(value) = value {
            args.push(flag.to_owned());
            args.push(value);
        }
    };
    add("--language", answers.language.map(|l| l.to_string()));
    add("--imds", answers.imds.map(|i| i.to_string()));
    add(
        "--agent-version",
        answers.agent_version.as_ref().map(|v| v.to_string()),
    );
    add("--startup-command", answers.startup_command.clone());
    add("--app-name", answers.app_name.clone());
    add("--app-image", answers.app_image.clone());
    add("--service", answers.service.clone());
    add("--env", answers.env.clone());
    add("--service-version", answers.service_version.clone());
    add("--site", answers.site.clone());
    add("--api-key-secret-arn", answers.api_key_secret_arn.clone());
    args
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cli::{Cli, Command};
    use crate::core::{Imds, Language};
    use clap::Parser;

    #[test]
    fn no_terminal_names_what_is_missing_and_generate() {
        assert!(require_terminal(true, true, true).is_ok());
        let err = require_terminal(false, true, true).unwrap_err().to_string();
        assert!(err.contains("but stdin is not one;"), "{err}");
        assert!(err.contains("`ddecs-wizard generate`"), "{err}");
        let err = require_terminal(true, false, false)
            .unwrap_err()
            .to_string();
        assert!(err.contains("but stdout and stderr are not one;"), "{err}");
    }

    #[test]
    fn generate_args_parse_back_to_the_same_config() {
        let answers = Preset {
            language: Some(Language::Php),
            imds: Some(Imds::MetadataFile),
            agent_version: Some("7.17.1".parse().unwrap()),
            startup_command: Some("sh -c 'echo \"$HOME\"' && php-fpm -F".to_owned()),
            service: Some("web".to_owned()),
            env: None,
            service_version: Some("1.2.3".to_owned()),
            site: Some("datadoghq.eu".to_owned()),
            ..Preset::default()
        };
        let cli = Cli::try_parse_from(generate_args(&answers)).unwrap();
        let Some(Command::Generate(args)) = cli.command else {
            panic!("not a generate command: {cli:?}");
        };
        assert_eq!(
            args.preset.to_config().unwrap(),
            answers.to_config().unwrap()
        );
    }
}
