//! `patch` and `check` against the corpus of real task definitions in
//! `../shared/corpus` (byte-for-byte copies of public files; see its
//! README and SOURCES.tsv), or `DDECS_CORPUS=DIR`: the conformance suite
//! that runs when the corpus is there (always in CI) and skips with one
//! note when it is not, as in a fresh clone (`tests/patch_fixtures.rs`
//! holds the project's own cases).
//!
//! Every valid file is either patched, and then must parse, still be a
//! task definition, equal the input on every field patch does not touch,
//! differ from the input only on the lines of the fields tracing needs,
//! run the same start command, pass `check` for what was patched, and not
//! change when patched again; or it is refused on purpose with the reason
//! it should be refused for. Every invalid file is refused with exit 2, a
//! one-line message and no file written.

// Shared with patch_fixtures and aws_api, which use other parts of them.
#[allow(dead_code)]
#[path = "common/cases.rs"]
mod cases;
#[allow(dead_code)]
#[path = "common/corpus.rs"]
mod corpus;
#[path = "common/minimal_diff.rs"]
mod minimal_diff;
#[path = "common/same_behaviour.rs"]
mod same_behaviour;
// This suite needs the paths, not just the yes/no.
#[allow(dead_code)]
#[path = "common/tools.rs"]
mod tools;

use std::fs;
use std::path::Path;

use cases::{case, read, with, Case, Expect};
use ddecs_wizard::core::lint::check;
use ddecs_wizard::core::patch::patch;
use ddecs_wizard::core::taskdef::container;
use ddecs_wizard::core::taskdef::document;
use ddecs_wizard::output::diff;

use Expect::{Patched as P, Refused as R};

const NO_CMD: &str =
    "has no entryPoint or command; the image's CMD is unknown here: pass --startup-command";
const FARGATE_NO_AGENT: &str = "this Fargate task has no Datadog agent container";
const NGINX: &str = "nginx -g 'daemon off;'";

