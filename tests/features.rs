//! The tracer feature flags end to end: every feature a language's tracer
//! has, switched on together, on every launch type and tracer mode, writes
//! task definitions that register (botocore) and pass `check`; every
//! feature a tracer lacks is a one-line usage error naming its flag; and
//! `patch` reads a bare switch before the file as "on", not as the file.

use std::process::{Command, Output};

#[path = "common/botocore.rs"]
mod botocore;

use ddecs_wizard::core::model::features::Switch;
use ddecs_wizard::core::model::field::Field;
use ddecs_wizard::core::model::given::Given;
use ddecs_wizard::core::{render, Artifact, Language};
use serde_json::{Map, Value};

fn run(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_ddecs-wizard"))
        .args(args)
        .output()
        .unwrap()
}

fn flag(switch: Switch) -> String {
    switch.field().flag()
}

/// Every language with all its tracer's features on, on every link and way
/// in that the language takes.
fn all_on() -> Vec<(String, Given)> {
    let links = [
        ("ec2", "tcp"),
        ("ec2", "uds"),
        ("fargate", "tcp"),
        ("managed-instances", "uds"),
    ];
    let mut cases = Vec::new();
    for language in Language::ALL {
        for (launch_type, transport) in links {
            for tracer in ["inject", "image", "present"] {
                let mut given = Given::default()
                    .with(Field::Language, language.cli_name())
                    .with(Field::LaunchType, launch_type)
                    .with(Field::Transport, transport)
                    .with(Field::Tracer, tracer)
                    .with(Field::DbmPropagation, "full")
                    .with(Field::TraceSampleRate, "0.25");
                for switch in Switch::ALL {
                    if switch.unsupported(language).is_none() {
                        given.set(switch.field(), "true");
                    }
                }
                let name = format!("{language} {launch_type}/{transport} {tracer}");
                cases.push((name, given));
            }
        }
    }
    cases
}

#[test]
fn every_supported_feature_registers_and_passes_check() {
    let dir = tempfile::TempDir::new().unwrap();
    let mut tasks = Map::new();
    let mut written = 0;
    for (i, (name, given)) in all_on().into_iter().enumerate() {
        // Go has no injection: that combination is refused for its own
        // reason, tested elsewhere.
        let Ok(config) = given.config() else { continue };
        let text = render(&config, Artifact::AppTaskDefinition).unwrap();
        for switch in Switch::ALL {
            assert_eq!(
                text.contains(switch.env()),
                switch.unsupported(config.language).is_none(),
                "{name}: {}",
                switch.env()
            );
        }
        assert!(text.contains("DD_TRACE_SAMPLE_RATE"), "{name}");
        std::fs::write(dir.path().join(format!("{i}.json")), &text).unwrap();
        let task: Value = serde_json::from_str(&text).unwrap();
        tasks.insert(name, task);
        written += 1;
    }
    // 7 languages x 4 links x 3 ways in, less Go's injection.
    assert_eq!(written, 7 * 4 * 3 - 4);
    botocore::assert_all_valid("RegisterTaskDefinition", &tasks);
    let out = run(&[
        "check",
        "--severity",
        "warning",
        dir.path().to_str().unwrap(),
    ]);
    let findings = String::from_utf8_lossy(&out.stdout);
    assert!(
        !findings.contains("DDECS07") && !findings.contains(" error "),
        "{findings}"
    );
}

#[test]
fn a_feature_the_tracer_lacks_is_a_usage_error_naming_its_flag() {
    let mut refused = 0;
    for language in Language::ALL {
        for switch in Switch::ALL {
            let Some(why) = switch.unsupported(language) else {
                continue;
            };
            let flag = flag(switch);
            let out = run(&["generate", "--language", language.cli_name(), &flag]);
            let stderr = String::from_utf8_lossy(&out.stderr);
            assert_eq!(out.status.code(), Some(2), "{language} {flag}: {stderr}");
            assert_eq!(stderr.lines().count(), 1, "{stderr}");
            assert!(stderr.contains(&format!("{flag}: ")), "{stderr}");
            assert!(stderr.contains(why), "{stderr}");
            refused += 1;
        }
    }
    // Runtime metrics and Data Streams on PHP, logs injection on Go.
    assert_eq!(refused, 3);
}

