//! The few kinds of prompt `--plain` uses, on stderr, so that the questions
//! never mix with the artifacts on stdout and every prompt reacts to Ctrl-C
//! and terminal errors the same way.
//!
//! Two ways to ask, picked from the terminal's capabilities: dialoguer's
//! arrow-key lists and line editing where the terminal can move its cursor,
//! and on a dumb terminal (`TERM=dumb`) numbered choices and answers read a
//! line at a time, with not one escape byte written.

use std::fmt::Display;
use std::io::{self, BufRead, Write};

use anyhow::{anyhow, bail, Result};
use dialoguer::console::Term;
use dialoguer::theme::{ColorfulTheme, SimpleTheme, Theme};
use dialoguer::{Confirm, Input, Select};

use super::interrupt;
use crate::output::safe::printable;
use crate::terminal::Capabilities;

/// The widest list item that fits an 80-column terminal after dialoguer's
/// two-column marker, with room to spare.
#[cfg(test)]
pub const MAX_ITEM_WIDTH: usize = 76;

enum Mode {
    /// dialoguer, with colour and symbols or without.
    Keys(Box<dyn Theme>),
    /// Numbered choices and plain lines: nothing but text.
    Lines,
}

pub struct Prompter {
    mode: Mode,
    term: Term,
    /// Colour for highlights between prompts.
    colour: bool,
}

impl Prompter {
    pub fn new(caps: &Capabilities) -> Self {
        // console (under dialoguer) has its own reading of NO_COLOR, which
        // counts an empty one; the capabilities decide instead.
        dialoguer::console::set_colors_enabled_stderr(caps.fancy());
        dialoguer::console::set_colors_enabled(caps.fancy());
        let mode = if caps.dumb {
            Mode::Lines
        } else if caps.fancy() {
            Mode::Keys(Box::new(ColorfulTheme::default()))
        } else {
            Mode::Keys(Box::new(SimpleTheme))
        };
        Prompter {
            mode,
            term: Term::stderr(),
            colour: caps.fancy() && !caps.dumb,
        }
    }

    /// Whether prompts are read a line at a time (a dumb terminal).
    pub fn by_lines(&self) -> bool {
        matches!(self.mode, Mode::Lines)
    }

    /// One choice out of `items`; the answer stays on screen, which is also
    /// what a screen reader reads back.
    pub fn select<S: Display>(&self, prompt: &str, items: &[S], default: usize) -> Result<usize> {
        match &self.mode {
            Mode::Keys(theme) => answered(
                Select::with_theme(theme.as_ref())
                    .with_prompt(prompt)
                    .items(items)
                    .default(default)
                    .report(true)
                    .interact_on(&self.term),
            ),
            Mode::Lines => {
                let mut text = format!("{prompt}\n");
                for (i, item) in items.iter().enumerate() {
                    text.push_str(&format!("  {}) {item}\n", i + 1));
                }
                self.write(&text)?;
                loop {
                    let line =
                        self.read_line(&format!("choose 1-{} [{}]: ", items.len(), default + 1))?;
                    let line = line.trim();
                    if line.is_empty() {
                        return Ok(default);
                    }
                    match line.parse::<usize>() {
                        Ok(n) if (1..=items.len()).contains(&n) => return Ok(n - 1),
                        _ => self.say(&format!("type a number from 1 to {}", items.len()))?,
                    }
                }
            }
        }
    }

    /// A typed answer, asked again until `check` accepts it. Enter alone
    /// takes `default` when there is one, else offers the empty text to
    /// `check`, so optional questions decide themselves what empty means.
    pub fn input(
        &self,
        prompt: &str,
        default: Option<&str>,
        check: impl Fn(&str) -> Result<(), String>,
    ) -> Result<String> {
        match &self.mode {
            Mode::Keys(theme) => {
                let mut input = Input::<String>::with_theme(theme.as_ref())
                    .with_prompt(prompt)
                    .validate_with(move |value: &String| check(value));
                input = match default {
                    Some(default) => input.default(default.to_owned()),
                    None => input.allow_empty(true),
                };
                answered(input.interact_text_on(&self.term))
            }
            Mode::Lines => loop {
                let shown = match default {
                    Some(default) => format!("{prompt} [{default}]: "),
                    None => format!("{prompt}: "),
                };
                let line = self.read_line(&shown)?;
                let line = line.trim_end_matches(['\r', '\n']);
                let value = match default {
                    Some(default) if line.is_empty() => default,
                    _ => line,
                };
                match check(value) {
                    Ok(()) => return Ok(value.to_owned()),
                    Err(why) => self.say(&format!("error: {why}"))?,
                }
            },
        }
    }

    pub fn confirm(&self, prompt: &str, default: bool) -> Result<bool> {
        match &self.mode {
            Mode::Keys(theme) => answered(
                Confirm::with_theme(theme.as_ref())
                    // The question may name paths the user typed.
                    .with_prompt(printable(prompt))
                    .default(default)
                    .interact_on(&self.term),
            ),
            Mode::Lines => loop {
                let hint = if default { "Y/n" } else { "y/N" };
                let line = self.read_line(&format!("{} [{hint}]: ", printable(prompt)))?;
                match line.trim().to_ascii_lowercase().as_str() {
                    "" => return Ok(default),
                    "y" | "yes" => return Ok(true),
                    "n" | "no" => return Ok(false),
                    _ => self.say("type y or n")?,
                }
            },
        }
    }

    /// A line of information between prompts. It echoes answers given as
    /// flags, paths and errors, so it is made printable here, once for all.
    pub fn say(&self, line: &str) -> Result<()> {
        self.write(&format!("{}\n", printable(line)))
    }

    /// A line that needs the user's attention (a placeholder left):
    /// coloured where colour is allowed; the text itself must say it too.
    pub fn warn(&self, line: &str) -> Result<()> {
        if self.colour {
            let styled = dialoguer::console::style(line).yellow().bold();
            self.say(&styled.to_string())
        } else {
            self.say(line)
        }
    }

    fn write(&self, text: &str) -> Result<()> {
        match &self.mode {
            Mode::Keys(_) => answered(self.term.write_str(text).map_err(Into::into)),
            Mode::Lines => {
                let mut err = io::stderr().lock();
                err.write_all(text.as_bytes())?;
                Ok(err.flush()?)
            }
        }
    }

    /// Shows `prompt` and reads one line from stdin, as the terminal's own
    /// line editing delivers it.
    fn read_line(&self, prompt: &str) -> Result<String> {
        self.write(prompt)?;
        let mut line = String::new();
        if io::stdin().lock().read_line(&mut line)? == 0 {
            bail!("stdin was closed before the question was answered: {prompt}");
        }
        Ok(line)
    }
}

/// Ctrl-C ends the program; any other terminal failure ends the wizard with
/// a message (exit 1).
fn answered<T>(result: dialoguer::Result<T>) -> Result<T> {
    result.map_err(|e| {
        let e = io::Error::from(e);
        if e.kind() == io::ErrorKind::Interrupted {
            interrupt::exit()
        }
        anyhow!("cannot use the terminal: {e}")
    })
}
