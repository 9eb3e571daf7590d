//! A local ECS/EC2 endpoint for the AWS commands' tests: moto's server
//! (`python3 -m pip install 'moto[server]'`), started once per test binary
//! on a free port and stopped when the binary exits (it watches its stdin).
//! Each test works in its own region, which moto keeps apart, so tests run
//! in parallel without seeing each other's clusters and families.
//!
//! Every command runs with `AWS_ENDPOINT_URL` pointing at moto, dummy
//! credentials, and no AWS config files, so nothing can reach a real
//! account. Without moto the tests skip with one note, unless `CI` is set.

#![allow(dead_code)]

pub mod seed;

use std::io::Write;
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Output, Stdio};
use std::sync::{Mutex, OnceLock};
use std::thread;
use std::time::{Duration, Instant};

use serde_json::{json, Value};

const SERVER: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/moto/server.py");
const CLIENT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/moto/aws.py");
const PROXY: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/moto/failing_proxy.py");
const FLEET_PROXY: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/moto/fleet_proxy.py");
const SEED_FLEET: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/moto/seed_fleet.py");

/// Regions moto serves; each test takes one of its own.
const REGIONS: [&str; 16] = [
    "us-east-1",
    "us-east-2",
    "us-west-1",
    "us-west-2",
    "eu-west-1",
    "eu-west-2",
    "eu-west-3",
    "eu-central-1",
    "eu-north-1",
    "ap-south-1",
    "ap-southeast-1",
    "ap-southeast-2",
    "ap-northeast-1",
    "ap-northeast-2",
    "ca-central-1",
    "sa-east-1",
];

/// A running moto server. Its stdin is held for the life of the process.
pub struct Server {
    pub endpoint: String,
    _child: Child,
    _stdin: ChildStdin,
}

/// The python3 interpreter itself (a version-manager shim in front of it
/// costs a fork and tens of milliseconds per start).
pub fn python3() -> &'static Path {
    static PYTHON: OnceLock<PathBuf> = OnceLock::new();
    PYTHON.get_or_init(|| {
        let out = Command::new("python3")
            .args(["-c", "import sys; print(sys.executable)"])
            .output()
            .expect("python3 runs");
        PathBuf::from(String::from_utf8_lossy(&out.stdout).trim())
    })
}

fn moto_installed() -> bool {
    Command::new("python3")
        .args(["-c", "import moto.server, boto3, flask"])
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// The shared server, started on first use; `None` (after one note for the
/// whole binary) when moto is not installed and `CI` is unset.
pub fn server() -> Option<&'static Server> {
    static SERVER_ONCE: OnceLock<Option<Server>> = OnceLock::new();
    SERVER_ONCE
        .get_or_init(|| {
            if !moto_installed() {
                assert!(
                    std::env::var_os("CI").is_none(),
                    "moto is required for the AWS command tests in CI: python3 -m pip install 'moto[server]'"
                );
                eprintln!("note: skipping the AWS command tests, moto is not installed (python3 -m pip install 'moto[server]')");
                return None;
            }
            Some(start(SERVER, &[]))
        })
        .as_ref()
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free local port")
}

/// Starts a python server script on a free port and waits until it accepts
/// connections.
fn start(script: &str, args: &[&str]) -> Server {
    let port = free_port();
    let mut child = Command::new(python3())
        .arg(script)
        .arg(port.to_string())
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("python3 starts the server");
    let stdin = child.stdin.take().expect("piped stdin");
    let deadline = Instant::now() + Duration::from_secs(60);
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            child.try_wait().ok().flatten().is_none(),
            "{script} exited before it listened"
        );
        assert!(
            Instant::now() < deadline,
            "{script} did not listen within 60 s"
        );
        thread::sleep(Duration::from_millis(50));
    }
    Server {
        endpoint: format!("http://127.0.0.1:{port}"),
        _child: child,
        _stdin: stdin,
    }
}

/// A proxy in front of moto that fails `operation` with the AWS error
/// `code`. It lives as long as the returned value.
pub fn failing_proxy(upstream: &str, operation: &str, code: &str) -> Server {
    start(PROXY, &[upstream, operation, code])
}

/// A proxy in front of moto that misbehaves as `config` says (see
/// failing_proxy.py: `rules`, `require_key`) and logs every call. A rule
/// that holds a call waits for [`Proxy::open`] unless it names its own
/// `until` file. It lives as long as the returned value.
pub struct Proxy {
    pub endpoint: String,
    _server: Server,
    dir: tempfile::TempDir,
}

