//! Pointing services at a new revision, and with `--wait` following each
//! deployment to its end: COMPLETED, or FAILED, after which
//! `--rollback-on-failure` points the service back at the revision it ran
//! before, unless ECS's deployment circuit breaker rolls it back itself.
//!
//! Every service is updated at once (a bounded number of calls at a time);
//! following them costs one DescribeServices per 10 services a poll, the
//! polls spaced out from 1 s to 15 s (the interval of `aws ecs wait
//! services-stable`) and given up after 10 minutes, its bound.

use std::collections::BTreeMap;
use std::io::Write;
use std::time::{Duration, Instant};

use aws_sdk_ecs::Client;

use crate::call::AwsError;
use crate::concurrent::{run_all, LIMIT};
use crate::ecs::{self, Deployment, ServiceState};
use crate::{names, progress};
use ddecs_wizard::output::safe::printable;

/// How long `--wait` follows deployments, as `aws ecs wait services-stable`.
pub const WAIT_LIMIT: Duration = Duration::from_secs(600);
const FIRST_POLL: Duration = Duration::from_secs(1);
const LONGEST_POLL: Duration = Duration::from_secs(15);

/// One service to point at a revision.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Roll {
    pub cluster: String,
    pub service: String,
    /// The task definition ARN it runs now: where a rollback goes.
    pub from: String,
    pub to: String,
}

/// What to do after the updates.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Follow {
    pub wait: bool,
    pub rollback: bool,
}

/// How a followed deployment ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum End {
    Completed,
    Failed {
        reason: String,
        rollback: Rollback,
    },
    /// Still under way when the wait's bound ran out.
    TimedOut(String),
}

/// What happened after a deployment failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Rollback {
    /// `--rollback-on-failure` was not given.
    NotAsked,
    /// The circuit breaker's rollback is on: ECS rolls the service back.
    ByEcs,
    /// This tool pointed the service back at its previous revision.
    Done(Deployment),
    Refused(String),
}

/// One service's update and, when followed, its deployment's end.
#[derive(Debug, Clone)]
pub struct Rolled {
    pub roll: Roll,
    pub update: Result<Deployment, String>,
    pub end: Option<End>,
}

impl Rolled {
    /// Whether this service now runs its new revision, or is rolling to it
    /// (an unfollowed deployment counts: it was started).
    pub fn succeeded(&self) -> bool {
        self.update.is_ok() && matches!(self.end, None | Some(End::Completed))
    }

    /// The one-line failure for the closing error, or `None`.
    pub fn failure(&self) -> Option<String> {
        let service = printable(&self.roll.service);
        let from = printable(names::short_task_definition(&self.roll.from));
        match (&self.update, &self.end) {
            (Err(error), _) => Some(format!("{error}; service {service} stays on {from}")),
            (Ok(_), Some(End::Failed { reason, rollback })) => Some(format!(
                "the deployment of service {service} failed ({}){}",
                printable(reason),
                match rollback {
                    Rollback::NotAsked => String::new(),
                    Rollback::ByEcs => format!("; ECS's circuit breaker rolls it back to {from}"),
                    Rollback::Done(_) => format!("; rolled back to {from}"),
                    Rollback::Refused(why) =>
                        format!("; the rollback to {from} failed: {}", printable(why)),
                }
            )),
            (Ok(_), Some(End::TimedOut(state))) => Some(format!(
                "the deployment of service {service} was still {} after {} minutes",
                printable(state),
                WAIT_LIMIT.as_secs() / 60
            )),
            _ => None,
        }
    }
}

