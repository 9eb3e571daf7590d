//! Reading a whole cluster for `doctor`, read-only and as concurrently as
//! the APIs allow: services and container instances side by side, then
//! every distinct task definition and the EC2 instances' metadata options
//! side by side, each in the largest batches the calls take.

use std::collections::BTreeMap;

use super::call::AwsError;
use super::concurrent::{run_all, LIMIT};
use super::connect::Clients;
use super::diagnosis::{is_agent_task, Facts, InstanceFacts, ServiceFacts};
use super::{ec2, ecs, names, raw};
use ddecs_wizard::core::taskdef::document::{self, Document};

/// Everything `doctor` judges, read from the cluster.
pub async fn survey(clients: &Clients, cluster: &str) -> Result<Facts, AwsError> {
    let (services, instances) = tokio::join!(
        ecs::all_services(&clients.ecs, cluster),
        ecs::active_container_instances(&clients.ecs, cluster)
    );
    let (services, instances) = (services?, instances?);

    let mut arns: Vec<String> = services.iter().map(|s| s.task_definition.clone()).collect();
    arns.sort();
    arns.dedup();
    let ec2_ids: Vec<String> = instances
        .iter()
        .filter_map(|i| i.ec2_instance_id.clone())
        .collect();
    let (tasks, metadata) = tokio::join!(
        task_definitions(clients, &arns),
        ec2::metadata_options(&clients.ec2, &ec2_ids)
    );
    let metadata = metadata?;

    // Only the agent's family needs its latest revision: whether the
    // DAEMON service is behind.
    let agent_families: Vec<String> = services
        .iter()
        .filter(|s| s.daemon)
        .filter(|s| matches!(tasks.get(&s.task_definition), Some(Ok(d)) if is_agent_task(d)))
        .map(|s| names::family(&s.task_definition).to_owned())
        .collect();
    let latest = latest_revisions(clients, &agent_families).await?;

    Ok(Facts {
        cluster: cluster.to_owned(),
        region: clients.region.clone(),
        instances: instances
            .into_iter()
            .map(|instance| InstanceFacts {
                metadata: instance
                    .ec2_instance_id
                    .as_ref()
                    .and_then(|id| metadata.get(id).cloned()),
                instance,
            })
            .collect(),
        services: services
            .into_iter()
            .map(|state| ServiceFacts {
                task: tasks
                    .get(&state.task_definition)
                    .cloned()
                    .unwrap_or_else(|| Err("no task definition".to_owned())),
                latest: latest.get(names::family(&state.task_definition)).cloned(),
                state,
            })
            .collect(),
    })
}

/// Each task definition, read as `check` reads a file; one that cannot be
/// described or read is reported for its service rather than ending the
/// survey.
async fn task_definitions(
    clients: &Clients,
    arns: &[String],
) -> BTreeMap<String, Result<Document, String>> {
    let jobs = arns
        .iter()
        .map(|arn| {
            let ecs = clients.ecs.clone();
            let arn = arn.clone();
            async move {
                let document = match raw::describe_task_definition(&ecs, &arn).await {
                    Ok(value) => read(&value),
                    Err(e) => Err(e.to_string()),
                };
                (arn, document)
            }
        })
        .collect();
    run_all(jobs, LIMIT).await.into_iter().collect()
}

/// Describe output as the `Document` that `check` and `patch` take, laid
/// out as pretty JSON so that rendering it back gives readable text.
pub fn read(describe_output: &serde_json::Value) -> Result<Document, String> {
    let text = serde_json::to_string_pretty(describe_output).map_err(|e| e.to_string())?;
    document::read(text.as_bytes()).map_err(|e| e.to_string())
}

async fn latest_revisions(
    clients: &Clients,
    families: &[String],
) -> Result<BTreeMap<String, String>, AwsError> {
    let jobs = families
        .iter()
        .map(|family| {
            let ecs = clients.ecs.clone();
            let family = family.clone();
            async move {
                let latest = ecs::latest_revision(&ecs, &family).await;
                (family, latest)
            }
        })
        .collect();
    let mut latest = BTreeMap::new();
    for (family, found) in run_all(jobs, LIMIT).await {
        if let Some(arn) = found? {
            latest.insert(family, arn);
        }
    }
    Ok(latest)
}

/// Refuses a cluster that does not exist (a typo, another region) before
/// reading anything, rather than reporting an empty cluster as healthy.
pub async fn ensure_cluster(clients: &Clients, cluster: &str) -> anyhow::Result<()> {
    let output = clients
        .ecs
        .describe_clusters()
        .clusters(cluster)
        .send()
        .await
        .map_err(|e| super::call::failed("DescribeClusters", e))?;
    let active = output
        .clusters()
        .iter()
        .any(|c| c.status() == Some("ACTIVE"));
    if !active {
        return Err(ddecs_wizard::cli::UsageError(format!(
            "--cluster: no active cluster named {} in {}",
            ddecs_wizard::output::safe::printable(cluster),
            clients.region
        ))
        .into());
    }
    Ok(())
}
