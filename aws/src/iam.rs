//! Reading task execution roles for `doctor` (read-only): the role, its
//! trust policy and every policy attached to it or inline in it. Each role
//! and each managed policy is read once per run, however many task
//! definitions name it and in however many regions (IAM is global).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use aws_sdk_iam::error::ProvideErrorMetadata;
use aws_sdk_iam::Client;
use tokio::sync::OnceCell;

use super::call::{failed, AwsError};
use super::concurrent::run_all;
use super::names;
use super::policy::Policy;

/// IAM's API is rate-limited far below ECS's: a few calls at once.
const AT_ONCE: usize = 4;

/// A task execution role as IAM knows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RoleFacts {
    /// GetRole answered NoSuchEntity.
    Missing,
    /// The role could not be read (access denied, throttled to the end).
    Unreadable(String),
    Found {
        /// The trust policy document, as IAM returned it.
        trust: String,
        policies: Vec<Policy>,
        /// Policies that could not be read or parsed, with why.
        unreadable: Vec<String>,
    },
}

/// Each key read once: later askers wait for the first read's answer.
type Once<T> = Arc<Mutex<HashMap<String, Arc<OnceCell<T>>>>>;

/// Roles and managed policies read so far in this run.
#[derive(Clone)]
pub struct Roles {
    iam: Client,
    roles: Once<RoleFacts>,
    policies: Once<Result<Policy, String>>,
}

impl Roles {
    pub fn new(iam: Client) -> Roles {
        Roles {
            iam,
            roles: Arc::default(),
            policies: Arc::default(),
        }
    }

    /// Every role of `arns`, read concurrently (each once per run).
    pub async fn read_all(&self, arns: &[String]) -> HashMap<String, RoleFacts> {
        let jobs = arns
            .iter()
            .map(|arn| {
                let roles = self.clone();
                let arn = arn.clone();
                async move {
                    let facts = roles.role(&arn).await;
                    (arn, facts)
                }
            })
            .collect();
        run_all(jobs, AT_ONCE).await.into_iter().collect()
    }

    /// The role named by `arn`.
    pub async fn role(&self, arn: &str) -> RoleFacts {
        let cell = {
            let mut roles = self.roles.lock().unwrap_or_else(|e| e.into_inner());
            Arc::clone(roles.entry(arn.to_owned()).or_default())
        };
        cell.get_or_init(|| self.read_role(arn)).await.clone()
    }

    async fn read_role(&self, arn: &str) -> RoleFacts {
        let name = names::last_segment(arn);
        let role = match self.iam.get_role().role_name(name).send().await {
            Ok(output) => output,
            Err(e) if e.code() == Some("NoSuchEntity") => return RoleFacts::Missing,
            Err(e) => return RoleFacts::Unreadable(failed("GetRole", e).to_string()),
        };
        let trust = role
            .role()
            .and_then(|r| r.assume_role_policy_document())
            .unwrap_or_default()
            .to_owned();
        let (attached, inline) = tokio::join!(self.attached(name), self.inline(name));
        let mut policies = Vec::new();
        let mut unreadable = Vec::new();
        for result in attached.into_iter().chain(inline) {
            match result {
                Ok(policy) => policies.push(policy),
                Err(why) => unreadable.push(why),
            }
        }
        RoleFacts::Found {
            trust,
            policies,
            unreadable,
        }
    }

    /// The managed policies attached to the role.
    async fn attached(&self, role: &str) -> Vec<Result<Policy, String>> {
        let listed: Result<Vec<_>, AwsError> = self
            .iam
            .list_attached_role_policies()
            .role_name(role)
            .into_paginator()
            .items()
            .send()
            .try_collect()
            .await
            .map_err(|e| failed("ListAttachedRolePolicies", e));
        let listed = match listed {
            Ok(listed) => listed,
            Err(e) => return vec![Err(e.to_string())],
        };
        let mut policies = Vec::new();
        for arn in listed.iter().filter_map(|p| p.policy_arn()) {
            policies.push(self.managed(arn).await);
        }
        policies
    }

    async fn managed(&self, arn: &str) -> Result<Policy, String> {
        let cell = {
            let mut policies = self.policies.lock().unwrap_or_else(|e| e.into_inner());
            Arc::clone(policies.entry(arn.to_owned()).or_default())
        };
        cell.get_or_init(|| async {
            let policy = self
                .iam
                .get_policy()
                .policy_arn(arn)
                .send()
                .await
                .map_err(|e| failed("GetPolicy", e).to_string())?;
            let version = policy
                .policy()
                .and_then(|p| p.default_version_id())
                .unwrap_or("v1");
            let document = self
                .iam
                .get_policy_version()
                .policy_arn(arn)
                .version_id(version)
                .send()
                .await
                .map_err(|e| failed("GetPolicyVersion", e).to_string())?;
            let text = document
                .policy_version()
                .and_then(|v| v.document())
                .unwrap_or_default();
            Policy::parse(text).map_err(|e| format!("policy {arn}: {e}"))
        })
        .await
        .clone()
    }

    /// The policies inline in the role.
    async fn inline(&self, role: &str) -> Vec<Result<Policy, String>> {
        let listed: Result<Vec<String>, AwsError> = self
            .iam
            .list_role_policies()
            .role_name(role)
            .into_paginator()
            .items()
            .send()
            .try_collect()
            .await
            .map_err(|e| failed("ListRolePolicies", e));
        let listed = match listed {
            Ok(listed) => listed,
            Err(e) => return vec![Err(e.to_string())],
        };
        let mut policies = Vec::new();
        for name in listed {
            let got = self
                .iam
                .get_role_policy()
                .role_name(role)
                .policy_name(&name)
                .send()
                .await
                .map_err(|e| failed("GetRolePolicy", e).to_string())
                .and_then(|p| {
                    Policy::parse(p.policy_document())
                        .map_err(|e| format!("inline policy {name}: {e}"))
                });
            policies.push(got);
        }
        policies
    }
}