#[test]
fn bad_feature_values_are_usage_errors() {
    for (args, want) in [
        (
            &["--trace-sample-rate", "1.5"][..],
            "--trace-sample-rate: invalid trace sample rate \"1.5\"",
        ),
        (
            &["--trace-sample-rate=-0.1"],
            "invalid trace sample rate \"-0.1\"",
        ),
        (&["--dbm-propagation", "disabled"], "expected service, full"),
        (
            &["--profiling=yes"],
            "--profiling: invalid profiling \"yes\"",
        ),
    ] {
        let mut all = vec!["generate"];
        all.extend(args);
        let out = run(&all);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{all:?}: {stderr}");
        assert!(stderr.contains(want), "{all:?}: {stderr}");
    }
}

#[test]
fn patch_reads_a_bare_switch_before_the_file_as_on() {
    let dir = tempfile::TempDir::new().unwrap();
    let path = dir.path().join("task.json");
    let task = run(&[
        "generate",
        "--launch-type",
        "fargate",
        "--tracer",
        "present",
        "--output",
        "app-task-definition",
    ]);
    std::fs::write(&path, &task.stdout).unwrap();
    let file = path.to_str().unwrap();
    let out = run(&["patch", "--profiling", file, "--in-place"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("set DD_PROFILING_ENABLED=true on app"));
    let out = run(&[
        "patch",
        file,
        "--profiling=false",
        "--trace-sample-rate",
        "0.5",
    ]);
    let patched: Value = serde_json::from_slice(&out.stdout).unwrap();
    let env = &patched["containerDefinitions"][0]["environment"];
    assert_eq!(
        env,
        &serde_json::json!([
            {"name": "DD_PROFILING_ENABLED", "value": "false"},
            {"name": "DD_TRACE_SAMPLE_RATE", "value": "0.5"}
        ])
    );
}

/// The agent settings on every launch type that takes them: the app's and
/// the agent daemon's task definitions register (botocore) and pass
/// `check`; the Fargate task shares its PID namespace.
#[test]
fn agent_settings_register_and_pass_check() {
    let dir = tempfile::TempDir::new().unwrap();
    let mut tasks = Map::new();
    let mut daemons = Map::new();
    for (launch_type, transport) in [
        ("ec2", "tcp"),
        ("ec2", "uds"),
        ("fargate", "uds"),
        ("managed-instances", "uds"),
    ] {
        let mut given = Given::default()
            .with(Field::LaunchType, launch_type)
            .with(Field::Transport, transport)
            .with(Field::OrchestratorExplorer, "true")
            .with(Field::OriginDetection, "true")
            .with(Field::TagCardinality, "orchestrator");
        if launch_type != "managed-instances" {
            given.set(Field::ProcessCollection, "true");
        }
        if launch_type == "fargate" {
            given.set(Field::AgentReadOnlyRoot, "true");
        }
        let config = given.config().unwrap();
        let name = format!("{launch_type}/{transport}");
        let app = render(&config, Artifact::AppTaskDefinition).unwrap();
        assert!(
            app.contains("DD_DOGSTATSD_ORIGIN_DETECTION_CLIENT"),
            "{name}"
        );
        assert_eq!(
            app.contains("\"pidMode\": \"task\""),
            launch_type == "fargate",
            "{name}"
        );
        assert_eq!(
            app.contains("\"readonlyRootFilesystem\": true"),
            launch_type == "fargate",
            "{name}"
        );
        std::fs::write(
            dir.path()
                .join(format!("{launch_type}-{transport}-app.json")),
            &app,
        )
        .unwrap();
        tasks.insert(format!("app {name}"), serde_json::from_str(&app).unwrap());
        if launch_type != "fargate" {
            let agent = render(&config, Artifact::AgentTaskDefinition).unwrap();
            for var in [
                "DD_ECS_TASK_COLLECTION_ENABLED",
                "DD_DOGSTATSD_ORIGIN_DETECTION",
                "DD_DOGSTATSD_TAG_CARDINALITY",
            ] {
                assert!(agent.contains(var), "{name} {var}");
            }
            std::fs::write(
                dir.path()
                    .join(format!("{launch_type}-{transport}-agent.json")),
                &agent,
            )
            .unwrap();
            let parsed: Value = serde_json::from_str(&agent).unwrap();
            if launch_type == "ec2" {
                tasks.insert(format!("agent {name}"), parsed);
            } else {
                daemons.insert(format!("agent {name}"), parsed);
            }
        }
    }
    botocore::assert_all_valid("RegisterTaskDefinition", &tasks);
    botocore::assert_all_valid("RegisterDaemonTaskDefinition", &daemons);
    let out = run(&["check", "--severity", "error", dir.path().to_str().unwrap()]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let out = run(&[
        "generate",
        "--launch-type",
        "managed-instances",
        "--process-collection",
    ]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("--process-collection: unsupported process collection"),
        "{stderr}"
    );
    let out = run(&["generate", "--agent-read-only-root"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("for the Fargate sidecar only"), "{stderr}");
    let out = run(&["generate", "--tag-cardinality", "medium"]);
    assert!(String::from_utf8_lossy(&out.stderr).contains("expected low, orchestrator, high"));
}

/// Log collection on every launch type: the app's and the agent's task
/// definitions register (botocore) and pass `check`, FireLens where the
/// agent does not tail logs; a Fargate task with awslogs patched with
/// `--log-collection` is told what was replaced, and `--remove` gives its
/// bytes back.
#[test]
fn log_collection_registers_passes_check_and_comes_out_again() {
    const ARN: &str = "arn:aws:secretsmanager:us-east-1:123456789012:secret:datadog-api-key";
    let dir = tempfile::TempDir::new().unwrap();
    let mut tasks = Map::new();
    let mut daemons = Map::new();
    for (launch_type, transport, arn) in [
        ("ec2", "tcp", None),
        ("ec2", "uds", Some(ARN)),
        ("fargate", "tcp", Some(ARN)),
        ("fargate", "uds", Some(ARN)),
        ("managed-instances", "uds", Some(ARN)),
    ] {
        let mut given = Given::default()
            .with(Field::LaunchType, launch_type)
            .with(Field::Transport, transport)
            .with(Field::LogCollection, "true")
            .with(Field::Service, "web")
            .with(Field::Env, "prod")
            .with(Field::AppImage, "python:3.12-slim");
        if let Some(arn) = arn {
            given.set(Field::ApiKeySecretArn, arn);
        }
        let config = given.config().unwrap();
        let name = format!("{launch_type}/{transport}");
        let app: Value =
            serde_json::from_str(&render(&config, Artifact::AppTaskDefinition).unwrap()).unwrap();
        let containers = app["containerDefinitions"].as_array().unwrap();
        let routed = containers
            .iter()
            .any(|c| c["name"] == "datadog-log-router" && c.get("firelensConfiguration").is_some());
        assert_eq!(routed, launch_type != "ec2", "{name}");
        let driver = &containers[0]["logConfiguration"]["logDriver"];
        if launch_type == "ec2" {
            assert!(driver.is_null(), "{name}");
            assert_eq!(
                containers[0]["dockerLabels"]["com.datadoghq.ad.logs"],
                r#"[{"source":"python","service":"web"}]"#
            );
        } else {
            assert_eq!(driver, "awsfirelens", "{name}");
        }
        std::fs::write(
            dir.path()
                .join(format!("{launch_type}-{transport}-app.json")),
            app.to_string(),
        )
        .unwrap();
        tasks.insert(format!("app {name}"), app);
        if launch_type != "fargate" {
            let agent: Value =
                serde_json::from_str(&render(&config, Artifact::AgentTaskDefinition).unwrap())
                    .unwrap();
            let text = agent.to_string();
            assert_eq!(
                text.contains("DD_LOGS_ENABLED"),
                launch_type == "ec2",
                "{name}"
            );
            assert_eq!(
                text.contains("containers_root"),
                launch_type == "ec2",
                "{name}"
            );
            std::fs::write(
                dir.path()
                    .join(format!("{launch_type}-{transport}-agent.json")),
                &text,
            )
            .unwrap();
            if launch_type == "ec2" {
                tasks.insert(format!("agent {name}"), agent);
            } else {
                daemons.insert(format!("agent {name}"), agent);
            }
        }
    }
    botocore::assert_all_valid("RegisterTaskDefinition", &tasks);
    botocore::assert_all_valid("RegisterDaemonTaskDefinition", &daemons);
    let out = run(&["check", "--severity", "error", dir.path().to_str().unwrap()]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );

    // patch: an app with its own awslogs, in a task that has its sidecar.
    let original = r#"{
  "family": "web",
  "networkMode": "awsvpc",
  "requiresCompatibilities": ["FARGATE"],
  "cpu": "512",
  "memory": "1024",
  "containerDefinitions": [
    {
      "name": "web",
      "image": "python:3.12-slim",
      "command": ["python", "app.py"],
      "dependsOn": [{"containerName": "datadog-agent", "condition": "HEALTHY"}],
      "logConfiguration": {
        "logDriver": "awslogs",
        "options": {"awslogs-group": "/ecs/web", "awslogs-region": "us-east-1", "awslogs-stream-prefix": "web"}
      }
    },
    {
      "name": "datadog-agent",
      "image": "public.ecr.aws/datadog/agent:7",
      "essential": false,
      "environment": [{"name": "ECS_FARGATE", "value": "true"}, {"name": "DD_APM_ENABLED", "value": "true"}],
      "secrets": [{"name": "DD_API_KEY", "valueFrom": "arn:aws:secretsmanager:us-east-1:123456789012:secret:datadog-api-key"}],
      "portMappings": [{"containerPort": 8126, "protocol": "tcp"}],
      "healthCheck": {"command": ["CMD-SHELL", "agent health"], "interval": 10, "timeout": 5, "retries": 3}
    }
  ]
}
"#;
    let path = dir.path().join("web.json");
    std::fs::write(&path, original).unwrap();
    let file = path.to_str().unwrap();
    let untouched = run(&["patch", file, "--profiling"]);
    let kept: Value = serde_json::from_slice(&untouched.stdout).unwrap();
    assert_eq!(
        kept["containerDefinitions"][0]["logConfiguration"]["logDriver"],
        "awslogs"
    );
    let out = run(&["patch", file, "--log-collection", "--in-place"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(
        stderr.contains("replaced the logConfiguration of web (awslogs, awslogs-group /ecs/web)"),
        "{stderr}"
    );
    assert!(
        stderr.contains("added the datadog-log-router log router"),
        "{stderr}"
    );
    let check = run(&["check", "--severity", "error", file]);
    assert_eq!(
        check.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&check.stdout)
    );
    let again = run(&["patch", file, "--log-collection"]);
    assert!(
        String::from_utf8_lossy(&again.stderr).contains("nothing to change"),
        "{}",
        String::from_utf8_lossy(&again.stderr)
    );
    let out = run(&["patch", file, "--remove", "--in-place"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(std::fs::read_to_string(&path).unwrap(), original);

    // Managed Instances without a key for the router, and Windows: refused.
    let mi = dir.path().join("mi.json");
    std::fs::write(&mi, r#"{"requiresCompatibilities": ["MANAGED_INSTANCES"], "networkMode": "awsvpc", "containerDefinitions": [{"name": "web", "image": "python:3", "command": ["python", "app.py"]}]}"#).unwrap();
    let out = run(&["patch", mi.to_str().unwrap(), "--log-collection"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("pass --api-key-secret-arn ARN"), "{stderr}");
}
