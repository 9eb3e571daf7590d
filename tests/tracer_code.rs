//! The generated tracer code (`generate --output tracer-code`) for Python,
//! Node.js, Ruby and Go, from each of the four sources of the host's IP.
//!
//! Snapshots pin the text; then every snippet must pass its language's own
//! checks (py_compile, node --check, ruby -wc, gofmt + go vet + go build
//! against a stub of dd-trace-go v2), and must behave: run against a local
//! mock IMDS or a metadata file, with a stub tracer that prints the agent
//! address it ends up with, it must use a good answer, refuse an error page,
//! give up within its bound, and always let the app run.
//!
//! Needs python3, node, ruby and go. Without one, its tests print a note and
//! pass, unless CI is set, where a missing tool fails them.

#[path = "common/tools.rs"]
mod tools;
use tools::have;

#[path = "support/tracer_mock_imds.rs"]
mod mock_imds;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::OnceLock;
use std::thread;
use std::time::{Duration, Instant};

use ddecs_wizard::core::generate::entrypoint::IMDS_BASE_URL;
use ddecs_wizard::core::generate::files::artifact_files;
use ddecs_wizard::core::generate::tracer_code::build_tracer_code;
use ddecs_wizard::core::{Config, Imds, Language};
use mock_imds::{refused_base_url, MockImds, Mode, HOST_IP};
use tempfile::TempDir;

const TRACED: [Language; 4] = [
    Language::Python,
    Language::Nodejs,
    Language::Ruby,
    Language::Go,
];

/// Set in the environment of every run: a snippet that used the proxy could
/// not reach the mock, so a good answer proves the proxy is bypassed.
const DEAD_PROXY: &str = "http://127.0.0.1:9";

fn code(language: Language, imds: Imds) -> String {
    build_tracer_code(language, imds).expect("tracer code for this language")
}

/// The code with its IMDS base URL pointed at `base_url`.
fn code_for(language: Language, imds: Imds, base_url: &str) -> String {
    let code = code(language, imds);
    assert_eq!(code.matches(IMDS_BASE_URL).count(), 1, "{language} {imds}");
    code.replace(IMDS_BASE_URL, base_url)
}

// ---------------------------------------------------------------- the text

#[test]
fn snapshots_of_every_language_and_source() {
    for language in TRACED {
        for imds in Imds::ALL {
            insta::assert_snapshot!(format!("{language}-{imds}"), code(language, imds));
        }
    }
}

#[test]
fn out_dir_writes_the_same_code_under_the_language_file_name() {
    for (language, name) in [
        (Language::Python, "tracer.py"),
        (Language::Nodejs, "tracer.js"),
        (Language::Ruby, "tracer.rb"),
        (Language::Go, "tracer.go"),
    ] {
        let mut config = Config::for_language(language);
        config.imds = Imds::MetadataFile;
        let files = artifact_files(&config);
        let (_, text) = files
            .iter()
            .find(|(n, _)| *n == name)
            .unwrap_or_else(|| panic!("{name} is written for {language}"));
        assert_eq!(text, &code(language, Imds::MetadataFile));
    }
}

// ------------------------------------------------------------------- tools

