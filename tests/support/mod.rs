//! Helpers for running the generated entryPoint script under real shells.
//!
//! The script's promises (bounded waits, exec, exact quoting) only mean
//! something when a real `dash` or busybox `ash` runs it, against an IMDS
//! that misbehaves on purpose. These helpers start the mock IMDS, build a
//! PATH holding exactly the tools an image would have, and run a script with
//! a hard deadline so that a hanging script fails the test instead of
//! hanging it.

// Each test binary uses its own subset of these helpers.
#![allow(dead_code)]

#[path = "../common/tools.rs"]
mod tools;
pub use tools::have;

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, ExitStatus, Stdio};
use std::sync::OnceLock;
use std::thread;
use std::time::{Duration, Instant};

use ddecs_wizard::core::generate::entrypoint::{build_script_with, GiveUp, IMDS_BASE_URL};
use ddecs_wizard::core::Imds;

pub const MOCK_IMDS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/support/mock_imds.py");

/// Long enough for any bounded run on a loaded machine, short enough that a
/// script which waits forever fails the test quickly.
pub const DEADLINE: Duration = Duration::from_secs(20);

/// The startup command most tests use: it shows whether DD_AGENT_HOST is set
/// and to what, without needing any program from PATH.
pub const SHOW_HOST: &str = r#"printf '%s\n' "host=${DD_AGENT_HOST-<unset>}""#;

pub fn find_in_path(tool: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(tool))
        .find(|candidate| candidate.is_file())
}

/// The python3 interpreter itself, not a version-manager shim in front of
/// it: shims cost a fork and 50 ms or more per start.
pub fn python3() -> &'static Path {
    static PYTHON: OnceLock<PathBuf> = OnceLock::new();
    PYTHON.get_or_init(|| {
        let out = Command::new("python3")
            .args(["-c", "import sys; print(sys.executable)"])
            .output()
            .expect("python3 runs (it serves the mock IMDS)");
        assert!(out.status.success(), "python3 failed: {out:?}");
        PathBuf::from(String::from_utf8_lossy(&out.stdout).trim())
    })
}

/// The two shells the script must work under.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shell {
    Dash,
    Busybox,
}

impl Shell {
    pub const ALL: [Shell; 2] = [Shell::Dash, Shell::Busybox];

    /// The shells that are installed (all of them under CI).
    pub fn available() -> Vec<Shell> {
        Shell::ALL
            .into_iter()
            .filter(|shell| have(shell.program(), shell.program()))
            .collect()
    }

    pub fn program(self) -> &'static str {
        match self {
            Shell::Dash => "dash",
            Shell::Busybox => "busybox",
        }
    }

    /// `dash -c SCRIPT` or `busybox sh -c SCRIPT`, with the shell found on
    /// the host's PATH (the child's PATH is the image's, without the shell).
    pub fn argv(self, script: &str) -> Vec<String> {
        let program = find_in_path(self.program())
            .unwrap_or_else(|| panic!("{} is not installed", self.program()));
        let mut argv = vec![program.display().to_string()];
        if self == Shell::Busybox {
            argv.push("sh".to_owned());
        }
        argv.extend(["-c".to_owned(), script.to_owned()]);
        argv
    }

    pub fn command(self, script: &str) -> Command {
        let argv = self.argv(script);
        let mut command = Command::new(&argv[0]);
        command.args(&argv[1..]);
        command
    }
}

/// A running mock IMDS, stopped when dropped.
pub struct Mock {
    child: Child,
    // Held open so that the mock exits by itself if this process dies.
    _stdin: ChildStdin,
    pub port: u16,
    log: tempfile::NamedTempFile,
}

