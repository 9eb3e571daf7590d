//! What ecspresso's `verify` checks, for what tracing needs of a task
//! definition that runs the Datadog agent (a DAEMON service's, or a
//! Fargate sidecar's): the task execution role exists, trusts
//! `ecs-tasks.amazonaws.com`, may read the API key's secret and, for an
//! agent image in a private ECR repository, may pull it, and the image is
//! there. No I/O: the facts come from `iam` and `ecr`.

use serde_json::Value;

use super::diagnosis::{
    problem, Facts, Problem, ServiceFacts, EXECUTION_ROLE_MISSING, EXECUTION_ROLE_UNTRUSTED,
    IMAGE_NOT_FOUND, IMAGE_NOT_PULLABLE, NOT_VERIFIED, NO_EXECUTION_ROLE, SECRET_NOT_READABLE,
};
use super::ecr::{ImageFacts, PrivateImage};
use super::iam::RoleFacts;
use super::policy::{evaluate, trusts_service, Policy, Verdict};
use ddecs_wizard::core::lint::report::Severity;
use ddecs_wizard::core::taskdef::container::{self, Role};
use ddecs_wizard::core::taskdef::document::Document;

/// The service principal that assumes task execution roles.
pub const ECS_TASKS: &str = "ecs-tasks.amazonaws.com";

/// What a task definition's agent needs from IAM and ECR.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Needs {
    pub execution_role: Option<String>,
    /// `(action, resource)` for each secret the agent reads (its API key).
    pub secrets: Vec<(&'static str, String)>,
    pub images: Vec<PrivateImage>,
}

impl Needs {
    fn any(&self) -> bool {
        !self.secrets.is_empty() || !self.images.is_empty()
    }
}

/// What the agent containers of `document` (registered as `task_arn`)
/// need; nothing for a task definition without an agent.
pub fn needs(document: &Document, task_arn: &str) -> Needs {
    let agents: Vec<&Value> = document
        .containers()
        .iter()
        .filter(|c| container::role(c) == Role::Agent)
        .collect();
    let mut needs = Needs {
        execution_role: document.value["executionRoleArn"]
            .as_str()
            .filter(|s| !s.is_empty())
            .map(str::to_owned),
        ..Needs::default()
    };
    for agent in agents {
        for secret in agent["secrets"].as_array().into_iter().flatten() {
            let (Some(name), Some(from)) = (secret["name"].as_str(), secret["valueFrom"].as_str())
            else {
                continue;
            };
            if name == "DD_API_KEY" {
                needs.secrets.push(secret_request(from, task_arn));
            }
        }
        if let Some(image) = PrivateImage::parse(container::image(agent)) {
            needs.images.push(image);
        }
    }
    needs
}

/// The call ECS makes with the execution role to read `value_from`, and
/// the resource it names: a Secrets Manager secret (without the JSON key
/// and version parts), an SSM parameter ARN, or a parameter name in the
/// task's own region and account.
pub fn secret_request(value_from: &str, task_arn: &str) -> (&'static str, String) {
    let parts: Vec<&str> = value_from.split(':').collect();
    if value_from.starts_with("arn:") && parts.get(2) == Some(&"secretsmanager") {
        return (
            "secretsmanager:GetSecretValue",
            parts[..parts.len().min(7)].join(":"),
        );
    }
    if value_from.starts_with("arn:") {
        return ("ssm:GetParameters", value_from.to_owned());
    }
    let task: Vec<&str> = task_arn.split(':').collect();
    let (partition, region, account) = (
        task.get(1).copied().unwrap_or("aws"),
        task.get(3).copied().unwrap_or("*"),
        task.get(4).copied().unwrap_or("*"),
    );
    (
        "ssm:GetParameters",
        format!(
            "arn:{partition}:ssm:{region}:{account}:parameter/{}",
            value_from.trim_start_matches('/')
        ),
    )
}

