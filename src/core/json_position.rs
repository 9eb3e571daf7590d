//! Where each value of a JSON text starts, as line:column.
//!
//! serde_json's `Value` keeps no positions, yet a message about a field
//! ("template placeholder at 12:18") is only useful with one. So after
//! serde_json has accepted the text, `json_syntax` finds the span of every
//! value, and this module turns the start of each into the line and column
//! an editor shows, under its JSON pointer.

use std::collections::HashMap;
use std::fmt;

use super::json_syntax::{self, Kind, Node};

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
#[derive(Debug, Default)]
pub struct Positions {
    starts: HashMap<String, Position>,
}

impl Positions {
    pub fn of(&self, pointer: &str) -> Option<Position> {
        self.starts.get(pointer).copied()
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
    let root = json_syntax::parse(text).map_err(|d| DuplicateKey {
        first: Cursor::new(text).advance(d.first),
        again: Cursor::new(text).advance(d.again),
        key: d.key,
    })?;
    let mut positions = Positions::default();
    record(
        &root,
        &mut String::new(),
        &mut Cursor::new(text),
        &mut positions,
    );
    Ok(positions)
}

/// Appends one reference token to a JSON pointer.
pub fn push_token(pointer: &mut String, token: &str) {
    pointer.push('/');
    pointer.push_str(&token.replace('~', "~0").replace('/', "~1"));
}

/// Records `node` and everything in it. Values are visited in text order,
/// so one cursor moving forward finds every position in a single pass.
fn record(node: &Node, pointer: &mut String, cursor: &mut Cursor, positions: &mut Positions) {
    positions
        .starts
        .insert(pointer.clone(), cursor.advance(node.span.start));
    let base = pointer.len();
    match &node.kind {
        Kind::Scalar => {}
        Kind::Object(members) => {
            for member in members {
                push_token(pointer, &member.key);
                record(&member.value, pointer, cursor, positions);
                pointer.truncate(base);
            }
        }
        Kind::Array(items) => {
            for (index, item) in items.iter().enumerate() {
                push_token(pointer, &index.to_string());
                record(item, pointer, cursor, positions);
                pointer.truncate(base);
            }
        }
    }
}

/// A byte offset and the position it is at, moving forward only.
struct Cursor<'a> {
    text: &'a [u8],
    at: usize,
    position: Position,
}

impl<'a> Cursor<'a> {
    fn new(text: &'a str) -> Self {
        Cursor {
            text: text.as_bytes(),
            at: 0,
            position: Position { line: 1, column: 1 },
        }
    }

    /// Moves to byte `offset` (never back) and says where that is.
    fn advance(&mut self, offset: usize) -> Position {
        let end = offset.min(self.text.len());
        while self.at < end {
            let byte = self.text[self.at];
            self.at += 1;
            if byte == b'\n' {
                self.position.line += 1;
                self.position.column = 1;
            } else if byte & 0xC0 != 0x80 {
                // Only the first byte of a UTF-8 sequence starts a character.
                self.position.column += 1;
            }
        }
        self.position
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
