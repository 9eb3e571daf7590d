//! However `--plain` is stopped, the terminal is given back as the shell
//! left it. At a prompt, console has switched off ICANON, ECHO and ISIG
//! (and dialoguer hides the cursor while a choice is on screen); a process
//! that dies like that leaves a shell that neither echoes nor edits lines.
//!
//! Ctrl-C ends the run with status 130 (what shells report for a SIGINT).
//! It reaches us two ways. At a prompt the terminal is in raw mode, so
//! Ctrl-C arrives as a byte: console then fails the read with `Interrupted`
//! and raises SIGINT itself. Between prompts the terminal sends SIGINT. The
//! prompt wrapper handles the first and a signal-hook thread the second;
//! both end in [`exit`], which only the first caller gets to run.
//!
//! SIGTERM, SIGHUP and SIGQUIT end the run as the signal would, so the
//! parent sees which one, after the same restore.

use std::io::{self, Write};
use std::process;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock};
use std::thread;

use dialoguer::console::Term;
use rustix::termios::{self, OptionalActions, Termios};
use signal_hook::consts::{SIGHUP, SIGINT, SIGQUIT, SIGTERM};
use signal_hook::iterator::Signals;

use crate::output::held;

/// Exit status for "ended by SIGINT" (128 + 2).
const INTERRUPTED: i32 = 130;

static EXITING: AtomicBool = AtomicBool::new(false);

/// The terminal modes before the first prompt.
static SHELL_MODES: OnceLock<Termios> = OnceLock::new();

/// The stopping signal received, if any: set inside the signal handler,
/// before the prompt's interrupted read returns.
static STOP_SIGNAL: OnceLock<Arc<AtomicUsize>> = OnceLock::new();

const STOPPING: [i32; 3] = [SIGTERM, SIGHUP, SIGQUIT];

/// Notes the terminal modes, and routes SIGINT to [`exit`] and the other
/// stopping signals to [`stop`], for the rest of the process's life.
pub fn install() -> io::Result<()> {
    if let Ok(modes) = termios::tcgetattr(io::stdin()) {
        let _ = SHELL_MODES.set(modes);
    }
    let stop_signal = Arc::new(AtomicUsize::new(0));
    for signal in STOPPING {
        signal_hook::flag::register_usize(signal, Arc::clone(&stop_signal), signal as usize)?;
    }
    let _ = STOP_SIGNAL.set(stop_signal);
    let mut signals = Signals::new([SIGINT, SIGTERM, SIGHUP, SIGQUIT])?;
    thread::spawn(move || match signals.forever().next() {
        Some(SIGINT) => exit(),
        Some(signal) => stop(signal),
        None => {}
    });
    Ok(())
}

/// Puts back the modes and the cursor. Failures are ignored: after a
/// hang-up there is no terminal left to restore.
fn restore_terminal() {
    if let Some(modes) = SHELL_MODES.get() {
        let _ = termios::tcsetattr(io::stdin(), OptionalActions::Now, modes);
    }
    let _ = Term::stderr().show_cursor();
}

/// Only the first caller ends the process; a second one (the signal thread
/// and the prompt, for one Ctrl-C) waits for it.
fn first_to_exit() {
    if EXITING.swap(true, Ordering::SeqCst) {
        loop {
            thread::park();
        }
    }
    // A save under way ends whole before the process does.
    held::finish_writes();
}

/// Restores the terminal, ends the line dialoguer left open and exits
/// with 130; or, when a stopping signal came, ends as that signal does.
pub fn exit() -> ! {
    // A stopping signal interrupts the prompt's read too, which then looks
    // like Ctrl-C: the signal decides how the process ends.
    let stop_signal = STOP_SIGNAL.get().map_or(0, |s| s.load(Ordering::SeqCst));
    if let Ok(signal @ 1..) = i32::try_from(stop_signal) {
        stop(signal);
    }
    first_to_exit();
    restore_terminal();
    let _ = writeln!(io::stderr(), "\nddecs-wizard: interrupted");
    process::exit(INTERRUPTED)
}

/// Restores the terminal, then dies of `signal` as its default action does.
fn stop(signal: i32) -> ! {
    first_to_exit();
    restore_terminal();
    let _ = signal_hook::low_level::emulate_default_handler(signal);
    // Only reached if the default action does not end the process.
    process::exit(128 + signal)
}
