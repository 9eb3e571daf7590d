//! The screen for a locale that is not UTF-8 (`LANG=C`, a serial
//! console), where the terminal would show each byte of a glyph such as
//! `▶` or `─` as garbage. Rather than each area choosing its symbols, the
//! finished frame is rewritten once: every glyph the wizard draws becomes
//! one ASCII character of the same width, so the layout stays as it is.
//! What the user typed is theirs and stays.

use ratatui::buffer::Buffer;

/// The wizard's glyphs and what stands for each in ASCII.
const GLYPHS: &[(&str, &str)] = &[
    ("─", "-"),
    ("│", "|"),
    ("┬", "+"),
    ("┴", "+"),
    ("├", "+"),
    ("┤", "+"),
    ("┼", "+"),
    ("┌", "+"),
    ("┐", "+"),
    ("└", "+"),
    ("┘", "+"),
    ("╭", "+"),
    ("╮", "+"),
    ("╰", "+"),
    ("╯", "+"),
    ("▶", ">"),
    ("◉", "@"),
    ("●", "*"),
    ("○", "o"),
    ("›", ">"),
    ("‹", "<"),
    ("…", "~"),
    ("↑", "^"),
    ("↓", "v"),
    ("←", "<"),
    ("→", ">"),
    ("↪", ">"),
    ("✗", "x"),
    ("✓", "+"),
    ("▌", "|"),
    ("·", "."),
    ("–", "-"),
    ("—", "-"),
    ("≥", ">"),
    ("␀", "?"),
    ("␉", "?"),
    ("␊", "?"),
    ("␛", "?"),
    ("␡", "?"),
];

/// Rewrites the wizard's glyphs in `buffer` as ASCII.
pub fn downgrade(buffer: &mut Buffer) {
    for cell in &mut buffer.content {
        let symbol = cell.symbol();
        if symbol.is_ascii() {
            continue;
        }
        if let Some((_, ascii)) = GLYPHS.iter().find(|(glyph, _)| *glyph == symbol) {
            cell.set_symbol(ascii);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use unicode_width::UnicodeWidthStr;

    #[test]
    fn each_stand_in_is_as_wide_as_its_glyph() {
        for (glyph, ascii) in GLYPHS {
            assert_eq!(glyph.width(), ascii.width(), "{glyph}");
            assert!(ascii.is_ascii());
        }
    }
}
