//! The one tmux pane driver of the end-to-end suites (`plain_e2e` for the
//! `--plain` prompts, `tui_pty` for the full-screen wizard): the built
//! binary in a real terminal, on a tmux server of its own (its socket in a
//! temp dir, so parallel tests and the developer's own tmux never meet),
//! driven with send-keys and read back with capture-pane, as text or with
//! its colours as escape sequences.
//!
//! Every wait polls the pane for what the program should show next, with a
//! timeout, instead of sleeping a fixed time: quick on an idle machine,
//! still right on a loaded 2-core CI runner.
//!
//! The program gets a clean environment (PATH, HOME in the temp dir,
//! TERM=screen and LANG=C.UTF-8 unless the test gives them, and what the
//! test gives), so a developer's NO_COLOR or locale cannot change what a
//! test sees. When it ends the pane stays open, because a dead pane loses
//! its screen, and the shell records the terminal modes (`stty -a`) and
//! then the exit status.
//!
//! Lives in a subdirectory of `tests/` so that cargo does not build it as a
//! test crate of its own; each suite mounts it with `#[path]`.

// Each suite uses its own subset of the driver.
#![allow(dead_code)]

#[path = "tools.rs"]
mod tools;
pub use tools::have;

use std::fs;
use std::path::PathBuf;
use std::process::Command;
use std::thread;
use std::time::{Duration, Instant};

use ddecs_wizard::core::shell::quote;
use tempfile::TempDir;

pub const BIN: &str = env!("CARGO_BIN_EXE_ddecs-wizard-aws");

/// Long enough for a loaded 2-core CI machine, short enough to fail fast.
pub const TIMEOUT: Duration = Duration::from_secs(20);
const POLL: Duration = Duration::from_millis(25);

/// What the waits read.
#[derive(Clone, Copy, Debug)]
pub enum View {
    /// The visible screen: a full-screen program redraws it in place (on
    /// the alternate screen), so only the current frame counts.
    Screen,
    /// Everything shown since the start, wrapped lines joined: a
    /// line-by-line dialogue scrolls its earlier answers out of sight.
    History,
}

/// The terminal a pane gives the program, and what its waits read.
#[derive(Clone, Copy, Debug)]
pub struct Terminal {
    pub width: u16,
    pub height: u16,
    pub view: View,
}

pub struct Pane {
    dir: TempDir,
    socket: PathBuf,
    view: View,
}

impl Pane {
    /// Starts `ddecs-wizard ARGS` with `env` on `terminal`, in an empty
    /// working directory. None when tmux is missing outside CI.
    pub fn start(terminal: Terminal, args: &[&str], env: &[(&str, &str)]) -> Option<Pane> {
        Pane::start_shell(terminal, &format!("{} \"$@\"", quote(BIN)), args, env)
    }

