//! The pictures in docs/images, made from the real wizard and checked to be
//! current: screenshots drawn on ratatui's `TestBackend` and turned into
//! SVG (the three launch types at their Connection step, the Review, the
//! help), and an asciicast v2 recording of the built binary in a real pty,
//! from the first question to the saved files. A change to what the wizard
//! shows fails these tests until the pictures are made again:
//!
//!     DDECS_UPDATE_IMAGES=1 cargo test -p ddecs-wizard --test docs_images
//!
//! Both are made by one walk through the wizard: a plan answers each
//! question the wizard asks (by what it is, not by its position, so a new
//! step is simply left at its default), an in-process model of the event
//! loop presses the keys and counts the frames each key draws, and the
//! recording replays the same keys into the binary, cutting its output
//! after exactly that many frames. Times in the recording are fixed per
//! key, so the same wizard always gives the same bytes.

#[path = "common/pty.rs"]
mod pty;
#[path = "tui_support/svg.rs"]
mod svg;
#[path = "common/tools.rs"]
mod tools;
mod tui_support;

use std::fs;
use std::path::{Path, PathBuf};

use ddecs_wizard::core::model::given::Given;
use ddecs_wizard::core::LaunchType;
use ddecs_wizard::tui::draw;
use ddecs_wizard::tui::state::{App, Drawn};
use ddecs_wizard::tui::theme::Theme;
use ddecs_wizard::tui::update::{self, Effect};
use ddecs_wizard::wizard::{Question, Step};
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use serde_json::json;

/// The terminal every picture is taken on: the wide layout with room for
/// the preview.
const WIDTH: u16 = 120;
const HEIGHT: u16 = 36;
const UPDATE_VAR: &str = "DDECS_UPDATE_IMAGES";
const BIN: &str = env!("CARGO_BIN_EXE_ddecs-wizard");
const SECRET_ARN: &str = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:dd-api-key";
const IMAGE: &str = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/checkout:1.4";

/// One thing the user does at the keyboard.
#[derive(Debug, Clone)]
enum Key {
    Enter,
    Up,
    Down,
    Right,
    Char(char),
    Paste(String),
}

impl Key {
    fn event(&self) -> Event {
        let key = |code| Event::Key(KeyEvent::new(code, KeyModifiers::NONE));
        match self {
            Key::Enter => key(KeyCode::Enter),
            Key::Up => key(KeyCode::Up),
            Key::Down => key(KeyCode::Down),
            Key::Right => key(KeyCode::Right),
            Key::Char(c) => key(KeyCode::Char(*c)),
            Key::Paste(text) => Event::Paste(text.clone()),
        }
    }

    /// What a terminal sends for it (bracketed paste is on in the wizard).
    fn bytes(&self) -> Vec<u8> {
        match self {
            Key::Enter => b"\r".to_vec(),
            Key::Up => b"\x1b[A".to_vec(),
            Key::Down => b"\x1b[B".to_vec(),
            Key::Right => b"\x1b[C".to_vec(),
            Key::Char(c) => c.to_string().into_bytes(),
            Key::Paste(text) => format!("\x1b[200~{text}\x1b[201~").into_bytes(),
        }
    }

    /// The pause before it in the recording: quick typing, slower moves,
    /// a moment to read before leaving a step.
    fn pause_ms(&self, previous: Option<&Key>) -> u64 {
        match (self, previous) {
            (Key::Char(_), Some(Key::Char(_))) => 70,
            (Key::Char(_), _) => 500,
            (Key::Enter, _) => 900,
            (Key::Paste(_), _) => 800,
            _ => 500,
        }
    }
}

/// A key pressed, how many frames the wizard drew for it, and whether a
/// status message then showed.
struct Pressed {
    key: Key,
    frames: usize,
    status: bool,
}

/// The event loop of `tui::run` in process: every event is followed by a
/// frame, and by more while a frame moves the preview; a quit draws none.
struct Model {
    app: App,
    screen: TestBackend,
    /// Frames drawn before the first key.
    startup_frames: usize,
    pressed: Vec<Pressed>,
    save_root: tempfile::TempDir,
}

impl Model {
    fn new() -> Model {
        let app = App::from_given(&Given::default(), Theme::COLOUR).expect("defaults are valid");
        let mut model = Model {
            app,
            screen: TestBackend::new(WIDTH, HEIGHT),
            startup_frames: 0,
            pressed: Vec::new(),
            save_root: tempfile::tempdir().expect("temp dir"),
        };
        model.startup_frames = model.settle();
        model
    }

