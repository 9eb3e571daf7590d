//! What we write must register: every generated task definition and
//! container, and every fixture and corpus file after `patch`, passes the
//! validation the AWS CLI runs on `register-task-definition
//! --cli-input-json` (botocore's ECS model: parameter names, types,
//! required members), plus the model's enum values.

// Shared with the patch suites; the corpus suite notes when it is absent.
#[allow(dead_code)]
#[path = "common/corpus.rs"]
mod corpus;

use std::fs;
use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

use ddecs_wizard::core::{render, Artifact, Config, Imds, Language, Tags};
use serde_json::{json, Map, Value};

/// Runs the botocore validator on named register-task-definition inputs and
/// returns the problems of each; `None` when botocore is not installed
/// outside CI.
fn validate(documents: &Map<String, Value>) -> Option<Map<String, Value>> {
    let import = Command::new("python3")
        .args(["-c", "import botocore"])
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !import {
        assert!(
            std::env::var_os("CI").is_none(),
            "botocore is required for this test in CI: python3 -m pip install botocore"
        );
        eprintln!("note: skipping, botocore is not installed (python3 -m pip install botocore)");
        return None;
    }
    let mut child = Command::new("python3")
        .arg("tests/support/validate_ecs.py")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let input = serde_json::to_vec(documents).unwrap();
    child.stdin.take().unwrap().write_all(&input).unwrap();
    let output = child.wait_with_output().unwrap();
    assert!(output.status.success(), "the validator failed");
    Some(serde_json::from_slice(&output.stdout).unwrap())
}

/// Problems that come from the input itself, which patch keeps as it is:
/// (file, text in the problem).
const INPUT_PROBLEMS: &[(&str, &str)] = &[
    // An ECS agent test fixture: its harness fills in $$$NETWORK_MODE$$$.
    (
        "entrypoint-sh-c-plus-command-script.json",
        "'$$$NETWORK_MODE$$$'",
    ),
    // `1E2`, which patch must keep as written (the file is about that), is
    // a float to botocore, not the integer ECS takes.
    ("as-written-numbers-colons-blank-lines.json", "softLimit"),
];

fn assert_all_valid(documents: Map<String, Value>) {
    let Some(results) = validate(&documents) else {
        return;
    };
    assert_eq!(results.len(), documents.len());
    let problems: Vec<String> = results
        .iter()
        .filter_map(|(name, found)| {
            let found: Vec<&str> = found
                .as_array()
                .unwrap()
                .iter()
                .map(|p| p.as_str().unwrap())
                .filter(|p| {
                    !INPUT_PROBLEMS
                        .iter()
                        .any(|(f, text)| f == name && p.contains(text))
                })
                .collect();
            (!found.is_empty()).then(|| format!("{name}: {found:?}"))
        })
        .collect();
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

fn json_artifact(config: &Config, artifact: Artifact) -> Value {
    serde_json::from_str(&render(config, artifact).unwrap()).unwrap()
}

#[test]
fn generated_task_definitions_and_containers_register() {
    let mut documents = Map::new();
    for version in ["latest", "7", "7.17.1", "6.16.0"] {
        for secret in [
            None,
            Some("arn:aws:secretsmanager:us-east-1:123456789012:secret:dd"),
        ] {
            let config = Config {
                agent_version: version.parse().unwrap(),
                api_key_secret_arn: secret.map(str::to_owned),
                site: "datadoghq.eu".into(),
                ..Config::default()
            };
            documents.insert(
                format!("agent {version} secret={}", secret.is_some()),
                json_artifact(&config, Artifact::AgentTaskDefinition),
            );
        }
    }
    for language in Language::ALL {
        for imds in Imds::ALL {
            let config = Config {
                imds,
                tags: Tags {
                    service: Some("web".into()),
                    env: Some("prod".into()),
                    version: Some("1.2.3".into()),
                },
                ..Config::for_language(language)
            };
            let task = json!({
                "family": "app",
                "containerDefinitions": [
                    json_artifact(&config, Artifact::AppContainer),
                    json_artifact(&config, Artifact::AgentContainer),
                ]
            });
            documents.insert(format!("app {language} {imds}"), task);
        }
    }
    assert_all_valid(documents);
}

/// The text `patch` writes for a file, patched the simplest way it
/// accepts; `None` when it needs more than a start command (those refusals
/// are tested in patch_fixtures and patch_corpus).
fn patched(file: &Path) -> Option<String> {
    for extra in [&[][..], &["--startup-command", "app --serve"][..]] {
        let output = Command::new(env!("CARGO_BIN_EXE_ddecs-wizard"))
            .arg("patch")
            .arg(file)
            .args(extra)
            .output()
            .unwrap();
        if output.status.success() {
            return Some(String::from_utf8(output.stdout).unwrap());
        }
    }
    None
}

/// Every file of `dir/valid` that patches, as the text patch wrote: the
/// validator reads it as written (see validate_ecs.py).
fn patched_files(dir: &Path) -> Map<String, Value> {
    let mut files: Vec<_> = fs::read_dir(dir.join("valid"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    files
        .iter()
        .filter_map(|file| {
            let name = file.file_name().unwrap().to_string_lossy().into_owned();
            patched(file).map(|text| (name, Value::String(text)))
        })
        .collect()
}

#[test]
fn patched_fixtures_register() {
    let documents = patched_files(&Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures"));
    assert!(
        documents.len() >= 18,
        "only {} fixtures patched",
        documents.len()
    );
    assert_all_valid(documents);
}

#[test]
fn patched_corpus_files_register() {
    let Some(corpus) = corpus::dir_quietly() else {
        return;
    };
    let documents = patched_files(&corpus);
    assert!(
        documents.len() >= 20,
        "only {} corpus files patched",
        documents.len()
    );
    assert_all_valid(documents);
}
