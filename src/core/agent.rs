//! The Datadog agent daemon: its task definition and its container, built
//! from `assets/agent-task-definition.json` (Datadog's ECS reference shape).

use serde_json::{json, Map, Value};

use super::config::{AgentVersion, Config, LaunchType, Transport};
use super::socket;

const BASE_JSON: &str = include_str!("../../assets/agent-task-definition.json");

/// The agent image repository, without a tag.
pub const AGENT_IMAGE: &str = "public.ecr.aws/datadog/agent";

/// The port the trace agent listens on.
pub const APM_PORT: u64 = 8126;

/// The env vars agents 7.17 and lower need before they accept traces from
/// other containers.
pub const LEGACY_APM_ENV: [(&str, &str); 2] = [
    ("DD_APM_ENABLED", "true"),
    ("DD_APM_NON_LOCAL_TRAFFIC", "true"),
];

/// A value no one can mistake for a real key, and which `check` flags.
pub const API_KEY_PLACEHOLDER: &str = "<YOUR_DATADOG_API_KEY>";

/// The agent container's name, daemon or sidecar; apps `dependsOn` it.
pub const SIDECAR_NAME: &str = "datadog-agent";

/// The port DogStatsD listens on for custom metrics (UDP).
pub const DOGSTATSD_PORT: u64 = 8125;

/// The complete `register-task-definition` input for the agent daemon.
pub fn build_agent_task_definition(config: &Config) -> Value {
    let mut task: Map<String, Value> =
        serde_json::from_str(BASE_JSON).expect("assets/agent-task-definition.json is an object");
    task["containerDefinitions"] = json!([build_agent_container(config)]);
    if config.transport == Transport::Uds {
        if let Some(volumes) = task.get_mut("volumes").and_then(Value::as_array_mut) {
            volumes.push(socket::volume(true));
        }
    }
    if let Some(role) = execution_role(config) {
        task.insert("executionRoleArn".to_owned(), Value::String(role));
    }
    Value::Object(task)
}

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

/// The `datadog-agent` container definition: the daemon's on EC2, the
/// sidecar's on Fargate.
pub fn build_agent_container(config: &Config) -> Value {
    let task: Value = serde_json::from_str(BASE_JSON).expect("asset is valid JSON");
    let mut container = task["containerDefinitions"][0].clone();
    container["image"] = Value::String(agent_image(&config.agent_version));
    let fargate = config.launch_type == LaunchType::Fargate;
    let mut environment = Vec::new();
    if config.api_key_secret_arn.is_none() {
        environment.push(env_var("DD_API_KEY", API_KEY_PLACEHOLDER));
    }
    environment.push(env_var("DD_SITE", &config.site));
    if fargate {
        environment.push(env_var("ECS_FARGATE", "true"));
        environment.push(env_var("DD_APM_ENABLED", "true"));
    } else {
        if config.agent_version.is_legacy() {
            environment.extend(LEGACY_APM_ENV.iter().map(|(k, v)| env_var(k, v)));
        }
        // Custom metrics from apps on the host arrive from other addresses.
        environment.push(env_var("DD_DOGSTATSD_NON_LOCAL_TRAFFIC", "true"));
    }
    if config.transport == Transport::Uds {
        environment.extend(socket::AGENT_ENV.iter().map(|(k, v)| env_var(k, v)));
    }
    container["environment"] = Value::Array(environment);
    if let Some(arn) = &config.api_key_secret_arn {
        container["secrets"] = json!([{ "name": "DD_API_KEY", "valueFrom": arn }]);
    }
    if fargate {
        // In awsvpc mode a port is the task's own: no host port to publish.
        container["portMappings"] = json!([
            { "containerPort": APM_PORT, "protocol": "tcp" },
            { "containerPort": DOGSTATSD_PORT, "protocol": "udp" },
        ]);
        let map = container.as_object_mut().expect("a container is an object");
        map.remove("mountPoints");
        // The app waits for HEALTHY, but a later agent crash must not stop it.
        map.insert("essential".to_owned(), Value::Bool(false));
        map.insert(
            "healthCheck".to_owned(),
            json!({
                "command": ["CMD-SHELL", "agent health"],
                "interval": 10,
                "timeout": 5,
                "retries": 3,
                "startPeriod": 15,
            }),
        );
    } else {
        container["portMappings"] = json!([apm_port_mapping(), dogstatsd_port_mapping()]);
    }
    if config.transport == Transport::Uds {
        let map = container.as_object_mut().expect("a container is an object");
        let mounts = map
            .entry("mountPoints")
            .or_insert_with(|| Value::Array(Vec::new()));
        if let Some(mounts) = mounts.as_array_mut() {
            mounts.push(socket::mount(false));
        }
    }
    container
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

    fn env_names(container: &Value) -> Vec<&str> {
        container["environment"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["name"].as_str().unwrap())
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
                "DD_APM_ENABLED",
                "DD_APM_NON_LOCAL_TRAFFIC",
                "DD_DOGSTATSD_NON_LOCAL_TRAFFIC"
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
        let task = build_agent_task_definition(&config);
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
}
