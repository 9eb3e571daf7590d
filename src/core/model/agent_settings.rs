//! Agent settings Datadog's own ECS modules (Terraform, CDK) offer beside
//! traces: the Orchestrator Explorer's task collection, DogStatsD origin
//! detection and tag cardinality, and process collection. Off unless asked
//! for, so that the agent keeps its own defaults.

use crate::core::model::choices::choices;
use crate::core::model::config::LaunchType;
use crate::core::model::error::{ConfigError, Field};

choices! {
    /// Which tags DogStatsD adds to custom metrics
    /// (`DD_DOGSTATSD_TAG_CARDINALITY`): each step adds tags of a finer
    /// grain, and more series.
    pub enum Cardinality (TagCardinality) {
        Low => "low",
        Orchestrator => "orchestrator",
        High => "high",
    }
}

/// The agent settings asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AgentSettings {
    /// `DD_ECS_TASK_COLLECTION_ENABLED`: the tasks in the Orchestrator
    /// Explorer.
    pub orchestrator_explorer: bool,
    /// `DD_DOGSTATSD_ORIGIN_DETECTION` on the agent and
    /// `DD_DOGSTATSD_ORIGIN_DETECTION_CLIENT` on the app: metrics tagged
    /// with the container that sent them.
    pub origin_detection: bool,
    pub tag_cardinality: Option<Cardinality>,
    /// Live processes: the process agent's collection, and on Fargate the
    /// task's shared PID namespace (`pidMode: task`) it needs to see them.
    pub process_collection: bool,
    /// The Fargate sidecar with a read-only root filesystem: its writable
    /// paths become task volumes, seeded by an init container.
    pub read_only_root: bool,
    /// The agent's install information names ddecs-wizard as the tool that
    /// set it up, as Datadog's own Terraform module names itself.
    pub install_info: bool,
}

impl Default for AgentSettings {
    fn default() -> Self {
        AgentSettings {
            orchestrator_explorer: false,
            origin_detection: false,
            tag_cardinality: None,
            process_collection: false,
            read_only_root: false,
            install_info: true,
        }
    }
}

/// The install-information variables (the Terraform module's
/// `DD_INSTALL_INFO_*`, with this tool's name and version in place of the
/// module's): Datadog's install telemetry counts setups by tool.
pub const INSTALL_INFO_ENV: [(&str, &str); 3] = [
    ("DD_INSTALL_INFO_TOOL", "ddecs-wizard"),
    ("DD_INSTALL_INFO_TOOL_VERSION", "ddecs-wizard"),
    (
        "DD_INSTALL_INFO_INSTALLER_VERSION",
        env!("CARGO_PKG_VERSION"),
    ),
];

pub const TASK_COLLECTION_ENV: &str = "DD_ECS_TASK_COLLECTION_ENABLED";
pub const ORIGIN_DETECTION_ENV: &str = "DD_DOGSTATSD_ORIGIN_DETECTION";
pub const ORIGIN_DETECTION_CLIENT_ENV: &str = "DD_DOGSTATSD_ORIGIN_DETECTION_CLIENT";
pub const TAG_CARDINALITY_ENV: &str = "DD_DOGSTATSD_TAG_CARDINALITY";
pub const PROCESS_COLLECTION_ENV: &str = "DD_PROCESS_AGENT_PROCESS_COLLECTION_ENABLED";

impl AgentSettings {
    /// The agent container's variables, in a fixed order.
    pub fn agent_env(&self) -> Vec<(&'static str, String)> {
        let mut env = Vec::new();
        if self.orchestrator_explorer {
            env.push((TASK_COLLECTION_ENV, "true".to_owned()));
        }
        if self.origin_detection {
            env.push((ORIGIN_DETECTION_ENV, "true".to_owned()));
        }
        if let Some(cardinality) = self.tag_cardinality {
            env.push((TAG_CARDINALITY_ENV, cardinality.to_string()));
        }
        if self.process_collection {
            env.push((PROCESS_COLLECTION_ENV, "true".to_owned()));
        }
        if self.install_info {
            env.extend(INSTALL_INFO_ENV.map(|(k, v)| (k, v.to_owned())));
        }
        env
    }

