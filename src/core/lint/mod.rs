//! `check`: the mistakes that keep traces from reaching Datadog on ECS, as
//! rules with stable IDs (listed in [`RULES`]).
//!
//! The rules come from the setup steps in Datadog's ECS APM guide and from
//! what public issue threads show people getting wrong: the agent without
//! its host port or with APM switched off, apps that send to localhost from
//! bridge mode, a DD_AGENT_HOST lookup that stores an IMDSv2 "401" page or
//! hangs on the hop limit, DD_TRACE_AGENT_URL silently overriding the host,
//! a socket directory only one side mounts, a Fargate app that sends before
//! its sidecar listens, `sh` as PID 1 swallowing SIGTERM, placeholders never
//! filled in; and with Datadog's init-container injection, loader variables
//! that point at nothing, an app that starts before its tracer is copied,
//! values overwritten instead of appended; and with log collection, a
//! FireLens route without its router or its API key.
//!
//! Every finding names the JSON value it is about, so that it can be shown
//! at its line and column.

mod agent;
mod app;
mod fargate;
mod features;
mod hygiene;
mod injection;
mod logs;
pub mod report;
mod rules;
mod socket;
mod subject;

pub use rules::*;

use crate::core::lint::report::{Finding, Report};
use crate::core::taskdef::container::{Role, TRACER_INIT};
use crate::core::taskdef::context::Network;
use crate::core::taskdef::document::{Document, InputError};
use subject::Task;

/// Lints a task definition.
pub fn check(document: &Document) -> Report {
    let task = Task::of(document);
    let mut findings = task_findings(&task);
    features::check_task(&task, &mut findings);
    logs::check_task(&task, &mut findings);
    for (index, role) in task.roles.iter().enumerate() {
        let subject = task.subject(index);
        match role {
            Role::Agent => agent::check(&subject, &task, &mut findings),
            Role::App => {
                app::check(&subject, &task, &mut findings);
                socket::check_app(&subject, &task, &mut findings);
                fargate::check_app(&subject, &task, &mut findings);
                injection::check_app(&subject, &task, &mut findings);
                features::check_app(&subject, &mut findings);
            }
            Role::Sidecar(TRACER_INIT) => injection::check_init(&subject, &mut findings),
            Role::Sidecar(_) => {}
        }
        hygiene::check_any(&subject, &mut findings);
        hygiene::placeholders(&subject, &mut findings);
    }
    hygiene::placeholders_outside_containers(&task, &mut findings);
    for finding in &mut findings {
        finding.at = document.positions.of(&finding.pointer);
    }
    // In file order, as people read the file and editors list problems.
    findings.sort_by_key(|f| (f.at.map(|at| (at.line, at.column)), f.rule.id));
    Report { findings }
}

/// The report of a file that looks like a task definition but cannot be
/// read as one: a DDECS000 error at the place the reader names.
pub fn unreadable(error: &InputError) -> Report {
    Report {
        findings: vec![Finding {
            rule: &NOT_A_TASK_DEFINITION,
            container: None,
            pointer: String::new(),
            at: error.position(),
            message: error.to_string(),
            fix: NOT_A_TASK_DEFINITION.help.to_owned(),
        }],
    }
}

/// Rules about the task as a whole.
fn task_findings(task: &Task) -> Vec<Finding> {
    let document = task.document;
    let mut findings = Vec::new();
    let apps: Vec<_> = task.with_role(Role::App).collect();
    let meant_to_trace = task.context.has_agent || apps.iter().any(|a| app::shows_tracing(a.value));
    if !apps.is_empty() && task.context.network == Network::Isolated && meant_to_trace {
        findings.push(task.finding(
            &NO_NETWORK,
            task.field("networkMode"),
            "networkMode is \"none\", so no container can reach an agent".into(),
        ));
    }
    if document
        .task()
        .is_some_and(|fields| !fields.contains_key("family"))
    {
        findings.push(task.finding(
            &NO_FAMILY,
            document.file_pointer(""),
            "there is no family, so register-task-definition refuses the file".into(),
        ));
    }
    // A bare containerDefinitions array is Terraform's, whose provider
    // reads null as "not set": only register input must be free of nulls.
    if let (Some(_), Some(first)) = (document.task(), &document.first_null) {
        let count = document.null_fields;
        findings.push(task.finding(
            &NULL_FIELDS,
            first.clone(),
            format!(
                "{count} field{} null (console exports write null for \"not set\"), and the ECS API refuses null values",
                if count == 1 { " is" } else { "s are" }
            ),
        ));
    }
    findings
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::json::position::Position;
    use crate::core::taskdef::document;

    fn report(text: &str) -> Report {
        check(&document::read(text.as_bytes()).unwrap())
    }

    #[test]
    fn findings_carry_the_place_of_their_value() {
        let report = report(
            "{\n  \"containerDefinitions\": [\n    {\"name\": \"app\", \"environment\": [{\"name\": \"DD_AGENT_HOST\", \"value\": \"localhost\"}]}\n  ]\n}",
        );
        let ids: Vec<_> = report.findings.iter().map(|f| f.rule.id).collect();
        // In file order: the task (no family) at 1:1 first.
        assert_eq!(ids, ["DDECS036", "DDECS011"]);
        assert_eq!(report.findings[0].at, Some(Position { line: 1, column: 1 }));
        assert_eq!(
            report.findings[1].pointer,
            "/containerDefinitions/0/environment/0/value"
        );
        assert_eq!(
            report.findings[1].at,
            Some(Position {
                line: 3,
                column: 72
            })
        );
    }

    #[test]
    fn null_fields_are_found_where_they_are() {
        let report = report("{\"family\": \"f\",\n \"containerDefinitions\": [{\"name\": \"a\", \"image\": \"b:1\", \"links\": null}]}");
        let null = report
            .findings
            .iter()
            .find(|f| f.rule.id == "DDECS037")
            .unwrap();
        assert_eq!(
            null.at,
            Some(Position {
                line: 2,
                column: 66
            })
        );
    }

    #[test]
    fn every_finding_has_a_place() {
        let report = report(
            r#"{"taskDefinition": {"requiresCompatibilities": ["FARGATE"], "containerDefinitions": [{"name": "app", "image": "<IMAGE>", "environment": [{"name": "DD_ENV", "value": "'prod'"}]}]}}"#,
        );
        assert!(report.findings.len() >= 3, "{report:?}");
        for finding in &report.findings {
            assert!(finding.at.is_some(), "{finding:?}");
            assert!(
                finding.pointer.starts_with("/taskDefinition"),
                "{finding:?}"
            );
        }
    }
}
