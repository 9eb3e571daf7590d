//! `ddecs-wizard apply --cluster C --all-services [--services-matching
//! GLOB]`: `apply FAMILY` for every family the cluster's services run, with
//! one plan and one question. Each family is read and patched as `apply
//! FAMILY` does (`commands::apply::prepare`); the plan table shows them
//! all; then the new revisions are registered and the services rolled
//! concurrently.
//!
//! A family that fails (its registration refused, its services' updates
//! refused) is named with what stays as it was; the others are done. Since
//! a family whose latest revision is patched already is "up to date" and
//! its services left behind are simply pointed at it, running the same
//! command again finishes the job without registering anything twice.
//!
//! DAEMON services (the agent's own, log routers) are not planned: they
//! run on every instance beside the apps and are not apps to trace.

use std::collections::BTreeMap;
use std::io::Write;

use anyhow::Result;
use glob::Pattern;

use super::plan::{changes, table, Change, Row};
use crate::commands::apply::{prepare, Prepared};
use crate::concurrent::{run_all, LIMIT};
use crate::confirm::{decide, Decision};
use crate::connect::connect;
use crate::ecs::{self, ServiceState};
use crate::registration::{self, register_revision, Match};
use crate::rollout::{self, Follow, Roll};
use crate::{names, runtime};
use ddecs_wizard::cli::{ApplyArgs, UsageError};
use ddecs_wizard::commands::patch::options;
use ddecs_wizard::core::patch::PatchOptions;
use ddecs_wizard::output::safe::printable;

pub fn run(args: &ApplyArgs, out: &mut dyn Write, err: &mut dyn Write) -> Result<()> {
    let options = options(&args.preset.given, &args.container)?;
    let pattern = match &args.services_matching {
        Some(glob) => Some(Pattern::new(glob).map_err(|e| {
            UsageError(format!(
                "--services-matching: {} is not a glob pattern: {e}",
                printable(glob)
            ))
        })?),
        None => None,
    };
    let cluster = args.cluster.as_deref().unwrap_or_default();
    if cluster.trim().is_empty() {
        return Err(UsageError("--cluster: the cluster name is empty".to_owned()).into());
    }
    runtime::block_on(apply(args, cluster, &options, pattern.as_ref(), out, err))?
}

/// One family of the plan and its services.
struct Family {
    row: Row,
    services: Vec<ServiceState>,
    prepared: Option<Prepared>,
}

