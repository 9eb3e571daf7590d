//! Helpers shared by the TUI tests: driving the wizard with key events and
//! rendering it on ratatui's `TestBackend` into a readable text dump (the
//! screen, the cursor, then every styled run), for insta snapshots.
//!
//! Like the event loop, every event is followed by a frame, whose layout
//! the next key then uses.

#![allow(dead_code)]

use std::fmt::Write as _;

use ddecs_wizard::core::model::given::Given;
use ddecs_wizard::tui::draw;
use ddecs_wizard::tui::state::App;
use ddecs_wizard::tui::theme::Theme;
use ddecs_wizard::tui::update::{self, Effect};
use ratatui::backend::TestBackend;
use ratatui::buffer::Cell;
use ratatui::crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use ratatui::style::{Color, Modifier};
use ratatui::Terminal;
use unicode_width::UnicodeWidthStr;

pub fn wizard(given: &Given, theme: Theme) -> App {
    let mut app = App::from_given(given, theme).expect("valid flags");
    draw_frame(&mut app, 100, 30);
    app
}

/// Handles `event`, then draws a frame at the size last drawn.
pub fn event(app: &mut App, event: &Event) -> Option<Effect> {
    let effect = update::on_event(app, event);
    let screen = app.drawn.screen;
    draw_frame(app, screen.width, screen.height);
    effect
}

/// Draws a frame at `w` x `h` and records its layout as the loop does.
pub fn draw_frame(app: &mut App, w: u16, h: u16) -> TestBackend {
    let mut terminal = Terminal::new(TestBackend::new(w, h)).expect("test backend");
    let mut drawn = app.drawn;
    terminal
        .draw(|f| drawn = draw::render(f, app))
        .expect("test backend draws");
    update::on_drawn(app, drawn);
    terminal.backend().clone()
}

pub fn press_with(app: &mut App, code: KeyCode, mods: KeyModifiers) -> Option<Effect> {
    event(app, &Event::Key(KeyEvent::new(code, mods)))
}

pub fn press(app: &mut App, code: KeyCode) -> Option<Effect> {
    press_with(app, code, KeyModifiers::NONE)
}

pub fn ctrl(app: &mut App, c: char) -> Option<Effect> {
    press_with(app, KeyCode::Char(c), KeyModifiers::CONTROL)
}

/// Presses each key in turn; the effect of the last one.
pub fn keys(app: &mut App, codes: &[KeyCode]) -> Option<Effect> {
    codes.iter().fold(None, |_, code| press(app, *code))
}

pub fn type_text(app: &mut App, text: &str) {
    for c in text.chars() {
        press(app, KeyCode::Char(c));
    }
}

pub fn paste(app: &mut App, text: &str) -> Option<Effect> {
    event(app, &Event::Paste(text.to_owned()))
}

pub fn resize(app: &mut App, w: u16, h: u16) {
    update::on_event(app, &Event::Resize(w, h));
    draw_frame(app, w, h);
}

/// Draws `app` at `w` x `h` as the event loop would and dumps the result.
pub fn frame(app: &mut App, w: u16, h: u16) -> String {
    // The first frame at a new size records its layout; the second shows
    // the state that layout leads to (scroll kept in range).
    draw_frame(app, w, h);
    dump(&draw_frame(app, w, h))
}

/// The screen as text, then the cursor, then the styled runs per row.
pub fn dump(backend: &TestBackend) -> String {
    let buffer = backend.buffer();
    let area = buffer.area;
    let mut out = String::new();
    let mut styles = String::new();
    for y in 0..area.height {
        let mut line = String::new();
        let mut skip = 0;
        let mut runs: Vec<(u16, u16, String)> = Vec::new();
        for x in 0..area.width {
            let cell = &buffer[(x, y)];
            let style = style_name(cell);
            match runs.last_mut() {
                Some(run) if run.2 == style && run.1 + 1 == x => run.1 = x,
                _ => runs.push((x, x, style)),
            }
            if skip > 0 {
                skip -= 1;
                continue;
            }
            line.push_str(cell.symbol());
            skip = cell.symbol().width().saturating_sub(1);
        }
        let _ = writeln!(out, "{:>2}|{}", y, line.trim_end());
        let runs: Vec<String> = runs
            .into_iter()
            .filter(|r| !r.2.is_empty())
            .map(|(a, b, s)| format!("{a}-{b} {s}"))
            .collect();
        if !runs.is_empty() {
            let _ = writeln!(styles, "{:>2}: {}", y, runs.join(", "));
        }
    }
    let position = backend.cursor_position();
    if backend.cursor_visible() {
        let _ = writeln!(out, "cursor at {},{}", position.x, position.y);
    } else {
        let _ = writeln!(out, "cursor hidden");
    }
    if !styles.is_empty() {
        let _ = write!(out, "styles:\n{styles}");
    }
    out
}

fn colour_name(c: Color) -> Option<String> {
    (c != Color::Reset).then(|| format!("{c:?}"))
}

fn style_name(cell: &Cell) -> String {
    let mut parts = Vec::new();
    if let Some(fg) = colour_name(cell.fg) {
        parts.push(fg);
    }
    if let Some(bg) = colour_name(cell.bg) {
        parts.push(format!("on {bg}"));
    }
    let m = cell.modifier;
    for (flag, name) in [
        (Modifier::BOLD, "bold"),
        (Modifier::DIM, "dim"),
        (Modifier::ITALIC, "italic"),
        (Modifier::UNDERLINED, "underlined"),
        (Modifier::REVERSED, "reversed"),
        (Modifier::CROSSED_OUT, "crossed"),
    ] {
        if m.contains(flag) {
            parts.push(name.to_owned());
        }
    }
    parts.join(" ")
}

/// Performs a save effect as the event loop does.
pub fn perform_save(app: &mut App, dir: &std::path::Path, force: bool) {
    let result = ddecs_wizard::output::artifacts::save(app.config(), dir, force);
    update::on_saved(app, result);
}
