//! Snapshots of whole frames on ratatui's `TestBackend`: every step (with
//! an invalid field where a step has one), every preview tab, the dialogs
//! and the help, at 100x30 (wide layout) and 60x16 (the minimum, narrow
//! layout), with and without colour, plus the too-small message. One
//! snapshot file per size and colour mode, each a tour through the wizard,
//! so a layout change shows up as one readable diff. Also checks that no
//! size from 1x1 up makes drawing panic.

mod tui_support;

use std::fmt::Write as _;
use std::io;
use std::path::PathBuf;

use ddecs_wizard::core::model::given::Given;
use ddecs_wizard::output::files::WriteError;
use ddecs_wizard::tui::draw;
use ddecs_wizard::tui::preview::Tab;
use ddecs_wizard::tui::state::App;
use ddecs_wizard::tui::theme::Theme;
use ddecs_wizard::tui::update;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::KeyCode;
use ratatui::crossterm::event::KeyCode::{Backspace, Char, Down, Enter, Esc, Right, Up};
use ratatui::Terminal;
use tui_support::*;

fn saved_paths() -> Vec<PathBuf> {
    [
        "agent-task-definition.json",
        "agent-container.json",
        "app-task-definition.json",
        "app-container.json",
        "tracer.js",
    ]
    .iter()
    .map(|n| PathBuf::from("./ddecs-wizard-out").join(n))
    .collect()
}

const ARN: &str = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:dd-api-key";

/// Walks through the wizard, dumping a frame at each interesting point.
fn tour(theme: Theme, w: u16, h: u16) -> String {
    let mut out = String::new();
    let mut shot = |title: &str, app: &mut App| {
        let _ = writeln!(out, "=== {title}");
        out.push_str(&frame(app, w, h));
    };
    let mut app = wizard(&Given::default(), theme);
    shot("1 launch type: EC2", &mut app);
    press(&mut app, Enter);
    shot("2 agent version: latest", &mut app);
    keys(&mut app, &[Down, Down, Down]);
    shot("2 agent version: another version, an empty field", &mut app);
    type_text(&mut app, "7.15.2");
    shot("2 agent version: typed 7.15.2", &mut app);
    type_text(&mut app, ".x");
    shot("2 agent version: invalid, the preview says so", &mut app);
    press(&mut app, Enter);
    shot("2 agent version: Enter refused", &mut app);
    keys(&mut app, &[Backspace, Backspace, Enter]);
    shot("3 language", &mut app);
    press(&mut app, Down);
    shot("3 language: Node.js, changed lines marked", &mut app);
    press(&mut app, Enter);
    shot("4 tracer: injected, the init container", &mut app);
    press(&mut app, Down);
    shot("4 tracer: in the image, the Dockerfile", &mut app);
    keys(&mut app, &[Up, Enter]);
    shot("4 tracer: base image", &mut app);
    press(&mut app, Enter);
    shot("4 tracer: version", &mut app);
    press(&mut app, Enter);
    shot("5 connection: IMDSv2", &mut app);
    press(&mut app, Down);
    shot("5 connection: the Unix socket", &mut app);
    keys(&mut app, &[Up, Enter]);
    shot("6 startup command: the default, selected", &mut app);
    type_text(&mut app, "node server.js --port 8080 ünï 日本");
    shot("6 startup command: typed over it", &mut app);
    ctrl(&mut app, 'u');
    shot("6 startup command: emptied, invalid", &mut app);
    type_text(&mut app, "node server.js");
    press(&mut app, Enter);
    shot("7 app: the name, selected", &mut app);
    type_text(&mut app, "checkout");
    press(&mut app, Enter);
    type_text(&mut app, "web image");
    shot("7 app: an invalid image", &mut app);
    ctrl(&mut app, 'w');
    press(&mut app, Backspace);
    type_text(&mut app, ":1.4");
    press(&mut app, Enter);
    type_text(&mut app, "checkout");
    press(&mut app, Down);
    type_text(&mut app, "prod eu");
    shot("8 tags: an invalid env", &mut app);
    for _ in 0..3 {
        press(&mut app, Backspace);
    }
    press(&mut app, Enter);
    shot("8 tags: version", &mut app);
    press(&mut app, Enter);
    shot("9 datadog: site", &mut app);
    keys(&mut app, &[Down, Down, Down, Enter]);
    shot("9 datadog: API key placeholder", &mut app);
    press(&mut app, Up);
    shot("9 datadog: secret ARN, empty", &mut app);
    paste(&mut app, &format!("{ARN}\n"));
    shot("9 datadog: secret ARN pasted", &mut app);
    press(&mut app, Enter);
    shot("10 features: profiling", &mut app);
    press(&mut app, Down);
    shot(
        "10 features: profiling on, its variable in the app",
        &mut app,
    );
    for _ in 0..5 {
        press(&mut app, Enter);
    }
    shot("10 features: DBM propagation", &mut app);
    press(&mut app, Enter);
    press(&mut app, Down);
    type_text(&mut app, "2");
    shot("10 features: a sample rate above 1", &mut app);
    press(&mut app, Backspace);
    type_text(&mut app, "0.5");
    press(&mut app, Enter);
    shot("11 review", &mut app);
    for _ in Tab::ALL {
        if app.preview.tab != Tab::AgentTaskDefinition {
            press(&mut app, Right);
        }
    }
    assert_eq!(
        app.preview.tab,
        Tab::AgentTaskDefinition,
        "{:?}",
        app.context()
    );
    for tab in Tab::ALL {
        shot(&format!("tab {}", tab.label()), &mut app);
        press(&mut app, Right);
    }
    press(&mut app, Char('s'));
    shot("save dialog", &mut app);
    update::on_saved(&mut app, Err(WriteError::Exists(saved_paths())));
    shot("save dialog: overwrite?", &mut app);
    press(&mut app, Char('n'));
    update::on_saved(
        &mut app,
        Err(WriteError::Io {
            path: saved_paths()[0].clone(),
            source: io::Error::from_raw_os_error(28),
        }),
    );
    shot("save dialog: disk full", &mut app);
    update::on_saved(&mut app, Ok(saved_paths()));
    shot("saved: status line", &mut app);
    press(&mut app, Char('1'));
    press(&mut app, Down);
    shot("1 launch type: Fargate", &mut app);
    press(&mut app, Char('5'));
    shot("5 startup command: not needed on Fargate", &mut app);
    press(&mut app, Char('q'));
    shot("quit? (answers changed since the save)", &mut app);
    press(&mut app, Char('n'));
    press(&mut app, Esc);
    press(&mut app, Char('?'));
    shot("help", &mut app);
    out
}

