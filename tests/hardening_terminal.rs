//! What reaches the terminal, and how the terminal is left, when input or
//! the user's environment is hostile: escape sequences in flags and files
//! are shown, never obeyed; `--plain` killed at a prompt gives back line
//! editing, echo, signals and the cursor; the wizard gives back the screen
//! after SIGQUIT, and ends (rather than spinning) when its terminal goes
//! away while SIGHUP is blocked.
//!
//! Real terminals: the binary runs in tmux panes (tests/common/tmux.rs).
//! Needs tmux and python3: with CI set, missing ones fail the tests;
//! otherwise they print a note and pass.

#[path = "common/tmux.rs"]
mod tmux;

use std::fs;
use std::process::Command;
use std::thread::sleep;
use std::time::{Duration, Instant};

use tmux::{have, Pane, Terminal, View, BIN, TIMEOUT};

const LINES: Terminal = Terminal {
    width: 100,
    height: 30,
    view: View::History,
};

const SCREEN: Terminal = Terminal {
    width: 100,
    height: 30,
    view: View::Screen,
};

/// What the test plants in input: OSC 2 (set the title) and a screen clear.
const RETITLE: &str = "\u{1b}]2;PWNED\u{7}";

/// The ddecs-wizard process, a child of the pane's shell.
fn wizard_pid(pane: &Pane) -> u32 {
    let shell: u32 = pane.display("#{pane_pid}").parse().expect("pane pid");
    let start = Instant::now();
    loop {
        for entry in fs::read_dir("/proc").expect("/proc").flatten() {
            let Ok(stat) = fs::read_to_string(entry.path().join("stat")) else {
                continue;
            };
            let Some((_, after)) = stat.rsplit_once(") ") else {
                continue;
            };
            let ppid: Option<u32> = after.split(' ').nth(1).and_then(|p| p.parse().ok());
            if ppid == Some(shell) && stat.contains("(ddecs-wizard)") {
                return entry.file_name().to_string_lossy().parse().expect("pid");
            }
        }
        assert!(
            start.elapsed() < TIMEOUT,
            "no ddecs-wizard child of {shell}"
        );
        sleep(Duration::from_millis(25));
    }
}

fn kill(signal: &str, pid: u32) {
    // The shell's built-in kill: no procps needed.
    let status = Command::new("sh")
        .args(["-c", &format!("kill -{signal} {pid}")])
        .status()
        .unwrap();
    assert!(status.success(), "kill -{signal} {pid}");
}

fn running(pid: u32) -> bool {
    fs::read_to_string(format!("/proc/{pid}/stat")).is_ok_and(|stat| !stat.contains(") Z "))
}

/// CPU time the process used so far, in clock ticks (user + system).
fn cpu_ticks(pid: u32) -> Option<u64> {
    let stat = fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let (_, after) = stat.rsplit_once(") ")?;
    let fields: Vec<&str> = after.split(' ').collect();
    // After "pid (comm) ": state is field 0, utime 11, stime 12.
    Some(fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?)
}

/// Kills the process when the test ends, so that a failure (a spinning
/// wizard) does not outlive it.
struct KillOnDrop(u32);

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        if running(self.0) {
            kill("KILL", self.0);
        }
    }
}

/// The terminal modes a shell needs, as `stty -a` after the program ended.
fn assert_modes_restored(pane: &Pane) {
    let stty = pane.stty_after_exit();
    let words: Vec<&str> = stty.split_whitespace().collect();
    for mode in ["icanon", "echo", "isig", "icrnl", "opost"] {
        assert!(words.contains(&mode), "{mode} not restored:\n{stty}");
    }
    assert!(pane.cursor_visible(), "cursor still hidden");
}

fn assert_title_untouched(pane: &Pane) {
    let title = pane.display("#{pane_title}");
    assert!(!title.contains("PWNED"), "the pane title became {title:?}");
}

fn plain_stopped_at_a_choice(signal: &str, status: i32) {
    let Some(pane) = Pane::start(LINES, &["--plain"], &[]) else {
        return;
    };
    // A list of choices: the cursor is hidden and the terminal raw.
    pane.wait_for("Where do the app's tasks run?");
    pane.wait_for("ECS Managed Instances");
    assert!(
        !pane.cursor_visible(),
        "dialoguer hides the cursor on a choice"
    );
    kill(signal, wizard_pid(&pane));
    assert_eq!(pane.exit_status(), status);
    assert_modes_restored(&pane);
}

#[test]
fn plain_sigterm_at_a_prompt_gives_the_terminal_back() {
    plain_stopped_at_a_choice("TERM", 128 + 15);
}

#[test]
fn plain_sighup_at_a_prompt_gives_the_terminal_back() {
    plain_stopped_at_a_choice("HUP", 128 + 1);
}

