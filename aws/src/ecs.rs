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
    /// The task definition ARN the service runs.
    pub task_definition: String,
    pub daemon: bool,
    pub desired: i32,
    pub running: i32,
    pub pending: i32,
    /// How many deployments are under way or finishing (more than one
    /// means a rollout is in progress).
    pub deployments: usize,
}

impl ServiceState {
    fn of(service: &aws_sdk_ecs::types::Service) -> Self {
        ServiceState {
            name: service.service_name().unwrap_or_default().to_owned(),
            task_definition: service.task_definition().unwrap_or_default().to_owned(),
            daemon: service.scheduling_strategy() == Some(&SchedulingStrategy::Daemon),
            desired: service.desired_count(),
            running: service.running_count(),
            pending: service.pending_count(),
            deployments: service.deployments().len(),
        }
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

/// A container instance and the EC2 instance under it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContainerInstance {
    /// The container instance ID (the last part of its ARN).
    pub id: String,
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