fn have_runtime(language: Language) -> bool {
    match language {
        Language::Python => have("python3", "python3"),
        Language::Nodejs => have("node", "nodejs"),
        Language::Ruby => have("ruby", "ruby"),
        Language::Go => have("go", "golang-go"),
        _ => unreachable!("only the traced languages"),
    }
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Runs `command` and fails the test, with its output, unless it succeeds.
fn run(command: &mut Command, what: &str) -> Output {
    let output = command.output().unwrap_or_else(|e| panic!("{what}: {e}"));
    assert!(
        output.status.success(),
        "{what} failed: {}\nstdout:\n{}\nstderr:\n{}",
        output.status,
        text(&output.stdout),
        text(&output.stderr)
    );
    output
}

// ------------------------------------------------------------- syntax check

#[test]
fn python_compiles() {
    if !have_runtime(Language::Python) {
        return;
    }
    let dir = TempDir::new().unwrap();
    for imds in Imds::ALL {
        let file = dir
            .path()
            .join(format!("tracer_{}.py", imds.cli_name().replace('-', "_")));
        fs::write(&file, code(Language::Python, imds)).unwrap();
        run(
            Command::new("python3")
                .args(["-W", "error", "-m", "py_compile"])
                .arg(&file),
            &format!("py_compile {imds}"),
        );
    }
}

#[test]
fn node_checks() {
    if !have_runtime(Language::Nodejs) {
        return;
    }
    let dir = TempDir::new().unwrap();
    for imds in Imds::ALL {
        let file = dir.path().join(format!("tracer-{imds}.js"));
        fs::write(&file, code(Language::Nodejs, imds)).unwrap();
        run(
            Command::new("node").arg("--check").arg(&file),
            &format!("node --check {imds}"),
        );
    }
}

#[test]
fn ruby_checks_without_warnings() {
    if !have_runtime(Language::Ruby) {
        return;
    }
    let dir = TempDir::new().unwrap();
    for imds in Imds::ALL {
        let file = dir.path().join(format!("tracer-{imds}.rb"));
        fs::write(&file, code(Language::Ruby, imds)).unwrap();
        let out = run(
            Command::new("ruby").arg("-wc").arg(&file),
            &format!("ruby -wc {imds}"),
        );
        assert_eq!(text(&out.stdout), "Syntax OK\n", "{imds}");
        assert_eq!(text(&out.stderr), "", "{imds}: warnings");
    }
}

/// A private Go environment: no network, no toolchain download, no cgo (so
/// no C compiler), and caches that start empty and go away with the test.
struct GoEnv {
    home: TempDir,
}

impl GoEnv {
    fn shared() -> &'static GoEnv {
        static ENV: OnceLock<GoEnv> = OnceLock::new();
        ENV.get_or_init(|| GoEnv {
            home: TempDir::new().unwrap(),
        })
    }

    fn command(&self, program: &str, dir: &Path) -> Command {
        let mut command = Command::new(program);
        command
            .current_dir(dir)
            .env("GOFLAGS", "-mod=mod")
            .env("GOPROXY", "off")
            .env("GOSUMDB", "off")
            .env("GOTOOLCHAIN", "local")
            .env("GOWORK", "off")
            .env("CGO_ENABLED", "0")
            .env("GOCACHE", self.home.path().join("cache"))
            .env("GOPATH", self.home.path().join("path"));
        command
    }
}

fn go_stub() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/support/go-stub")
}

/// What a user's main does with tracer.go, as the file's header says.
const GO_MAIN: &str = r#"package main

import (
	"fmt"

	"github.com/DataDog/dd-trace-go/v2/ddtrace/tracer"
)

func main() {
	startDatadogTracer()
	defer tracer.Stop()
	fmt.Println("app running")
}
"#;

/// A module whose packages (one directory each) use the stub tracer.
fn go_module(dir: &Path, packages: &[(&str, &str)]) {
    let go_mod = format!(
        "module example.com/app\n\ngo 1.18\n\nrequire github.com/DataDog/dd-trace-go/v2 v2.0.0\n\nreplace github.com/DataDog/dd-trace-go/v2 => {}\n",
        go_stub().display()
    );
    fs::write(dir.join("go.mod"), go_mod).unwrap();
    for (name, tracer_go) in packages {
        let package = dir.join(name);
        fs::create_dir_all(&package).unwrap();
        fs::write(package.join("tracer.go"), tracer_go).unwrap();
        fs::write(package.join("main.go"), GO_MAIN).unwrap();
    }
}

#[test]
fn go_is_formatted_vetted_and_builds_against_dd_trace_go_v2() {
    if !have_runtime(Language::Go) {
        return;
    }
    let go = GoEnv::shared();
    let dir = TempDir::new().unwrap();
    let codes: Vec<(String, String)> = Imds::ALL
        .into_iter()
        .filter(|i| *i != Imds::Auto)
        .map(|imds| (format!("source-{imds}"), code(Language::Go, imds)))
        .collect();
    let packages: Vec<(&str, &str)> = codes
        .iter()
        .map(|(n, c)| (n.as_str(), c.as_str()))
        .collect();
    go_module(dir.path(), &packages);

    let files: Vec<PathBuf> = codes
        .iter()
        .map(|(name, _)| dir.path().join(name).join("tracer.go"))
        .collect();
    let gofmt = run(
        go.command("gofmt", dir.path()).arg("-l").args(&files),
        "gofmt -l",
    );
    assert_eq!(text(&gofmt.stdout), "", "gofmt would reformat these");
    run(
        go.command("go", dir.path()).args(["vet", "./..."]),
        "go vet",
    );
    run(
        go.command("go", dir.path())
            .args(["build", "-o", "bin/", "./..."]),
        "go build",
    );
}

