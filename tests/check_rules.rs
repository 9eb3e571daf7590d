//! Every `check` rule, with one task definition that triggers it and one
//! close to it that does not, so that a rule can neither go silent nor
//! start firing on correct files without a test failing.

use ddecs_wizard::core::check::{check, RULES};
use ddecs_wizard::core::entrypoint::build_entry_point;
use ddecs_wizard::core::taskdef;
use ddecs_wizard::core::Imds;
use serde_json::{json, Value};

fn bridge(containers: Value) -> Value {
    json!({ "family": "t", "networkMode": "bridge", "containerDefinitions": containers })
}

fn fargate(containers: Value) -> Value {
    json!({
        "family": "t",
        "networkMode": "awsvpc",
        "requiresCompatibilities": ["FARGATE"],
        "containerDefinitions": containers
    })
}

fn agent() -> Value {
    json!({
        "name": "datadog-agent",
        "image": "public.ecr.aws/datadog/agent:7",
        "portMappings": [{ "hostPort": 8126, "protocol": "tcp", "containerPort": 8126 }]
    })
}

fn agent_with(field: &str, value: Value) -> Value {
    let mut agent = agent();
    agent[field] = value;
    agent
}

/// An app container wrapped the way `patch` wraps it.
fn wrapped(name: &str, imds: Imds, startup: &str) -> Value {
    json!({ "name": name, "image": "app:1", "entryPoint": build_entry_point(imds, startup) })
}

fn app() -> Value {
    wrapped("app", Imds::V1, "python app.py")
}

fn app_with(field: &str, value: Value) -> Value {
    let mut app = app();
    app[field] = value;
    app
}

fn env(pairs: &[(&str, &str)]) -> Value {
    pairs
        .iter()
        .map(|(name, value)| json!({ "name": name, "value": value }))
        .collect()
}

/// (rule, a file that triggers it, a file that does not)
fn cases() -> Vec<(&'static str, Value, Value)> {
    let seed = "export DD_AGENT_HOST=$(curl http://169.254.169.254/latest/meta-data/local-ipv4); python app.py";
    let tags = |with_labels: bool| {
        let mut app = app_with(
            "environment",
            env(&[
                ("DD_ENV", "prod"),
                ("DD_SERVICE", "web"),
                ("DD_VERSION", "1"),
            ]),
        );
        if with_labels {
            app["dockerLabels"] = json!({
                "com.datadoghq.tags.env": "prod",
                "com.datadoghq.tags.service": "web",
                "com.datadoghq.tags.version": "1"
            });
        }
        app
    };
    vec![
        (
            "DDECS001",
            bridge(json!([agent_with("portMappings", json!([])), app()])),
            json!({"networkMode": "host", "containerDefinitions": [agent_with("portMappings", json!([]))]}),
        ),
        (
            "DDECS002",
            bridge(json!([
                agent_with("image", json!("datadog/agent:7.17.0")),
                app()
            ])),
            bridge(json!([
                {
                    "name": "datadog-agent",
                    "image": "datadog/agent:7.17.0",
                    "portMappings": [{ "hostPort": 8126, "containerPort": 8126 }],
                    "environment": env(&[("DD_APM_ENABLED", "true"), ("DD_APM_NON_LOCAL_TRAFFIC", "true")])
                },
                app()
            ])),
        ),
        (
            "DDECS003",
            bridge(json!([
                agent_with("environment", env(&[("DD_APM_ENABLED", "false")])),
                app()
            ])),
            bridge(json!([
                agent_with("environment", env(&[("DD_APM_ENABLED", "true")])),
                app()
            ])),
        ),
        (
            "DDECS004",
            bridge(json!([agent_with(
                "portMappings",
                json!([{ "hostPort": 8126, "containerPort": 8126 }, { "hostPort": 8125, "protocol": "tcp", "containerPort": 8125 }])
            )])),
            bridge(json!([agent_with(
                "portMappings",
                json!([{ "hostPort": 8126, "containerPort": 8126 }, { "hostPort": 8125, "protocol": "udp", "containerPort": 8125 }])
            )])),
        ),
        (
            "DDECS005",
            bridge(json!([agent_with(
                "image",
                json!("datadog/docker-dd-agent:latest")
            )])),
            bridge(json!([agent()])),
        ),
        (
            "DDECS010",
            bridge(json!([agent(), { "name": "app", "command": ["python", "app.py"] }])),
            bridge(json!([agent(), app()])),
        ),
        (
            "DDECS011",
            bridge(
                json!([{ "name": "app", "environment": env(&[("DD_AGENT_HOST", "localhost")]) }]),
            ),
            json!({
                "networkMode": "host",
                "containerDefinitions": [{ "name": "app", "environment": env(&[("DD_AGENT_HOST", "localhost")]) }]
            }),
        ),
        (
            "DDECS012",
            bridge(
                json!([{ "name": "app", "environment": env(&[("DD_AGENT_HOST", "10.0.0.5")]) }]),
            ),
            bridge(json!([app()])),
        ),
        (
            "DDECS013",
            fargate(
                json!([agent(), { "name": "app", "environment": env(&[("DD_AGENT_HOST", "10.0.0.5")]) }]),
            ),
            fargate(
                json!([agent(), { "name": "app", "environment": env(&[("DD_AGENT_HOST", "localhost")]) }]),
            ),
        ),
        (
            "DDECS014",
            bridge(json!([app_with(
                "environment",
                env(&[("DD_TRACE_AGENT_URL", "http://10.0.0.5:8126")])
            )])),
            bridge(json!([app()])),
        ),
        (
            "DDECS015",
            bridge(json!([{ "name": "app", "entryPoint": ["sh", "-c", seed] }])),
            bridge(json!([wrapped("app", Imds::V2, "python app.py")])),
        ),
        (
            "DDECS016",
            bridge(json!([wrapped("app", Imds::V2, "python app.py")])),
            bridge(json!([wrapped("app", Imds::V1, "python app.py")])),
        ),
        (
            "DDECS017",
            fargate(json!([{ "name": "app", "command": ["node", "s.js"] }])),
            fargate(json!([agent(), { "name": "app", "command": ["node", "s.js"] }])),
        ),
        (
            "DDECS018",
            json!({ "networkMode": "none", "containerDefinitions": [app()] }),
            bridge(json!([app()])),
        ),
        (
            "DDECS019",
            bridge(json!([app(), { "name": "db", "image": "postgres:16" }])),
            bridge(json!([app(), wrapped("db", Imds::V1, "postgres")])),
        ),
        (
            "DDECS020",
            bridge(json!([agent_with(
                "portMappings",
                json!([{ "hostPort": 8126, "containerPort": 8126 }, { "hostPort": 8126, "protocol": "udp", "containerPort": 8126 }])
            )])),
            bridge(json!([agent()])),
        ),
        (
            "DDECS021",
            bridge(json!([
                agent(),
                app_with(
                    "portMappings",
                    json!([{ "hostPort": 8126, "containerPort": 8126 }])
                )
            ])),
            bridge(json!([
                agent(),
                app_with(
                    "portMappings",
                    json!([{ "hostPort": 8080, "containerPort": 8126 }])
                )
            ])),
        ),
        (
            "DDECS030",
            bridge(json!([app_with(
                "entryPoint",
                json!(["sh", "-c", "export DD_AGENT_HOST=x; cd /app; python app.py"])
            )])),
            bridge(json!([app_with(
                "entryPoint",
                json!([
                    "sh",
                    "-c",
                    "export DD_AGENT_HOST=x; cd /app; exec python app.py"
                ])
            )])),
        ),
        (
            "DDECS031",
            bridge(json!([tags(false)])),
            bridge(json!([tags(true)])),
        ),
        (
            "DDECS032",
            bridge(json!([agent_with(
                "environment",
                env(&[("DD_TAGS", "'env:dev team:a'")])
            )])),
            bridge(json!([agent_with(
                "environment",
                env(&[("DD_TAGS", "env:dev team:a")])
            )])),
        ),
        (
            "DDECS033",
            bridge(json!([app_with("image", json!("<IMAGE1_NAME>"))])),
            bridge(json!([app_with("image", json!("nginx:1.27"))])),
        ),
        (
            "DDECS034",
            bridge(json!([agent_with(
                "environment",
                env(&[("DD_API_KEY", "0123456789abcdef0123456789abcdef")])
            )])),
            bridge(json!([agent_with(
                "secrets",
                json!([{ "name": "DD_API_KEY", "valueFrom": "arn:aws:secretsmanager:us-east-1:1:secret:dd" }])
            )])),
        ),
        (
            "DDECS035",
            bridge(json!([
                agent(),
                app_with("image", json!("python:3.12-alpine"))
            ])),
            bridge(json!([
                agent(),
                json!({
                    "name": "app",
                    "image": "python:3.12-alpine",
                    "entryPoint": build_entry_point(Imds::MetadataFile, "python app.py")
                })
            ])),
        ),
        (
            "DDECS036",
            json!({ "networkMode": "bridge", "containerDefinitions": [agent(), app()] }),
            bridge(json!([agent(), app()])),
        ),
        (
            "DDECS037",
            bridge(json!([agent_with("logConfiguration", Value::Null), app()])),
            bridge(json!([agent(), app()])),
        ),
    ]
}

