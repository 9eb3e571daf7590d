//! `patch` across launch types and transports on the real-world corpus
//! (`../shared/corpus`, or `DDECS_CORPUS=DIR`; required when `CI` is set):
//! every Fargate task that has no agent gets the sidecar with
//! `--api-key-secret-arn` and then registers and passes `check`; every EC2
//! file switches to the Unix socket, registers, stays put when patched
//! again, and switches back to exactly the TCP file.

#[path = "common/botocore.rs"]
mod botocore;

#[allow(dead_code)]
#[path = "common/corpus.rs"]
mod corpus;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use ddecs_wizard::core::model::config::LaunchType;
use ddecs_wizard::core::taskdef::context::TaskContext;
use ddecs_wizard::core::taskdef::document;
use serde_json::{Map, Value};
use tempfile::TempDir;

const SECRET: &str = "arn:aws:secretsmanager:us-east-1:123456789012:secret:dd-api-key";

/// The valid corpus files, sorted; `None` without a corpus.
fn valid_files() -> Option<Vec<PathBuf>> {
    let dir = corpus::dir()?.join("valid");
    let mut files: Vec<PathBuf> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
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
    let document = document::read(&fs::read(file).unwrap()).unwrap();
    let context = TaskContext::of(&document);
    (
        TaskContext::declared_launch_type(&document),
        context.fargate,
        context.has_agent,
    )
}

#[test]
fn fargate_tasks_without_an_agent_get_the_sidecar_register_and_pass_check() {
    let Some(files) = valid_files() else { return };
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
        documents.insert(name, Value::String(text));
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    assert!(
        documents.len() >= 5,
        "only {} Fargate files without an agent",
        documents.len()
    );
    botocore::assert_all_valid("RegisterTaskDefinition", &documents);
}

#[test]
fn ec2_files_switch_to_the_socket_and_back_byte_for_byte() {
    let Some(files) = valid_files() else { return };
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
        documents.insert(name, Value::String(uds));
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    assert!(documents.len() >= 15, "only {} EC2 files", documents.len());
    botocore::assert_all_valid("RegisterTaskDefinition", &documents);
}
