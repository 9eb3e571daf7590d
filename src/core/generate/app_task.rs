//! The app's own task definition, ready for `register-task-definition`: the
//! app container plus what the launch type needs around it (network mode,
//! compatibilities, task size, the socket volume, the Fargate sidecar) and
//! what injection needs (the tracer's init container and volume).

use serde_json::{json, Map, Value};

use crate::core::generate::agent::{
    build_agent_container, build_config_init_container, execution_role,
};
use crate::core::generate::app::build_app_container;
use crate::core::generate::inject::build_init_container;
use crate::core::generate::logs;
use crate::core::model::agent_settings::READ_ONLY_VOLUMES;
use crate::core::model::config::{Config, LaunchType, Tracer, Transport};
use crate::core::model::socket;
use crate::core::model::tracer;

/// The smallest Fargate size; it also fits the sidecar's share.
const TASK_CPU: &str = "512";
const TASK_MEMORY: &str = "1024";

pub fn build_app_task_definition(config: &Config) -> Value {
    let mut task = Map::new();
    task.insert("family".to_owned(), json!(config.app_name));
    let network_mode = match config.launch_type {
        // The host-IP recipe needs the host's network visible as a gateway,
        // and the agent's host port; bridge is the EC2 default.
        LaunchType::Ec2 => "bridge",
        LaunchType::Fargate | LaunchType::ManagedInstances => "awsvpc",
    };
    task.insert("networkMode".to_owned(), json!(network_mode));
    task.insert(
        "requiresCompatibilities".to_owned(),
        json!([config.launch_type.compatibility()]),
    );
    // ECS needs memory at the task or container level on EC2, and a task
    // size on Fargate; one task size serves every launch type.
    task.insert("cpu".to_owned(), json!(TASK_CPU));
    task.insert("memory".to_owned(), json!(TASK_MEMORY));
    if config.launch_type == LaunchType::Fargate {
        if let Some(role) = execution_role(config) {
            task.insert("executionRoleArn".to_owned(), Value::String(role));
        }
    }
    let injected = config.tracer == Tracer::Inject;
    let mut containers = vec![build_app_container(config)];
    if injected {
        containers.extend(build_init_container(config));
    }
    if config.launch_type == LaunchType::Fargate {
        containers.push(build_agent_container(config));
        if config.agent.read_only_root {
            containers.push(build_config_init_container(config));
        }
    }
    if config.routes_logs() {
        containers.push(logs::router_container());
    }
    task.insert("containerDefinitions".to_owned(), Value::Array(containers));
    if config.agent.process_collection && config.launch_type == LaunchType::Fargate {
        // The sidecar sees the app's processes only in a shared PID
        // namespace (Datadog's Fargate docs); ECS Exec then reaches one
        // container of the task (AWS), which NEXT-STEPS says.
        task.insert("pidMode".to_owned(), json!("task"));
    }
    let mut volumes = Vec::new();
    if config.transport == Transport::Uds {
        let on_host = config.launch_type != LaunchType::Fargate;
        volumes.push(socket::volume(on_host));
    }
    if injected {
        volumes.push(tracer::volume());
    }
    if config.agent.read_only_root {
        volumes.extend(
            READ_ONLY_VOLUMES
                .iter()
                .map(|(name, _)| json!({ "name": name })),
        );
    }
    if !volumes.is_empty() {
        task.insert("volumes".to_owned(), Value::Array(volumes));
    }
    Value::Object(task)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(launch_type: LaunchType, transport: Transport) -> Config {
        Config {
            launch_type,
            transport,
            ..Config::default()
        }
    }

    fn names(task: &Value) -> Vec<&str> {
        task["containerDefinitions"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["name"].as_str().unwrap())
            .collect()
    }

    #[test]
    fn ec2_tcp_is_one_bridge_container() {
        let task = build_app_task_definition(&Config {
            tracer: Tracer::Present,
            ..Config::default()
        });
        assert_eq!(task["family"], "app");
        assert_eq!(task["networkMode"], "bridge");
        assert_eq!(task["requiresCompatibilities"], json!(["EC2"]));
        assert_eq!(names(&task), ["app"]);
        assert!(task.get("volumes").is_none());
    }

    #[test]
    fn injection_adds_the_init_container_and_its_volume() {
        let task = build_app_task_definition(&Config::default());
        assert_eq!(names(&task), ["app", "datadog-tracer"]);
        assert_eq!(task["volumes"], json!([{ "name": "datadog-tracer" }]));
        let fargate = build_app_task_definition(&config(LaunchType::Fargate, Transport::Uds));
        assert_eq!(names(&fargate), ["app", "datadog-tracer", "datadog-agent"]);
        assert_eq!(
            fargate["volumes"],
            json!([{ "name": socket::VOLUME }, { "name": "datadog-tracer" }])
        );
    }

    #[test]
    fn process_collection_shares_the_pid_namespace_on_fargate_only() {
        for launch_type in [LaunchType::Fargate, LaunchType::Ec2] {
            let mut c = config(launch_type, Transport::Tcp);
            assert!(build_app_task_definition(&c).get("pidMode").is_none());
            c.agent.process_collection = true;
            let pid_mode = build_app_task_definition(&c).get("pidMode").cloned();
            let want = (launch_type == LaunchType::Fargate).then(|| json!("task"));
            assert_eq!(pid_mode, want, "{launch_type}");
        }
    }

    #[test]
    fn a_read_only_sidecar_waits_for_its_config_copy_and_writes_only_volumes() {
        let mut c = config(LaunchType::Fargate, Transport::Uds);
        c.agent.read_only_root = true;
        let task = build_app_task_definition(&c);
        assert_eq!(
            names(&task),
            ["app", "datadog-tracer", "datadog-agent", "init-volume"]
        );
        let agent = &task["containerDefinitions"][2];
        assert_eq!(agent["readonlyRootFilesystem"], true);
        assert_eq!(
            agent["dependsOn"],
            json!([{"containerName": "init-volume", "condition": "SUCCESS"}])
        );
        let paths: Vec<&str> = agent["mountPoints"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m["containerPath"].as_str().unwrap())
            .collect();
        assert_eq!(
            paths,
            [
                "/var/run/datadog",
                "/etc/datadog-agent",
                "/tmp",
                "/opt/datadog-agent/run"
            ]
        );
        let init = &task["containerDefinitions"][3];
        assert_eq!(init["essential"], false);
        let volumes: Vec<&str> = task["volumes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v["name"].as_str().unwrap())
            .collect();
        assert!(
            volumes.ends_with(&["agent-config", "agent-tmp", "agent-run"]),
            "{volumes:?}"
        );
    }

    #[test]
    fn fargate_carries_the_sidecar() {
        let task = build_app_task_definition(&Config {
            tracer: Tracer::Image,
            ..config(LaunchType::Fargate, Transport::Tcp)
        });
        assert_eq!(task["networkMode"], "awsvpc");
        assert_eq!(names(&task), ["app", "datadog-agent"]);
    }

    #[test]
    fn the_socket_volume_is_the_host_directory_except_on_fargate() {
        let ec2 = build_app_task_definition(&config(LaunchType::Ec2, Transport::Uds));
        assert_eq!(ec2["volumes"][0]["host"]["sourcePath"], socket::DIR);
        let fargate = build_app_task_definition(&config(LaunchType::Fargate, Transport::Uds));
        assert_eq!(fargate["volumes"][0], json!({ "name": socket::VOLUME }));
    }
}
