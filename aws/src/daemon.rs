//! ECS Managed Instances daemons (the `*Daemon*` API), which run the agent
//! on every managed instance the way a DAEMON service does on EC2 container
//! instances. Both creating and updating a daemon name the capacity
//! providers it runs on: an existing daemon keeps its own, a new one gets
//! the cluster's Managed Instances capacity providers.

use aws_sdk_ecs::types::CapacityProviderType;
use aws_sdk_ecs::Client;

use super::call::{failed, AwsError};
use super::names;
use ddecs_wizard::cli::UsageError;

/// Where a daemon write goes, found before anything is written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DaemonTarget {
    pub name: String,
    pub cluster_arn: String,
    /// The daemon's ARN when it exists already.
    pub existing: Option<String>,
    pub capacity_providers: Vec<String>,
}

/// Looks up the cluster and the daemon called `name` in it (read-only).
pub async fn find(ecs: &Client, cluster: &str, name: &str) -> anyhow::Result<DaemonTarget> {
    let clusters = ecs
        .describe_clusters()
        .clusters(cluster)
        .send()
        .await
        .map_err(|e| failed("DescribeClusters", e))?;
    let Some(found) = clusters.clusters().first() else {
        return Err(UsageError(format!("--cluster: no cluster named {cluster}")).into());
    };
    let cluster_arn = found.cluster_arn().unwrap_or(cluster).to_owned();
    let daemons = ecs
        .list_daemons()
        .cluster_arn(&cluster_arn)
        .send()
        .await
        .map_err(|e| failed("ListDaemons", e))?;
    let existing = daemons
        .daemon_summaries_list()
        .iter()
        .filter_map(|d| d.daemon_arn())
        .find(|arn| names::last_segment(arn) == name)
        .map(str::to_owned);
    let capacity_providers = match &existing {
        Some(arn) => daemon_capacity_providers(ecs, arn).await?,
        None => managed_capacity_providers(ecs, found.capacity_providers()).await?,
    };
    if capacity_providers.is_empty() {
        return Err(UsageError(format!(
            "--cluster: cluster {cluster} has no ECS Managed Instances capacity provider for the daemon to run on"
        ))
        .into());
    }
    Ok(DaemonTarget {
        name: name.to_owned(),
        cluster_arn,
        existing,
        capacity_providers,
    })
}

async fn daemon_capacity_providers(ecs: &Client, arn: &str) -> Result<Vec<String>, AwsError> {
    let daemon = ecs
        .describe_daemon()
        .daemon_arn(arn)
        .send()
        .await
        .map_err(|e| failed("DescribeDaemon", e))?;
    let mut arns: Vec<String> = daemon
        .daemon()
        .map(|d| d.current_revisions())
        .unwrap_or_default()
        .iter()
        .flat_map(|r| r.capacity_providers())
        .filter_map(|c| c.arn().map(str::to_owned))
        .collect();
    arns.sort();
    arns.dedup();
    Ok(arns)
}

async fn managed_capacity_providers(
    ecs: &Client,
    names: &[String],
) -> Result<Vec<String>, AwsError> {
    if names.is_empty() {
        return Ok(Vec::new());
    }
    let providers = ecs
        .describe_capacity_providers()
        .set_capacity_providers(Some(names.to_vec()))
        .send()
        .await
        .map_err(|e| failed("DescribeCapacityProviders", e))?;
    Ok(providers
        .capacity_providers()
        .iter()
        .filter(|p| p.r#type() == Some(&CapacityProviderType::ManagedInstances))
        .filter_map(|p| p.capacity_provider_arn().map(str::to_owned))
        .collect())
}

/// A daemon write that went through: the daemon and its new deployment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DaemonRollout {
    pub daemon_arn: String,
    pub deployment_arn: String,
}