    /// Draws as the loop does until a frame changes nothing more.
    fn settle(&mut self) -> usize {
        let mut frames = 0;
        while !self.app.quit {
            let mut terminal = Terminal::new(TestBackend::new(WIDTH, HEIGHT)).expect("backend");
            let mut drawn = Drawn::default();
            terminal
                .draw(|f| drawn = draw::render(f, &self.app))
                .expect("test backend draws");
            self.screen = terminal.backend().clone();
            frames += 1;
            if !update::on_drawn(&mut self.app, drawn) {
                break;
            }
        }
        frames
    }

    fn press(&mut self, key: Key) {
        match update::on_event(&mut self.app, &key.event()) {
            None => {}
            Some(Effect::Save { dir, force }) => {
                let result = ddecs_wizard::output::artifacts::save(
                    self.app.config(),
                    &self.save_root.path().join(dir),
                    force,
                );
                update::on_saved(&mut self.app, result);
            }
            Some(other) => panic!("the plan presses no key with the effect {other:?}"),
        }
        let frames = self.settle();
        let status = self.app.status.is_some();
        self.pressed.push(Pressed {
            key,
            frames,
            status,
        });
    }

    fn type_text(&mut self, text: &str) {
        for c in text.chars() {
            self.press(Key::Char(c));
        }
    }

    /// Moves the selection of `q` to the choice whose label starts with
    /// `label`.
    fn choose(&mut self, q: Question, label: &str) {
        let labels: Vec<&str> = self
            .app
            .answers
            .choices(q)
            .iter()
            .map(|c| c.label)
            .collect();
        let wanted = labels
            .iter()
            .position(|l| l.starts_with(label))
            .unwrap_or_else(|| panic!("no choice {label:?} in {labels:?}"));
        while self.app.answers.selected(q) != wanted {
            let key = if self.app.answers.selected(q) < wanted {
                Key::Down
            } else {
                Key::Up
            };
            self.press(key);
        }
    }

    /// The screen as text, for a failure message.
    fn shown(&self) -> String {
        tui_support::dump(&self.screen)
    }

    /// Answers the question in focus as the plan says, then presses Enter.
    fn answer(&mut self, plan: &Plan) {
        let Some(q) = self.app.focus else {
            return self.press(Key::Enter);
        };
        if q == Question::LaunchType {
            self.choose(q, plan.launch_type);
        } else if q == Question::Language {
            self.choose(q, "Node.js");
        } else if q == Question::StartupCommand {
            self.type_text("node server.js");
        } else if q == Question::AppName {
            self.type_text("checkout");
        } else if q == Question::AppImage {
            self.type_text(IMAGE);
        } else if q == Question::Env {
            self.type_text("prod");
        } else if q == Question::ServiceVersion {
            self.type_text("1.4");
        } else if q == Question::Site {
            self.choose(q, "datadoghq.eu");
        } else if q == Question::ApiKey {
            self.choose(q, "secret ARN");
            self.press(Key::Paste(SECRET_ARN.to_owned()));
        }
        // Anything else (a question added later) keeps its default.
        self.press(Key::Enter);
    }

    /// Answers questions until `step` shows.
    fn go_to(&mut self, plan: &Plan, step: Step) {
        for _ in 0..4 * Question::ALL.len() {
            if self.app.step == step {
                return;
            }
            let before = (self.app.step, self.app.focus);
            self.answer(plan);
            assert_ne!(
                (self.app.step, self.app.focus),
                before,
                "the answer was refused:\n{}",
                self.shown()
            );
        }
        panic!("never reached {step:?}:\n{}", self.shown());
    }
}

/// How the walk answers the questions whose default does not show enough.
struct Plan {
    launch_type: &'static str,
}

const EC2: Plan = Plan { launch_type: "EC2" };

/// One picture of docs/images.
struct Picture {
    file: &'static str,
    description: String,
    svg: String,
}

fn picture(file: &'static str, description: &str, model: &Model) -> Picture {
    let cursor = model
        .screen
        .cursor_visible()
        .then(|| model.screen.cursor_position());
    let svg = svg::render(&svg::Screen {
        buffer: model.screen.buffer(),
        cursor,
        title: "ddecs-wizard",
        description,
    });
    Picture {
        file,
        description: description.to_owned(),
        svg,
    }
}

/// Each launch type at its Connection step, where they differ most.
fn launch_type_pictures() -> Vec<Picture> {
    [
        (LaunchType::Ec2, "EC2", "launch-ec2.svg"),
        (LaunchType::Fargate, "Fargate", "launch-fargate.svg"),
        (
            LaunchType::ManagedInstances,
            "ECS Managed Instances",
            "launch-managed-instances.svg",
        ),
    ]
    .into_iter()
    .map(|(launch_type, label, file)| {
        let mut model = Model::new();
        model.go_to(&Plan { launch_type: label }, Step::Connection);
        assert_eq!(model.app.config().launch_type, launch_type);
        picture(
            file,
            &format!(
                "The wizard on {}, at the Connection step: its answers beside a live preview of the files it writes",
                launch_type.label()
            ),
            &model,
        )
    })
    .collect()
}

