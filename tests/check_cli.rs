//! `ddecs-wizard check` as a CI linter, through the real binary: many files
//! and directories, the four formats, the exit codes of the contract, and
//! the conventions around it (help, completions, man page).
//!
//! The project's own fixtures (`tests/fixtures/check`) are always used.
//! The real-world corpus joins in when it is present (`DDECS_CORPUS`, or
//! `../shared/corpus` beside the checkout); under CI it must be.

#[path = "common/tools.rs"]
mod tools;

use std::ffi::OsStr;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use ddecs_wizard::core::lint::RULES;
use serde_json::Value;

const FIXTURES: &str = "tests/fixtures/check";
const SCHEMA: &str = "tests/fixtures/sarif-2.1.0.schema.json";

fn binary() -> Command {
    Command::new(env!("CARGO_BIN_EXE_ddecs-wizard"))
}

fn run(args: &[&str]) -> Output {
    binary().args(args).output().unwrap()
}

fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).unwrap()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn fixture(rule: &str, name: &str) -> String {
    format!("{FIXTURES}/{rule}/{name}.json")
}

/// The corpus directory, when there is one; required under CI.
fn corpus() -> Option<PathBuf> {
    let dir = std::env::var_os("DDECS_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus"));
    if dir.join("valid").is_dir() {
        return Some(dir);
    }
    assert!(
        std::env::var_os("CI").is_none(),
        "the corpus is required under CI: {} (or set DDECS_CORPUS)",
        dir.display()
    );
    eprintln!(
        "note: skipping the corpus part, {} is absent (set DDECS_CORPUS)",
        dir.display()
    );
    None
}

/// A clean file (no findings at all) and a file with an error.
const CLEAN: (&str, &str) = ("DDECS010", "quiet");
const WITH_ERROR: (&str, &str) = ("DDECS001", "fires");

#[test]
fn exit_codes_follow_the_contract() {
    let clean = fixture(CLEAN.0, CLEAN.1);
    let error = fixture(WITH_ERROR.0, WITH_ERROR.1);
    let warning = fixture("DDECS034", "fires");
    let code = |args: &[&str]| run(args).status.code();
    assert_eq!(code(&["check", &clean]), Some(0));
    assert_eq!(code(&["check", &warning]), Some(0), "warnings do not fail");
    assert_eq!(code(&["check", &error]), Some(1));
    assert_eq!(code(&["check", &clean, &error]), Some(1));
    assert_eq!(code(&["check", &error, "--ignore", "DDECS001"]), Some(0));
    assert_eq!(
        code(&["check", &error, "--ignore", "ddecs001,DDECS033"]),
        Some(0)
    );
    // Bad usage.
    assert_eq!(code(&["check"]), Some(2));
    assert_eq!(code(&["check", &clean, "--format", "xml"]), Some(2));
    assert_eq!(code(&["check", &clean, "--severity", "fatal"]), Some(2));
    assert_eq!(code(&["check", &clean, "--ignore", "DDECS999"]), Some(2));
    // A file named directly that cannot be read or used: 2, even beside
    // files with errors, and the others are still checked.
    let missing = run(&["check", &error, "no-such-file.json"]);
    assert_eq!(missing.status.code(), Some(2));
    assert!(stdout(&missing).contains("DDECS001"));
    assert!(stderr(&missing).contains("cannot read no-such-file.json: no such file"));
    let not_task = run(&["check", "Cargo.toml"]);
    assert_eq!(not_task.status.code(), Some(2));
    let broken = run(&["check", &fixture("DDECS000", "fires")]);
    assert_eq!(broken.status.code(), Some(2));
    assert_eq!(
        stderr(&broken).trim_end(),
        format!(
            "ddecs-wizard: {}:4:43: not valid JSON: trailing comma; remove the comma before the closing bracket",
            fixture("DDECS000", "fires")
        ),
        "one line naming the file and the place"
    );
    assert!(broken.stdout.is_empty());
}

