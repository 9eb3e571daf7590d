//! `ddecs-wizard --plain` end to end: the real binary in a real terminal
//! (tmux), answered key by key, checked against what `generate` gives for
//! the same answers.

mod dumb;
mod prompts;
mod same_questions;
#[path = "../common/tmux.rs"]
mod tmux;
mod x11;

use std::io::{BufRead, BufReader, Read, Write};
use std::path::Path;
use std::process::{Command, Stdio};
use std::thread;
use std::time::{Duration, Instant};

use ddecs_wizard::core::shell::quote;
use ddecs_wizard::core::{Config, Language};
use ddecs_wizard::wizard::step::Step;
use prompts::{last_line, Prompts, TERMINAL};
use tmux::{Pane, BIN};
use x11::Xvfb;

/// Runs `ddecs-wizard generate ARGS`; its stdout.
fn generate(args: &[&str]) -> String {
    let out = Command::new(BIN)
        .arg("generate")
        .args(args)
        .output()
        .expect("run generate");
    assert!(
        out.status.success(),
        "generate {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("UTF-8 output")
}

/// `text` as a terminal shows it: tabs expanded to 8-column stops and
/// trailing blanks gone (capture-pane does not keep them).
fn as_shown(text: &str) -> String {
    text.lines()
        .map(|line| {
            let mut out = String::new();
            for c in line.chars() {
                if c == '\t' {
                    let pad = 8 - out.chars().count() % 8;
                    out.extend(std::iter::repeat_n(' ', pad));
                } else {
                    out.push(c);
                }
            }
            out.trim_end().to_owned()
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn assert_printed(history: &str, expected: &str) {
    assert!(
        history.contains(&as_shown(expected)),
        "the pane does not show what generate prints.\nexpected:\n{expected}\npane:\n{history}"
    );
}

/// Both directories hold the same file names with the same bytes.
fn assert_same_files(actual: &Path, expected: &Path) {
    let names = |dir: &Path| {
        let mut names: Vec<String> = std::fs::read_dir(dir)
            .unwrap_or_else(|e| panic!("read {}: {e}", dir.display()))
            .map(|e| {
                e.expect("dir entry")
                    .file_name()
                    .to_string_lossy()
                    .into_owned()
            })
            .collect();
        names.sort();
        names
    };
    assert_eq!(names(actual), names(expected));
    for name in names(expected) {
        assert_eq!(
            std::fs::read(actual.join(&name)).expect("saved file"),
            std::fs::read(expected.join(&name)).expect("generated file"),
            "{name} differs from generate --out-dir"
        );
    }
}

fn generate_out_dir(args: &[&str]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("out");
    let mut all = args.to_vec();
    let out_str = out.display().to_string();
    all.extend(["--out-dir", &out_str]);
    generate(&all);
    dir
}

fn has_colour(styled: &str) -> bool {
    styled.contains("\x1b[3") || styled.contains("\x1b[9")
}

const SECRET: &str = "arn:aws:secretsmanager:us-east-1:123456789012:secret:dd-api-key";

/// Every question answered on the command line, so only the menu is left.
const ALL_PRESET: [&str; 46] = [
    "--plain",
    "--launch-type",
    "ec2",
    "--agent-version",
    "latest",
    "--language",
    "go",
    "--tracer",
    "image",
    "--base-image",
    "alpine",
    "--imds",
    "v2",
    "--startup-command",
    "/app/server --port 8080",
    "--app-name",
    "api",
    "--app-image",
    "api:1",
    "--service",
    "checkout",
    "--env",
    "prod",
    "--service-version",
    "1.4.0",
    "--site",
    "datadoghq.eu",
    "--api-key-secret-arn",
    SECRET,
    "--transport",
    "tcp",
    "--profiling=false",
    "--runtime-metrics=false",
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

/// What `generate` prints for the app container with [`ALL_PRESET`].
fn all_preset_app_container() -> String {
    let mut args = ALL_PRESET[1..].to_vec();
    args.extend(["--output", "app-container"]);
    generate(&args)
}

/// Answers every question in the order asked: `choices` for the lists
/// (launch type, agent version, language, how the tracer gets in, base
/// image, tracer version, connection; empty takes the default), then the
/// typed answers (startup command, app name, image, service, env, version;
/// empty takes the default), then the site and the API key lists.
fn answer_all(pane: &Pane, choices: [&str; 7], typed: [&str; 6], site: &str, api_key: &str) {
    for (prompt, item) in [
        "Where do the app's tasks run?",
        "Which Datadog agent version?",
        "Which language is the app written in?",
        "How does the tracer get into the app?",
        "What is the app's image based on?",
        "Which tracer version?",
        "How does the app reach the agent?",
    ]
    .into_iter()
    .zip(choices)
    {
        pane.choose(prompt, item);
    }
    for (prompt, text) in [
        "How does the app start?",
        "Container name",
        "Image",
        "Service (DD_SERVICE)",
        "Environment (DD_ENV)",
        "Version (DD_VERSION)",
    ]
    .into_iter()
    .zip(typed)
    {
        pane.answer(prompt, text);
    }
    pane.choose("Datadog site", site);
    pane.choose("API key", api_key);
    let language = Language::ALL
        .into_iter()
        .find(|l| l.label() == choices[2])
        .expect("a language label");
    default_features(pane, language, Pane::choose);
}

/// Takes the default of every Features and Logs & agent question `language` is asked
/// (a feature its tracer lacks is not asked), with `pick` (`choose` or the
/// dumb terminal's numbered `pick`).
fn default_features(pane: &Pane, language: Language, pick: fn(&Pane, &str, &str)) {
    let config = Config::for_language(language);
    for q in [Step::Features, Step::Collection]
        .into_iter()
        .flat_map(Step::questions)
    {
        if q.not_needed(&config).is_none() {
            pick(pane, q.prompt(), "");
        }
    }
}

/// Prints `artifact` alone from the menu.
fn print_one(pane: &Pane, artifact: &str) {
    pane.choose("What now?", "Print one artifact");
    pane.choose("Print which artifact?", artifact);
}

/// Copies `artifact` alone from the menu.
fn copy_one(pane: &Pane, artifact: &str) {
    pane.choose("What now?", "Copy one");
    pane.choose("Copy which artifact?", artifact);
}

/// Saves from the menu into `dir` (empty: the default).
fn save_into(pane: &Pane, dir: &str) {
    pane.choose("What now?", "Save them");
    pane.answer("Save into which directory?", dir);
}

/// Quits from the menu; the wizard ends with status 0.
fn quit(pane: &Pane) {
    pane.choose("What now?", "Quit");
    assert_eq!(pane.exit_status(), 0);
}

#[test]
fn python_defaults_print_and_save_what_generate_gives() {
    let Some(pane) = Pane::start(TERMINAL, &["--plain"], &[]) else {
        return;
    };
    answer_all(
        &pane,
        ["EC2", "latest", "Python", "", "", "", "IMDSv2"],
        [""; 6],
        "datadoghq.com",
        "placeholder",
    );
    pane.wait_for("Placeholders left in the files:");
    pane.choose("What now?", "Print all");
    // The default moved on to saving; Enter takes it, and the default dir.
    save_into(&pane, "");
    pane.wait_for("wrote ./ddecs-wizard-out/tracer.py");
    pane.wait_for("--task-definition app");
    quit(&pane);

    let history = pane.history();
    assert_printed(&history, &generate(&[]));
    // Each list is left on screen once, as its answer: a list redrawn over
    // wrapped lines would leave copies behind.
    for prompt in [
        "Which Datadog agent version?",
        "Which language is the app written in?",
        "How does the app reach the agent?",
    ] {
        assert_eq!(history.matches(prompt).count(), 1, "{prompt}:\n{history}");
    }
    assert!(
        history.contains(
            "the same without questions: ddecs-wizard generate --launch-type ec2 --transport tcp \
             --language python --tracer inject --agent-version latest --imds v2 \
             --startup-command 'python my_app.py'"
        ),
        "{history}"
    );
    assert!(
        history.contains("App image        <YOUR_APP_IMAGE>  ! placeholder"),
        "{history}"
    );
    assert!(
        history.contains("Next steps (run them in ./ddecs-wizard-out)"),
        "{history}"
    );
    let expected = generate_out_dir(&[]);
    assert_same_files(
        &pane.work_dir().join("ddecs-wizard-out"),
        &expected.path().join("out"),
    );
    // The colourful theme is used on a capable terminal: this is what the
    // NO_COLOR and TERM=dumb tests must not see.
    assert!(has_colour(&pane.styled_history()));
}

#[test]
fn php_with_imdsv1_and_agent_717_chosen_by_arrows() {
    let Some(pane) = Pane::start(
        TERMINAL,
        &["--plain"],
        &[("DDECS_WIZARD_CLIPBOARD", "osc52")],
    ) else {
        return;
    };
    answer_all(
        &pane,
        ["EC2", "7.17", "PHP", "", "Alpine", "latest", "IMDSv1"],
        ["", "web", "web:2", "web", "prod", "1.2.3"],
        "datadoghq.eu",
        "placeholder",
    );
    let same = [
        "--language",
        "php",
        "--base-image",
        "alpine",
        "--tracer-version",
        "latest",
        "--imds",
        "v1",
        "--agent-version",
        "7.17",
        "--startup-command",
        "php-fpm -F",
        "--app-name",
        "web",
        "--app-image",
        "web:2",
        "--service",
        "web",
        "--env",
        "prod",
        "--service-version",
        "1.2.3",
        "--site",
        "datadoghq.eu",
    ];
    let with = |extra: &[&'static str]| [&same[..], extra].concat();

    print_one(&pane, "PHP-FPM");
    pane.choose("What now?", "Print all");
    save_into(&pane, "");
    pane.wait_for("wrote ./ddecs-wizard-out/php-fpm-www.conf");
    let saved = pane.work_dir().join("ddecs-wizard-out");
    std::fs::write(saved.join("app-container.json"), "edited by hand").expect("edit");

    // Saving again asks before overwriting, and overwrites when told to.
    save_into(&pane, "");
    pane.confirm("overwrite them?", true);
    pane.wait_until("the second save", |text| {
        text.matches("wrote ./ddecs-wizard-out/php-fpm-www.conf")
            .count()
            == 2
    });
    copy_one(&pane, "Apache");
    let apache = generate(&with(&["--output", "apache"]));
    pane.wait_for(&format!(
        "apache: sent {} bytes to the terminal clipboard (OSC 52; the terminal must allow it) \
         because DDECS_WIZARD_CLIPBOARD=osc52 asks for it",
        apache.len()
    ));
    quit(&pane);

    let history = pane.history();
    assert_printed(&history, &generate(&with(&["--output", "php-fpm"])));
    assert_printed(&history, &generate(&same));
    assert!(history.contains("DD_APM_NON_LOCAL_TRAFFIC"), "{history}");
    let expected = generate_out_dir(&same);
    assert_same_files(&saved, &expected.path().join("out"));
    assert_eq!(pane.clipboard_buffer(), apache);
}

#[test]
fn another_version_is_typed_without_a_prefilled_value() {
    let Some(pane) = Pane::start(TERMINAL, &["--plain", "--launch-type", "ec2"], &[]) else {
        return;
    };
    pane.choose("Which Datadog agent version?", "another version");
    pane.answer("Agent version (a major", "7.15.2");
    pane.choose("Which language is the app written in?", "Java");
    pane.choose(
        "How does the tracer get into the app?",
        "already in the image",
    );
    pane.choose("How does the app reach the agent?", "Unix socket");
    pane.answer("Container name", "");
    pane.answer("Image", "");
    for prompt in [
        "Service (DD_SERVICE)",
        "Environment (DD_ENV)",
        "Version (DD_VERSION)",
    ] {
        pane.answer(prompt, "");
    }
    pane.choose("Datadog site", "datadoghq.com");
    pane.choose("API key", "placeholder");
    default_features(&pane, Language::Java, Pane::choose);
    pane.wait_for("Agent version    7.15.2 (+ the 2 APM env vars)");
    let history = pane.history();
    assert!(
        history.contains("Startup command: not needed (with the Unix socket"),
        "{history}"
    );
    quit(&pane);
}

#[test]
fn preset_answers_are_shown_not_asked() {
    let Some(pane) = Pane::start(TERMINAL, &ALL_PRESET, &[]) else {
        return;
    };
    print_one(&pane, "App container");
    quit(&pane);
    let history = pane.history();
    for shown in [
        "Launch type: EC2 (from --launch-type)",
        "Agent version: latest (from --agent-version)",
        "Language: Go (from --language)",
        "Tracer: install in the image (from --tracer)",
        "Base image: Alpine (from --base-image)",
        "Tracer version: not needed (for Go the version is the one go.mod pins",
        "Connection: host IP via IMDSv2 (from --transport/--imds)",
        "Startup command: /app/server --port 8080 (from --startup-command)",
        "App name: api (from --app-name)",
        "Service: checkout (from --service)",
        "Env: prod (from --env)",
        "Version: 1.4.0 (from --service-version)",
        "Site: datadoghq.eu (from --site)",
        "Profiling: off (from --profiling)",
        "Logs injection: not needed (the Go tracer does not inject trace IDs)",
        "Sample rate: the agent's rates (from --trace-sample-rate)",
    ] {
        assert!(history.contains(shown), "no {shown:?} in:\n{history}");
    }
    for asked in [
        "Which Datadog agent version?",
        "Which language is the app written in?",
        "Service (DD_SERVICE)",
    ] {
        assert!(!history.contains(asked), "{asked:?} was asked:\n{history}");
    }
    assert_printed(&history, &all_preset_app_container());
}

fn assert_no_colour_with(env: &[(&str, &str)]) {
    let Some(pane) = Pane::start(TERMINAL, &ALL_PRESET, env) else {
        return;
    };
    print_one(&pane, "Tracer code");
    quit(&pane);
    let styled = pane.styled_history();
    assert!(!has_colour(&styled), "colour with {env:?}:\n{styled:?}");
    // The plain theme: answers read back as "prompt: answer", no symbols.
    let history = pane.history();
    assert!(history.contains("What now?: Quit"), "{history}");
    assert!(
        !history.contains('✔') && !history.contains('❯'),
        "{history}"
    );
}

#[test]
fn no_color_gets_no_colour() {
    assert_no_colour_with(&[("NO_COLOR", "1")]);
}

/// no-color.org: NO_COLOR counts only when it is not empty, in `--plain`
/// as in the full-screen wizard.
#[test]
fn an_empty_no_color_keeps_colour() {
    let Some(pane) = Pane::start(TERMINAL, &ALL_PRESET, &[("NO_COLOR", "")]) else {
        return;
    };
    print_one(&pane, "Tracer code");
    quit(&pane);
    assert!(has_colour(&pane.styled_history()));
}

#[test]
fn a_locale_without_utf8_gets_the_plain_theme() {
    assert_no_colour_with(&[("LANG", "C")]);
}

#[test]
fn ctrl_c_at_a_choice_exits_130_with_the_cursor_shown() {
    let Some(pane) = Pane::start(TERMINAL, &["--plain"], &[]) else {
        return;
    };
    // A choice list hides the cursor while it is on screen.
    pane.wait_until("the launch type list", |text| {
        text.contains("❯ EC2 (agent as a DAEMON service)")
    });
    assert!(!pane.cursor_visible());
    pane.press(&["C-c"]);
    assert_eq!(pane.exit_status(), 130);
    assert!(pane.cursor_visible(), "the cursor was left hidden");
    assert!(pane.history().contains("ddecs-wizard: interrupted"));
}

#[test]
fn ctrl_c_at_a_text_prompt_exits_130() {
    let Some(pane) = Pane::start(
        TERMINAL,
        &[
            "--plain",
            "--launch-type",
            "ec2",
            "--agent-version",
            "7",
            "--language",
            "ruby",
            "--tracer",
            "present",
            "--imds",
            "v2",
        ],
        &[],
    ) else {
        return;
    };
    pane.wait_until("the startup command prompt", |text| {
        last_line(text).contains("How does the app start?")
    });
    pane.press(&["C-c"]);
    assert_eq!(pane.exit_status(), 130);
    assert!(pane.cursor_visible());
}

/// Waits for `child` to end within 10 s: a hang is a failure.
fn wait_briefly(child: &mut std::process::Child) -> std::process::ExitStatus {
    let start = Instant::now();
    loop {
        if let Some(status) = child.try_wait().expect("wait") {
            return status;
        }
        if start.elapsed() > Duration::from_secs(10) {
            let _ = child.kill();
            panic!("still running after 10 s");
        }
        thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn without_a_terminal_exits_2_at_once_naming_generate() {
    let mut child = Command::new(BIN)
        .args(["--plain", "--language", "php"])
        .env("TERM", "xterm-256color")
        .env_remove("NO_COLOR")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start");
    let status = wait_briefly(&mut child);
    let mut stdout = Vec::new();
    let mut stderr = Vec::new();
    child
        .stdout
        .take()
        .expect("stdout")
        .read_to_end(&mut stdout)
        .expect("read");
    child
        .stderr
        .take()
        .expect("stderr")
        .read_to_end(&mut stderr)
        .expect("read");
    let message = String::from_utf8_lossy(&stderr);
    assert_eq!(status.code(), Some(2), "{message}");
    assert!(message.contains("`ddecs-wizard generate`"), "{message}");
    assert!(
        message.contains("stdin and stdout and stderr are not one"),
        "{message}"
    );
    assert_eq!(message.lines().count(), 1, "{message}");
    assert!(stdout.is_empty());
    assert!(!stdout.contains(&0x1b) && !stderr.contains(&0x1b));
}

#[test]
fn stdout_into_a_file_exits_2_even_on_a_terminal() {
    let command = format!("{} \"$@\" > out.txt", quote(BIN));
    let Some(pane) = Pane::start_shell(TERMINAL, &command, &["--plain"], &[]) else {
        return;
    };
    assert_eq!(pane.exit_status(), 2);
    let history = pane.history();
    assert!(history.contains("but stdout is not one"), "{history}");
    assert!(history.contains("`ddecs-wizard generate`"), "{history}");
    let out = std::fs::read(pane.work_dir().join("out.txt")).expect("out.txt");
    assert!(out.is_empty(), "{out:?}");
}

#[test]
fn a_bad_preset_is_a_usage_error_before_any_question() {
    let out = Command::new(BIN)
        .args(["--plain", "--app-name", "my app"])
        .stdin(Stdio::null())
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2));
    let message = String::from_utf8_lossy(&out.stderr);
    assert!(
        message.starts_with("ddecs-wizard: --app-name: invalid app name"),
        "{message}"
    );
}

#[test]
fn copy_without_a_display_uses_osc52_and_says_why() {
    let Some(pane) = Pane::start(TERMINAL, &ALL_PRESET, &[]) else {
        return;
    };
    copy_one(&pane, "App container");
    let text = all_preset_app_container();
    pane.wait_for(&format!(
        "app-container: sent {} bytes to the terminal clipboard (OSC 52; the terminal must allow it) \
         because there is no X display (DISPLAY is unset)",
        text.len()
    ));
    quit(&pane);
    assert_eq!(pane.clipboard_buffer(), text);
}

#[test]
fn a_failed_copy_is_told_and_offers_saving() {
    let Some(pane) = Pane::start(
        TERMINAL,
        &ALL_PRESET,
        &[("DDECS_WIZARD_CLIPBOARD", "system")],
    ) else {
        return;
    };
    copy_one(&pane, "App container");
    pane.wait_for(
        "copy failed: there is no X display (DISPLAY is unset) (and DDECS_WIZARD_CLIPBOARD=system \
         rules out OSC 52); you can save the files instead",
    );
    // The session goes on, with saving as the default.
    save_into(&pane, "out");
    pane.wait_for("wrote out/app-container.json");
    quit(&pane);
}

#[test]
fn x11_copy_outlives_the_wizard_until_something_else_is_copied() {
    let Some(x) = Xvfb::start() else {
        return;
    };
    let Some(pane) = Pane::start(TERMINAL, &ALL_PRESET, &[("DISPLAY", &x.display)]) else {
        return;
    };
    copy_one(&pane, "App container");
    let text = all_preset_app_container();
    pane.wait_for(&format!(
        "app-container: copied {} bytes to the system clipboard \
         (kept until something else is copied, at most an hour)",
        text.len()
    ));
    quit(&pane);

    // The wizard is gone; its keeper still serves the text.
    assert_eq!(x.clipboard(), text);
    assert_eq!(x.keepers().len(), 1, "one keeper for this display");

    // Another program copies: the keeper steps down and ends.
    x.copy_with_xclip("something else");
    let start = Instant::now();
    while !x.keepers().is_empty() {
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "the keeper did not end after the clipboard changed hands"
        );
        thread::sleep(Duration::from_millis(20));
    }
    assert_eq!(x.clipboard(), "something else");

    // A keeper whose X server goes away (a logout) does not linger.
    let mut keeper = Command::new(BIN)
        .arg("__hold-clipboard")
        .env("DISPLAY", &x.display)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start the keeper");
    keeper
        .stdin
        .take()
        .expect("keeper stdin")
        .write_all(b"last words")
        .expect("write to the keeper");
    let mut ready = String::new();
    BufReader::new(keeper.stdout.take().expect("keeper stdout"))
        .read_line(&mut ready)
        .expect("read the keeper");
    assert_eq!(ready, "ok\n");
    assert_eq!(x.clipboard(), "last words");
    drop(x);
    wait_briefly(&mut keeper);
}