#[test]
fn wide_mono() {
    insta::assert_snapshot!(tour(Theme::MONO, 100, 30));
}

#[test]
fn wide_colour() {
    insta::assert_snapshot!(tour(Theme::COLOUR, 100, 30));
}

#[test]
fn narrow_mono() {
    insta::assert_snapshot!(tour(Theme::MONO, 60, 16));
}

#[test]
fn narrow_colour() {
    insta::assert_snapshot!(tour(Theme::COLOUR, 60, 16));
}

#[test]
fn too_small() {
    let mut out = String::new();
    for theme in [Theme::MONO, Theme::COLOUR] {
        for (w, h) in [(59, 16), (60, 15), (30, 8), (1, 1)] {
            let mut app = wizard(&Given::default(), theme);
            let _ = writeln!(out, "=== {w}x{h} colour={}", theme.colour);
            out.push_str(&frame(&mut app, w, h));
        }
    }
    insta::assert_snapshot!(out);
}

/// Every kind of screen at sizes from 1x1 up, including sizes where the
/// layout switches: drawing must never panic.
#[test]
fn no_size_makes_drawing_panic() {
    let widths = [
        1, 2, 3, 5, 10, 20, 40, 59, 60, 61, 80, 99, 100, 101, 140, 250,
    ];
    let heights = [1, 2, 3, 5, 10, 15, 16, 17, 20, 30, 60];
    let mut states: Vec<App> = Vec::new();
    let mut app = wizard(&Given::default(), Theme::COLOUR);
    states.push(app.clone());
    keys(&mut app, &[Down, Down, Down]);
    states.push(app.clone());
    for _ in 0..12 {
        press(&mut app, Enter);
        type_text(&mut app, "ü日");
        states.push(app.clone());
    }
    for key in [Char('s'), Char('?')] {
        let mut with_overlay = app.clone();
        press(&mut with_overlay, key);
        states.push(with_overlay);
    }
    let mut quitting = app.clone();
    press(&mut quitting, Char('q'));
    states.push(quitting);
    for state in &states {
        for w in widths {
            for h in heights {
                let mut app = state.clone();
                resize(&mut app, w, h);
                let mut terminal = Terminal::new(TestBackend::new(w, h)).unwrap();
                terminal
                    .draw(|f| {
                        draw::render(f, &app);
                    })
                    .unwrap();
                press(&mut app, KeyCode::PageDown);
            }
        }
    }
}