// --------------------------------------------------------------- behaviour

const PYTHON_DDTRACE_AUTO: &str = r#"import os
print("tracer loaded")
if os.environ.get("DD_AGENT_HOST"):
    print("agent=" + os.environ["DD_AGENT_HOST"])
"#;

const NODE_DD_TRACE: &str = r#"'use strict'
module.exports = {
  init () {
    console.log('tracer loaded')
    if (process.env.DD_AGENT_HOST) console.log(`agent=${process.env.DD_AGENT_HOST}`)
    return this
  },
  setUrl (url) {
    console.log(`agent=${url}`)
    return this
  }
}
"#;

const RUBY_DATADOG: &str = r#"puts 'tracer loaded'
puts "agent=#{ENV['DD_AGENT_HOST']}" unless ENV.fetch('DD_AGENT_HOST', '').empty?

module Datadog
  Settings = Struct.new(:agent)
  AgentSettings = Struct.new(:host)

  def self.configure
    settings = Settings.new(AgentSettings.new(nil))
    yield settings
    puts "agent=#{settings.agent.host}"
  end
end
"#;

/// A Node app that stays up like a server until the tracer code is done:
/// the lookup is asynchronous and must not keep a finished script alive.
const NODE_APP: &str = r#"
const ddTrace = require('dd-trace')
const done = () => setImmediate(() => process.exit(0))
const setUrl = ddTrace.setUrl
ddTrace.setUrl = function (url) { setUrl.call(this, url); done(); return this }
const logError = console.error
console.error = (...args) => { logError(...args); done() }
require('./tracer')
console.log('app running')
// With DD_AGENT_HOST set there is nothing to wait for.
if (process.env.DD_AGENT_HOST) done()
else setTimeout(() => console.log('still waiting after 8 s'), 8000)
"#;

/// What the stub tracer prints when the code hands it `ip`.
fn agent_for(language: Language, ip: &str) -> String {
    match language {
        Language::Nodejs => format!("http://{ip}:8126"),
        Language::Go => format!("{ip}:8126"),
        _ => ip.to_owned(),
    }
}

struct Outcome {
    /// The last agent address the stub tracer printed.
    agent: Option<String>,
    stdout: String,
    stderr: String,
    elapsed: Duration,
}

/// Runs `code` as an app would load it, with the stub tracer, and `env`.
fn run_app(language: Language, code: &str, env: &[(&str, &str)]) -> Outcome {
    let dir = TempDir::new().unwrap();
    let root = dir.path();
    let mut command = match language {
        Language::Python => {
            fs::write(root.join("tracer.py"), code).unwrap();
            fs::create_dir(root.join("ddtrace")).unwrap();
            fs::write(root.join("ddtrace/__init__.py"), "").unwrap();
            fs::write(root.join("ddtrace/auto.py"), PYTHON_DDTRACE_AUTO).unwrap();
            let mut c = Command::new("python3");
            c.args(["-X", "dev", "-c", "import tracer; print('app running')"])
                .env("PYTHONPATH", root)
                .env("PYTHONDONTWRITEBYTECODE", "1");
            c
        }
        Language::Nodejs => {
            fs::write(root.join("tracer.js"), code).unwrap();
            fs::create_dir_all(root.join("node_modules/dd-trace")).unwrap();
            fs::write(root.join("node_modules/dd-trace/index.js"), NODE_DD_TRACE).unwrap();
            let mut c = Command::new("node");
            c.args(["-e", NODE_APP]);
            c
        }
        Language::Ruby => {
            fs::write(root.join("tracer.rb"), code).unwrap();
            fs::create_dir(root.join("stub")).unwrap();
            fs::write(root.join("stub/datadog.rb"), RUBY_DATADOG).unwrap();
            let mut c = Command::new("ruby");
            c.args([
                "-w",
                "-I",
                "stub",
                "-e",
                "require './tracer'; puts 'app running'",
            ]);
            c
        }
        Language::Go => {
            go_module(root, &[("app", code)]);
            run(
                GoEnv::shared()
                    .command("go", root)
                    .args(["build", "-o", "app-bin", "./app"]),
                "go build",
            );
            Command::new(root.join("app-bin"))
        }
        _ => unreachable!("only the traced languages"),
    };
    command
        .current_dir(root)
        .env_remove("DD_AGENT_HOST")
        .env_remove("ECS_CONTAINER_METADATA_FILE")
        .env_remove("NO_PROXY")
        .env_remove("no_proxy")
        .env("http_proxy", DEAD_PROXY)
        .env("HTTP_PROXY", DEAD_PROXY)
        .envs(env.iter().copied())
        .stdin(Stdio::null());
    let started = Instant::now();
    let output = command.output().expect("run the app");
    let elapsed = started.elapsed();
    let (stdout, stderr) = (text(&output.stdout), text(&output.stderr));
    assert!(
        output.status.success(),
        "{language}: the app must run whatever happens\nstdout:\n{stdout}\nstderr:\n{stderr}"
    );
    assert!(stdout.contains("tracer loaded"), "{language}: {stdout}");
    assert!(stdout.contains("app running"), "{language}: {stdout}");
    let agent = stdout
        .lines()
        .filter_map(|l| l.strip_prefix("agent="))
        .next_back()
        .map(str::to_owned);
    Outcome {
        agent,
        stdout,
        stderr,
        elapsed,
    }
}

