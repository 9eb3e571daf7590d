//! `pull`, `apply`, `register` and `doctor` against moto's real ECS/EC2
//! server: each test seeds its own region through boto3, runs the built
//! `ddecs-wizard` (which hands the AWS commands to `ddecs-wizard-aws`) with
//! AWS_ENDPOINT_URL pointing at moto, and reads the result back through the
//! same API. No test can reach a real account.

mod moto;
#[path = "common/tmux.rs"]
mod tmux;

use moto::seed::{app as seed_app, cluster as seed_cluster, generated, service as seed_service};
use moto::{aws, isolate, stderr, stdout, Aws};
use serde_json::{json, Value};
use std::process::Command;
use tmux::{Pane, Terminal, View};

const APP: &str = "web";
const AGENT_IMAGE: &str = "public.ecr.aws/datadog/agent:7";

/// Seeds `count` EC2 instances with these metadata options, registered as
/// container instances of `cluster`; returns their EC2 instance IDs.
fn seed_instances(
    aws: &Aws,
    cluster: &str,
    tokens: &str,
    hop_limit: u8,
    count: usize,
) -> Vec<String> {
    let run = aws.call(
        "ec2",
        "run_instances",
        json!({"ImageId": "ami-12c6146b", "MinCount": count, "MaxCount": count,
               "MetadataOptions": {"HttpTokens": tokens, "HttpPutResponseHopLimit": hop_limit,
                                   "HttpEndpoint": "enabled"}}),
    );
    let ids: Vec<String> = run["Instances"]
        .as_array()
        .expect("instances started")
        .iter()
        .map(|i| i["InstanceId"].as_str().unwrap().to_owned())
        .collect();
    let registrations: Vec<(&str, &str, Value)> = ids
        .iter()
        .map(|id| {
            let document = json!({"instanceId": id}).to_string();
            (
                "ecs",
                "register_container_instance",
                json!({"cluster": cluster, "instanceIdentityDocument": document}),
            )
        })
        .collect();
    aws.calls(&registrations);
    ids
}

/// The agent DAEMON service, running on `running` instances (moto keeps
/// the count a service reports; it starts no tasks).
fn seed_agent(aws: &Aws, cluster: &str, running: usize) {
    let mut agent: Value =
        serde_json::from_str(&generated(&["--output", "agent-task-definition"])).unwrap();
    agent["family"] = json!("datadog-agent");
    aws.call("ecs", "register_task_definition", agent);
    aws.call(
        "ecs",
        "create_service",
        json!({"cluster": cluster, "serviceName": "datadog-agent", "taskDefinition": "datadog-agent",
               "schedulingStrategy": "DAEMON", "launchType": "EC2"}),
    );
    aws.call(
        "ecs",
        "update_service",
        json!({"cluster": cluster, "service": "datadog-agent", "desiredCount": running}),
    );
}

fn one_line(text: &str) -> &str {
    assert_eq!(text.lines().count(), 1, "not one line: {text:?}");
    text.trim_end()
}

/// The error line that ends a command's stderr, after its plan and notes;
/// no other line is an error.
fn error_line(text: &str) -> &str {
    let line = text.lines().last().unwrap_or_default();
    let failed = text.lines().filter(|l| l.contains(" failed: ")).count();
    assert_eq!(failed, 1, "one error line expected: {text:?}");
    line
}

