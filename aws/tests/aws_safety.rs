//! The AWS commands when the account, the network or another run works
//! against them: the right credentials, no duplicate registrations when an
//! answer is lost or two applies race, a bound on a hung endpoint, and one
//! clear line for every failure. Each test runs the built program against
//! moto, most through failing_proxy.py, which delays, fails, holds and
//! checks calls the way real endpoints and networks do.

mod moto;

use std::net::TcpListener;
use std::path::Path;

use moto::seed::{self, APP};
use moto::{aws, proxy, stderr, stdout, Aws};
use serde_json::{json, Value};

fn one_line(text: &str) -> &str {
    assert_eq!(text.lines().count(), 1, "not one line: {text:?}");
    text.trim_end()
}

fn runs(aws: &Aws, cluster: &str, service: &str) -> String {
    let task_definition = aws.service(cluster, service)["taskDefinition"].clone();
    let arn = task_definition
        .as_str()
        .expect("the service runs a revision");
    arn.rsplit('/').next().unwrap().to_owned()
}

/// An AWS config and credentials file with one profile, `ops`, whose
/// access key is `key`; the environment variables that point at them.
fn profile_files(dir: &Path, region: &str, key: &str) -> [(&'static str, String); 2] {
    let config = dir.join("config");
    let credentials = dir.join("credentials");
    std::fs::write(&config, format!("[profile ops]\nregion = {region}\n")).unwrap();
    std::fs::write(
        &credentials,
        format!("[ops]\naws_access_key_id = {key}\naws_secret_access_key = ops-secret\n"),
    )
    .unwrap();
    [
        ("AWS_CONFIG_FILE", config.display().to_string()),
        (
            "AWS_SHARED_CREDENTIALS_FILE",
            credentials.display().to_string(),
        ),
    ]
}

fn env<'a>(pairs: &'a [(&'static str, String)]) -> Vec<(&'static str, &'a str)> {
    pairs.iter().map(|(k, v)| (*k, v.as_str())).collect()
}

#[test]
fn the_profile_flag_wins_over_keys_in_the_environment() {
    let Some(aws) = aws() else { return };
    seed::app(&aws, APP);
    // The proxy stands for the account: it knows the profile's key only.
    let account = proxy(&aws.endpoint, json!({"require_key": "AKIDOPSPROFILE"}));
    let dir = tempfile::tempdir().unwrap();
    let mut vars = profile_files(dir.path(), aws.region, "AKIDOPSPROFILE").to_vec();
    vars.push(("AWS_ENDPOINT_URL", account.endpoint.clone()));
    // run_with sets AWS_ACCESS_KEY_ID=testing, another account's key.
    let output = aws.run_with(&["pull", APP, "--profile", "ops"], None, &env(&vars));
    assert!(output.status.success(), "{}", stderr(&output));
    let keys: Vec<Value> = account.calls().iter().map(|c| c["key"].clone()).collect();
    assert_eq!(keys, [json!("AKIDOPSPROFILE")], "signed with another key");

    // Without the flag the environment's keys sign, as with the aws CLI.
    let output = aws.run_with(&["pull", APP], None, &env(&vars));
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    assert!(
        stderr(&output).contains("UnrecognizedClientException"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn an_unknown_profile_is_a_usage_error_naming_it_and_the_files() {
    let Some(aws) = aws() else { return };
    seed::app(&aws, APP);
    let dir = tempfile::tempdir().unwrap();
    let vars = profile_files(dir.path(), aws.region, "AKIDOPSPROFILE");
    let config = vars[0].1.clone();
    let output = aws.run_with(&["pull", APP, "--profile", "nope"], None, &env(&vars));
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    let line = one_line(&stderr(&output)).to_owned();
    assert!(line.contains("--profile: no profile nope"), "{line}");
    assert!(line.contains(&config), "{line}");
    assert!(stdout(&output).is_empty());

    let mut vars = vars.to_vec();
    vars.push(("AWS_PROFILE", "nope".to_owned()));
    let output = aws.run_with(&["pull", APP], None, &env(&vars));
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    let line = one_line(&stderr(&output)).to_owned();
    assert!(line.contains("AWS_PROFILE: no profile nope"), "{line}");
}

/// Seeds the app, a cluster and its service on web:1.
fn seed_service(aws: &Aws) {
    seed::app(aws, APP);
    seed::cluster(aws, "prod");
    seed::service(aws, "prod", "web-svc", "web:1");
}

const APPLY: [&str; 7] = [
    "apply",
    APP,
    "--service",
    "web-svc",
    "--cluster",
    "prod",
    "--yes",
];

#[test]
fn a_registration_whose_answer_is_lost_is_read_back_not_repeated() {
    let Some(aws) = aws() else { return };
    seed_service(&aws);
    let endpoint = proxy(
        &aws.endpoint,
        json!({"rules": [{"op": "RegisterTaskDefinition", "do": "fail_after"}]}),
    );
    let output = aws.run_with(&APPLY, None, &[("AWS_ENDPOINT_URL", &endpoint.endpoint)]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(endpoint.count("RegisterTaskDefinition"), 1, "retried");
    assert_eq!(aws.revisions(APP).len(), 2, "registered more than once");
    let err = stderr(&output);
    assert!(
        err.contains("RegisterTaskDefinition: the answer was lost (ServerException: failed by the test proxy after the server acted); read back: web:2 holds the new revision"),
        "{err}"
    );
    assert!(
        stdout(&output).contains("registered arn:aws:ecs:"),
        "{}",
        stdout(&output)
    );
    assert_eq!(runs(&aws, "prod", "web-svc"), "web:2");
}

#[test]
fn a_registration_that_times_out_is_read_back() {
    let Some(aws) = aws() else { return };
    seed_service(&aws);
    let endpoint = proxy(
        &aws.endpoint,
        json!({"rules": [{"op": "RegisterTaskDefinition", "do": "hang_after"}]}),
    );
    let args = [&APPLY[..], &["--timeout", "2s"]].concat();
    let output = aws.run_with(&args, None, &[("AWS_ENDPOINT_URL", &endpoint.endpoint)]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(endpoint.count("RegisterTaskDefinition"), 1, "retried");
    assert_eq!(aws.revisions(APP).len(), 2);
    assert!(
        stderr(&output).contains("RegisterTaskDefinition: the answer was lost (no answer within --timeout 2s); read back: web:2 holds the new revision"),
        "{}",
        stderr(&output)
    );
    assert_eq!(runs(&aws, "prod", "web-svc"), "web:2");
}

#[test]
fn a_refused_registration_after_a_lost_answer_says_what_is_known() {
    // The answer is lost and the read-back finds nothing new: nothing was
    // registered, and it says so.
    let Some(aws) = aws() else { return };
    seed_service(&aws);
    let endpoint = proxy(
        &aws.endpoint,
        json!({"rules": [{"op": "RegisterTaskDefinition", "do": "refuse", "status": 500, "code": "ServerException"}]}),
    );
    let output = aws.run_with(&APPLY, None, &[("AWS_ENDPOINT_URL", &endpoint.endpoint)]);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    assert_eq!(endpoint.count("RegisterTaskDefinition"), 1, "retried");
    let line = stderr(&output)
        .lines()
        .last()
        .unwrap_or_default()
        .to_owned();
    assert_eq!(
        line,
        "ddecs-wizard: RegisterTaskDefinition failed: ServerException: refused by the test proxy (read back: web:1 is still the latest, so nothing was registered and no service was changed)"
    );
    assert_eq!(aws.revisions(APP).len(), 1);
}

#[test]
fn a_hung_endpoint_fails_within_the_timeout_naming_the_call() {
    let Some(aws) = aws() else { return };
    seed::app(&aws, APP);
    let endpoint = proxy(
        &aws.endpoint,
        json!({"rules": [{"op": "DescribeTaskDefinition", "do": "hang"}]}),
    );
    let output = aws.run_with(
        &["pull", APP, "--timeout", "1s"],
        None,
        &[("AWS_ENDPOINT_URL", &endpoint.endpoint)],
    );
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    assert_eq!(
        one_line(&stderr(&output)),
        "ddecs-wizard: DescribeTaskDefinition failed: no answer within --timeout 1s"
    );
    assert_eq!(
        endpoint.count("DescribeTaskDefinition"),
        1,
        "the bound was spent on more than one attempt"
    );

    let output = aws.run(&["pull", APP, "--timeout", "soon"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("--timeout"), "{}", stderr(&output));
}

#[test]
fn an_apply_that_waited_uses_the_revision_another_apply_registered() {
    let Some(aws) = aws() else { return };
    seed::app(&aws, APP);
    // The first apply reads web:1, then waits (at its question, say) ...
    let slow = proxy(
        &aws.endpoint,
        json!({"rules": [{"op": "DescribeTaskDefinition", "do": "hold_response", "times": 1}]}),
    );
    let first = aws.spawn(
        &["apply", APP, "--yes"],
        &[("AWS_ENDPOINT_URL", &slow.endpoint)],
    );
    slow.wait_until_holding("DescribeTaskDefinition");
    // ... while a second one registers the same patch.
    let second = aws.run(&["apply", APP, "--yes"]);
    assert!(second.status.success(), "{}", stderr(&second));
    assert_eq!(aws.revisions(APP).len(), 2);
    slow.open();
    let first = first.wait_with_output().unwrap();
    assert!(first.status.success(), "{}", stderr(&first));
    assert_eq!(
        aws.revisions(APP).len(),
        2,
        "the same patch registered twice"
    );
    assert!(
        stderr(&first).contains(
            "web:2 was registered since the plan and already holds the new revision: nothing registered"
        ),
        "{}",
        stderr(&first)
    );
}

#[test]
fn racing_applies_leave_the_service_on_the_newest_revision_they_registered() {
    let Some(aws) = aws() else { return };
    seed_service(&aws);
    // Both have read web:1 and checked it again; then both register.
    let late = proxy(
        &aws.endpoint,
        json!({"rules": [{"op": "RegisterTaskDefinition", "do": "hold_request"}]}),
    );
    let early = proxy(
        &aws.endpoint,
        json!({"rules": [{"op": "RegisterTaskDefinition", "do": "hold_response"}]}),
    );
    let second = aws.spawn(&APPLY, &[("AWS_ENDPOINT_URL", &late.endpoint)]);
    late.wait_until_holding("RegisterTaskDefinition");
    let first = aws.spawn(&APPLY, &[("AWS_ENDPOINT_URL", &early.endpoint)]);
    early.wait_until_holding("RegisterTaskDefinition");
    // web:2 is the first's; the second registers web:3 and rolls to it.
    late.open();
    let second = second.wait_with_output().unwrap();
    assert!(second.status.success(), "{}", stderr(&second));
    assert_eq!(runs(&aws, "prod", "web-svc"), "web:3");
    // The first learns of web:2 only now: it must not roll back to it.
    early.open();
    let first = first.wait_with_output().unwrap();
    assert!(first.status.success(), "{}", stderr(&first));
    assert_eq!(runs(&aws, "prod", "web-svc"), "web:3", "rolled back");
    assert!(
        stderr(&first)
            .contains("web:3, registered since with the same content, is used instead of web:2"),
        "{}",
        stderr(&first)
    );
    assert!(
        stdout(&first).contains("service web-svc in cluster prod already runs web:3"),
        "{}",
        stdout(&first)
    );
}

#[test]
fn a_service_named_twice_is_updated_once() {
    let Some(aws) = aws() else { return };
    seed_service(&aws);
    seed::service(&aws, "prod", "web-canary", "web:1");
    let output = aws.run(&[
        "apply",
        APP,
        "--cluster",
        "prod",
        "--service",
        "web-svc",
        "--service",
        "web-canary",
        "--service",
        "web-svc",
        "--yes",
    ]);
    assert!(output.status.success(), "{}", stderr(&output));
    let out = stdout(&output);
    assert_eq!(out.matches("updated service web-svc ").count(), 1, "{out}");
    assert_eq!(
        out.matches("updated service web-canary ").count(),
        1,
        "{out}"
    );
    assert_eq!(
        stderr(&output)
            .matches("plan: update service web-svc ")
            .count(),
        1,
        "{}",
        stderr(&output)
    );
}

#[test]
fn register_refuses_a_fargate_task_definition_as_a_daemon_service() {
    let Some(aws) = aws() else { return };
    seed::cluster(&aws, "prod");
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("app.json");
    let text = seed::generated(&[
        "--launch-type",
        "fargate",
        "--output",
        "app-task-definition",
    ]);
    let family = serde_json::from_str::<Value>(&text).unwrap()["family"]
        .as_str()
        .unwrap()
        .to_owned();
    std::fs::write(&file, text).unwrap();
    let output = aws.run(&[
        "register",
        file.to_str().unwrap(),
        "--daemon-service",
        "web",
        "--cluster",
        "prod",
        "--yes",
    ]);
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    let line = one_line(&stderr(&output)).to_owned();
    assert!(
        line.contains("--daemon-service: app.json requires FARGATE"),
        "{line}"
    );
    assert!(line.contains("aws ecs create-service"), "{line}");
    assert!(aws.revisions(&family).is_empty(), "registered");
    assert_eq!(aws.service("prod", "web"), Value::Null, "created a service");
}

#[test]
fn register_of_an_unchanged_file_is_up_to_date() {
    let Some(aws) = aws() else { return };
    seed::cluster(&aws, "prod");
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("agent.json");
    std::fs::write(
        &file,
        seed::generated(&["--output", "agent-task-definition"]),
    )
    .unwrap();
    let file = file.to_str().unwrap();
    let args = [
        "register",
        file,
        "--daemon-service",
        "datadog-agent",
        "--cluster",
        "prod",
        "--yes",
    ];
    let output = aws.run(&args);
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(aws.revisions("datadog-agent-task").len(), 1);

    let again = aws.run(&args);
    assert!(again.status.success(), "{}", stderr(&again));
    assert!(
        stderr(&again).contains(
            "datadog-agent-task:1 is up to date with agent.json: nothing to register, and DAEMON service datadog-agent runs it"
        ),
        "{}",
        stderr(&again)
    );
    assert!(stdout(&again).is_empty(), "{}", stdout(&again));
    assert_eq!(
        aws.revisions("datadog-agent-task").len(),
        1,
        "registered again"
    );

    // A changed file is shown as a diff from the latest revision to the new one.
    let changed = seed::generated(&[
        "--output",
        "agent-task-definition",
        "--site",
        "datadoghq.eu",
    ]);
    let output = aws.run_with(&["register", "-", "--dry-run"], Some(&changed), &[]);
    assert!(output.status.success(), "{}", stderr(&output));
    let diff = stdout(&output);
    assert!(
        diff.starts_with("--- a/datadog-agent-task:1\n+++ b/datadog-agent-task:new\n"),
        "{diff}"
    );
    assert!(
        diff.contains("+") && diff.contains("datadoghq.eu"),
        "{diff}"
    );
}

#[test]
fn a_refused_connection_is_one_line_without_an_os_error() {
    let Some(aws) = aws() else { return };
    let closed = TcpListener::bind("127.0.0.1:0").unwrap();
    let endpoint = format!("http://{}", closed.local_addr().unwrap());
    drop(closed);
    let output = aws.run_with(&["pull", APP], None, &[("AWS_ENDPOINT_URL", &endpoint)]);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let line = one_line(&stderr(&output)).to_owned();
    assert!(
        line.starts_with(&format!(
            "ddecs-wizard: DescribeTaskDefinition failed: cannot connect to {endpoint}: connection refused"
        )),
        "{line}"
    );
    assert!(!line.contains("os error"), "{line}");
    assert!(!line.contains("DispatchFailure"), "{line}");
}

#[test]
fn an_ec2_xml_error_is_reported_with_its_code_and_message() {
    let Some(aws) = aws() else { return };
    seed::cluster(&aws, "prod");
    seed::instances(&aws, "prod", 1);
    let endpoint = proxy(
        &aws.endpoint,
        json!({"rules": [{"op": "DescribeInstances", "do": "refuse", "status": 403,
                          "code": "UnauthorizedOperation",
                          "message": "You are not authorized to perform this operation."}]}),
    );
    let output = aws.run_with(
        &["doctor", "--cluster", "prod"],
        None,
        &[("AWS_ENDPOINT_URL", &endpoint.endpoint)],
    );
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    assert_eq!(
        stderr(&output).lines().last().unwrap_or_default(),
        "ddecs-wizard: DescribeInstances failed: UnauthorizedOperation: You are not authorized to perform this operation."
    );
}

#[test]
fn an_endpoint_that_is_not_a_url_is_a_usage_error() {
    let Some(aws) = aws() else { return };
    let output = aws.run_with(&["pull", APP], None, &[("AWS_ENDPOINT_URL", "notaurl")]);
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    let line = one_line(&stderr(&output)).to_owned();
    assert!(
        line.starts_with("ddecs-wizard: AWS_ENDPOINT_URL: \"notaurl\" is not a URL"),
        "{line}"
    );
}
