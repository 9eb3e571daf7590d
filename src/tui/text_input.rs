//! A one-line text field. The cursor is a byte offset that always sits on a
//! grapheme boundary, so moving and deleting treat "é" (e + combining
//! accent), emoji and CJK as one character each, as the user sees them.
//! Keys follow readline, which is what shell users type by reflex.
//!
//! A field that opens on a default or a flag's value holds it *selected*,
//! as a browser's address bar does: typing or pasting replaces it, a
//! cursor key keeps it for editing. So typing `7.15.2` or `web` never
//! appends to text the user did not write.

use unicode_segmentation::UnicodeSegmentation;
use unicode_width::UnicodeWidthStr;

/// One editing operation; the bindings in `keys` map keys onto these.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Edit {
    Left,
    Right,
    WordLeft,
    WordRight,
    Home,
    End,
    Backspace,
    Delete,
    DeleteToStart,
    DeleteToEnd,
    DeleteWordBack,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TextInput {
    text: String,
    cursor: usize,
    /// The whole text is selected: the next character replaces it.
    selected: bool,
}

/// What a field shows in `width` cells: the visible text and where the
/// cursor goes, counted in cells from the left.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct View {
    pub text: String,
    pub cursor_x: u16,
    /// How many graphemes of the field were looked at to make it: the work
    /// a frame does for the field, bounded by the width, not the text.
    pub examined: usize,
}

impl TextInput {
    /// A field holding `text`, with the cursor at the end.
    pub fn new(text: &str) -> TextInput {
        TextInput {
            text: text.to_owned(),
            cursor: text.len(),
            selected: false,
        }
    }

    /// A field holding `text` selected, so typing replaces it.
    pub fn selected(text: &str) -> TextInput {
        TextInput {
            selected: !text.is_empty(),
            ..TextInput::new(text)
        }
    }

    pub fn is_selected(&self) -> bool {
        self.selected
    }

    pub fn text(&self) -> &str {
        &self.text
    }

    pub fn cursor(&self) -> usize {
        self.cursor
    }

    /// Replaces the whole text; the cursor goes to the end.
    pub fn set(&mut self, text: &str) {
        *self = TextInput::new(text);
    }

    pub fn insert(&mut self, s: &str) {
        if std::mem::take(&mut self.selected) {
            self.text.clear();
            self.cursor = 0;
        }
        self.text.insert_str(self.cursor, s);
        self.cursor += s.len();
    }

    /// Applies `edit`; true when the text changed (not just the cursor).
    /// On a selection, a deletion removes it all and a move ends it at the
    /// side the key points to.
    pub fn edit(&mut self, edit: Edit) -> bool {
        if std::mem::take(&mut self.selected) {
            match edit {
                Edit::Left | Edit::WordLeft | Edit::Home => self.cursor = 0,
                Edit::Right | Edit::WordRight | Edit::End => self.cursor = self.text.len(),
                Edit::Backspace
                | Edit::Delete
                | Edit::DeleteToStart
                | Edit::DeleteToEnd
                | Edit::DeleteWordBack => {
                    let changed = !self.text.is_empty();
                    self.text.clear();
                    self.cursor = 0;
                    return changed;
                }
            }
            return false;
        }
        let before = self.text.len();
        match edit {
            Edit::Left => self.cursor = self.prev_boundary(),
            Edit::Right => self.cursor = self.next_boundary(),
            Edit::WordLeft => self.cursor = self.word_start_before(),
            Edit::WordRight => self.cursor = self.word_end_after(),
            Edit::Home => self.cursor = 0,
            Edit::End => self.cursor = self.text.len(),
            Edit::Backspace => {
                let start = self.prev_boundary();
                self.remove(start, self.cursor);
            }
            Edit::Delete => {
                let end = self.next_boundary();
                self.remove(self.cursor, end);
            }
            Edit::DeleteToStart => self.remove(0, self.cursor),
            Edit::DeleteToEnd => self.remove(self.cursor, self.text.len()),
            Edit::DeleteWordBack => {
                let start = self.word_start_before();
                self.remove(start, self.cursor);
            }
        }
        self.text.len() != before
    }

    fn remove(&mut self, start: usize, end: usize) {
        self.text.replace_range(start..end, "");
        self.cursor = start;
    }

    fn prev_boundary(&self) -> usize {
        self.text[..self.cursor]
            .grapheme_indices(true)
            .next_back()
            .map_or(0, |(i, _)| i)
    }

    fn next_boundary(&self) -> usize {
        self.text[self.cursor..]
            .graphemes(true)
            .next()
            .map_or(self.cursor, |g| self.cursor + g.len())
    }