async fn apply(
    args: &ApplyArgs,
    cluster: &str,
    options: &PatchOptions,
    pattern: Option<&Pattern>,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<()> {
    let clients = connect(&args.aws).await?;
    if ecs::active_clusters(&clients.ecs, &[cluster.to_owned()])
        .await?
        .is_empty()
    {
        return Err(UsageError(format!(
            "--cluster: no active cluster named {} in {}",
            printable(cluster),
            clients.region
        ))
        .into());
    }
    let services = ecs::all_services(&clients.ecs, cluster).await?;
    let daemons = services.iter().filter(|s| s.daemon).count();
    let chosen: Vec<ServiceState> = services
        .into_iter()
        .filter(|s| !s.daemon)
        .filter(|s| pattern.is_none_or(|p| p.matches(&s.name)))
        .collect();
    if daemons > 0 {
        writeln!(
            err,
            "ddecs-wizard: {daemons} DAEMON service{} (the agent's own, log routers) not planned",
            if daemons == 1 { "" } else { "s" }
        )?;
    }
    if chosen.is_empty() {
        return Err(UsageError(match pattern {
            Some(p) => format!(
                "--services-matching: no REPLICA service of cluster {} matches {}",
                printable(cluster),
                printable(p.as_str())
            ),
            None => format!(
                "--all-services: cluster {} has no REPLICA service to apply to",
                printable(cluster)
            ),
        })
        .into());
    }
    let mut families = plan(&clients.ecs, chosen, options).await;

    let register = families
        .iter()
        .filter(|f| matches!(f.row.change, Change::Register(_)))
        .count();
    let behind: usize = families.iter().map(|f| behind(f).len()).sum();
    let cannot = families
        .iter()
        .filter(|f| matches!(f.row.change, Change::Cannot(_)))
        .count();
    if register == 0 && behind == 0 && cannot == 0 {
        writeln!(
            err,
            "ddecs-wizard: all {} famil{} of cluster {} are up to date: nothing to register, and every service runs its family's patched revision",
            families.len(),
            if families.len() == 1 { "y" } else { "ies" },
            printable(cluster)
        )?;
        return Ok(());
    }
    let rows: Vec<Row> = families.iter().map(|f| f.row.clone()).collect();
    write!(err, "{}", table(&rows))?;
    writeln!(
        err,
        "plan: register {register} new revision{} and update {behind} service{} in cluster {}{}",
        if register == 1 { "" } else { "s" },
        if behind == 1 { "" } else { "s" },
        printable(cluster),
        if cannot > 0 {
            format!(
                "; {cannot} famil{} cannot be patched and stay as they are",
                if cannot == 1 { "y" } else { "ies" }
            )
        } else {
            String::new()
        }
    )?;
    let action = format!(
        "register {register} revision{} and update {behind} service{}",
        if register == 1 { "" } else { "s" },
        if behind == 1 { "" } else { "s" }
    );
    if register + behind > 0 && decide(&args.write, &action, err)? == Decision::Stop {
        return Ok(());
    }

    // Registrations first, every family at once; a family's services are
    // touched only once its revision exists.
    let jobs = families
        .iter()
        .map(|f| {
            let ecs = clients.ecs.clone();
            let input = match (&f.row.change, &f.prepared) {
                (Change::Register(_), Some(p)) => {
                    Some((p.patched.value.clone(), p.current_arn.clone()))
                }
                _ => None,
            };
            // Never sent twice blindly, read back after a lost answer, and
            // a revision another run registered with the same patch is used.
            async move {
                match input {
                    Some((input, planned_from)) => Some(
                        register_revision(&ecs, &input, Some(&planned_from), Match::Same).await,
                    ),
                    None => None,
                }
            }
        })
        .collect();
    let mut failures: Vec<String> = Vec::new();
    let mut failed_families: Vec<String> = Vec::new();
    let mut rolls = Vec::new();
    let mut registered = 0;
    for (family, result) in families.iter_mut().zip(run_all(jobs, LIMIT).await) {
        let target = match result {
            Some(Ok(new)) => {
                registration::report(&new, out, err)?;
                if new.registered.is_some() {
                    registered += 1;
                }
                new.arn
            }
            Some(Err(error)) => {
                let stay: Vec<String> = family
                    .services
                    .iter()
                    .map(|s| {
                        format!(
                            "{} on {}",
                            s.name,
                            names::short_task_definition(&s.task_definition)
                        )
                    })
                    .collect();
                let untouched = format!(
                    "nothing registered; its services stay as they were ({})",
                    stay.join(", ")
                );
                failures.push(format!(
                    "{}: {}",
                    family.row.family,
                    error.into_error(&untouched)
                ));
                failed_families.push(family.row.family.clone());
                continue;
            }
            None => match &family.prepared {
                Some(p) => p.current_arn.clone(),
                None => {
                    if let Change::Cannot(why) = &family.row.change {
                        failures.push(format!(
                            "{}: cannot be patched: {why}; its services stay as they were",
                            family.row.family
                        ));
                        failed_families.push(family.row.family.clone());
                    }
                    continue;
                }
            },
        };
        let registered_now = matches!(family.row.change, Change::Register(_));
        for service in &family.services {
            if registered_now || service.task_definition != target {
                rolls.push(Roll {
                    cluster: cluster.to_owned(),
                    service: service.name.clone(),
                    from: service.task_definition.clone(),
                    to: target.clone(),
                });
            }
        }
    }
    out.flush()?;
    let follow = Follow {
        wait: args.follows_deployments(),
        rollback: args.rollback_on_failure,
    };
    let rolled = rollout::roll(&clients.ecs, rolls, follow, out).await?;
    let updated = rolled.iter().filter(|r| r.succeeded()).count();
    for service in &rolled {
        if let Some(failure) = service.failure() {
            let family = names::family(&service.roll.to).to_owned();
            if !failed_families.contains(&family) {
                failed_families.push(family);
            }
            failures.push(failure);
        }
    }
    let done = families.len() - failed_families.len();
    writeln!(
        out,
        "fleet apply of cluster {}: {done} of {} families done ({registered} registered), {updated} of {} services updated{}",
        printable(cluster),
        families.len(),
        rolled.len(),
        if failed_families.is_empty() {
            String::new()
        } else {
            format!("; failed: {}", printable(&failed_families.join(", ")))
        }
    )?;
    out.flush()?;
    if failures.is_empty() {
        return Ok(());
    }
    for failure in &failures {
        writeln!(err, "ddecs-wizard: failed: {}", printable(failure))?;
    }
    Err(anyhow::anyhow!(
        "{} of {} families did not finish ({}); the others are done: run the same command again to finish the job",
        failed_families.len(),
        families.len(),
        printable(&failed_families.join(", "))
    ))
}

/// The services of a family that run another revision than its target.
fn behind(family: &Family) -> Vec<&ServiceState> {
    match (&family.row.change, &family.prepared) {
        (Change::Register(_), _) => family.services.iter().collect(),
        (_, Some(p)) => family
            .services
            .iter()
            .filter(|s| s.task_definition != p.current_arn)
            .collect(),
        _ => Vec::new(),
    }
}

/// Reads and patches each family's latest revision, concurrently.
async fn plan(
    ecs: &aws_sdk_ecs::Client,
    services: Vec<ServiceState>,
    options: &PatchOptions,
) -> Vec<Family> {
    let mut by_family: BTreeMap<String, Vec<ServiceState>> = BTreeMap::new();
    for service in services {
        by_family
            .entry(names::family(&service.task_definition).to_owned())
            .or_default()
            .push(service);
    }
    let jobs = by_family
        .keys()
        .map(|family| {
            let ecs = ecs.clone();
            let family = family.clone();
            let options = options.clone();
            async move {
                prepare(&ecs, &family, &options)
                    .await
                    .map_err(|e| e.to_string())
            }
        })
        .collect();
    by_family
        .into_iter()
        .zip(run_all(jobs, LIMIT).await)
        .map(|((family, services), prepared)| {
            let runs: Vec<(String, String)> = services
                .iter()
                .map(|s| {
                    (
                        s.name.clone(),
                        names::short_task_definition(&s.task_definition).to_owned(),
                    )
                })
                .collect();
            match prepared {
                Ok(p) => {
                    let change = if p.changed {
                        Change::Register(changes(&p.document.value, &p.patched.value))
                    } else if services.iter().any(|s| s.task_definition != p.current_arn) {
                        Change::PointOnly
                    } else {
                        Change::UpToDate
                    };
                    Family {
                        row: Row {
                            family,
                            from: p.current.clone(),
                            change,
                            services: runs,
                        },
                        services,
                        prepared: Some(p),
                    }
                }
                Err(why) => Family {
                    row: Row {
                        from: runs.first().map(|r| r.1.clone()).unwrap_or_default(),
                        family,
                        change: Change::Cannot(why),
                        services: runs,
                    },
                    services,
                    prepared: None,
                },
            }
        })
        .collect()
}
