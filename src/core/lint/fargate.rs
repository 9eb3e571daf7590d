//! Rules about apps on Fargate, where the agent can only be a sidecar in
//! the same task: is there one, and does the app wait until it listens?

use serde_json::Value;

use super::app::shows_tracing;
use super::rules::*;
use super::subject::{Subject, Task};
use crate::core::lint::report::Finding;
use crate::core::taskdef::container::Role;

pub fn check_app(app: &Subject, task: &Task, found: &mut Vec<Finding>) {
    if !task.context.fargate {
        return;
    }
    let agents: Vec<String> = task
        .with_role(Role::Agent)
        .map(|a| a.name().to_owned())
        .collect();
    if agents.is_empty() {
        if shows_tracing(app.value) {
            found.push(app.finding(
                &FARGATE_NO_AGENT,
                "",
                "the app is set up for tracing, but this Fargate task has no Datadog agent container, and Fargate has no host agent",
            ));
        } else {
            found.push(app.finding(
                &FARGATE_UNTRACED_NO_AGENT,
                "",
                "no Datadog settings and no agent sidecar: if this container should send traces, they go nowhere",
            ));
        }
        return;
    }
    let depends_on = app
        .value
        .get("dependsOn")
        .and_then(Value::as_array)
        .map_or(&[][..], Vec::as_slice);
    let on_agent = depends_on.iter().enumerate().find(|(_, d)| {
        d.get("containerName")
            .and_then(Value::as_str)
            .is_some_and(|name| agents.iter().any(|a| a == name))
    });
    match on_agent {
        None => found.push(app.finding(
            &FARGATE_APP_NO_DEPENDS_ON,
            &app.field("dependsOn"),
            "the app starts without waiting for the agent: traces it sends before the agent listens are refused",
        )),
        Some((index, d)) if d.get("condition").and_then(Value::as_str) == Some("START") => {
            found.push(app.finding(
                &FARGATE_APP_DEPENDS_ON_START,
                &format!("/dependsOn/{index}/condition"),
                "the app waits only for the agent container to start, not until it accepts traces",
            ));
        }
        Some(_) => {}
    }
}