    /// Like readline's unix-word-rubout: skip spaces, then non-spaces.
    fn word_start_before(&self) -> usize {
        let mut start = self.cursor;
        let mut seen_word = false;
        for (i, g) in self.text[..self.cursor].grapheme_indices(true).rev() {
            let space = g.chars().all(char::is_whitespace);
            if space && seen_word {
                break;
            }
            seen_word |= !space;
            start = i;
        }
        start
    }

    fn word_end_after(&self) -> usize {
        let mut end = self.cursor;
        let mut seen_word = false;
        for (i, g) in self.text[self.cursor..].grapheme_indices(true) {
            let space = g.chars().all(char::is_whitespace);
            if space && seen_word {
                break;
            }
            seen_word |= !space;
            end = self.cursor + i + g.len();
        }
        end
    }

    /// The part of the text to show in `width` cells, scrolled so the
    /// cursor is visible; `…` marks text hidden on either side. Control
    /// characters (a preset may hold a newline) show as their ␀-block symbol
    /// so the terminal never interprets them.
    pub fn view(&self, width: u16) -> View {
        let width = usize::from(width);
        if width == 0 {
            return View {
                text: String::new(),
                cursor_x: 0,
                examined: 0,
            };
        }
        // Only the graphemes around the cursor are looked at, at most a
        // few per cell on each side, so a key costs the same in a field of
        // 1 MiB as in one of ten characters.
        let limit = VIEW_GRAPHEMES_PER_CELL * width + 2;
        let shown = |g: &str| {
            let g = printable(g);
            let w = g.width();
            (g, w)
        };
        // Before the cursor, nearest first: what fits in the cells left of
        // it, and whether anything more is hidden (the cursor needs a cell
        // of its own, so the text before it gets `width - 1` at most).
        let mut before: Vec<(String, usize)> = Vec::new();
        let mut used = 0;
        let mut hidden_left = false;
        let mut examined = 0;
        for (n, g) in self.text[..self.cursor].graphemes(true).rev().enumerate() {
            examined += 1;
            let (g, w) = shown(g);
            if n >= limit || used + w > width - 1 {
                hidden_left = true;
                break;
            }
            used += w;
            before.push((g, w));
        }
        if hidden_left {
            // Room for `…` on the left as well.
            let room = width.saturating_sub(2);
            let mut kept = 0;
            let mut cells = 0;
            while kept < before.len() && cells + before[kept].1 <= room {
                cells += before[kept].1;
                kept += 1;
            }
            before.truncate(kept);
        }
        let mut text = String::new();
        let mut col = 0;
        if hidden_left {
            text.push('…');
            col = 1;
        }
        for (g, w) in before.iter().rev() {
            text.push_str(g);
            col += w;
        }
        let cursor_x = col;
        let rest = &self.text[self.cursor..];
        for (at, g) in rest.grapheme_indices(true).take(limit) {
            examined += 1;
            // Keep the last cell for `…` while more text follows.
            let more_follow = at + g.len() < rest.len();
            let (g, w) = shown(g);
            let fits = if more_follow {
                col + w < width
            } else {
                col + w <= width
            };
            if !fits {
                if col < width {
                    text.push('…');
                }
                break;
            }
            text.push_str(&g);
            col += w;
        }
        View {
            text,
            cursor_x: u16::try_from(cursor_x.min(width - 1)).unwrap_or(0),
            examined,
        }
    }
}

/// How many graphemes per cell of the field [`TextInput::view`] looks at
/// on either side of the cursor: zero-width ones (joiners, marks written
/// apart) take no cell, and past this many they are not shown.
const VIEW_GRAPHEMES_PER_CELL: usize = 4;

