//! Every combination of launch type × transport × IMDS source × language ×
//! agent version that makes sense generates task definitions that pass
//! botocore's ECS model (the check `aws ecs register-task-definition
//! --cli-input-json` runs before sending), and every combination that does
//! not make sense is a one-line usage error that says why.

use std::process::Command;

#[path = "common/botocore.rs"]
mod botocore;

use ddecs_wizard::core::model::field::Field;
use ddecs_wizard::core::model::given::Given;
use ddecs_wizard::core::{render, Artifact, Config, Imds, Language, LaunchType, Tags, Transport};
use serde_json::{json, Map, Value};

/// Every valid config: the IMDS source varies only where it is used.
fn valid_configs() -> Vec<(String, Config)> {
    let mut configs = Vec::new();
    for launch_type in LaunchType::ALL {
        for transport in Transport::ALL {
            let sources: &[Imds] = if launch_type == LaunchType::Ec2 && transport == Transport::Tcp
            {
                &Imds::ALL
            } else {
                &[Imds::V2]
            };
            for &imds in sources {
                for language in Language::ALL {
                    for version in ["latest", "7", "7.77.0", "7.17.1", "6.16.0"] {
                        for secret in [
                            None,
                            Some("arn:aws:secretsmanager:us-east-1:123456789012:secret:dd"),
                        ] {
                            let config = Config {
                                launch_type,
                                transport,
                                imds,
                                agent_version: version.parse().unwrap(),
                                api_key_secret_arn: secret.map(str::to_owned),
                                tags: Tags {
                                    service: Some("web".into()),
                                    env: Some("prod".into()),
                                    version: Some("1.2.3".into()),
                                },
                                ..Config::for_language(language)
                            };
                            if config.validate().is_ok() {
                                let name = format!(
                                    "{launch_type} {transport} {imds} {language} {version} secret={}",
                                    secret.is_some()
                                );
                                configs.push((name, config));
                            }
                        }
                    }
                }
            }
        }
    }
    configs
}

fn json_artifact(config: &Config, artifact: Artifact) -> Value {
    serde_json::from_str(&render(config, artifact).unwrap()).unwrap()
}

#[test]
fn every_valid_combination_registers() {
    let configs = valid_configs();
    // 3 launch types, 4 IMDS sources on ec2 + tcp, 7 languages, 5 versions,
    // 2 key sources, less what validation refuses.
    assert!(configs.len() > 500, "only {} combinations", configs.len());
    let mut tasks = Map::new();
    let mut daemons = Map::new();
    for (name, config) in &configs {
        tasks.insert(
            format!("app task {name}"),
            json_artifact(config, Artifact::AppTaskDefinition),
        );
        let containers = json!({
            "family": "containers",
            "containerDefinitions": [
                json_artifact(config, Artifact::AppContainer),
                json_artifact(config, Artifact::AgentContainer),
            ]
        });
        tasks.insert(format!("containers {name}"), containers);
        match config.launch_type {
            LaunchType::Ec2 => {
                tasks.insert(
                    format!("agent {name}"),
                    json_artifact(config, Artifact::AgentTaskDefinition),
                );
            }
            LaunchType::ManagedInstances => {
                daemons.insert(
                    format!("agent {name}"),
                    json_artifact(config, Artifact::AgentTaskDefinition),
                );
            }
            LaunchType::Fargate => {
                assert!(render(config, Artifact::AgentTaskDefinition).is_err());
            }
        }
    }
    assert!(!daemons.is_empty());
    botocore::assert_all_valid("RegisterTaskDefinition", &tasks);
    botocore::assert_all_valid("RegisterDaemonTaskDefinition", &daemons);
}