impl Outcome {
    fn assert_found(&self, language: Language) {
        assert_eq!(
            self.agent.as_deref(),
            Some(agent_for(language, HOST_IP).as_str()),
            "{language}\nstdout:\n{}\nstderr:\n{}",
            self.stdout,
            self.stderr
        );
        assert_eq!(
            self.stderr, "",
            "{language}: nothing on stderr when all is well"
        );
    }

    /// No address, and one line on stderr that names the source and says why.
    fn assert_gave_up(&self, language: Language, imds: Imds, why: &str) {
        assert_eq!(self.agent, None, "{language}: {}", self.stdout);
        let lines: Vec<&str> = self.stderr.lines().collect();
        assert_eq!(
            lines.len(),
            1,
            "{language}: one line on stderr: {}",
            self.stderr
        );
        let expected = format!("datadog: no agent host from {} (", imds.label());
        assert!(lines[0].contains(&expected), "{language}: {}", lines[0]);
        assert!(
            lines[0].contains(why),
            "{language}: {} lacks {why:?}",
            lines[0]
        );
        assert!(
            lines[0].ends_with("; the tracer keeps its default agent host"),
            "{language}: {}",
            lines[0]
        );
    }

    fn assert_within(&self, language: Language, bound: Duration) {
        assert!(
            self.elapsed < bound,
            "{language}: took {:?}, more than {bound:?}",
            self.elapsed
        );
    }
}

fn imds_v1_answer_is_used(language: Language) {
    let imds = MockImds::start(Mode::Good);
    let outcome = run_app(language, &code_for(language, Imds::V1, &imds.base_url), &[]);
    outcome.assert_found(language);
    let requests = imds.requests();
    assert_eq!(requests.len(), 1, "{language}: {requests:?}");
    assert_eq!(
        (requests[0].method.as_str(), requests[0].path.as_str()),
        ("GET", "/latest/meta-data/local-ipv4")
    );
    assert_eq!(requests[0].header("x-aws-ec2-metadata-token"), None);
}

fn imds_v2_answer_is_used_with_a_token(language: Language) {
    let imds = MockImds::start(Mode::Good);
    let outcome = run_app(language, &code_for(language, Imds::V2, &imds.base_url), &[]);
    outcome.assert_found(language);
    let requests = imds.requests();
    let calls: Vec<(&str, &str)> = requests
        .iter()
        .map(|r| (r.method.as_str(), r.path.as_str()))
        .collect();
    assert_eq!(
        calls,
        [
            ("PUT", "/latest/api/token"),
            ("GET", "/latest/meta-data/local-ipv4")
        ],
        "{language}"
    );
    assert_eq!(
        requests[0].header("x-aws-ec2-metadata-token-ttl-seconds"),
        Some("21600"),
        "{language}"
    );
}

fn unauthorized_page_is_not_an_address(language: Language) {
    let imds = MockImds::start(Mode::Unauthorized);
    let outcome = run_app(language, &code_for(language, Imds::V2, &imds.base_url), &[]);
    outcome.assert_gave_up(language, Imds::V2, "401");
    assert!(
        !outcome.stderr.contains("<html>"),
        "{language}: {}",
        outcome.stderr
    );
    // Two tries, each stopped by the failed token request.
    let paths: Vec<String> = imds.requests().into_iter().map(|r| r.path).collect();
    assert_eq!(paths, ["/latest/api/token"; 2], "{language}");
}

