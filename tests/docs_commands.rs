//! Every `ddecs-wizard` command the docs show runs as shown (issue 19), so
//! the docs cannot drift from the program. The lines are found by the rules
//! of `docs_commands/extract.rs`; this test runs the offline ones with the
//! real binary, and leaves those that need AWS (`pull`, `apply`,
//! `register`, `doctor`) to `aws/tests/docs_commands.rs`, which has moto.
//!
//! Each doc runs in a directory of its own, its lines in order (a later
//! line may use what an earlier one wrote), with `HOME` a temporary
//! directory too, so that `> ~/.zfunc/_ddecs-wizard` lands inside it. The
//! inputs a command names (`task.json`, `infra/`, `services/web.json`) are
//! made from one app task definition when they do not exist yet.

#[path = "docs_commands/extract.rs"]
mod extract;

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command as Process, Stdio};

use clap::Parser;
use ddecs_wizard::cli::{Cli, Command as Subcommand};
use extract::{all_lines, command_lines, workspace_root, Command, Line};

const BINARY: &str = env!("CARGO_BIN_EXE_ddecs-wizard");

/// The task definition the docs' inputs are made of: one app container
/// named `api` (patch.md patches `--container api`), started by a command.
const TASK_DEFINITION: &str = include_str!("docs_commands/task-definition.json");

/// What `aws ecs describe-task-definition` prints, for the lines that pipe
/// it into a command of ours: the AWS CLI is not run here.
const DESCRIBE_OUTPUT: &str = include_str!("fixtures/valid/describe-wrapped-read-only-tags.json");

fn lines() -> Vec<Line> {
    all_lines(&workspace_root(env!("CARGO_MANIFEST_DIR")))
}

/// One doc's working directory and HOME.
struct Place {
    work: tempfile::TempDir,
    home: tempfile::TempDir,
}

impl Place {
    fn new() -> Place {
        Place {
            work: tempfile::tempdir().expect("a temporary directory"),
            home: tempfile::tempdir().expect("a temporary HOME"),
        }
    }

    /// Where a path the docs name is: `~/...` and `$NAME` (a file the
    /// reader's shell names) under HOME, anything else in the work
    /// directory.
    fn resolve(&self, written: &str) -> PathBuf {
        if let Some(rest) = written.strip_prefix("~/") {
            self.home.path().join(rest)
        } else if let Some(name) = written.strip_prefix('$') {
            self.home.path().join(name)
        } else {
            self.work.path().join(written)
        }
    }

    /// Makes the inputs `argv` reads that do not exist yet: a directory
    /// (a name ending in `/` or without an extension) holds a task
    /// definition, a file is one.
    fn prepare_inputs(&self, argv: &[String]) {
        let Ok(cli) = Cli::try_parse_from(argv) else {
            return; // the run itself says what is wrong
        };
        let inputs = match cli.command {
            Some(Subcommand::Patch(args)) => vec![args.file],
            Some(Subcommand::Check(args)) => args.paths,
            _ => Vec::new(),
        };
        for input in inputs {
            let written = input.to_string_lossy();
            let path = self.resolve(&written);
            if written == "-" || path.exists() {
                continue;
            }
            let file = if written.ends_with('/') || path.extension().is_none() {
                path.join("web.json")
            } else {
                path
            };
            std::fs::create_dir_all(file.parent().expect("a parent")).expect("input directory");
            std::fs::write(&file, TASK_DEFINITION).expect("input written");
        }
    }
}

/// How a command of ours must end.
#[derive(Debug, PartialEq, Eq)]
enum Expect {
    /// 0; `check` may say 1 (findings).
    Success { findings_allowed: bool },
    /// `--plain` with stdin closed: it needs a terminal, and says so with
    /// exit 2 (anything else, a usage error included, fails).
    RefusesWithoutTerminal,
}

fn expectation(argv: &[String]) -> Result<Expect, String> {
    match argv.get(1).map(String::as_str) {
        Some("generate" | "patch" | "completions" | "--help" | "-h" | "--version" | "-V") => {
            Ok(Expect::Success {
                findings_allowed: false,
            })
        }
        Some("check") => Ok(Expect::Success {
            findings_allowed: true,
        }),
        Some("--plain") => Ok(Expect::RefusesWithoutTerminal),
        other => Err(format!(
            "no rule to run `ddecs-wizard {}` offline: add one to tests/docs_commands.rs",
            other.unwrap_or("")
        )),
    }
}

