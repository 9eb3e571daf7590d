//! End to end in a real terminal: the built binary runs inside tmux (its own
//! server socket in a temp dir), driven with send-keys and read back with
//! capture-pane. Checks that the saved files are byte for byte what
//! `generate --out-dir` writes, that the terminal comes back after q,
//! Ctrl-C and signals, that resizing works, and that without a terminal the
//! wizard refuses at once without escape codes.
//!
//! Needs tmux: with CI set, a missing tmux fails the tests; otherwise they
//! print a note and pass.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::thread::sleep;
use std::time::{Duration, Instant};

use ddecs_wizard::core::shell::quote;

const BIN: &str = env!("CARGO_BIN_EXE_ddecs-wizard");
const WAIT: Duration = Duration::from_secs(20);

fn tmux_available() -> bool {
    let found = Command::new("tmux")
        .arg("-V")
        .output()
        .is_ok_and(|o| o.status.success());
    if !found {
        assert!(
            std::env::var_os("CI").is_none(),
            "tmux is required for the TUI tests in CI (apt-get install -y tmux)"
        );
        eprintln!("note: tmux not found; skipping the terminal tests");
    }
    found
}

/// A tmux server of our own, running one pane with a shell command.
struct Pane {
    dir: tempfile::TempDir,
    socket: PathBuf,
}

impl Pane {
    /// Runs `wizard_args` in a pane of `w` x `h`, in a fresh directory,
    /// then records its exit status and `stty -a`.
    fn start(wizard_args: &[&str], env: &[(&str, &str)], w: u16, h: u16) -> Option<Pane> {
        let mut argv = vec![quote(BIN)];
        argv.extend(wizard_args.iter().map(|a| quote(a)));
        Pane::start_script(&argv.join(" "), env, w, h)
    }

