//! `patch` and `check` against the corpus of real task definitions in
//! `../shared/corpus` (byte-for-byte copies of public files; see its
//! README and SOURCES.tsv).
//!
//! Every valid file is either patched, and then must parse, still be a
//! task definition, equal the input on every field patch does not touch,
//! run the same start command, pass `check` for what was patched, and not
//! change when patched again; or it is refused on purpose with the reason
//! it should be refused for. Every invalid file is refused with exit 2, a
//! one-line message and no file written.

// This suite needs the paths, not just the yes/no.
#[allow(dead_code)]
#[path = "common/tools.rs"]
mod tools;

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use ddecs_wizard::core::check::check;
use ddecs_wizard::core::container::{self, Role};
use ddecs_wizard::core::entrypoint::recover_startup_command;
use ddecs_wizard::core::patch::{patch, PatchOptions, Patched};
use ddecs_wizard::core::report::Severity;
use ddecs_wizard::core::taskdef::{self, Document, READ_ONLY_FIELDS};
use ddecs_wizard::output::diff;
use serde_json::{Map, Value};

const CORPUS: &str = "../shared/corpus";

/// What one run of patch on one file must do.
enum Expect {
    /// Patched; each (container, start command) must be what its new
    /// entryPoint runs. An empty list means no entryPoint was wrapped.
    Patched(&'static [(&'static str, &'static str)]),
    /// Refused, with this text in the message.
    Refused(&'static str),
}

struct Case {
    file: &'static str,
    containers: &'static [&'static str],
    startup: Option<&'static str>,
    expect: Expect,
}

const fn case(file: &'static str, expect: Expect) -> Case {
    Case {
        file,
        containers: &[],
        startup: None,
        expect,
    }
}

const fn with(
    file: &'static str,
    containers: &'static [&'static str],
    startup: Option<&'static str>,
    expect: Expect,
) -> Case {
    Case {
        file,
        containers,
        startup,
        expect,
    }
}

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

/// The fields patch may change in a container.
const TOUCHED: [&str; 5] = [
    "entryPoint",
    "command",
    "environment",
    "portMappings",
    "dockerLabels",
];

fn corpus(dir: &str) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = fs::read_dir(Path::new(CORPUS).join(dir))
        .unwrap_or_else(|e| panic!("{CORPUS}/{dir} must exist beside the crate: {e}"))
        .map(|entry| entry.unwrap().path())
        .collect();
    files.sort();
    files
}

fn read(path: &Path) -> Document {
    taskdef::read(&fs::read(path).unwrap()).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn options(case: &Case) -> PatchOptions {
    options_for(case.containers, case.startup)
}

fn options_for(containers: &[&str], startup: Option<&str>) -> PatchOptions {
    PatchOptions {
        containers: containers.iter().map(|c| c.to_string()).collect(),
        startup_command: startup.map(str::to_owned),
        ..PatchOptions::default()
    }
}

/// The entries of a map without the touched fields, in order.
fn untouched(map: &Map<String, Value>) -> Vec<(&String, &Value)> {
    map.iter()
        .filter(|(k, _)| !TOUCHED.contains(&k.as_str()))
        .collect()
}

fn entries<'a>(container: &'a Value, key: &str) -> &'a [Value] {
    container
        .get(key)
        .and_then(Value::as_array)
        .map_or(&[], Vec::as_slice)
}