/// Runs one line; `Err` says what went wrong, naming its place.
fn run_line(place: &Place, line: &Line) -> Result<usize, String> {
    let fail = |what: String| Err(format!("{} `{}`: {what}", line.place(), line.text));
    let mut piped: Option<Vec<u8>> = None;
    let mut ran = 0;
    for command in &line.commands {
        let feeds_pipe = command.then.as_deref() == Some("|");
        if !command.is_ours() {
            // Another program (the AWS CLI): one that feeds a pipe is
            // replaced by what it prints; one after `&&` is not ours to run.
            let program = command.argv[..command.argv.len().min(3)].join(" ");
            match (feeds_pipe, program.as_str()) {
                (true, "aws ecs describe-task-definition") => {
                    piped = Some(DESCRIBE_OUTPUT.as_bytes().to_vec());
                }
                (true, _) => return fail(format!("no stand-in for the output of `{program}`")),
                (false, _) => piped = None,
            }
            continue;
        }
        match run_command(place, command, piped.take()) {
            Ok(stdout) => piped = feeds_pipe.then_some(stdout),
            Err(what) => return fail(what),
        }
        ran += 1;
    }
    Ok(ran)
}

/// Runs one command of ours with what it reads on stdin; its stdout.
fn run_command(
    place: &Place,
    command: &Command,
    input: Option<Vec<u8>>,
) -> Result<Vec<u8>, String> {
    let expect = expectation(&command.argv)?;
    place.prepare_inputs(&command.argv);
    let stdin = match (&input, command.stdin_source()) {
        (Some(_), _) => Stdio::piped(),
        (None, Some(source)) => Stdio::from(
            std::fs::File::open(place.resolve(source))
                .map_err(|e| format!("cannot open {source}: {e}"))?,
        ),
        (None, None) => Stdio::null(),
    };
    let mut child = Process::new(BINARY)
        .args(&command.argv[1..])
        .current_dir(place.work.path())
        .env("HOME", place.home.path())
        .env("NO_COLOR", "1")
        .stdin(stdin)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot start {BINARY}: {e}"))?;
    if let Some(bytes) = input {
        child
            .stdin
            .take()
            .expect("piped stdin")
            .write_all(&bytes)
            .map_err(|e| format!("cannot write its stdin: {e}"))?;
    }
    let output = child
        .wait_with_output()
        .map_err(|e| format!("it did not run: {e}"))?;
    let stderr = String::from_utf8_lossy(&output.stderr);
    let code = output.status.code();
    match expect {
        Expect::Success { findings_allowed } => {
            let fine = code == Some(0) || (findings_allowed && code == Some(1));
            if !fine {
                return Err(format!(
                    "exit {code:?} (want 0{}): {stderr}",
                    if findings_allowed { " or 1" } else { "" }
                ));
            }
        }
        Expect::RefusesWithoutTerminal => {
            if code != Some(2) || !stderr.contains("asks questions on a terminal") {
                return Err(format!(
                    "exit {code:?}, want 2 and the note that it needs a terminal: {stderr}"
                ));
            }
            return Ok(output.stdout);
        }
    }
    let used = command.then.as_deref() == Some("|") || command.stdout_target().is_some();
    if used && output.stdout.is_empty() {
        return Err("its output is used, but it printed nothing".to_owned());
    }
    if let Some((operator, target)) = command.stdout_target() {
        let path = place.resolve(target);
        std::fs::create_dir_all(path.parent().expect("a parent")).expect("redirection directory");
        let mut file = std::fs::OpenOptions::new()
            .create(true)
            .write(true)
            .append(operator == ">>")
            .truncate(operator == ">")
            .open(&path)
            .map_err(|e| format!("cannot write {target}: {e}"))?;
        file.write_all(&output.stdout)
            .expect("redirected output written");
    }
    check_written(place, &command.argv)?;
    Ok(output.stdout)
}

/// What `-o FILE` and `--out-dir DIR` name must be there afterwards.
fn check_written(place: &Place, argv: &[String]) -> Result<(), String> {
    let written: Option<PathBuf> = match Cli::try_parse_from(argv).ok().and_then(|cli| cli.command)
    {
        Some(Subcommand::Patch(args)) => args.output,
        Some(Subcommand::Generate(args)) => args.out_dir,
        _ => None,
    };
    let Some(path) = written else { return Ok(()) };
    let full = place.resolve(&path.to_string_lossy());
    let there = if full.is_dir() {
        std::fs::read_dir(&full).is_ok_and(|mut entries| entries.next().is_some())
    } else {
        std::fs::metadata(&full).is_ok_and(|m| m.len() > 0)
    };
    if there {
        Ok(())
    } else {
        Err(format!(
            "it should have written {}, which is missing or empty",
            path.display()
        ))
    }
}