/// Decided per file from SOURCES.tsv: what the file is, and so what patch
/// must do with it.
const CASES: &[Case] = &[
    case("bare-array-command-only-artisan.json", P(&[("app", "php artisan migrate")])),
    case("bare-array-links-two-apps.json", R("several app containers: example, app;")),
    with("bare-array-links-two-apps.json", &["app"], Some("php-fpm -F"), P(&[("app", "php-fpm -F")])),
    case("bare-array-unbraced-shell-var-no-eol.json", R(NO_CMD)),
    with(
        "bare-array-unbraced-shell-var-no-eol.json",
        &[],
        Some("node index.js"),
        P(&[("fasttrack-saa", "node index.js")]),
    ),
    case(
        "bridge-app-entrypoint-sets-dd-agent-host-imds.json",
        P(&[(
            "jenkins-server",
            "java -javaagent:./dd-java-agent.jar -Djenkins.install.runSetupWizard=false -Xmx3072m -XX:MaxPermSize=512m -jar /usr/share/jenkins/jenkins.war",
        )]),
    ),
    case("bridge-links-nginx-no-cmd-plus-wget.json", R("several app containers: nginx, exit;")),
    with(
        "bridge-links-nginx-no-cmd-plus-wget.json",
        &["exit"],
        None,
        P(&[("exit", "sleep 1; wget -O- http://nginx && exit 42; exit -1")]),
    ),
    case("cli-skeleton-empty-strings-windows.json", R("container banbury-cloud-backend is a Windows container")),
    case(
        "cmd-only-awk-single-quotes-nested.json",
        P(&[(
            "exit",
            r#"[ "$(cat /proc/self/limits  | grep "^Max open files" | awk '{print $4" "$5}')" == "123 234" ] && exit 42 || exit 1"#,
        )]),
    ),
    case(
        "cmd-only-dollar-paren-escaped-quotes.json",
        P(&[("exit", r#"[ "$(hostname)" == "foobarbaz" ] && exit 42 || exit 1"#)]),
    ),
    case(
        "cmd-only-regex-backslashes.json",
        P(&[(
            "exit",
            r#"egrep "nameserver\s+1\.2\.3\.4" /etc/resolv.conf && exit 42 || exit 1"#,
        )]),
    ),
    case("codedeploy-image1-placeholder-readonly-rootfs-firelens.json", R(FARGATE_NO_AGENT)),
    case("console-export-nulls-tags.json", R(FARGATE_NO_AGENT)),
    case("dd-agent-daemon-bridge-8126-already-mapped.json", P(&[])),
    case("dd-agent-daemon-docs-ecs1.json", P(&[])),
    case("dd-agent-daemon-managed-instances-public-ecr.json", P(&[])),
    case("dd-agent-daemon-windows-named-pipe.json", P(&[])),
    case("dd-agent-only-fargate-awsvpc.json", R("this Fargate task holds only the Datadog agent")),
    case("dd-legacy-docker-dd-agent-daemon-tabs.json", P(&[])),
    case(
        "describe-nulls-four-apps-static-dd-agent-host.json",
        R("several app containers: frontend, discounts, db, advertisements;"),
    ),
    with(
        "describe-nulls-four-apps-static-dd-agent-host.json",
        &["frontend", "discounts"],
        None,
        P(&[
            ("frontend", "sh docker-entrypoint.sh"),
            ("discounts", "ddtrace-run flask run --port=5001 --host=0.0.0.0"),
        ]),
    ),
    case("describe-unwrapped-fargate-secrets-ephemeral.json", R(FARGATE_NO_AGENT)),
    case("describe-unwrapped-no-networkmode.json", R(NO_CMD)),
    with(
        "describe-unwrapped-no-networkmode.json",
        &[],
        Some("java -jar /app.jar"),
        P(&[("aghcampus-server-container", "java -jar /app.jar")]),
    ),
    case("describe-unwrapped-nulls-empty-ep-cmd.json", R(NO_CMD)),
    with(
        "describe-unwrapped-nulls-empty-ep-cmd.json",
        &[],
        Some("npm start"),
        P(&[("be", "npm start")]),
    ),
    case("describe-wrapped-cli-v2-empty-ep-cmd.json", R(FARGATE_NO_AGENT)),
    case("describe-wrapped-cli-v2-portmapping-names.json", R(FARGATE_NO_AGENT)),
    case(
        "entrypoint-sh-c-plus-command-script.json",
        P(&[(
            "container-with-iamrole",
            "sleep 5s; export AWS_DEFAULT_REGION=$$$TEST_REGION$$$; aws ec2 describe-regions",
        )]),
    ),
    case("fargate-agent-only-public-ecr-minimal.json", R("this Fargate task holds only the Datadog agent")),
    case("fargate-app-plus-private-ecr-datadog-mirror.json", P(&[])),
    case("fargate-cpu-dot25-vcpu-memory-dot5-gb.json", R(FARGATE_NO_AGENT)),
    case("fargate-entrypoint-only-no-command.json", R(FARGATE_NO_AGENT)),
    case("fargate-register-secrets-healthcheck.json", R(FARGATE_NO_AGENT)),
    case("firelens-adot-otel-collector.json", R("container app has no entryPoint or command")),
    with("firelens-adot-otel-collector.json", &[], Some(NGINX), P(&[("app", NGINX)])),
    case("firelens-appmesh-envoy-awsvpc.json", R(FARGATE_NO_AGENT)),
    case("firelens-efs-wrapped-awsvpc.json", R("container nginx has no entryPoint or command")),
    with("firelens-efs-wrapped-awsvpc.json", &[], Some(NGINX), P(&[("nginx", NGINX)])),
    case("firelens-newrelic-fargate.json", R(FARGATE_NO_AGENT)),
    case(
        "host-mode-daemon-bash-c-entrypoint-command.json",
        P(&[(
            "signalfx-agent",
            "bash -c 'curl --fail $CONFIG_URL > /etc/signalfx/agent.yaml && exec /bin/signalfx-agent'",
        )]),
    ),
    case(
        "many-containers-command-only-registry-port.json",
        R("several app containers: busybox, ubuntu, consul, debian, debian-2, httpd, mongo, nginx, redis, registry;"),
    ),
    with(
        "many-containers-command-only-registry-port.json",
        &["busybox"],
        None,
        P(&[("busybox", "while [ true ]; do sleep 1s; date +%T; done")]),
    ),
    case("no-family-containerdefs-only.json", R("container nginx has no entryPoint or command")),
    with("no-family-containerdefs-only.json", &[], Some(NGINX), P(&[("nginx", NGINX)])),
    case("utf8-bom-powershell-fargate.json", R(FARGATE_NO_AGENT)),
    case("windows-cmd-backslash-paths.json", R("container exit is a Windows container")),
    case(
        "windows-powershell-entrypoint-plus-command.json",
        R("container mdservice-validator-windows is a Windows container"),
    ),
    case(
        "windows-three-containers-volumesfrom.json",
        R("several app containers: exit, dataSource, data-volume-source;"),
    ),
    with(
        "windows-three-containers-volumesfrom.json",
        &["exit"],
        None,
        R("container exit is a Windows container"),
    ),
    case("xray-sidecar-links-placeholder-names.json", R("container <your-ecr-image-name> has no entryPoint")),
    with(
        "xray-sidecar-links-placeholder-names.json",
        &[],
        Some("python app.py"),
        P(&[("<your-ecr-image-name>", "python app.py")]),
    ),
];

#[test]
fn every_valid_file_is_patched_or_refused_on_purpose() {
    let Some(corpus) = corpus::dir() else {
        return;
    };
    let changed = cases::run_valid(&corpus, CASES);
    // How many lines each patch changed (removed, added), to review.
    insta::assert_snapshot!("changed_lines", changed);
}

#[test]
fn every_valid_file_can_be_checked() {
    if let Some(corpus) = corpus::dir() {
        cases::check_every_valid_file(&corpus);
    }
}

/// What each invalid file must be refused for, and where.
const INVALID: &[(&str, &str)] = &[
    (
        "describe-nulls-unquoted-api-key-placeholder.json",
        ":27:20: not valid JSON: expected value; an unquoted placeholder",
    ),
    (
        "duplicate-key-plus-envsubst-image.json",
        ":8:5: duplicate key \"requiresCompatibilities\" (first at 5:5)",
    ),
    (
        "ecspresso-gotemplate-tfstate.json",
        ":6:16: template placeholder {{ tfstate",
    ),
    (
        "firelens-datadog-cfn-placeholder.json",
        ":36:34: template placeholder ${Partition} in containerDefinitions[1]",
    ),
    (
        "firelens-dynatrace-missing-comma.json",
        ":34:20: not valid JSON: expected `,` or `}`",
    ),
    (
        "not-a-task-def-aws-batch-job-definition.json",
        ": not a task definition: this is an AWS Batch job definition",
    ),
    (
        "shell-prompt-then-describe-output.json",
        ":1:1: not valid JSON: it does not start with { or [; remove the pasted shell prompt",
    ),
    (
        "skeleton-then-shell-commands.json",
        ":214:1: not valid JSON: trailing characters; there is more text after the JSON",
    ),
    (
        "tf-template-bare-dd-agent-parses.json",
        ":3:13: template placeholder ${app_name} in [0].name",
    ),
    (
        "tf-template-unquoted-port-dd-agent.json",
        ":25:26: not valid JSON: expected value; an unquoted template placeholder",
    ),
    (
        "trailing-comma-firelens-tabs.json",
        ":34:4: not valid JSON: trailing comma",
    ),
    (
        "yaml-jinja-task-definition.yaml",
        ":1:2: not valid JSON: key must be a string; this looks like a Jinja or Go template",
    ),
];

#[test]
fn every_invalid_file_is_refused_and_nothing_is_written() {
    if let Some(corpus) = corpus::dir() {
        cases::assert_invalid_refused(&corpus, INVALID);
    }
}

/// A report of one file: what patch says and changes, and what check finds
/// before and after.
fn snapshot(corpus: &Path, file: &str, containers: &[&str], startup: Option<&str>) -> String {
    let path = corpus.join("valid").join(file);
    let bytes = fs::read(&path).unwrap();
    let input = read(&path);
    let patched = patch(&input, &cases::options_for(containers, startup)).unwrap();
    let text = document::write(&input, &patched.value);
    let original = String::from_utf8_lossy(&bytes);
    let mut secrets = container::secret_values(&input.value);
    secrets.extend(container::secret_values(&patched.value));
    let after = document::read(text.as_bytes()).unwrap();
    format!(
        "== notes\n{}\n== diff\n{}== check before\n{}== check after\n{}",
        patched
            .notes
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join("\n"),
        if patched.changed {
            diff::unified(&original, &text, file, &secrets)
        } else {
            String::new()
        },
        check(&input).to_text(file),
        check(&after).to_text(file),
    )
}

#[test]
fn snapshots_of_representative_files() {
    let Some(corpus) = corpus::dir() else {
        return;
    };
    let cases: [(&str, &[&str], Option<&str>); 8] = [
        (
            "bridge-app-entrypoint-sets-dd-agent-host-imds.json",
            &[],
            None,
        ),
        ("dd-legacy-docker-dd-agent-daemon-tabs.json", &[], None),
        ("dd-agent-daemon-bridge-8126-already-mapped.json", &[], None),
        (
            "describe-nulls-four-apps-static-dd-agent-host.json",
            &["frontend"],
            None,
        ),
        (
            "describe-unwrapped-nulls-empty-ep-cmd.json",
            &[],
            Some("npm start"),
        ),
        (
            "fargate-app-plus-private-ecr-datadog-mirror.json",
            &[],
            None,
        ),
        ("cmd-only-regex-backslashes.json", &[], None),
        ("host-mode-daemon-bash-c-entrypoint-command.json", &[], None),
    ];
    for (file, containers, startup) in cases {
        let name = file.trim_end_matches(".json");
        insta::assert_snapshot!(name, snapshot(&corpus, file, containers, startup));
    }
}

#[cfg(unix)]
#[test]
fn patched_start_commands_behave_like_the_originals() {
    let Some(corpus) = corpus::dir() else {
        return;
    };
    for file in [
        "cmd-only-awk-single-quotes-nested.json",
        "cmd-only-dollar-paren-escaped-quotes.json",
        "cmd-only-regex-backslashes.json",
    ] {
        same_behaviour::assert_same_exit_and_output(&corpus.join("valid").join(file));
    }
}
