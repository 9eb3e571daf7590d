//! `ddecs-wizard --plain`: the wizard's questions as line-by-line prompts,
//! for screen readers, `TERM=dumb` and serial consoles, where a full-screen
//! UI is unusable. Prompts go to stderr and artifacts to stdout.
//!
//! This layer only asks: the questions, their order and their checks come
//! from the `wizard` model the full-screen UI renders too, and the core and
//! `generate` do the rest.

mod actions;
mod interrupt;
mod prompt;
pub mod questions;

use std::io::{self, IsTerminal};

use anyhow::Result;

use crate::core::model::given::{generate_command, Given};
use crate::core::shell;
use crate::output::safe::printable;
use crate::terminal::Capabilities;
use crate::usage::UsageError;
use crate::wizard::Answers;
use prompt::Prompter;

/// Runs the wizard with the flags' answers (`given`) filled in.
pub fn run(given: &Given, caps: &Capabilities) -> Result<()> {
    // A bad flag is a usage error before anything is asked.
    let mut answers = Answers::from_given(given)?;
    require_terminal(
        io::stdin().is_terminal(),
        io::stdout().is_terminal(),
        io::stderr().is_terminal(),
    )?;
    interrupt::install()?;
    let ui = Prompter::new(caps);
    questions::ask(&ui, &mut answers)?;
    questions::review(&ui, &answers)?;
    let config = answers.config();
    ui.say(&format!(
        "the same without questions: {}",
        printable(&shell::join(&generate_command(config)))
    ))?;
    actions::offer(&ui, config)
}

/// Prompts need a terminal to read keys from and to draw on, and the
/// artifacts are meant for one too; without, fail at once (never hang, never
/// draw escape codes into a pipe) and point to the command that needs none.
fn require_terminal(stdin: bool, stdout: bool, stderr: bool) -> Result<(), UsageError> {
    let missing: Vec<&str> = [("stdin", stdin), ("stdout", stdout), ("stderr", stderr)]
        .into_iter()
        .filter(|(_, is_terminal)| !is_terminal)
        .map(|(name, _)| name)
        .collect();
    if missing.is_empty() {
        return Ok(());
    }
    let verb = if missing.len() == 1 { "is" } else { "are" };
    Err(UsageError(format!(
        "--plain asks questions on a terminal, but {} {verb} not one; \
         run `ddecs-wizard generate` with the same options instead (see `ddecs-wizard generate --help`)",
        missing.join(" and ")
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_terminal_names_what_is_missing_and_generate() {
        assert!(require_terminal(true, true, true).is_ok());
        let err = require_terminal(false, true, true).unwrap_err().to_string();
        assert!(err.contains("but stdin is not one;"), "{err}");
        assert!(err.contains("`ddecs-wizard generate`"), "{err}");
        let err = require_terminal(true, false, false)
            .unwrap_err()
            .to_string();
        assert!(err.contains("but stdout and stderr are not one;"), "{err}");
    }
}
