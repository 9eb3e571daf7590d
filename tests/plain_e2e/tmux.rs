//! Drives the real binary in a tmux pane: a real terminal for dialoguer,
//! and a screen the tests can read back as text (`capture-pane`) or with
//! its colours (`capture-pane -e`). Every wait polls the screen for what
//! the program is expected to show next, with a timeout, instead of
//! sleeping for a fixed time.

use std::path::PathBuf;
use std::process::Command;
use std::thread;
use std::time::{Duration, Instant};

use tempfile::TempDir;

pub const BIN: &str = env!("CARGO_BIN_EXE_ddecs-wizard");

/// Long enough for a loaded 2-core CI machine, short enough to fail fast.
const TIMEOUT: Duration = Duration::from_secs(20);
const POLL: Duration = Duration::from_millis(25);

/// True when `name` is an executable on PATH. Missing tools fail the test
/// under CI and skip it (with a note) elsewhere.
pub fn have(name: &str, apt_package: &str) -> bool {
    let found = std::env::var_os("PATH")
        .is_some_and(|path| std::env::split_paths(&path).any(|dir| dir.join(name).is_file()));
    if !found {
        assert!(
            std::env::var_os("CI").is_none(),
            "{name} is required for this test in CI: apt-get install -y {apt_package}"
        );
        eprintln!("note: skipping, {name} is not installed (apt-get install -y {apt_package})");
    }
    found
}

pub struct Pane {
    dir: TempDir,
    socket: PathBuf,
    status: PathBuf,
}

impl Pane {
    /// Starts `ddecs-wizard ARGS` in an 80x24 pane (the classic terminal
    /// size) with only the given environment (plus PATH, HOME, and
    /// TERM=screen and LANG=C.UTF-8 unless given), in an empty working
    /// directory. None when tmux is missing outside CI.
    pub fn start(args: &[&str], env: &[(&str, &str)]) -> Option<Pane> {
        Pane::start_shell(&format!("{} \"$@\"", shell_word(BIN)), args, env)
    }

    /// Like [`start`](Pane::start), with `command` (sh text that runs the
    /// binary with "$@") in place of the plain call, e.g. to redirect.
    pub fn start_shell(command: &str, args: &[&str], env: &[(&str, &str)]) -> Option<Pane> {
        if !have("tmux", "tmux") {
            return None;
        }
        let dir = tempfile::tempdir().expect("temp dir");
        let work = dir.path().join("work");
        std::fs::create_dir(&work).expect("work dir");
        let socket = dir.path().join("tmux.sock");
        let status = dir.path().join("status");
        let conf = dir.path().join("tmux.conf");
        // set-clipboard on: an OSC 52 from the program lands in a tmux
        // buffer the test can read.
        std::fs::write(
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
        // The pane stays open after the program ends (a dead pane loses its
        // screen state), and the exit status goes to a file.
        let script = format!("status=$1; shift; {command}; echo $? > \"$status\"; exec sleep 3600");
        let mut tmux = Command::new("tmux");
        tmux.arg("-u")
            .arg("-S")
            .arg(&socket)
            .arg("-f")
            .arg(&conf)
            .args(["new-session", "-d", "-x", "80", "-y", "24", "-c"])
            .arg(&work)
            .args(["--", "env", "-i"])
            .args(&vars)
            .args(["sh", "-c", &script, "sh"])
            .arg(&status)
            .args(args);
        let out = tmux.output().expect("run tmux");
        assert!(
            out.status.success(),
            "tmux new-session failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        Some(Pane {
            dir,
            socket,
            status,
        })
    }

    /// The program's working directory.
    pub fn work_dir(&self) -> PathBuf {
        self.dir.path().join("work")
    }

    fn tmux(&self, args: &[&str]) -> String {
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
        self.tmux(&["display-message", "-p", "#{cursor_flag}"])
            .trim()
            == "1"
    }

    fn send(&self, keys: &[&str]) {
        let mut args = vec!["send-keys", "-t", "0"];
        args.extend(keys);
        self.tmux(&args);
    }