fn review_picture() -> Picture {
    let mut model = Model::new();
    model.go_to(&EC2, Step::Review);
    picture(
        "review.svg",
        "The wizard's Review step: every answer, and the files it will save",
        &model,
    )
}

fn help_picture() -> Picture {
    let mut model = Model::new();
    model.press(Key::Char('?'));
    picture(
        "help.svg",
        "The wizard's help: every key, by what it does",
        &model,
    )
}

/// The whole run the recording shows: every question answered, a look at
/// two more preview tabs on Review, the save, then q.
///
/// A status message goes after 4 seconds without a key, with one more
/// frame; so that no machine is slow enough to see that, only the save
/// shows one, and q follows it at once.
fn recorded_run() -> Model {
    let mut model = Model::new();
    model.go_to(&EC2, Step::Review);
    model.press(Key::Right);
    model.press(Key::Right);
    model.press(Key::Enter);
    model.press(Key::Enter);
    assert!(
        !model.app.saved.is_empty(),
        "the save did not happen:\n{}",
        model.shown()
    );
    model.press(Key::Char('q'));
    assert!(model.app.quit, "q did not quit:\n{}", model.shown());
    let statuses: Vec<&Key> = model
        .pressed
        .iter()
        .filter(|p| p.status && p.frames > 0)
        .map(|p| &p.key)
        .collect();
    assert_eq!(statuses.len(), 1, "status messages after {statuses:?}");
    model
}

/// Where each frame ratatui draws ends in the binary's output: every frame
/// ends by hiding the cursor, or by showing it and moving it; the frame's
/// cells never hold an escape character.
fn frame_ends(output: &[u8]) -> Vec<usize> {
    const HIDE: &[u8] = b"\x1b[?25l";
    const SHOW: &[u8] = b"\x1b[?25h";
    let mut ends = Vec::new();
    let mut at = 0;
    while at + HIDE.len() <= output.len() {
        let rest = &output[at..];
        if rest.starts_with(HIDE) {
            at += HIDE.len();
            ends.push(at);
        } else if rest.starts_with(SHOW) {
            // Show, then the cursor's position: ESC [ row ; col H.
            let after = &rest[SHOW.len()..];
            let Some(len) = move_to_len(after) else {
                break;
            };
            at += SHOW.len() + len;
            ends.push(at);
        } else {
            at += 1;
        }
    }
    ends
}

/// The length of a complete `ESC [ digits ; digits H` at the start.
fn move_to_len(bytes: &[u8]) -> Option<usize> {
    let body = bytes.strip_prefix(b"\x1b[")?;
    let end = body
        .iter()
        .position(|b| !(b.is_ascii_digit() || *b == b';'))?;
    (body[end] == b'H').then_some(2 + end + 1)
}

/// Seconds as asciicast writes them, from whole milliseconds.
fn seconds(ms: u64) -> serde_json::Value {
    json!(ms as f64 / 1000.0)
}

/// The output up to the end of its `frames`th frame, once it is there.
fn through_frame(pty: &pty::Pty, frames: usize, key: &str) -> Vec<u8> {
    pty.wait_for(&format!("frame {frames}, after {key}"), |out| {
        frame_ends(out)
            .get(frames - 1)
            .map(|end| out[..*end].to_vec())
    })
}

fn utf8(bytes: &[u8]) -> &str {
    std::str::from_utf8(bytes).expect("the wizard writes UTF-8, and frames end on ASCII")
}