/// What the crossterm backend writes, kept for inspection.
#[derive(Clone, Default)]
struct Recorder(std::rc::Rc<std::cell::RefCell<Vec<u8>>>);

impl std::io::Write for Recorder {
    fn write(&mut self, data: &[u8]) -> std::io::Result<usize> {
        self.0.borrow_mut().extend_from_slice(data);
        Ok(data.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// ratatui diffs frames; as long as nothing clears the screen, a typed
/// character sends only the few cells it changed, not a redraw.
#[test]
fn typing_one_character_writes_only_the_changed_cells() {
    use ratatui::backend::CrosstermBackend;
    use ratatui::layout::Rect;
    use ratatui::{TerminalOptions, Viewport};

    let recorder = Recorder::default();
    let mut terminal = Terminal::with_options(
        CrosstermBackend::new(recorder.clone()),
        TerminalOptions {
            viewport: Viewport::Fixed(Rect::new(0, 0, 100, 30)),
        },
    )
    .unwrap();
    let mut app = wizard(&Given::default(), Theme::COLOUR);
    keys(
        &mut app,
        &[
            Enter,
            Enter,
            Enter,
            Enter,
            Enter,
            Enter,
            Enter,
            KeyCode::End,
        ],
    );
    assert!(app.typing(), "at the startup command, the default kept");
    // The agent container does not depend on the startup command.
    while app.preview.tab != Tab::AgentContainer {
        press_with(
            &mut app,
            KeyCode::Left,
            ratatui::crossterm::event::KeyModifiers::SHIFT,
        );
    }
    terminal
        .draw(|f| {
            draw::render(f, &app);
        })
        .unwrap();
    let first = recorder.0.borrow().len();
    assert!(
        first > 2500,
        "the first frame draws everything: {first} bytes"
    );
    for c in ['x', 'y', 'z'] {
        recorder.0.borrow_mut().clear();
        press(&mut app, Char(c));
        terminal
            .draw(|f| {
                draw::render(f, &app);
            })
            .unwrap();
        let sent = recorder.0.borrow().clone();
        let text = String::from_utf8_lossy(&sent);
        assert!(
            sent.len() < 200,
            "{} bytes for one character: {text:?}",
            sent.len()
        );
        assert!(!text.contains("\x1b[2J"), "screen cleared: {text:?}");
        assert_eq!(
            text.matches(c).count(),
            2,
            "the field and the verdict line: {text:?}"
        );
    }
}

/// A locale that is not UTF-8 shows our glyphs (rules, markers, arrows,
/// ellipses) as garbage: with the ASCII theme every cell of every screen
/// is ASCII, at the wide and the narrow layout, with help, dialogs and the
/// size message.
#[test]
fn the_ascii_theme_draws_only_ascii() {
    let non_ascii = |dump: &str| -> Vec<char> {
        let mut found: Vec<char> = dump.chars().filter(|c| !c.is_ascii()).collect();
        found.sort_unstable();
        found.dedup();
        found
    };
    for (w, h) in [(100, 30), (60, 16), (30, 8)] {
        let mut app = wizard(&Given::default(), Theme::ASCII);
        let mut seen = Vec::new();
        for _ in 0..12 {
            seen.extend(non_ascii(&frame(&mut app, w, h)));
            press(&mut app, Enter);
        }
        press(&mut app, Esc);
        press(&mut app, Char('?'));
        seen.extend(non_ascii(&frame(&mut app, w, h)));
        press(&mut app, Esc);
        press(&mut app, Char('q'));
        seen.extend(non_ascii(&frame(&mut app, w, h)));
        seen.sort_unstable();
        seen.dedup();
        assert!(seen.is_empty(), "{w}x{h}: {seen:?}");
    }
}
