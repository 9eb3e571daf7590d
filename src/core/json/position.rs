//! Where each value of a JSON text starts, as line:column.
//!
//! serde_json's `Value` keeps no positions, yet a message about a field
//! ("template placeholder at 12:18") is only useful with one. So after
//! serde_json has accepted the text, [`scan()`] walks it once more (the
//! walk of [`super::scan`], shared with the syntax tree) and records the
//! start of every value under its JSON pointer, and nothing else: `check`
//! reads thousands of files and builds no tree. The walk also reports
//! duplicate keys, which serde_json silently resolves to the last value.

use std::cell::{Cell, OnceCell};
use std::collections::HashMap;
use std::fmt;
use std::ops::Range;

use super::scan::{self, Container, Visitor};

/// A 1-based line and column; the column counts characters, as editors do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Position {
    pub line: usize,
    pub column: usize,
}

impl fmt::Display for Position {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.line, self.column)
    }
}

/// The start of every value of one document, by JSON pointer (RFC 6901, the
/// same spelling `serde_json::Value::pointer` takes).
///
/// A file has hundreds of values and a lint asks for a handful, so the
/// pointers are kept in scan order in one string, with no hashing and no
/// allocation per value; a hash index is built only once a document is
/// asked many times.
#[derive(Debug, Clone, Default)]
pub struct Positions {
    /// Every pointer, one after the other.
    pointers: String,
    /// Where each pointer ends in `pointers`, and where its value starts.
    entries: Vec<(usize, Position)>,
    /// Pointer to entry, once [`Positions::of`] has been asked often.
    index: OnceCell<HashMap<String, usize>>,
    asked: Cell<usize>,
}

/// How many lookups a linear search serves before an index pays off.
const LINEAR_LOOKUPS: usize = 32;

impl Positions {
    pub fn of(&self, pointer: &str) -> Option<Position> {
        let found = if self.asked.get() < LINEAR_LOOKUPS {
            self.asked.set(self.asked.get() + 1);
            (0..self.entries.len()).find(|&i| self.pointer(i) == pointer)
        } else {
            self.index
                .get_or_init(|| {
                    (0..self.entries.len())
                        .map(|i| (self.pointer(i).to_owned(), i))
                        .collect()
                })
                .get(pointer)
                .copied()
        };
        found.map(|i| self.entries[i].1)
    }

    fn pointer(&self, i: usize) -> &str {
        let start = i.checked_sub(1).map_or(0, |before| self.entries[before].0);
        &self.pointers[start..self.entries[i].0]
    }

    fn insert(&mut self, pointer: &str, position: Position) {
        self.pointers.push_str(pointer);
        self.entries.push((self.pointers.len(), position));
    }
}

/// A key that appears twice in one object.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DuplicateKey {
    pub key: String,
    pub first: Position,
    pub again: Position,
}

/// Scans `text`, which must already have been accepted by serde_json. On
/// text it would reject the result is incomplete, but the scan never panics.
pub fn scan(text: &str) -> Result<Positions, DuplicateKey> {
    // Room for the pointers of a pretty-printed task definition (about one
    // value per 16 bytes, pointers of about 32), so that they are rarely
    // moved while the scan grows them.
    let mut recorder = Recorder {
        positions: Positions {
            pointers: String::with_capacity(text.len() * 2),
            entries: Vec::with_capacity(text.len() / 16),
            ..Positions::default()
        },
        pointer: String::new(),
        bases: Vec::new(),
        lines: Lines::new(text),
    };
    scan::walk(text, &mut recorder).map_err(|duplicate| DuplicateKey {
        first: position_of(text, duplicate.first),
        again: position_of(text, duplicate.again),
        key: duplicate.key,
    })?;
    Ok(recorder.positions)
}

/// Appends one reference token to a JSON pointer.
pub fn push_token(pointer: &mut String, token: &str) {
    pointer.push('/');
    if token.contains(['~', '/']) {
        pointer.push_str(&token.replace('~', "~0").replace('/', "~1"));
    } else {
        pointer.push_str(token);
    }
}

/// Appends an array index to a JSON pointer (an index needs no escaping).
pub fn push_index(pointer: &mut String, index: usize) {
    pointer.push('/');
    pointer.push_str(itoa(index, &mut [0; 20]));
}

