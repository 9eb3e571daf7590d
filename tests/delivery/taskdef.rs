//! The generated JSON, read the way ECS reads it: a container's command line
//! (entryPoint, then command, else the image's own), its environment (the
//! image's, then the task definition's on top), its mounts, and where the
//! agent listens (its socket inside its volume, or its port).

use std::collections::BTreeMap;
use std::process::Command;

use serde_json::Value;

/// The `ddecs-wizard` binary under test.
pub const WIZARD: &str = env!("CARGO_BIN_EXE_ddecs-wizard");

/// Runs `ddecs-wizard generate ARGS --output ARTIFACT` and parses its JSON.
pub fn generate(args: &[String], artifact: &str) -> Value {
    let out = Command::new(WIZARD)
        .arg("generate")
        .args(args)
        .args(["--output", artifact])
        .output()
        .expect("run ddecs-wizard generate");
    assert!(
        out.status.success(),
        "ddecs-wizard generate {args:?} --output {artifact}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("--output {artifact} is not JSON ({e})"))
}

/// One container definition.
#[derive(Debug, Clone)]
pub struct Container {
    pub name: String,
    pub entry_point: Option<Vec<String>>,
    pub command: Option<Vec<String>>,
    /// In the order written.
    pub environment: Vec<(String, String)>,
    pub mounts: Vec<MountPoint>,
    /// (container, condition) pairs.
    pub depends_on: Vec<(String, String)>,
    pub image: String,
    pub port_mappings: Vec<u16>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MountPoint {
    pub volume: String,
    pub container_path: String,
    pub read_only: bool,
}

impl Container {
    pub fn from_json(value: &Value) -> Container {
        let strings = |key: &str| {
            value[key].as_array().map(|items| {
                items
                    .iter()
                    .map(|item| item.as_str().expect("argv items are strings").to_owned())
                    .collect()
            })
        };
        let list = |key: &str| value[key].as_array().cloned().unwrap_or_default();
        Container {
            name: text(&value["name"]),
            image: text(&value["image"]),
            entry_point: strings("entryPoint"),
            command: strings("command"),
            environment: list("environment")
                .iter()
                .map(|pair| (text(&pair["name"]), text(&pair["value"])))
                .collect(),
            mounts: list("mountPoints")
                .iter()
                .map(|mount| MountPoint {
                    volume: text(&mount["sourceVolume"]),
                    container_path: text(&mount["containerPath"]),
                    read_only: mount["readOnly"].as_bool().unwrap_or(false),
                })
                .collect(),
            depends_on: list("dependsOn")
                .iter()
                .map(|dep| (text(&dep["containerName"]), text(&dep["condition"])))
                .collect(),
            port_mappings: list("portMappings")
                .iter()
                .filter(|mapping| mapping["protocol"].as_str().unwrap_or("tcp") == "tcp")
                .filter_map(|mapping| mapping["containerPort"].as_u64())
                .map(|port| u16::try_from(port).expect("a port"))
                .collect(),
        }
    }

    /// The process ECS starts: entryPoint then command; an entryPoint set
    /// without a command drops the image's CMD (Docker's rule); neither
    /// keeps the image's.
    pub fn argv(&self, image_cmd: &[String]) -> Vec<String> {
        match (&self.entry_point, &self.command) {
            (Some(entry), command) => {
                let mut argv = entry.clone();
                argv.extend(command.iter().flatten().cloned());
                argv
            }
            (None, Some(command)) => command.clone(),
            (None, None) => image_cmd.to_vec(),
        }
    }

    /// The image's environment with the task definition's on top.
    pub fn env(&self, image_env: &[(&str, String)]) -> BTreeMap<String, String> {
        let mut env: BTreeMap<String, String> = image_env
            .iter()
            .map(|(k, v)| ((*k).to_owned(), v.clone()))
            .collect();
        env.extend(self.environment.iter().cloned());
        env
    }

    pub fn var(&self, name: &str) -> Option<&str> {
        self.environment
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.as_str())
    }
}

/// A task definition's containers and volumes.
#[derive(Debug, Clone)]
pub struct TaskDef {
    pub containers: Vec<Container>,
    /// Volume name -> host source path (None: a task-scoped volume).
    pub volumes: BTreeMap<String, Option<String>>,
}

impl TaskDef {
    pub fn from_json(value: &Value) -> TaskDef {
        let containers = value["containerDefinitions"]
            .as_array()
            .expect("containerDefinitions")
            .iter()
            .map(Container::from_json)
            .collect();
        let volumes = value["volumes"]
            .as_array()
            .cloned()
            .unwrap_or_default()
            .iter()
            .map(|volume| {
                let host = volume["host"]["sourcePath"].as_str().map(str::to_owned);
                (text(&volume["name"]), host)
            })
            .collect();
        TaskDef {
            containers,
            volumes,
        }
    }

    pub fn container(&self, name: &str) -> Option<&Container> {
        self.containers.iter().find(|c| c.name == name)
    }

    /// The agent container: the one that runs the agent image.
    pub fn agent(&self) -> Option<&Container> {
        self.containers
            .iter()
            .find(|c| c.image.contains("datadog/agent"))
    }
}

fn text(value: &Value) -> String {
    value.as_str().unwrap_or_default().to_owned()
}