/// Replays the model's keys into the built binary on a real pty and
/// returns the asciicast, or None when setsid (util-linux) is missing.
/// Each key's output is cut after the frames the model drew for it, so
/// how fast the machine is never moves a byte from one event to another.
fn record(model: &Model) -> Option<String> {
    if !tools::have("setsid", "util-linux") {
        return None;
    }
    let home = tempfile::tempdir().expect("temp dir");
    let work = tempfile::tempdir().expect("temp dir");
    let env = [
        ("PATH", "/usr/local/bin:/usr/bin:/bin"),
        ("HOME", home.path().to_str().expect("temp path is UTF-8")),
        ("TERM", "xterm-256color"),
        ("LANG", "C.UTF-8"),
    ];
    let mut pty = pty::Pty::start(BIN, &[], &env, work.path(), WIDTH, HEIGHT);
    let header = json!({
        "version": 2,
        "width": WIDTH,
        "height": HEIGHT,
        "title": "ddecs-wizard: a whole run, from the first question to the saved files",
        "env": {"TERM": "xterm-256color", "SHELL": "/bin/sh"},
    });
    let mut lines = vec![header.to_string()];
    let mut event = |ms: u64, data: &str| lines.push(json!([seconds(ms), "o", data]).to_string());
    // The command as a shell would show it, before the wizard's first frame.
    event(0, "$ ddecs-wizard\r\n");
    let mut clock = 400;
    // Entering the wizard hides the cursor: one more end than frames drawn.
    let mut frames = 1 + model.startup_frames;
    let start = through_frame(&pty, frames, "the start");
    event(clock, utf8(&start));
    let mut cut = start.len();
    let mut previous: Option<&Key> = None;
    for pressed in &model.pressed {
        clock += pressed.key.pause_ms(previous);
        previous = Some(&pressed.key);
        pty.send(&pressed.key.bytes());
        if pressed.frames == 0 {
            // Quitting draws nothing; the rest of the output is the exit.
            break;
        }
        frames += pressed.frames;
        let out = through_frame(&pty, frames, &format!("{:?}", pressed.key));
        event(clock, utf8(&out[cut..]));
        cut = out.len();
    }
    let (status, output) = pty.finish();
    let exit = utf8(&output[cut..]);
    assert!(status.success(), "the wizard exited with {status}:\n{exit}");
    assert!(
        exit.contains("wrote ./ddecs-wizard-out/"),
        "no saved files in:\n{exit}"
    );
    event(clock + 100, exit);
    event(clock + 2600, "$ ");
    Some(lines.join("\n") + "\n")
}

/// Compares the made files with docs/images, or writes them there when
/// asked to; stale or missing files fail the test with the command that
/// makes them again.
fn check_or_update(made: &[(&str, String)]) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/images");
    let update = std::env::var_os(UPDATE_VAR).is_some_and(|v| v == "1");
    if update {
        fs::create_dir_all(&dir).expect("create docs/images");
    }
    let mut stale = Vec::new();
    for (file, content) in made {
        let path: PathBuf = dir.join(file);
        let current = fs::read(&path).ok();
        if current.as_deref() == Some(content.as_bytes()) {
            continue;
        }
        if update {
            fs::write(&path, content).unwrap_or_else(|e| panic!("write {}: {e}", path.display()));
            eprintln!("note: wrote docs/images/{file}");
        } else {
            stale.push(format!(
                "docs/images/{file} ({})",
                if current.is_some() {
                    "differs"
                } else {
                    "missing"
                }
            ));
        }
    }
    assert!(
        stale.is_empty(),
        "the pictures in docs/images no longer show what the wizard shows: {}; \
         make them again with `{UPDATE_VAR}=1 cargo test -p ddecs-wizard --test docs_images` and commit them",
        stale.join(", ")
    );
}

fn all_pictures() -> Vec<Picture> {
    let mut pictures = launch_type_pictures();
    pictures.push(review_picture());
    pictures.push(help_picture());
    pictures
}

#[test]
fn screenshots_are_current() {
    let pictures = all_pictures();
    let made: Vec<(&str, String)> = pictures.iter().map(|p| (p.file, p.svg.clone())).collect();
    check_or_update(&made);
}

#[test]
fn recording_is_current() {
    let Some(cast) = record(&recorded_run()) else {
        return;
    };
    check_or_update(&[("wizard.cast", cast)]);
}

/// rsvg-convert (librsvg) reads every picture and draws it at its size.
#[test]
fn screenshots_render_as_png() {
    if !tools::have("rsvg-convert", "librsvg2-bin") {
        return;
    }
    let dir = tempfile::tempdir().expect("temp dir");
    for p in all_pictures() {
        let svg = dir.path().join(p.file);
        let png = svg.with_extension("png");
        fs::write(&svg, &p.svg).expect("write svg");
        let status = std::process::Command::new("rsvg-convert")
            .arg("-o")
            .arg(&png)
            .arg(&svg)
            .status()
            .expect("run rsvg-convert");
        assert!(
            status.success(),
            "rsvg-convert failed on {} ({})",
            p.file,
            p.description
        );
        let bytes = fs::read(&png).expect("read png");
        assert!(
            bytes.starts_with(b"\x89PNG\r\n\x1a\n"),
            "{} gave no PNG",
            p.file
        );
        let width = u32::from_be_bytes(bytes[16..20].try_into().expect("IHDR width"));
        let height = u32::from_be_bytes(bytes[20..24].try_into().expect("IHDR height"));
        assert_eq!((width, height), (1108, 708), "{}", p.file);
    }
}

#[test]
fn frame_ends_are_found_only_when_complete() {
    let out = b"\x1b[?1049h\x1b[?25lab\x1b[1;1Hcd\x1b[?25l\x1b[?25h\x1b[3;7Hx\x1b[?25h\x1b[1";
    assert_eq!(frame_ends(out), [14, 30, 42]);
    assert_eq!(frame_ends(b"plain text"), Vec::<usize>::new());
}
