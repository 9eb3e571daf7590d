//! Running `patch` over a directory of task definitions, each with what it
//! must do, and checking every result: shared by the project's fixtures
//! (`tests/patch_fixtures.rs`) and the real-world corpus
//! (`tests/patch_corpus.rs`).
//!
//! Needs `mod minimal_diff` (common/minimal_diff.rs) in the test crate.

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use ddecs_wizard::core::generate::entrypoint::recover_startup_command;
use ddecs_wizard::core::lint::check;
use ddecs_wizard::core::lint::report::Severity;
use ddecs_wizard::core::patch::{patch, PatchOptions, Patched};
use ddecs_wizard::core::taskdef::container::{self, Role};
use ddecs_wizard::core::taskdef::document::{self, Document, READ_ONLY_FIELDS};
use ddecs_wizard::core::Tags;
use serde_json::{Map, Value};

use crate::minimal_diff;

/// What one run of patch on one file must do.
pub enum Expect {
    /// Patched; each (container, start command) must be what its new
    /// entryPoint runs. An empty list means no entryPoint was wrapped.
    Patched(&'static [(&'static str, &'static str)]),
    /// Refused, with this text in the message.
    Refused(&'static str),
}

pub struct Case {
    pub file: &'static str,
    pub containers: &'static [&'static str],
    pub startup: Option<&'static str>,
    /// --env, --service, --service-version.
    pub tags: Option<[&'static str; 3]>,
    pub expect: Expect,
}

pub const fn case(file: &'static str, expect: Expect) -> Case {
    Case {
        file,
        containers: &[],
        startup: None,
        tags: None,
        expect,
    }
}

pub const fn with(
    file: &'static str,
    containers: &'static [&'static str],
    startup: Option<&'static str>,
    expect: Expect,
) -> Case {
    Case {
        file,
        containers,
        startup,
        tags: None,
        expect,
    }
}

/// A case run with --env, --service and --service-version.
pub const fn tagged(file: &'static str, tags: [&'static str; 3], expect: Expect) -> Case {
    Case {
        file,
        containers: &[],
        startup: None,
        tags: Some(tags),
        expect,
    }
}

/// The fields patch may change in a container.
const TOUCHED: [&str; 7] = [
    "dependsOn",
    "entryPoint",
    "command",
    "environment",
    "portMappings",
    "dockerLabels",
    "mountPoints",
];

/// The files of `dir/sub`, sorted.
pub fn files(dir: &Path, sub: &str) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = fs::read_dir(dir.join(sub))
        .unwrap_or_else(|e| panic!("{}/{sub}: {e}", dir.display()))
        .map(|entry| entry.unwrap().path())
        .collect();
    files.sort();
    files
}

