//! Styles, decided once at start from the environment. Colour is a bonus:
//! every selection, focus and error also has a marker (▶, ◉, ✗) or bold and
//! reverse video, so the screen reads the same with NO_COLOR or on a
//! monochrome terminal.

use ratatui::style::{Color, Modifier, Style};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Theme {
    pub colour: bool,
}

impl Theme {
    pub const MONO: Theme = Theme { colour: false };
    pub const COLOUR: Theme = Theme { colour: true };

    /// Reads NO_COLOR and TERM from the process environment.
    pub fn detect() -> Theme {
        Theme::from_env(
            std::env::var_os("NO_COLOR").is_some(),
            std::env::var("TERM").ok().as_deref(),
        )
    }

    /// NO_COLOR set to anything, no TERM, `dumb`, or a terminal type known
    /// to have no colours (vt100/vt220, `-m`/`-mono` variants) means mono.
    pub fn from_env(no_colour: bool, term: Option<&str>) -> Theme {
        let mono_term = match term {
            None | Some("") | Some("dumb") => true,
            Some(t) => {
                t.starts_with("vt1")
                    || t.starts_with("vt2")
                    || t.ends_with("-m")
                    || t.ends_with("-mono")
            }
        };
        Theme {
            colour: !(no_colour || mono_term),
        }
    }

    fn pick(&self, colour: Style, mono: Style) -> Style {
        if self.colour {
            colour
        } else {
            mono
        }
    }

    pub fn plain(&self) -> Style {
        Style::default()
    }

    pub fn bold(&self) -> Style {
        Style::default().add_modifier(Modifier::BOLD)
    }

    pub fn title(&self) -> Style {
        self.pick(
            Style::default()
                .fg(Color::Cyan)
                .add_modifier(Modifier::BOLD),
            self.bold(),
        )
    }

    /// The highlighted row of a list, the chosen tab: reverse video in both
    /// modes so it shows without colour.
    pub fn selected(&self) -> Style {
        self.pick(
            Style::default()
                .fg(Color::Black)
                .bg(Color::Cyan)
                .add_modifier(Modifier::BOLD),
            Style::default().add_modifier(Modifier::REVERSED | Modifier::BOLD),
        )
    }

    /// Secondary text: hints and explanations.
    pub fn hint(&self) -> Style {
        self.pick(Style::default().fg(Color::Gray), Style::default())
    }

    /// Decoration that carries no information (rules, inactive tabs).
    pub fn dim(&self) -> Style {
        self.pick(Style::default().fg(Color::DarkGray), Style::default())
    }

    pub fn key(&self) -> Style {
        self.pick(
            Style::default()
                .fg(Color::Yellow)
                .add_modifier(Modifier::BOLD),
            self.bold(),
        )
    }

    pub fn ok(&self) -> Style {
        self.pick(Style::default().fg(Color::Green), Style::default())
    }

    pub fn error(&self) -> Style {
        self.pick(
            Style::default().fg(Color::Red).add_modifier(Modifier::BOLD),
            self.bold(),
        )
    }

    /// A text field: underlined so its extent shows without colour.
    pub fn field(&self) -> Style {
        self.pick(
            Style::default().bg(Color::Rgb(40, 40, 48)).fg(Color::White),
            Style::default().add_modifier(Modifier::UNDERLINED),
        )
    }

    pub fn step_done(&self) -> Style {
        self.pick(Style::default().fg(Color::Green), Style::default())
    }

    pub fn step_current(&self) -> Style {
        self.pick(
            Style::default()
                .fg(Color::Cyan)
                .add_modifier(Modifier::BOLD | Modifier::UNDERLINED),
            Style::default().add_modifier(Modifier::BOLD | Modifier::UNDERLINED),
        )
    }

    pub fn changed_marker(&self) -> Style {
        self.pick(Style::default().fg(Color::Green), Style::default())
    }

    pub fn border(&self) -> Style {
        self.pick(Style::default().fg(Color::Yellow), Style::default())
    }

    pub fn json_key(&self) -> Style {
        self.pick(Style::default().fg(Color::Cyan), Style::default())
    }

    pub fn json_string(&self) -> Style {
        self.pick(Style::default().fg(Color::Green), Style::default())
    }

    pub fn json_literal(&self) -> Style {
        self.pick(Style::default().fg(Color::Magenta), Style::default())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_colour_wins_over_any_terminal() {
        assert!(!Theme::from_env(true, Some("xterm-256color")).colour);
        assert!(Theme::from_env(false, Some("xterm-256color")).colour);
        assert!(Theme::from_env(false, Some("tmux-256color")).colour);
    }

    #[test]
    fn monochrome_terminals_get_no_colour() {
        for term in [
            None,
            Some(""),
            Some("dumb"),
            Some("vt100"),
            Some("vt220"),
            Some("xterm-mono"),
            Some("xterm-m"),
        ] {
            assert!(!Theme::from_env(false, term).colour, "{term:?}");
        }
    }

    #[test]
    fn mono_styles_carry_no_colour() {
        let t = Theme::MONO;
        for style in [
            t.title(),
            t.selected(),
            t.hint(),
            t.dim(),
            t.key(),
            t.ok(),
            t.error(),
            t.field(),
            t.step_done(),
            t.step_current(),
            t.changed_marker(),
            t.border(),
            t.json_key(),
            t.json_string(),
            t.json_literal(),
        ] {
            assert_eq!((style.fg, style.bg), (None, None), "{style:?}");
        }
    }
}
