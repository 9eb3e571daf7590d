//! In-process timing of the wizard against its budget: first frame < 50 ms,
//! keystroke to frame < 5 ms at p95, and typing one character writes only
//! the cells that changed. Frames go through the real crossterm backend into
//! a writer that counts bytes, so the byte counts are what a terminal gets.
//!
//! Run with `cargo bench --bench tui`. The process-level numbers (idle CPU,
//! RSS, start-up in a real terminal) come from `scripts/bench-tui.sh`.

use std::cell::Cell;
use std::hint::black_box;
use std::io::{self, Write};
use std::rc::Rc;
use std::time::{Duration, Instant};

use ddecs_wizard::core::model::given::Given;
use ddecs_wizard::tui::draw;
use ddecs_wizard::tui::preview::Tab;
use ddecs_wizard::tui::state::App;
use ddecs_wizard::tui::theme::Theme;
use ddecs_wizard::tui::update;
use ddecs_wizard::wizard::Question;
use ratatui::backend::CrosstermBackend;
use ratatui::crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use ratatui::layout::Rect;
use ratatui::{Terminal, TerminalOptions, Viewport};

/// Counts what the backend writes instead of sending it anywhere; the
/// count is shared so it can be read while the backend owns the writer.
#[derive(Default, Clone)]
struct Counter {
    bytes: Rc<Cell<usize>>,
}

