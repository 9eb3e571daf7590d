//! The gate every write to AWS passes: the plan has been shown; `--dry-run`
//! stops here, `--yes` goes ahead, a terminal is asked, and without one
//! nothing is written (exit 2), so a script never writes by accident.

use std::io::{self, BufRead, IsTerminal, Write};

use thiserror::Error;

use ddecs_wizard::cli::{UsageError, WriteArgs};

/// What to do after the plan.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    Proceed,
    /// `--dry-run`: stop, successfully.
    Stop,
}

/// The user answered no: nothing was written (exit 1, so that `&&` stops).
#[derive(Debug, Error)]
#[error("cancelled: nothing was registered or changed")]
pub struct Cancelled;

/// Decides whether to carry out `action` (a short phrase such as "register
/// web:4 and update 1 service").
pub fn decide(write: &WriteArgs, action: &str, err: &mut dyn Write) -> anyhow::Result<Decision> {
    if write.dry_run {
        writeln!(
            err,
            "ddecs-wizard: dry run: nothing was registered or changed"
        )?;
        return Ok(Decision::Stop);
    }
    if write.yes {
        return Ok(Decision::Proceed);
    }
    if !(io::stdin().is_terminal() && io::stderr().is_terminal()) {
        return Err(UsageError(format!(
            "no terminal to confirm on: pass --yes to {action}, or --dry-run to only see the plan"
        ))
        .into());
    }
    if ask(action, &mut io::stdin().lock(), err)? {
        Ok(Decision::Proceed)
    } else {
        Err(Cancelled.into())
    }
}

/// Asks on `err`, reads the answer from `input`; only y or yes agrees.
pub fn ask(action: &str, input: &mut dyn BufRead, err: &mut dyn Write) -> io::Result<bool> {
    write!(err, "{}? [y/N] ", capitalized(action))?;
    err.flush()?;
    let mut answer = String::new();
    input.read_line(&mut answer)?;
    Ok(matches!(
        answer.trim().to_ascii_lowercase().as_str(),
        "y" | "yes"
    ))
}

fn capitalized(text: &str) -> String {
    let mut chars = text.chars();
    chars
        .next()
        .map(|first| first.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answer(text: &str) -> (bool, String) {
        let mut err = Vec::new();
        let agreed = ask("register web:4", &mut text.as_bytes(), &mut err).unwrap();
        (agreed, String::from_utf8(err).unwrap())
    }

    #[test]
    fn only_yes_agrees() {
        assert_eq!(answer("y\n"), (true, "Register web:4? [y/N] ".to_owned()));
        assert!(answer(" YES \n").0);
        assert!(!answer("\n").0);
        assert!(!answer("no\n").0);
        assert!(!answer("").0, "end of input is no");
    }

    #[test]
    fn dry_run_stops_before_asking() {
        let write = WriteArgs {
            dry_run: true,
            yes: false,
        };
        let mut err = Vec::new();
        assert_eq!(decide(&write, "x", &mut err).unwrap(), Decision::Stop);
        assert!(String::from_utf8(err).unwrap().contains("dry run"));
    }
}
