//! Reading clusters for `doctor`, read-only and as concurrently as the
//! APIs allow, a region at a time (regions run side by side):
//!
//! 1. each cluster's services and container instances (a few clusters at
//!    once, each in the largest batches the calls take), and its ECS
//!    Managed Instances daemons where it has capacity providers;
//! 2. every distinct task definition of the region (once, however many
//!    services and clusters run it), the EC2 metadata options of every
//!    instance, and the latest revision of each agent family;
//! 3. what the agents need from IAM (each role once per run) and ECR.
//!
//! A cluster whose reads fail is reported as not examined; the others are
//! still judged.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use aws_config::SdkConfig;

use super::call::AwsError;
use super::concurrent::{run_all, LIMIT};
use super::connect::Clients;
use super::daemon::{self, Daemons};
use super::diagnosis::{is_agent_task, Facts, InstanceFacts, ServiceFacts};
use super::ecr::{self, PrivateImage};
use super::ecs::{self, Cluster, ContainerInstance, ServiceState};
use super::iam::Roles;
use super::progress::Counter;
use super::{ec2, names, raw, verify};
use ddecs_wizard::core::taskdef::document::{self, Document};

/// Clusters read at once in a region; each makes up to `LIMIT` calls at
/// once, which stays within ECS's burst for describe and list calls.
const CLUSTERS_AT_ONCE: usize = 4;

/// Where a region's survey reads from.
pub struct Region<'a> {
    pub clients: &'a Clients,
    /// The region's configuration (for the ECR clients).
    pub config: &'a SdkConfig,
    pub roles: &'a Roles,
    pub counter: &'a Arc<Counter>,
}

/// What phase 1 read of one cluster.
struct Read {
    cluster: Cluster,
    services: Vec<ServiceState>,
    instances: Vec<ContainerInstance>,
    daemons: Daemons,
}

/// Every cluster of `clusters`, judged or with why it could not be read.
pub async fn survey(
    region: &Region<'_>,
    clusters: Vec<Cluster>,
) -> Vec<(Cluster, Result<Facts, AwsError>)> {
    let counter = region.counter;
    counter.add_total(clusters.len());
    let daemon_api = match clusters.iter().find(|c| has_capacity_providers(c)) {
        Some(cluster) => daemon::probe(&region.clients.ecs, &cluster.arn).await,
        None => Ok(()),
    };
    let jobs = clusters
        .into_iter()
        .map(|cluster| {
            let ecs = region.clients.ecs.clone();
            let daemon_api = daemon_api.clone();
            let counter = Arc::clone(counter);
            async move {
                let read = read_cluster(&ecs, &cluster, daemon_api).await;
                counter.done_one();
                (cluster, read)
            }
        })
        .collect();
    let read: Vec<(Cluster, Result<Read, AwsError>)> = run_all(jobs, CLUSTERS_AT_ONCE).await;

    let ok: Vec<&Read> = read.iter().filter_map(|(_, r)| r.as_ref().ok()).collect();
    let arns: BTreeSet<String> = ok
        .iter()
        .flat_map(|r| r.services.iter().map(|s| s.task_definition.clone()))
        .collect();
    let ec2_ids: Vec<String> = ok
        .iter()
        .flat_map(|r| r.instances.iter().filter_map(|i| i.ec2_instance_id.clone()))
        .collect();
    let arns: Vec<String> = arns.into_iter().collect();
    let (tasks, metadata) = tokio::join!(
        task_definitions(region, &arns),
        ec2::metadata_options(&region.clients.ec2, &ec2_ids)
    );

    let agent_families: BTreeSet<String> = ok
        .iter()
        .flat_map(|r| r.services.iter())
        .filter(|s| s.daemon)
        .filter(|s| matches!(tasks.get(&s.task_definition), Some(Ok(d)) if is_agent_task(d)))
        .map(|s| names::family(&s.task_definition).to_owned())
        .collect();
    let families: Vec<String> = agent_families.into_iter().collect();
    let (roles, images) = agent_needs(&tasks);
    let (latest, roles, images) = tokio::join!(
        latest_revisions(region.clients, &families),
        region.roles.read_all(&roles),
        ecr::look_up(region.config, &images)
    );
    let (latest, metadata) = match (latest, metadata) {
        (Ok(latest), Ok(metadata)) => (latest, metadata),
        // A region-wide read failed: no cluster of it can be judged.
        (Err(e), _) | (_, Err(e)) => {
            let why = e.reason.clone();
            return read
                .into_iter()
                .map(|(cluster, _)| (cluster, Err(AwsError::new(e.call, why.clone()))))
                .collect();
        }
    };

    read.into_iter()
        .map(|(cluster, result)| {
            let facts = result.map(|read| Facts {
                cluster: read.cluster.name.clone(),
                cluster_arn: read.cluster.arn.clone(),
                region: region.clients.region.clone(),
                instances: read
                    .instances
                    .into_iter()
                    .map(|instance| InstanceFacts {
                        metadata: instance
                            .ec2_instance_id
                            .as_ref()
                            .and_then(|id| metadata.get(id).cloned()),
                        instance,
                    })
                    .collect(),
                services: read
                    .services
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
                daemons: read.daemons,
                roles: roles.clone(),
                images: images.clone(),
            });
            (cluster, facts)
        })
        .collect()
}