    /// Like [`start`](Pane::start), with `command` (sh text that runs the
    /// binary, with "$@" for `args`) in place of the plain call, e.g. to
    /// redirect its output.
    pub fn start_shell(
        terminal: Terminal,
        command: &str,
        args: &[&str],
        env: &[(&str, &str)],
    ) -> Option<Pane> {
        if !have("tmux", "tmux") {
            return None;
        }
        let dir = tempfile::Builder::new()
            .prefix("ddecs-pane")
            .tempdir()
            .expect("temp dir");
        let work = dir.path().join("work");
        fs::create_dir(&work).expect("work dir");
        let socket = dir.path().join("tmux.sock");
        let conf = dir.path().join("tmux.conf");
        // A whole --plain session fits the history; with set-clipboard on,
        // an OSC 52 from the program lands in a tmux buffer the test reads.
        fs::write(
            &conf,
            "set -g history-limit 100000\nset -g set-clipboard on\nset -g status off\n",
        )
        .expect("tmux.conf");

        let mut vars = vec![
            format!("PATH={}", std::env::var("PATH").unwrap_or_default()),
            format!("HOME={}", dir.path().display()),
        ];
        for (key, default) in [("TERM", "screen"), ("LANG", "C.UTF-8")] {
            if !env.iter().any(|(k, _)| *k == key) {
                vars.push(format!("{key}={default}"));
            }
        }
        vars.extend(env.iter().map(|(k, v)| format!("{k}={v}")));
        // The status is written last: once it is there, so are the modes.
        let script = format!(
            "dir=$1; shift; {command}; rc=$?; stty -a > \"$dir/stty\"; \
             echo $rc > \"$dir/status\"; exec sleep 3600"
        );
        let out = Command::new("tmux")
            .arg("-u")
            .arg("-S")
            .arg(&socket)
            .arg("-f")
            .arg(&conf)
            .args(["new-session", "-d"])
            .args(["-x", &terminal.width.to_string()])
            .args(["-y", &terminal.height.to_string()])
            .arg("-c")
            .arg(&work)
            .args(["--", "env", "-i"])
            .args(&vars)
            .args(["sh", "-c", &script, "sh"])
            .arg(dir.path())
            .args(args)
            .output()
            .expect("run tmux");
        // Owned before the check, so that a failed start still ends the server.
        let pane = Pane {
            dir,
            socket,
            view: terminal.view,
        };
        assert!(
            out.status.success(),
            "tmux new-session failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        Some(pane)
    }

    /// Like [`start`](Pane::start), but the program waits until every
    /// byte it writes to the terminal is being recorded; [`output`]
    /// (Pane::output) returns them. For checks of the exact bytes sent
    /// (no escape code at all), from the first to the last.
    pub fn start_recorded(terminal: Terminal, args: &[&str], env: &[(&str, &str)]) -> Option<Pane> {
        let command = format!(
            "while [ ! -e \"$dir/recording\" ]; do sleep 0.02; done; {} \"$@\"",
            quote(BIN)
        );
        let pane = Pane::start_shell(terminal, &command, args, env)?;
        let raw = pane.record("output.raw");
        pane.tmux(&[
            "pipe-pane",
            "-O",
            &format!("cat > {}", quote(&raw.display().to_string())),
        ]);
        fs::write(pane.record("recording"), "").expect("start the recording");
        Some(pane)
    }

    /// Every byte the program wrote to the terminal, for a pane started
    /// with [`start_recorded`](Pane::start_recorded); only after
    /// [`exit_status`](Pane::exit_status) returned.
    pub fn output(&self) -> Vec<u8> {
        // pipe-pane hands the bytes to `cat` as they come: let it catch up.
        thread::sleep(Duration::from_millis(200));
        fs::read(self.record("output.raw")).expect("the recorded output")
    }

    /// The program's working directory.
    pub fn work_dir(&self) -> PathBuf {
        self.dir.path().join("work")
    }

    /// Runs a tmux command on this pane's server; its output.
    pub fn tmux(&self, args: &[&str]) -> String {
        let out = Command::new("tmux")
            .arg("-S")
            .arg(&self.socket)
            .args(args)
            .output()
            .expect("run tmux");
        assert!(
            out.status.success(),
            "tmux {args:?} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// A tmux format (`#{...}`) expanded for the pane.
    pub fn display(&self, format: &str) -> String {
        self.tmux(&["display-message", "-p", format])
            .trim()
            .to_owned()
    }

    /// The visible screen.
    pub fn screen(&self) -> String {
        self.tmux(&["capture-pane", "-p"])
    }

    /// Like [`screen`](Pane::screen), with colours and attributes as
    /// escape sequences.
    pub fn styled_screen(&self) -> String {
        self.tmux(&["capture-pane", "-p", "-e"])
    }

    /// Everything shown so far, wrapped lines joined.
    pub fn history(&self) -> String {
        self.tmux(&["capture-pane", "-p", "-J", "-S", "-"])
    }

    /// Like [`history`](Pane::history), with colours and attributes as
    /// escape sequences.
    pub fn styled_history(&self) -> String {
        self.tmux(&["capture-pane", "-p", "-J", "-e", "-S", "-"])
    }

    /// The newest tmux paste buffer: what OSC 52 sent.
    pub fn clipboard_buffer(&self) -> String {
        self.tmux(&["show-buffer"])
    }

    pub fn cursor_visible(&self) -> bool {
        self.display("#{cursor_flag}") == "1"
    }

    pub fn alternate_screen(&self) -> bool {
        self.display("#{alternate_on}") == "1"
    }

    /// Presses `keys` (tmux key names) in turn, one send-keys each, so that
    /// each reaches the program as its own input, as typed.
    pub fn press(&self, keys: &[&str]) {
        for key in keys {
            self.tmux(&["send-keys", key]);
        }
    }

    /// Types `text` literally (no key names).
    pub fn type_text(&self, text: &str) {
        self.tmux(&["send-keys", "-l", text]);
    }

    /// Pastes `text` the way a terminal does, bracketed when the program
    /// asked for it.
    pub fn paste(&self, text: &str) {
        self.tmux(&["set-buffer", "-b", "p", text]);
        self.tmux(&["paste-buffer", "-p", "-d", "-b", "p"]);
    }

    /// Polls the pane's view until `ready` holds; the text it held then.
    /// Panics with the pane's text after the timeout.
    pub fn wait_until(&self, what: &str, ready: impl Fn(&str) -> bool) -> String {
        let start = Instant::now();
        loop {
            let text = self.capture();
            if ready(&text) {
                return text;
            }
            assert!(
                start.elapsed() < TIMEOUT,
                "timed out waiting for {what}; the pane shows:\n{text}"
            );
            thread::sleep(POLL);
        }
    }

    /// Waits until the pane's view shows `needle`; the text it held then.
    pub fn wait_for(&self, needle: &str) -> String {
        self.wait_until(&format!("{needle:?}"), |text| text.contains(needle))
    }

    /// Waits for the program to end; its exit status as sh reports it.
    pub fn exit_status(&self) -> i32 {
        let start = Instant::now();
        loop {
            if let Ok(text) = fs::read_to_string(self.record("status")) {
                // Read before the shell wrote the number: poll again.
                if let Ok(code) = text.trim().parse() {
                    return code;
                }
            }
            assert!(
                start.elapsed() < TIMEOUT,
                "the program did not end; the pane shows:\n{}",
                self.capture()
            );
            thread::sleep(POLL);
        }
    }

    /// `stty -a` as the program left the terminal; only after
    /// [`exit_status`](Pane::exit_status) returned.
    pub fn stty_after_exit(&self) -> String {
        fs::read_to_string(self.record("stty")).expect("stty -a after the program ended")
    }

    /// What the waits read: the pane's view.
    fn capture(&self) -> String {
        match self.view {
            View::Screen => self.screen(),
            View::History => self.history(),
        }
    }

    fn record(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }
}

impl Drop for Pane {
    fn drop(&mut self) {
        let _ = Command::new("tmux")
            .arg("-S")
            .arg(&self.socket)
            .arg("kill-server")
            .output();
    }
}