#[test]
fn managed_instances_and_fargate_shapes() {
    let managed = Config {
        launch_type: LaunchType::ManagedInstances,
        transport: Transport::Uds,
        ..Config::default()
    };
    let task = json_artifact(&managed, Artifact::AppTaskDefinition);
    assert_eq!(
        task["requiresCompatibilities"],
        json!(["MANAGED_INSTANCES"])
    );
    assert_eq!(task["networkMode"], "awsvpc");
    let fargate = Config {
        launch_type: LaunchType::Fargate,
        api_key_secret_arn: Some("arn:aws:ssm:us-east-1:123456789012:parameter/dd".into()),
        ..Config::default()
    };
    let task = json_artifact(&fargate, Artifact::AppTaskDefinition);
    assert_eq!(task["requiresCompatibilities"], json!(["FARGATE"]));
    assert!(task["executionRoleArn"]
        .as_str()
        .unwrap()
        .starts_with("arn:aws:iam::123456789012:role/"));
    assert_eq!(
        task["containerDefinitions"][0]["dependsOn"],
        json!([{ "containerName": "datadog-agent", "condition": "HEALTHY" }])
    );
}

/// Runs the binary; (exit code, stderr).
fn wizard(args: &[&str]) -> (Option<i32>, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_ddecs-wizard"))
        .args(args)
        .output()
        .unwrap();
    assert!(out.stdout.is_empty(), "{args:?} printed to stdout");
    (out.status.code(), String::from_utf8(out.stderr).unwrap())
}

#[test]
fn every_invalid_combination_is_a_usage_error_that_says_why() {
    let cases: &[(&[&str], &str)] = &[
        (
            &["--launch-type", "managed-instances", "--transport", "tcp"],
            "--transport: unsupported transport \"tcp\": the ECS Managed Instances agent daemon publishes no port",
        ),
        (
            &["--launch-type", "managed-instances", "--agent-version", "7.76"],
            "needs agent 7.77 or later",
        ),
        (
            &["--transport", "uds", "--agent-version", "6.12.1"],
            "agents before 6.13 do not listen on the APM Unix socket",
        ),
        (&["--transport", "uds", "--imds", "v2"], "--imds does not apply: with --transport uds"),
        (&["--launch-type", "fargate", "--imds", "auto"], "--imds does not apply: on Fargate"),
        (
            &["--launch-type", "managed-instances", "--startup-command", "app"],
            "--startup-command does not apply",
        ),
        (
            &["--transport", "uds", "--output", "entrypoint"],
            "entrypoint does not apply to --transport uds",
        ),
        (
            &["--launch-type", "fargate", "--output", "agent-task-definition"],
            "agent-task-definition does not apply to --launch-type fargate",
        ),
        (
            &["--launch-type", "fargate", "--output", "tracer-code"],
            "tracer-code does not apply to --launch-type fargate",
        ),
        (&["--launch-type", "ecs"], "expected ec2, fargate, managed-instances"),
        (&["--transport", "http"], "expected tcp, uds"),
    ];
    for (args, expected) in cases {
        let mut all = vec!["generate"];
        all.extend_from_slice(args);
        let (code, stderr) = wizard(&all);
        assert_eq!(code, Some(2), "{all:?}: {stderr}");
        assert_eq!(stderr.lines().count(), 1, "{all:?}: {stderr}");
        assert!(stderr.contains(expected), "{all:?}: {stderr}");
    }
}

#[test]
fn presets_switch_the_transport_with_the_launch_type() {
    let config = Given::default()
        .with(Field::LaunchType, "managed-instances")
        .config()
        .unwrap();
    assert_eq!(config.transport, Transport::Uds);
    assert!(!config.wraps_entrypoint());
}

/// What `generate` writes passes our own `check` with no error, whatever
/// the combination.
#[test]
fn every_valid_combination_passes_check() {
    let dir = tempfile::TempDir::new().unwrap();
    let mut failures = Vec::new();
    for (i, (name, config)) in valid_configs().iter().enumerate() {
        let mut artifacts = vec![Artifact::AppTaskDefinition];
        if config.launch_type == LaunchType::Ec2 {
            artifacts.push(Artifact::AgentTaskDefinition);
        }
        for artifact in artifacts {
            let path = dir.path().join(format!("{i}-{artifact}.json"));
            std::fs::write(&path, render(config, artifact).unwrap()).unwrap();
            let out = Command::new(env!("CARGO_BIN_EXE_ddecs-wizard"))
                .arg("check")
                .arg(&path)
                .output()
                .unwrap();
            if out.status.code() != Some(0) {
                failures.push(format!(
                    "{name} {artifact}: {}",
                    String::from_utf8_lossy(&out.stdout)
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
