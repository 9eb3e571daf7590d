//! The typed ECS calls: services and container instances, read in the
//! largest batches the API takes and concurrently, and the two service
//! writes (point a service at a revision; create the agent's DAEMON
//! service).

use aws_sdk_ecs::types::{ContainerInstanceStatus, LaunchType, SchedulingStrategy, SortOrder};
use aws_sdk_ecs::Client;

use super::call::{failed, AwsError};
use super::concurrent::{batches, run_all, LIMIT};
use super::names;

/// DescribeServices takes at most 10 services per call.
const SERVICES_PER_CALL: usize = 10;
/// DescribeContainerInstances takes at most 100 per call.
const INSTANCES_PER_CALL: usize = 100;
/// The largest page ListServices and ListContainerInstances return.
const PAGE: i32 = 100;

/// What the tool needs to know about a service.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceState {
    pub name: String,
    pub arn: String,
    /// The task definition ARN the service runs.
    pub task_definition: String,
    pub daemon: bool,
    pub desired: i32,
    pub running: i32,
    pub pending: i32,
    /// How many deployments are under way or finishing (more than one
    /// means a rollout is in progress).
    pub deployments: usize,
    /// Its deployments: the PRIMARY one (the newest, which ECS rolls out)
    /// and the ACTIVE ones it replaces.
    pub rollouts: Vec<Rollout>,
    /// The deployment circuit breaker, when it is on.
    pub circuit_breaker: Option<CircuitBreaker>,
}

/// A deployment and how far its rollout got.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rollout {
    pub id: String,
    /// PRIMARY, ACTIVE or INACTIVE.
    pub status: String,
    pub task_definition: String,
    /// IN_PROGRESS, COMPLETED or FAILED (absent for the services whose
    /// deployment controller reports none).
    pub state: Option<String>,
    pub reason: Option<String>,
    pub failed_tasks: i32,
}

/// ECS's deployment circuit breaker: it fails a deployment whose tasks do
/// not reach steady state and, with rollback, rolls the service back.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CircuitBreaker {
    pub rollback: bool,
}

impl ServiceState {
    fn of(service: &aws_sdk_ecs::types::Service) -> Self {
        let rollouts = service
            .deployments()
            .iter()
            .map(|d| Rollout {
                id: d.id().unwrap_or_default().to_owned(),
                status: d.status().unwrap_or_default().to_owned(),
                task_definition: d.task_definition().unwrap_or_default().to_owned(),
                state: d.rollout_state().map(|r| r.as_str().to_owned()),
                reason: d.rollout_state_reason().map(str::to_owned),
                failed_tasks: d.failed_tasks(),
            })
            .collect();
        let circuit_breaker = service
            .deployment_configuration()
            .and_then(|c| c.deployment_circuit_breaker())
            .filter(|b| b.enable())
            .map(|b| CircuitBreaker {
                rollback: b.rollback(),
            });
        ServiceState {
            name: service.service_name().unwrap_or_default().to_owned(),
            arn: service.service_arn().unwrap_or_default().to_owned(),
            task_definition: service.task_definition().unwrap_or_default().to_owned(),
            daemon: service.scheduling_strategy() == Some(&SchedulingStrategy::Daemon),
            desired: service.desired_count(),
            running: service.running_count(),
            pending: service.pending_count(),
            deployments: service.deployments().len(),
            rollouts,
            circuit_breaker,
        }
    }

    /// The deployment ECS is rolling out now.
    pub fn primary(&self) -> Option<&Rollout> {
        self.rollouts.iter().find(|r| r.status == "PRIMARY")
    }
}

/// The services named, in the order given; `None` for one that does not
/// exist in the cluster (or was deleted).
pub async fn describe_services(
    ecs: &Client,
    cluster: &str,
    names: &[String],
) -> Result<Vec<Option<ServiceState>>, AwsError> {
    let jobs = batches(names, SERVICES_PER_CALL)
        .into_iter()
        .map(|batch| {
            let ecs = ecs.clone();
            let cluster = cluster.to_owned();
            async move {
                ecs.describe_services()
                    .cluster(cluster)
                    .set_services(Some(batch))
                    .send()
                    .await
                    .map_err(|e| failed("DescribeServices", e))
            }
        })
        .collect();
    let mut found = Vec::new();
    for output in run_all(jobs, LIMIT).await {
        found.extend(
            output?
                .services()
                .iter()
                .filter(|s| s.status() != Some("INACTIVE"))
                .map(ServiceState::of),
        );
    }
    Ok(names
        .iter()
        .map(|name| {
            let name = names::last_segment(name);
            found.iter().find(|s| s.name == name).cloned()
        })
        .collect())
}

/// Every service of the cluster, described.
pub async fn all_services(ecs: &Client, cluster: &str) -> Result<Vec<ServiceState>, AwsError> {
    let arns = ecs
        .list_services()
        .cluster(cluster)
        .max_results(PAGE)
        .into_paginator()
        .items()
        .send()
        .try_collect()
        .await
        .map_err(|e| failed("ListServices", e))?;
    Ok(describe_services(ecs, cluster, &arns)
        .await?
        .into_iter()
        .flatten()
        .collect())
}

/// DescribeClusters takes at most 100 clusters per call.
const CLUSTERS_PER_CALL: usize = 100;

/// A cluster as `doctor` starts from it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cluster {
    pub name: String,
    pub arn: String,
    pub capacity_providers: Vec<String>,
}

/// The ARNs of every cluster in the region.
pub async fn list_clusters(ecs: &Client) -> Result<Vec<String>, AwsError> {
    ecs.list_clusters()
        .max_results(PAGE)
        .into_paginator()
        .items()
        .send()
        .try_collect()
        .await
        .map_err(|e| failed("ListClusters", e))
}

