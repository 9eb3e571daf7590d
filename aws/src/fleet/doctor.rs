//! Examining a fleet for `doctor`: the regions asked for (or every region
//! enabled in the account), the clusters named (or every cluster of each
//! region), read side by side within each API's limits, judged one by one.
//!
//! Throttling is met by the SDK's adaptive retries (see `connect`); the
//! whole examination is bounded in time, and a progress line shows on a
//! terminal while it runs.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use aws_config::{Region, SdkConfig};

use crate::call::{failed, AwsError};
use crate::concurrent::run_all;
use crate::connect::{self, Clients};
use crate::diagnosis::{diagnose, Diagnosis};
use crate::ecs::{self, Cluster};
use crate::iam::Roles;
use crate::progress::{Counter, Ticker};
use crate::survey::{self, Region as SurveyRegion};
use ddecs_wizard::cli::{DoctorArgs, UsageError};
use ddecs_wizard::output::safe::printable;

/// The most a whole examination may take: past it, doctor says so rather
/// than leave a CI job hanging on a throttled account.
pub const TIME_LIMIT: Duration = Duration::from_secs(300);

/// One cluster's result.
#[derive(Debug)]
pub enum Outcome {
    Judged(Box<Diagnosis>),
    NotExamined {
        cluster: String,
        arn: String,
        region: String,
        error: AwsError,
    },
}

/// What doctor found across the fleet.
#[derive(Debug)]
pub struct Examined {
    pub regions: Vec<String>,
    pub outcomes: Vec<Outcome>,
    /// One cluster named, in one region: reported as before the fleet.
    pub single: bool,
}

/// Reads and judges every cluster asked for.
pub async fn examine(args: &DoctorArgs) -> anyhow::Result<Examined> {
    let base = connect::config(&args.aws(args.region.first().map(String::as_str))).await?;
    let regions = regions(args, &base).await?;
    let counter = Counter::new();
    let label = Arc::new(Mutex::new(format!(
        "doctor: {} region{}, reads done",
        regions.len(),
        if regions.len() == 1 { "" } else { "s" }
    )));
    let ticker = Ticker::counting(label, Arc::clone(&counter));
    let work = examine_regions(args, &base, &regions, &counter);
    let outcomes = tokio::time::timeout(TIME_LIMIT, work).await;
    ticker.stop();
    let outcomes = outcomes.map_err(|_| {
        anyhow::anyhow!(
            "doctor did not finish within {} minutes ({} of {} reads done): AWS throttled or did not answer; examine fewer clusters or regions at a time",
            TIME_LIMIT.as_secs() / 60,
            counter.done(),
            counter.total()
        )
    })??;
    Ok(Examined {
        single: args.cluster.len() == 1 && regions.len() == 1,
        regions,
        outcomes,
    })
}

/// The regions to examine: those given, every enabled one, or the
/// configured one.
async fn regions(args: &DoctorArgs, base: &SdkConfig) -> anyhow::Result<Vec<String>> {
    if args.all_regions {
        let ec2 = aws_sdk_ec2::Client::new(base);
        let output = ec2
            .describe_regions()
            .send()
            .await
            .map_err(|e| failed("DescribeRegions", e))?;
        let mut names: Vec<String> = output
            .regions()
            .iter()
            .filter(|r| r.opt_in_status() != Some("not-opted-in"))
            .filter_map(|r| r.region_name().map(str::to_owned))
            .collect();
        names.sort();
        return Ok(names);
    }
    let mut given: Vec<String> = Vec::new();
    for region in &args.region {
        if region.trim().is_empty() {
            return Err(UsageError("--region: the region is empty".to_owned()).into());
        }
        if !given.contains(region) {
            given.push(region.clone());
        }
    }
    if given.is_empty() {
        given.push(base.region().map(ToString::to_string).unwrap_or_default());
    }
    Ok(given)
}

async fn examine_regions(
    args: &DoctorArgs,
    base: &SdkConfig,
    regions: &[String],
    counter: &Arc<Counter>,
) -> anyhow::Result<Vec<Outcome>> {
    for name in &args.cluster {
        if name.trim().is_empty() {
            return Err(UsageError("--cluster: the cluster name is empty".to_owned()).into());
        }
    }
    let roles = Roles::new(aws_sdk_iam::Client::new(base));
    let jobs = regions
        .iter()
        .map(|region| {
            let config = base
                .clone()
                .into_builder()
                .region(Region::new(region.clone()))
                .build();
            let roles = roles.clone();
            let counter = Arc::clone(counter);
            let named = args.cluster.clone();
            let region = region.clone();
            async move {
                let clients = Clients::new(&config);
                let clusters = clusters(&clients, &named).await;
                match clusters {
                    Err(error) => (region, Err(error)),
                    Ok(clusters) => {
                        let at = SurveyRegion {
                            clients: &clients,
                            config: &config,
                            roles: &roles,
                            counter: &counter,
                        };
                        (region, Ok(survey::survey(&at, clusters).await))
                    }
                }
            }
        })
        .collect();
    let mut outcomes = Vec::new();
    let mut found: Vec<String> = Vec::new();
    let mut all_answered = true;
    let results = run_all(jobs, regions.len()).await;
    for (region, result) in results {
        match result {
            Err(error) => {
                all_answered = false;
                outcomes.push(Outcome::NotExamined {
                    cluster: "(every cluster)".to_owned(),
                    arn: format!("arn:aws:ecs:{region}"),
                    region,
                    error,
                });
            }
            Ok(clusters) => {
                for (cluster, facts) in clusters {
                    found.push(cluster.name.clone());
                    found.push(cluster.arn.clone());
                    outcomes.push(match facts {
                        Ok(facts) => Outcome::Judged(Box::new(diagnose(&facts))),
                        Err(error) => Outcome::NotExamined {
                            cluster: cluster.name,
                            arn: cluster.arn,
                            region: region.clone(),
                            error,
                        },
                    });
                }
            }
        }
    }
    if all_answered {
        if let Some(missing) = args.cluster.iter().find(|c| !found.contains(c)) {
            return Err(UsageError(format!(
                "--cluster: no active cluster named {} in {}",
                printable(missing),
                regions.join(", ")
            ))
            .into());
        }
    }
    Ok(outcomes)
}

/// The clusters named (those that are active), or every cluster.
async fn clusters(clients: &Clients, named: &[String]) -> Result<Vec<Cluster>, AwsError> {
    let names = if named.is_empty() {
        ecs::list_clusters(&clients.ecs).await?
    } else {
        let mut unique = named.to_vec();
        unique.dedup();
        unique
    };
    if names.is_empty() {
        return Ok(Vec::new());
    }
    ecs::active_clusters(&clients.ecs, &names).await
}