fn html_page_is_not_an_address(language: Language) {
    let imds = MockImds::start(Mode::HtmlPage);
    let outcome = run_app(language, &code_for(language, Imds::V1, &imds.base_url), &[]);
    outcome.assert_gave_up(language, Imds::V1, "is not an IPv4 address");
    assert_eq!(imds.requests().len(), 2, "{language}: two tries");
}

fn refused_connection_gives_up_quickly(language: Language) {
    let code = code_for(language, Imds::V2, &refused_base_url());
    let outcome = run_app(language, &code, &[]);
    outcome.assert_gave_up(language, Imds::V2, "");
    // Two refused tries, 1 s apart.
    outcome.assert_within(language, Duration::from_secs(3));
}

fn silent_imds_gives_up_within_the_bound(language: Language) {
    let imds = MockImds::start(Mode::Silent);
    let outcome = run_app(language, &code_for(language, Imds::V2, &imds.base_url), &[]);
    outcome.assert_gave_up(language, Imds::V2, "");
    // 1 s timeout, 1 s pause, 1 s timeout: about 3 s, never the 5 s bound.
    outcome.assert_within(language, Duration::from_millis(4_500));
    assert_eq!(imds.requests().len(), 2, "{language}: two tries");
}

fn metadata_env(file: &Path) -> [(&'static str, String); 1] {
    [("ECS_CONTAINER_METADATA_FILE", file.display().to_string())]
}

const METADATA: &str = r#"{
  "Cluster": "default",
  "ContainerInstanceARN": "arn:aws:ecs:us-west-2:012345678910:container-instance/1f73d099-b914-411c-a9ff-81633b7741dd",
  "TaskARN": "arn:aws:ecs:us-west-2:012345678910:task/2b88376d-aba3-4950-9ddf-bcb0f388a40c",
  "ContainerName": "app",
  "HostPrivateIPv4Address": "10.11.12.13",
  "MetadataFileStatus": "READY"
}"#;

fn metadata_file_answer_is_used(language: Language) {
    let dir = TempDir::new().unwrap();
    let file = dir.path().join("metadata.json");
    fs::write(&file, METADATA).unwrap();
    let [(name, value)] = metadata_env(&file);
    let outcome = run_app(
        language,
        &code(language, Imds::MetadataFile),
        &[(name, &value)],
    );
    outcome.assert_found(language);
}

fn metadata_file_that_fills_in_late_is_waited_for(language: Language) {
    let dir = TempDir::new().unwrap();
    let file = dir.path().join("metadata.json");
    // ECS creates the file, then fills it in a moment later.
    fs::write(&file, "").unwrap();
    let (late, target) = (dir.path().join("late.json"), file.clone());
    let writer = thread::spawn(move || {
        thread::sleep(Duration::from_millis(1_200));
        fs::write(&late, METADATA).unwrap();
        fs::rename(&late, &target).unwrap();
    });
    let [(name, value)] = metadata_env(&file);
    let outcome = run_app(
        language,
        &code(language, Imds::MetadataFile),
        &[(name, &value)],
    );
    writer.join().unwrap();
    outcome.assert_found(language);
}

fn metadata_file_without_an_address_gives_up_within_the_bound(language: Language) {
    let dir = TempDir::new().unwrap();
    let file = dir.path().join("metadata.json");
    fs::write(&file, METADATA.replace("10.11.12.13", "<html>")).unwrap();
    let [(name, value)] = metadata_env(&file);
    let outcome = run_app(
        language,
        &code(language, Imds::MetadataFile),
        &[(name, &value)],
    );
    outcome.assert_gave_up(language, Imds::MetadataFile, "is not an IPv4 address");
    // 10 reads, 0.5 s apart: about 4.5 s.
    outcome.assert_within(language, Duration::from_millis(6_500));
}

fn metadata_file_variable_unset_fails_at_once(language: Language) {
    let outcome = run_app(language, &code(language, Imds::MetadataFile), &[]);
    outcome.assert_gave_up(
        language,
        Imds::MetadataFile,
        "ECS_CONTAINER_METADATA_FILE is not set (set ECS_ENABLE_CONTAINER_METADATA=true on the instance)",
    );
    outcome.assert_within(language, Duration::from_secs(2));
}