/// Updates every service, prints each deployment started on `out`, and
/// follows them as `follow` asks.
pub async fn roll(
    ecs: &Client,
    rolls: Vec<Roll>,
    follow: Follow,
    out: &mut dyn Write,
) -> anyhow::Result<Vec<Rolled>> {
    let jobs = rolls
        .iter()
        .map(|roll| {
            let ecs = ecs.clone();
            let roll = roll.clone();
            async move { ecs::update_service(&ecs, &roll.cluster, &roll.service, &roll.to).await }
        })
        .collect();
    let mut rolled = Vec::new();
    for (roll, update) in rolls.into_iter().zip(run_all(jobs, LIMIT).await) {
        if let Ok(deployment) = &update {
            writeln!(out, "{}", updated_line(&roll, deployment))?;
        }
        rolled.push(Rolled {
            roll,
            update: update.map_err(|e: AwsError| e.to_string()),
            end: None,
        });
    }
    out.flush()?;
    if follow.wait || follow.rollback {
        wait(ecs, &mut rolled, follow).await;
        for service in &rolled {
            if let Some(end) = &service.end {
                writeln!(out, "{}", end_line(service, end))?;
            }
        }
        out.flush()?;
    }
    Ok(rolled)
}

fn updated_line(roll: &Roll, deployment: &Deployment) -> String {
    let breaker = match deployment.circuit_breaker {
        Some(breaker) if breaker.rollback => "; circuit breaker on, with rollback",
        Some(_) => "; circuit breaker on, without rollback",
        None => "",
    };
    format!(
        "updated service {} in cluster {} to {}: deployment {} ({}{breaker})",
        printable(&roll.service),
        printable(&roll.cluster),
        printable(names::short_task_definition(&roll.to)),
        printable(&deployment.id),
        printable(&deployment.rollout)
    )
}

fn end_line(service: &Rolled, end: &End) -> String {
    let id = service.update.as_ref().map(|d| d.id.as_str()).unwrap_or("");
    let head = format!(
        "deployment {} of service {} in cluster {}",
        printable(id),
        printable(&service.roll.service),
        printable(&service.roll.cluster)
    );
    let from = printable(names::short_task_definition(&service.roll.from));
    match end {
        End::Completed => format!("{head}: COMPLETED"),
        End::TimedOut(state) => format!(
            "{head}: still {} after {} minutes, no longer followed",
            printable(state),
            WAIT_LIMIT.as_secs() / 60
        ),
        End::Failed { reason, rollback } => {
            let after = match rollback {
                Rollback::NotAsked => String::new(),
                Rollback::ByEcs => {
                    format!("; ECS's circuit breaker rolls the service back to {from}")
                }
                Rollback::Done(deployment) => format!(
                    "; rolled back to {from}: deployment {} ({})",
                    printable(&deployment.id),
                    printable(&deployment.rollout)
                ),
                Rollback::Refused(why) => {
                    format!("; the rollback to {from} failed: {}", printable(why))
                }
            };
            format!("{head}: FAILED ({}){after}", printable(reason))
        }
    }
}

/// Polls the updated services until every deployment ended or the bound
/// ran out, then rolls back the failed ones when asked.
async fn wait(ecs: &Client, rolled: &mut [Rolled], follow: Follow) {
    let started = Instant::now();
    let mut interval = FIRST_POLL;
    loop {
        let open: Vec<usize> = (0..rolled.len())
            .filter(|&i| rolled[i].update.is_ok() && rolled[i].end.is_none())
            .collect();
        let done = rolled.iter().filter(|r| r.end.is_some()).count();
        let failed = rolled
            .iter()
            .filter(|r| matches!(r.end, Some(End::Failed { .. })))
            .count();
        if open.is_empty() {
            break;
        }
        progress::draw(&format!(
            "waiting for deployments: {done} of {} ended, {failed} failed ({} s)",
            done + open.len(),
            started.elapsed().as_secs()
        ));
        if started.elapsed() >= WAIT_LIMIT {
            for i in open {
                rolled[i].end = Some(End::TimedOut("IN_PROGRESS".to_owned()));
            }
            break;
        }
        tokio::time::sleep(interval.min(WAIT_LIMIT.saturating_sub(started.elapsed()))).await;
        interval = (interval * 2).min(LONGEST_POLL);
        let states = describe(ecs, rolled, &open).await;
        for i in open {
            match states.get(&i) {
                Some(Ok(Some(state))) => rolled[i].end = judge(&rolled[i], state),
                Some(Ok(None)) => {
                    rolled[i].end = Some(End::Failed {
                        reason: "the service no longer exists".to_owned(),
                        rollback: Rollback::NotAsked,
                    })
                }
                // A describe that failed (after the SDK's retries) is
                // tried again at the next poll.
                _ => {}
            }
        }
    }
    progress::clear();
    if follow.rollback {
        roll_back(ecs, rolled).await;
    }
}

