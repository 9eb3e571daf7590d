//! Every combination of launch type × transport × IMDS source × language ×
//! agent version, and of language × launch type × transport × tracer mode ×
//! base image × tracer version, that makes sense generates task definitions that pass
//! botocore's ECS model (the check `aws ecs register-task-definition
//! --cli-input-json` runs before sending), and every combination that does
//! not make sense is a one-line usage error that says why.

use std::process::Command;

#[path = "common/botocore.rs"]
mod botocore;

use ddecs_wizard::core::model::config::{BaseImage, Tracer};
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
        json!([
            { "containerName": "datadog-agent", "condition": "HEALTHY" },
            { "containerName": "datadog-tracer", "condition": "SUCCESS" }
        ])
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

/// Every combination of how the tracer gets in (`--tracer`), the base image
/// and the tracer version, on every launch type and transport, for every
/// language, as the command line gives it: each either makes a config or
/// is refused.
fn tracer_combinations() -> Vec<(Vec<String>, Result<Config, String>)> {
    let links = [
        ("ec2", "tcp"),
        ("ec2", "uds"),
        ("fargate", "tcp"),
        ("fargate", "uds"),
        ("managed-instances", "uds"),
    ];
    let mut combinations = Vec::new();
    for language in Language::ALL {
        for (launch_type, transport) in links {
            for tracer in Tracer::ALL {
                let bases: &[Option<BaseImage>] = if tracer == Tracer::Present {
                    &[None]
                } else {
                    &[
                        Some(BaseImage::Debian),
                        Some(BaseImage::Alpine),
                        Some(BaseImage::Distroless),
                    ]
                };
                let mut versions = vec![None];
                if tracer != Tracer::Present && language != Language::Go {
                    versions.extend([Some("latest"), Some("v3.10.0")]);
                    if language == Language::Dotnet {
                        versions.push(Some("2.49.0"));
                    }
                }
                for base in bases {
                    for version in &versions {
                        let mut given = Given::default()
                            .with(Field::Language, language.cli_name())
                            .with(Field::LaunchType, launch_type)
                            .with(Field::Transport, transport)
                            .with(Field::Tracer, tracer.cli_name());
                        if let Some(base) = base {
                            given.set(Field::BaseImage, base.cli_name());
                        }
                        if let Some(version) = version {
                            given.set(Field::TracerVersion, *version);
                        }
                        let mut args = vec![
                            "--language".to_owned(),
                            language.to_string(),
                            "--launch-type".to_owned(),
                            launch_type.to_owned(),
                            "--transport".to_owned(),
                            transport.to_owned(),
                            "--tracer".to_owned(),
                            tracer.to_string(),
                        ];
                        if let Some(base) = base {
                            args.extend(["--base-image".to_owned(), base.to_string()]);
                        }
                        if let Some(version) = version {
                            args.extend(["--tracer-version".to_owned(), (*version).to_owned()]);
                        }
                        let config = given.config().map_err(|e| e.to_string());
                        combinations.push((args, config));
                    }
                }
            }
        }
    }
    combinations
}

/// The task definitions every valid tracer combination writes register
/// (botocore), and pass our own `check` without an error; the init
/// container file and the app container file, next to the agent, register
/// as one task too.
#[test]
fn every_tracer_combination_registers_and_passes_check() {
    let combinations = tracer_combinations();
    let valid: Vec<_> = combinations
        .iter()
        .filter_map(|(args, config)| Some((args.join(" "), config.as_ref().ok()?)))
        .collect();
    // 7 languages x 5 links x (9 inject + 9 image + 1 present), with the
    // version axis, less what is refused.
    assert!(valid.len() > 500, "only {} valid", valid.len());
    let dir = tempfile::TempDir::new().unwrap();
    let mut tasks = Map::new();
    for (i, (name, config)) in valid.iter().enumerate() {
        let task = json_artifact(config, Artifact::AppTaskDefinition);
        std::fs::write(dir.path().join(format!("{i}.json")), task.to_string()).unwrap();
        tasks.insert(format!("app task {name}"), task);
        if config.tracer == Tracer::Inject {
            let containers = json!({
                "family": "containers",
                "containerDefinitions": [
                    json_artifact(config, Artifact::AppContainer),
                    json_artifact(config, Artifact::TracerInitContainer),
                    json_artifact(config, Artifact::AgentContainer),
                ]
            });
            tasks.insert(format!("containers {name}"), containers);
        }
    }
    botocore::assert_all_valid("RegisterTaskDefinition", &tasks);
    let out = Command::new(env!("CARGO_BIN_EXE_ddecs-wizard"))
        .args(["check", "--severity", "error"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
}

/// Every combination Datadog's images (or a Dockerfile) cannot serve is a
/// usage error of one line that says why, exactly as the core refuses it;
/// and the refusals the issue names are among them.
#[test]
fn every_refused_tracer_combination_is_a_one_line_usage_error() {
    let refused: Vec<_> = tracer_combinations()
        .into_iter()
        .filter_map(|(args, config)| Some((args, config.err()?)))
        .collect();
    for want in [
        "Go is compiled in: there is no init image",
        "Datadog's Ruby injection does not support musl",
        "Datadog's injection does not take .NET tracers before 3.0",
        "distroless images have no shell for the entryPoint script",
        "there are no distroless Ruby or PHP base images",
    ] {
        assert!(
            refused.iter().any(|(_, why)| why.contains(want)),
            "nothing refused with {want:?}"
        );
    }
    for (args, why) in &refused {
        let mut all = vec!["generate"];
        all.extend(args.iter().map(String::as_str));
        let (code, stderr) = wizard(&all);
        assert_eq!(code, Some(2), "{all:?}: {stderr}");
        assert_eq!(stderr.lines().count(), 1, "{all:?}: {stderr}");
        assert!(
            stderr.contains(why.as_str()),
            "{all:?}: {stderr} (want {why})"
        );
    }
}

#[test]
fn tracer_flags_that_do_not_apply_are_refused() {
    let cases: &[(&[&str], &str)] = &[
        (
            &["--tracer", "present", "--tracer-version", "4"],
            "--tracer-version does not apply: with --tracer present",
        ),
        (
            &["--tracer", "present", "--base-image", "alpine"],
            "--base-image does not apply: with --tracer present",
        ),
        (
            &["--language", "go", "--tracer-version", "2"],
            "--tracer-version does not apply: for Go the version is the one go.mod pins",
        ),
        (
            &["--tracer", "image", "--output", "tracer-init-container"],
            "tracer-init-container does not apply to --tracer image",
        ),
        (
            &["--output", "dockerfile"],
            "dockerfile does not apply to --tracer inject",
        ),
        (&["--tracer", "copy"], "expected inject, image, present"),
        (
            &["--tracer-version", "4.1"],
            "expected latest, a major (4 or v4)",
        ),
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