/// A metadata file that a writer thread puts in place after `after`.
fn write_later(file: &Path, after: Duration) -> thread::JoinHandle<()> {
    let (late, target) = (file.with_extension("late"), file.to_owned());
    thread::spawn(move || {
        thread::sleep(after);
        fs::write(&late, METADATA).unwrap();
        fs::rename(&late, &target).unwrap();
    })
}

fn calls(imds: &MockImds) -> Vec<(String, String, bool)> {
    imds.requests()
        .into_iter()
        .map(|r| {
            let token = r.header("x-aws-ec2-metadata-token").is_some();
            (r.method, r.path, token)
        })
        .collect()
}

fn call(method: &str, path: &str, token: bool) -> (String, String, bool) {
    (method.to_owned(), format!("/latest/{path}"), token)
}

fn auto_takes_a_ready_file_without_asking_imds(language: Language) {
    let imds = MockImds::start(Mode::Good);
    let dir = TempDir::new().unwrap();
    let file = dir.path().join("metadata.json");
    fs::write(&file, METADATA).unwrap();
    let [(name, value)] = metadata_env(&file);
    let code = code_for(language, Imds::Auto, &imds.base_url);
    let outcome = run_app(language, &code, &[(name, &value)]);
    outcome.assert_found(language);
    assert_eq!(calls(&imds), [], "{language}");
}

fn auto_waits_for_a_late_file(language: Language) {
    let dir = TempDir::new().unwrap();
    let file = dir.path().join("metadata.json");
    let writer = write_later(&file, Duration::from_millis(1_500));
    let [(name, value)] = metadata_env(&file);
    let code = code_for(language, Imds::Auto, &refused_base_url());
    let outcome = run_app(language, &code, &[(name, &value)]);
    writer.join().unwrap();
    outcome.assert_found(language);
    outcome.assert_within(language, Duration::from_millis(6_500));
}

fn auto_without_a_file_asks_imdsv2(language: Language) {
    let imds = MockImds::start(Mode::V2Only);
    let outcome = run_app(
        language,
        &code_for(language, Imds::Auto, &imds.base_url),
        &[],
    );
    outcome.assert_found(language);
    let expected = [
        call("PUT", "api/token", false),
        call("GET", "meta-data/local-ipv4", true),
    ];
    assert_eq!(calls(&imds), expected, "{language}");
}

fn auto_without_a_file_or_token_asks_imdsv1(language: Language) {
    let imds = MockImds::start(Mode::V1Only);
    let outcome = run_app(
        language,
        &code_for(language, Imds::Auto, &imds.base_url),
        &[],
    );
    outcome.assert_found(language);
    let expected = [
        call("PUT", "api/token", false),
        call("GET", "meta-data/local-ipv4", false),
    ];
    assert_eq!(calls(&imds), expected, "{language}");
}

fn auto_with_a_file_that_never_comes_asks_imds_once(language: Language) {
    let imds = MockImds::start(Mode::V2Only);
    let dir = TempDir::new().unwrap();
    let [(name, value)] = metadata_env(&dir.path().join("never.json"));
    let code = code_for(language, Imds::Auto, &imds.base_url);
    let outcome = run_app(language, &code, &[(name, &value)]);
    outcome.assert_found(language);
    // The file had its 2 s first.
    assert!(
        outcome.elapsed >= Duration::from_secs(2),
        "{language}: {:?}",
        outcome.elapsed
    );
    assert_eq!(calls(&imds).len(), 2, "{language}");
}

fn auto_with_everything_down_gives_up_within_the_bound(language: Language) {
    let dir = TempDir::new().unwrap();
    for file in [None, Some(dir.path().join("never.json"))] {
        let imds = MockImds::start(Mode::Silent);
        let env = file.as_deref().map(metadata_env);
        let env: Vec<(&str, &str)> = env
            .iter()
            .flatten()
            .map(|(name, value)| (*name, value.as_str()))
            .collect();
        let outcome = run_app(
            language,
            &code_for(language, Imds::Auto, &imds.base_url),
            &env,
        );
        outcome.assert_gave_up(language, Imds::Auto, "");
        // About 5 s either way (2 attempts of 2 s, or the file's 2 s, one
        // attempt and 1 s), plus start-up.
        outcome.assert_within(language, Duration::from_millis(7_500));
    }
}

