//! `patch` across launch types and transports on the real-world corpus
//! (`../shared/corpus`, or `DDECS_CORPUS=DIR`; required when `CI` is set):
//! every Fargate task that has no agent gets the sidecar with
//! `--api-key-secret-arn` and then registers and passes `check`; every EC2
//! file switches to the Unix socket, registers, stays put when patched
//! again, and switches back to exactly the TCP file.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use ddecs_wizard::core::config::LaunchType;
use ddecs_wizard::core::task_context::TaskContext;
use ddecs_wizard::core::taskdef;
use serde_json::{json, Map, Value};
use tempfile::TempDir;

/// An ECS agent test fixture whose harness fills in its network mode: the
/// one problem botocore finds that comes from the input, which patch keeps.
const TEMPLATE_FILE: &str = "entrypoint-sh-c-plus-command-script.json";
const TEMPLATE: &str = "'$$$NETWORK_MODE$$$'";

const SECRET: &str = "arn:aws:secretsmanager:us-east-1:123456789012:secret:dd-api-key";

/// The valid corpus files, or `None` (with one note) when there is no corpus
/// beside the checkout and this is not CI.
fn corpus() -> Option<Vec<PathBuf>> {
    let dir = std::env::var_os("DDECS_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("../shared/corpus"));
    let valid = dir.join("valid");
    let Ok(entries) = fs::read_dir(&valid) else {
        assert!(
            std::env::var_os("CI").is_none(),
            "the corpus is required in CI: {} is missing",
            valid.display()
        );
        eprintln!(
            "note: skipping the corpus suite, {} is not there",
            valid.display()
        );
        return None;
    };
    let mut files: Vec<PathBuf> = entries.map(|e| e.unwrap().path()).collect();
    files.sort();
    Some(files)
}

fn wizard(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_ddecs-wizard"))
        .args(args)
        .output()
        .unwrap()
}

/// Patches `file` the simplest way it accepts, with `extra` flags: the
/// output text, or `None` when it needs more (several apps, refusals).
fn patch(file: &Path, extra: &[&str]) -> Option<String> {
    for startup in [&[][..], &["--startup-command", "app --serve"][..]] {
        let mut args = vec!["patch", file.to_str().unwrap()];
        args.extend_from_slice(startup);
        args.extend_from_slice(extra);
        let out = wizard(&args);
        if out.status.success() {
            return Some(String::from_utf8(out.stdout).unwrap());
        }
    }
    None
}

fn write(dir: &TempDir, name: &str, text: &str) -> PathBuf {
    let path = dir.path().join(name);
    fs::write(&path, text).unwrap();
    path
}

/// As register input: a bare array or container gets the family it would
/// get where it is used.
fn as_task(text: &str) -> Value {
    let value: Value = serde_json::from_str(text).unwrap();
    let mut task = match value {
        Value::Array(containers) => json!({ "containerDefinitions": containers }),
        Value::Object(map) if map.contains_key("containerDefinitions") => Value::Object(map),
        container => json!({ "containerDefinitions": [container] }),
    };
    if task.get("family").is_none() {
        task["family"] = json!("from-elsewhere");
    }
    task
}

/// botocore's RegisterTaskDefinition problems per document (empty when
/// valid); `None` when botocore is missing outside CI.
fn register_problems(documents: &Map<String, Value>) -> Option<Vec<String>> {
    let import = Command::new("python3")
        .args(["-c", "import botocore"])
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !import {
        assert!(
            std::env::var_os("CI").is_none(),
            "botocore is required in CI"
        );
        eprintln!("note: not validating, botocore is not installed");
        return None;
    }
    let mut child = Command::new("python3")
        .arg("tests/support/validate_ecs.py")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(&serde_json::to_vec(documents).unwrap())
        .unwrap();
    let output = child.wait_with_output().unwrap();
    let results: Map<String, Value> = serde_json::from_slice(&output.stdout).unwrap();
    Some(
        results
            .into_iter()
            .filter(|(name, found)| {
                found
                    .as_array()
                    .unwrap()
                    .iter()
                    .any(|p| !(name == TEMPLATE_FILE && p.as_str().unwrap().contains(TEMPLATE)))
            })
            .map(|(name, found)| format!("{name}: {found}"))
            .collect(),
    )
}

/// The one case the socket patch cannot tell apart: a key it had to create
/// is appended last, so an empty array someone wrote as the very last key,
/// which the socket patch filled, is taken for one it created and removed
/// again. Exactly that, and nothing else, may differ.
fn only_a_trailing_empty_array_differs(tcp: &str, back: &str) -> bool {
    let tcp: Value = serde_json::from_str(tcp).unwrap();
    let back: Value = serde_json::from_str(back).unwrap();
    let Some(map) = tcp.as_object() else {
        return false;
    };
    let Some((last, value)) = map.iter().next_back() else {
        return false;
    };
    let mut trimmed = map.clone();
    trimmed.shift_remove(last);
    value.as_array().is_some_and(Vec::is_empty) && Value::Object(trimmed) == back
}

fn launch_type(file: &Path) -> (Option<LaunchType>, bool, bool) {
    let document = taskdef::read(&fs::read(file).unwrap()).unwrap();
    let context = TaskContext::of(&document);
    (
        TaskContext::declared_launch_type(&document),
        context.fargate,
        context.has_agent,
    )
}

#[test]
fn fargate_tasks_without_an_agent_get_the_sidecar_register_and_pass_check() {
    let Some(files) = corpus() else { return };
    let dir = TempDir::new().unwrap();
    let mut documents = Map::new();
    let mut problems = Vec::new();
    for file in &files {
        let (_, fargate, has_agent) = launch_type(file);
        if !fargate || has_agent {
            continue;
        }
        let name = file.file_name().unwrap().to_string_lossy().into_owned();
        let Some(text) = patch(file, &["--api-key-secret-arn", SECRET]) else {
            problems.push(format!("{name}: still refused with --api-key-secret-arn"));
            continue;
        };
        let patched = write(&dir, &name, &text);
        let check = wizard(&["check", patched.to_str().unwrap()]);
        if check.status.code() != Some(0) {
            problems.push(format!(
                "{name}: check found errors: {}",
                String::from_utf8_lossy(&check.stdout)
            ));
        }
        let again = patch(&patched, &[]).unwrap_or_default();
        if again != text {
            problems.push(format!("{name}: patching again changed it"));
        }
        documents.insert(name, as_task(&text));
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    assert!(
        documents.len() >= 5,
        "only {} Fargate files without an agent",
        documents.len()
    );
    if let Some(problems) = register_problems(&documents) {
        assert!(problems.is_empty(), "{}", problems.join("\n"));
    }
}

#[test]
fn ec2_files_switch_to_the_socket_and_back_byte_for_byte() {
    let Some(files) = corpus() else { return };
    let dir = TempDir::new().unwrap();
    let mut documents = Map::new();
    let mut problems = Vec::new();
    for file in &files {
        let (declared, fargate, _) = launch_type(file);
        if fargate || declared.is_some_and(|l| l != LaunchType::Ec2) {
            continue;
        }
        let name = file.file_name().unwrap().to_string_lossy().into_owned();
        let Some(tcp) = patch(file, &["--transport", "tcp"]) else {
            continue;
        };
        let tcp_file = write(&dir, &format!("tcp-{name}"), &tcp);
        let Some(uds) = patch(&tcp_file, &["--transport", "uds"]) else {
            problems.push(format!("{name}: --transport uds refused"));
            continue;
        };
        let uds_file = write(&dir, &format!("uds-{name}"), &uds);
        if patch(&uds_file, &["--transport", "uds"]).as_deref() != Some(uds.as_str()) {
            problems.push(format!("{name}: --transport uds twice changed it"));
        }
        if patch(&uds_file, &[]).as_deref() != Some(uds.as_str()) {
            problems.push(format!("{name}: patch without --transport left the socket"));
        }
        let back = patch(&uds_file, &["--transport", "tcp"]).unwrap_or_default();
        if back != tcp && !only_a_trailing_empty_array_differs(&tcp, &back) {
            problems.push(format!("{name}: tcp -> uds -> tcp is not the tcp file"));
        }
        if uds.contains("169.254.169.254") {
            problems.push(format!("{name}: the socket file still looks up the host"));
        }
        documents.insert(name, as_task(&uds));
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    assert!(documents.len() >= 15, "only {} EC2 files", documents.len());
    if let Some(problems) = register_problems(&documents) {
        assert!(problems.is_empty(), "{}", problems.join("\n"));
    }
}