/// A grapheme as it may be drawn: control characters become visible
/// symbols, everything else is unchanged.
fn printable(g: &str) -> String {
    g.chars()
        .map(|c| match c {
            '\u{0}'..='\u{1f}' => char::from_u32(0x2400 + c as u32).unwrap_or('?'),
            '\u{7f}' => '␡',
            c => c,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field(text: &str, cursor: usize) -> TextInput {
        TextInput {
            text: text.to_owned(),
            cursor,
            selected: false,
        }
    }

    #[test]
    fn a_selected_default_is_replaced_by_typing_and_kept_by_moving() {
        let mut t = TextInput::selected("7.17");
        t.insert("7");
        assert_eq!((t.text(), t.is_selected()), ("7", false));
        let mut t = TextInput::selected("app");
        t.edit(Edit::End);
        t.insert("-web");
        assert_eq!(t.text(), "app-web");
        let mut t = TextInput::selected("php-fpm -F");
        t.edit(Edit::Home);
        t.insert("exec ");
        assert_eq!(t.text(), "exec php-fpm -F");
        let mut t = TextInput::selected("app");
        assert!(t.edit(Edit::Backspace));
        assert_eq!(t.text(), "");
        assert!(!TextInput::selected("").is_selected());
    }

    #[test]
    fn moves_by_grapheme_not_byte() {
        // "e" + combining acute, then a family emoji made of 5 code points.
        let mut t = TextInput::new("ae\u{301}👨‍👩‍👧z");
        t.edit(Edit::Left);
        t.edit(Edit::Left);
        assert_eq!(&t.text()[t.cursor()..], "👨‍👩‍👧z");
        t.edit(Edit::Backspace);
        assert_eq!(t.text(), "a👨‍👩‍👧z");
        t.edit(Edit::Delete);
        assert_eq!(t.text(), "az");
    }

    #[test]
    fn readline_kills() {
        let mut t = field("run --fast  now", 11);
        t.edit(Edit::DeleteWordBack);
        assert_eq!((t.text(), t.cursor()), ("run  now", 4));
        t.edit(Edit::DeleteToEnd);
        assert_eq!(t.text(), "run ");
        t.edit(Edit::DeleteToStart);
        assert_eq!((t.text(), t.cursor()), ("", 0));
        assert!(!t.edit(Edit::Backspace));
    }

    #[test]
    fn word_moves() {
        let mut t = field("java -jar app.jar", 0);
        t.edit(Edit::WordRight);
        assert_eq!(t.cursor(), 4);
        t.edit(Edit::WordRight);
        assert_eq!(t.cursor(), 9);
        t.edit(Edit::WordLeft);
        assert_eq!(t.cursor(), 5);
        t.edit(Edit::End);
        t.edit(Edit::WordLeft);
        assert_eq!(t.cursor(), 10);
    }

    #[test]
    fn insert_at_cursor() {
        let mut t = field("ab", 1);
        t.insert("日本");
        assert_eq!((t.text(), t.cursor()), ("a日本b", 7));
    }

    #[test]
    fn view_keeps_the_cursor_visible() {
        let t = TextInput::new("0123456789");
        let v = t.view(20);
        assert_eq!((v.text.as_str(), v.cursor_x), ("0123456789", 10));
        let v = t.view(6);
        assert_eq!(v.text, "…6789");
        assert_eq!(v.cursor_x, 5);
        let mut t = t;
        t.edit(Edit::Home);
        let v = t.view(6);
        assert_eq!((v.text.as_str(), v.cursor_x), ("01234…", 0));
    }

    #[test]
    fn view_counts_wide_characters_as_two_cells() {
        let t = TextInput::new("日本語");
        let v = t.view(10);
        assert_eq!((v.text.as_str(), v.cursor_x), ("日本語", 6));
        let v = t.view(4);
        assert_eq!((v.text.as_str(), v.cursor_x), ("…語", 3));
    }

    /// A key's work in the field does not grow with the text: the view of
    /// a 1 MiB field looks at as many graphemes as that of a short one.
    #[test]
    fn the_view_looks_only_at_the_text_around_the_cursor() {
        let short = TextInput::new(&"x".repeat(100));
        let long = TextInput::new(&"x".repeat(1 << 20));
        let (a, b) = (short.view(40), long.view(40));
        assert_eq!(a.text, b.text);
        assert_eq!(a.cursor_x, b.cursor_x);
        assert_eq!(a.examined, b.examined);
        assert!(
            b.examined <= 2 * (VIEW_GRAPHEMES_PER_CELL * 40 + 2),
            "{}",
            b.examined
        );
        // The cursor in the middle: the same window either side.
        let mut middle = long.clone();
        middle.cursor = middle.text.len() / 2;
        let view = middle.view(40);
        assert!(
            view.examined <= 2 * (VIEW_GRAPHEMES_PER_CELL * 40 + 2),
            "{}",
            view.examined
        );
        assert_eq!(view.text, format!("…{}…", "x".repeat(38)));
        // Zero-width graphemes cannot make it look further either.
        let mut marks = TextInput::new(&"\u{200b}".repeat(1 << 16));
        marks.insert("a");
        assert!(marks.view(40).examined <= 2 * (VIEW_GRAPHEMES_PER_CELL * 40 + 2));
    }

    #[test]
    fn view_never_panics_on_tiny_widths() {
        let t = TextInput::new("日本語 and more");
        for w in 0..6 {
            let v = t.view(w);
            assert!(v.text.width() <= usize::from(w), "{w}: {v:?}");
        }
    }

    #[test]
    fn control_characters_are_shown_not_sent() {
        let t = TextInput::new("a\nb\tc");
        assert_eq!(t.view(10).text, "a␊b␉c");
    }
}
