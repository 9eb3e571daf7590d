//! What the app sees of signals when the entryPoint script starts it: a
//! simple command replaces the shell and gets ECS's SIGTERM itself, a list
//! keeps the shell in between, and the shell as PID 1 still stops when
//! SIGTERM arrives during the address lookup.

mod support;

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

use ddecs_wizard::core::generate::entrypoint::build_script;
use ddecs_wizard::core::{shell, Imds};

use support::{
    can_unshare, local_script, python3, send_sigterm, Mock, Shell, Tool, Toolbox, DEADLINE,
    SHOW_HOST,
};

/// A python3 app that reports its PID, then waits for SIGTERM and says so.
/// The handler writes with os.write: the signal can land while print() is
/// still inside the buffered writer, which print() must not re-enter. It
/// waits in short sleeps: Python runs a handler between bytecodes, so a
/// signal that lands after its last check and before a sleep begins is
/// handled only when that sleep ends (a 30 s sleep lost a SIGTERM sent
/// right after READY on a loaded machine).
const APP: &str = r#"import os, signal, time
def on_term(*_):
    os.write(1, b"TERM\n")
    os._exit(0)
signal.signal(signal.SIGTERM, on_term)
print("READY", os.getpid(), flush=True)
for _ in range(300):
    time.sleep(0.1)
"#;

#[test]
fn a_simple_command_replaces_the_shell_and_gets_sigterm() {
    for shell in Shell::available() {
        let command = format!("python3 -c {}", shell::quote(APP));
        let app = start_app(shell, &command);
        assert_eq!(
            app.ready_pid, app.pid,
            "{shell:?}: the app is not the shell's PID"
        );
        let cmdline = std::fs::read(format!("/proc/{}/cmdline", app.pid)).expect("read cmdline");
        let argv: Vec<&[u8]> = cmdline.split(|&b| b == 0).collect();
        assert_eq!(argv[..2], [&b"python3"[..], b"-c"], "{shell:?}");
        let pid = app.pid;
        app.terminate(pid, 0);
    }
}

#[test]
fn a_compound_command_runs_under_the_shell() {
    for shell in Shell::available() {
        let command = format!("cd / && python3 -c {} || exit 3", shell::quote(APP));
        let script = build_script(Imds::V2, &command);
        assert!(!script.contains("exec python3"), "{script}");
        let app = start_app(shell, &command);
        assert_ne!(
            app.ready_pid, app.pid,
            "{shell:?}: the shell exec'ed a list"
        );
        let cmdline = std::fs::read(format!("/proc/{}/cmdline", app.pid)).expect("read cmdline");
        let argv0 = cmdline.split(|&b| b == 0).next().unwrap_or_default();
        assert!(argv0.ends_with(shell.program().as_bytes()), "{shell:?}");
        // ECS signals PID 1, the shell, which dies without passing it on;
        // here the app is signalled directly so that it ends cleanly.
        let pid = app.ready_pid;
        app.terminate(pid, 0);
    }
}

struct RunningApp {
    child: std::process::Child,
    pid: u32,
    ready_pid: u32,
    lines: mpsc::Receiver<String>,
    stderr: tempfile::NamedTempFile,
    _mock: Mock,
    _toolbox: Toolbox,
}

fn start_app(shell: Shell, command: &str) -> RunningApp {
    let mock = Mock::start("v2-only", "10.4.5.6");
    let toolbox = Toolbox::new(&[
        Tool::Host("curl"),
        Tool::Host("head"),
        Tool::Host("sed"),
        Tool::Host("sleep"),
        Tool::File("python3", python3()),
    ]);
    let script = local_script(Imds::V2, command, &mock.base_url());
    let stderr = tempfile::NamedTempFile::new().expect("temp file for stderr");
    let mut child = shell
        .command(&script)
        .env_clear()
        .env("PATH", toolbox.path())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(stderr.reopen().expect("reopen the stderr file"))
        .spawn()
        .expect("spawn the shell");
    let stdout = child.stdout.take().expect("piped stdout");
    let (send, lines) = mpsc::channel();
    thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if send.send(line).is_err() {
                break;
            }
        }
    });
    let pid = child.id();
    let mut app = RunningApp {
        child,
        pid,
        ready_pid: 0,
        lines,
        stderr,
        _mock: mock,
        _toolbox: toolbox,
    };
    let ready = app.next_line();
    app.ready_pid = ready
        .strip_prefix("READY ")
        .and_then(|pid| pid.parse().ok())
        .unwrap_or_else(|| panic!("{shell:?}: expected READY PID, got {ready:?}"));
    app
}

