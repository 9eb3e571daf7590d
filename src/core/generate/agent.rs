//! The Datadog agent: the EC2 daemon's task definition, the ECS Managed
//! Instances daemon's, and the Fargate sidecar container, each built from
//! Datadog's reference shape in `assets/` with the answers applied.

use serde_json::{json, Map, Value};

use crate::core::generate::logs::{self, Route};
use crate::core::model::agent_settings::{CONFIG_INIT_NAME, READ_ONLY_VOLUMES};
use crate::core::model::config::{AgentVersion, Config, LaunchType, Transport};
use crate::core::model::datadog::SIDECAR_NAME;
use crate::core::model::datadog::{
    AGENT_IMAGE, API_KEY_PLACEHOLDER, APM_PORT, DOGSTATSD_PORT, LEGACY_APM_ENV,
};
use crate::core::model::logs as logs_model;
use crate::core::model::socket;

/// The EC2 daemon: Docker socket, /proc and cgroup mounts, 8126/tcp and
/// 8125/udp on the host.
const EC2_JSON: &str = include_str!("../../../assets/agent-task-definition.json");
/// The Managed Instances daemon: containerd instead of Docker, no ports.
const MANAGED_INSTANCES_JSON: &str = include_str!("../../../assets/agent-managed-instances.json");
/// The Fargate sidecar container: ECS_FARGATE, APM on, a health check.
const FARGATE_SIDECAR_JSON: &str = include_str!("../../../assets/agent-fargate-sidecar.json");

fn parse(asset: &str) -> Value {
    serde_json::from_str(asset).expect("the agent assets are valid JSON (tested)")
}

/// The daemon's reference task definition for the launch type; `None` on
/// Fargate, which has no daemon.
fn daemon_base(launch_type: LaunchType) -> Option<Value> {
    match launch_type {
        LaunchType::Ec2 => Some(parse(EC2_JSON)),
        LaunchType::ManagedInstances => Some(parse(MANAGED_INSTANCES_JSON)),
        LaunchType::Fargate => None,
    }
}

/// The agent daemon's complete task definition: `register-task-definition`
/// input on EC2, `register-daemon-task-definition` input on Managed
/// Instances. On Fargate, where there is no daemon, the sidecar's task is
/// the app's own ([`crate::core::generate::app_task`]).
pub fn build_agent_task_definition(config: &Config) -> Option<Value> {
    let mut task = daemon_base(config.launch_type)?;
    task["containerDefinitions"] = json!([build_agent_container(config)]);
    if config.transport == Transport::Uds {
        if let Some(volumes) = task.get_mut("volumes").and_then(Value::as_array_mut) {
            volumes.push(socket::volume(true));
        }
    }
    if config.agent.process_collection && config.launch_type == LaunchType::Ec2 {
        // The process agent names each process's user from the host's
        // accounts (Datadog's Docker agent instructions).
        if let Some(volumes) = task.get_mut("volumes").and_then(Value::as_array_mut) {
            volumes.push(json!({ "host": { "sourcePath": "/etc/passwd" }, "name": PASSWD_VOLUME }));
        }
    }
    if config.tails_logs() {
        if let Some(volumes) = task.get_mut("volumes").and_then(Value::as_array_mut) {
            volumes.extend(logs::agent_volumes());
        }
    }
    if let Some(role) = execution_role(config) {
        task["executionRoleArn"] = Value::String(role);
    }
    Some(task)
}

/// The host's `/etc/passwd`, read-only in the EC2 daemon for process
/// collection.
const PASSWD_VOLUME: &str = "passwd";

/// The execution role a task needs when the API key comes from a secret:
/// only that role can read secrets for the container. The account is the
/// secret's, so only the role name is left to fill in.
pub fn execution_role(config: &Config) -> Option<String> {
    let arn = config.api_key_secret_arn.as_ref()?;
    let (partition, account) = arn_partition_and_account(arn);
    Some(format!(
        "arn:{partition}:iam::{account}:role/<EXECUTION_ROLE_THAT_CAN_READ_THE_DD_API_KEY_SECRET>"
    ))
}