/// The ACTIVE clusters among `names` (names or ARNs), in the order given;
/// one that does not exist or is not active is left out.
pub async fn active_clusters(ecs: &Client, names: &[String]) -> Result<Vec<Cluster>, AwsError> {
    let jobs = batches(names, CLUSTERS_PER_CALL)
        .into_iter()
        .map(|batch| {
            let ecs = ecs.clone();
            async move {
                ecs.describe_clusters()
                    .set_clusters(Some(batch))
                    .send()
                    .await
                    .map_err(|e| failed("DescribeClusters", e))
            }
        })
        .collect();
    let mut clusters = Vec::new();
    for output in run_all(jobs, LIMIT).await {
        clusters.extend(
            output?
                .clusters()
                .iter()
                .filter(|c| c.status() == Some("ACTIVE"))
                .map(|c| Cluster {
                    name: c.cluster_name().unwrap_or_default().to_owned(),
                    arn: c.cluster_arn().unwrap_or_default().to_owned(),
                    capacity_providers: c.capacity_providers().to_vec(),
                }),
        );
    }
    Ok(clusters)
}

/// A container instance and the EC2 instance under it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContainerInstance {
    /// The container instance ID (the last part of its ARN).
    pub id: String,
    pub arn: String,
    pub ec2_instance_id: Option<String>,
    pub agent_connected: bool,
}

/// The cluster's ACTIVE container instances (draining ones are on their
/// way out and get no new agent task).
pub async fn active_container_instances(
    ecs: &Client,
    cluster: &str,
) -> Result<Vec<ContainerInstance>, AwsError> {
    let arns = ecs
        .list_container_instances()
        .cluster(cluster)
        .status(ContainerInstanceStatus::Active)
        .max_results(PAGE)
        .into_paginator()
        .items()
        .send()
        .try_collect()
        .await
        .map_err(|e| failed("ListContainerInstances", e))?;
    let jobs = batches(&arns, INSTANCES_PER_CALL)
        .into_iter()
        .map(|batch| {
            let ecs = ecs.clone();
            let cluster = cluster.to_owned();
            async move {
                ecs.describe_container_instances()
                    .cluster(cluster)
                    .set_container_instances(Some(batch))
                    .send()
                    .await
                    .map_err(|e| failed("DescribeContainerInstances", e))
            }
        })
        .collect();
    let mut instances = Vec::new();
    for output in run_all(jobs, LIMIT).await {
        instances.extend(
            output?
                .container_instances()
                .iter()
                .map(|c| ContainerInstance {
                    id: names::last_segment(c.container_instance_arn().unwrap_or_default())
                        .to_owned(),
                    arn: c.container_instance_arn().unwrap_or_default().to_owned(),
                    ec2_instance_id: c.ec2_instance_id().map(str::to_owned),
                    agent_connected: c.agent_connected(),
                }),
        );
    }
    Ok(instances)
}

/// The newest ACTIVE revision of `family`, as an ARN; `None` when the
/// family has none.
pub async fn latest_revision(ecs: &Client, family: &str) -> Result<Option<String>, AwsError> {
    let output = ecs
        .list_task_definitions()
        .family_prefix(family)
        .status(aws_sdk_ecs::types::TaskDefinitionStatus::Active)
        .sort(SortOrder::Desc)
        .max_results(1)
        .send()
        .await
        .map_err(|e| failed("ListTaskDefinitions", e))?;
    // Taking the highest revision rather than the first does not depend on
    // the endpoint honouring the sort order.
    Ok(output
        .task_definition_arns()
        .iter()
        .filter(|arn| names::family(arn) == family)
        .max_by_key(|arn| names::revision(arn))
        .cloned())
}

/// A deployment that a service write started.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Deployment {
    pub service: String,
    pub id: String,
    pub rollout: String,
    pub circuit_breaker: Option<CircuitBreaker>,
}

fn primary_deployment(service: Option<&aws_sdk_ecs::types::Service>, name: &str) -> Deployment {
    let primary = service.and_then(|s| {
        s.deployments()
            .iter()
            .find(|d| d.status() == Some("PRIMARY"))
    });
    Deployment {
        service: name.to_owned(),
        id: primary
            .and_then(|d| d.id())
            .unwrap_or("(not reported)")
            .to_owned(),
        rollout: primary
            .and_then(|d| d.rollout_state())
            .map_or("(not reported)", |r| r.as_str())
            .to_owned(),
        circuit_breaker: service
            .map(ServiceState::of)
            .and_then(|s| s.circuit_breaker),
    }
}

/// Points `service` at `task_definition`, which starts a deployment.
pub async fn update_service(
    ecs: &Client,
    cluster: &str,
    service: &str,
    task_definition: &str,
) -> Result<Deployment, AwsError> {
    let output = ecs
        .update_service()
        .cluster(cluster)
        .service(service)
        .task_definition(task_definition)
        .send()
        .await
        .map_err(|e| failed("UpdateService", e))?;
    Ok(primary_deployment(output.service(), service))
}

/// Creates the agent's DAEMON service: one task on every EC2 container
/// instance of the cluster, now and as instances join.
pub async fn create_daemon_service(
    ecs: &Client,
    cluster: &str,
    service: &str,
    task_definition: &str,
) -> Result<Deployment, AwsError> {
    let output = ecs
        .create_service()
        .cluster(cluster)
        .service_name(service)
        .task_definition(task_definition)
        .scheduling_strategy(SchedulingStrategy::Daemon)
        .launch_type(LaunchType::Ec2)
        .send()
        .await
        .map_err(|e| failed("CreateService", e))?;
    Ok(primary_deployment(output.service(), service))
}