    /// The app container's variables.
    pub fn app_env(&self) -> Vec<(&'static str, String)> {
        if self.origin_detection {
            vec![(ORIGIN_DETECTION_CLIENT_ENV, "true".to_owned())]
        } else {
            Vec::new()
        }
    }

    /// What the launch type cannot take.
    pub fn refused(&self, launch_type: LaunchType) -> Result<(), ConfigError> {
        if self.process_collection && launch_type == LaunchType::ManagedInstances {
            return Err(ConfigError::Unsupported {
                field: Field::ProcessCollection,
                value: "true".to_owned(),
                why: "ddecs-wizard writes process collection for the EC2 daemon and the Fargate sidecar only: on ECS Managed Instances add DD_PROCESS_AGENT_PROCESS_COLLECTION_ENABLED to the agent daemon yourself".to_owned(),
            });
        }
        if self.read_only_root && launch_type != LaunchType::Fargate {
            return Err(ConfigError::Unsupported {
                field: Field::AgentReadOnlyRoot,
                value: "true".to_owned(),
                why: format!(
                    "ddecs-wizard writes the read-only layout for the Fargate sidecar only (as Datadog's Terraform module does), not for the {} agent daemon",
                    launch_type.label()
                ),
            });
        }
        Ok(())
    }
}

/// The init container that copies the agent's configuration into its
/// volume before a read-only agent starts (Datadog's Terraform module's
/// `init-volume`).
pub const CONFIG_INIT_NAME: &str = "init-volume";

/// The agent's writable paths under a read-only root: (volume, path).
pub const READ_ONLY_VOLUMES: [(&str, &str); 3] = [
    ("agent-config", "/etc/datadog-agent"),
    ("agent-tmp", "/tmp"),
    ("agent-run", "/opt/datadog-agent/run"),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_agent_and_the_app_get_their_halves() {
        let settings = AgentSettings {
            origin_detection: true,
            tag_cardinality: Some(Cardinality::Orchestrator),
            install_info: false,
            ..AgentSettings::default()
        };
        assert_eq!(
            settings.agent_env(),
            [
                (ORIGIN_DETECTION_ENV, "true".to_owned()),
                (TAG_CARDINALITY_ENV, "orchestrator".to_owned())
            ]
        );
        assert_eq!(
            settings.app_env(),
            [(ORIGIN_DETECTION_CLIENT_ENV, "true".to_owned())]
        );
        let quiet = AgentSettings {
            install_info: false,
            ..AgentSettings::default()
        };
        assert!(quiet.agent_env().is_empty());
        assert!(AgentSettings::default().app_env().is_empty());
    }

    #[test]
    fn the_install_info_names_this_tool_unless_switched_off() {
        let names: Vec<&str> = AgentSettings::default()
            .agent_env()
            .iter()
            .map(|(k, _)| *k)
            .collect();
        assert_eq!(
            names,
            [
                "DD_INSTALL_INFO_TOOL",
                "DD_INSTALL_INFO_TOOL_VERSION",
                "DD_INSTALL_INFO_INSTALLER_VERSION"
            ]
        );
        assert_eq!(INSTALL_INFO_ENV[2].1, env!("CARGO_PKG_VERSION"));
    }

    #[test]
    fn process_collection_is_refused_where_it_is_not_written() {
        let on = AgentSettings {
            process_collection: true,
            ..AgentSettings::default()
        };
        let err = on.refused(LaunchType::ManagedInstances).unwrap_err();
        assert_eq!(err.field(), Field::ProcessCollection);
        on.refused(LaunchType::Fargate).unwrap();
        on.refused(LaunchType::Ec2).unwrap();
    }
}