pub fn read(path: &Path) -> Document {
    document::read(&fs::read(path).unwrap()).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

pub fn options(case: &Case) -> PatchOptions {
    let mut options = options_for(case.containers, case.startup);
    if let Some([env, service, version]) = case.tags {
        options.tags = Tags {
            env: Some(env.to_owned()),
            service: Some(service.to_owned()),
            version: Some(version.to_owned()),
        };
    }
    options
}

pub fn options_for(containers: &[&str], startup: Option<&str>) -> PatchOptions {
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
fn untouched_differences(
    input: &Document,
    output: &Value,
    targets: &[usize],
    tagged: bool,
) -> Vec<String> {
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
    let patched_doc = document::read(output.to_string().as_bytes()).unwrap();
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
        if !tagged && old.get("dockerLabels") != new.get("dockerLabels") {
            problems.push(format!(
                "{name}: labels changed without --env/--service/--service-version"
            ));
        }
    }
    problems
}

/// Checks one successful patch; returns what is wrong with it, and adds
/// the number of lines it changed to `changed`.
fn verify_patched(
    path: &Path,
    case: &Case,
    input: &Document,
    patched: &Patched,
    startups: &[(&str, &str)],
    changed: &mut Vec<String>,
) -> Vec<String> {
    let mut problems = Vec::new();
    let text = document::write(input, &patched.value);
    let reread = match document::read(text.as_bytes()) {
        Ok(doc) => doc,
        Err(e) => return vec![format!("output is not a task definition: {e}")],
    };
    if serde_json::from_str::<Value>(&text).ok().as_ref() != Some(&reread.value)
        || !same_in_order(&reread.value, &patched.value)
    {
        problems.push("the output does not hold exactly the patched value".to_owned());
    }
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
    problems.extend(untouched_differences(
        input,
        &patched.value,
        &targets,
        case.tags.is_some(),
    ));
    let review = minimal_diff::review(input, &text, &targets);
    changed.push(format!(
        "{} {:?}: -{} +{}",
        case.file, case.containers, review.removed, review.added
    ));
    problems.extend(
        review
            .strays
            .into_iter()
            .map(|line| format!("changed a line patch does not own: {line}")),
    );
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
    let again = patch(&reread, &options(case)).map(|p| document::write(&reread, &p.value));
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

/// Equal with objects' members in the same order: the text shows order.
fn same_in_order(a: &Value, b: &Value) -> bool {
    serde_json::to_string(a).ok() == serde_json::to_string(b).ok()
}

/// Runs every case on `dir/valid` (which must hold exactly the cases'
/// files) and fails with every problem found; returns the number of lines
/// each patch changed, one line per case, to snapshot.
pub fn run_valid(dir: &Path, cases: &[Case]) -> String {
    let files = files(dir, "valid");
    let covered: BTreeSet<&str> = cases.iter().map(|c| c.file).collect();
    let present: BTreeSet<String> = files
        .iter()
        .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    assert_eq!(
        present.iter().map(String::as_str).collect::<BTreeSet<_>>(),
        covered,
        "every valid file needs a case, and every case a file"
    );
    let mut problems = Vec::new();
    let mut changed = Vec::new();
    for case in cases {
        let path = dir.join("valid").join(case.file);
        let input = read(&path);
        match (patch(&input, &options(case)), &case.expect) {
            (Ok(patched), Expect::Patched(startups)) => {
                problems.extend(verify_patched(
                    &path,
                    case,
                    &input,
                    &patched,
                    startups,
                    &mut changed,
                ));
            }
            (Err(e), Expect::Refused(why)) if e.to_string().contains(why) => {}
            (Err(e), _) => problems.push(format!("{}: refused: {e}", case.file)),
            (Ok(_), Expect::Refused(why)) => {
                problems.push(format!("{}: patched, expected refusal {why:?}", case.file))
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    changed.join("\n")
}

/// `check` reads every file of `dir/valid` and reports in JSON what it
/// reports in text.
pub fn check_every_valid_file(dir: &Path) {
    for path in files(dir, "valid") {
        let report = check(&read(&path));
        let json = report.to_json("x");
        assert_eq!(
            json["findings"].as_array().unwrap().len(),
            report.findings.len(),
            "{}",
            path.display()
        );
    }
}

fn binary() -> Command {
    Command::new(env!("CARGO_BIN_EXE_ddecs-wizard"))
}

/// Every file of `dir/invalid` (exactly those of `table`) is refused by
/// patch (every output mode) and check with exit 2, one line on stderr
/// that starts with the file and `table`'s message, nothing on stdout, and
/// no file written or changed.
pub fn assert_invalid_refused(dir: &Path, table: &[(&str, &str)]) {
    let files = files(dir, "invalid");
    let expected: BTreeSet<&str> = table.iter().map(|(f, _)| *f).collect();
    let present: Vec<String> = files
        .iter()
        .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    assert_eq!(
        present.iter().map(String::as_str).collect::<BTreeSet<_>>(),
        expected
    );
    let scratch = tempfile::tempdir().unwrap();
    for (file, message) in table {
        let original = fs::read(dir.join("invalid").join(file)).unwrap();
        let copy = scratch.path().join(file);
        fs::write(&copy, &original).unwrap();
        let out = scratch.path().join("out.json");
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
        let leftovers: Vec<_> = fs::read_dir(scratch.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .filter(|n| n.to_string_lossy().starts_with(".ddecs-wizard-"))
            .collect();
        assert!(leftovers.is_empty(), "temporary files left: {leftovers:?}");
        fs::remove_file(&copy).unwrap();
    }
}
