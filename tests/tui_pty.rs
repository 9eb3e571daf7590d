//! End to end in a real terminal: the built binary runs inside tmux (its own
//! server socket in a temp dir), driven with send-keys and read back with
//! capture-pane. Checks that the saved files are byte for byte what
//! `generate --out-dir` writes, that the terminal comes back after q,
//! Ctrl-C and signals, that resizing works, and that without a terminal the
//! wizard refuses at once without escape codes.
//!
//! Needs tmux: with CI set, a missing tmux fails the tests; otherwise they
//! print a note and pass.

#[path = "common/tmux.rs"]
mod tmux;

use std::fs;
use std::path::Path;
use std::process::{Command, Stdio};
use std::thread::sleep;
use std::time::{Duration, Instant};

use ddecs_wizard::core::shell::quote;
use tmux::{Pane, Terminal, View, BIN, TIMEOUT};

/// Room for the wide layout. The wizard redraws in place, so the waits
/// read the visible screen.
const WIDE: Terminal = Terminal {
    width: 100,
    height: 30,
    view: View::Screen,
};

/// The preset most tests answer by hand or compare against.
const PHP_V1_717: [&str; 6] = [
    "--language",
    "php",
    "--imds",
    "v1",
    "--agent-version",
    "7.17",
];

/// The wizard started without a preset, at its first question.
fn at_first_question(env: &[(&str, &str)]) -> Option<Pane> {
    let pane = Pane::start(WIDE, &[], env)?;
    pane.wait_for("1/6 Agent version");
    Some(pane)
}

/// Waits until the screen shows `shown`, then presses `keys`.
fn press_when(pane: &Pane, shown: &str, keys: &[&str]) {
    pane.wait_for(shown);
    pane.press(keys);
}

/// From the Review step: saves into the default directory, or into `dir`
/// typed over it, waits for `saved`, quits, and expects status 0.
fn save_and_quit(pane: &Pane, dir: Option<&str>, saved: &str) {
    press_when(pane, "6/6 Review", &["Enter"]);
    pane.wait_for("Directory (created if missing)");
    if let Some(dir) = dir {
        pane.press(&["C-u"]);
        pane.type_text(dir);
    }
    pane.press(&["Enter"]);
    press_when(pane, saved, &["q"]);
    assert_eq!(pane.exit_status(), 0);
}

