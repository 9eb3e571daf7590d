//! The EC2 side of a container instance: its instance metadata options,
//! which decide whether a bridge-mode container can reach IMDSv2.

use std::collections::BTreeMap;

use aws_sdk_ec2::types::Filter;
use aws_sdk_ec2::Client;

use super::call::{failed, AwsError};
use super::concurrent::{batches, run_all, LIMIT};

/// EC2 takes at most 200 values in one filter. The IDs go in an
/// `instance-id` filter rather than InstanceIds so that an instance gone
/// since ECS listed it drops out instead of failing the whole batch.
const INSTANCES_PER_CALL: usize = 200;

/// An instance's metadata options, as DescribeInstances reports them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MetadataOptions {
    /// `required` (IMDSv2 only) or `optional` (IMDSv1 too).
    pub http_tokens: String,
    pub hop_limit: Option<i32>,
    /// `enabled` or `disabled`.
    pub http_endpoint: String,
}

/// The metadata options of each instance found, by instance ID.
pub async fn metadata_options(
    ec2: &Client,
    instance_ids: &[String],
) -> Result<BTreeMap<String, MetadataOptions>, AwsError> {
    let jobs = batches(instance_ids, INSTANCES_PER_CALL)
        .into_iter()
        .map(|batch| {
            let ec2 = ec2.clone();
            async move {
                let filter = Filter::builder()
                    .name("instance-id")
                    .set_values(Some(batch))
                    .build();
                ec2.describe_instances()
                    .filters(filter)
                    .into_paginator()
                    .send()
                    .try_collect()
                    .await
                    .map_err(|e| failed("DescribeInstances", e))
            }
        })
        .collect();
    let mut options = BTreeMap::new();
    for pages in run_all(jobs, LIMIT).await {
        let instances = pages?
            .into_iter()
            .flat_map(|page| page.reservations.unwrap_or_default())
            .flat_map(|reservation| reservation.instances.unwrap_or_default());
        for instance in instances {
            let (Some(id), Some(metadata)) = (instance.instance_id(), instance.metadata_options())
            else {
                continue;
            };
            options.insert(
                id.to_owned(),
                MetadataOptions {
                    http_tokens: metadata
                        .http_tokens()
                        .map_or("optional", |t| t.as_str())
                        .to_owned(),
                    hop_limit: metadata.http_put_response_hop_limit(),
                    http_endpoint: metadata
                        .http_endpoint()
                        .map_or("enabled", |e| e.as_str())
                        .to_owned(),
                },
            );
        }
    }
    Ok(options)
}