impl Mock {
    pub fn start(mode: &str, ip: &str) -> Mock {
        let log = tempfile::NamedTempFile::new().expect("temp file for the mock's log");
        let mut child = Command::new(python3())
            .arg(MOCK_IMDS)
            .args([
                "--port",
                "0",
                "--mode",
                mode,
                "--ip",
                ip,
                "--exit-on-stdin-eof",
            ])
            .arg("--log")
            .arg(log.path())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .expect("start mock_imds.py");
        let stdin = child.stdin.take().expect("piped stdin");
        let mut first_line = String::new();
        BufReader::new(child.stdout.take().expect("piped stdout"))
            .read_line(&mut first_line)
            .expect("read the mock's port");
        let port = first_line
            .trim()
            .parse()
            .unwrap_or_else(|_| panic!("mock_imds.py printed {first_line:?}, not a port"));
        Mock {
            child,
            _stdin: stdin,
            port,
            log,
        }
    }

    pub fn base_url(&self) -> String {
        format!("http://127.0.0.1:{}/latest/", self.port)
    }

    /// Every request the mock received so far, oldest first.
    pub fn requests(&self) -> Vec<Request> {
        let text = std::fs::read_to_string(self.log.path()).expect("read the mock's log");
        text.lines()
            .map(|line| serde_json::from_str(line).expect("the mock logs JSON lines"))
            .map(|entry: serde_json::Value| Request {
                method: entry["method"].as_str().unwrap_or_default().to_owned(),
                path: entry["path"].as_str().unwrap_or_default().to_owned(),
                headers: entry["headers"]
                    .as_object()
                    .map(|headers| {
                        headers
                            .iter()
                            .map(|(k, v)| {
                                (k.to_ascii_lowercase(), v.as_str().unwrap_or("").to_owned())
                            })
                            .collect()
                    })
                    .unwrap_or_default(),
            })
            .collect()
    }
}

