//! The few kinds of prompt `--plain` uses, drawn on stderr with one theme,
//! so that the questions never mix with the artifacts on stdout and every
//! prompt reacts to Ctrl-C and terminal errors the same way.

use std::ffi::OsStr;
use std::fmt::Display;
use std::io;
use std::str::FromStr;

use anyhow::{anyhow, Result};
use dialoguer::console::Term;
use dialoguer::theme::{ColorfulTheme, SimpleTheme, Theme};
use dialoguer::{Confirm, Input, Select};

use super::interrupt;
use crate::output::safe::printable;

/// The widest list item that fits an 80-column terminal after dialoguer's
/// two-column marker, with room to spare.
#[cfg(test)]
pub const MAX_ITEM_WIDTH: usize = 76;

pub struct Prompter {
    theme: Box<dyn Theme>,
    term: Term,
}

impl Prompter {
    /// Colour and symbols only where the terminal and the user want them.
    pub fn new() -> Self {
        let var = std::env::var_os;
        // POSIX precedence: the first of these that is set names the
        // character set.
        let locale = ["LC_ALL", "LC_CTYPE", "LANG"]
            .into_iter()
            .filter_map(var)
            .find(|v| !v.is_empty());
        let plain = wants_plain_style(
            var("NO_COLOR").as_deref(),
            var("TERM").as_deref(),
            locale.as_deref(),
        );
        let theme: Box<dyn Theme> = if plain {
            Box::new(SimpleTheme)
        } else {
            Box::new(ColorfulTheme::default())
        };
        Prompter {
            theme,
            term: Term::stderr(),
        }
    }

    /// One choice out of `items`; the answer stays on screen as
    /// `prompt: item`, which is also what a screen reader reads back.
    pub fn select<S: Display>(&self, prompt: &str, items: &[S], default: usize) -> Result<usize> {
        answered(
            Select::with_theme(self.theme.as_ref())
                .with_prompt(prompt)
                .items(items)
                .default(default)
                .report(true)
                .interact_on(&self.term),
        )
    }

    /// A typed answer, asked again until `check` accepts it. Without a
    /// default, an empty answer is offered to `check` as the parsed empty
    /// text, so optional questions decide themselves what empty means.
    pub fn input<T>(
        &self,
        prompt: &str,
        default: Option<T>,
        check: impl Fn(&T) -> Result<(), String>,
    ) -> Result<T>
    where
        T: Clone + ToString + FromStr,
        T::Err: ToString,
    {
        let mut input = Input::with_theme(self.theme.as_ref())
            .with_prompt(prompt)
            .validate_with(move |value: &T| check(value));
        input = match default {
            Some(default) => input.default(default),
            None => input.allow_empty(true),
        };
        answered(input.interact_text_on(&self.term))
    }

    pub fn confirm(&self, prompt: &str, default: bool) -> Result<bool> {
        answered(
            Confirm::with_theme(self.theme.as_ref())
                // The question may name paths the user typed.
                .with_prompt(printable(prompt))
                .default(default)
                .interact_on(&self.term),
        )
    }

    /// A line of information between prompts. It echoes answers given as
    /// flags, paths and errors, so it is made printable here, once for all.
    pub fn say(&self, line: &str) -> Result<()> {
        answered(self.term.write_line(&printable(line)).map_err(Into::into))
    }
}

/// SimpleTheme when NO_COLOR is set (https://no-color.org: present and not
/// empty), when the terminal is dumb or unknown, or when the locale is not
/// UTF-8 (a serial console): no colour, and no symbols that would show as
/// garbage or be spelled out by a screen reader.
fn wants_plain_style(
    no_color: Option<&OsStr>,
    term: Option<&OsStr>,
    locale: Option<&OsStr>,
) -> bool {
    let utf8 = locale.is_some_and(|l| {
        let l = l.to_string_lossy().to_ascii_lowercase();
        l.contains("utf-8") || l.contains("utf8")
    });
    no_color.is_some_and(|v| !v.is_empty())
        || term.is_none_or(|t| t.is_empty() || t == OsStr::new("dumb"))
        || !utf8
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_color_a_dumb_terminal_or_no_utf8_gets_the_plain_theme() {
        let os = |s| Some(OsStr::new(s));
        let utf8 = os("en_US.UTF-8");
        assert!(wants_plain_style(os("1"), os("xterm-256color"), utf8));
        assert!(wants_plain_style(None, os("dumb"), utf8));
        assert!(wants_plain_style(None, None, utf8));
        assert!(wants_plain_style(None, os("vt100"), os("C")));
        assert!(wants_plain_style(None, os("vt100"), None));
        assert!(!wants_plain_style(os(""), os("xterm-256color"), utf8));
        assert!(!wants_plain_style(None, os("screen"), os("C.utf8")));
    }
}