#[test]
fn every_offline_command_in_the_docs_runs_as_shown() {
    let lines = lines();
    let mut failures = Vec::new();
    let mut ran = 0;
    let mut files: Vec<&str> = lines.iter().map(|line| line.file.as_str()).collect();
    files.dedup();
    for file in files {
        let place = Place::new();
        for line in lines
            .iter()
            .filter(|line| line.file == file && !line.needs_aws())
        {
            match run_line(&place, line) {
                Ok(count) => ran += count,
                Err(failure) => failures.push(failure),
            }
        }
    }
    eprintln!(
        "ran {ran} offline commands of {} command lines in the docs",
        lines.len()
    );
    assert!(
        failures.is_empty(),
        "docs commands that fail:\n{}",
        failures.join("\n")
    );
    // The docs show generate, patch, check and completions at the least.
    assert!(
        ran >= 20,
        "only {ran} offline commands found: is the extractor reading the docs?"
    );
}

/// The AWS lines are run by aws/tests/docs_commands.rs, which selects them
/// with the same `needs_aws`; here every line must fall on one side or the
/// other, and each AWS command must be one of the four the companion runs.
#[test]
fn every_command_line_is_run_offline_or_by_the_aws_test() {
    let lines = lines();
    let aws: Vec<&Line> = lines.iter().filter(|line| line.needs_aws()).collect();
    assert!(aws.len() >= 5, "only {} AWS command lines found", aws.len());
    for line in &lines {
        for command in line.commands.iter().filter(|c| c.is_ours() && !c.is_aws()) {
            assert!(
                expectation(&command.argv).is_ok(),
                "{}: `{}` is neither an offline command this test runs nor an AWS one",
                line.place(),
                line.text
            );
        }
    }
}

#[test]
fn the_rules_find_commands_and_skip_output_and_prose() {
    let markdown = "\
Prose that names ddecs-wizard check . in passing.

    $ ddecs-wizard check task.json    # a comment | not a pipe
    ddecs-wizard: 1 file checked: 0 errors
    plan: register a new revision

```sh
ddecs-wizard generate --output agent-task-definition > agent.json &&
  aws ecs register-task-definition --cli-input-json file://agent.json
cargo test
```

```yaml
- run: ddecs-wizard check . --format github
  continue-on-error: true
```
";
    let found = command_lines("doc.md", markdown);
    let places: Vec<(usize, Vec<String>)> = found
        .iter()
        .map(|line| (line.line, line.commands[0].argv.clone()))
        .collect();
    let argv = |words: &[&str]| words.iter().map(|w| w.to_string()).collect::<Vec<_>>();
    assert_eq!(
        places,
        [
            (3, argv(&["ddecs-wizard", "check", "task.json"])),
            (
                8,
                argv(&[
                    "ddecs-wizard",
                    "generate",
                    "--output",
                    "agent-task-definition"
                ])
            ),
            (
                14,
                argv(&["ddecs-wizard", "check", ".", "--format", "github"])
            ),
        ]
    );
    assert_eq!(
        found[1].commands[0].stdout_target(),
        Some((">", "agent.json"))
    );
    assert_eq!(found[1].commands.len(), 2, "the && line goes on");
}

#[test]
#[should_panic(expected = "doc.md:1: `[--language` is no literal argument")]
fn a_placeholder_is_refused_with_its_place() {
    command_lines("doc.md", "    ddecs-wizard --plain [--language php ...]\n");
}

/// The suite's own check: a documented command that does not run fails
/// with the doc's name and line.
#[test]
fn a_broken_command_fails_naming_its_place() {
    let lines = command_lines("doc.md", "    ddecs-wizard generate --language cobol\n");
    let failure = run_line(&Place::new(), &lines[0]).expect_err("cobol is no language");
    assert!(
        failure.starts_with("doc.md:1 `ddecs-wizard generate --language cobol`: exit Some(2)"),
        "{failure}"
    );
}

/// Paths the docs redirect to: `~` and `$NAME` under HOME.
#[test]
fn redirections_land_in_the_temporary_home() {
    let place = Place::new();
    assert!(place.resolve("~/.zfunc/_x").starts_with(place.home.path()));
    assert!(place.resolve("$PROFILE").starts_with(place.home.path()));
    assert!(place.resolve("agent.json").starts_with(place.work.path()));
}
