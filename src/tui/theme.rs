//! Styles, decided once at start from the environment. Colour is a bonus:
//! every selection, focus and error also has a marker (▶, ◉, ✗) or bold and
//! reverse video, so the screen reads the same with NO_COLOR or on a
//! monochrome terminal.
//!
//! Nothing is drawn in colour 8 (bright black): on Solarized Dark and
//! similar palettes it is the background colour, so decoration and
//! secondary text use the DIM modifier or the default colour instead.

use ratatui::style::{Color, Modifier, Style};

use crate::terminal::Capabilities;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Theme {
    pub colour: bool,
    /// The locale is not UTF-8: every glyph is drawn as ASCII
    /// (`draw::ascii`).
    pub ascii: bool,
}

impl Theme {
    pub const MONO: Theme = Theme {
        colour: false,
        ascii: false,
    };
    pub const COLOUR: Theme = Theme {
        colour: true,
        ascii: false,
    };
    /// A serial console or `LANG=C`: no colour assumed, ASCII only.
    pub const ASCII: Theme = Theme {
        colour: false,
        ascii: true,
    };

    /// Colour exactly when the terminal capabilities allow it, the same
    /// decision `--plain` makes; ASCII glyphs when the locale is not UTF-8.
    pub fn for_terminal(caps: &Capabilities) -> Theme {
        Theme {
            colour: caps.colour,
            ascii: !caps.utf8,
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

    /// Decoration and things not in play (rules, upcoming steps, tabs that
    /// do not apply, the scroll position): dimmed, never a colour that a
    /// palette may make invisible.
    pub fn dim(&self) -> Style {
        self.pick(
            Style::default().add_modifier(Modifier::DIM),
            Style::default(),
        )
    }

    /// Something the user must still do (a placeholder left in the files).
    pub fn warn(&self) -> Style {
        self.pick(
            Style::default()
                .fg(Color::Yellow)
                .add_modifier(Modifier::BOLD),
            Style::default().add_modifier(Modifier::BOLD | Modifier::UNDERLINED),
        )
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
    fn colour_follows_the_terminal_capabilities() {
        let caps = |no_color: Option<&str>| {
            Capabilities::from_vars(
                no_color.map(std::ffi::OsStr::new),
                Some(std::ffi::OsStr::new("xterm-256color")),
                Some(std::ffi::OsStr::new("C.UTF-8")),
            )
        };
        assert!(!Theme::for_terminal(&caps(Some("1"))).colour);
        assert!(Theme::for_terminal(&caps(Some(""))).colour);
        assert!(Theme::for_terminal(&caps(None)).colour);
    }

    #[test]
    fn nothing_uses_bright_black() {
        let t = Theme::COLOUR;
        for style in [
            t.title(),
            t.selected(),
            t.hint(),
            t.dim(),
            t.key(),
            t.ok(),
            t.error(),
            t.warn(),
            t.field(),
            t.step_done(),
            t.step_current(),
            t.changed_marker(),
            t.border(),
            t.json_key(),
            t.json_string(),
            t.json_literal(),
        ] {
            assert_ne!(style.fg, Some(Color::DarkGray), "{style:?}");
            assert_ne!(style.bg, Some(Color::DarkGray), "{style:?}");
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
            t.warn(),
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
