//! `ddecs-wizard apply FAMILY`: the whole loop people do by hand, made safe.
//! It patches the family's latest ACTIVE revision with the same core as
//! `patch`, shows the diff (secrets masked) and the plan, asks (or needs
//! `--yes`), registers the new revision with its tags, then points the
//! `--service` services at it and reports each deployment.
//!
//! Nothing to change registers nothing ("up to date"). Services are only
//! touched after the new revision registered, so a failed or interrupted
//! apply never leaves a service on a revision that does not exist; running
//! it again finishes the job (a service still on an older revision than an
//! already patched latest one is simply pointed at it).
//!
//! Registering goes through `registration::register_revision`: the family
//! is read again right before (another run may have registered the same
//! patch meanwhile), the call is never repeated blindly, and a lost answer
//! is read back. Services go to the newest revision with the patched
//! content and are never moved back to an older one.
//!
//! stdout carries the diff and the results (the new ARN, each deployment);
//! stderr the notes, the plan and the question.

use std::io::Write;

use anyhow::Result;

use crate::confirm::{decide, Decision};
use crate::connect::{connect, Clients};
use crate::ecs::{self, ServiceState};
use crate::registration::{self, register_revision, Match};
use crate::rollout::{self, Follow, Roll, Rolled};
use crate::{names, raw, runtime, survey};
use aws_sdk_ecs::Client;
use ddecs_wizard::cli::{ApplyArgs, UsageError};
use ddecs_wizard::commands::patch::{check_remove_alone, options};
use ddecs_wizard::core::patch::{patch, Note, PatchOptions, Patched};
use ddecs_wizard::core::taskdef::container::secret_values;
use ddecs_wizard::core::taskdef::document::{self, Document};
use ddecs_wizard::output::diff;
use ddecs_wizard::output::safe::printable;

pub fn run(args: &ApplyArgs, out: &mut dyn Write, err: &mut dyn Write) -> Result<()> {
    let mut options = options(&args.preset.given, &args.container)?;
    options.remove = args.remove;
    check_remove_alone(&options, &args.preset.given)?;
    if args.family.trim().is_empty() {
        return Err(UsageError("FAMILY is empty: give the task definition family".into()).into());
    }
    if names::names_a_revision(&args.family) {
        return Err(UsageError(format!(
            "FAMILY: {} names one revision; apply always patches the latest ACTIVE revision, so give the family alone ({})",
            printable(&args.family),
            printable(names::family(&args.family))
        ))
        .into());
    }
    runtime::block_on(apply(args, &options, out, err))?
}

/// A service to point at the new revision, as it is now.
struct Target {
    name: String,
    state: ServiceState,
}