/// The wizard process, a child of the pane's shell.
fn wizard_pid(pane: &Pane) -> u32 {
    let shell: u32 = pane.display("#{pane_pid}").parse().expect("pane pid");
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
fn assert_restored(pane: &Pane) {
    let stty = pane.stty_after_exit();
    let words: Vec<&str> = stty.split_whitespace().collect();
    for mode in ["icanon", "echo", "isig", "icrnl", "opost"] {
        assert!(words.contains(&mode), "{mode} not restored:\n{stty}");
    }
    assert!(!pane.alternate_screen(), "still on the alternate screen");
    assert!(pane.cursor_visible(), "cursor still hidden");
}

/// The wizard ends with `status` and leaves the terminal restored.
fn assert_exits_restored(pane: &Pane, status: i32) {
    assert_eq!(pane.exit_status(), status, "exit status as sh reports it");
    assert_restored(pane);
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
    let Some(pane) = at_first_question(&[]) else {
        return;
    };
    assert_eq!(
        pane.display("#{mouse_any_flag}"),
        "0",
        "mouse capture must stay off"
    );
    pane.press(&["Enter", "Enter", "Enter", "Enter", "Enter"]);
    save_and_quit(&pane, None, "saved 6 files in ./ddecs-wizard-out");
    assert_restored(&pane);
    let screen = pane.screen();
    assert!(
        screen.contains("wrote ./ddecs-wizard-out/agent-task-definition.json"),
        "{screen}"
    );
    assert_eq!(
        read_dir(&pane.work_dir().join("ddecs-wizard-out")),
        generated(&[])
    );
}

#[test]
fn a_php_v1_717_preset_saves_what_generate_writes() {
    let Some(pane) = Pane::start(WIDE, &PHP_V1_717, &[]) else {
        return;
    };
    press_when(&pane, "4/6 Startup command", &["Enter", "Enter"]);
    save_and_quit(&pane, None, "saved 7 files");
    assert_eq!(
        read_dir(&pane.work_dir().join("ddecs-wizard-out")),
        generated(&PHP_V1_717)
    );
}

#[test]
fn answers_chosen_typed_and_pasted_save_what_generate_writes() {
    let Some(pane) = at_first_question(&[]) else {
        return;
    };
    pane.press(&["Down", "Down", "Enter"]);
    press_when(
        &pane,
        "2/6 Language",
        &["Down", "Down", "Down", "Down", "Down", "Down", "Enter"],
    );
    press_when(&pane, "3/6 IMDS version", &["Down", "Enter"]);
    press_when(&pane, "4/6 Startup command", &["C-u"]);
    pane.type_text("php-fpm -F -d 'x=\"$HOME\"' ");
    pane.paste("über\\ 日本\n");
    press_when(&pane, "über\\ 日本", &["Enter"]);
    pane.wait_for("5/6 Tags");
    pane.type_text("web");
    pane.press(&["Enter"]);
    save_and_quit(&pane, Some("out dir"), "saved 7 files in out dir");
    let answered = [
        "--startup-command",
        "php-fpm -F -d 'x=\"$HOME\"' über\\ 日本",
        "--service",
        "web",
    ];
    let expected = generated(&[&PHP_V1_717[..], &answered].concat());
    assert_eq!(read_dir(&pane.work_dir().join("out dir")), expected);
}

#[test]
fn q_with_unsaved_answers_asks_then_restores_the_terminal() {
    let Some(pane) = at_first_question(&[]) else {
        return;
    };
    pane.press(&["Down"]);
    press_when(&pane, "agent:7\"", &["q"]);
    press_when(&pane, "Quit without saving? y/n", &["y"]);
    assert_exits_restored(&pane, 0);
}

#[test]
fn ctrl_c_quits_at_once_even_while_typing() {
    let Some(pane) = at_first_question(&[]) else {
        return;
    };
    pane.press(&["4"]);
    pane.wait_for("4/6 Startup command");
    pane.type_text(" --more");
    press_when(&pane, "--more", &["C-c"]);
    assert_exits_restored(&pane, 0);
}

fn stopped_by_signal(signal: &str, status: i32) {
    let Some(pane) = at_first_question(&[]) else {
        return;
    };
    let pid = wizard_pid(&pane).to_string();
    // The shell's built-in kill: no procps needed.
    let kill = Command::new("sh")
        .args(["-c", &format!("kill -{signal} {pid}")])
        .status()
        .unwrap();
    assert!(kill.success());
    assert_exits_restored(&pane, status);
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
    let Some(pane) = at_first_question(&[]) else {
        return;
    };
    let pid = wizard_pid(&pane);
    pane.tmux(&["kill-server"]);
    let start = Instant::now();
    while running(pid) {
        assert!(
            start.elapsed() < TIMEOUT,
            "ddecs-wizard {pid} still runs after its terminal closed"
        );
        sleep(Duration::from_millis(50));
    }
}

#[test]
fn resizing_below_the_minimum_and_back() {
    let Some(pane) = at_first_question(&[]) else {
        return;
    };
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
    press_when(&pane, "ddecs-wizard  ◉ Agent version", &["q"]);
    assert_eq!(pane.exit_status(), 0);
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
    let Some(pane) = at_first_question(&[("NO_COLOR", "1")]) else {
        return;
    };
    let params = sgr_params(&pane.styled_screen());
    assert!(
        params.contains(&7),
        "selection in reverse video: {params:?}"
    );
    assert!(!params.iter().any(|p| is_colour(*p)), "{params:?}");
    pane.press(&["q"]);
    assert_eq!(pane.exit_status(), 0);

    let Some(pane) = at_first_question(&[]) else {
        return;
    };
    let params = sgr_params(&pane.styled_screen());
    assert!(params.iter().any(|p| is_colour(*p)), "colour when allowed");
}

#[test]
fn stdout_not_a_terminal_exits_2_at_once() {
    let command = format!("{} > out.txt 2> err.txt", quote(BIN));
    let terminal = Terminal {
        width: 80,
        height: 24,
        view: View::Screen,
    };
    let Some(pane) = Pane::start_shell(terminal, &command, &[], &[]) else {
        return;
    };
    assert_eq!(pane.exit_status(), 2);
    let out = fs::read(pane.work_dir().join("out.txt")).unwrap();
    let err = fs::read_to_string(pane.work_dir().join("err.txt")).unwrap();
    assert!(out.is_empty(), "{out:?}");
    assert!(err.contains("ddecs-wizard generate"), "{err}");
    assert!(!err.contains('\x1b'));
    assert_restored(&pane);
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