#[test]
fn text_is_one_line_per_finding_with_file_line_and_column() {
    let output = run(&["check", FIXTURES]);
    assert_eq!(output.status.code(), Some(1));
    let text = stdout(&output);
    let lines: Vec<&str> = text.lines().collect();
    assert!(lines.len() > RULES.len(), "{text}");
    for line in &lines {
        let mut parts = line.splitn(4, ':');
        let file = parts.next().unwrap();
        let line_no = parts.next().unwrap_or("");
        let column = parts.next().unwrap_or("");
        let rest = parts.next().unwrap_or("");
        assert!(
            file.starts_with(FIXTURES) && file.ends_with(".json"),
            "{line}"
        );
        assert!(
            line_no.parse::<usize>().is_ok() && column.parse::<usize>().is_ok(),
            "{line}"
        );
        let mut words = rest.trim_start().splitn(3, ' ');
        let severity = words.next().unwrap();
        let rule = words.next().unwrap_or("").trim_end_matches(':');
        assert!(["error", "warning", "info"].contains(&severity), "{line}");
        assert!(RULES.iter().any(|r| r.id == rule), "{line}");
    }
    // Every rule appears, each at least once, from its own fires.json.
    for rule in RULES {
        let own = format!("{FIXTURES}/{}/fires.json:", rule.id);
        assert!(
            lines
                .iter()
                .any(|l| l.starts_with(&own) && l.contains(rule.id)),
            "{} missing",
            rule.id
        );
    }
    assert!(
        stderr(&output).contains("98 files checked"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn severity_and_ignore_filter_what_is_shown() {
    let file = fixture("DDECS035", "fires");
    let all = stdout(&run(&["check", &file]));
    assert!(all.contains(" info DDECS035"), "{all}");
    let warnings = stdout(&run(&["check", &file, "--severity", "warning"]));
    assert!(!warnings.contains(" info "), "{warnings}");
    let ignored = stdout(&run(&[
        "check", &file, "--ignore", "DDECS035", "--ignore", "DDECS048",
    ]));
    assert!(ignored.is_empty(), "{ignored}");
}

#[test]
fn stdin_is_read_for_a_dash() {
    let mut child = binary()
        .args(["check", "-", "--format", "json"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let text = fs::read(fixture(WITH_ERROR.0, WITH_ERROR.1)).unwrap();
    std::io::Write::write_all(&mut child.stdin.take().unwrap(), &text).unwrap();
    let output = child.wait_with_output().unwrap();
    assert_eq!(output.status.code(), Some(1));
    let json: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(json["files"][0]["file"], "stdin");
    assert_eq!(json["files"][0]["findings"][0]["rule"], "DDECS001");
}

#[test]
fn a_walk_skips_other_json_and_reports_broken_task_definitions() {
    let dir = tempfile::tempdir().unwrap();
    fs::create_dir(dir.path().join("node")).unwrap();
    fs::write(dir.path().join("node/package.json"), r#"{"name": "x"}"#).unwrap();
    fs::write(dir.path().join("tsconfig.json"), "{\"a\": 1,}").unwrap();
    fs::write(dir.path().join("notes.txt"), "not json").unwrap();
    fs::copy(fixture(CLEAN.0, CLEAN.1), dir.path().join("web.json")).unwrap();
    let root = dir.path().to_str().unwrap();
    let clean = run(&["check", root]);
    assert_eq!(clean.status.code(), Some(0), "{}", stderr(&clean));
    let notes = stderr(&clean);
    assert!(
        notes.contains("skipped") && notes.contains("package.json"),
        "{notes}"
    );
    assert!(notes.contains("tsconfig.json"), "{notes}");
    assert!(
        notes.contains("1 file checked, 2 skipped: no problems found"),
        "{notes}"
    );
    fs::copy(fixture("DDECS000", "fires"), dir.path().join("broken.json")).unwrap();
    let broken = run(&["check", root]);
    assert_eq!(broken.status.code(), Some(1));
    assert!(
        stdout(&broken).contains("broken.json:4:43: error DDECS000: not valid JSON"),
        "{}",
        stdout(&broken)
    );
}

#[test]
fn json_holds_every_file_and_the_totals() {
    let output = run(&["check", FIXTURES, "--format", "json"]);
    let json: Value = serde_json::from_slice(&output.stdout).unwrap();
    let files = json["files"].as_array().unwrap();
    assert_eq!(files.len(), RULES.len() * 2);
    let errors: usize = files
        .iter()
        .map(|f| f["summary"]["errors"].as_u64().unwrap() as usize)
        .sum();
    assert_eq!(json["summary"]["errors"].as_u64(), Some(errors as u64));
    assert_eq!(json["summary"]["files"].as_u64(), Some(files.len() as u64));
    let finding = &files[0]["findings"][0];
    for key in [
        "rule", "severity", "line", "column", "path", "message", "fix",
    ] {
        assert!(!finding[key].is_null(), "{key}: {finding}");
    }
}

/// SARIF output of a directory, validated with python3's `jsonschema`
/// against the OASIS 2.1.0 schema kept in the tests.
fn assert_valid_sarif(dir: &Path) -> Value {
    let output = binary()
        .args(["check", "--format", "sarif"])
        .arg(dir)
        .output()
        .unwrap();
    assert!(
        matches!(output.status.code(), Some(0 | 1)),
        "{}",
        stderr(&output)
    );
    let log: Value = serde_json::from_slice(&output.stdout).unwrap();
    if have_jsonschema() {
        let sarif = tempfile::NamedTempFile::new().unwrap();
        fs::write(sarif.path(), &output.stdout).unwrap();
        let validate = Command::new("python3")
            .args([
                "-c",
                "import json, sys, jsonschema\n\
                 schema = json.load(open(sys.argv[1]))\n\
                 log = json.load(open(sys.argv[2]))\n\
                 jsonschema.Draft4Validator.check_schema(schema)\n\
                 errors = list(jsonschema.Draft4Validator(schema).iter_errors(log))\n\
                 for e in errors[:5]: print(list(e.absolute_path), e.message)\n\
                 sys.exit(1 if errors else 0)",
                SCHEMA,
            ])
            .arg(sarif.path())
            .output()
            .unwrap();
        assert!(
            validate.status.success(),
            "{}: SARIF does not validate:\n{}{}",
            dir.display(),
            stdout(&validate),
            stderr(&validate)
        );
    }
    log
}

fn have_jsonschema() -> bool {
    let found = tools::have("python3", "python3")
        && Command::new("python3")
            .args(["-c", "import jsonschema"])
            .status()
            .is_ok_and(|s| s.success());
    if !found {
        assert!(
            std::env::var_os("CI").is_none(),
            "python3 -m pip install jsonschema is required in CI"
        );
        eprintln!("note: skipping schema validation, python3 jsonschema is missing (python3 -m pip install jsonschema)");
    }
    found
}

#[test]
fn sarif_of_the_fixtures_validates_and_points_at_each_finding() {
    let log = assert_valid_sarif(Path::new(FIXTURES));
    let run = &log["runs"][0];
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    assert_eq!(rules.len(), RULES.len());
    for rule in rules {
        for key in ["id", "name", "help", "defaultConfiguration"] {
            assert!(!rule[key].is_null(), "{key}: {rule}");
        }
    }
    let results = run["results"].as_array().unwrap();
    let json: Value =
        serde_json::from_slice(&self::run(&["check", FIXTURES, "--format", "json"]).stdout)
            .unwrap();
    let findings: usize = json["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["findings"].as_array().unwrap().len())
        .sum();
    assert_eq!(results.len(), findings);
    for result in results {
        let index = result["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[index]["id"], result["ruleId"]);
        let location = &result["locations"][0]["physicalLocation"];
        let uri = location["artifactLocation"]["uri"].as_str().unwrap();
        assert!(
            uri.starts_with(FIXTURES) && Path::new(uri).is_file(),
            "{uri}"
        );
        assert!(location["region"]["startLine"].as_u64().unwrap() >= 1);
        assert!(location["region"]["startColumn"].as_u64().unwrap() >= 1);
    }
    assert_eq!(run["invocations"][0]["executionSuccessful"], true);
}

#[test]
fn github_annotations_follow_the_workflow_command_syntax() {
    let output = run(&["check", FIXTURES, "--format", "github"]);
    assert_eq!(output.status.code(), Some(1));
    let text = stdout(&output);
    for line in text.lines() {
        let (command, message) = line
            .strip_prefix("::")
            .and_then(|l| l.split_once("::"))
            .unwrap_or_else(|| panic!("not a workflow command: {line}"));
        let (level, properties) = command.split_once(' ').unwrap();
        assert!(["error", "warning", "notice"].contains(&level), "{line}");
        let keys: Vec<&str> = properties
            .split(',')
            .map(|p| p.split_once('=').unwrap().0)
            .collect();
        assert_eq!(keys, ["file", "line", "col", "title"], "{line}");
        assert!(!message.is_empty() && !line.contains('\r'), "{line}");
    }
    // Separators in a property and line ends in the message are escaped.
    let dir = tempfile::tempdir().unwrap();
    let odd = dir.path().join("a,b:c.json");
    fs::copy(fixture(WITH_ERROR.0, WITH_ERROR.1), &odd).unwrap();
    let annotated = stdout(&run(&[
        "check",
        odd.to_str().unwrap(),
        "--format",
        "github",
    ]));
    assert!(annotated.contains("a%2Cb%3Ac.json,line="), "{annotated}");
}

#[test]
fn names_from_the_file_cannot_drive_the_terminal() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("t.json");
    fs::write(
        &file,
        r#"{"family": "t", "containerDefinitions": [{"name": "app\u001b]0;PWNED\u0007", "image": "<IMG>"}]}"#,
    )
    .unwrap();
    for format in ["text", "github"] {
        let output = run(&["check", file.to_str().unwrap(), "--format", format]);
        assert!(
            !output.stdout.contains(&0x1b),
            "{format}: {}",
            stdout(&output)
        );
        assert!(stdout(&output).contains("\\u{1b}"), "{format}");
    }
}

#[test]
fn list_rules_gives_every_rule() {
    let output = run(&["check", "--list-rules"]);
    assert_eq!(output.status.code(), Some(0));
    let text = stdout(&output);
    assert_eq!(text.lines().count(), RULES.len());
    for (line, rule) in text.lines().zip(RULES) {
        assert!(line.starts_with(rule.id), "{line}");
        assert!(line.contains(rule.severity.label()) && line.contains(rule.summary));
    }
    let json: Value =
        serde_json::from_slice(&run(&["check", "--list-rules", "--format", "json"]).stdout)
            .unwrap();
    assert_eq!(json.as_array().unwrap().len(), RULES.len());
    assert_eq!(json[1]["name"], "AgentNoApmPort");
}

#[test]
fn help_gives_examples_and_exit_codes() {
    for command in [
        &[][..],
        &["generate"],
        &["patch"],
        &["check"],
        &["completions"],
    ] {
        let mut args = command.to_vec();
        args.push("--help");
        let output = run(&args);
        assert_eq!(output.status.code(), Some(0), "{args:?}");
        let text = stdout(&output);
        assert!(
            text.contains("Examples:\n  ddecs-wizard"),
            "{args:?}: {text}"
        );
        assert!(text.contains("Exit codes:\n  0"), "{args:?}: {text}");
    }
    let check = stdout(&run(&["check", "--help"]));
    for rule in RULES {
        assert!(check.contains(rule.id), "check --help lacks {}", rule.id);
    }
}

/// `completions bash | head -1`: the reader goes away after one line, and
/// the program ends quietly instead of panicking on the closed pipe.
#[test]
fn completions_into_a_closed_pipe_end_quietly() {
    for shell in ["bash", "zsh", "fish"] {
        let (reader, writer) = std::io::pipe().unwrap();
        drop(reader);
        let output = binary()
            .args(["completions", shell])
            .stdout(writer)
            .output()
            .unwrap();
        assert_eq!(
            output.status.code(),
            Some(0),
            "{shell}: {}",
            stderr(&output)
        );
        assert_eq!(stderr(&output), "", "{shell}");
    }
}

#[test]
fn completions_for_every_shell() {
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let output = run(&["completions", shell]);
        assert_eq!(output.status.code(), Some(0), "{shell}");
        let text = stdout(&output);
        assert!(
            text.contains("list-rules") && text.contains("severity"),
            "{shell}"
        );
    }
    assert_eq!(run(&["completions", "tcsh"]).status.code(), Some(2));
    if tools::have("bash", "bash") {
        let script = tempfile::NamedTempFile::new().unwrap();
        fs::write(script.path(), run(&["completions", "bash"]).stdout).unwrap();
        let syntax = Command::new("bash")
            .arg("-n")
            .arg(script.path())
            .output()
            .unwrap();
        assert!(syntax.status.success(), "{}", stderr(&syntax));
    }
}

#[test]
fn man_pages_render_without_warnings() {
    for page in [&[][..], &["check"], &["generate"]] {
        let mut args = vec!["man"];
        args.extend_from_slice(page);
        let output = run(&args);
        assert_eq!(output.status.code(), Some(0), "{args:?}");
        let roff = stdout(&output);
        let title = match page.first() {
            Some(command) => format!(".TH ddecs-wizard-{command} 1"),
            None => ".TH ddecs-wizard 1".to_owned(),
        };
        assert!(roff.contains(&title), "{args:?}: {roff}");
        if tools::have("groff", "groff-base") {
            let file = tempfile::NamedTempFile::new().unwrap();
            fs::write(file.path(), &roff).unwrap();
            let rendered = Command::new("groff")
                .args(["-man", "-Tutf8", "-ww", "-z"])
                .arg(file.path())
                .output()
                .unwrap();
            assert!(
                rendered.stderr.is_empty(),
                "{args:?}: {}",
                stderr(&rendered)
            );
        }
    }
    assert_eq!(run(&["man", "nonsense"]).status.code(), Some(2));
}

#[test]
fn the_corpus_as_a_directory_follows_the_contract() {
    let Some(corpus) = corpus() else {
        return;
    };
    let log = assert_valid_sarif(&corpus);
    assert!(!log["runs"][0]["results"].as_array().unwrap().is_empty());
    let text = run(&["check", corpus.to_str().unwrap()]);
    assert_eq!(text.status.code(), Some(1), "the corpus has errors");
    let github = run(&["check", corpus.to_str().unwrap(), "--format", "github"]);
    for line in stdout(&github).lines() {
        assert!(
            line.starts_with("::") && line.contains(",title=DDECS"),
            "{line}"
        );
    }
    // Named one by one, every invalid file is bad input.
    for entry in fs::read_dir(corpus.join("invalid")).unwrap() {
        let path = entry.unwrap().path();
        let output = binary().arg("check").arg(&path).output().unwrap();
        assert_eq!(output.status.code(), Some(2), "{}", path.display());
        assert_eq!(stderr(&output).lines().count(), 1, "{}", path.display());
    }
}

#[test]
fn the_docs_list_every_rule_as_it_is() {
    // check's page; doctor's cluster findings have their own, in docs/aws.md.
    let section = fs::read_to_string("docs/check.md").unwrap();
    let rows: Vec<Vec<&str>> = section
        .lines()
        .filter(|l| l.starts_with("| DDECS"))
        .map(|l| l.trim_matches('|').split(" | ").map(str::trim).collect())
        .collect();
    assert_eq!(rows.len(), RULES.len());
    for (row, rule) in rows.iter().zip(RULES) {
        assert_eq!(
            row[..],
            [rule.id, rule.severity.label(), rule.summary],
            "docs/check.md row for {}",
            rule.id
        );
    }
}

/// Runs `ddecs-wizard ARGS`, killed (and the test failed) if it has not
/// ended within the timeout: a read that blocks must show as a failure.
fn run_bounded(args: &[&OsStr]) -> Output {
    let mut child = binary()
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let start = Instant::now();
    while child.try_wait().unwrap().is_none() {
        if start.elapsed() > Duration::from_secs(10) {
            let _ = child.kill();
            panic!("check {args:?} blocked");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    child.wait_with_output().unwrap()
}

fn mkfifo(path: &Path) {
    let made = Command::new("mkfifo").arg(path).status().unwrap();
    assert!(made.success());
}

#[test]
fn a_fifo_named_is_refused_and_one_found_is_skipped_without_reading() {
    let tmp = tempfile::tempdir().unwrap();
    let fifo = tmp.path().join("fifo.json");
    mkfifo(&fifo);
    let out = run_bounded(&[OsStr::new("check"), fifo.as_os_str()]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert_eq!(
        stderr(&out),
        format!(
            "ddecs-wizard: cannot read {}: it is a FIFO, not a regular file; \
             name the task definition file, or - for standard input\n",
            fifo.display()
        )
    );

    fs::copy(fixture("DDECS001", "fires"), tmp.path().join("task.json")).unwrap();
    let out = run_bounded(&[OsStr::new("check"), tmp.path().as_os_str()]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains(&format!(
            "ddecs-wizard: skipped {}: it is a FIFO, not a regular file\n",
            fifo.display()
        )),
        "{err}"
    );
    assert!(err.contains("1 file checked, 1 skipped"), "{err}");
}

/// What cannot be read in a walk is one line each, as the README promises,
/// without an OS error number. Root reads everything, so as root the
/// check runs as nobody (setpriv, from util-linux).
#[test]
fn unreadable_files_and_directories_in_a_walk_are_one_line_without_error_numbers() {
    use std::os::unix::fs::PermissionsExt;
    let tmp = tempfile::tempdir().unwrap();
    fs::set_permissions(tmp.path(), fs::Permissions::from_mode(0o755)).unwrap();
    let root = tmp.path().join("tree");
    fs::create_dir_all(root.join("locked")).unwrap();
    fs::copy(fixture("DDECS001", "fires"), root.join("a.json")).unwrap();
    fs::copy(fixture("DDECS001", "fires"), root.join("secret.json")).unwrap();
    fs::set_permissions(&root, fs::Permissions::from_mode(0o755)).unwrap();
    fs::set_permissions(root.join("a.json"), fs::Permissions::from_mode(0o644)).unwrap();
    fs::set_permissions(root.join("secret.json"), fs::Permissions::from_mode(0o000)).unwrap();
    fs::set_permissions(root.join("locked"), fs::Permissions::from_mode(0o000)).unwrap();
    let as_root = fs::metadata("/proc/self")
        .map(|m| std::os::unix::fs::MetadataExt::uid(&m) == 0)
        .unwrap_or(false);
    let bin = env!("CARGO_BIN_EXE_ddecs-wizard");
    let out = if as_root {
        let Some(setpriv) = tools::find("setpriv", "util-linux") else {
            return;
        };
        Command::new(setpriv)
            .args(["--reuid=65534", "--regid=65534", "--clear-groups", bin])
            .arg("check")
            .arg(&root)
            .output()
            .unwrap()
    } else {
        Command::new(bin).arg("check").arg(&root).output().unwrap()
    };
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(!err.contains("os error"), "{err}");
    assert!(
        err.contains(&format!(
            "ddecs-wizard: cannot read directory {}: permission denied\n",
            root.join("locked").display()
        )),
        "{err}"
    );
    assert!(
        err.contains(&format!(
            "ddecs-wizard: cannot read {}: permission denied\n",
            root.join("secret.json").display()
        )),
        "{err}"
    );
    fs::set_permissions(root.join("locked"), fs::Permissions::from_mode(0o755)).unwrap();
}