async fn apply(
    args: &ApplyArgs,
    options: &PatchOptions,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<()> {
    let clients = connect(&args.aws).await?;
    let (prepared, targets) = tokio::join!(
        prepare(&clients.ecs, &args.family, options),
        targets(&clients, args)
    );
    let (prepared, targets) = (prepared?, targets?);
    let Prepared {
        current_arn,
        current,
        document,
        patched,
        changed,
    } = prepared;
    // Reading describe output always unwraps it and drops its read-only
    // fields: only what the patch itself did is worth a line.
    for note in patched.notes.iter().filter(|n| !matches!(n, Note::Read(_))) {
        writeln!(err, "ddecs-wizard: {}", printable(&note.to_string()))?;
    }
    if changed {
        let old = document::render(&document.value, &document.layout);
        let new = document::render(&patched.value, &document.layout);
        let mut secrets = secret_values(&document.value);
        secrets.extend(secret_values(&patched.value));
        let new_name = format!("{}:new", names::family(&current));
        let diff = diff::unified_between(&old, &new, (&current, &new_name), &secrets);
        out.write_all(diff.as_bytes())?;
        out.flush()?;
    }

    let cluster = args.cluster.as_deref().unwrap_or_default();
    let behind: Vec<&Target> = targets
        .iter()
        .filter(|t| changed || t.state.task_definition != current_arn)
        .collect();
    if !changed && behind.is_empty() {
        writeln!(
            err,
            "ddecs-wizard: {} is up to date: nothing to register{}",
            printable(&current),
            if targets.is_empty() {
                ""
            } else {
                ", and every service runs it"
            }
        )?;
        return Ok(());
    }
    if changed {
        let tags = patched.value["tags"].as_array().map_or(0, Vec::len);
        writeln!(
            err,
            "plan: register a new revision of {} from {}, with its {} tag{}",
            printable(names::family(&current)),
            printable(&current),
            tags,
            if tags == 1 { "" } else { "s" }
        )?;
    }
    for target in &behind {
        writeln!(
            err,
            "plan: update service {} in cluster {}: {} -> {}",
            printable(&target.name),
            printable(cluster),
            printable(names::short_task_definition(&target.state.task_definition)),
            if changed {
                "the new revision".to_owned()
            } else {
                printable(&current).into_owned()
            }
        )?;
    }
    let action = action(changed, &current, behind.len());
    if decide(&args.write, &action, err)? == Decision::Stop {
        return Ok(());
    }

    let revision = if changed {
        let untouched = untouched(behind.len());
        let registration = register_revision(
            &clients.ecs,
            &patched.value,
            Some(&current_arn),
            Match::Same,
        )
        .await
        .map_err(|e| e.into_error(untouched))?;
        registration::report(&registration, out, err)?;
        registration.arn
    } else {
        current_arn
    };
    let follow = Follow {
        wait: args.follows_deployments(),
        rollback: args.rollback_on_failure,
    };
    let services: Vec<String> = behind.iter().map(|t| t.name.clone()).collect();
    roll(&clients, cluster, &services, &revision, follow, out).await
}

/// A family's latest ACTIVE revision and what `patch` makes of it; the
/// first step of `apply FAMILY` and of each family `apply --all-services`
/// plans.
pub struct Prepared {
    pub current_arn: String,
    /// `family:revision` of the latest revision.
    pub current: String,
    pub document: Document,
    pub patched: Patched,
    /// Compared with what was read, not with the describe output: reading
    /// always unwraps and drops read-only fields, which is not a change.
    pub changed: bool,
}

/// Reads the family's latest revision and patches it (read-only).
pub async fn prepare(ecs: &Client, family: &str, options: &PatchOptions) -> Result<Prepared> {
    let described = raw::describe_task_definition(ecs, family).await?;
    let current_arn = described["taskDefinition"]["taskDefinitionArn"]
        .as_str()
        .unwrap_or(family)
        .to_owned();
    let current = names::short_task_definition(&current_arn).to_owned();
    let document = survey::read(&described)
        .map_err(|e| UsageError(format!("{}: cannot be patched: {e}", printable(&current))))?;
    let patched = patch(&document, options)
        .map_err(|e| UsageError(format!("{}: {e}", printable(&current))))?;
    let changed = patched.value != document.value;
    Ok(Prepared {
        current_arn,
        current,
        document,
        patched,
        changed,
    })
}

/// The `--service` services, checked before anything is written: each must
/// exist in the cluster and run this family. A service named twice (or by
/// name and by ARN) is one target.
async fn targets(clients: &Clients, args: &ApplyArgs) -> Result<Vec<Target>> {
    let Some(cluster) = &args.cluster else {
        return Ok(Vec::new());
    };
    let mut wanted: Vec<String> = Vec::new();
    for name in &args.ecs_services {
        if !wanted
            .iter()
            .any(|w| names::last_segment(w) == names::last_segment(name))
        {
            wanted.push(name.clone());
        }
    }
    let found = ecs::describe_services(&clients.ecs, cluster, &wanted).await?;
    let mut targets = Vec::new();
    for (name, state) in wanted.into_iter().zip(found) {
        let Some(state) = state else {
            return Err(UsageError(format!(
                "--service: no service {} in cluster {}",
                printable(&name),
                printable(cluster)
            ))
            .into());
        };
        let runs = names::family(&state.task_definition);
        if runs != args.family {
            return Err(UsageError(format!(
                "--service: service {} runs {}, not the {} family; apply would switch it to another application",
                printable(&name),
                printable(names::short_task_definition(&state.task_definition)),
                printable(&args.family)
            ))
            .into());
        }
        targets.push(Target { name, state });
    }
    Ok(targets)
}

fn action(changed: bool, current: &str, services: usize) -> String {
    let services = match services {
        0 => String::new(),
        1 => "update 1 service".to_owned(),
        n => format!("update {n} services"),
    };
    match (changed, services.is_empty()) {
        (true, true) => format!("register a new revision of {}", names::family(current)),
        (true, false) => format!(
            "register a new revision of {} and {services}",
            names::family(current)
        ),
        (false, _) => services,
    }
}

/// What a failed registration left alone.
fn untouched(services: usize) -> &'static str {
    if services == 0 {
        "nothing was registered"
    } else {
        "nothing was registered and no service was changed"
    }
}

