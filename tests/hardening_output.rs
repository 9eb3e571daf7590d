//! What the commands print when the input is hostile: `patch --diff` never
//! shows a secret, however the file escapes it and wherever the patch
//! moves it; nothing from a file or a file name reaches stdout or stderr
//! able to control a terminal or split a one-line message.

use std::fs;
use std::path::Path;
use std::process::{Command, Output};

const BIN: &str = env!("CARGO_BIN_EXE_ddecs-wizard");

fn wizard(args: &[&str]) -> Output {
    Command::new(BIN)
        .args(args)
        .output()
        .expect("run ddecs-wizard")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Whether `text` holds anything a terminal would act on rather than show.
fn controls(text: &str) -> Vec<char> {
    text.chars()
        .filter(|c| (c.is_control() && *c != '\n') || ('\u{202a}'..='\u{202e}').contains(c))
        .collect()
}

/// A container whose secrets are spelled with the escapes Terraform's
/// `jsonencode` and other writers use, one a prefix of another, and one
/// passed on the command line that patch moves into the entryPoint script.
const SECRETS: &str = r#"{
  "family": "web",
  "containerDefinitions": [
    {
      "name": "app",
      "image": "web:1",
      "command": ["app", "--db-password", "pw123"],
      "environment": [
        {"name": "DB_PASSWORD", "value": "pw123"},
        {"name": "TF_SECRET", "value": "Sup3r\u0026Secret\u003cPass\u003e"},
        {"name": "DSN_TOKEN", "value": "https:\/\/u:p@db.example\/x"},
        {"name": "A_KEY", "value": "abcdefghijklmn"},
        {"name": "B_KEY", "value": "abcdefghijklmn9876543210"}
      ]
    }
  ]
}
"#;

#[test]
fn diff_shows_no_secret_in_any_spelling() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("task.json");
    fs::write(&file, SECRETS).unwrap();
    let out = wizard(&["patch", "--diff", file.to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let diff = text(&out.stdout);
    assert!(diff.contains("exec app --db-password ********\""), "{diff}");
    for leak in [
        "pw123",
        "Sup3r",
        "Secret\\u003c",
        "db.example",
        "abcdefghijklmn",
        "9876543210",
    ] {
        assert!(!diff.contains(leak), "{leak} shown in:\n{diff}");
    }
    // patch leaves the environment lines as they are: the context shows
    // them masked too.
    assert!(
        diff.contains(" {\"name\": \"TF_SECRET\", \"value\": \"********\"},"),
        "{diff}"
    );
}

fn task_with_container(name: &str, dir: &Path) -> String {
    let task = serde_json::json!({
        "family": "web",
        "containerDefinitions": [
            {"name": name, "image": "web:1", "entryPoint": ["python", "app.py"]}
        ]
    });
    let file = dir.join("task.json");
    fs::write(&file, serde_json::to_string_pretty(&task).unwrap()).unwrap();
    file.to_str().unwrap().to_owned()
}

/// OSC 0 (title), BEL, a screen clear, an 8-bit CSI, a bidi override.
const HOSTILE: &str = "app\u{1b}]0;PWNED\u{7}\u{1b}[2J\u{9b}2J\u{202e}x";

#[test]
fn check_text_and_json_escape_what_comes_from_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let file = task_with_container(HOSTILE, dir.path());
    let out = wizard(&["check", &file]);
    let report = text(&out.stdout);
    assert!(report.contains("app\\u{1b}]0;PWNED"), "{report}");
    assert_eq!(controls(&report), [] as [char; 0], "{report:?}");

    let out = wizard(&["check", "--format", "json", &file]);
    let json = text(&out.stdout);
    assert_eq!(controls(&json), [] as [char; 0], "{json:?}");
    // Still the same JSON: the name decodes to what the file holds.
    let value: serde_json::Value = serde_json::from_str(&json).unwrap();
    let containers: Vec<&str> = value["files"][0]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|f| f["container"].as_str())
        .collect();
    assert!(containers.contains(&HOSTILE), "{containers:?}");
}

#[test]
fn patch_notes_escape_what_comes_from_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let file = task_with_container(HOSTILE, dir.path());
    let out = wizard(&["patch", &file]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let notes = text(&out.stderr);
    assert!(notes.contains("app\\u{1b}]0;PWNED"), "{notes}");
    assert_eq!(controls(&notes), [] as [char; 0], "{notes:?}");
}

#[test]
fn a_file_name_with_a_newline_or_escape_stays_one_line() {
    let dir = tempfile::tempdir().unwrap();
    let name = dir.path().join("a\nb\u{1b}]0;PWNED\u{7}.json");
    for args in [
        vec!["check", name.to_str().unwrap()],
        vec!["patch", name.to_str().unwrap()],
    ] {
        let out = wizard(&args);
        assert_eq!(out.status.code(), Some(2));
        let err = text(&out.stderr);
        assert_eq!(err.lines().count(), 1, "{err}");
        assert!(err.contains("a\\nb\\u{1b}]0;PWNED\\u{7}.json"), "{err}");
        assert_eq!(controls(&err), [] as [char; 0], "{err:?}");
    }
    // A bad value given to a flag, in clap's message.
    let out = wizard(&["generate", "--language", "py\u{1b}]0;PWNED\u{7}"]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(controls(&text(&out.stderr)), [] as [char; 0]);
}

#[test]
fn out_dir_paths_are_printed_escaped() {
    let dir = tempfile::tempdir().unwrap();
    let out_dir = dir.path().join("out\u{1b}]0;PWNED\u{7}");
    let out = wizard(&[
        "generate",
        "--language",
        "go",
        "--out-dir",
        out_dir.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let printed = text(&out.stdout);
    assert!(printed.contains("out\\u{1b}]0;PWNED\\u{7}/"), "{printed}");
    assert_eq!(controls(&printed), [] as [char; 0], "{printed:?}");
}
