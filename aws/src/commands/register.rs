//! `ddecs-wizard register FILE`: registers a task definition file (written
//! by `generate`, `patch` or `pull`) as a new revision and, with
//! `--daemon-service`, creates the agent's DAEMON service with it or points
//! the existing one at it: the last step of the agent setup.
//!
//! An ECS Managed Instances agent file (no requiresCompatibilities, the
//! agent's env has ECS_MANAGED_INSTANCES=true) is a daemon task definition:
//! it goes through RegisterDaemonTaskDefinition, and `--daemon-service`
//! then names an ECS daemon (CreateDaemon / UpdateDaemon).
//!
//! The plan is shown first; a terminal is asked, `--yes` is needed without
//! one, and `--dry-run` stops after the plan. stdout carries the results.

use std::io::Write;

use anyhow::Result;

use crate::confirm::{decide, Decision};
use crate::connect::{connect, Clients};
use crate::daemon::{self, DaemonTarget};
use crate::ecs::{self, ServiceState};
use crate::{names, raw, runtime};
use ddecs_wizard::cli::{RegisterArgs, UsageError};
use ddecs_wizard::commands::input;
use ddecs_wizard::core::taskdef::container;
use ddecs_wizard::core::taskdef::document::{Document, Shape};
use ddecs_wizard::output::safe::printable;

pub fn run(args: &RegisterArgs, out: &mut dyn Write, err: &mut dyn Write) -> Result<()> {
    let input = input::read(&args.file)?;
    let document = input::document(&input)?;
    let name = printable(&input.name).into_owned();
    if document.shape != Shape::Task {
        return Err(UsageError(format!(
            "{name}: holds container definitions only; register needs a whole task definition (family and containerDefinitions), e.g. from generate --output agent-task-definition"
        ))
        .into());
    }
    let family = document.value["family"].as_str().unwrap_or_default();
    if family.trim().is_empty() {
        return Err(UsageError(format!(
            "{name}: no family; register-task-definition needs one, so add \"family\": \"NAME\""
        ))
        .into());
    }
    for note in &document.notes {
        writeln!(err, "ddecs-wizard: {}", printable(&note.to_string()))?;
    }
    let job = Job {
        args,
        name,
        family: family.to_owned(),
        document: &document,
    };
    if is_managed_instances_daemon(&document) {
        runtime::block_on(job.daemon(out, err))?
    } else {
        runtime::block_on(job.task(out, err))?
    }
}

/// An ECS Managed Instances daemon file, as `generate --launch-type
/// managed-instances` writes it: a task definition that declares no launch
/// compatibility and whose agent is told it runs on Managed Instances.
pub fn is_managed_instances_daemon(document: &Document) -> bool {
    let declares_compatibility = document
        .task()
        .is_some_and(|task| task.contains_key("requiresCompatibilities"));
    !declares_compatibility
        && document.containers().iter().any(|c| {
            container::env(c, "ECS_MANAGED_INSTANCES")
                .is_some_and(|v| v.eq_ignore_ascii_case("true"))
        })
}

struct Job<'a> {
    args: &'a RegisterArgs,
    /// The file's name, printable.
    name: String,
    family: String,
    document: &'a Document,
}

/// What happens to the `--daemon-service` service.
enum ServicePlan {
    None,
    Create(String),
    Update(String, ServiceState),
}