/// Capacity providers other than Fargate's are where daemons may run.
fn has_capacity_providers(cluster: &Cluster) -> bool {
    cluster
        .capacity_providers
        .iter()
        .any(|p| p != "FARGATE" && p != "FARGATE_SPOT")
}

async fn read_cluster(
    ecs: &aws_sdk_ecs::Client,
    cluster: &Cluster,
    daemon_api: Result<(), String>,
) -> Result<Read, AwsError> {
    let daemons = async {
        if !has_capacity_providers(cluster) {
            return Ok(Daemons::NotApplicable);
        }
        match daemon_api {
            Err(why) => Ok(Daemons::Unsupported(why)),
            Ok(()) => daemon::inspect(ecs, &cluster.arn)
                .await
                .map(Daemons::Listed),
        }
    };
    let (services, instances, daemons) = tokio::join!(
        ecs::all_services(ecs, &cluster.arn),
        ecs::active_container_instances(ecs, &cluster.arn),
        daemons
    );
    Ok(Read {
        cluster: cluster.clone(),
        services: services?,
        instances: instances?,
        daemons: daemons?,
    })
}

/// Each task definition, read as `check` reads a file; one that cannot be
/// described or read is reported for its service rather than ending the
/// survey.
async fn task_definitions(
    region: &Region<'_>,
    arns: &[String],
) -> BTreeMap<String, Result<Document, String>> {
    region.counter.add_total(arns.len());
    let jobs = arns
        .iter()
        .map(|arn| {
            let ecs = region.clients.ecs.clone();
            let arn = arn.clone();
            let counter = Arc::clone(region.counter);
            async move {
                let document = match raw::describe_task_definition(&ecs, &arn).await {
                    Ok(value) => read(&value),
                    Err(e) => Err(e.to_string()),
                };
                counter.done_one();
                (arn, document)
            }
        })
        .collect();
    run_all(jobs, LIMIT).await.into_iter().collect()
}

/// The execution roles and private images the region's agent task
/// definitions need.
fn agent_needs(
    tasks: &BTreeMap<String, Result<Document, String>>,
) -> (Vec<String>, Vec<PrivateImage>) {
    let mut roles = BTreeSet::new();
    let mut images = BTreeSet::new();
    for (arn, task) in tasks {
        let Ok(document) = task else { continue };
        let needs = verify::needs(document, arn);
        if needs.secrets.is_empty() && needs.images.is_empty() {
            continue;
        }
        roles.extend(needs.execution_role);
        images.extend(needs.images);
    }
    (roles.into_iter().collect(), images.into_iter().collect())
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
