//! Every AWS command the docs show (`pull`, `apply`, `register`, `doctor`)
//! runs as shown against moto (issue 19), found by the same rules as the
//! offline ones (`tests/docs_commands/extract.rs`), whose test leaves
//! exactly these lines to this one.
//!
//! moto is seeded with what the docs name: clusters `prod` and `staging` in
//! eu-west-1 (the region the docs' output shows) and one in us-east-1, the
//! family `web` with 12 revisions, service `web` in `prod`, and an EC2
//! container instance for `doctor` to read. Each doc runs in a directory
//! of its own with a temporary HOME, its lines in order.
//!
//! The one change to a documented command: `apply` and `register` get
//! `--dry-run`, because without a terminal a write is never confirmed
//! (it would exit 2 and write nothing, as the docs say); the dry run still
//! reads everything, patches, diffs and plans.
//!
//! Offline commands on these pages (`generate ... > agent.json` before
//! `register agent.json`, `patch -` after `pull`) run here through the
//! library, with the same arguments, to make what the AWS lines read: the
//! binary `ddecs-wizard` belongs to the other package, whose test runs them
//! as a program.

#[path = "../../tests/docs_commands/extract.rs"]
mod extract;
mod moto;

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command as Process, Stdio};

use clap::Parser;
use ddecs_wizard::cli::{Cli, Command as Subcommand};
use ddecs_wizard::output::safe::Messages;
use extract::{all_lines, workspace_root, Command, Line};
use moto::{isolate, Aws};
use serde_json::{json, Value};

const COMPANION: &str = env!("CARGO_BIN_EXE_ddecs-wizard-aws");

/// The region the docs' output shows, where the seeded fleet lives.
const REGION: &str = "eu-west-1";
/// The other region `doctor --region` names.
const OTHER_REGION: &str = "us-east-1";

fn seed(aws: &Aws) {
    let mut calls: Vec<(&str, &str, Value)> = ["prod", "staging"]
        .iter()
        .map(|cluster| ("ecs", "create_cluster", json!({"clusterName": cluster})))
        .collect();
    // `pull web:12`: the family has at least 12 revisions.
    for revision in 1..=12 {
        calls.push((
            "ecs",
            "register_task_definition",
            json!({
                "family": "web",
                "networkMode": "bridge",
                "containerDefinitions": [{
                    "name": "app",
                    "image": format!("example/web:1.{revision}"),
                    "memory": 256,
                    "entryPoint": ["gunicorn"],
                    "command": ["-b", "0.0.0.0:8000", "app:app"]
                }],
                "tags": [{"key": "team", "value": "payments"}]
            }),
        ));
    }
    calls.push((
        "ecs",
        "create_service",
        json!({"cluster": "prod", "serviceName": "web", "taskDefinition": "web",
               "desiredCount": 1, "launchType": "EC2"}),
    ));
    calls.push((
        "ec2",
        "run_instances",
        json!({"ImageId": "ami-12c6146b", "MinCount": 1, "MaxCount": 1,
               "MetadataOptions": {"HttpTokens": "required", "HttpPutResponseHopLimit": 2,
                                   "HttpEndpoint": "enabled"}}),
    ));
    let results = aws.calls(&calls);
    for result in &results {
        assert!(result.get("error").is_none(), "seeding failed: {result}");
    }
    let instance = results.last().expect("run_instances answered")["Instances"][0]["InstanceId"]
        .as_str()
        .expect("an instance ID")
        .to_owned();
    let document = json!({"instanceId": instance}).to_string();
    let registered = aws.call(
        "ecs",
        "register_container_instance",
        json!({"cluster": "prod", "instanceIdentityDocument": document}),
    );
    assert!(registered.get("error").is_none(), "{registered}");
    let other = Aws {
        endpoint: aws.endpoint.clone(),
        region: OTHER_REGION,
    };
    other.call("ecs", "create_cluster", json!({"clusterName": "edge"}));
}

/// One doc's working directory and HOME.
struct Place {
    work: tempfile::TempDir,
    home: tempfile::TempDir,
}

impl Place {
    fn resolve(&self, written: &str) -> PathBuf {
        if let Some(rest) = written.strip_prefix("~/") {
            self.home.path().join(rest)
        } else if let Some(name) = written.strip_prefix('$') {
            self.home.path().join(name)
        } else {
            self.work.path().join(written)
        }
    }

    fn write(&self, command: &Command, stdout: &[u8]) {
        if let Some((operator, target)) = command.stdout_target() {
            let path = self.resolve(target);
            std::fs::create_dir_all(path.parent().expect("a parent"))
                .expect("redirection directory");
            let mut file = std::fs::OpenOptions::new()
                .create(true)
                .write(true)
                .append(operator == ">>")
                .truncate(operator == ">")
                .open(&path)
                .expect("redirection target opens");
            file.write_all(stdout).expect("redirected output written");
        }
    }
}

/// The command as this test runs it: `--dry-run` added to the writes.
fn as_run(argv: &[String]) -> Vec<String> {
    let mut argv = argv.to_vec();
    if matches!(argv[1].as_str(), "apply" | "register") {
        argv.push("--dry-run".to_owned());
    }
    argv
}

