//! The `generate` command as users and scripts run it: the real binary,
//! real files, real exit codes.

use std::fs;
use std::path::Path;
use std::process::{Command, Output, Stdio};

use ddecs_wizard::core::{render, Artifact, Config, Imds, Language};

fn wizard(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_ddecs-wizard"))
        .args(args)
        .env_remove("NO_COLOR")
        .stdin(Stdio::null())
        .output()
        .expect("the binary runs")
}

fn stdout(output: &Output) -> &str {
    std::str::from_utf8(&output.stdout).unwrap()
}

fn stderr(output: &Output) -> &str {
    std::str::from_utf8(&output.stderr).unwrap()
}

fn assert_usage_error(args: &[&str], expected: &str) {
    let out = wizard(args);
    assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
    assert!(out.stdout.is_empty(), "{args:?} printed to stdout");
    let message = stderr(&out);
    assert_eq!(
        message.lines().count(),
        1,
        "{args:?}: not one line: {message}"
    );
    assert!(message.contains(expected), "{args:?}: {message}");
    assert!(!message.contains('\x1b'), "escape codes in {message:?}");
}

#[test]
fn every_artifact_prints_exactly_what_the_core_renders() {
    for language in Language::ALL {
        for imds in Imds::ALL {
            let config = Config {
                imds,
                ..Config::for_language(language)
            };
            for artifact in Artifact::ALL {
                let args = [
                    "generate",
                    "--language",
                    language.cli_name(),
                    "--imds",
                    imds.cli_name(),
                    "--output",
                    artifact.cli_name(),
                ];
                let out = wizard(&args);
                match render(&config, artifact) {
                    Ok(text) => {
                        assert!(out.status.success(), "{args:?}: {}", stderr(&out));
                        assert_eq!(stdout(&out), text, "{args:?}");
                        assert!(out.stderr.is_empty());
                        if artifact.is_json() {
                            serde_json::from_str::<serde_json::Value>(stdout(&out)).unwrap();
                        }
                    }
                    Err(why) => {
                        assert_eq!(out.status.code(), Some(2), "{args:?}");
                        assert!(stderr(&out).contains(&why.to_string()), "{}", stderr(&out));
                        assert!(out.stdout.is_empty());
                    }
                }
            }
        }
    }
}