/// The problems of one service's task definition.
pub fn problems(service: &ServiceFacts, facts: &Facts) -> Vec<Problem> {
    let Ok(document) = &service.task else {
        return Vec::new();
    };
    let task_arn = &service.state.task_definition;
    let needs = needs(document, task_arn);
    if !needs.any() {
        return Vec::new();
    }
    let subject = format!("service {}", service.state.name);
    let mut found = Vec::new();
    for image in &needs.images {
        let at = (subject.clone(), task_arn.as_str());
        let where_ = format!(
            "{}:{} in {}",
            image.repository, image.reference, image.region
        );
        match facts.images.get(image) {
            Some(ImageFacts::NoRepository) => found.push(problem(
                IMAGE_NOT_FOUND.id,
                Severity::Error,
                at,
                format!("the agent image's ECR repository {} does not exist in account {} ({}): its tasks cannot start", image.repository, image.account, image.region),
                "create the repository and push the agent to it, or use public.ecr.aws/datadog/agent".to_owned(),
            )),
            Some(ImageFacts::NoImage) => found.push(problem(
                IMAGE_NOT_FOUND.id,
                Severity::Error,
                at,
                format!("the agent image {where_} is not in its ECR repository: its tasks cannot start"),
                "push that tag to the repository, or name a tag it holds".to_owned(),
            )),
            Some(ImageFacts::Unreadable(why)) => found.push(problem(
                NOT_VERIFIED.id,
                Severity::Warning,
                at,
                format!("whether the agent image {where_} exists was not verified: {why}"),
                "allow doctor ecr:DescribeImages".to_owned(),
            )),
            Some(ImageFacts::Found) | None => {}
        }
    }
    let Some(role_arn) = &needs.execution_role else {
        found.push(problem(
            NO_EXECUTION_ROLE.id,
            Severity::Error,
            (subject, task_arn),
            "the agent reads its API key from a secret or pulls from private ECR, which ECS does with the task execution role, but the task definition names none: its tasks cannot start".to_owned(),
            "set executionRoleArn to a role that trusts ecs-tasks.amazonaws.com and may read the secret".to_owned(),
        ));
        return found;
    };
    let at = || (subject.clone(), role_arn.as_str());
    let (trust, policies, unreadable) = match facts.roles.get(role_arn) {
        Some(RoleFacts::Found {
            trust,
            policies,
            unreadable,
        }) => (trust, policies, unreadable),
        Some(RoleFacts::Missing) => {
            found.push(problem(
                EXECUTION_ROLE_MISSING.id,
                Severity::Error,
                at(),
                format!("the task execution role {role_arn} does not exist: the agent's tasks cannot start"),
                "create the role (trusting ecs-tasks.amazonaws.com, with AmazonECSTaskExecutionRolePolicy and read access to the API key's secret) or name an existing one".to_owned(),
            ));
            return found;
        }
        Some(RoleFacts::Unreadable(why)) => {
            found.push(problem(
                NOT_VERIFIED.id,
                Severity::Warning,
                at(),
                format!("the task execution role {role_arn} was not verified: {why}"),
                "allow doctor iam:GetRole, iam:ListAttachedRolePolicies, iam:ListRolePolicies, iam:GetPolicy, iam:GetPolicyVersion and iam:GetRolePolicy".to_owned(),
            ));
            return found;
        }
        None => return found,
    };
    match trusts_service(trust, ECS_TASKS) {
        Ok(true) => {}
        Ok(false) => found.push(problem(
            EXECUTION_ROLE_UNTRUSTED.id,
            Severity::Error,
            at(),
            format!("the task execution role {role_arn} does not let ecs-tasks.amazonaws.com assume it: ECS cannot read the API key or pull the image with it"),
            format!("aws iam update-assume-role-policy --role-name {} --policy-document '{{\"Version\":\"2012-10-17\",\"Statement\":[{{\"Effect\":\"Allow\",\"Principal\":{{\"Service\":\"ecs-tasks.amazonaws.com\"}},\"Action\":\"sts:AssumeRole\"}}]}}'", super::names::last_segment(role_arn)),
        )),
        Err(why) => found.push(problem(
            NOT_VERIFIED.id,
            Severity::Warning,
            at(),
            format!("the trust policy of {role_arn} was not read: {why}"),
            "check the role's trust policy by hand".to_owned(),
        )),
    }
    if !unreadable.is_empty() {
        found.push(problem(
            NOT_VERIFIED.id,
            Severity::Warning,
            at(),
            format!("some policies of {role_arn} were not read, so its permissions may be wider than doctor sees: {}", unreadable.join("; ")),
            "allow doctor iam:GetPolicy, iam:GetPolicyVersion and iam:GetRolePolicy".to_owned(),
        ));
    }
    for (action, resource) in &needs.secrets {
        if let Some(p) = permission(
            policies,
            action,
            resource,
            SECRET_NOT_READABLE.id,
            at(),
            &format!("read the API key's secret {resource}"),
        ) {
            found.push(p);
        }
    }
    for image in &needs.images {
        let repository = image.repository_arn();
        for (action, resource) in [
            ("ecr:GetAuthorizationToken", "*"),
            ("ecr:BatchGetImage", repository.as_str()),
            ("ecr:GetDownloadUrlForLayer", repository.as_str()),
        ] {
            if let Some(p) = permission(
                policies,
                action,
                resource,
                IMAGE_NOT_PULLABLE.id,
                at(),
                &format!("pull the agent image from {repository}"),
            ) {
                found.push(p);
                break;
            }
        }
    }
    found
}

/// A problem when the role's policies do not allow `action` on `resource`.
fn permission(
    policies: &[Policy],
    action: &str,
    resource: &str,
    id: &'static str,
    at: (String, &str),
    what: &str,
) -> Option<Problem> {
    let role = at.1.to_owned();
    let grant = format!(
        "allow {action} on {resource} in a policy of {}",
        super::names::last_segment(&role)
    );
    match evaluate(policies, action, resource) {
        Verdict::Allowed => None,
        Verdict::AllowedUnderConditions => Some(problem(
            id,
            Severity::Warning,
            at,
            format!("the task execution role may {what} only under conditions doctor cannot check ({action})"),
            format!("make sure the conditions hold for ECS, or {grant}"),
        )),
        Verdict::Denied => Some(problem(
            id,
            Severity::Error,
            at,
            format!("the task execution role is explicitly denied {action}, so ECS cannot {what}: the agent's tasks cannot start"),
            format!("remove the Deny, then {grant}"),
        )),
        Verdict::NotAllowed => Some(problem(
            id,
            Severity::Error,
            at,
            format!("no policy of the task execution role allows {action}, so ECS cannot {what}: the agent's tasks cannot start"),
            grant,
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_requests_name_the_resource_iam_sees() {
        let task = "arn:aws:ecs:eu-west-1:123456789012:task-definition/dd:3";
        assert_eq!(
            secret_request(
                "arn:aws:secretsmanager:eu-west-1:123456789012:secret:dd-AbCdEf:api_key::",
                task
            ),
            (
                "secretsmanager:GetSecretValue",
                "arn:aws:secretsmanager:eu-west-1:123456789012:secret:dd-AbCdEf".to_owned()
            )
        );
        assert_eq!(
            secret_request("/datadog/api-key", task),
            (
                "ssm:GetParameters",
                "arn:aws:ssm:eu-west-1:123456789012:parameter/datadog/api-key".to_owned()
            )
        );
        assert_eq!(
            secret_request("arn:aws:ssm:eu-west-1:1:parameter/dd", task).0,
            "ssm:GetParameters"
        );
    }
}