/// Every difference between input and output that patch had no business
/// making.
fn untouched_differences(input: &Document, output: &Value, targets: &[usize]) -> Vec<String> {
    let mut problems = Vec::new();
    if let Some(task) = input.task() {
        let without = |m: &Map<String, Value>| -> Vec<(String, Value)> {
            m.iter()
                .filter(|(k, _)| *k != "containerDefinitions")
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect()
        };
        if without(task) != without(output.as_object().unwrap()) {
            problems.push("task-level fields changed".to_owned());
        }
        for field in READ_ONLY_FIELDS {
            if output.get(field).is_some() {
                problems.push(format!("read-only field {field} kept"));
            }
        }
    }
    let patched_doc = taskdef::read(output.to_string().as_bytes()).unwrap();
    let after = patched_doc.containers();
    let before = input.containers();
    if before.len() != after.len() {
        problems.push("container count changed".to_owned());
        return problems;
    }
    for (index, (old, new)) in before.iter().zip(after).enumerate() {
        let name = container::name(old);
        let is_agent = container::role(old) == Role::Agent;
        if !targets.contains(&index) && !is_agent {
            // An app next to a sidecar may only learn to wait for it.
            let mut old = old.clone();
            let mut new = new.clone();
            for c in [&mut old, &mut new] {
                c.as_object_mut().unwrap().shift_remove("dependsOn");
            }
            if old != new {
                problems.push(format!("{name}: not a target, but changed"));
            }
            continue;
        }
        if untouched(old.as_object().unwrap()) != untouched(new.as_object().unwrap()) {
            problems.push(format!("{name}: a field patch does not touch changed"));
        }
        let new_env = entries(new, "environment");
        for entry in entries(old, "environment") {
            let var = entry["name"].as_str().unwrap_or("");
            let may_change = [
                "DD_AGENT_HOST",
                "DD_APM_ENABLED",
                "DD_APM_NON_LOCAL_TRAFFIC",
            ]
            .contains(&var);
            if !may_change && !new_env.contains(entry) {
                problems.push(format!("{name}: env {var} lost or changed"));
            }
        }
        let new_ports = entries(new, "portMappings");
        for mapping in entries(old, "portMappings") {
            let is_apm = mapping.get("containerPort").and_then(Value::as_u64) == Some(8126);
            if !is_apm && !new_ports.contains(mapping) {
                problems.push(format!("{name}: a port mapping was lost"));
            }
        }
        if old.get("dockerLabels") != new.get("dockerLabels") {
            problems.push(format!(
                "{name}: labels changed without --env/--service/--service-version"
            ));
        }
    }
    problems
}

/// Checks one successful patch; returns what is wrong with it.
fn verify_patched(
    path: &Path,
    case: &Case,
    input: &Document,
    patched: &Patched,
    startups: &[(&str, &str)],
) -> Vec<String> {
    let mut problems = Vec::new();
    let text = taskdef::render(&patched.value, &input.layout);
    let reread = match taskdef::read(text.as_bytes()) {
        Ok(doc) => doc,
        Err(e) => return vec![format!("output is not a task definition: {e}")],
    };
    let names: Vec<&str> = input.containers().iter().map(container::name).collect();
    let targets: Vec<usize> = if case.containers.is_empty() {
        startups
            .iter()
            .filter_map(|(c, _)| names.iter().position(|n| n == c))
            .collect()
    } else {
        case.containers
            .iter()
            .filter_map(|c| names.iter().position(|n| n == c))
            .collect()
    };
    problems.extend(untouched_differences(input, &patched.value, &targets));
    for (name, expected) in startups {
        let index = names.iter().position(|n| n == name).unwrap();
        let script = reread.containers()[index]["entryPoint"][2]
            .as_str()
            .unwrap_or("");
        match recover_startup_command(script) {
            Some(startup) if startup == *expected => {}
            other => problems.push(format!("{name}: runs {other:?}, expected {expected:?}")),
        }
        if container::argv(&reread.containers()[index], "command").is_some() {
            problems.push(format!("{name}: command kept beside the wrapper"));
        }
    }
    if startups.is_empty() {
        for (old, new) in input.containers().iter().zip(reread.containers()) {
            if old.get("entryPoint") != new.get("entryPoint") {
                problems.push(format!("{}: entryPoint changed", container::name(old)));
            }
        }
    }
    let again = patch(&reread, &options(case)).map(|p| taskdef::render(&p.value, &reread.layout));
    if again.as_deref() != Ok(text.as_str()) {
        problems.push("patching the output again changed it".to_owned());
    }
    let report = check(&reread);
    for finding in report
        .findings
        .iter()
        .filter(|f| f.rule.severity == Severity::Error)
    {
        let concerns = finding
            .container
            .as_deref()
            .and_then(|c| names.iter().position(|n| *n == c));
        let patched_one = concerns.is_some_and(|i| {
            targets.contains(&i) || container::role(&input.containers()[i]) == Role::Agent
        });
        if patched_one {
            problems.push(format!(
                "check after patch: {} {}",
                finding.rule.id, finding.message
            ));
        }
    }
    problems
        .into_iter()
        .map(|p| format!("{} {:?}: {p}", path.display(), case.containers))
        .collect()
}

