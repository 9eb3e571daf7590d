//! A picture of a terminal screen: a ratatui `Buffer` (and the cursor, when
//! it shows) drawn as SVG inside a terminal window, for the docs. Each row
//! becomes background rectangles and text runs of one style; every run is
//! stretched to exactly its cells (`textLength`), so the grid holds whatever
//! monospace font the viewer picks, and a run never mixes ASCII with other
//! symbols, whose fallback glyphs may be wider. Pure and deterministic: the
//! same buffer always gives the same bytes, which the docs test compares.

use std::fmt::Write as _;

use ratatui::buffer::{Buffer, Cell};
use ratatui::layout::Position;
use ratatui::style::{Color, Modifier};
use unicode_width::UnicodeWidthStr;

/// DejaVu Sans Mono and its kin advance 0.6 em, so 15 px type fills a
/// 9 px cell; 18 px rows leave box-drawing lines nearly joined.
const FONT_SIZE: u32 = 15;
const CELL_W: u32 = 9;
const CELL_H: u32 = 18;
/// From the top of a row to the text's baseline.
const BASELINE: u32 = 14;
/// Room around the screen inside the window, and the title bar's height.
const PAD: u32 = 14;
const TITLE_BAR: u32 = 32;

const FONTS: &str =
    "'DejaVu Sans Mono', 'Cascadia Mono', Menlo, Consolas, 'Liberation Mono', monospace";
const DEFAULT_FG: &str = "#d7dae0";
const DEFAULT_BG: &str = "#16181d";
const CHROME: &str = "#2a2d34";
const CHROME_TEXT: &str = "#9aa0aa";

/// The 16 named colours, in ANSI order (black .. white, then bright).
const PALETTE: [&str; 16] = [
    "#1b1d23", "#e06c75", "#98c379", "#e5c07b", "#61afef", "#c678dd", "#56b6c2", "#abb2bf",
    "#5c6370", "#ff7b86", "#b5e890", "#ffd88a", "#82c4ff", "#de9bf0", "#7fd4de", "#f0f2f5",
];

/// What to draw: the screen, where the cursor shows (None: hidden), the
/// window's title and the picture's description for screen readers.
pub struct Screen<'a> {
    pub buffer: &'a Buffer,
    pub cursor: Option<Position>,
    pub title: &'a str,
    pub description: &'a str,
}

/// The look of one cell once reverse video is applied.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Look {
    fg: String,
    bg: String,
    bold: bool,
    italic: bool,
    underlined: bool,
    crossed: bool,
    dim: bool,
    hidden: bool,
}

impl Look {
    fn of(cell: &Cell) -> Look {
        let m = cell.modifier;
        let mut fg = hex(cell.fg).unwrap_or_else(|| DEFAULT_FG.to_owned());
        let mut bg = hex(cell.bg).unwrap_or_else(|| DEFAULT_BG.to_owned());
        if m.contains(Modifier::REVERSED) {
            std::mem::swap(&mut fg, &mut bg);
        }
        Look {
            fg,
            bg,
            bold: m.contains(Modifier::BOLD),
            italic: m.contains(Modifier::ITALIC),
            underlined: m.contains(Modifier::UNDERLINED),
            crossed: m.contains(Modifier::CROSSED_OUT),
            dim: m.contains(Modifier::DIM),
            hidden: m.contains(Modifier::HIDDEN),
        }
    }