pub fn proxy(upstream: &str, mut config: Value) -> Proxy {
    let dir = tempfile::tempdir().expect("a directory for the proxy's log");
    let gate = dir.path().join("open");
    config["log"] = json!(dir.path().join("log"));
    if let Some(rules) = config.get_mut("rules").and_then(Value::as_array_mut) {
        for rule in rules {
            if rule.get("until").is_none() {
                rule["until"] = json!(gate);
            }
        }
    }
    let server = start(PROXY, &[upstream, &config.to_string()]);
    Proxy {
        endpoint: server.endpoint.clone(),
        _server: server,
        dir,
    }
}

impl Proxy {
    /// Every call so far, in order: `{"op", "key", "event"}`.
    pub fn calls(&self) -> Vec<Value> {
        std::fs::read_to_string(self.dir.path().join("log"))
            .unwrap_or_default()
            .lines()
            .map(|line| serde_json::from_str(line).expect("the proxy logs JSON lines"))
            .collect()
    }

    /// How many calls of `op` reached the proxy.
    pub fn count(&self, op: &str) -> usize {
        self.calls().iter().filter(|c| c["op"] == op).count()
    }

    /// Waits until a call of `op` is held (at most 60 s, then fails).
    pub fn wait_until_holding(&self, op: &str) {
        let deadline = Instant::now() + Duration::from_secs(60);
        while !self
            .calls()
            .iter()
            .any(|c| c["op"] == op && c["event"] == "holding")
        {
            assert!(Instant::now() < deadline, "no {op} was held within 60 s");
            thread::sleep(Duration::from_millis(20));
        }
    }

    /// Lets the held calls go on.
    pub fn open(&self) {
        std::fs::write(self.dir.path().join("open"), "").expect("the gate file is written");
    }
}

/// The fleet tests' proxy in front of moto (throttling, refused or stalled
/// registrations, deployments played out: see fleet_proxy.py).
pub fn fleet_proxy(upstream: &str, options: &Value) -> Server {
    start(FLEET_PROXY, &[upstream, &options.to_string()])
}

impl Server {
    /// What the fleet proxy counted (GET /stats).
    pub fn stats(&self) -> Value {
        let address = self.endpoint.trim_start_matches("http://");
        let mut stream = TcpStream::connect(address).expect("the proxy answers");
        write!(
            stream,
            "GET /stats HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\n\r\n"
        )
        .expect("request sent");
        let mut answer = String::new();
        std::io::Read::read_to_string(&mut stream, &mut answer).expect("answer read");
        let body = answer.split("\r\n\r\n").nth(1).unwrap_or_default();
        serde_json::from_str(body).expect("stats are JSON")
    }
}

/// Seeds a fleet through seed_fleet.py (its request, with the endpoint
/// added); what it seeded.
pub fn seed_fleet(endpoint: &str, mut request: Value) -> Value {
    request["endpoint"] = json!(endpoint);
    let mut child = Command::new(python3())
        .arg(SEED_FLEET)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("python3 runs the seeding script");
    child
        .stdin
        .take()
        .expect("piped stdin")
        .write_all(request.to_string().as_bytes())
        .expect("request written");
    let output = child.wait_with_output().expect("the seeding runs");
    assert!(output.status.success(), "seeding the fleet failed");
    serde_json::from_slice(&output.stdout).expect("the seeding script answers JSON")
}

/// One test's view of the server: its own region.
pub struct Aws {
    pub endpoint: String,
    pub region: &'static str,
}

/// Takes a region no other test in this binary uses.
pub fn aws() -> Option<Aws> {
    static NEXT: Mutex<usize> = Mutex::new(0);
    let server = server()?;
    let mut next = NEXT.lock().unwrap_or_else(|e| e.into_inner());
    let region = REGIONS
        .get(*next)
        .expect("more tests than moto regions: add regions to REGIONS");
    *next += 1;
    Some(Aws {
        endpoint: server.endpoint.clone(),
        region,
    })
}

/// The environment every command runs in: moto's endpoint, dummy
/// credentials, and none of the developer's own AWS settings.
pub fn isolate(command: &mut Command) -> &mut Command {
    for (name, _) in std::env::vars_os() {
        if name.to_string_lossy().starts_with("AWS_") {
            command.env_remove(&name);
        }
    }
    command
        .env("AWS_CONFIG_FILE", "/nonexistent/ddecs-wizard-tests/config")
        .env(
            "AWS_SHARED_CREDENTIALS_FILE",
            "/nonexistent/ddecs-wizard-tests/credentials",
        )
        .env("AWS_EC2_METADATA_DISABLED", "true")
}

