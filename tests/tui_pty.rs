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
    pane.wait_for("1/12 Launch type");
    Some(pane)
}

/// Waits until the screen shows `shown`, then presses `keys`.
fn press_when(pane: &Pane, shown: &str, keys: &[&str]) {
    pane.wait_for(shown);
    pane.press(keys);
}

/// Presses Enter through every question left, to Review.
fn enter_to_review(pane: &Pane) {
    for _ in 0..40 {
        if pane.screen().contains("12/12 Review") {
            return;
        }
        let before = pane.screen();
        pane.press(&["Enter"]);
        pane.wait_until("the next question", |screen| screen != before);
    }
    panic!("Enter did not reach Review:\n{}", pane.screen());
}

/// From the Review step: saves into the default directory, or into `dir`
/// typed over it, waits for the status line, quits, and expects status 0.
fn save_and_quit(pane: &Pane, dir: Option<&str>) {
    press_when(pane, "12/12 Review", &["Enter"]);
    pane.wait_for("Directory (created if missing)");
    if let Some(dir) = dir {
        pane.press(&["C-u"]);
        pane.type_text(dir);
    }
    pane.press(&["Enter"]);
    press_when(pane, "(printed again on exit, with the next steps)", &["q"]);
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
    enter_to_review(&pane);
    save_and_quit(&pane, None);
    assert_restored(&pane);
    let history = pane.history();
    assert!(
        history.contains("wrote ./ddecs-wizard-out/agent-task-definition.json"),
        "{history}"
    );
    assert!(
        history.contains("Next steps (run them in ./ddecs-wizard-out)"),
        "{history}"
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
    pane.wait_for("1/12 Launch type");
    enter_to_review(&pane);
    save_and_quit(&pane, None);
    assert_eq!(
        read_dir(&pane.work_dir().join("ddecs-wizard-out")),
        generated(&PHP_V1_717)
    );
}

const ARN: &str = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:dd-api-key";
const IMAGE: &str = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/checkout:1.4.0";

/// A newcomer's run: every answer typed or chosen in the wizard, none from
/// a flag; the files and the next steps printed on exit hold them.
#[test]
fn a_newcomers_answers_reach_the_files_and_the_next_steps() {
    let Some(pane) = at_first_question(&[]) else {
        return;
    };
    // EC2, latest, Python, injected, IMDSv2, the default command: as offered.
    for (question, keys) in [
        ("1/12 Launch type", &["Enter"][..]),
        ("2/12 Agent version", &["Enter"]),
        ("3/12 Language", &["Enter"]),
        // How the tracer gets in, the base image, the version.
        ("4/12 Tracer", &["Enter", "Enter", "Enter"]),
        ("5/12 Connection", &["Enter"]),
        ("6/12 Startup command", &["Enter"]),
    ] {
        press_when(&pane, question, keys);
    }
    pane.wait_for("7/12 App");
    pane.type_text("checkout");
    press_when(&pane, "Container name checkout", &["Enter"]);
    pane.type_text(IMAGE);
    press_when(&pane, ".com/checkout:1.4.0", &["Enter"]);
    pane.wait_for("8/12 Tags");
    for (tag, shown) in [
        ("checkout", "DD_SERVICE) checkout"),
        ("prod", "DD_ENV) prod"),
        ("1.4.0", "DD_VERSION) 1.4.0"),
    ] {
        pane.type_text(tag);
        press_when(&pane, shown, &["Enter"]);
    }
    pane.wait_for("9/12 Datadog");
    pane.press(&["Down", "Down", "Down"]);
    press_when(&pane, "▶ datadoghq.eu", &["Enter"]);
    pane.press(&["Up"]);
    pane.wait_for("▶ secret ARN");
    pane.paste(ARN);
    press_when(&pane, "✓ the agent reads DD_API_KEY from", &["Enter"]);
    // The Features step: every feature left at the tracer's default.
    pane.wait_for("10/12 Features");
    enter_to_review(&pane);
    let review = pane.wait_for("12/12 Review");
    for shown in [
        "App name         checkout",
        "Site             datadoghq.eu",
        "Env              prod",
    ] {
        assert!(review.contains(shown), "{shown:?} not on Review:\n{review}");
    }
    save_and_quit(&pane, Some("deploy"));
    let answered = [
        "--app-name",
        "checkout",
        "--app-image",
        IMAGE,
        "--service",
        "checkout",
        "--env",
        "prod",
        "--service-version",
        "1.4.0",
        "--site",
        "datadoghq.eu",
        "--api-key-secret-arn",
        ARN,
    ];
    let saved = read_dir(&pane.work_dir().join("deploy"));
    assert_eq!(saved, generated(&answered));
    let text = |name: &str| {
        let (_, bytes) = saved.iter().find(|(n, _)| n == name).expect(name);
        String::from_utf8(bytes.clone()).unwrap()
    };
    let app = text("app-task-definition.json");
    for value in ["\"family\": \"checkout\"", IMAGE, "\"DD_ENV\"", "\"1.4.0\""] {
        assert!(
            app.contains(value),
            "{value} not in app-task-definition.json:\n{app}"
        );
    }
    let agent = text("agent-container.json");
    assert!(
        agent.contains(ARN) && agent.contains("datadoghq.eu"),
        "{agent}"
    );
    let history = pane.history();
    let next = history
        .find("Next steps (run them in deploy)")
        .expect("next steps printed");
    let steps = &history[next..];
    assert!(steps.contains("file://app-task-definition.json"), "{steps}");
    assert!(steps.contains("--task-definition checkout"), "{steps}");
}

/// Typing a version after "another version…" starts from an empty field,
/// and an invalid one is said in the preview, not shown stale.
#[test]
fn another_version_is_typed_into_an_empty_field() {
    let Some(pane) = at_first_question(&[]) else {
        return;
    };
    press_when(&pane, "1/12 Launch type", &["Enter"]);
    press_when(&pane, "2/12 Agent version", &["Down", "Down", "Down"]);
    pane.wait_for("▶ another version");
    pane.type_text("7.15.2");
    let screen = pane.wait_for("agent:7.15.2\"");
    assert!(!screen.contains("7.177"), "{screen}");
    pane.type_text(".x");
    let screen = pane.wait_for("Not shown while an answer is invalid");
    assert!(
        !screen.contains("agent:7.15.2"),
        "stale output shown:\n{screen}"
    );
    pane.press(&["C-y"]);
    pane.wait_for("cannot copy Agent: Agent version: invalid");
    pane.press(&["C-c"]);
    assert_exits_restored(&pane, 130);
}

/// A pasted two-line start command becomes one command joined with &&,
/// shown as such, never the lines run together.
#[test]
fn a_multi_line_paste_is_joined_with_and() {
    let Some(pane) = at_first_question(&[]) else {
        return;
    };
    press_when(&pane, "1/12 Launch type", &["6"]);
    pane.wait_for("6/12 Startup command");
    pane.paste("php artisan migrate --force\nphp-fpm -F\n");
    let screen = pane.wait_for("pasted 2 lines as one command, joined with &&");
    assert!(screen.contains("migrate --force && php-fpm -F"), "{screen}");
    assert!(
        !screen.contains("exec php artisan migrate --force php-fpm"),
        "{screen}"
    );
    pane.press(&["C-c"]);
    assert_exits_restored(&pane, 130);
}

#[test]
fn q_with_unsaved_answers_asks_then_restores_the_terminal() {
    let Some(pane) = at_first_question(&[]) else {
        return;
    };
    pane.press(&["Enter", "Down"]);
    press_when(&pane, "▶ 7 —", &["q"]);
    press_when(&pane, "Quit without saving? y/n", &["y"]);
    assert_exits_restored(&pane, 0);
}

#[test]
fn ctrl_c_quits_at_once_even_while_typing() {
    let Some(pane) = at_first_question(&[]) else {
        return;
    };
    pane.press(&["6"]);
    pane.wait_for("6/12 Startup command");
    pane.type_text(" --more");
    press_when(&pane, "--more", &["C-c"]);
    // Interrupted, as --plain and shells report Ctrl-C: 130.
    assert_exits_restored(&pane, 130);
    assert!(
        pane.history().contains("ddecs-wizard: interrupted"),
        "{}",
        pane.history()
    );
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
    let narrow = pane.wait_for("─ Agent task def ─ Agent ─");
    assert!(narrow.contains("◉ Launch type"), "{narrow}");
    pane.tmux(&["resize-window", "-x", "100", "-y", "30"]);
    press_when(&pane, "◉ Launch ○ Agent ○ Lang", &["q"]);
    assert_eq!(pane.exit_status(), 0);
}

/// At 20x5 only the size message shows: forty Enters (enough to walk
/// every step and save) do nothing, and q still quits.
#[test]
fn a_terminal_too_small_acts_on_no_key_but_quit() {
    let Some(pane) = at_first_question(&[]) else {
        return;
    };
    pane.tmux(&["resize-window", "-x", "20", "-y", "5"]);
    pane.wait_for("too small");
    for _ in 0..40 {
        pane.press(&["Enter"]);
    }
    pane.press(&["y", "s", "Enter"]);
    // Back at full size: still the first step, and nothing saved.
    pane.tmux(&["resize-window", "-x", "100", "-y", "30"]);
    let screen = pane.wait_for("Where do the app's tasks run?");
    assert!(
        !screen.contains("Directory (created if missing)"),
        "{screen}"
    );
    assert!(
        !pane.work_dir().join("ddecs-wizard-out").exists(),
        "files were saved from a screen too small to show them"
    );
    pane.tmux(&["resize-window", "-x", "20", "-y", "5"]);
    pane.wait_for("too small");
    pane.press(&["q"]);
    assert_exits_restored(&pane, 0);
}

/// LANG=C: the terminal takes bytes as Latin-1 or ASCII, so the wizard
/// draws its rules, markers and arrows in ASCII.
#[test]
fn a_c_locale_gets_only_ascii_on_screen() {
    let Some(pane) = Pane::start(WIDE, &[], &[("LANG", "C"), ("LC_ALL", "C")]) else {
        return;
    };
    let screen = pane.wait_for("Where do the app's tasks run?");
    pane.press(&["?"]);
    let help = pane.wait_for("Moving between steps");
    for shown in [&screen, &help] {
        let glyphs: String = shown.chars().filter(|c| !c.is_ascii()).collect();
        assert!(glyphs.is_empty(), "not ASCII: {glyphs:?}\n{shown}");
    }
    assert!(
        screen.contains("> "),
        "the marker is drawn as ASCII:\n{screen}"
    );
    // Escape and q in one write would read as Alt+q.
    pane.press(&["Escape"]);
    pane.wait_for("Where do the app's tasks run?");
    pane.press(&["q"]);
    assert_exits_restored(&pane, 0);
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

    // no-color.org: an empty NO_COLOR is as good as none.
    for env in [&[][..], &[("NO_COLOR", "")][..]] {
        let Some(pane) = at_first_question(env) else {
            return;
        };
        let params = sgr_params(&pane.styled_screen());
        assert!(params.iter().any(|p| is_colour(*p)), "colour with {env:?}");
        // Bright black is the background on some palettes (Solarized).
        assert!(
            !params.contains(&90) && !params.contains(&100),
            "{params:?}"
        );
        assert!(params.contains(&2), "decoration is dimmed: {params:?}");
    }
}

#[test]
fn a_dumb_terminal_gets_a_pointer_to_plain() {
    let Some(pane) = Pane::start(WIDE, &[], &[("TERM", "dumb")]) else {
        return;
    };
    assert_eq!(pane.exit_status(), 2);
    let history = pane.history();
    assert!(history.contains("use `ddecs-wizard --plain`"), "{history}");
    assert!(
        !pane.styled_history().contains('\x1b'),
        "an escape code was written"
    );
    assert_restored(&pane);
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