fn rule_ids(task: &Value) -> Vec<&'static str> {
    let document = taskdef::read(task.to_string().as_bytes()).unwrap();
    check(&document)
        .findings
        .iter()
        .map(|f| f.rule.id)
        .collect()
}

#[test]
fn every_rule_has_a_triggering_and_a_clean_case() {
    let covered: Vec<&str> = cases().iter().map(|(id, _, _)| *id).collect();
    let rules: Vec<&str> = RULES.iter().map(|r| r.id).collect();
    assert_eq!(covered, rules);
}

#[test]
fn each_rule_fires_on_its_case_and_not_on_the_fixed_one() {
    let mut problems = Vec::new();
    for (id, bad, good) in cases() {
        let found = rule_ids(&bad);
        if !found.contains(&id) {
            problems.push(format!("{id} did not fire; found {found:?}"));
        }
        let found = rule_ids(&good);
        if found.contains(&id) {
            problems.push(format!("{id} fired on the fixed case"));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn reports_never_show_environment_values() {
    for (_, bad, _) in cases() {
        let document = taskdef::read(bad.to_string().as_bytes()).unwrap();
        let report = check(&document);
        let text = report.to_text("t.json") + &report.to_json("t.json").to_string();
        for secret in ["10.0.0.5", "0123456789abcdef", "env:dev team:a"] {
            assert!(!text.contains(secret), "{secret} shown in:\n{text}");
        }
    }
}

#[test]
fn our_own_generated_files_have_no_errors() {
    use ddecs_wizard::core::{render, Artifact, Config};
    for artifact in [Artifact::AgentTaskDefinition, Artifact::AppContainer] {
        let text = render(&Config::default(), artifact).unwrap();
        let report = check(&taskdef::read(text.as_bytes()).unwrap());
        assert!(!report.has_errors(), "{artifact}: {}", report.to_text("x"));
    }
}