    /// The text's attributes, leaving out what the group already says.
    fn attributes(&self) -> String {
        let mut out = String::new();
        if self.fg != DEFAULT_FG {
            let _ = write!(out, r#" fill="{}""#, self.fg);
        }
        if self.bold {
            out.push_str(r#" font-weight="bold""#);
        }
        if self.italic {
            out.push_str(r#" font-style="italic""#);
        }
        match (self.underlined, self.crossed) {
            (true, true) => out.push_str(r#" text-decoration="underline line-through""#),
            (true, false) => out.push_str(r#" text-decoration="underline""#),
            (false, true) => out.push_str(r#" text-decoration="line-through""#),
            (false, false) => {}
        }
        if self.dim {
            out.push_str(r#" opacity="0.6""#);
        }
        out
    }

    /// Whether blank cells in this look still show something.
    fn marks_blanks(&self) -> bool {
        self.underlined || self.crossed
    }
}

/// A stretch of cells on one row drawn in one look.
struct Run {
    x: u16,
    cells: u16,
    text: String,
    look: Look,
    ascii: bool,
    wide: bool,
}

/// The colour as #rrggbb, or None for the terminal's default.
fn hex(colour: Color) -> Option<String> {
    let named = |i: usize| Some(PALETTE[i].to_owned());
    match colour {
        Color::Reset => None,
        Color::Black => named(0),
        Color::Red => named(1),
        Color::Green => named(2),
        Color::Yellow => named(3),
        Color::Blue => named(4),
        Color::Magenta => named(5),
        Color::Cyan => named(6),
        Color::Gray => named(7),
        Color::DarkGray => named(8),
        Color::LightRed => named(9),
        Color::LightGreen => named(10),
        Color::LightYellow => named(11),
        Color::LightBlue => named(12),
        Color::LightMagenta => named(13),
        Color::LightCyan => named(14),
        Color::White => named(15),
        Color::Indexed(i) => Some(indexed(i)),
        Color::Rgb(r, g, b) => Some(format!("#{r:02x}{g:02x}{b:02x}")),
    }
}

/// xterm's 256 colours: the 16 named ones, a 6x6x6 cube, 24 greys.
fn indexed(i: u8) -> String {
    const LEVELS: [u8; 6] = [0, 95, 135, 175, 215, 255];
    match i {
        0..=15 => PALETTE[usize::from(i)].to_owned(),
        16..=231 => {
            let n = usize::from(i - 16);
            let (r, g, b) = (LEVELS[n / 36], LEVELS[n / 6 % 6], LEVELS[n % 6]);
            format!("#{r:02x}{g:02x}{b:02x}")
        }
        _ => {
            let v = 8 + 10 * (i - 232);
            format!("#{v:02x}{v:02x}{v:02x}")
        }
    }
}

/// Text safe inside an XML element or attribute; characters XML forbids
/// (controls) become U+FFFD.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            c if c.is_control() => out.push('\u{fffd}'),
            c => out.push(c),
        }
    }
    out
}

/// The cells of row `y` that start a symbol, with the cells each covers: a
/// wide symbol hides the cells after it.
fn symbols(buffer: &Buffer, y: u16) -> Vec<(u16, u16, &Cell)> {
    let mut out = Vec::new();
    let mut x = 0;
    while x < buffer.area.width {
        let cell = &buffer[(buffer.area.x + x, buffer.area.y + y)];
        let width = (cell.symbol().width() as u16).clamp(1, buffer.area.width - x);
        out.push((x, width, cell));
        x += width;
    }
    out
}

/// Row `y` as runs of one look, split where ASCII meets other symbols
/// and around every wide symbol.
fn runs(buffer: &Buffer, y: u16) -> Vec<Run> {
    let mut out: Vec<Run> = Vec::new();
    for (x, width, cell) in symbols(buffer, y) {
        let look = Look::of(cell);
        let symbol = match cell.symbol() {
            "" => " ",
            s => s,
        };
        let ascii = symbol.is_ascii();
        match out.last_mut() {
            Some(run)
                if run.look == look
                    && run.ascii == ascii
                    && !run.wide
                    && width == 1
                    && run.x + run.cells == x =>
            {
                run.cells += 1;
                run.text.push_str(symbol);
            }
            _ => out.push(Run {
                x,
                cells: width,
                text: symbol.to_owned(),
                look,
                ascii: ascii && width == 1,
                wide: width > 1,
            }),
        }
    }
    out
}

/// Background rectangles of row `y`: adjacent cells of one colour merged.
fn backgrounds(out: &mut String, runs: &[Run], y: u16) {
    let mut spans: Vec<(u16, u16, &str)> = Vec::new();
    for run in runs.iter().filter(|r| r.look.bg != DEFAULT_BG) {
        match spans.last_mut() {
            Some(span) if span.2 == run.look.bg && span.0 + span.1 == run.x => span.1 += run.cells,
            _ => spans.push((run.x, run.cells, &run.look.bg)),
        }
    }
    for (x, cells, colour) in spans {
        let _ = writeln!(
            out,
            r#"<rect x="{}" y="{}" width="{}" height="{CELL_H}" fill="{colour}"/>"#,
            u32::from(x) * CELL_W,
            u32::from(y) * CELL_H,
            u32::from(cells) * CELL_W,
        );
    }
}

/// The text runs of row `y`, blanks trimmed where nothing would show.
fn texts(out: &mut String, runs: &[Run], y: u16) {
    for run in runs.iter().filter(|r| !r.look.hidden) {
        let (mut x, mut text) = (run.x, run.text.as_str());
        if !run.look.marks_blanks() && run.ascii {
            let start = text.len() - text.trim_start_matches(' ').len();
            x += start as u16;
            text = text.trim_matches(' ');
        }
        if text.trim().is_empty() && !run.look.marks_blanks() {
            continue;
        }
        let cells = if run.ascii {
            text.len() as u32
        } else {
            u32::from(run.cells)
        };
        let _ = writeln!(
            out,
            r#"<text x="{}" y="{}" textLength="{}" lengthAdjust="spacingAndGlyphs"{}>{}</text>"#,
            u32::from(x) * CELL_W,
            u32::from(y) * CELL_H + BASELINE,
            cells * CELL_W,
            run.look.attributes(),
            escape(text),
        );
    }
}

/// A block cursor: the cell in the text colour, its symbol in the
/// background colour.
fn cursor(out: &mut String, buffer: &Buffer, at: Position) {
    let area = buffer.area;
    if at.x >= area.width || at.y >= area.height {
        return;
    }
    let cell = &buffer[(area.x + at.x, area.y + at.y)];
    let look = Look::of(cell);
    let (x, y) = (u32::from(at.x) * CELL_W, u32::from(at.y) * CELL_H);
    let _ = writeln!(
        out,
        r#"<rect class="cursor" x="{x}" y="{y}" width="{CELL_W}" height="{CELL_H}" fill="{}"/>"#,
        look.fg
    );
    let symbol = cell.symbol().trim();
    if !symbol.is_empty() {
        let _ = writeln!(
            out,
            r#"<text x="{x}" y="{}" textLength="{CELL_W}" lengthAdjust="spacingAndGlyphs" fill="{}">{}</text>"#,
            y + BASELINE,
            look.bg,
            escape(symbol)
        );
    }
}

/// The whole picture: a window with a title bar, the screen inside.
pub fn render(screen: &Screen) -> String {
    let area = screen.buffer.area;
    let inner_w = u32::from(area.width) * CELL_W;
    let inner_h = u32::from(area.height) * CELL_H;
    let (w, h) = (inner_w + 2 * PAD, inner_h + TITLE_BAR + 2 * PAD);
    let mut out = String::new();
    let _ = writeln!(
        out,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" viewBox="0 0 {w} {h}" xml:space="preserve" role="img" aria-labelledby="title">"#
    );
    let _ = writeln!(
        out,
        r#"<title id="title">{}</title>"#,
        escape(screen.description)
    );
    let _ = writeln!(
        out,
        r#"<rect width="{w}" height="{h}" rx="10" fill="{DEFAULT_BG}"/>"#
    );
    let _ = writeln!(
        out,
        r#"<path d="M0 10a10 10 0 0 1 10-10h{}a10 10 0 0 1 10 10v{}h-{w}z" fill="{CHROME}"/>"#,
        w - 20,
        TITLE_BAR - 10
    );
    for (i, colour) in ["#ff5f57", "#febc2e", "#28c840"].iter().enumerate() {
        let _ = writeln!(
            out,
            r#"<circle cx="{}" cy="{}" r="6" fill="{colour}"/>"#,
            20 + 20 * i,
            TITLE_BAR / 2
        );
    }
    let _ = writeln!(
        out,
        r#"<text x="{}" y="{}" text-anchor="middle" font-family="sans-serif" font-size="13" fill="{CHROME_TEXT}">{}</text>"#,
        w / 2,
        TITLE_BAR / 2 + 4,
        escape(screen.title)
    );
    let _ = writeln!(
        out,
        r#"<g transform="translate({PAD} {})">"#,
        TITLE_BAR + PAD
    );
    let rows: Vec<Vec<Run>> = (0..area.height).map(|y| runs(screen.buffer, y)).collect();
    for (y, row) in rows.iter().enumerate() {
        backgrounds(&mut out, row, y as u16);
    }
    let _ = writeln!(
        out,
        r#"<g font-family="{FONTS}" font-size="{FONT_SIZE}" fill="{DEFAULT_FG}">"#
    );
    for (y, row) in rows.iter().enumerate() {
        texts(&mut out, row, y as u16);
    }
    if let Some(at) = screen.cursor {
        cursor(&mut out, screen.buffer, at);
    }
    out.push_str("</g>\n</g>\n</svg>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use ratatui::layout::Rect;
    use ratatui::style::Style;

    fn picture(buffer: &Buffer, cursor: Option<Position>) -> String {
        render(&Screen {
            buffer,
            cursor,
            title: "t",
            description: "d",
        })
    }

    fn buffer(w: u16, h: u16) -> Buffer {
        Buffer::empty(Rect::new(0, 0, w, h))
    }

    fn lines_with<'a>(svg: &'a str, needle: &str) -> Vec<&'a str> {
        svg.lines().filter(|l| l.contains(needle)).collect()
    }

    #[test]
    fn a_blank_screen_draws_no_text() {
        let svg = picture(&buffer(10, 2), None);
        assert!(
            svg.starts_with(
                "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"118\" height=\"96\""
            ),
            "{svg}"
        );
        assert!(lines_with(&svg, "<text x=\"0\"").is_empty(), "{svg}");
        assert!(svg.ends_with("</svg>\n"));
    }

    #[test]
    fn text_sits_in_its_cells_and_is_escaped() {
        let mut b = buffer(20, 2);
        b.set_string(3, 1, "a<b & \"c\">", Style::default());
        let svg = picture(&b, None);
        let texts = lines_with(&svg, "y=\"32\"");
        assert_eq!(
            texts,
            [
                r#"<text x="27" y="32" textLength="90" lengthAdjust="spacingAndGlyphs">a&lt;b &amp; &quot;c&quot;&gt;</text>"#
            ]
        );
    }

    #[test]
    fn colours_and_modifiers_become_attributes() {
        let mut b = buffer(10, 1);
        let style = Style::default()
            .fg(Color::Red)
            .bg(Color::Rgb(1, 2, 3))
            .add_modifier(Modifier::BOLD | Modifier::ITALIC | Modifier::UNDERLINED | Modifier::DIM);
        b.set_string(0, 0, "hi", style);
        let svg = picture(&b, None);
        assert!(
            svg.contains(r##"<rect x="0" y="0" width="18" height="18" fill="#010203"/>"##),
            "{svg}"
        );
        assert!(
            svg.contains(r##"fill="#e06c75" font-weight="bold" font-style="italic" text-decoration="underline" opacity="0.6">hi</text>"##),
            "{svg}"
        );
    }

    #[test]
    fn reverse_video_swaps_the_colours() {
        let mut b = buffer(4, 1);
        b.set_string(0, 0, "x", Style::default().add_modifier(Modifier::REVERSED));
        let svg = picture(&b, None);
        assert!(
            svg.contains(&format!(r#"height="18" fill="{DEFAULT_FG}"/>"#)),
            "{svg}"
        );
        assert!(
            svg.contains(&format!(r#"fill="{DEFAULT_BG}">x</text>"#)),
            "{svg}"
        );
    }

    #[test]
    fn an_underlined_blank_field_still_shows() {
        let mut b = buffer(6, 1);
        b.set_string(
            1,
            0,
            "    ",
            Style::default().add_modifier(Modifier::UNDERLINED),
        );
        let svg = picture(&b, None);
        assert!(svg.contains(r#"<text x="9" y="14" textLength="36" lengthAdjust="spacingAndGlyphs" text-decoration="underline">    </text>"#), "{svg}");
    }

    #[test]
    fn wide_and_non_ascii_symbols_get_runs_of_their_own() {
        let mut b = buffer(10, 1);
        b.set_string(0, 0, "a日b▶▶c", Style::default());
        let svg = picture(&b, None);
        let texts: Vec<&str> = lines_with(&svg, "<text x=")
            .into_iter()
            .filter(|l| l.contains("y=\"14\""))
            .collect();
        assert_eq!(
            texts,
            [
                r#"<text x="0" y="14" textLength="9" lengthAdjust="spacingAndGlyphs">a</text>"#,
                r#"<text x="9" y="14" textLength="18" lengthAdjust="spacingAndGlyphs">日</text>"#,
                r#"<text x="27" y="14" textLength="9" lengthAdjust="spacingAndGlyphs">b</text>"#,
                r#"<text x="36" y="14" textLength="18" lengthAdjust="spacingAndGlyphs">▶▶</text>"#,
                r#"<text x="54" y="14" textLength="9" lengthAdjust="spacingAndGlyphs">c</text>"#,
            ]
        );
    }

    #[test]
    fn the_cursor_shows_only_when_given() {
        let mut b = buffer(5, 2);
        b.set_string(0, 1, "ab", Style::default());
        assert!(!picture(&b, None).contains("class=\"cursor\""));
        let svg = picture(&b, Some(Position::new(1, 1)));
        assert!(
            svg.contains(&format!(
                r#"<rect class="cursor" x="9" y="18" width="9" height="18" fill="{DEFAULT_FG}"/>"#
            )),
            "{svg}"
        );
        assert!(
            svg.contains(&format!(r#"fill="{DEFAULT_BG}">b</text>"#)),
            "{svg}"
        );
    }

    #[test]
    fn indexed_colours_follow_xterm() {
        assert_eq!(indexed(1), PALETTE[1]);
        assert_eq!(indexed(16), "#000000");
        assert_eq!(indexed(196), "#ff0000");
        assert_eq!(indexed(231), "#ffffff");
        assert_eq!(indexed(232), "#080808");
        assert_eq!(indexed(255), "#eeeeee");
    }

    #[test]
    fn control_characters_never_reach_the_xml() {
        assert_eq!(escape("a\u{1b}[31m\u{7}"), "a\u{fffd}[31m\u{fffd}");
    }
}
