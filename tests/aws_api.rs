//! What we write must register: every generated task definition and
//! container, and every fixture and corpus file after `patch`, passes the
//! validation the AWS CLI runs on `register-task-definition
//! --cli-input-json` (botocore's ECS model: parameter names, types,
//! required members), plus the model's enum values.

// Shared with the patch suites; the corpus suite notes when it is absent.
#[allow(dead_code)]
#[path = "common/corpus.rs"]
mod corpus;

#[path = "common/botocore.rs"]
mod botocore;

use std::fs;
use std::path::Path;
use std::process::Command;

use ddecs_wizard::core::{render, Artifact, Config, Imds, Language, Tags};
use serde_json::{json, Map, Value};

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
                site: ddecs_wizard::core::model::config::Site::Eu1,
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
    botocore::assert_all_valid("RegisterTaskDefinition", &documents);
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
    botocore::assert_all_valid("RegisterTaskDefinition", &documents);
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
    botocore::assert_all_valid("RegisterTaskDefinition", &documents);
}

/// `patch --tracer inject` output registers, per language, transport and
/// launch type, and so does `patch --remove` of it.
#[test]
fn injected_and_removed_tasks_register() {
    let dir = tempfile::tempdir().unwrap();
    let arn = "arn:aws:secretsmanager:us-east-1:123456789012:secret:dd";
    let mut documents = Map::new();
    for (language, command) in [
        ("python", json!(["gunicorn", "app:app"])),
        ("nodejs", json!(["node", "server.js"])),
        ("java", json!(["java", "-jar", "app.jar"])),
        ("dotnet", json!(["dotnet", "App.dll"])),
        ("ruby", json!(["bundle", "exec", "puma"])),
        ("php", json!(["php-fpm", "-F"])),
    ] {
        for fargate in [false, true] {
            for transport in ["tcp", "uds"] {
                let mut task = json!({"family": "web", "containerDefinitions": [
                    {"name": "web", "image": "shop:1", "essential": true, "memory": 256, "command": command}
                ]});
                let mut args = vec!["--tracer", "inject", "--transport", transport];
                if fargate {
                    task["requiresCompatibilities"] = json!(["FARGATE"]);
                    task["networkMode"] = json!("awsvpc");
                    task["cpu"] = json!("256");
                    task["memory"] = json!("512");
                    args.extend(["--api-key-secret-arn", arn]);
                }
                let path = dir
                    .path()
                    .join(format!("{language}-{fargate}-{transport}.json"));
                fs::write(&path, serde_json::to_string_pretty(&task).unwrap()).unwrap();
                let out = Command::new(env!("CARGO_BIN_EXE_ddecs-wizard"))
                    .arg("patch")
                    .arg(&path)
                    .args(&args)
                    .arg("--in-place")
                    .output()
                    .unwrap();
                assert!(
                    out.status.success(),
                    "{}",
                    String::from_utf8_lossy(&out.stderr)
                );
                let name = format!("{language} fargate={fargate} {transport}");
                let text = fs::read_to_string(&path).unwrap();
                assert!(text.contains("dd-lib-"), "{name}: no init container");
                documents.insert(format!("inject {name}"), Value::String(text));
                let out = Command::new(env!("CARGO_BIN_EXE_ddecs-wizard"))
                    .arg("patch")
                    .arg(&path)
                    .arg("--remove")
                    .output()
                    .unwrap();
                assert!(
                    out.status.success(),
                    "{}",
                    String::from_utf8_lossy(&out.stderr)
                );
                let removed = String::from_utf8(out.stdout).unwrap();
                documents.insert(format!("remove {name}"), Value::String(removed));
            }
        }
    }
    botocore::assert_all_valid("RegisterTaskDefinition", &documents);
}
