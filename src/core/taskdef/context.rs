//! The task-level facts that decide how an app container reaches the
//! agent: the network mode, whether the task runs on Fargate, whether it
//! runs Windows, and whether the agent runs inside the task.
//!
//! On EC2 in `bridge` (or `host`) mode the agent is a daemon on the host and
//! the app must find the host's private IP; on Fargate, or in `awsvpc` mode
//! with the agent as a sidecar, the agent shares the task's network and is
//! on localhost, so wrapping the entryPoint would only do harm.

use serde_json::Value;

use crate::core::model::config::LaunchType;
use crate::core::taskdef::container::{self, Role};
use crate::core::taskdef::document::Document;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Network {
    Bridge,
    Host,
    Awsvpc,
    /// `networkMode: none`: no network at all.
    Isolated,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TaskContext {
    pub network: Network,
    pub fargate: bool,
    /// ECS Managed Instances: the agent is a containerd daemon reached only
    /// through its Unix socket.
    pub managed_instances: bool,
    pub windows: bool,
    pub has_agent: bool,
}

impl TaskContext {
    /// A container file without the task (a bare array, one container) is
    /// taken as EC2 bridge, the default, unless an agent in it is set up
    /// for Fargate (`ECS_FARGATE=true`).
    pub fn of(document: &Document) -> TaskContext {
        TaskContext::with_hint(document, None)
    }

    /// The launch type the task declares (`requiresCompatibilities`), if it
    /// declares one this tool knows.
    pub fn declared_launch_type(document: &Document) -> Option<LaunchType> {
        let compatibilities = document
            .task()?
            .get("requiresCompatibilities")?
            .as_array()?;
        LaunchType::ALL.into_iter().find(|launch_type| {
            compatibilities
                .iter()
                .any(|v| v.as_str() == Some(launch_type.compatibility()))
        })
    }

    /// As [`TaskContext::of`], with the launch type the user named for a
    /// file that does not say (a bare container array, no
    /// `requiresCompatibilities`).
    pub fn with_hint(document: &Document, hint: Option<LaunchType>) -> TaskContext {
        let task = document.task();
        let field = |key: &str| task.and_then(|t| t.get(key));
        let launch_type = TaskContext::declared_launch_type(document).or(hint);
        let containers = document.containers();
        let agents = || {
            containers
                .iter()
                .filter(|c| container::role(c) == Role::Agent)
        };
        let fargate = launch_type == Some(LaunchType::Fargate)
            || agents().any(|a| {
                container::env(a, "ECS_FARGATE").is_some_and(|v| v.eq_ignore_ascii_case("true"))
            });
        let network = match field("networkMode").and_then(Value::as_str) {
            Some("host") => Network::Host,
            Some("awsvpc") => Network::Awsvpc,
            Some("none") => Network::Isolated,
            Some("bridge") if !fargate => Network::Bridge,
            _ if fargate => Network::Awsvpc,
            // Unset means bridge on Linux; Windows' "default" is NAT, alike.
            _ => Network::Bridge,
        };
        let windows = field("runtimePlatform")
            .and_then(|p| p.get("operatingSystemFamily"))
            .and_then(Value::as_str)
            .is_some_and(|family| family.to_ascii_uppercase().starts_with("WINDOWS"));
        let managed_instances = launch_type == Some(LaunchType::ManagedInstances);
        let network = match network {
            Network::Bridge if managed_instances && field("networkMode").is_none() => {
                Network::Awsvpc
            }
            other => other,
        };
        TaskContext {
            network,
            fargate,
            managed_instances,
            windows,
            has_agent: agents().next().is_some(),
        }
    }

    /// The agent runs in the task and shares its network namespace.
    pub fn agent_on_localhost(&self) -> bool {
        self.has_agent && (self.fargate || self.network == Network::Awsvpc)
    }

    /// The agent is a daemon on the EC2 host, reached through the host's IP.
    pub fn agent_on_host(&self) -> bool {
        !self.fargate
            && !self.managed_instances
            && matches!(self.network, Network::Bridge | Network::Host)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::taskdef::document;

    fn context(text: &str) -> TaskContext {
        TaskContext::of(&document::read(text.as_bytes()).unwrap())
    }

    #[test]
    fn network_mode_defaults_follow_the_launch_type() {
        let c = context(r#"{"containerDefinitions": [{"name": "a"}]}"#);
        assert_eq!(
            (c.network, c.fargate, c.has_agent),
            (Network::Bridge, false, false)
        );
        assert!(c.agent_on_host());
        let c = context(
            r#"{"networkMode": null, "requiresCompatibilities": ["FARGATE"], "containerDefinitions": [{"name": "a"}]}"#,
        );
        assert_eq!((c.network, c.fargate), (Network::Awsvpc, true));
        assert!(!c.agent_on_host() && !c.agent_on_localhost());
        let c = context(r#"{"networkMode": "host", "containerDefinitions": [{"name": "a"}]}"#);
        assert_eq!(c.network, Network::Host);
        let c = context(r#"{"networkMode": "none", "containerDefinitions": [{"name": "a"}]}"#);
        assert_eq!(c.network, Network::Isolated);
    }

    #[test]
    fn an_agent_set_up_for_fargate_makes_a_bare_array_fargate() {
        let c = context(
            r#"[{"name": "app"}, {"name": "datadog-agent", "environment": [{"name": "ECS_FARGATE", "value": "true"}]}]"#,
        );
        assert!(c.fargate && c.agent_on_localhost());
    }

    #[test]
    fn awsvpc_on_ec2_with_a_sidecar_is_localhost() {
        let c = context(
            r#"{"networkMode": "awsvpc", "containerDefinitions": [{"name": "app"}, {"name": "x", "image": "datadog/agent:7"}]}"#,
        );
        assert!(!c.fargate && c.agent_on_localhost() && !c.agent_on_host());
    }

    #[test]
    fn windows_comes_from_the_runtime_platform() {
        let c = context(
            r#"{"runtimePlatform": {"operatingSystemFamily": "WINDOWS_SERVER_2019_FULL"}, "containerDefinitions": [{"name": "a"}]}"#,
        );
        assert!(c.windows);
    }
}