impl Drop for Mock {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[derive(Debug)]
pub struct Request {
    pub method: String,
    pub path: String,
    /// Header names in lower case.
    pub headers: BTreeMap<String, String>,
}

/// The give-up bound of the scripts the tests run: shorter than the shipped
/// 5 s so that every case that waits it out does not sleep 5 s, and long
/// enough for a mock on a loaded 2-core machine to answer within a step.
/// The shipped bound itself is run by the cases that use `build_script`.
pub const TEST_GIVE_UP: GiveUp = GiveUp::after_millis(3_000);

/// The script as shipped but for its bound ([`TEST_GIVE_UP`]), with the
/// IMDS URL pointed at `base_url`, after checking that this swap is the
/// only difference and that it did happen wherever the script talks to IMDS.
pub fn local_script(imds: Imds, startup_command: &str, base_url: &str) -> String {
    let shipped = build_script_with(imds, startup_command, TEST_GIVE_UP);
    assert!(
        !shipped.contains(base_url),
        "{base_url} already in the script"
    );
    let local = shipped.replace(IMDS_BASE_URL, base_url);
    assert_eq!(local.replace(base_url, IMDS_BASE_URL), shipped);
    // Every request names its URL in full: one per request the source makes.
    let urls = shipped.matches(IMDS_BASE_URL).count();
    let expected = match imds {
        Imds::MetadataFile => 0,
        Imds::V1 => 1,
        Imds::V2 => 2,
        Imds::Auto => 3,
    };
    assert_eq!(urls, expected, "{shipped}");
    local
}

/// A directory to put on PATH holding only the named tools, as links to the
/// real ones: what a container image would have, and nothing from the host.
pub struct Toolbox {
    dir: tempfile::TempDir,
}

/// Where a tool in a [`Toolbox`] comes from.
#[derive(Debug, Clone, Copy)]
pub enum Tool<'a> {
    /// The host's program of that name (GNU coreutils, curl...).
    Host(&'a str),
    /// The busybox applet of that name, as on Alpine.
    Busybox(&'a str),
    /// A specific file, under a given name.
    File(&'a str, &'a Path),
}

impl Toolbox {
    pub fn new(tools: &[Tool]) -> Toolbox {
        let dir = tempfile::tempdir().expect("temp dir for PATH");
        for tool in tools {
            let (name, target) = match *tool {
                Tool::Host(name) => (
                    name,
                    find_in_path(name).unwrap_or_else(|| panic!("{name} is not installed")),
                ),
                Tool::Busybox(name) => {
                    (name, find_in_path("busybox").expect("busybox is installed"))
                }
                Tool::File(name, path) => (name, path.to_owned()),
            };
            std::os::unix::fs::symlink(target, dir.path().join(name)).expect("symlink a tool");
        }
        Toolbox { dir }
    }

    /// The tools of a Debian-based image with curl: GNU head, sed and sleep,
    /// no jq.
    pub fn debian() -> Toolbox {
        Toolbox::new(&[
            Tool::Host("curl"),
            Tool::Host("head"),
            Tool::Host("sed"),
            Tool::Host("sleep"),
            Tool::Host("env"),
        ])
    }

    /// A Debian-based image without curl (python:3-slim, node:slim...).
    pub fn debian_without_curl() -> Toolbox {
        Toolbox::new(&[
            Tool::Host("head"),
            Tool::Host("sed"),
            Tool::Host("sleep"),
            Tool::Host("env"),
        ])
    }

    /// An Alpine-like image: busybox applets, plus curl when `with_curl`.
    pub fn busybox(with_curl: bool) -> Toolbox {
        let mut tools = vec![
            Tool::Busybox("head"),
            Tool::Busybox("sed"),
            Tool::Busybox("sleep"),
            Tool::Busybox("env"),
        ];
        if with_curl {
            tools.push(Tool::Host("curl"));
        }
        Toolbox::new(&tools)
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    pub fn contains(&self, tool: &str) -> bool {
        self.dir.path().join(tool).exists()
    }
}

/// What a finished (or killed) shell did.
#[derive(Debug)]
pub struct Run {
    pub status: Option<ExitStatus>,
    pub stdout: String,
    pub stderr: String,
    pub elapsed: Duration,
    pub timed_out: bool,
}

impl Run {
    pub fn stderr_lines(&self) -> Vec<&str> {
        self.stderr.lines().collect()
    }

    pub fn code(&self) -> Option<i32> {
        self.status.and_then(|s| s.code())
    }
}

/// Runs `command` with stdin from /dev/null, the environment reduced to
/// PATH and `env`, and a deadline after which it is killed.
pub fn run(mut command: Command, path: &Path, env: &[(&str, String)], deadline: Duration) -> Run {
    command
        .env_clear()
        .env("PATH", path)
        .envs(env.iter().map(|(k, v)| (k, v)))
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let started = Instant::now();
    let mut child = command.spawn().expect("spawn the shell");
    let stdout = drain(child.stdout.take().expect("piped stdout"));
    let stderr = drain(child.stderr.take().expect("piped stderr"));
    let mut timed_out = false;
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait for the shell") {
            break Some(status);
        }
        if started.elapsed() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            timed_out = true;
            break None;
        }
        thread::sleep(Duration::from_millis(5));
    };
    let elapsed = started.elapsed();
    Run {
        status,
        stdout: stdout.join().expect("stdout reader"),
        stderr: stderr.join().expect("stderr reader"),
        elapsed,
        timed_out,
    }
}

fn drain(mut pipe: impl Read + Send + 'static) -> thread::JoinHandle<String> {
    thread::spawn(move || {
        let mut bytes = Vec::new();
        let _ = pipe.read_to_end(&mut bytes);
        String::from_utf8_lossy(&bytes).into_owned()
    })
}

/// How many cases `run_all` runs at once: `RUN_ALL_THREADS`, or 12. The
/// cases mostly wait on timeouts, so they overlap well, but each starts a
/// mock and a shell: on a small machine shared with other work, a cap keeps
/// start-up delays from eating into the time bounds being checked. With
/// `RUN_ALL_THREADS=1` the times printed are those of a case alone.
fn run_all_threads() -> usize {
    std::env::var("RUN_ALL_THREADS")
        .ok()
        .and_then(|n| n.parse().ok())
        .filter(|&n| n > 0)
        .unwrap_or(12)
}

