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