/// Creates the daemon, or updates it, to run `task_definition`.
pub async fn roll(
    ecs: &Client,
    target: &DaemonTarget,
    task_definition: &str,
) -> Result<DaemonRollout, AwsError> {
    let reported = |arn: Option<&str>| arn.unwrap_or("(not reported)").to_owned();
    match &target.existing {
        Some(arn) => {
            let output = ecs
                .update_daemon()
                .daemon_arn(arn)
                .daemon_task_definition_arn(task_definition)
                .set_capacity_provider_arns(Some(target.capacity_providers.clone()))
                .send()
                .await
                .map_err(|e| failed("UpdateDaemon", e))?;
            Ok(DaemonRollout {
                daemon_arn: reported(output.daemon_arn()),
                deployment_arn: reported(output.deployment_arn()),
            })
        }
        None => {
            let output = ecs
                .create_daemon()
                .daemon_name(&target.name)
                .cluster_arn(&target.cluster_arn)
                .daemon_task_definition_arn(task_definition)
                .set_capacity_provider_arns(Some(target.capacity_providers.clone()))
                .send()
                .await
                .map_err(|e| failed("CreateDaemon", e))?;
            Ok(DaemonRollout {
                daemon_arn: reported(output.daemon_arn()),
                deployment_arn: reported(output.deployment_arn()),
            })
        }
    }
}

/// What `doctor` found of a cluster's ECS Managed Instances daemons.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Daemons {
    /// The cluster has no capacity provider a daemon could run on.
    NotApplicable,
    /// The endpoint does not implement the daemon API (an older region or
    /// partition, or a local emulator): why.
    Unsupported(String),
    Listed(Vec<DaemonState>),
}

/// A daemon and how many instances run it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DaemonState {
    pub name: String,
    pub arn: String,
    pub status: String,
    pub running: i32,
    /// Instances of its capacity providers without a daemon task.
    pub without: i32,
}

/// Whether an error says the endpoint has no such call: ECS answers
/// UnknownOperationException; an emulator may answer HTTP 500 or 404 with
/// no AWS error code at all.
fn unsupported(error: &AwsError) -> bool {
    match error.code() {
        Some(code) => matches!(
            code,
            "UnknownOperationException" | "InvalidAction" | "NotImplemented"
        ),
        None => error.reason.starts_with("HTTP "),
    }
}

/// Whether daemons can be asked about in this region: one ListDaemons of
/// `cluster_arn`, retried here only when throttled, so that an endpoint
/// without the call costs one answer rather than a full retry schedule.
/// `Err` carries why not.
pub async fn probe(ecs: &Client, cluster_arn: &str) -> Result<(), String> {
    use aws_sdk_ecs::config::retry::RetryConfig;
    let mut pause = std::time::Duration::from_millis(200);
    for _ in 0..6 {
        let answer = ecs
            .list_daemons()
            .cluster_arn(cluster_arn)
            .customize()
            .config_override(
                aws_sdk_ecs::config::Builder::default()
                    .retry_config(RetryConfig::standard().with_max_attempts(1)),
            )
            .send()
            .await
            .map_err(|e| failed("ListDaemons", e));
        match answer {
            Ok(_) => return Ok(()),
            Err(e) if unsupported(&e) => return Err(e.to_string()),
            Err(e) if e.code().is_some_and(|c| c.contains("Throttl")) => {
                tokio::time::sleep(pause).await;
                pause *= 2;
            }
            // Any other refusal (access denied) is the cluster's answer.
            Err(e) => return Err(e.to_string()),
        }
    }
    Err("ListDaemons stayed throttled".to_owned())
}

/// The cluster's daemons and their coverage.
pub async fn inspect(ecs: &Client, cluster_arn: &str) -> Result<Vec<DaemonState>, AwsError> {
    let listed = ecs
        .list_daemons()
        .cluster_arn(cluster_arn)
        .send()
        .await
        .map_err(|e| failed("ListDaemons", e))?;
    let mut daemons = Vec::new();
    for arn in listed
        .daemon_summaries_list()
        .iter()
        .filter_map(|d| d.daemon_arn())
    {
        let described = ecs
            .describe_daemon()
            .daemon_arn(arn)
            .send()
            .await
            .map_err(|e| failed("DescribeDaemon", e))?;
        let Some(detail) = described.daemon() else {
            continue;
        };
        let revisions = detail.current_revisions();
        daemons.push(DaemonState {
            name: names::last_segment(arn).to_owned(),
            arn: arn.to_owned(),
            status: detail
                .status()
                .map_or("(not reported)", |s| s.as_str())
                .to_owned(),
            running: revisions.iter().map(|r| r.total_running_count()).sum(),
            without: revisions
                .iter()
                .map(|r| r.total_without_daemon_count())
                .sum(),
        });
    }
    Ok(daemons)
}