/// `index` in decimal, written into `buffer` rather than a new String.
fn itoa(mut index: usize, buffer: &mut [u8; 20]) -> &str {
    let mut at = buffer.len();
    loop {
        at -= 1;
        buffer[at] = b'0' + (index % 10) as u8;
        index /= 10;
        if index == 0 {
            break;
        }
    }
    std::str::from_utf8(&buffer[at..]).unwrap_or("0")
}

/// Turns the byte offsets of a walk into lines and columns. The walk
/// reports every line break and offsets only grow, so each byte before a
/// value is counted once, and only those on its line.
struct Lines<'a> {
    bytes: &'a [u8],
    line: usize,
    /// Where the current line starts.
    line_start: usize,
    /// The last offset asked for, and its column.
    counted: usize,
    column: usize,
}

impl<'a> Lines<'a> {
    fn new(text: &'a str) -> Self {
        Lines {
            bytes: text.as_bytes(),
            line: 1,
            line_start: 0,
            counted: 0,
            column: 1,
        }
    }

    fn newline(&mut self, at: usize) {
        self.line += 1;
        self.line_start = at + 1;
    }

    /// The position of byte `offset`, at or after the last one asked.
    fn position(&mut self, offset: usize) -> Position {
        if self.counted < self.line_start {
            self.counted = self.line_start;
            self.column = 1;
        }
        self.column += count_chars(self.bytes.get(self.counted..offset).unwrap_or_default());
        self.counted = self.counted.max(offset);
        Position {
            line: self.line,
            column: self.column,
        }
    }
}

/// The position of byte `offset` of `text`, counted from the start: for
/// the rare message that needs one outside a walk.
fn position_of(text: &str, offset: usize) -> Position {
    let before = text.as_bytes().get(..offset).unwrap_or(text.as_bytes());
    let line_start = before
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |i| i + 1);
    Position {
        line: 1 + before.iter().filter(|&&b| b == b'\n').count(),
        column: 1 + count_chars(&before[line_start..]),
    }
}

/// The characters in UTF-8 bytes: every byte but continuation bytes.
fn count_chars(bytes: &[u8]) -> usize {
    bytes.iter().filter(|&&b| b & 0xC0 != 0x80).count()
}

/// Keeps the pointer of the value being walked and records where each
/// value starts.
struct Recorder<'a> {
    positions: Positions,
    pointer: String,
    /// The length of `pointer` before each item entered and not yet left.
    bases: Vec<usize>,
    lines: Lines<'a>,
}

impl Recorder<'_> {
    fn value_at(&mut self, offset: usize) {
        let position = self.lines.position(offset);
        self.positions.insert(&self.pointer, position);
    }
}

