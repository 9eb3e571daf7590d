//! Where each value of a JSON text starts, as line:column.
//!
//! serde_json's `Value` keeps no positions, yet a message about a field
//! ("template placeholder at 12:18") is only useful with one. So after
//! serde_json has accepted the text, this second, minimal scan walks it
//! once and records the start of every value under its JSON pointer. The
//! same walk sees every key of every object, so it also reports duplicate
//! keys, which serde_json silently resolves to the last value (and which a
//! rewrite would therefore drop without a word).

use std::borrow::Cow;
use std::cell::{Cell, OnceCell};
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
    let positions = Positions {
        pointers: String::with_capacity(text.len() * 2),
        entries: Vec::with_capacity(text.len() / 16),
        ..Positions::default()
    };
    let mut scanner = Scanner {
        text,
        at: 0,
        position: Position { line: 1, column: 1 },
        positions,
    };
    scanner.value(&mut String::new())?;
    Ok(scanner.positions)
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

/// The characters in UTF-8 bytes: every byte but continuation bytes.
fn count_chars(bytes: &[u8]) -> usize {
    bytes.iter().filter(|&&b| b & 0xC0 != 0x80).count()
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

/// The keys of one object so far. Objects in task definitions are small,
/// where comparing beats hashing; a large one switches to a hash map, so
/// that no object costs quadratic time.
#[derive(Default)]
struct Seen<'a> {
    few: Vec<(Cow<'a, str>, Position)>,
    many: HashMap<Cow<'a, str>, Position>,
}

/// Keys compared one by one before a hash map takes over.
const FEW_KEYS: usize = 16;

impl<'a> Seen<'a> {
    fn get(&self, key: &str) -> Option<Position> {
        if self.many.is_empty() {
            self.few.iter().find(|(k, _)| k == key).map(|(_, at)| *at)
        } else {
            self.many.get(key).copied()
        }
    }

    fn insert(&mut self, key: Cow<'a, str>, at: Position) {
        if self.many.is_empty() && self.few.len() < FEW_KEYS {
            self.few.push((key, at));
        } else {
            self.many.extend(self.few.drain(..));
            self.many.insert(key, at);
        }
    }
}

struct Scanner<'a> {
    text: &'a str,
    at: usize,
    position: Position,
    positions: Positions,
}

impl<'a> Scanner<'a> {
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

    /// Whitespace is mostly indentation: one tight loop over the bytes.
    fn skip_whitespace(&mut self) {
        let bytes = self.text.as_bytes();
        while let Some(&byte) = bytes.get(self.at) {
            match byte {
                b'\n' => {
                    self.position.line += 1;
                    self.position.column = 1;
                }
                b' ' | b'\t' | b'\r' => self.position.column += 1,
                _ => return,
            }
            self.at += 1;
        }
    }

    fn value(&mut self, pointer: &mut String) -> Result<(), DuplicateKey> {
        self.skip_whitespace();
        self.positions.insert(pointer, self.position);
        match self.peek() {
            Some(b'{') => self.object(pointer),
            Some(b'[') => self.array(pointer),
            Some(b'"') => {
                self.string();
                Ok(())
            }
            Some(_) => {
                // A number or a literal: ASCII up to the next delimiter.
                let rest = &self.text.as_bytes()[self.at..];
                let length = rest
                    .iter()
                    .position(|b| matches!(b, b',' | b']' | b'}' | b' ' | b'\t' | b'\r' | b'\n'))
                    .unwrap_or(rest.len());
                self.position.column +=
                    rest[..length].iter().filter(|&&b| b & 0xC0 != 0x80).count();
                self.at += length;
                Ok(())
            }
            None => Ok(()),
        }
    }

    /// Skips a string and returns its raw text, quotes included. The
    /// closing quote is found with a memchr search (a quote after an odd
    /// run of backslashes is escaped), and as a JSON string holds no raw
    /// line break, only the column moves, by the characters skipped.
    fn string(&mut self) -> &'a str {
        let text = self.text;
        let bytes = text.as_bytes();
        let start = self.at;
        let mut search = start + 1;
        let end = loop {
            let Some(quote) = text.get(search..).and_then(|rest| rest.find('"')) else {
                break bytes.len();
            };
            let quote = search + quote;
            let backslashes = bytes[start + 1..quote]
                .iter()
                .rev()
                .take_while(|&&b| b == b'\\')
                .count();
            if backslashes % 2 == 0 {
                break quote + 1;
            }
            search = quote + 1;
        };
        self.position.column += count_chars(&bytes[start..end]);
        self.at = end;
        &text[start..end]
    }

    fn object(&mut self, pointer: &mut String) -> Result<(), DuplicateKey> {
        self.bump();
        let mut seen = Seen::default();
        loop {
            self.skip_whitespace();
            if self.peek() != Some(b'"') {
                // `}` of an empty object, or text serde_json would reject.
                self.bump();
                return Ok(());
            }
            let key_position = self.position;
            let raw = self.string();
            // Only a key with escapes needs decoding.
            let key: Cow<'a, str> = match raw.strip_prefix('"').and_then(|r| r.strip_suffix('"')) {
                Some(plain) if !plain.contains('\\') => Cow::Borrowed(plain),
                _ => Cow::Owned(serde_json::from_str(raw).unwrap_or_else(|_| raw.to_owned())),
            };
            if let Some(first) = seen.get(&key) {
                return Err(DuplicateKey {
                    key: key.into_owned(),
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
            push_index(pointer, index);
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