impl Write for Counter {
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        self.bytes.set(self.bytes.get() + data.len());
        Ok(data.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

type Term = Terminal<CrosstermBackend<Counter>>;

fn terminal(w: u16, h: u16) -> (Term, Counter) {
    let counter = Counter::default();
    let term = Terminal::with_options(
        CrosstermBackend::new(counter.clone()),
        TerminalOptions {
            viewport: Viewport::Fixed(Rect::new(0, 0, w, h)),
        },
    )
    .expect("fixed viewport needs no terminal");
    (term, counter)
}

fn key(code: KeyCode) -> Event {
    Event::Key(KeyEvent::new(code, KeyModifiers::NONE))
}

/// Handles `event` and draws; the time taken and the bytes written.
fn step(term: &mut (Term, Counter), app: &mut App, event: &Event) -> (Duration, usize) {
    timed_frame(term, app, |app| {
        black_box(update::on_event(app, event));
    })
}

/// Runs `change`, then draws as the event loop does; the time taken and
/// the bytes written.
fn timed_frame(
    term: &mut (Term, Counter),
    app: &mut App,
    change: impl FnOnce(&mut App),
) -> (Duration, usize) {
    let before = term.1.bytes.get();
    let start = Instant::now();
    change(app);
    let mut drawn = app.drawn;
    term.0.draw(|f| drawn = draw::render(f, app)).expect("draw");
    update::on_drawn(app, drawn);
    (start.elapsed(), term.1.bytes.get() - before)
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i]
}

fn report(name: &str, mut times: Vec<Duration>, bytes: &[usize]) {
    times.sort();
    let mut bytes = bytes.to_vec();
    bytes.sort_unstable();
    println!(
        "{name:<44} n={:<5} p50={:>8.3?} p95={:>8.3?} p99={:>8.3?} max={:>8.3?}  bytes/frame p50={} max={}",
        times.len(),
        percentile(&times, 0.50),
        percentile(&times, 0.95),
        percentile(&times, 0.99),
        times[times.len() - 1],
        bytes[bytes.len() / 2],
        bytes[bytes.len() - 1],
    );
}

fn first_frame(w: u16, h: u16) -> (Duration, usize) {
    let start = Instant::now();
    let app = App::from_given(&Given::default(), Theme::COLOUR).expect("defaults");
    let (mut term, counter) = terminal(w, h);
    term.draw(|f| {
        black_box(draw::render(f, &app));
    })
    .expect("draw");
    (start.elapsed(), counter.bytes.get())
}

fn shift(code: KeyCode) -> Event {
    Event::Key(KeyEvent::new(code, KeyModifiers::SHIFT))
}

/// Where a scenario starts: after these events, or in the start command's
/// field with the cursor at its end (reached with Enter, however many steps
/// come before it) and this preview tab on screen, then these events.
enum Setup<'a> {
    Events(&'a [Event]),
    InCommand(Tab, &'a [Event]),
}

/// Enter until the start command's field has the focus, then End.
fn enter_command(term: &mut (Term, Counter), app: &mut App, name: &str) {
    for _ in 0..Question::ALL.len() {
        if app.focus == Some(Question::StartupCommand) {
            break;
        }
        step(term, app, &key(KeyCode::Enter));
    }
    assert_eq!(app.focus, Some(Question::StartupCommand), "{name}");
    step(term, app, &key(KeyCode::End));
}

/// A wizard with the defaults at `w` x `h`, after `setup`.
fn start(name: &str, w: u16, h: u16, setup: Setup) -> ((Term, Counter), App) {
    let mut app = App::from_given(&Given::default(), Theme::COLOUR).expect("defaults");
    let mut term = terminal(w, h);
    step(&mut term, &mut app, &Event::Resize(w, h));
    let events = match setup {
        Setup::Events(events) => events,
        Setup::InCommand(tab, events) => {
            enter_command(&mut term, &mut app, name);
            for _ in Tab::ALL {
                if app.preview.tab == tab {
                    break;
                }
                step(&mut term, &mut app, &shift(KeyCode::Left));
            }
            assert_eq!(app.preview.tab, tab, "{name}");
            events
        }
    };
    for event in events {
        step(&mut term, &mut app, event);
    }
    (term, app)
}

/// Runs `keys` `rounds` times over, after `setup`, timing each.
fn scenario(name: &str, w: u16, h: u16, setup: Setup, keys: &[Event], rounds: usize) {
    let (mut term, mut app) = start(name, w, h, setup);
    let mut times = Vec::new();
    let mut bytes = Vec::new();
    for _ in 0..rounds {
        for event in keys {
            let (t, b) = step(&mut term, &mut app, event);
            times.push(t);
            bytes.push(b);
        }
    }
    report(name, times, &bytes);
}

/// In the start command after `setup`: each key, then the frame the event
/// loop draws once no key is waiting and the answers take the field.
fn settling(name: &str, setup: &[Event], keys: &[Event]) {
    let (mut term, mut app) = start(name, 100, 30, Setup::InCommand(Tab::Script, setup));
    let mut times = Vec::new();
    let mut bytes = Vec::new();
    for event in keys {
        step(&mut term, &mut app, event);
        let (t, b) = timed_frame(&mut term, &mut app, |app| {
            assert!(update::settle(app), "{name}: nothing to take");
        });
        times.push(t);
        bytes.push(b);
    }
    report(name, times, &bytes);
}

fn main() {
    let (cold, cold_bytes) = first_frame(100, 30);
    println!("first frame, cold (first in process), 100x30: {cold:.3?}, {cold_bytes} bytes");
    let warm: Vec<Duration> = (0..50).map(|_| first_frame(100, 30).0).collect();
    report("first frame, warm, 100x30", warm, &[cold_bytes]);
    let big: Vec<Duration> = (0..20).map(|_| first_frame(250, 80).0).collect();
    report("first frame, warm, 250x80", big, &[first_frame(250, 80).1]);

    let typing: Vec<Event> = "abcdefghijklmnopqrstuvwxyz0123456789"
        .chars()
        .map(|c| key(KeyCode::Char(c)))
        .collect();
    scenario(
        "type a char in the command, Script tab",
        100,
        30,
        Setup::InCommand(Tab::Script, &[]),
        &typing,
        30,
    );
    scenario(
        "type a char in the command, App tab",
        100,
        30,
        Setup::InCommand(Tab::AppContainer, &[]),
        &typing,
        30,
    );
    scenario(
        "type a char in the command, Agent tab",
        100,
        30,
        Setup::InCommand(Tab::AgentContainer, &[]),
        &typing,
        30,
    );
    scenario(
        "type a char in the command, Script, 250x80",
        250,
        80,
        Setup::InCommand(Tab::Script, &[]),
        &typing,
        30,
    );
    // A 1 MiB start command (one long line, pasted): each key must cost
    // what it costs in a short one.
    let huge = [Event::Paste(format!("exec app {}", "x".repeat(1 << 20)))];
    let short_typing = &typing[..8];
    scenario(
        "type a char in a 1 MiB command, Script tab",
        100,
        30,
        Setup::InCommand(Tab::Script, &huge),
        short_typing,
        3,
    );
    settling(
        "1 MiB command: taken after the keys (settle)",
        &huge,
        &typing[..8],
    );
    let arrows: Vec<Event> = [KeyCode::Down; 6]
        .into_iter()
        .chain([KeyCode::Up; 6])
        .map(key)
        .collect();
    scenario(
        "↑/↓ through languages (re-render all)",
        100,
        30,
        Setup::Events(&[key(KeyCode::Enter), key(KeyCode::Enter)]),
        &arrows,
        50,
    );
    let tabs: Vec<Event> = [KeyCode::Right; 8].into_iter().map(key).collect();
    scenario(
        "→ through preview tabs",
        100,
        30,
        Setup::Events(&[]),
        &tabs,
        100,
    );
    let pages: Vec<Event> = [KeyCode::PageDown, KeyCode::PageDown, KeyCode::Home]
        .into_iter()
        .map(key)
        .collect();
    scenario(
        "PgDn, PgDn, Home in the preview",
        100,
        30,
        Setup::Events(&[]),
        &pages,
        100,
    );
}
