//! What the user's terminal can show, decided once from the environment and
//! used by both front ends, so that the full-screen wizard and `--plain`
//! never disagree about colour (they used to read NO_COLOR differently).
//!
//! - Colour follows <https://no-color.org>: NO_COLOR *present and not an
//!   empty string* (whatever its value) turns it off; `NO_COLOR=` keeps it.
//!   A terminal type known to have no colours turns it off too.
//! - `TERM=dumb` (or no TERM at all) means the terminal cannot move the
//!   cursor: the full-screen wizard refuses and suggests `--plain`, which
//!   then asks with numbered choices and writes no escape byte.
//! - A locale that is not UTF-8 (a serial console) gets no symbols that
//!   would show as garbage.

use std::ffi::OsStr;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Capabilities {
    /// Colour may be used.
    pub colour: bool,
    /// No cursor movement, no escape sequences of any kind.
    pub dumb: bool,
    /// The locale's character set is UTF-8, so symbols such as ▶ show.
    pub utf8: bool,
}

impl Capabilities {
    /// Reads NO_COLOR, TERM and the locale (LC_ALL, LC_CTYPE, LANG: the
    /// first one set names the character set, as POSIX says).
    pub fn from_env() -> Capabilities {
        let var = std::env::var_os;
        let locale = ["LC_ALL", "LC_CTYPE", "LANG"]
            .into_iter()
            .filter_map(var)
            .find(|v| !v.is_empty());
        Capabilities::from_vars(
            var("NO_COLOR").as_deref(),
            var("TERM").as_deref(),
            locale.as_deref(),
        )
    }

    /// The decision for the given variables (`None`: unset).
    pub fn from_vars(
        no_color: Option<&OsStr>,
        term: Option<&OsStr>,
        locale: Option<&OsStr>,
    ) -> Capabilities {
        let no_colour_asked = no_color.is_some_and(|v| !v.is_empty());
        let term = term.map(|t| t.to_string_lossy().into_owned());
        let dumb = term.as_deref().is_none_or(|t| t.is_empty() || t == "dumb");
        let mono_term = dumb
            || term.as_deref().is_some_and(|t| {
                t.starts_with("vt1")
                    || t.starts_with("vt2")
                    || t.ends_with("-m")
                    || t.ends_with("-mono")
            });
        let utf8 = locale.is_some_and(|l| {
            let l = l.to_string_lossy().to_ascii_lowercase();
            l.contains("utf-8") || l.contains("utf8")
        });
        Capabilities {
            colour: !(no_colour_asked || mono_term),
            dumb,
            utf8,
        }
    }

    /// Symbols and colour both fit: the prompts may use their full theme.
    pub fn fancy(&self) -> bool {
        self.colour && self.utf8
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn caps(no_color: Option<&str>, term: Option<&str>, locale: Option<&str>) -> Capabilities {
        Capabilities::from_vars(
            no_color.map(OsStr::new),
            term.map(OsStr::new),
            locale.map(OsStr::new),
        )
    }

    #[test]
    fn no_color_counts_only_when_not_empty() {
        let utf8 = Some("C.UTF-8");
        assert!(!caps(Some("1"), Some("xterm-256color"), utf8).colour);
        assert!(!caps(Some("0"), Some("xterm-256color"), utf8).colour);
        assert!(caps(Some(""), Some("xterm-256color"), utf8).colour);
        assert!(caps(None, Some("tmux-256color"), utf8).colour);
    }

    #[test]
    fn dumb_or_missing_term_is_dumb_and_mono() {
        for term in [None, Some(""), Some("dumb")] {
            let c = caps(None, term, Some("en_US.UTF-8"));
            assert!(c.dumb && !c.colour, "{term:?}");
        }
        let screen = caps(None, Some("screen"), None);
        assert!(!screen.dumb && screen.colour && !screen.utf8 && !screen.fancy());
    }

    #[test]
    fn monochrome_terminal_types_get_no_colour() {
        for term in ["vt100", "vt220", "xterm-mono", "xterm-m"] {
            let c = caps(None, Some(term), Some("C.UTF-8"));
            assert!(!c.colour && !c.dumb, "{term}");
        }
    }
}