    /// Runs `command` (sh syntax) in the pane, then records as `start` does.
    fn start_script(command: &str, env: &[(&str, &str)], w: u16, h: u16) -> Option<Pane> {
        if !tmux_available() {
            return None;
        }
        let dir = tempfile::Builder::new()
            .prefix("ddecs-pty")
            .tempdir()
            .expect("temp dir");
        let socket = dir.path().join("tmux.sock");
        let script =
            format!("{command}; echo $? > rc.txt; stty -a > stty.txt; : > done; exec sleep 600");
        let mut cmd = Command::new("tmux");
        cmd.arg("-S")
            .arg(&socket)
            .args(["-f", "/dev/null", "new-session", "-d"])
            .args(["-x", &w.to_string(), "-y", &h.to_string()])
            .arg("-c")
            .arg(dir.path());
        for (k, v) in env {
            cmd.arg("-e").arg(format!("{k}={v}"));
        }
        cmd.arg(script);
        let pane = Pane { dir, socket };
        let out = cmd.output().expect("tmux runs");
        assert!(out.status.success(), "tmux new-session: {out:?}");
        Some(pane)
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    fn tmux(&self, args: &[&str]) -> Output {
        let out = Command::new("tmux")
            .arg("-S")
            .arg(&self.socket)
            .args(args)
            .output()
            .expect("tmux runs");
        assert!(out.status.success(), "tmux {args:?}: {out:?}");
        out
    }

    fn keys(&self, keys: &[&str]) {
        for key in keys {
            self.tmux(&["send-keys", key]);
        }
    }

    fn type_text(&self, text: &str) {
        self.tmux(&["send-keys", "-l", text]);
    }

    /// Pastes `text` the way a terminal does, bracketed when the
    /// application asked for it.
    fn paste(&self, text: &str) {
        self.tmux(&["set-buffer", "-b", "p", text]);
        self.tmux(&["paste-buffer", "-p", "-d", "-b", "p"]);
    }

    fn screen(&self) -> String {
        String::from_utf8_lossy(&self.tmux(&["capture-pane", "-p"]).stdout).into_owned()
    }

    fn screen_with_escapes(&self) -> String {
        String::from_utf8_lossy(&self.tmux(&["capture-pane", "-p", "-e"]).stdout).into_owned()
    }

    fn display(&self, format: &str) -> String {
        let out = self.tmux(&["display-message", "-p", format]);
        String::from_utf8_lossy(&out.stdout).trim().to_owned()
    }

    /// Waits until the screen shows `needle`; returns the screen.
    fn wait_for(&self, needle: &str) -> String {
        let start = Instant::now();
        loop {
            let screen = self.screen();
            if screen.contains(needle) {
                return screen;
            }
            assert!(
                start.elapsed() < WAIT,
                "timed out waiting for {needle:?}; screen:\n{screen}"
            );
            sleep(Duration::from_millis(25));
        }
    }

    /// Waits for the wizard to exit; returns its exit status.
    fn wait_exit(&self) -> i32 {
        let start = Instant::now();
        while !self.path("done").exists() {
            assert!(
                start.elapsed() < WAIT,
                "wizard did not exit; screen:\n{}",
                self.screen()
            );
            sleep(Duration::from_millis(25));
        }
        let rc = fs::read_to_string(self.path("rc.txt")).expect("rc.txt");
        rc.trim().parse().expect("a number")
    }

    /// The wizard process, a child of the pane's shell.
    fn wizard_pid(&self) -> u32 {
        let shell: u32 = self.display("#{pane_pid}").parse().expect("pane pid");
        for entry in fs::read_dir("/proc").expect("/proc") {
            let Ok(entry) = entry else { continue };
            let Ok(stat) = fs::read_to_string(entry.path().join("stat")) else {
                continue;
            };
            // pid (comm) state ppid ...
            let Some(after) = stat.rsplit_once(") ").map(|(_, rest)| rest) else {
                continue;
            };
            let ppid: Option<u32> = after.split(' ').nth(1).and_then(|p| p.parse().ok());
            if ppid == Some(shell) && stat.contains("(ddecs-wizard)") {
                return entry.file_name().to_string_lossy().parse().expect("pid");
            }
        }
        panic!("no ddecs-wizard child of {shell}")
    }

    /// After the wizard exited: the terminal is as the shell left it.
    fn assert_restored(&self) {
        let stty = fs::read_to_string(self.path("stty.txt")).expect("stty.txt");
        let words: Vec<&str> = stty.split_whitespace().collect();
        for mode in ["icanon", "echo", "isig", "icrnl", "opost"] {
            assert!(words.contains(&mode), "{mode} not restored:\n{stty}");
        }
        assert_eq!(
            self.display("#{alternate_on}"),
            "0",
            "still on the alternate screen"
        );
        assert_eq!(self.display("#{cursor_flag}"), "1", "cursor still hidden");
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

/// What `generate --out-dir` writes for `args`, by file name.
fn generated(args: &[&str]) -> Vec<(String, Vec<u8>)> {
    let dir = tempfile::tempdir().unwrap();
    let out = Command::new(BIN)
        .arg("generate")
        .args(args)
        .arg("--out-dir")
        .arg(dir.path())
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    read_dir(dir.path())
}

fn read_dir(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<(String, Vec<u8>)> = fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| {
            let e = e.unwrap();
            (
                e.file_name().to_string_lossy().into_owned(),
                fs::read(e.path()).unwrap(),
            )
        })
        .collect();
    files.sort();
    files
}

#[test]
fn accepting_the_defaults_saves_what_generate_writes() {
    let Some(pane) = Pane::start(&[], &[], 100, 30) else {
        return;
    };
    pane.wait_for("1/6 Agent version");
    assert_eq!(
        pane.display("#{mouse_any_flag}"),
        "0",
        "mouse capture must stay off"
    );
    pane.keys(&["Enter", "Enter", "Enter", "Enter", "Enter"]);
    pane.wait_for("6/6 Review");
    pane.keys(&["Enter"]);
    pane.wait_for("Directory (created if missing)");
    pane.keys(&["Enter"]);
    pane.wait_for("saved 4 files in ./ddecs-wizard-out");
    pane.keys(&["q"]);
    assert_eq!(pane.wait_exit(), 0);
    pane.assert_restored();
    let screen = pane.screen();
    assert!(
        screen.contains("wrote ./ddecs-wizard-out/agent-task-definition.json"),
        "{screen}"
    );
    assert_eq!(read_dir(&pane.path("ddecs-wizard-out")), generated(&[]));
}

#[test]
fn a_php_v1_717_preset_saves_what_generate_writes() {
    let preset = [
        "--language",
        "php",
        "--imds",
        "v1",
        "--agent-version",
        "7.17",
    ];
    let Some(pane) = Pane::start(&preset, &[], 100, 30) else {
        return;
    };
    pane.wait_for("4/6 Startup command");
    pane.keys(&["Enter", "Enter"]);
    pane.wait_for("6/6 Review");
    pane.keys(&["Enter"]);
    pane.wait_for("Directory (created if missing)");
    pane.keys(&["Enter"]);
    pane.wait_for("saved 5 files");
    pane.keys(&["q"]);
    assert_eq!(pane.wait_exit(), 0);
    assert_eq!(read_dir(&pane.path("ddecs-wizard-out")), generated(&preset));
}

#[test]
fn answers_chosen_typed_and_pasted_save_what_generate_writes() {
    let Some(pane) = Pane::start(&[], &[], 100, 30) else {
        return;
    };
    pane.wait_for("1/6 Agent version");
    pane.keys(&["Down", "Down", "Enter"]);
    pane.wait_for("2/6 Language");
    pane.keys(&["Down", "Down", "Down", "Down", "Down", "Down", "Enter"]);
    pane.wait_for("3/6 IMDS version");
    pane.keys(&["Down", "Enter"]);
    pane.wait_for("4/6 Startup command");
    pane.keys(&["C-u"]);
    pane.type_text("php-fpm -F -d 'x=\"$HOME\"' ");
    pane.paste("über\\ 日本\n");
    pane.wait_for("über\\ 日本");
    pane.keys(&["Enter"]);
    pane.wait_for("5/6 Tags");
    pane.type_text("web");
    pane.keys(&["Enter"]);
    pane.wait_for("6/6 Review");
    pane.keys(&["Enter"]);
    pane.wait_for("Directory (created if missing)");
    pane.keys(&["C-u"]);
    pane.type_text("out dir");
    pane.keys(&["Enter"]);
    pane.wait_for("saved 5 files in out dir");
    pane.keys(&["q"]);
    assert_eq!(pane.wait_exit(), 0);
    let expected = generated(&[
        "--language",
        "php",
        "--imds",
        "v1",
        "--agent-version",
        "7.17",
        "--startup-command",
        "php-fpm -F -d 'x=\"$HOME\"' über\\ 日本",
        "--service",
        "web",
    ]);
    assert_eq!(read_dir(&pane.path("out dir")), expected);
}

#[test]
fn q_with_unsaved_answers_asks_then_restores_the_terminal() {
    let Some(pane) = Pane::start(&[], &[], 100, 30) else {
        return;
    };
    pane.wait_for("1/6 Agent version");
    pane.keys(&["Down"]);
    pane.wait_for("agent:7\"");
    pane.keys(&["q"]);
    pane.wait_for("Quit without saving? y/n");
    pane.keys(&["y"]);
    assert_eq!(pane.wait_exit(), 0);
    pane.assert_restored();
}

#[test]
fn ctrl_c_quits_at_once_even_while_typing() {
    let Some(pane) = Pane::start(&[], &[], 100, 30) else {
        return;
    };
    pane.wait_for("1/6 Agent version");
    pane.keys(&["4"]);
    pane.wait_for("4/6 Startup command");
    pane.type_text(" --more");
    pane.wait_for("--more");
    pane.keys(&["C-c"]);
    assert_eq!(pane.wait_exit(), 0);
    pane.assert_restored();
}

fn stopped_by_signal(signal: &str, status: i32) {
    let Some(pane) = Pane::start(&[], &[], 100, 30) else {
        return;
    };
    pane.wait_for("1/6 Agent version");
    let pid = pane.wizard_pid().to_string();
    // The shell's built-in kill: no procps needed.
    let kill = Command::new("sh")
        .args(["-c", &format!("kill -{signal} {pid}")])
        .status()
        .unwrap();
    assert!(kill.success());
    assert_eq!(
        pane.wait_exit(),
        status,
        "dies of the signal, as sh reports it"
    );
    pane.assert_restored();
}

#[test]
fn sigterm_restores_the_terminal() {
    stopped_by_signal("TERM", 128 + 15);
}

#[test]
fn sighup_restores_the_terminal() {
    stopped_by_signal("HUP", 128 + 1);
}

#[test]
fn sigint_restores_the_terminal() {
    stopped_by_signal("INT", 128 + 2);
}

fn running(pid: u32) -> bool {
    fs::read_to_string(format!("/proc/{pid}/stat")).is_ok_and(|stat| !stat.contains(") Z "))
}

/// When the terminal goes away (SIGHUP, and every read gets EOF) the wizard
/// must end rather than spin.
#[test]
fn closing_the_terminal_ends_the_wizard() {
    let Some(pane) = Pane::start(&[], &[], 100, 30) else {
        return;
    };
    pane.wait_for("1/6 Agent version");
    let pid = pane.wizard_pid();
    pane.tmux(&["kill-server"]);
    let start = Instant::now();
    while running(pid) {
        assert!(
            start.elapsed() < WAIT,
            "ddecs-wizard {pid} still runs after its terminal closed"
        );
        sleep(Duration::from_millis(50));
    }
}

#[test]
fn resizing_below_the_minimum_and_back() {
    let Some(pane) = Pane::start(&[], &[], 100, 30) else {
        return;
    };
    pane.wait_for("1/6 Agent version");
    pane.tmux(&["resize-window", "-x", "50", "-y", "10"]);
    let small = pane.wait_for("terminal too small");
    assert!(
        small.contains("need at least 60x16, have") && small.contains("50x10"),
        "{small}"
    );
    pane.tmux(&["resize-window", "-x", "60", "-y", "16"]);
    let narrow = pane.wait_for("─ Task def ─ Agent ─");
    assert!(narrow.contains("▶ latest (recommended)"), "{narrow}");
    pane.tmux(&["resize-window", "-x", "100", "-y", "30"]);
    pane.wait_for("ddecs-wizard  ◉ Agent version");
    pane.keys(&["q"]);
    assert_eq!(pane.wait_exit(), 0);
}

/// The SGR parameters in `screen` (as `capture-pane -e` shows them).
fn sgr_params(screen: &str) -> Vec<u32> {
    screen
        .split("\x1b[")
        .skip(1)
        .filter_map(|seq| seq.split_once('m').map(|(params, _)| params))
        .flat_map(|params| params.split(';').filter_map(|p| p.parse().ok()))
        .collect()
}

fn is_colour(param: u32) -> bool {
    matches!(param, 30..=38 | 40..=48 | 90..=97 | 100..=107)
}

#[test]
fn no_colour_means_no_colour_codes() {
    let Some(pane) = Pane::start(&[], &[("NO_COLOR", "1")], 100, 30) else {
        return;
    };
    pane.wait_for("1/6 Agent version");
    let params = sgr_params(&pane.screen_with_escapes());
    assert!(
        params.contains(&7),
        "selection in reverse video: {params:?}"
    );
    assert!(!params.iter().any(|p| is_colour(*p)), "{params:?}");
    pane.keys(&["q"]);
    assert_eq!(pane.wait_exit(), 0);

    let Some(pane) = Pane::start(&[], &[], 100, 30) else {
        return;
    };
    pane.wait_for("1/6 Agent version");
    let params = sgr_params(&pane.screen_with_escapes());
    assert!(params.iter().any(|p| is_colour(*p)), "colour when allowed");
}

#[test]
fn stdout_not_a_terminal_exits_2_at_once() {
    let command = format!("{} > out.txt 2> err.txt", quote(BIN));
    let Some(pane) = Pane::start_script(&command, &[], 80, 24) else {
        return;
    };
    assert_eq!(pane.wait_exit(), 2);
    let out = fs::read(pane.path("out.txt")).unwrap();
    let err = fs::read_to_string(pane.path("err.txt")).unwrap();
    assert!(out.is_empty(), "{out:?}");
    assert!(err.contains("ddecs-wizard generate"), "{err}");
    assert!(!err.contains('\x1b'));
    pane.assert_restored();
}

#[test]
fn no_terminal_at_all_exits_2_naming_generate() {
    let out = Command::new(BIN)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    let err = String::from_utf8(out.stderr).unwrap();
    assert_eq!(
        err,
        "ddecs-wizard: the wizard needs a terminal; for scripts use `ddecs-wizard generate` (see `ddecs-wizard generate --help`)\n"
    );
    let bad_preset = Command::new(BIN)
        .args(["--language", "cobol"])
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert_eq!(bad_preset.status.code(), Some(2));
    assert!(!bad_preset.stderr.contains(&0x1b));
}