fn explicit_agent_host_is_kept(language: Language) {
    let imds = MockImds::start(Mode::Good);
    let code = code_for(language, Imds::V2, &imds.base_url);
    let outcome = run_app(language, &code, &[("DD_AGENT_HOST", "192.0.2.7")]);
    assert_eq!(outcome.agent.as_deref(), Some("192.0.2.7"), "{language}");
    assert_eq!(outcome.stderr, "", "{language}");
    assert!(imds.requests().is_empty(), "{language}: no lookup needed");
}

#[test]
fn node_lookup_does_not_keep_a_finished_script_alive() {
    if !have_runtime(Language::Nodejs) {
        return;
    }
    let imds = MockImds::start(Mode::Silent);
    let dir = TempDir::new().unwrap();
    fs::write(
        dir.path().join("tracer.js"),
        code_for(Language::Nodejs, Imds::V2, &imds.base_url),
    )
    .unwrap();
    fs::create_dir_all(dir.path().join("node_modules/dd-trace")).unwrap();
    fs::write(
        dir.path().join("node_modules/dd-trace/index.js"),
        NODE_DD_TRACE,
    )
    .unwrap();
    let started = Instant::now();
    run(
        Command::new("node")
            .current_dir(dir.path())
            .env_remove("DD_AGENT_HOST")
            .args(["-e", "require('./tracer')"]),
        "node script",
    );
    // The first request's 1 s timeout holds it; the pause before a retry must not.
    let elapsed = started.elapsed();
    assert!(elapsed < Duration::from_millis(2_500), "took {elapsed:?}");
}

/// Every behaviour test, once per language, as separate tests so they run
/// in parallel and fail by name.
macro_rules! behaviour {
    ($($language:ident => $variant:expr;)*) => {$(
        mod $language {
            use super::*;

            fn go(check: fn(Language)) {
                if have_runtime($variant) {
                    check($variant);
                }
            }

            #[test]
            fn imds_v1_answer_is_used() { go(super::imds_v1_answer_is_used) }
            #[test]
            fn imds_v2_answer_is_used_with_a_token() { go(super::imds_v2_answer_is_used_with_a_token) }
            #[test]
            fn unauthorized_page_is_not_an_address() { go(super::unauthorized_page_is_not_an_address) }
            #[test]
            fn html_page_is_not_an_address() { go(super::html_page_is_not_an_address) }
            #[test]
            fn refused_connection_gives_up_quickly() { go(super::refused_connection_gives_up_quickly) }
            #[test]
            fn silent_imds_gives_up_within_the_bound() { go(super::silent_imds_gives_up_within_the_bound) }
            #[test]
            fn metadata_file_answer_is_used() { go(super::metadata_file_answer_is_used) }
            #[test]
            fn metadata_file_that_fills_in_late_is_waited_for() { go(super::metadata_file_that_fills_in_late_is_waited_for) }
            #[test]
            fn metadata_file_without_an_address_gives_up_within_the_bound() { go(super::metadata_file_without_an_address_gives_up_within_the_bound) }
            #[test]
            fn metadata_file_variable_unset_fails_at_once() { go(super::metadata_file_variable_unset_fails_at_once) }
            #[test]
            fn explicit_agent_host_is_kept() { go(super::explicit_agent_host_is_kept) }
            #[test]
            fn auto_takes_a_ready_file_without_asking_imds() { go(super::auto_takes_a_ready_file_without_asking_imds) }
            #[test]
            fn auto_waits_for_a_late_file() { go(super::auto_waits_for_a_late_file) }
            #[test]
            fn auto_without_a_file_asks_imdsv2() { go(super::auto_without_a_file_asks_imdsv2) }
            #[test]
            fn auto_without_a_file_or_token_asks_imdsv1() { go(super::auto_without_a_file_or_token_asks_imdsv1) }
            #[test]
            fn auto_with_a_file_that_never_comes_asks_imds_once() { go(super::auto_with_a_file_that_never_comes_asks_imds_once) }
            #[test]
            fn auto_with_everything_down_gives_up_within_the_bound() { go(super::auto_with_everything_down_gives_up_within_the_bound) }
        }
    )*};
}

behaviour! {
    python => Language::Python;
    nodejs => Language::Nodejs;
    ruby => Language::Ruby;
    golang => Language::Go;
}
