//! Where each value of a JSON text starts, as line:column.
//!
//! serde_json's `Value` keeps no positions, yet a message about a field
//! ("template placeholder at 12:18") is only useful with one. So after
//! serde_json has accepted the text, this second, minimal scan walks it
//! once and records the start of every value under its JSON pointer. The
//! same walk sees every key of every object, so it also reports duplicate
//! keys, which serde_json silently resolves to the last value (and which a
//! rewrite would therefore drop without a word).

use std::collections::HashMap;
use std::fmt;

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
#[derive(Debug, Clone, Default)]
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
    let mut scanner = Scanner {
        text,
        at: 0,
        position: Position { line: 1, column: 1 },
        positions: Positions::default(),
    };
    scanner.value(&mut String::new())?;
    Ok(scanner.positions)
}

/// Appends one reference token to a JSON pointer.
pub fn push_token(pointer: &mut String, token: &str) {
    pointer.push('/');
    pointer.push_str(&token.replace('~', "~0").replace('/', "~1"));
}

struct Scanner<'a> {
    text: &'a str,
    at: usize,
    position: Position,
    positions: Positions,
}

impl Scanner<'_> {
    fn peek(&self) -> Option<u8> {
        self.text.as_bytes().get(self.at).copied()
    }

    fn bump(&mut self) {
        let Some(byte) = self.peek() else { return };
        self.at += 1;
        if byte == b'\n' {
            self.position.line += 1;
            self.position.column = 1;
        } else if byte & 0xC0 != 0x80 {
            // Only the first byte of a UTF-8 sequence starts a character.
            self.position.column += 1;
        }
    }

    fn skip_whitespace(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\r' | b'\n')) {
            self.bump();
        }
    }

    fn value(&mut self, pointer: &mut String) -> Result<(), DuplicateKey> {
        self.skip_whitespace();
        self.positions.starts.insert(pointer.clone(), self.position);
        match self.peek() {
            Some(b'{') => self.object(pointer),
            Some(b'[') => self.array(pointer),
            Some(b'"') => {
                self.string();
                Ok(())
            }
            Some(_) => {
                while !matches!(
                    self.peek(),
                    None | Some(b',' | b']' | b'}' | b' ' | b'\t' | b'\r' | b'\n')
                ) {
                    self.bump();
                }
                Ok(())
            }
            None => Ok(()),
        }
    }

    /// Skips a string and returns its raw text, quotes included.
    fn string(&mut self) -> &str {
        let start = self.at;
        self.bump();
        while let Some(byte) = self.peek() {
            self.bump();
            match byte {
                b'\\' => self.bump(),
                b'"' => break,
                _ => {}
            }
        }
        &self.text[start..self.at]
    }

    fn object(&mut self, pointer: &mut String) -> Result<(), DuplicateKey> {
        self.bump();
        let mut seen: HashMap<String, Position> = HashMap::new();
        loop {
            self.skip_whitespace();
            if self.peek() != Some(b'"') {
                // `}` of an empty object, or text serde_json would reject.
                self.bump();
                return Ok(());
            }
            let key_position = self.position;
            let raw = self.string().to_owned();
            let key: String = serde_json::from_str(&raw).unwrap_or(raw);
            if let Some(&first) = seen.get(&key) {
                return Err(DuplicateKey {
                    key,
                    first,
                    again: key_position,
                });
            }
            let base = pointer.len();
            push_token(pointer, &key);
            seen.insert(key, key_position);
            self.skip_whitespace();
            self.bump(); // the colon
            self.value(pointer)?;
            pointer.truncate(base);
            if !self.another_item() {
                return Ok(());
            }
        }
    }

    /// After a member or element: steps over a `,` and says there is
    /// another, or steps over the closing bracket and says there is not.
    fn another_item(&mut self) -> bool {
        self.skip_whitespace();
        let comma = self.peek() == Some(b',');
        self.bump();
        comma
    }

    fn array(&mut self, pointer: &mut String) -> Result<(), DuplicateKey> {
        self.bump();
        self.skip_whitespace();
        if self.peek() == Some(b']') {
            self.bump();
            return Ok(());
        }
        for index in 0.. {
            let base = pointer.len();
            push_token(pointer, &index.to_string());
            self.value(pointer)?;
            pointer.truncate(base);
            if !self.another_item() {
                break;
            }
        }
        Ok(())
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