#[test]
fn plain_shows_an_escape_in_a_flag_instead_of_obeying_it() {
    let image = format!("img{RETITLE}");
    let args = [
        "--plain",
        "--launch-type",
        "ec2",
        "--transport",
        "tcp",
        "--app-name",
        "web",
        "--site",
        "datadoghq.com",
        "--api-key-secret-arn",
        "arn:aws:secretsmanager:us-east-1:123456789012:secret:dd",
        "--app-image",
        &image,
        "--language",
        "python",
        "--tracer",
        "present",
        "--agent-version",
        "latest",
        "--imds",
        "v2",
        "--startup-command",
        "python app.py",
        "--service",
        "web",
        "--env",
        "prod",
        "--service-version",
        "1",
        "--profiling=false",
        "--runtime-metrics=false",
        "--logs-injection=false",
        "--appsec=false",
        "--data-streams=false",
        "--dbm-propagation",
        "",
        "--trace-sample-rate",
        "",
        "--log-collection=false",
        "--orchestrator-explorer=false",
        "--origin-detection=false",
        "--tag-cardinality",
        "",
        "--process-collection=false",
        "--install-info",
    ];
    let Some(pane) = Pane::start(LINES, &args, &[]) else {
        return;
    };
    let shown = pane.wait_for("What now?");
    assert_title_untouched(&pane);
    assert!(
        shown.contains("img\\u{1b}]2;PWNED\\u{7}"),
        "the escape is not shown as text:\n{shown}"
    );
    pane.press(&["C-c"]);
    assert_eq!(pane.exit_status(), 130);
}

#[test]
fn check_shows_escapes_in_a_container_name_instead_of_obeying_them() {
    let name = format!("app{RETITLE}\u{1b}[2J");
    let task = serde_json::json!({
        "family": "web",
        "containerDefinitions": [{"name": name, "image": "web:1"}]
    });
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("task.json");
    fs::write(&file, serde_json::to_string_pretty(&task).unwrap()).unwrap();
    let Some(pane) = Pane::start(LINES, &["check", file.to_str().unwrap()], &[]) else {
        return;
    };
    pane.exit_status();
    assert_title_untouched(&pane);
    let shown = pane.history();
    assert!(
        shown.contains("app\\u{1b}]2;PWNED\\u{7}\\u{1b}[2J"),
        "the container name is not shown as text:\n{shown}"
    );
}

#[test]
fn wizard_sigquit_gives_the_terminal_back() {
    // No core file in the test's directory.
    let Some(pane) = Pane::start_shell(SCREEN, &format!("ulimit -c 0; {BIN} \"$@\""), &[], &[])
    else {
        return;
    };
    pane.wait_for("1/12 Launch type");
    assert!(pane.alternate_screen());
    kill("QUIT", wizard_pid(&pane));
    assert_eq!(pane.exit_status(), 128 + 3);
    assert_modes_restored(&pane);
    assert!(!pane.alternate_screen(), "still on the alternate screen");
}

/// Runs the program with SIGHUP blocked: the mask survives exec.
const BLOCK_SIGHUP: &str = "import os, signal, sys; \
     signal.pthread_sigmask(signal.SIG_BLOCK, [signal.SIGHUP]); \
     os.execv(sys.argv[1], sys.argv[1:])";

#[test]
fn wizard_ends_when_its_terminal_goes_away_with_sighup_blocked() {
    if !have("python3", "python3") {
        return;
    }
    let command = format!("python3 -c '{BLOCK_SIGHUP}' {BIN} \"$@\"");
    let Some(pane) = Pane::start_shell(SCREEN, &command, &[], &[]) else {
        return;
    };
    pane.wait_for("1/12 Launch type");
    let pid = wizard_pid(&pane);
    let _reaper = KillOnDrop(pid);
    let status = fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    let blocked = status
        .lines()
        .find_map(|l| l.strip_prefix("SigBlk:"))
        .and_then(|mask| u64::from_str_radix(mask.trim(), 16).ok())
        .unwrap();
    assert_eq!(blocked & 1, 1, "SIGHUP (bit 0) is not blocked: {blocked:x}");

    let before = cpu_ticks(pid).unwrap();
    let mut used = 0;
    pane.tmux(&["kill-server"]);
    let start = Instant::now();
    while running(pid) {
        if let Some(now) = cpu_ticks(pid) {
            used = now - before;
        }
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "ddecs-wizard {pid} still runs {:?} after its terminal closed, \
             having used {used} CPU ticks",
            start.elapsed()
        );
        sleep(Duration::from_millis(20));
    }
    eprintln!(
        "ended {:?} after the hang-up, {used} CPU ticks",
        start.elapsed()
    );
}