#[test]
fn done_means_php_v2_717_prints_a_complete_set() {
    let out = wizard(&[
        "generate",
        "--language",
        "php",
        "--imds",
        "v2",
        "--agent-version",
        "7.17",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    let headers: Vec<&str> = text.lines().filter(|l| l.starts_with("==> ")).collect();
    assert_eq!(
        headers,
        [
            "==> agent-task-definition <==",
            "==> agent-container <==",
            "==> app-task-definition <==",
            "==> app-container <==",
            "==> tracer-init-container <==",
            "==> entrypoint <==",
            "==> apache <==",
            "==> php-fpm <==",
        ]
    );
    assert!(text.contains("\"DD_APM_NON_LOCAL_TRAFFIC\""));
    assert!(text.contains("public.ecr.aws/datadog/agent:7.17\""));
    assert!(text.contains("PassEnv DD_AGENT_HOST"));
    assert!(text.contains("env[DD_AGENT_HOST] = $DD_AGENT_HOST"));
}

fn read_dir_sorted(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    names.sort();
    names
}

#[test]
fn out_dir_writes_every_applicable_file_and_reads_back_equal() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("out/nested");
    let config = Config::for_language(Language::Php);
    let out = wizard(&[
        "generate",
        "--language",
        "php",
        "--out-dir",
        dir.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        read_dir_sorted(&dir),
        [
            "NEXT-STEPS.md",
            "agent-container.json",
            "agent-task-definition.json",
            "apache-passenv.conf",
            "app-container.json",
            "app-task-definition.json",
            "php-fpm-www.conf",
            "tracer-init-container.json",
        ]
    );
    for artifact in Artifact::applicable(&Config::for_language(Language::Php)) {
        if let Some(name) = artifact.file_name(Language::Php) {
            let written = fs::read_to_string(dir.join(name)).unwrap();
            assert_eq!(written, render(&config, artifact).unwrap(), "{name}");
            assert!(stdout(&out).contains(&format!("wrote {}", dir.join(name).display())));
        }
    }
    let out = wizard(&[
        "generate",
        "--language",
        "go",
        "--out-dir",
        tmp.path().to_str().unwrap(),
    ]);
    assert!(out.status.success());
    assert!(tmp.path().join("tracer.go").exists());
    assert!(tmp.path().join("Dockerfile.datadog").exists());
}

#[test]
fn out_dir_never_overwrites_without_force() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().to_str().unwrap();
    assert!(wizard(&["generate", "--out-dir", dir]).status.success());
    fs::write(tmp.path().join("app-container.json"), "my edits").unwrap();
    fs::remove_file(tmp.path().join("agent-container.json")).unwrap();

    let out = wizard(&["generate", "--language", "java", "--out-dir", dir]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("already exist"), "{}", stderr(&out));
    assert!(stderr(&out).contains("--force"));
    assert_eq!(
        fs::read_to_string(tmp.path().join("app-container.json")).unwrap(),
        "my edits"
    );
    assert!(
        !tmp.path().join("agent-container.json").exists(),
        "a partial write happened"
    );

    let out = wizard(&[
        "generate",
        "--language",
        "java",
        "--out-dir",
        dir,
        "--force",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let java = Config::for_language(Language::Java);
    assert_eq!(
        fs::read_to_string(tmp.path().join("app-container.json")).unwrap(),
        render(&java, Artifact::AppContainer).unwrap()
    );
    // Atomic writes leave no temporary files behind.
    assert!(read_dir_sorted(tmp.path())
        .iter()
        .all(|n| !n.starts_with('.')));
}

#[test]
fn unwritable_out_dir_is_an_io_error_naming_the_path() {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("a-file");
    fs::write(&file, "").unwrap();
    let target = file.join("sub");
    let out = wizard(&["generate", "--out-dir", target.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("a-file"), "{}", stderr(&out));
    assert_eq!(stderr(&out).lines().count(), 1);
}

#[test]
fn usage_errors_exit_2_with_one_line_naming_the_flag() {
    assert_usage_error(&["generate", "--language", "cobol"], "--language");
    assert_usage_error(
        &["generate", "--language", "cobol"],
        "python, nodejs, ruby, go, java, dotnet, php",
    );
    assert_usage_error(&["generate", "--imds", "v3"], "v2, v1, metadata-file, auto");
    assert_usage_error(&["generate", "--agent-version", "7.x"], "--agent-version");
    assert_usage_error(&["generate", "--agent-version", "5.32.1"], "older than 6");
    assert_usage_error(
        &["generate", "--output", "helm"],
        "agent-task-definition, agent-container",
    );
    assert_usage_error(&["generate", "--output", "apache"], "apply to PHP only");
    assert_usage_error(
        &["generate", "--language", "java", "--output", "tracer-code"],
        "must be set in the entryPoint",
    );
    assert_usage_error(&["generate", "--force"], "--out-dir");
    assert_usage_error(
        &["generate", "--output", "entrypoint", "--out-dir", "x"],
        "cannot be used with",
    );
    assert_usage_error(&["generate", "--startup-command", " "], "--startup-command");
    assert_usage_error(&["generate", "--app-name", "my app"], "--app-name");
    assert_usage_error(&["generate", "--site", "datadoghq.org"], "datadoghq.eu");
    assert_usage_error(
        &["generate", "--api-key-secret-arn", "secret"],
        "--api-key-secret-arn",
    );
    assert_usage_error(&["generate", "--bogus"], "--bogus");
}

#[test]
fn help_and_version_succeed() {
    let out = wizard(&["--help"]);
    assert!(out.status.success());
    assert!(stdout(&out).contains("generate"));
    let out = wizard(&["generate", "--help"]);
    assert!(stdout(&out).contains("--out-dir"));
    assert!(wizard(&["--version"]).status.success());
}

#[test]
fn a_closed_pipe_is_not_an_error() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_ddecs-wizard"))
        .args(["generate", "--language", "php"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(out.stderr.is_empty(), "{}", stderr(&out));
}

#[test]
fn a_startup_command_may_start_with_a_dash() {
    let out = wizard(&[
        "generate",
        "--startup-command",
        "-Xmx1g app",
        "--output",
        "entrypoint",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("-Xmx1g app"));
}

#[test]
fn startup_command_reaches_the_script_byte_for_byte() {
    let command = "java -Dgreeting='it'\"'\"'s \"$HOME\" \\ ü' -jar app.jar";
    let out = wizard(&[
        "generate",
        "--startup-command",
        command,
        "--output",
        "entrypoint",
    ]);
    assert!(out.status.success());
    let entry: Vec<String> = serde_json::from_str(stdout(&out)).unwrap();
    assert_eq!(entry[..2], ["sh", "-c"]);
    assert!(
        entry[2].ends_with(&format!("\nexec {command}")),
        "{}",
        entry[2]
    );
}