impl Job<'_> {
    fn cluster(&self) -> &str {
        self.args.cluster.as_deref().unwrap_or_default()
    }

    /// A task definition, and the agent's DAEMON service on EC2.
    async fn task(&self, out: &mut dyn Write, err: &mut dyn Write) -> Result<()> {
        let clients = connect(&self.args.aws).await?;
        let (latest, service) = tokio::join!(
            ecs::latest_revision(&clients.ecs, &self.family),
            self.service_plan(&clients)
        );
        let (latest, service) = (latest?, service?);
        writeln!(
            err,
            "plan: register {} as a new revision of {} ({})",
            self.name,
            printable(&self.family),
            match &latest {
                Some(arn) => format!("latest: {}", printable(names::short_task_definition(arn))),
                None => "its first revision".to_owned(),
            }
        )?;
        let cluster = printable(self.cluster()).into_owned();
        match &service {
            ServicePlan::None => {}
            ServicePlan::Create(name) => writeln!(
                err,
                "plan: create DAEMON service {} in cluster {cluster} (launch type EC2) with the new revision",
                printable(name)
            )?,
            ServicePlan::Update(name, state) => writeln!(
                err,
                "plan: update DAEMON service {} in cluster {cluster}: {} -> the new revision",
                printable(name),
                printable(names::short_task_definition(&state.task_definition))
            )?,
        }
        let action = match &service {
            ServicePlan::None => format!("register {}", self.name),
            ServicePlan::Create(_) => {
                format!("register {} and create the DAEMON service", self.name)
            }
            ServicePlan::Update(..) => {
                format!("register {} and update the DAEMON service", self.name)
            }
        };
        if decide(&self.args.write, &action, err)? == Decision::Stop {
            return Ok(());
        }
        let registered = raw::register_task_definition(&clients.ecs, &self.document.value).await?;
        writeln!(out, "registered {}", printable(&registered.arn))?;
        out.flush()?;
        let revision = names::short_task_definition(&registered.arn);
        let (verb, deployment) = match &service {
            ServicePlan::None => return Ok(()),
            ServicePlan::Create(name) => (
                "created",
                ecs::create_daemon_service(&clients.ecs, self.cluster(), name, &registered.arn)
                    .await?,
            ),
            ServicePlan::Update(name, _) => (
                "updated",
                ecs::update_service(&clients.ecs, self.cluster(), name, &registered.arn).await?,
            ),
        };
        writeln!(
            out,
            "{verb} DAEMON service {} in cluster {cluster} on {}: deployment {} ({})",
            printable(&deployment.service),
            printable(revision),
            printable(&deployment.id),
            printable(&deployment.rollout)
        )?;
        out.flush()?;
        Ok(())
    }

    async fn service_plan(&self, clients: &Clients) -> Result<ServicePlan> {
        let Some(name) = &self.args.daemon_service else {
            return Ok(ServicePlan::None);
        };
        let found =
            ecs::describe_services(&clients.ecs, self.cluster(), std::slice::from_ref(name))
                .await?
                .pop()
                .flatten();
        match found {
            None => Ok(ServicePlan::Create(name.clone())),
            Some(state) if state.daemon => Ok(ServicePlan::Update(name.clone(), state)),
            Some(_) => Err(UsageError(format!(
                "--daemon-service: service {} in cluster {} uses REPLICA scheduling; the agent must run on every instance, so name a DAEMON service (or a new one)",
                printable(name),
                printable(self.cluster())
            ))
            .into()),
        }
    }

    /// An ECS Managed Instances daemon task definition, and its daemon.
    async fn daemon(&self, out: &mut dyn Write, err: &mut dyn Write) -> Result<()> {
        let clients = connect(&self.args.aws).await?;
        let target: Option<DaemonTarget> = match &self.args.daemon_service {
            Some(name) => Some(daemon::find(&clients.ecs, self.cluster(), name).await?),
            None => None,
        };
        writeln!(
            err,
            "plan: register {} as a daemon task definition of {} (ECS Managed Instances)",
            self.name,
            printable(&self.family)
        )?;
        if let Some(target) = &target {
            writeln!(
                err,
                "plan: {} daemon {} in cluster {} with the new revision, on {}",
                if target.existing.is_some() {
                    "update"
                } else {
                    "create"
                },
                printable(&target.name),
                printable(self.cluster()),
                printable(&target.capacity_providers.join(", "))
            )?;
        }
        let action = match &target {
            None => format!("register {}", self.name),
            Some(t) if t.existing.is_some() => {
                format!("register {} and update the daemon", self.name)
            }
            Some(_) => format!("register {} and create the daemon", self.name),
        };
        if decide(&self.args.write, &action, err)? == Decision::Stop {
            return Ok(());
        }
        let registered =
            raw::register_daemon_task_definition(&clients.ecs, &self.document.value).await?;
        writeln!(out, "registered {}", printable(&registered.arn))?;
        out.flush()?;
        if let Some(target) = &target {
            let rollout = daemon::roll(&clients.ecs, target, &registered.arn).await?;
            writeln!(
                out,
                "{} daemon {}: deployment {}",
                if target.existing.is_some() {
                    "updated"
                } else {
                    "created"
                },
                printable(&rollout.daemon_arn),
                printable(&rollout.deployment_arn)
            )?;
            out.flush()?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ddecs_wizard::core::taskdef::document;
    use serde_json::json;

    fn document(value: serde_json::Value) -> Document {
        document::read(value.to_string().as_bytes()).unwrap()
    }

    #[test]
    fn managed_instances_daemon_files_are_told_apart() {
        let agent = |env: serde_json::Value| json!({"name": "datadog-agent", "image": "public.ecr.aws/datadog/agent:7", "environment": env});
        let managed = document(json!({"family": "dd", "containerDefinitions": [
            agent(json!([{"name": "ECS_MANAGED_INSTANCES", "value": "true"}]))
        ]}));
        assert!(is_managed_instances_daemon(&managed));
        let ec2 = document(
            json!({"family": "dd", "requiresCompatibilities": ["EC2"], "containerDefinitions": [
                agent(json!([{"name": "ECS_MANAGED_INSTANCES", "value": "true"}]))
            ]}),
        );
        assert!(!is_managed_instances_daemon(&ec2));
        let plain = document(json!({"family": "dd", "containerDefinitions": [agent(json!([]))]}));
        assert!(!is_managed_instances_daemon(&plain));
    }
}