/// The state of the services at `open`, one DescribeServices per cluster
/// and 10 services.
async fn describe(
    ecs: &Client,
    rolled: &[Rolled],
    open: &[usize],
) -> BTreeMap<usize, Result<Option<ServiceState>, String>> {
    let mut by_cluster: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for &i in open {
        by_cluster
            .entry(rolled[i].roll.cluster.as_str())
            .or_default()
            .push(i);
    }
    let mut states = BTreeMap::new();
    for (cluster, indexes) in by_cluster {
        let names: Vec<String> = indexes
            .iter()
            .map(|&i| rolled[i].roll.service.clone())
            .collect();
        match ecs::describe_services(ecs, cluster, &names).await {
            Ok(found) => {
                states.extend(indexes.into_iter().zip(found.into_iter().map(Ok)));
            }
            Err(e) => {
                let why = e.to_string();
                states.extend(indexes.into_iter().map(|i| (i, Err(why.clone()))));
            }
        }
    }
    states
}

/// Where the deployment this tool started stands, from the service's
/// deployments now; `None` while it is under way.
pub fn judge(rolled: &Rolled, state: &ServiceState) -> Option<End> {
    let id = rolled.update.as_ref().ok()?.id.as_str();
    let ours = state.rollouts.iter().find(|r| r.id == id).or_else(|| {
        // The update's answer named no deployment: the one rolling out
        // the revision asked for is ours.
        state
            .rollouts
            .iter()
            .find(|r| r.task_definition == rolled.roll.to)
    });
    let failed = |reason: String| End::Failed {
        reason,
        rollback: if state.circuit_breaker.is_some_and(|b| b.rollback) {
            Rollback::ByEcs
        } else {
            Rollback::NotAsked
        },
    };
    let Some(ours) = ours else {
        // ECS drops a deployment that another replaced.
        return Some(if state.task_definition == rolled.roll.to {
            End::Completed
        } else {
            failed(format!(
                "replaced: the service runs {}",
                names::short_task_definition(&state.task_definition)
            ))
        });
    };
    match ours.state.as_deref() {
        Some("COMPLETED") => Some(End::Completed),
        Some("FAILED") => {
            Some(failed(ours.reason.clone().unwrap_or_else(|| {
                format!("{} tasks failed to start", ours.failed_tasks)
            })))
        }
        Some(_) => None,
        // A deployment controller that reports no rollout state: done
        // when it is the only deployment left.
        None => {
            (state.rollouts.len() == 1 && state.running >= state.desired).then_some(End::Completed)
        }
    }
}