#[test]
fn pull_gives_register_input_with_tags() {
    let Some(aws) = aws() else { return };
    seed_app(&aws, APP);
    let mut second = aws.describe(APP)["taskDefinition"].clone();
    second["containerDefinitions"][0]["image"] = json!("example/web:1.5");
    // Tags belong to each revision: the new one carries them too.
    let second = json!({"family": APP, "containerDefinitions": second["containerDefinitions"],
                        "tags": [{"key": "team", "value": "payments"}, {"key": "cost-center", "value": "42"}]});
    aws.call("ecs", "register_task_definition", second);

    let output = aws.run(&["pull", APP]);
    assert!(output.status.success(), "{}", stderr(&output));
    let pulled: Value = serde_json::from_str(&stdout(&output)).unwrap();
    for read_only in [
        "taskDefinitionArn",
        "revision",
        "status",
        "requiresAttributes",
        "compatibilities",
        "registeredAt",
        "registeredBy",
    ] {
        assert!(
            pulled.get(read_only).is_none(),
            "{read_only} kept: {pulled}"
        );
    }
    assert_eq!(pulled["family"], APP);
    assert_eq!(
        pulled["containerDefinitions"][0]["image"], "example/web:1.5",
        "the latest revision"
    );
    assert_eq!(
        pulled["tags"],
        json!([{"key": "team", "value": "payments"}, {"key": "cost-center", "value": "42"}])
    );

    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("web.json");
    let output = aws.run(&["pull", &format!("{APP}:1"), "-o", file.to_str().unwrap()]);
    assert!(output.status.success(), "{}", stderr(&output));
    let first: Value = serde_json::from_slice(&std::fs::read(&file).unwrap()).unwrap();
    assert_eq!(first["containerDefinitions"][0]["image"], "example/web:1.4");
    assert!(stdout(&output).is_empty());

    // What pull writes registers as it is: the pulled file goes back in.
    let output = aws.run(&["register", file.to_str().unwrap(), "--yes"]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(aws.revisions(APP).len(), 3);
    assert_eq!(aws.describe(&format!("{APP}:3"))["tags"], first["tags"]);
}

#[test]
fn an_aws_error_is_one_line_naming_the_call_and_code() {
    let Some(aws) = aws() else { return };
    let output = aws.run(&["pull", "no-such-family"]);
    assert_eq!(output.status.code(), Some(1));
    let line = one_line(&stderr(&output)).to_owned();
    assert!(
        line.starts_with("ddecs-wizard: DescribeTaskDefinition failed: ClientException"),
        "{line}"
    );
}

#[test]
fn apply_dry_run_shows_the_diff_and_writes_nothing() {
    let Some(aws) = aws() else { return };
    seed_app(&aws, APP);
    let output = aws.run(&["apply", APP, "--dry-run"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let diff = stdout(&output);
    assert!(diff.starts_with("--- a/web:1\n+++ b/web:new\n"), "{diff}");
    assert!(diff.contains("+        \"sh\","), "{diff}");
    assert!(
        diff.contains("exec gunicorn -b 0.0.0.0:8000 app:app"),
        "{diff}"
    );
    assert!(!diff.contains("hunter2"), "a secret in the diff: {diff}");
    let plan = stderr(&output);
    assert!(
        plan.contains("plan: register a new revision of web from web:1, with its 2 tags"),
        "{plan}"
    );
    assert!(
        plan.contains("dry run: nothing was registered or changed"),
        "{plan}"
    );
    assert_eq!(aws.revisions(APP).len(), 1, "dry run registered a revision");
}

#[test]
fn apply_without_a_terminal_needs_yes() {
    let Some(aws) = aws() else { return };
    seed_app(&aws, APP);
    let output = aws.run(&["apply", APP]);
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    let message = stderr(&output);
    assert!(
        message.contains("no terminal to confirm on: pass --yes"),
        "{message}"
    );
    assert_eq!(aws.revisions(APP).len(), 1);
}

#[test]
fn apply_asks_on_a_terminal_and_only_yes_writes() {
    let Some(aws) = aws() else { return };
    seed_app(&aws, APP);
    let env = aws.env();
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let terminal = Terminal {
        width: 160,
        height: 50,
        view: View::History,
    };
    let ask = |answer: &str| {
        let pane = Pane::start(terminal, &["apply", APP], &env)?;
        pane.wait_for("Register a new revision of web? [y/N]");
        pane.type_text(answer);
        pane.press(&["Enter"]);
        Some((pane.exit_status(), pane.history()))
    };
    let Some((status, screen)) = ask("n") else {
        return;
    };
    assert_eq!(status, 1, "{screen}");
    assert!(
        screen.contains("cancelled: nothing was registered or changed"),
        "{screen}"
    );
    assert_eq!(aws.revisions(APP).len(), 1, "a no registered");

    let Some((status, screen)) = ask("y") else {
        return;
    };
    assert_eq!(status, 0, "{screen}");
    assert!(screen.contains(":task-definition/web:2"), "{screen}");
    assert_eq!(aws.revisions(APP).len(), 2);
}

#[test]
fn apply_registers_with_tags_rolls_the_service_then_is_up_to_date() {
    let Some(aws) = aws() else { return };
    seed_app(&aws, APP);
    seed_cluster(&aws, "prod");
    seed_service(&aws, "prod", "web-svc", "web:1");

    let output = aws.run(&[
        "apply",
        APP,
        "--service",
        "web-svc",
        "--cluster",
        "prod",
        "--env",
        "prod",
        "--yes",
    ]);
    assert!(output.status.success(), "{}", stderr(&output));
    let out = stdout(&output);
    assert!(out.contains("registered arn:aws:ecs:"), "{out}");
    assert!(out.contains(":task-definition/web:2\n"), "{out}");
    assert!(
        out.contains("updated service web-svc in cluster prod to web:2: deployment ecs-svc/"),
        "{out}"
    );

    let new = aws.describe("web:2");
    let app = &new["taskDefinition"]["containerDefinitions"][0];
    assert_eq!(app["entryPoint"][0], "sh");
    assert!(app["entryPoint"][2]
        .as_str()
        .unwrap()
        .ends_with("exec gunicorn -b 0.0.0.0:8000 app:app"));
    assert!(
        app.get("command").is_none() || app["command"] == json!([]) || app["command"].is_null(),
        "{app}"
    );
    assert!(app["environment"]
        .as_array()
        .unwrap()
        .contains(&json!({"name": "DD_ENV", "value": "prod"})));
    assert_eq!(
        new["tags"],
        json!([{"key": "team", "value": "payments"}, {"key": "cost-center", "value": "42"}])
    );
    let service = aws.service("prod", "web-svc");
    assert!(
        service["taskDefinition"]
            .as_str()
            .unwrap()
            .ends_with("task-definition/web:2"),
        "{service}"
    );

    let again = aws.run(&[
        "apply",
        APP,
        "--service",
        "web-svc",
        "--cluster",
        "prod",
        "--env",
        "prod",
        "--yes",
    ]);
    assert!(again.status.success(), "{}", stderr(&again));
    assert!(
        stderr(&again)
            .contains("web:2 is up to date: nothing to register, and every service runs it"),
        "{}",
        stderr(&again)
    );
    assert!(stdout(&again).is_empty(), "{}", stdout(&again));
    assert_eq!(
        aws.revisions(APP).len(),
        2,
        "up to date registered a revision"
    );
}

#[test]
fn apply_points_a_service_left_behind_at_the_patched_revision() {
    let Some(aws) = aws() else { return };
    seed_app(&aws, APP);
    seed_cluster(&aws, "prod");
    seed_service(&aws, "prod", "web-svc", "web:1");
    // A first apply that registered but never got to the service.
    let output = aws.run(&["apply", APP, "--yes"]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(aws.revisions(APP).len(), 2);

    let output = aws.run(&[
        "apply",
        APP,
        "--service",
        "web-svc",
        "--cluster",
        "prod",
        "--yes",
    ]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(
        stderr(&output).contains("plan: update service web-svc in cluster prod: web:1 -> web:2"),
        "{}",
        stderr(&output)
    );
    assert!(
        stdout(&output).starts_with("updated service web-svc in cluster prod to web:2"),
        "{}",
        stdout(&output)
    );
    assert_eq!(aws.revisions(APP).len(), 2, "nothing new to register");
    assert!(aws.service("prod", "web-svc")["taskDefinition"]
        .as_str()
        .unwrap()
        .ends_with("web:2"));
}

#[test]
fn apply_refuses_services_it_would_switch_or_cannot_find() {
    let Some(aws) = aws() else { return };
    seed_app(&aws, APP);
    seed_app(&aws, "other");
    seed_cluster(&aws, "prod");
    seed_service(&aws, "prod", "other-svc", "other:1");

    let output = aws.run(&[
        "apply",
        APP,
        "--service",
        "other-svc",
        "--cluster",
        "prod",
        "--yes",
    ]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        one_line(&stderr(&output))
            .contains("--service: service other-svc runs other:1, not the web family"),
        "{}",
        stderr(&output)
    );

    let output = aws.run(&[
        "apply",
        APP,
        "--service",
        "nope",
        "--cluster",
        "prod",
        "--yes",
    ]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("--service: no service nope in cluster prod"),
        "{}",
        stderr(&output)
    );

    let output = aws.run(&["apply", "web:1", "--yes"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("apply always patches the latest ACTIVE revision"),
        "{}",
        stderr(&output)
    );
    assert_eq!(aws.revisions(APP).len(), 1);
    assert!(aws.service("prod", "other-svc")["taskDefinition"]
        .as_str()
        .unwrap()
        .ends_with("other:1"));
}

#[test]
fn a_failed_registration_leaves_the_service_alone() {
    let Some(aws) = aws() else { return };
    seed_app(&aws, APP);
    seed_cluster(&aws, "prod");
    seed_service(&aws, "prod", "web-svc", "web:1");
    let proxy = moto::failing_proxy(&aws.endpoint, "RegisterTaskDefinition", "ClientException");

    let output = aws.run_with(
        &[
            "apply",
            APP,
            "--service",
            "web-svc",
            "--cluster",
            "prod",
            "--yes",
        ],
        None,
        &[("AWS_ENDPOINT_URL", &proxy.endpoint)],
    );
    assert_eq!(output.status.code(), Some(1));
    let line = error_line(&stderr(&output)).to_owned();
    assert_eq!(
        line,
        "ddecs-wizard: RegisterTaskDefinition failed: ClientException: refused by the test proxy (nothing was registered and no service was changed)"
    );
    assert!(!stdout(&output).contains("updated"), "{}", stdout(&output));
    assert_eq!(aws.revisions(APP).len(), 1);
    assert!(aws.service("prod", "web-svc")["taskDefinition"]
        .as_str()
        .unwrap()
        .ends_with("web:1"));
}

#[test]
fn register_creates_the_agent_daemon_service_then_updates_it() {
    let Some(aws) = aws() else { return };
    seed_cluster(&aws, "prod");
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("agent.json");
    std::fs::write(&file, generated(&["--output", "agent-task-definition"])).unwrap();
    let file = file.to_str().unwrap();
    let args = [
        "register",
        file,
        "--daemon-service",
        "datadog-agent",
        "--cluster",
        "prod",
    ];

    let dry = aws.run(&[&args[..], &["--dry-run"]].concat());
    assert!(dry.status.success(), "{}", stderr(&dry));
    assert!(
        stderr(&dry).contains("plan: create DAEMON service datadog-agent in cluster prod"),
        "{}",
        stderr(&dry)
    );
    assert!(
        aws.revisions("datadog-agent-task").is_empty(),
        "dry run registered"
    );
    assert_eq!(
        aws.service("prod", "datadog-agent"),
        Value::Null,
        "dry run created the service"
    );

    let no_tty = aws.run(&args);
    assert_eq!(no_tty.status.code(), Some(2));
    assert!(aws.revisions("datadog-agent-task").is_empty());

    let created = aws.run(&[&args[..], &["--yes"]].concat());
    assert!(created.status.success(), "{}", stderr(&created));
    assert!(
        stdout(&created).contains(
            "created DAEMON service datadog-agent in cluster prod on datadog-agent-task:1"
        ),
        "{}",
        stdout(&created)
    );
    let service = aws.service("prod", "datadog-agent");
    assert_eq!(service["schedulingStrategy"], "DAEMON");
    assert!(service["taskDefinition"]
        .as_str()
        .unwrap()
        .ends_with("datadog-agent-task:1"));

    // A changed file (an unchanged one is up to date: aws_safety.rs).
    std::fs::write(
        file,
        generated(&[
            "--output",
            "agent-task-definition",
            "--site",
            "datadoghq.eu",
        ]),
    )
    .unwrap();
    let updated = aws.run(&[&args[..], &["--yes"]].concat());
    assert!(updated.status.success(), "{}", stderr(&updated));
    assert!(stderr(&updated).contains("plan: update DAEMON service datadog-agent in cluster prod: datadog-agent-task:1 -> the new revision"), "{}", stderr(&updated));
    assert!(aws.service("prod", "datadog-agent")["taskDefinition"]
        .as_str()
        .unwrap()
        .ends_with("datadog-agent-task:2"));
}

#[test]
fn register_refuses_a_replica_service_and_partial_files() {
    let Some(aws) = aws() else { return };
    seed_app(&aws, APP);
    seed_cluster(&aws, "prod");
    seed_service(&aws, "prod", "web-svc", "web:1");
    let dir = tempfile::tempdir().unwrap();
    let agent = dir.path().join("agent.json");
    std::fs::write(&agent, generated(&["--output", "agent-task-definition"])).unwrap();
    let output = aws.run(&[
        "register",
        agent.to_str().unwrap(),
        "--daemon-service",
        "web-svc",
        "--cluster",
        "prod",
        "--yes",
    ]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("uses REPLICA scheduling"),
        "{}",
        stderr(&output)
    );

    let container = dir.path().join("container.json");
    std::fs::write(&container, generated(&["--output", "app-container"])).unwrap();
    let output = aws.run(&["register", container.to_str().unwrap(), "--yes"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("holds container definitions only"),
        "{}",
        stderr(&output)
    );
    assert!(aws.revisions("datadog-agent-task").is_empty());
}

#[test]
fn a_managed_instances_daemon_file_goes_through_register_daemon_task_definition() {
    // moto has no *Daemon* calls: it answers them with HTTP 500, which is
    // enough to see that the file went to the daemon API and nowhere else.
    let Some(aws) = aws() else { return };
    let daemon = json!({
        "family": "datadog-agent-mi",
        "containerDefinitions": [{
            "name": "datadog-agent",
            "image": AGENT_IMAGE,
            "environment": [{"name": "ECS_MANAGED_INSTANCES", "value": "true"}]
        }]
    });
    let output = aws.run_with(
        &["register", "-", "--yes"],
        Some(&daemon.to_string()),
        &[("AWS_MAX_ATTEMPTS", "1")],
    );
    assert_eq!(output.status.code(), Some(1));
    let line = error_line(&stderr(&output)).to_owned();
    assert!(
        line.starts_with("ddecs-wizard: RegisterDaemonTaskDefinition failed: HTTP 500"),
        "{line}"
    );
    assert!(
        aws.revisions("datadog-agent-mi").is_empty(),
        "registered as a task definition"
    );
}

fn seed_traced_app(aws: &Aws, cluster: &str) {
    let mut app: Value = serde_json::from_str(&generated(&[
        "--output",
        "app-container",
        "--app-image",
        "example/web:1.4",
    ]))
    .unwrap();
    app["memory"] = json!(256);
    aws.call(
        "ecs",
        "register_task_definition",
        json!({"family": APP, "networkMode": "bridge", "containerDefinitions": [app]}),
    );
    seed_service(aws, cluster, "web-svc", "web:1");
}

#[test]
fn doctor_reports_imdsv2_with_hop_limit_1_with_the_fix() {
    let Some(aws) = aws() else { return };
    seed_cluster(&aws, "prod");
    let broken = seed_instances(&aws, "prod", "required", 1, 1);
    seed_instances(&aws, "prod", "required", 2, 2);
    seed_agent(&aws, "prod", 3);
    seed_traced_app(&aws, "prod");

    let output = aws.run(&["doctor", "--cluster", "prod"]);
    assert_eq!(
        output.status.code(),
        Some(1),
        "{}\n{}",
        stdout(&output),
        stderr(&output)
    );
    let report = stdout(&output);
    assert!(report.starts_with("cluster prod ("), "{report}");
    assert!(report.contains("agent: DAEMON service datadog-agent runs datadog-agent:1 (the latest revision), on 3 of 3 container instances"), "{report}");
    let fix = format!("aws ec2 modify-instance-metadata-options --instance-id {} --http-put-response-hop-limit 2 --http-endpoint enabled", broken[0]);
    assert!(
        report.contains(&format!("error[DDECS105] instance {} ", broken[0])),
        "{report}"
    );
    assert!(report.contains(&fix), "{report}");
    assert!(report.contains("launch template"), "{report}");
    assert_eq!(report.matches("DDECS105").count(), 1, "{report}");
    assert!(
        report.contains("service web-svc (web:1): 0 errors, 0 warnings"),
        "{report}"
    );
    assert!(
        stderr(&output).contains("1 problem would keep traces from arriving"),
        "{}",
        stderr(&output)
    );

    let json_output = aws.run(&["doctor", "--cluster", "prod", "--format", "json"]);
    assert_eq!(json_output.status.code(), Some(1));
    let report: Value = serde_json::from_str(&stdout(&json_output)).unwrap();
    assert_eq!(report["tracesWouldArrive"], false);
    assert_eq!(report["containerInstances"], 3);
    assert_eq!(report["problems"][0]["rule"], "DDECS105");
    assert!(report["problems"][0]["fix"]
        .as_str()
        .unwrap()
        .starts_with(&fix));

    // The fix it gives, applied through EC2, clears the problem.
    aws.call(
        "ec2",
        "modify_instance_metadata_options",
        json!({"InstanceId": broken[0], "HttpPutResponseHopLimit": 2, "HttpEndpoint": "enabled"}),
    );
    let fixed = aws.run(&["doctor", "--cluster", "prod"]);
    assert!(fixed.status.success(), "{}", stdout(&fixed));
    let verdict = stdout(&fixed).lines().last().unwrap_or_default().to_owned();
    assert!(verdict.starts_with("0 errors, "), "{verdict}");
    assert!(
        verdict.ends_with(": nothing found that would stop traces"),
        "{verdict}"
    );
    assert!(!stdout(&fixed).contains("DDECS105"), "{}", stdout(&fixed));
}

#[test]
fn doctor_finds_a_missing_and_a_short_agent() {
    let Some(aws) = aws() else { return };
    seed_cluster(&aws, "bare");
    seed_instances(&aws, "bare", "optional", 1, 2);
    let output = aws.run(&["doctor", "--cluster", "bare"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(stdout(&output).contains("error[DDECS101] cluster bare: no Datadog agent DAEMON service, but 2 container instances run tasks"), "{}", stdout(&output));

    seed_agent(&aws, "bare", 1);
    let output = aws.run(&["doctor", "--cluster", "bare"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stdout(&output).contains(
            "error[DDECS104] service datadog-agent: the agent runs on 1 of 2 container instances"
        ),
        "{}",
        stdout(&output)
    );

    let output = aws.run(&["doctor", "--cluster", "nope"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("--cluster: no active cluster named nope in"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn doctor_writes_nothing() {
    let Some(aws) = aws() else { return };
    seed_cluster(&aws, "prod");
    seed_instances(&aws, "prod", "required", 1, 1);
    seed_traced_app(&aws, "prod");
    let before = (
        aws.revisions(APP),
        aws.service("prod", "web-svc")["taskDefinition"].clone(),
    );
    aws.run(&["doctor", "--cluster", "prod"]);
    let after = (
        aws.revisions(APP),
        aws.service("prod", "web-svc")["taskDefinition"].clone(),
    );
    assert_eq!(before, after);
}

/// Runs a command with no AWS configuration at all besides `env`.
fn unconfigured(args: &[&str], env: &[(&str, &str)]) -> std::process::Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_ddecs-wizard-aws"));
    isolate(&mut command).args(args).envs(env.iter().copied());
    command.output().expect("ddecs-wizard runs")
}

#[test]
fn no_region_or_no_credentials_is_a_usage_error_saying_what_to_set() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("agent.json");
    std::fs::write(&file, generated(&["--output", "agent-task-definition"])).unwrap();
    let commands: [&[&str]; 4] = [
        &["pull", "web"],
        &["apply", "web", "--yes"],
        &["register", file.to_str().unwrap(), "--yes"],
        &["doctor", "--cluster", "prod"],
    ];
    // A closed port: nothing must be called when the configuration is incomplete.
    let endpoint = ("AWS_ENDPOINT_URL", "http://127.0.0.1:9");
    for args in commands {
        let output = unconfigured(
            args,
            &[
                ("AWS_ACCESS_KEY_ID", "testing"),
                ("AWS_SECRET_ACCESS_KEY", "testing"),
                endpoint,
            ],
        );
        assert_eq!(
            output.status.code(),
            Some(2),
            "{args:?}: {}",
            stderr(&output)
        );
        let line = one_line(&stderr(&output)).to_owned();
        assert!(
            line.starts_with("ddecs-wizard: no AWS region: set AWS_REGION, pass --region"),
            "{args:?}: {line}"
        );

        let output = unconfigured(args, &[("AWS_REGION", "us-east-1"), endpoint]);
        assert_eq!(
            output.status.code(),
            Some(2),
            "{args:?}: {}",
            stderr(&output)
        );
        let line = one_line(&stderr(&output)).to_owned();
        assert!(
            line.starts_with("ddecs-wizard: no AWS credentials"),
            "{args:?}: {line}"
        );
        assert!(
            line.contains("AWS_PROFILE") && line.contains("AWS_ACCESS_KEY_ID"),
            "{line}"
        );
    }
}

#[test]
fn region_flag_and_cluster_pairs_are_checked_by_the_command_line() {
    let output = unconfigured(&["apply", "web", "--service", "api"], &[]);
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("--cluster"), "{}", stderr(&output));
    let output = unconfigured(&["register", "x.json", "--cluster", "prod"], &[]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("--daemon-service"),
        "{}",
        stderr(&output)
    );
    let output = unconfigured(&["doctor"], &[]);
    assert_eq!(output.status.code(), Some(2));
}