/// Points each service of `cluster` at `revision`, concurrently, and
/// reports each deployment (followed to its end with `--wait`). Each is
/// read again first: one that already runs `revision`, or a newer revision
/// of its family (another run or a deploy got there since the plan), is
/// left as it is and said so, so that apply never moves a service back. A
/// service whose update failed is named with the revision it stays on.
async fn roll(
    clients: &Clients,
    cluster: &str,
    services: &[String],
    revision: &str,
    follow: Follow,
    out: &mut dyn Write,
) -> Result<()> {
    if services.is_empty() {
        return Ok(());
    }
    let states = ecs::describe_services(&clients.ecs, cluster, services).await?;
    let short = names::short_task_definition(revision);
    let mut rolls = Vec::new();
    for (name, state) in services.iter().zip(states) {
        let runs = state.map(|s| s.task_definition).unwrap_or_default();
        if names::is_at_least(&runs, revision) {
            let runs_short = names::short_task_definition(&runs);
            if runs_short == short {
                writeln!(
                    out,
                    "service {} in cluster {} already runs {}",
                    printable(name),
                    printable(cluster),
                    printable(short)
                )?;
            } else {
                writeln!(
                    out,
                    "service {} in cluster {} runs {}, newer than {}: left on it",
                    printable(name),
                    printable(cluster),
                    printable(runs_short),
                    printable(short)
                )?;
            }
            continue;
        }
        rolls.push(Roll {
            cluster: cluster.to_owned(),
            service: name.clone(),
            from: runs,
            to: revision.to_owned(),
        });
    }
    out.flush()?;
    let rolled = rollout::roll(&clients.ecs, rolls, follow, out).await?;
    let failures: Vec<String> = rolled.iter().filter_map(Rolled::failure).collect();
    match failures.len() {
        0 => Ok(()),
        _ => Err(anyhow::anyhow!(failures.join("; "))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::call::AwsError;
    use crate::registration::RegisterError;

    #[test]
    fn action_names_every_write() {
        assert_eq!(action(true, "web:3", 0), "register a new revision of web");
        assert_eq!(
            action(true, "web:3", 2),
            "register a new revision of web and update 2 services"
        );
        assert_eq!(action(false, "web:3", 1), "update 1 service");
    }

    #[test]
    fn a_failed_registration_says_what_was_left_alone() {
        let error = RegisterError::Refused(AwsError::new(
            "RegisterTaskDefinition",
            "ClientException: bad",
        ))
        .into_error(untouched(1));
        assert_eq!(
            error.to_string(),
            "RegisterTaskDefinition failed: ClientException: bad (nothing was registered and no service was changed)"
        );
        assert_eq!(untouched(0), "nothing was registered");
    }
}