impl Visitor for Recorder<'_> {
    fn open(&mut self, at: usize, _: Container) {
        self.value_at(at);
    }

    fn scalar(&mut self, span: Range<usize>) {
        self.value_at(span.start);
    }

    fn close(&mut self, _: usize) {}

    fn key(&mut self, key: &str, _: Range<usize>) {
        self.bases.push(self.pointer.len());
        push_token(&mut self.pointer, key);
    }

    fn element(&mut self, index: usize) {
        self.bases.push(self.pointer.len());
        push_index(&mut self.pointer, index);
    }

    fn leave(&mut self) {
        if let Some(base) = self.bases.pop() {
            self.pointer.truncate(base);
        }
    }

    fn newline(&mut self, at: usize) {
        self.lines.newline(at);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::json::syntax::{self, Kind, Node};

    fn at(line: usize, column: usize) -> Option<Position> {
        Some(Position { line, column })
    }

    #[test]
    fn finds_every_value_by_pointer() {
        let text = "{\n  \"a\": [1, {\"b/c\": \"é\", \"d~\": null}],\n\t\"e\": \"x\"\n}";
        let positions = scan(text).unwrap();
        assert_eq!(positions.of(""), at(1, 1));
        assert_eq!(positions.of("/a"), at(2, 8));
        assert_eq!(positions.of("/a/0"), at(2, 9));
        assert_eq!(positions.of("/a/1/b~1c"), at(2, 20));
        assert_eq!(positions.of("/a/1/d~0"), at(2, 31));
        assert_eq!(positions.of("/e"), at(3, 7));
        assert_eq!(positions.of("/f"), None);
    }

    #[test]
    fn many_lookups_switch_to_an_index_with_the_same_answers() {
        let text = format!("[{}]", vec!["{\"a\": 1}"; 100].join(", "));
        let positions = scan(&text).unwrap();
        for round in 0..3 {
            for i in [0, 7, 99] {
                let column = 2 + i * 10;
                assert_eq!(
                    positions.of(&format!("/{i}/a")),
                    at(1, column + 6),
                    "{round}"
                );
            }
            assert_eq!(positions.of("/100"), None);
        }
        let mut pointer = String::new();
        push_index(&mut pointer, 1230);
        push_index(&mut pointer, 0);
        assert_eq!(pointer, "/1230/0");
    }

    /// Every value of `node` with its pointer, from the syntax tree.
    fn every_value<'n>(node: &'n Node, pointer: String, out: &mut Vec<(String, &'n Node)>) {
        out.push((pointer.clone(), node));
        match &node.kind {
            Kind::Scalar => {}
            Kind::Object(members) => {
                for member in members {
                    let mut inner = pointer.clone();
                    push_token(&mut inner, &member.key);
                    every_value(&member.value, inner, out);
                }
            }
            Kind::Array(items) => {
                for (index, item) in items.iter().enumerate() {
                    let mut inner = pointer.clone();
                    push_index(&mut inner, index);
                    every_value(item, inner, out);
                }
            }
        }
    }

    #[test]
    fn every_position_is_the_one_counted_from_the_start() {
        let deep = serde_json::json!({"a": [{"b": {"c": [1, "é", {"d": {"e": [true, null]}}]}}],
            "f": {"g": {"h": {"i": {"j": "ü"}}}}});
        let pretty = serde_json::to_string_pretty(&deep).unwrap();
        for text in [
            pretty.clone(),
            pretty.replace('\n', "\r\n"),
            pretty.replace("  ", "\t"),
            pretty.replace("  ", "     "),
            pretty.replace("  ", " \t  "),
            deep.to_string(),
        ] {
            let positions = scan(&text).unwrap();
            let root = syntax::parse(&text).unwrap();
            let mut values = Vec::new();
            every_value(&root, String::new(), &mut values);
            assert_eq!(values.len(), 17);
            for (pointer, node) in values {
                let counted = position_of(&text, node.span.start);
                assert_eq!(positions.of(&pointer), Some(counted), "{pointer} in {text}");
            }
        }
    }

    #[test]
    fn columns_count_characters_not_bytes() {
        let positions = scan(r#"["ééé", 1]"#).unwrap();
        assert_eq!(positions.of("/1"), at(1, 9));
    }

    #[test]
    fn escaped_quotes_do_not_end_strings() {
        let positions = scan(r#"{"a\"b": "c\\", "d": 2}"#).unwrap();
        assert_eq!(positions.of("/a\"b"), at(1, 10));
        assert_eq!(positions.of("/d"), at(1, 22));
    }

    #[test]
    fn duplicate_keys_are_found_in_large_objects_too() {
        let keys: Vec<String> = (0..40).map(|i| format!("\"k{i}\": {i}")).collect();
        let text = format!("{{{}, \"k3\": 0}}", keys.join(", "));
        let err = scan(&text).unwrap_err();
        assert_eq!((err.key.as_str(), err.first.column), ("k3", 29));
        let text = format!("{{{}, \"k39\": 0}}", keys.join(", "));
        assert_eq!(scan(&text).unwrap_err().key, "k39");
        assert!(scan(&format!("{{{}}}", keys.join(", "))).is_ok());
    }

    #[test]
    fn duplicate_keys_are_reported_with_both_places() {
        let err = scan("{\"a\": 1,\n \"b\": {\"a\": 2},\n \"a\": 3}").unwrap_err();
        assert_eq!(err.key, "a");
        assert_eq!(err.first, Position { line: 1, column: 2 });
        assert_eq!(err.again, Position { line: 3, column: 2 });
    }

    #[test]
    fn never_panics_on_text_serde_would_reject() {
        for text in ["", "{", "[1,", "{\"a\"", "\"abc", "{\"a\":}", "]]]"] {
            let _ = scan(text);
        }
    }
}
