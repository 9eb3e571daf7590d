//! Every `check` rule against the project's own fixtures in
//! `tests/fixtures/check/RULE/`: `fires.json` must give the finding at the
//! JSON value it is about (pointer, line and column), `quiet.json`, a file
//! close to it, must not give it. So no rule can go silent, start firing on
//! correct files, or lose its place in the file without a test failing.

use std::fs;
use std::path::{Path, PathBuf};

use ddecs_wizard::core::lint::report::{Report, Severity};
use ddecs_wizard::core::lint::{check, unreadable, RULES};
use ddecs_wizard::core::taskdef::document;
use ddecs_wizard::core::{render, Artifact, Config, LaunchType, Transport};

const FIXTURES: &str = "tests/fixtures/check";

/// Each rule, the pointer of the value its `fires.json` finding is about,
/// and where that value starts. DDECS000 has no value, only the place the
/// reader stopped.
const FIRES_AT: &[(&str, &str, usize, usize)] = &[
    ("DDECS000", "", 4, 43),
    ("DDECS001", "/containerDefinitions/0/portMappings", 12, 23),
    ("DDECS002", "/containerDefinitions/0/image", 10, 16),
    (
        "DDECS003",
        "/containerDefinitions/0/environment/0/value",
        28,
        20,
    ),
    ("DDECS004", "/containerDefinitions/0/portMappings/1", 18, 9),
    ("DDECS005", "/containerDefinitions/0/image", 10, 16),
    ("DDECS010", "/containerDefinitions/1", 26, 5),
    (
        "DDECS011",
        "/containerDefinitions/0/environment/0/value",
        20,
        20,
    ),
    (
        "DDECS012",
        "/containerDefinitions/0/environment/0/value",
        20,
        20,
    ),
    (
        "DDECS013",
        "/containerDefinitions/1/environment/0/value",
        65,
        20,
    ),
    (
        "DDECS014",
        "/containerDefinitions/0/environment/0/value",
        20,
        20,
    ),
    ("DDECS015", "/containerDefinitions/1/entryPoint/2", 33, 9),
    ("DDECS016", "/containerDefinitions/1/entryPoint/2", 33, 9),
    ("DDECS017", "/containerDefinitions/0", 10, 5),
    ("DDECS018", "/networkMode", 3, 18),
    ("DDECS019", "/containerDefinitions/0", 8, 5),
    ("DDECS020", "/containerDefinitions/0/portMappings/1", 18, 9),
    ("DDECS021", "/containerDefinitions/1/portMappings/0", 36, 9),
    ("DDECS030", "/containerDefinitions/1/entryPoint/2", 33, 9),
    ("DDECS031", "/containerDefinitions/1/environment", 35, 22),
    (
        "DDECS032",
        "/containerDefinitions/0/environment/0/value",
        28,
        20,
    ),
    ("DDECS033", "/containerDefinitions/1/image", 28, 16),
    (
        "DDECS034",
        "/containerDefinitions/0/environment/0/value",
        23,
        20,
    ),
    ("DDECS035", "/containerDefinitions/1/image", 28, 16),
    ("DDECS036", "", 1, 1),
    ("DDECS037", "/taskRoleArn", 37, 18),
    (
        "DDECS040",
        "/containerDefinitions/0/environment/0/value",
        20,
        20,
    ),
    ("DDECS041", "/containerDefinitions/1/mountPoints/0", 69, 9),
    (
        "DDECS042",
        "/containerDefinitions/0/mountPoints/0/readOnly",
        29,
        23,
    ),
    ("DDECS043", "/containerDefinitions/0/environment", 20, 22),
    ("DDECS044", "/containerDefinitions/0/environment", 20, 22),
    ("DDECS045", "/containerDefinitions/1", 47, 5),
    (
        "DDECS046",
        "/containerDefinitions/1/dependsOn/0/condition",
        59,
        24,
    ),
    (
        "DDECS047",
        "/containerDefinitions/0/environment/1/value",
        24,
        20,
    ),
    ("DDECS048", "/containerDefinitions/1/entryPoint/2", 33, 9),
    ("DDECS049", "/containerDefinitions/0", 10, 5),
    ("DDECS050", "/containerDefinitions/0/mountPoints/0", 24, 9),
    ("DDECS051", "/containerDefinitions/1/image", 21, 16),
    (
        "DDECS052",
        "/containerDefinitions/1/environment/0/value",
        59,
        20,
    ),
    (
        "DDECS060",
        "/containerDefinitions/0/environment/3/value",
        30,
        20,
    ),
    ("DDECS061", "/containerDefinitions/0/dependsOn", 45, 20),
    ("DDECS062", "/containerDefinitions/1/essential", 59, 20),
    ("DDECS063", "/containerDefinitions/0/environment/4", 32, 9),
    ("DDECS064", "/containerDefinitions/1/image", 58, 16),
    (
        "DDECS070",
        "/containerDefinitions/0/environment/3/value",
        34,
        20,
    ),
    (
        "DDECS071",
        "/containerDefinitions/0/environment/3/value",
        35,
        20,
    ),
    ("DDECS072", "/pidMode", 90, 14),
    (
        "DDECS080",
        "/containerDefinitions/0/logConfiguration/logDriver",
        42,
        22,
    ),
    (
        "DDECS081",
        "/containerDefinitions/0/logConfiguration",
        41,
        27,
    ),
];