fn run_aws(
    aws: &Aws,
    place: &Place,
    command: &Command,
    input: Option<Vec<u8>>,
) -> Result<Vec<u8>, String> {
    let argv = as_run(&command.argv);
    let mut process = Process::new(COMPANION);
    isolate(&mut process);
    for (name, value) in aws.env() {
        process.env(name, value);
    }
    let mut child = process
        .args(&argv[1..])
        .current_dir(place.work.path())
        .env("HOME", place.home.path())
        .env("NO_COLOR", "1")
        .stdin(if input.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot start {COMPANION}: {e}"))?;
    if let Some(bytes) = input {
        child
            .stdin
            .take()
            .expect("piped stdin")
            .write_all(&bytes)
            .expect("stdin written");
    }
    let output = child
        .wait_with_output()
        .map_err(|e| format!("it did not run: {e}"))?;
    let code = output.status.code();
    let findings_allowed = argv[1] == "doctor";
    if !(code == Some(0) || (findings_allowed && code == Some(1))) {
        return Err(format!(
            "`{}` exit {code:?} (want 0{}): {}",
            argv.join(" "),
            if findings_allowed { " or 1" } else { "" },
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    Ok(output.stdout)
}

/// An offline command, through the library (see the module docs): its
/// stdout. Standard input, for `patch -`, is handed over as a file.
fn run_offline(
    place: &Place,
    command: &Command,
    input: Option<Vec<u8>>,
) -> Result<Vec<u8>, String> {
    let mut argv = command.argv.clone();
    if let Some(bytes) = input {
        let file = place.work.path().join(".stdin.json");
        std::fs::write(&file, bytes).expect("stdin kept");
        for arg in argv.iter_mut().skip(2).filter(|arg| *arg == "-") {
            *arg = file.to_string_lossy().into_owned();
        }
    }
    let cli = Cli::try_parse_from(&argv).map_err(|e| format!("usage: {e}"))?;
    // Relative paths (`--out-dir`, `patch task.json`) are the page's: this
    // binary's one test runs its lines one at a time, so changing the
    // process's directory for the call is safe.
    let dir = std::env::current_dir().expect("a current directory");
    std::env::set_current_dir(place.work.path()).expect("into the work directory");
    let mut out = Vec::new();
    let mut notes = Messages::new(Vec::<u8>::new());
    let result = match &cli.command {
        Some(Subcommand::Generate(args)) => ddecs_wizard::commands::generate::run(args, &mut out),
        Some(Subcommand::Patch(args)) => {
            ddecs_wizard::commands::patch::run(args, &mut out, &mut notes)
        }
        _ => Ok(()), // the other package's test runs the rest
    };
    std::env::set_current_dir(dir).expect("back from the work directory");
    result.map_err(|e| format!("{e:#}"))?;
    Ok(out)
}

fn run_line(aws: &Aws, place: &Place, line: &Line) -> Result<usize, String> {
    let mut piped = None;
    let mut ran = 0;
    for command in &line.commands {
        let feeds_pipe = command.then.as_deref() == Some("|");
        let stdout = if command.is_aws() {
            ran += 1;
            run_aws(aws, place, command, piped.take())
        } else if command.is_ours() {
            run_offline(place, command, piped.take())
        } else if line.needs_aws() {
            return Err(format!(
                "{} `{}`: no rule to run `{}` here",
                line.place(),
                line.text,
                command.argv.join(" ")
            ));
        } else {
            return Ok(ran); // another program's line: the offline test runs it
        }
        .map_err(|what| format!("{} `{}`: {what}", line.place(), line.text))?;
        let used = feeds_pipe || command.stdout_target().is_some();
        if used && stdout.is_empty() {
            return Err(format!(
                "{} `{}`: its output is used, but it printed nothing",
                line.place(),
                line.text
            ));
        }
        place.write(command, &stdout);
        piped = feeds_pipe.then_some(stdout);
    }
    Ok(ran)
}

#[test]
fn every_aws_command_in_the_docs_runs_against_moto() {
    let Some(server) = moto::server() else { return };
    let aws = Aws {
        endpoint: server.endpoint.clone(),
        region: REGION,
    };
    seed(&aws);
    let lines = all_lines(&workspace_root(env!("CARGO_MANIFEST_DIR")));
    let mut files: Vec<&str> = lines
        .iter()
        .filter(|l| l.needs_aws())
        .map(|l| l.file.as_str())
        .collect();
    files.dedup();
    let mut failures = Vec::new();
    let mut ran = 0;
    for file in files {
        let place = Place {
            work: tempfile::tempdir().expect("a work directory"),
            home: tempfile::tempdir().expect("a HOME"),
        };
        // The offline lines of the page run too, for what they write.
        for line in lines.iter().filter(|line| line.file == file) {
            match run_line(&aws, &place, line) {
                Ok(count) => ran += count,
                Err(failure) => failures.push(failure),
            }
        }
    }
    eprintln!("ran {ran} AWS commands of the docs against moto");
    assert!(
        failures.is_empty(),
        "docs commands that fail:\n{}",
        failures.join("\n")
    );
    assert!(
        ran >= 5,
        "only {ran} AWS commands found: is the extractor reading the docs?"
    );
}