impl Aws {
    /// The environment a command needs to reach this region of moto, for
    /// runners that start from an empty environment (a tmux pane).
    pub fn env(&self) -> Vec<(&'static str, String)> {
        vec![
            ("AWS_ENDPOINT_URL", self.endpoint.clone()),
            ("AWS_REGION", self.region.to_owned()),
            ("AWS_ACCESS_KEY_ID", "testing".to_owned()),
            ("AWS_SECRET_ACCESS_KEY", "testing".to_owned()),
            (
                "AWS_CONFIG_FILE",
                "/nonexistent/ddecs-wizard-tests/config".to_owned(),
            ),
            (
                "AWS_SHARED_CREDENTIALS_FILE",
                "/nonexistent/ddecs-wizard-tests/credentials".to_owned(),
            ),
            ("AWS_EC2_METADATA_DISABLED", "true".to_owned()),
        ]
    }

    /// Runs ddecs-wizard against this region of moto.
    pub fn run(&self, args: &[&str]) -> Output {
        self.run_with(args, None, &[])
    }

    pub fn run_with(&self, args: &[&str], stdin: Option<&str>, env: &[(&str, &str)]) -> Output {
        let mut child = self.launch(args, stdin.is_some(), env);
        if let Some(text) = stdin {
            child
                .stdin
                .take()
                .expect("piped stdin")
                .write_all(text.as_bytes())
                .expect("stdin written");
        }
        child.wait_with_output().expect("ddecs-wizard runs")
    }

    /// Starts ddecs-wizard against this region of moto and leaves it
    /// running: `wait_with_output` collects what it printed.
    pub fn spawn(&self, args: &[&str], env: &[(&str, &str)]) -> Child {
        self.launch(args, false, env)
    }

    fn launch(&self, args: &[&str], piped_stdin: bool, env: &[(&str, &str)]) -> Child {
        let mut command = Command::new(env!("CARGO_BIN_EXE_ddecs-wizard-aws"));
        isolate(&mut command)
            .args(args)
            .env("AWS_ENDPOINT_URL", &self.endpoint)
            .env("AWS_REGION", self.region)
            .env("AWS_ACCESS_KEY_ID", "testing")
            .env("AWS_SECRET_ACCESS_KEY", "testing");
        for (name, value) in env {
            command.env(name, value);
        }
        command
            .stdin(if piped_stdin {
                Stdio::piped()
            } else {
                Stdio::null()
            })
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        command.spawn().expect("ddecs-wizard starts")
    }

    /// Makes boto3 calls in this region: `[(service, operation, params)]`.
    /// A call that fails gives `{"error": CODE}`.
    pub fn calls(&self, calls: &[(&str, &str, Value)]) -> Vec<Value> {
        let request = json!({
            "endpoint": self.endpoint,
            "region": self.region,
            "calls": calls.iter().map(|(service, op, params)| json!({
                "service": service, "op": op, "params": params,
            })).collect::<Vec<_>>(),
        });
        let mut child = Command::new(python3())
            .arg(CLIENT)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .expect("python3 runs boto3");
        child
            .stdin
            .take()
            .expect("piped stdin")
            .write_all(request.to_string().as_bytes())
            .expect("request written");
        let output = child.wait_with_output().expect("boto3 calls run");
        assert!(output.status.success(), "boto3 calls failed: {calls:?}");
        serde_json::from_slice(&output.stdout).expect("boto3 results are JSON")
    }

    pub fn call(&self, service: &str, op: &str, params: Value) -> Value {
        self.calls(&[(service, op, params)]).remove(0)
    }

    /// The ARNs of the family's ACTIVE revisions.
    pub fn revisions(&self, family: &str) -> Vec<String> {
        let listed = self.call(
            "ecs",
            "list_task_definitions",
            json!({"familyPrefix": family, "status": "ACTIVE"}),
        );
        listed["taskDefinitionArns"]
            .as_array()
            .map(|arns| {
                arns.iter()
                    .filter_map(|a| a.as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default()
    }

    /// describe-task-definition output, tags included.
    pub fn describe(&self, task_definition: &str) -> Value {
        self.call(
            "ecs",
            "describe_task_definition",
            json!({"taskDefinition": task_definition, "include": ["TAGS"]}),
        )
    }

    pub fn service(&self, cluster: &str, service: &str) -> Value {
        let described = self.call(
            "ecs",
            "describe_services",
            json!({"cluster": cluster, "services": [service]}),
        );
        described["services"][0].clone()
    }
}

pub fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

pub fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}