fn fixture(rule: &str, name: &str) -> PathBuf {
    Path::new(FIXTURES).join(rule).join(format!("{name}.json"))
}

/// What `check` reports for a file, a file that does not read included.
fn report_of(path: &Path) -> Report {
    let bytes = fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    document::read(&bytes).map_or_else(|e| unreadable(&e), |document| check(&document))
}

fn report_of_text(text: &str) -> Report {
    check(&document::read(text.as_bytes()).unwrap())
}

#[test]
fn every_rule_has_a_firing_and_a_quiet_fixture() {
    let rules: Vec<&str> = RULES.iter().map(|r| r.id).collect();
    let table: Vec<&str> = FIRES_AT.iter().map(|(id, ..)| *id).collect();
    assert_eq!(table, rules);
    let mut dirs: Vec<String> = fs::read_dir(FIXTURES)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    dirs.sort();
    assert_eq!(dirs, rules, "one directory per rule under {FIXTURES}");
    for rule in rules {
        for name in ["fires", "quiet"] {
            assert!(fixture(rule, name).is_file(), "{rule}/{name}.json");
        }
    }
}

#[test]
fn each_rule_fires_at_its_value_and_stays_quiet_on_the_close_file() {
    let mut problems = Vec::new();
    for (id, pointer, line, column) in FIRES_AT {
        let fired = report_of(&fixture(id, "fires"));
        match fired.findings.iter().find(|f| f.rule.id == *id) {
            None => problems.push(format!("{id} did not fire: {fired:?}")),
            Some(f) => {
                let at = f.at.map(|at| (at.line, at.column));
                if f.pointer != *pointer || at != Some((*line, *column)) {
                    problems.push(format!(
                        "{id} at {:?} {at:?}, expected {pointer:?} {line}:{column}",
                        f.pointer
                    ));
                }
            }
        }
        let quiet = report_of(&fixture(id, "quiet"));
        if quiet.findings.iter().any(|f| f.rule.id == *id) {
            problems.push(format!("{id} fired on quiet.json"));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn every_finding_of_every_fixture_has_a_place() {
    for (id, ..) in FIRES_AT {
        for name in ["fires", "quiet"] {
            for finding in report_of(&fixture(id, name)).findings {
                assert!(finding.at.is_some(), "{id}/{name}: {finding:?}");
            }
        }
    }
}

#[test]
fn reports_never_show_environment_values() {
    for (id, ..) in FIRES_AT {
        let report = report_of(&fixture(id, "fires"));
        let text = report.to_text("t.json") + &report.to_json("t.json").to_string();
        for secret in [
            "10.0.0.5",
            "0123456789abcdef",
            "team:checkout",
            "agent.internal",
        ] {
            assert!(!text.contains(secret), "{id}: {secret} shown in:\n{text}");
        }
    }
}

/// The issue behind the severity review: one untraced container was an
/// error (DDECS010) while two were info (DDECS019). Now what a container
/// shows decides, not how many there are.
#[test]
fn severity_does_not_depend_on_how_many_containers_there_are() {
    let untraced = r#"{"name": "db", "image": "postgres:16"}"#;
    let traced =
        r#"{"name": "web", "image": "web:1", "command": ["ddtrace-run", "python", "app.py"]}"#;
    let rules = |containers: &[&str]| -> Vec<&str> {
        let text = format!(
            r#"{{"family": "t", "containerDefinitions": [{}]}}"#,
            containers.join(",")
        );
        report_of_text(&text)
            .findings
            .iter()
            .map(|f| f.rule.id)
            .collect()
    };
    assert_eq!(rules(&[untraced]), ["DDECS019"]);
    assert_eq!(rules(&[untraced, untraced]), ["DDECS019", "DDECS019"]);
    assert_eq!(rules(&[traced]), ["DDECS010"]);
    assert_eq!(rules(&[traced, untraced]), ["DDECS010", "DDECS019"]);
    // A New Relic (or any non-Datadog) Fargate task is not a Datadog error.
    let fargate = |containers: &str| {
        report_of_text(&format!(
            r#"{{"family": "t", "requiresCompatibilities": ["FARGATE"], "containerDefinitions": [{containers}]}}"#
        ))
    };
    let new_relic = fargate(
        r#"{"name": "app", "image": "app:1"}, {"name": "log_router", "image": "amazon/aws-for-fluent-bit", "firelensConfiguration": {"type": "fluentbit"}}"#,
    );
    assert!(!new_relic.has_errors(), "{new_relic:?}");
    assert!(fargate(traced).has_errors());
}

/// The false positive in the issue: a script that ends in `exit` starts no
/// long-running process, so there is nothing to exec. Written against
/// `core::shell::last_command`, which another change rewrites on one
/// tokenizer: this test pins the behaviour both must keep.
#[test]
fn a_script_that_ends_in_exit_needs_no_exec() {
    let script = |text: &str| {
        let task = serde_json::json!({"family": "t", "containerDefinitions": [
            {"name": "app", "image": "busybox", "entryPoint": ["sh", "-c", text]}
        ]});
        report_of_text(&task.to_string())
            .findings
            .iter()
            .any(|f| f.rule.id == "DDECS030")
    };
    assert!(!script(
        "[ \"$(hostname)\" = \"web\" ] && exit 42 || exit 1"
    ));
    assert!(!script("sleep 1; wget -O- http://nginx && exit 42; exit 1"));
    assert!(script("cd /app; python app.py"));
    assert!(!script("cd /app; exec python app.py"));
}

#[test]
fn our_own_generated_files_have_no_errors() {
    let mut checked = 0;
    for launch_type in LaunchType::ALL {
        for transport in Transport::ALL {
            let config = Config {
                launch_type,
                transport,
                ..Config::default()
            };
            if config.validate().is_err() {
                continue;
            }
            for artifact in Artifact::applicable(&config) {
                let Ok(text) = render(&config, artifact) else {
                    continue;
                };
                // Text artifacts (entryPoint, snippets) are no task definitions.
                let Ok(document) = document::read(text.as_bytes()) else {
                    continue;
                };
                checked += 1;
                let report = check(&document);
                let errors: Vec<_> = report
                    .findings
                    .iter()
                    .filter(|f| f.rule.severity == Severity::Error)
                    .collect();
                assert!(
                    errors.is_empty(),
                    "{launch_type} {transport} {artifact}: {errors:?}"
                );
            }
        }
    }
    // Agent and app task definitions and containers, for each combination.
    assert!(checked >= 16, "only {checked} artifacts checked");
}