impl RunningApp {
    fn next_line(&mut self) -> String {
        match self.lines.recv_timeout(DEADLINE) {
            Ok(line) => line,
            Err(e) => {
                let _ = self.child.kill();
                let stderr = std::fs::read_to_string(self.stderr.path()).unwrap_or_default();
                panic!("no output from the app ({e}), stderr: {stderr:?}");
            }
        }
    }

    /// Sends SIGTERM to `pid` and expects the app to report it and the shell
    /// to exit with `code`.
    fn terminate(mut self, pid: u32, code: i32) {
        send_sigterm(pid);
        assert_eq!(self.next_line(), "TERM");
        let status = self.child.wait().expect("wait for the shell");
        assert_eq!(status.code(), Some(code));
    }
}

/// In a container the shell is PID 1, and the kernel does not deliver to
/// PID 1 a signal it has no handler for: without its trap the script would
/// ignore ECS's SIGTERM during the lookup, start the app anyway and be
/// killed only after the stop timeout. The trap runs once the step under
/// way ends, and no step takes more than 1 s: a curl gives up after 1 s, a
/// metadata file that could block (a FIFO, /dev/zero) is never opened.
#[test]
fn as_pid_1_a_sigterm_during_the_lookup_stops_it() {
    if !can_unshare(&["--pid", "--fork"]) {
        return;
    }
    let unshare = support::find_in_path("unshare").expect("unshare is installed");
    let dir = tempfile::tempdir().expect("temp dir");
    let fifo = dir.path().join("fifo");
    let made = Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .expect("run mkfifo");
    assert!(made.success(), "mkfifo failed");
    let fifo = fifo.display().to_string();
    let sources = [
        (Imds::V2, None),
        (Imds::MetadataFile, Some(fifo.as_str())),
        (Imds::MetadataFile, Some("/dev/zero")),
        (Imds::Auto, Some(fifo.as_str())),
        (Imds::Auto, None),
    ];
    for shell in Shell::available() {
        for (imds, file) in sources {
            let what = format!("{shell:?} {imds:?} file={file:?}");
            let mock = Mock::start("hang", "10.0.0.1");
            let toolbox = Toolbox::debian();
            let script = local_script(imds, SHOW_HOST, &mock.base_url());
            let mut command = Command::new(&unshare);
            command
                .args(["--pid", "--fork"])
                .args(shell.argv(&script))
                .env_clear()
                .env("PATH", toolbox.path());
            if let Some(file) = file {
                command.env("ECS_CONTAINER_METADATA_FILE", file);
            }
            let child = command
                .stdin(Stdio::null())
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .expect("run unshare");
            // The lookup (and so the trap) is running once the shell, PID 1
            // in its namespace, has started a command of its own.
            let started = Instant::now();
            let pid = loop {
                let shell_pid = first_child(child.id());
                if let Some(pid) = shell_pid.filter(|&pid| first_child(pid).is_some()) {
                    break pid;
                }
                assert!(
                    started.elapsed() < DEADLINE,
                    "{what}: the lookup never started"
                );
                thread::sleep(Duration::from_millis(10));
            };
            // Well inside the lookup: past its first steps, before its end.
            thread::sleep(Duration::from_millis(1200));
            let sent = Instant::now();
            send_sigterm(pid);
            let out = child.wait_with_output().expect("wait for unshare");
            let took = sent.elapsed();
            assert_eq!(out.status.code(), Some(143), "{what}: {out:?}");
            assert!(out.stdout.is_empty(), "{what}: the app started: {out:?}");
            assert!(
                took < Duration::from_millis(1500),
                "{what}: stopped after {took:?}"
            );
        }
    }
}

/// The first child process of `pid`, if any.
fn first_child(pid: u32) -> Option<u32> {
    std::fs::read_to_string(format!("/proc/{pid}/task/{pid}/children"))
        .ok()?
        .split_whitespace()
        .next()?
        .parse()
        .ok()
}