/// Points each failed service back at the revision it ran before, unless
/// ECS's circuit breaker does it.
async fn roll_back(ecs: &Client, rolled: &mut [Rolled]) {
    let failed: Vec<usize> = (0..rolled.len())
        .filter(|&i| {
            matches!(
                rolled[i].end,
                Some(End::Failed {
                    rollback: Rollback::NotAsked,
                    ..
                })
            )
        })
        .collect();
    let jobs = failed
        .iter()
        .map(|&i| {
            let ecs = ecs.clone();
            let roll = rolled[i].roll.clone();
            async move { ecs::update_service(&ecs, &roll.cluster, &roll.service, &roll.from).await }
        })
        .collect();
    for (i, result) in failed.into_iter().zip(run_all(jobs, LIMIT).await) {
        if let Some(End::Failed { rollback, .. }) = &mut rolled[i].end {
            *rollback = match result {
                Ok(deployment) => Rollback::Done(deployment),
                Err(e) => Rollback::Refused(e.to_string()),
            };
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ecs::{CircuitBreaker, Rollout};

    fn rolled(id: &str) -> Rolled {
        Rolled {
            roll: Roll {
                cluster: "prod".into(),
                service: "web".into(),
                from: "arn:task-definition/web:1".into(),
                to: "arn:task-definition/web:2".into(),
            },
            update: Ok(Deployment {
                service: "web".into(),
                id: id.into(),
                rollout: "IN_PROGRESS".into(),
                circuit_breaker: None,
            }),
            end: None,
        }
    }

    fn rollout(id: &str, status: &str, to: &str, state: &str) -> Rollout {
        Rollout {
            id: id.into(),
            status: status.into(),
            task_definition: format!("arn:task-definition/{to}"),
            state: Some(state.into()),
            reason: Some(format!("{state} reason")),
            failed_tasks: 0,
        }
    }

    fn service(runs: &str, rollouts: Vec<Rollout>) -> ServiceState {
        ServiceState {
            name: "web".into(),
            arn: "arn:service/prod/web".into(),
            task_definition: format!("arn:task-definition/{runs}"),
            daemon: false,
            desired: 1,
            running: 1,
            pending: 0,
            deployments: rollouts.len(),
            rollouts,
            circuit_breaker: None,
        }
    }

    #[test]
    fn the_deployment_started_decides() {
        let ours = rolled("d2");
        let going = service(
            "web:2",
            vec![
                rollout("d2", "PRIMARY", "web:2", "IN_PROGRESS"),
                rollout("d1", "ACTIVE", "web:1", "COMPLETED"),
            ],
        );
        assert_eq!(judge(&ours, &going), None);
        let done = service(
            "web:2",
            vec![rollout("d2", "PRIMARY", "web:2", "COMPLETED")],
        );
        assert_eq!(judge(&ours, &done), Some(End::Completed));
        let failed = service("web:2", vec![rollout("d2", "PRIMARY", "web:2", "FAILED")]);
        assert_eq!(
            judge(&ours, &failed),
            Some(End::Failed {
                reason: "FAILED reason".into(),
                rollback: Rollback::NotAsked
            })
        );
    }

    #[test]
    fn a_circuit_breaker_with_rollback_rolls_back_itself() {
        let mut state = service(
            "web:1",
            vec![
                rollout("d3", "PRIMARY", "web:1", "IN_PROGRESS"),
                rollout("d2", "ACTIVE", "web:2", "FAILED"),
            ],
        );
        state.circuit_breaker = Some(CircuitBreaker { rollback: true });
        let Some(End::Failed { rollback, .. }) = judge(&rolled("d2"), &state) else {
            panic!("not failed");
        };
        assert_eq!(rollback, Rollback::ByEcs);
        // Gone and replaced by the old revision: failed too.
        let gone = service(
            "web:1",
            vec![rollout("d3", "PRIMARY", "web:1", "COMPLETED")],
        );
        assert!(matches!(
            judge(&rolled("d2"), &gone),
            Some(End::Failed { .. })
        ));
    }

    #[test]
    fn failures_name_the_service_and_where_it_stays() {
        let mut failed = rolled("d2");
        failed.update = Err("UpdateService failed: AccessDeniedException: no".into());
        assert_eq!(
            failed.failure().unwrap(),
            "UpdateService failed: AccessDeniedException: no; service web stays on web:1"
        );
        let mut ok = rolled("d2");
        ok.end = Some(End::Completed);
        assert!(ok.succeeded() && ok.failure().is_none());
    }
}
