//! The full-screen wizard: the questions of the Datadog ECS tracing guide
//! beside a live preview of exactly what `generate` would print.
//!
//! Split the Elm way so most of it is testable without a terminal: `state`
//! holds everything, `keys` maps key presses to actions, `update` applies
//! them (pure, side effects returned as values), `draw` renders the state
//! and returns what it laid out, which the loop records for the next key.
//! The questions come from the front-end-neutral `wizard` module. This
//! module only owns the terminal session and the event loop.

pub mod draw;
pub mod highlight;
pub mod keys;
pub mod preview;
pub mod session;
pub mod state;
pub mod strings;
pub mod text_input;
pub mod theme;
pub mod update;

use std::io::{self, IsTerminal, Write};
use std::time::{Duration, Instant};

use anyhow::{anyhow, Context as _};
use ratatui::crossterm::event;

use crate::core::generate::next_steps;
use crate::core::model::given::Given;
use crate::output::safe::printable;
use crate::output::{artifacts, clipboard};
use crate::terminal::Capabilities;
use crate::usage::UsageError;
use session::Session;
use state::{App, Drawn, Saved};
use theme::Theme;
use update::Effect;

/// How long a status message stays up when no key is pressed.
const STATUS_SHOWN_FOR: Duration = Duration::from_secs(4);

/// What the session produced, reported once the terminal is restored.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Outcome {
    /// Every file written, in order.
    pub saved: Vec<std::path::PathBuf>,
    /// The last save, whose next steps end the report.
    pub last_save: Option<Saved>,
}

impl Outcome {
    /// The same lines `generate --out-dir` prints, then the next steps for
    /// what was saved last.
    pub fn report(&self, out: &mut dyn Write) -> io::Result<()> {
        for path in &self.saved {
            writeln!(out, "wrote {}", printable(&path.display().to_string()))?;
        }
        if let Some(save) = &self.last_save {
            writeln!(
                out,
                "\n{} (run them in {}):\n",
                strings::NEXT_STEPS,
                printable(&save.dir)
            )?;
            for line in next_steps::render(&save.config).lines() {
                writeln!(out, "{}", printable(line))?;
            }
        }
        out.flush()
    }
}

/// Runs the wizard. Without a terminal on stdin and stdout, or on one that
/// cannot move its cursor, it refuses at once (a usage error, exit 2)
/// without writing a single escape code, and names what to use instead.
pub fn run(given: &Given, caps: &Capabilities) -> anyhow::Result<Outcome> {
    if !(io::stdin().is_terminal() && io::stdout().is_terminal()) {
        return Err(UsageError(strings::NEEDS_TERMINAL.to_owned()).into());
    }
    if caps.dumb {
        return Err(UsageError(strings::NEEDS_CURSOR.to_owned()).into());
    }
    let mut app = App::from_given(given, Theme::for_terminal(caps))?;
    let mut session = Session::start().context("cannot set up the terminal")?;
    let result = event_loop(&mut session, &mut app);
    let signal = session.caught_signal();
    drop(session);
    let outcome = Outcome {
        saved: app.saved,
        last_save: app.last_save,
    };
    if let Some(signal) = signal {
        // Die of the signal as the default handler would, so the parent
        // shell sees it, but only after the terminal is back and the paths
        // of any saved files are printed.
        let _ = outcome.report(&mut io::stdout());
        signal_hook::low_level::emulate_default_handler(signal)?;
        return Err(anyhow!("stopped by signal {signal}"));
    }
    if result.context("terminal input/output failed")? == Ending::Interrupted {
        // As --plain and any program stopped by Ctrl-C: status 130, after
        // the paths of any saved files.
        let _ = outcome.report(&mut io::stdout());
        let _ = writeln!(io::stderr(), "ddecs-wizard: interrupted");
        std::process::exit(INTERRUPTED);
    }
    Ok(outcome)
}

/// Exit status for "ended by Ctrl-C" (128 + SIGINT), as shells report it.
const INTERRUPTED: i32 = 130;

/// How the event loop ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Ending {
    /// Quit, or stopped by a signal (the session says which).
    Quit,
    /// Ctrl-C.
    Interrupted,
}

fn event_loop(session: &mut Session, app: &mut App) -> io::Result<Ending> {
    // The status message being timed, by serial, and when it goes.
    let mut timing: Option<(u64, Instant)> = None;
    loop {
        if app.quit || session.caught_signal().is_some() {
            return Ok(Ending::Quit);
        }
        // Every event may change the screen; ratatui's diff then writes
        // only the cells that did change.
        let mut drawn = Drawn::default();
        session
            .terminal
            .draw(|frame| drawn = draw::render(frame, app))?;
        if update::on_drawn(app, drawn) {
            // The layout moved the preview (a first frame placing its
            // scroll): show that before waiting for a key.
            continue;
        }
        // A long field typed into: the frame above showed the keys; once
        // none is waiting, the answers take the text and the preview
        // follows, in the frame after.
        if app.untaken.is_some() && !event::poll(Duration::ZERO)? {
            update::settle(app);
            continue;
        }
        let serial = app.status.as_ref().map(|s| s.serial);
        if serial != timing.map(|(s, _)| s) {
            timing = serial.map(|s| (s, Instant::now() + STATUS_SHOWN_FOR));
        }
        // Block on input; wake on a timeout only while a status is shown.
        let event = match timing {
            Some((_, until)) => {
                if event::poll(until.saturating_duration_since(Instant::now()))? {
                    event::read()?
                } else {
                    app.status = None;
                    continue;
                }
            }
            None => event::read()?,
        };
        match update::on_event(app, &event) {
            Some(Effect::Interrupted) => return Ok(Ending::Interrupted),
            Some(effect) => perform(session, app, effect)?,
            None => {}
        }
    }
}

fn perform(session: &mut Session, app: &mut App, effect: Effect) -> io::Result<()> {
    match effect {
        Effect::Save { dir, force } => {
            let result = artifacts::save(app.config(), &dir, force);
            update::on_saved(app, result);
        }
        Effect::Copy(text) => {
            let result = clipboard::copy(&text, session.terminal.backend_mut());
            update::on_copied(app, result);
        }
        Effect::ClearScreen => session.terminal.clear()?,
        Effect::Interrupted => app.quit = true,
    }
    Ok(())
}