/// Runs the cases on a few threads and fails once with every failure listed.
pub fn run_all<T: Sync>(
    cases: &[T],
    name: impl Fn(&T) -> String + Sync,
    check: impl Fn(&T) -> Result<(), String> + Sync,
) {
    let next = std::sync::atomic::AtomicUsize::new(0);
    let failures = std::sync::Mutex::new(Vec::new());
    thread::scope(|scope| {
        for _ in 0..run_all_threads().min(cases.len()) {
            scope.spawn(|| loop {
                let n = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                let Some(case) = cases.get(n) else { break };
                let outcome =
                    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| check(case)));
                let failure = match outcome {
                    Ok(Ok(())) => continue,
                    Ok(Err(why)) => format!("{}: {why}", name(case)),
                    Err(_) => format!("{}: panicked", name(case)),
                };
                failures
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .push(failure);
            });
        }
    });
    let failures = failures.into_inner().unwrap_or_else(|e| e.into_inner());
    assert!(
        failures.is_empty(),
        "{} of {} cases failed:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}

/// Whether this process may create the namespaces `unshare` is given (root,
/// unshare installed and allowed). Required under CI.
pub fn can_unshare(flags: &[&str]) -> bool {
    if !have("unshare", "util-linux") {
        return false;
    }
    let works = Command::new("unshare")
        .args(flags)
        .arg("true")
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !works {
        assert!(
            std::env::var_os("CI").is_none(),
            "`unshare {flags:?}` failed but CI is set: run the tests as root (CAP_SYS_ADMIN)"
        );
        eprintln!("note: skipping, `unshare {flags:?}` failed (not root?)");
    }
    works
}

/// Sends SIGTERM to `pid` with the shell's builtin `kill` (no procps needed).
pub fn send_sigterm(pid: u32) {
    let status = Command::new("sh")
        .args(["-c", "kill -TERM \"$1\"", "sh", &pid.to_string()])
        .status()
        .expect("run sh -c kill");
    assert!(status.success(), "kill -TERM {pid} failed");
}

/// The address-space limit (`prlimit --as`) the hostile-answer cases run
/// under: a script that held a 40 MB answer in a shell variable, let alone
/// twice, dies under it with "Out of space" and never starts the app.
pub const MEMORY_CAP_BYTES: u64 = 100_000_000;

/// Runs `argv` under `prlimit --as=MEMORY_CAP_BYTES` through a python3
/// wrapper that writes to `rss_file` the largest resident set (VmHWM, KiB)
/// seen in any process of the run (the shell, curl, head, sed...), polled
/// every 5 ms; the wrapper exits with the run's status (128 + N for signal
/// N). Not getrusage: a child's ru_maxrss counts the memory of the process
/// that spawned it, before its exec, so it would report python's own size.
pub fn capped_command(argv: &[String], rss_file: &Path) -> Command {
    const WRAPPER: &str = r#"import os, subprocess, sys, time

def high_water_mark(pid):
    try:
        with open("/proc/%d/status" % pid) as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0

def tree(pid):
    pids = [pid]
    for parent in pids:
        try:
            for task in os.listdir("/proc/%d/task" % parent):
                with open("/proc/%d/task/%s/children" % (parent, task)) as children:
                    pids.extend(int(child) for child in children.read().split())
        except (OSError, ValueError):
            pass
    return pids

child = subprocess.Popen(sys.argv[2:])
peak = 0
while child.poll() is None:
    peak = max([peak] + [high_water_mark(pid) for pid in tree(child.pid)])
    time.sleep(0.005)
with open(sys.argv[1], "w") as out:
    out.write(str(peak))
code = child.returncode
sys.exit(code if code >= 0 else 128 - code)
"#;
    let prlimit = find_in_path("prlimit").expect("prlimit is installed (util-linux)");
    let mut command = Command::new(python3());
    command
        .args(["-c", WRAPPER])
        .arg(rss_file)
        .arg(prlimit)
        .arg(format!("--as={MEMORY_CAP_BYTES}"))
        .args(argv);
    command
}