    /// Polls the history until `ready` holds; panics with the screen after
    /// the timeout.
    pub fn wait_until(&self, what: &str, ready: impl Fn(&str) -> bool) -> String {
        let start = Instant::now();
        loop {
            let text = self.history();
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

    pub fn wait_for(&self, needle: &str) -> String {
        self.wait_until(&format!("{needle:?}"), |text| text.contains(needle))
    }

    /// Picks `item` in the select prompt `prompt` once it is on screen,
    /// moving down one line at a time and waiting for each redraw, then
    /// waits until the answer replaces the list.
    pub fn choose(&self, prompt: &str, item: &str) {
        let mut moves = 0;
        loop {
            let text = self.wait_until(&format!("the {prompt:?} list"), |text| {
                active_choice(text, prompt).is_some()
            });
            let current = active_choice(&text, prompt).expect("active choice");
            if current.contains(item) {
                break;
            }
            moves += 1;
            assert!(
                moves < 12,
                "no {item:?} in {prompt:?}; the pane shows:\n{text}"
            );
            self.send(&["Down"]);
            self.wait_until(&format!("the choice to move off {current:?}"), |text| {
                active_choice(text, prompt).is_some_and(|c| c != current)
            });
        }
        let shown = count_lines(&self.history(), prompt);
        self.send(&["Enter"]);
        // Answered, or already asked again (the answer replaces the list in
        // place, so a new line with the prompt means a new question).
        self.wait_until(&format!("{prompt:?} to be answered"), |text| {
            active_choice(text, prompt).is_none() || count_lines(text, prompt) > shown
        });
    }

    /// Answers the text prompt `prompt`: waits for it, types `text` (empty
    /// to take the default) and presses Enter.
    pub fn answer(&self, prompt: &str, text: &str) {
        self.wait_until(&format!("the {prompt:?} prompt"), |screen| {
            last_line(screen).contains(prompt)
        });
        if !text.is_empty() {
            self.send(&["-l", text]);
            self.wait_until(&format!("{text:?} typed at {prompt:?}"), |screen| {
                let line = last_line(screen);
                line.contains(prompt) && line.ends_with(text)
            });
        }
        self.send(&["Enter"]);
    }

    /// Answers a yes/no question with one key.
    pub fn confirm(&self, prompt: &str, yes: bool) {
        self.wait_until(&format!("the {prompt:?} question"), |screen| {
            last_line(screen).contains(prompt)
        });
        self.send(&[if yes { "y" } else { "n" }]);
    }

    pub fn ctrl_c(&self) {
        self.send(&["C-c"]);
    }

    /// Waits for the program to end; its exit status.
    pub fn exit_status(&self) -> i32 {
        let start = Instant::now();
        loop {
            if let Ok(text) = std::fs::read_to_string(&self.status) {
                if let Ok(code) = text.trim().parse() {
                    return code;
                }
            }
            assert!(
                start.elapsed() < TIMEOUT,
                "the program did not end; the pane shows:\n{}",
                self.history()
            );
            thread::sleep(POLL);
        }
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

/// The marked item of the select list under the newest line that holds
/// `prompt`, when that list is still on screen.
fn active_choice(text: &str, prompt: &str) -> Option<String> {
    let lines: Vec<&str> = text.lines().collect();
    let at = lines.iter().rposition(|line| line.contains(prompt))?;
    lines[at + 1..]
        .iter()
        .take_while(|line| line.starts_with("  ") || is_marked(line))
        .find(|line| is_marked(line))
        .map(|line| line.to_string())
}

/// dialoguer marks the current item with `❯` (colourful theme) or `>`.
fn is_marked(line: &str) -> bool {
    line.starts_with("❯ ") || line.starts_with("> ")
}

fn count_lines(text: &str, needle: &str) -> usize {
    text.lines().filter(|line| line.contains(needle)).count()
}

fn last_line(text: &str) -> &str {
    text.lines()
        .rev()
        .find(|line| !line.trim().is_empty())
        .unwrap_or("")
}

/// Single-quotes a word for sh.
fn shell_word(word: &str) -> String {
    format!("'{}'", word.replace('\'', r"'\''"))
}
