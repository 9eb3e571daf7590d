//! Ctrl-C at any point of `--plain` ends the run with status 130 (what
//! shells report for a SIGINT) and the cursor visible again: dialoguer hides
//! it while a choice is on screen and would leave it hidden.
//!
//! Ctrl-C reaches us two ways. At a prompt the terminal is in raw mode, so
//! Ctrl-C arrives as a byte: console then fails the read with `Interrupted`
//! and raises SIGINT itself. Between prompts the terminal sends SIGINT. The
//! prompt wrapper handles the first and a signal-hook thread the second;
//! both end in [`exit`], which only the first caller gets to run.

use std::io::{self, Write};
use std::process;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread;

use dialoguer::console::Term;

/// Exit status for "ended by SIGINT" (128 + 2).
const INTERRUPTED: i32 = 130;

static EXITING: AtomicBool = AtomicBool::new(false);

/// Routes SIGINT to [`exit`] for the rest of the process's life.
pub fn install() -> io::Result<()> {
    #[cfg(unix)]
    {
        use signal_hook::consts::SIGINT;
        use signal_hook::iterator::Signals;

        let mut signals = Signals::new([SIGINT])?;
        thread::spawn(move || {
            if signals.forever().next().is_some() {
                exit();
            }
        });
    }
    Ok(())
}

/// Shows the cursor, ends the line dialoguer left open and exits with 130.
pub fn exit() -> ! {
    // The signal thread and the prompt both get here for one Ctrl-C; a
    // second caller waits for the first to end the process.
    if EXITING.swap(true, Ordering::SeqCst) {
        loop {
            thread::park();
        }
    }
    let _ = Term::stderr().show_cursor();
    let _ = writeln!(io::stderr(), "\nddecs-wizard: interrupted");
    process::exit(INTERRUPTED)
}