/// The `datadog-agent` container definition: the daemon's on EC2 and
/// Managed Instances, the sidecar's on Fargate.
pub fn build_agent_container(config: &Config) -> Value {
    let mut container = match daemon_base(config.launch_type) {
        Some(task) => task["containerDefinitions"][0].clone(),
        None => parse(FARGATE_SIDECAR_JSON),
    };
    container["image"] = Value::String(agent_image(&config.agent_version));
    let mut environment = Vec::new();
    if config.api_key_secret_arn.is_none() {
        environment.push(env_var("DD_API_KEY", API_KEY_PLACEHOLDER));
    }
    environment.push(env_var("DD_SITE", config.site.cli_name()));
    let reference = container["environment"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    environment.extend(
        reference
            .into_iter()
            .filter(|e| !matches!(e["name"].as_str(), Some("DD_API_KEY" | "DD_SITE"))),
    );
    // The sidecar's reference already switches APM on; on the host, old
    // agents also need traffic from other containers allowed.
    if config.agent_version.is_legacy() && config.launch_type != LaunchType::Fargate {
        environment.extend(LEGACY_APM_ENV.iter().map(|(k, v)| env_var(k, v)));
    }
    if config.transport == Transport::Uds {
        environment.extend(socket::AGENT_ENV.iter().map(|(k, v)| env_var(k, v)));
    }
    environment.extend(
        config
            .agent
            .agent_env()
            .iter()
            .map(|(name, value)| env_var(name, value)),
    );
    if config.tails_logs() {
        environment.extend(logs_model::AGENT_ENV.iter().map(|(k, v)| env_var(k, v)));
    }
    container["environment"] = Value::Array(environment);
    if config.routes_logs() && config.launch_type == LaunchType::Fargate {
        // The sidecar's own logs go the app's way, as in Datadog's
        // Terraform module (the Managed Instances daemon has no router).
        let route = Route {
            service: SIDECAR_NAME,
            source: "datadog-agent",
            tags: Vec::new(),
            ..Route::for_app(config)
        };
        container["logConfiguration"] = route.log_configuration();
    }
    if let Some(arn) = &config.api_key_secret_arn {
        container["secrets"] = json!([{ "name": "DD_API_KEY", "valueFrom": arn }]);
    }
    let mut mounts = Vec::new();
    if config.transport == Transport::Uds {
        mounts.push(socket::mount(false));
    }
    if config.agent.process_collection && config.launch_type == LaunchType::Ec2 {
        mounts.push(json!({ "containerPath": "/etc/passwd", "sourceVolume": PASSWD_VOLUME, "readOnly": true }));
    }
    if config.tails_logs() {
        mounts.extend(logs::agent_mounts());
    }
    if config.agent.read_only_root {
        container["readonlyRootFilesystem"] = json!(true);
        mounts.extend(READ_ONLY_VOLUMES.iter().map(|(volume, path)| {
            json!({ "sourceVolume": volume, "containerPath": path, "readOnly": false })
        }));
        container["dependsOn"] =
            json!([{ "containerName": CONFIG_INIT_NAME, "condition": "SUCCESS" }]);
    }
    if !mounts.is_empty() {
        let map: &mut Map<String, Value> =
            container.as_object_mut().expect("a container is an object");
        let existing = map
            .entry("mountPoints")
            .or_insert_with(|| Value::Array(Vec::new()));
        if let Some(existing) = existing.as_array_mut() {
            existing.extend(mounts);
        }
    }
    container
}

/// The container that copies the agent image's configuration into the
/// `agent-config` volume for a read-only sidecar, then exits (without
/// overwriting what is there: `cp -n`).
pub fn build_config_init_container(config: &Config) -> Value {
    json!({
        "name": CONFIG_INIT_NAME,
        "image": agent_image(&config.agent_version),
        "essential": false,
        "readonlyRootFilesystem": true,
        "entryPoint": ["/bin/sh", "-c"],
        "command": ["cp -vnR /etc/datadog-agent/* /agent-config/ && exit 0"],
        "mountPoints": [{ "sourceVolume": READ_ONLY_VOLUMES[0].0, "containerPath": "/agent-config", "readOnly": false }],
    })
}

pub fn agent_image(version: &AgentVersion) -> String {
    format!("{AGENT_IMAGE}:{}", version.image_tag())
}

/// One `{"name": ..., "value": ...}` entry of a container's `environment`.
pub fn env_var(name: &str, value: &str) -> Value {
    json!({ "name": name, "value": value })
}

/// The `portMappings` entry that publishes the trace agent on the host.
pub fn apm_port_mapping() -> Value {
    json!({ "hostPort": APM_PORT, "protocol": "tcp", "containerPort": APM_PORT })
}

/// The `portMappings` entry that publishes DogStatsD on the host.
pub fn dogstatsd_port_mapping() -> Value {
    json!({ "hostPort": DOGSTATSD_PORT, "protocol": "udp", "containerPort": DOGSTATSD_PORT })
}

fn arn_partition_and_account(arn: &str) -> (&str, &str) {
    let mut parts = arn.split(':');
    let partition = parts.nth(1).unwrap_or("aws");
    let account = parts
        .nth(2)
        .filter(|a| !a.is_empty())
        .unwrap_or("<ACCOUNT_ID>");
    (partition, account)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The variable names, but for the install information every agent
    /// gets (its own test says so).
    fn env_names(container: &Value) -> Vec<&str> {
        container["environment"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["name"].as_str().unwrap())
            .filter(|name| !name.starts_with("DD_INSTALL_INFO_"))
            .collect()
    }

    #[test]
    fn legacy_agents_get_apm_env() {
        let mut config = Config {
            agent_version: "7.17".parse().unwrap(),
            ..Config::default()
        };
        let c = build_agent_container(&config);
        assert_eq!(
            env_names(&c),
            [
                "DD_API_KEY",
                "DD_SITE",
                "DD_DOGSTATSD_NON_LOCAL_TRAFFIC",
                "DD_APM_ENABLED",
                "DD_APM_NON_LOCAL_TRAFFIC"
            ]
        );
        assert_eq!(c["image"], "public.ecr.aws/datadog/agent:7.17");
        config.agent_version = "7.18".parse().unwrap();
        assert_eq!(
            env_names(&build_agent_container(&config)),
            ["DD_API_KEY", "DD_SITE", "DD_DOGSTATSD_NON_LOCAL_TRAFFIC"]
        );
    }

    #[test]
    fn ports_8126_and_8125_are_published_on_the_host() {
        let c = build_agent_container(&Config::default());
        assert_eq!(
            c["portMappings"],
            json!([apm_port_mapping(), dogstatsd_port_mapping()])
        );
    }

    #[test]
    fn secret_arn_replaces_the_placeholder_key() {
        let config = Config {
            api_key_secret_arn: Some(
                "arn:aws:secretsmanager:eu-west-1:123456789012:secret:dd-key-AbCdEf".into(),
            ),
            ..Config::default()
        };
        let task = build_agent_task_definition(&config).unwrap();
        let c = &task["containerDefinitions"][0];
        assert_eq!(env_names(c), ["DD_SITE", "DD_DOGSTATSD_NON_LOCAL_TRAFFIC"]);
        assert_eq!(
            c["secrets"][0]["valueFrom"],
            config.api_key_secret_arn.unwrap()
        );
        let role = task["executionRoleArn"].as_str().unwrap();
        assert!(
            role.starts_with("arn:aws:iam::123456789012:role/"),
            "{role}"
        );
    }

    fn with(launch_type: LaunchType, transport: Transport) -> Config {
        Config {
            launch_type,
            transport,
            ..Config::default()
        }
    }

    #[test]
    fn every_agent_names_this_tool_in_its_install_info_unless_told_not_to() {
        for launch_type in LaunchType::ALL {
            let mut config = with(launch_type, Transport::Uds);
            let c = build_agent_container(&config);
            let tool = c["environment"]
                .as_array()
                .unwrap()
                .iter()
                .find(|e| e["name"] == "DD_INSTALL_INFO_TOOL");
            assert_eq!(tool.map(|e| &e["value"]), Some(&json!("ddecs-wizard")));
            config.agent.install_info = false;
            let c = build_agent_container(&config);
            assert!(!c.to_string().contains("DD_INSTALL_INFO"), "{launch_type}");
        }
    }

    #[test]
    fn the_fargate_sidecar_runs_apm_and_reports_health() {
        let c = build_agent_container(&with(LaunchType::Fargate, Transport::Tcp));
        assert_eq!(
            env_names(&c),
            ["DD_API_KEY", "DD_SITE", "ECS_FARGATE", "DD_APM_ENABLED"]
        );
        assert_eq!(c["essential"], false);
        assert_eq!(
            c["healthCheck"]["command"],
            json!(["CMD-SHELL", "agent health"])
        );
        assert!(c["portMappings"]
            .as_array()
            .unwrap()
            .iter()
            .all(|m| m.get("hostPort").is_none()));
        assert!(build_agent_task_definition(&with(LaunchType::Fargate, Transport::Tcp)).is_none());
    }

    #[test]
    fn the_socket_adds_a_writable_mount_and_the_socket_env() {
        for launch_type in LaunchType::ALL {
            let c = build_agent_container(&with(launch_type, Transport::Uds));
            let names = env_names(&c);
            assert!(names.contains(&"DD_APM_RECEIVER_SOCKET"), "{launch_type}");
            assert!(names.contains(&"DD_DOGSTATSD_SOCKET"), "{launch_type}");
            let mounts = c["mountPoints"].as_array().unwrap();
            assert_eq!(
                mounts.last().unwrap(),
                &socket::mount(false),
                "{launch_type}"
            );
        }
        let task = build_agent_task_definition(&with(LaunchType::Ec2, Transport::Uds)).unwrap();
        assert_eq!(
            task["volumes"].as_array().unwrap().last().unwrap(),
            &socket::volume(true)
        );
        // tcp apps on the same hosts keep working
        assert_eq!(
            task["containerDefinitions"][0]["portMappings"][0],
            apm_port_mapping()
        );
    }

    #[test]
    fn agent_settings_go_on_the_agent_and_processes_bring_the_passwd_mount_on_ec2() {
        use crate::core::model::agent_settings::{AgentSettings, Cardinality};
        let settings = AgentSettings {
            orchestrator_explorer: true,
            tag_cardinality: Some(Cardinality::High),
            process_collection: true,
            ..AgentSettings::default()
        };
        let ec2 = Config {
            agent: settings.clone(),
            ..Config::default()
        };
        let task = build_agent_task_definition(&ec2).unwrap();
        let agent = &task["containerDefinitions"][0];
        let names = env_names(agent);
        assert!(
            names.ends_with(&[
                "DD_ECS_TASK_COLLECTION_ENABLED",
                "DD_DOGSTATSD_TAG_CARDINALITY",
                "DD_PROCESS_AGENT_PROCESS_COLLECTION_ENABLED"
            ]),
            "{names:?}"
        );
        let mounts = agent["mountPoints"].as_array().unwrap();
        assert_eq!(mounts.last().unwrap()["containerPath"], "/etc/passwd");
        assert_eq!(
            task["volumes"].as_array().unwrap().last().unwrap()["name"],
            "passwd"
        );
        let fargate = Config {
            launch_type: LaunchType::Fargate,
            agent: settings,
            ..Config::default()
        };
        assert!(build_agent_container(&fargate).get("mountPoints").is_none());
    }

    #[test]
    fn the_managed_instances_daemon_uses_containerd_and_no_ports() {
        let task = build_agent_task_definition(&with(LaunchType::ManagedInstances, Transport::Uds))
            .unwrap();
        assert!(task.get("requiresCompatibilities").is_none());
        let c = &task["containerDefinitions"][0];
        assert!(c.get("portMappings").is_none());
        let names = env_names(c);
        assert!(names.contains(&"ECS_MANAGED_INSTANCES"));
        assert!(names.contains(&"DD_CRI_SOCKET_PATH"));
        let text = task.to_string();
        assert!(!text.contains("docker.sock"), "{text}");
    }
}
