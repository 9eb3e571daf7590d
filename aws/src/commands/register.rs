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
//! A file the family's latest revision already holds registers nothing
//! ("up to date"); a changed one is shown as a diff from that revision.
//! Registering goes through `registration::register_revision` (read again
//! right before, never sent twice blindly, a lost answer read back). A
//! Fargate-only file is refused with `--daemon-service` before anything is
//! written: a DAEMON service runs on EC2 instances.
//!
//! The plan is shown first; a terminal is asked, `--yes` is needed without
//! one, and `--dry-run` stops after the plan. stdout carries the results.

use std::io::Write;

use anyhow::Result;

use crate::confirm::{decide, Decision};
use crate::connect::{connect, Clients};
use crate::daemon::{self, DaemonTarget};
use crate::ecs::{self, ServiceState};
use crate::registration::{self, read_revision, register_revision, Match};
use crate::{names, raw, runtime};
use ddecs_wizard::cli::{RegisterArgs, UsageError};
use ddecs_wizard::commands::input;
use ddecs_wizard::core::taskdef::container::{self, secret_values};
use ddecs_wizard::core::taskdef::document::{self, Document, Shape};
use ddecs_wizard::output::diff;
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
    let file_name = printable(
        &std::path::Path::new(&input.name)
            .file_name()
            .map_or_else(|| input.name.clone(), |n| n.to_string_lossy().into_owned()),
    )
    .into_owned();
    if args.daemon_service.is_some() && is_fargate_only(&document) {
        return Err(UsageError(format!(
            "--daemon-service: {file_name} requires FARGATE, and a DAEMON service runs one task on each EC2 instance; register it without --daemon-service and run it as a service of its own (aws ecs create-service --launch-type FARGATE), or regenerate it with --launch-type ec2"
        ))
        .into());
    }
    for note in &document.notes {
        writeln!(err, "ddecs-wizard: {}", printable(&note.to_string()))?;
    }
    let job = Job {
        args,
        name,
        file_name,
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

/// A task definition whose requiresCompatibilities names FARGATE and not
/// EC2: it cannot back a DAEMON service.
fn is_fargate_only(document: &Document) -> bool {
    let Some(compatibilities) = document
        .task()
        .and_then(|task| task.get("requiresCompatibilities"))
        .and_then(|v| v.as_array())
    else {
        return false;
    };
    let has = |name: &str| compatibilities.iter().any(|c| c.as_str() == Some(name));
    has("FARGATE") && !has("EC2")
}

struct Job<'a> {
    args: &'a RegisterArgs,
    /// The file's name, printable.
    name: String,
    /// The file's last path segment, printable, for the lines about it.
    file_name: String,
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
        let latest_revision = match &latest {
            Some(arn) => Some(read_revision(&clients.ecs, arn).await?),
            None => None,
        };
        if let Some(revision) = &latest_revision {
            if Match::Holds.matches(&revision.value, &self.document.value) {
                return self.up_to_date(&clients, revision, &service, err).await;
            }
            self.show_diff(revision, out)?;
        }
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
        let untouched = match service {
            ServicePlan::None => "nothing was registered",
            _ => "nothing was registered and the DAEMON service was left as it was",
        };
        let registered = register_revision(
            &clients.ecs,
            &self.document.value,
            latest.as_deref(),
            Match::Holds,
        )
        .await
        .map_err(|e| e.into_error(untouched))?;
        registration::report(&registered, out, err)?;
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

    /// The diff from the latest revision to the file, on stdout: only the
    /// fields the file sets are compared, so the defaults ECS fills in are
    /// not shown as removed.
    fn show_diff(&self, latest: &registration::Revision, out: &mut dyn Write) -> Result<()> {
        let input = &self.document.value;
        let old = registration::as_set_in(&latest.value, input);
        let layout = &self.document.layout;
        let mut secrets = secret_values(&old);
        secrets.extend(secret_values(input));
        let old_name = names::short_task_definition(&latest.arn).to_owned();
        let new_name = format!("{}:new", self.family);
        let text = diff::unified_between(
            &document::render(&old, layout),
            &document::render(input, layout),
            (&old_name, &new_name),
            &secrets,
        );
        out.write_all(text.as_bytes())?;
        out.flush()?;
        Ok(())
    }

    /// The latest revision already holds the file: nothing is registered,
    /// and the DAEMON service is pointed at that revision if it runs
    /// another (or created with it).
    async fn up_to_date(
        &self,
        clients: &Clients,
        latest: &registration::Revision,
        service: &ServicePlan,
        err: &mut dyn Write,
    ) -> Result<()> {
        let short = printable(names::short_task_definition(&latest.arn)).into_owned();
        let cluster = printable(self.cluster()).into_owned();
        let (name, runs) = match service {
            ServicePlan::None => {
                writeln!(
                    err,
                    "ddecs-wizard: {short} is up to date with {}: nothing to register",
                    self.file_name
                )?;
                return Ok(());
            }
            ServicePlan::Update(name, state) if state.task_definition == latest.arn => {
                writeln!(
                    err,
                    "ddecs-wizard: {short} is up to date with {}: nothing to register, and DAEMON service {} runs it",
                    self.file_name,
                    printable(name)
                )?;
                return Ok(());
            }
            ServicePlan::Update(name, state) => (name, Some(&state.task_definition)),
            ServicePlan::Create(name) => (name, None),
        };
        writeln!(
            err,
            "ddecs-wizard: {short} is up to date with {}: nothing to register",
            self.file_name
        )?;
        match runs {
            Some(runs) => writeln!(
                err,
                "plan: update DAEMON service {} in cluster {cluster}: {} -> {short}",
                printable(name),
                printable(names::short_task_definition(runs))
            )?,
            None => writeln!(
                err,
                "plan: create DAEMON service {} in cluster {cluster} (launch type EC2) with {short}",
                printable(name)
            )?,
        }
        let verb = if runs.is_some() { "update" } else { "create" };
        if decide(&self.args.write, &format!("{verb} the DAEMON service"), err)? == Decision::Stop {
            return Ok(());
        }
        let deployment = match runs {
            Some(_) => ecs::update_service(&clients.ecs, self.cluster(), name, &latest.arn).await?,
            None => {
                ecs::create_daemon_service(&clients.ecs, self.cluster(), name, &latest.arn).await?
            }
        };
        writeln!(
            err,
            "{verb}d DAEMON service {} in cluster {cluster} on {short}: deployment {} ({})",
            printable(&deployment.service),
            printable(&deployment.id),
            printable(&deployment.rollout)
        )?;
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