#[test]
fn every_valid_file_is_patched_or_refused_on_purpose() {
    let files = corpus("valid");
    let covered: BTreeSet<&str> = CASES.iter().map(|c| c.file).collect();
    let present: BTreeSet<String> = files
        .iter()
        .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    assert_eq!(
        present.iter().map(String::as_str).collect::<BTreeSet<_>>(),
        covered,
        "every valid corpus file needs a case, and every case a file"
    );
    let mut problems = Vec::new();
    for case in CASES {
        let path = Path::new(CORPUS).join("valid").join(case.file);
        let input = read(&path);
        match (patch(&input, &options(case)), &case.expect) {
            (Ok(patched), Expect::Patched(startups)) => {
                problems.extend(verify_patched(&path, case, &input, &patched, startups));
            }
            (Err(e), Expect::Refused(why)) if e.to_string().contains(why) => {}
            (Err(e), _) => problems.push(format!("{}: refused: {e}", case.file)),
            (Ok(_), Expect::Refused(why)) => {
                problems.push(format!("{}: patched, expected refusal {why:?}", case.file))
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn every_valid_file_can_be_checked() {
    for path in corpus("valid") {
        let report = check(&read(&path));
        let json = report.to_json("x");
        assert_eq!(
            json["findings"].as_array().unwrap().len(),
            report.findings.len()
        );
    }
}

fn binary() -> Command {
    Command::new(env!("CARGO_BIN_EXE_ddecs-wizard"))
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
    let files = corpus("invalid");
    let expected: BTreeSet<&str> = INVALID.iter().map(|(f, _)| *f).collect();
    let present: Vec<String> = files
        .iter()
        .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    assert_eq!(
        present.iter().map(String::as_str).collect::<BTreeSet<_>>(),
        expected
    );
    let dir = tempfile::tempdir().unwrap();
    for (file, message) in INVALID {
        let original = fs::read(Path::new(CORPUS).join("invalid").join(file)).unwrap();
        let copy = dir.path().join(file);
        fs::write(&copy, &original).unwrap();
        let out = dir.path().join("out.json");
        let runs = [
            vec![
                "patch".into(),
                copy.clone().into_os_string(),
                "-o".into(),
                out.clone().into_os_string(),
            ],
            vec![
                "patch".into(),
                "--in-place".into(),
                copy.clone().into_os_string(),
            ],
            vec![
                "patch".into(),
                "--diff".into(),
                copy.clone().into_os_string(),
            ],
            vec!["check".into(), copy.clone().into_os_string()],
        ];
        for args in runs {
            let output = binary().args(&args).output().unwrap();
            let stderr = String::from_utf8_lossy(&output.stderr);
            assert_eq!(output.status.code(), Some(2), "{file} {args:?}: {stderr}");
            assert!(
                output.stdout.is_empty(),
                "{file} {args:?}: printed to stdout"
            );
            assert_eq!(stderr.lines().count(), 1, "{file}: one line: {stderr}");
            let expected = format!("ddecs-wizard: {}{message}", copy.display());
            assert!(
                stderr.starts_with(&expected),
                "{file}:\n  got  {stderr}  want {expected}"
            );
            assert!(!out.exists(), "{file}: -o wrote a file");
            assert_eq!(
                fs::read(&copy).unwrap(),
                original,
                "{file}: --in-place changed it"
            );
        }
        let leftovers: Vec<_> = fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .filter(|n| n.to_string_lossy().starts_with(".ddecs-wizard-"))
            .collect();
        assert!(leftovers.is_empty(), "temporary files left: {leftovers:?}");
        fs::remove_file(&copy).unwrap();
    }
}

/// A report of one file: what patch says and changes, and what check finds
/// before and after.
fn snapshot(file: &str, containers: &[&str], startup: Option<&str>) -> String {
    let path = Path::new(CORPUS).join("valid").join(file);
    let bytes = fs::read(&path).unwrap();
    let input = read(&path);
    let patched = patch(&input, &options_for(containers, startup)).unwrap();
    let text = taskdef::render(&patched.value, &input.layout);
    let original = String::from_utf8_lossy(&bytes);
    let mut secrets = container::secret_values(&input.value);
    secrets.extend(container::secret_values(&patched.value));
    let after = taskdef::read(text.as_bytes()).unwrap();
    format!(
        "== notes\n{}\n== diff\n{}== check before\n{}== check after\n{}",
        patched.notes.join("\n"),
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
        insta::assert_snapshot!(name, snapshot(file, containers, startup));
    }
}

/// A PATH of busybox applets and nothing else: no curl, so the patched
/// script skips the IMDS lookup at once, and the same tools for both runs.
fn busybox_path(dir: &Path, busybox: &Path) -> PathBuf {
    let bin = dir.join("bin");
    fs::create_dir_all(&bin).unwrap();
    for applet in [
        "cat", "grep", "egrep", "awk", "hostname", "sed", "sleep", "sh", "[",
    ] {
        std::os::unix::fs::symlink(busybox, bin.join(applet)).unwrap();
    }
    bin
}

#[cfg(unix)]
#[test]
fn patched_start_commands_behave_like_the_originals() {
    let (Some(dash), Some(busybox)) = (
        tools::find("dash", "dash"),
        tools::find("busybox", "busybox"),
    ) else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let path = busybox_path(dir.path(), &busybox);
    let shells: [(&Path, &[&str]); 2] = [(&dash, &[]), (&busybox, &["sh"])];
    for file in [
        "cmd-only-awk-single-quotes-nested.json",
        "cmd-only-dollar-paren-escaped-quotes.json",
        "cmd-only-regex-backslashes.json",
    ] {
        let input = read(&Path::new(CORPUS).join("valid").join(file));
        let original = container::start_argv(&input.containers()[0]);
        let patched = patch(&input, &PatchOptions::default()).unwrap();
        let after = taskdef::read(patched.value.to_string().as_bytes()).unwrap();
        let wrapped = container::start_argv(&after.containers()[0]);
        assert_eq!(wrapped[..2], ["sh", "-c"]);
        for (shell, shell_args) in shells {
            // argv[0] is `sh`: run the rest of the argv under this shell.
            let run = |args: &[String]| {
                let output = Command::new(shell)
                    .args(shell_args)
                    .args(args)
                    .env_clear()
                    .env("PATH", &path)
                    .output()
                    .unwrap();
                (output.status.code(), output.stdout)
            };
            let before = run(&original[1..]);
            assert!(
                before.0.is_some_and(|code| code == 1 || code == 42),
                "{file}: {before:?}"
            );
            assert_eq!(
                run(&wrapped[1..]),
                before,
                "{file} under {}",
                shell.display()
            );
            let syntax = run(&["-n".to_owned(), "-c".to_owned(), wrapped[2].clone()]);
            assert_eq!(
                syntax.0,
                Some(0),
                "{file}: the patched script does not parse"
            );
        }
    }
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(256))]

    /// Bad input of every kind is refused, never a panic: corpus files with
    /// bytes cut out, or JSON punctuation and placeholders put in.
    #[test]
    fn mangled_corpus_files_never_panic(
        file in 0usize..41,
        at in 0.0f64..1.0,
        cut in 0usize..40,
        insert in proptest::sample::select(vec!["", "{", "}", "[", "]", ",", ":", "\"", "\\", "${x}", "<X>", "null", "\u{FEFF}", "é", "\r\n"]),
    ) {
        let files = corpus("valid");
        let mut bytes = fs::read(&files[file % files.len()]).unwrap();
        let start = ((bytes.len() as f64) * at) as usize;
        let end = (start + cut).min(bytes.len());
        bytes.splice(start..end, insert.bytes());
        if let Ok(document) = taskdef::read(&bytes) {
            let _ = check(&document).to_text("x");
            let _ = patch(&document, &PatchOptions::default());
            let first = container::name(&document.containers()[0]).to_owned();
            let _ = patch(&document, &options_for(&[&first], Some("./run")));
        }
    }
}
