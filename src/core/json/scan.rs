//! The one reader of JSON text: the only code here that knows JSON's
//! grammar, its strings and escapes, numbers, literals and whitespace.
//!
//! serde_json's `Value` forgets the text it came from, yet two things need
//! it: messages that point at a field (line:column, [`super::position`])
//! and a patch that edits the text in place ([`super::syntax`], the tree
//! [`super::edit`] splices on). Both are built from this one walk: it
//! tells a [`Visitor`] what it meets, in text order and as byte offsets,
//! and each consumer keeps only what it needs, so the position map of
//! `check` pays for no tree.
//!
//! The same walk sees every key of every object, so it also reports
//! duplicate keys, which serde_json silently resolves to the last value
//! (and which a rewrite would therefore drop without a word).
//!
//! The text is meant to be one serde_json has accepted (or is about to
//! check). On text it would reject the events stop making sense, but the
//! walk never panics and never recurses, however deep the brackets go.

use std::borrow::Cow;
use std::collections::HashMap;
use std::ops::Range;

/// Which bracket a container opened with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Container {
    Object,
    Array,
}

/// What a walk reports, in the order the text holds it. Every value is
/// either a [`scalar`](Visitor::scalar) or an [`open`](Visitor::open) with
/// its [`close`](Visitor::close); inside a container, each item is
/// introduced by [`key`](Visitor::key) or [`element`](Visitor::element)
/// and ended by [`leave`](Visitor::leave) once its value has ended.
pub trait Visitor {
    /// An object or array whose opening bracket is at byte `at`.
    fn open(&mut self, at: usize, container: Container);
    /// A string (quotes included), number, `true`, `false` or `null`.
    fn scalar(&mut self, span: Range<usize>);
    /// The innermost open container ends just before byte `end`.
    fn close(&mut self, end: usize);
    /// A member of the innermost object: its key unescaped, and where the
    /// key is written, quotes included. Its value follows, unless the key
    /// is a duplicate: then the walk stops here with the error.
    fn key(&mut self, key: &str, span: Range<usize>);
    /// Element `index` of the innermost array; its value follows.
    fn element(&mut self, _index: usize) {}
    /// The member or element entered last has ended.
    fn leave(&mut self) {}
    /// A line break at byte `at`. Only whitespace holds one (a string
    /// cannot), so a consumer that counts lines learns them all here
    /// without reading the text again.
    fn newline(&mut self, _at: usize) {}
}

/// A key that appears twice in one object, at the byte offsets of both
/// (each key's opening quote).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DuplicateKey {
    pub key: String,
    pub first: usize,
    pub again: usize,
}

/// Walks `text` once, telling `visitor` every value, key and element.
pub fn walk<V: Visitor>(text: &str, visitor: &mut V) -> Result<(), DuplicateKey> {
    Scanner {
        text,
        at: 0,
        frames: Vec::new(),
        keys: Vec::new(),
    }
    .run(visitor)
}

/// A container the walk is inside of.
enum Frame<'a> {
    Object {
        /// Where this object's keys start in [`Scanner::keys`].
        keys: usize,
        /// All its keys, once it has too many to compare one by one.
        many: Option<HashMap<Cow<'a, str>, usize>>,
    },
    Array {
        index: usize,
    },
}

/// Keys compared one by one before a hash map takes over: objects in task
/// definitions are small, where comparing beats hashing, and a large one
/// must not cost quadratic time.
const FEW_KEYS: usize = 16;

struct Scanner<'a> {
    text: &'a str,
    at: usize,
    /// The open containers, innermost last: a stack instead of recursion.
    frames: Vec<Frame<'a>>,
    /// The keys seen so far of the open objects that still have few, with
    /// the offset of each; one stack for all, so an object costs no
    /// allocation of its own.
    keys: Vec<(Cow<'a, str>, usize)>,
}

impl<'a> Scanner<'a> {
    fn peek(&self) -> Option<u8> {
        self.text.as_bytes().get(self.at).copied()
    }

    /// Steps over one byte, if there is one.
    fn bump(&mut self) {
        if self.at < self.text.len() {
            self.at += 1;
        }
    }

    /// Whitespace is mostly indentation: after a line break, spaces are
    /// skipped eight at a time.
    #[inline]
    fn skip_whitespace<V: Visitor>(&mut self, visitor: &mut V) {
        let bytes = self.text.as_bytes();
        while let Some(&byte) = bytes.get(self.at) {
            match byte {
                b'\n' => {
                    visitor.newline(self.at);
                    self.at += 1 + leading_spaces(&bytes[self.at + 1..]);
                    continue;
                }
                b' ' | b'\t' | b'\r' => {}
                _ => return,
            }
            self.at += 1;
        }
    }

    fn run<V: Visitor>(mut self, visitor: &mut V) -> Result<(), DuplicateKey> {
        'value: loop {
            self.skip_whitespace(visitor);
            let start = self.at;
            match self.peek() {
                Some(b'{') => {
                    self.at += 1;
                    visitor.open(start, Container::Object);
                    self.frames.push(Frame::Object {
                        keys: self.keys.len(),
                        many: None,
                    });
                    if self.member(visitor)? {
                        continue 'value;
                    }
                }
                Some(b'[') => {
                    self.at += 1;
                    visitor.open(start, Container::Array);
                    self.skip_whitespace(visitor);
                    if self.peek() == Some(b']') {
                        self.at += 1;
                        visitor.close(self.at);
                    } else {
                        self.frames.push(Frame::Array { index: 0 });
                        visitor.element(0);
                        continue 'value;
                    }
                }
                Some(b'"') => {
                    self.string();
                    visitor.scalar(start..self.at);
                }
                _ => {
                    self.bare();
                    visitor.scalar(start..self.at);
                }
            }
            // A value has ended, and with it the item holding it: step over
            // the `,` to the next item, or over the bracket that closes the
            // container, which is a value that ends in its turn.
            loop {
                if self.frames.is_empty() {
                    return Ok(());
                }
                visitor.leave();
                self.skip_whitespace(visitor);
                let comma = self.peek() == Some(b',');
                self.bump();
                match self.frames.last_mut() {
                    Some(Frame::Array { index }) if comma => {
                        *index += 1;
                        visitor.element(*index);
                        continue 'value;
                    }
                    Some(Frame::Object { .. }) if comma => {
                        if self.member(visitor)? {
                            continue 'value;
                        }
                    }
                    _ => self.close(visitor),
                }
            }
        }
    }

    /// Just inside an object or after a `,` in one: reads the key and the
    /// colon of the next member and says its value follows, or closes the
    /// object (at its `}`, or on text serde_json would reject) and says not.
    fn member<V: Visitor>(&mut self, visitor: &mut V) -> Result<bool, DuplicateKey> {
        self.skip_whitespace(visitor);
        if self.peek() != Some(b'"') {
            self.bump();
            self.close(visitor);
            return Ok(false);
        }
        let start = self.at;
        self.string();
        let raw = &self.text[start..self.at];
        // Keys are nearly always plain: only escapes need a decoder.
        let key: Cow<'a, str> = match raw.strip_prefix('"').and_then(|r| r.strip_suffix('"')) {
            Some(plain) if !plain.contains('\\') => Cow::Borrowed(plain),
            _ => Cow::Owned(serde_json::from_str(raw).unwrap_or_else(|_| raw.to_owned())),
        };
        visitor.key(&key, start..self.at);
        self.remember(key, start)?;
        self.skip_whitespace(visitor);
        self.bump(); // the colon
        Ok(true)
    }

    /// Adds `key`, written at byte `at`, to the keys of the innermost
    /// object, unless the object has it already.
    fn remember(&mut self, key: Cow<'a, str>, at: usize) -> Result<(), DuplicateKey> {
        let Some(Frame::Object { keys: from, many }) = self.frames.last_mut() else {
            return Ok(());
        };
        let first = match many {
            Some(map) => map.get(&key).copied(),
            None => self.keys[*from..]
                .iter()
                .find(|(seen, _)| *seen == key)
                .map(|(_, first)| *first),
        };
        if let Some(first) = first {
            return Err(DuplicateKey {
                key: key.into_owned(),
                first,
                again: at,
            });
        }
        match many {
            Some(map) => {
                map.insert(key, at);
            }
            None if self.keys.len() - *from < FEW_KEYS => self.keys.push((key, at)),
            None => {
                let mut map: HashMap<_, _> = self.keys.drain(*from..).collect();
                map.insert(key, at);
                *many = Some(map);
            }
        }
        Ok(())
    }

    /// Ends the innermost container, whose closing bracket was just passed.
    fn close<V: Visitor>(&mut self, visitor: &mut V) {
        if let Some(Frame::Object { keys, .. }) = self.frames.pop() {
            self.keys.truncate(keys);
        }
        visitor.close(self.at);
    }

    /// Steps over a string, quotes included. The closing quote is found
    /// with a memchr search: a quote after an odd run of backslashes is
    /// escaped, any other ends the string.
    fn string(&mut self) {
        let bytes = self.text.as_bytes();
        let start = self.at;
        let mut search = start + 1;
        self.at = loop {
            let Some(quote) = self.text.get(search..).and_then(|rest| rest.find('"')) else {
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
    }

    /// Steps over a number or a literal: ASCII up to the next delimiter.
    fn bare(&mut self) {
        let rest = &self.text.as_bytes()[self.at..];
        self.at += rest
            .iter()
            .position(|b| matches!(b, b',' | b']' | b'}' | b' ' | b'\t' | b'\r' | b'\n'))
            .unwrap_or(rest.len());
    }
}

/// How many spaces `bytes` starts with, counted a word at a time up to the
/// last whole word (the byte loop takes the rest).
fn leading_spaces(bytes: &[u8]) -> usize {
    const SPACES: u64 = u64::from_ne_bytes([b' '; 8]);
    let mut count = 0;
    while let Some(word) = bytes[count..].first_chunk::<8>() {
        // Zero in each byte that is a space; the first non-zero byte in
        // memory order is the first that is not.
        let others = u64::from_le_bytes(*word) ^ SPACES;
        if others != 0 {
            return count + others.trailing_zeros() as usize / 8;
        }
        count += 8;
    }
    count
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every event, written out, to see the order of a walk.
    #[derive(Default)]
    struct Log(Vec<String>);

    impl Visitor for Log {
        fn open(&mut self, at: usize, container: Container) {
            self.0.push(format!("open {container:?} {at}"));
        }
        fn scalar(&mut self, span: Range<usize>) {
            self.0.push(format!("scalar {span:?}"));
        }
        fn close(&mut self, end: usize) {
            self.0.push(format!("close {end}"));
        }
        fn key(&mut self, key: &str, span: Range<usize>) {
            self.0.push(format!("key {key} {span:?}"));
        }
        fn element(&mut self, index: usize) {
            self.0.push(format!("element {index}"));
        }
        fn leave(&mut self) {
            self.0.push("leave".to_owned());
        }
        fn newline(&mut self, at: usize) {
            self.0.push(format!("newline {at}"));
        }
    }

    fn log(text: &str) -> Vec<String> {
        let mut log = Log::default();
        walk(text, &mut log).unwrap();
        log.0
    }

    #[test]
    fn events_come_in_text_order_with_byte_offsets() {
        assert_eq!(
            log("{\"a\\u0062\" : [1, {}], \"c\": []}"),
            [
                "open Object 0",
                "key ab 1..10",
                "open Array 13",
                "element 0",
                "scalar 14..15",
                "leave",
                "element 1",
                "open Object 17",
                "close 19",
                "leave",
                "close 20",
                "leave",
                "key c 22..25",
                "open Array 27",
                "close 29",
                "leave",
                "close 30",
            ]
        );
        assert_eq!(log(" -1.5e3 "), ["scalar 1..7"]);
        assert_eq!(
            log("[\"\\n\",\r\n\t2\n]\n"),
            [
                "open Array 0",
                "element 0",
                "scalar 1..5",
                "leave",
                "element 1",
                "newline 7",
                "scalar 9..10",
                "leave",
                "newline 10",
                "close 12",
            ]
        );
    }

    #[test]
    fn escaped_quotes_do_not_end_strings() {
        assert_eq!(
            log(r#"["a\"b\\", "c"]"#),
            [
                "open Array 0",
                "element 0",
                "scalar 1..9",
                "leave",
                "element 1",
                "scalar 11..14",
                "leave",
                "close 15",
            ]
        );
    }

    #[test]
    fn duplicate_keys_are_found_in_small_and_large_objects() {
        let err = walk(
            "{\"a\": 1,\n \"b\": {\"a\": 2},\n \"a\": 3}",
            &mut Log::default(),
        );
        assert_eq!(
            err,
            Err(DuplicateKey {
                key: "a".to_owned(),
                first: 1,
                again: 26
            })
        );
        let keys: Vec<String> = (0..40)
            .map(|i| format!("\"k{i}\": {{\"k{i}\": 0}}"))
            .collect();
        let unique = format!("{{{}}}", keys.join(", "));
        assert!(walk(&unique, &mut Log::default()).is_ok());
        for again in ["k3", "k39"] {
            let text = format!("{{{}, \"{again}\": 0}}", keys.join(", "));
            let err = walk(&text, &mut Log::default()).unwrap_err();
            assert_eq!(err.key, again);
            assert_eq!(Some(err.first), text.find(&format!("\"{again}\"")));
        }
        // The same key in another object, or escaped differently, counts.
        assert!(walk(r#"[{"a": 1}, {"a": 2}]"#, &mut Log::default()).is_ok());
        assert!(walk(r#"{"a": 1, "\u0061": 2}"#, &mut Log::default()).is_err());
    }

    #[test]
    fn deep_nesting_needs_no_stack() {
        let text = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
        let mut count = Counter(0);
        walk(&text, &mut count).unwrap();
        assert_eq!(count.0, 100_000);
    }

    struct Counter(usize);

    impl Visitor for Counter {
        fn open(&mut self, _: usize, _: Container) {
            self.0 += 1;
        }
        fn scalar(&mut self, _: Range<usize>) {}
        fn close(&mut self, _: usize) {}
        fn key(&mut self, _: &str, _: Range<usize>) {}
    }

    #[test]
    fn indentation_is_skipped_whatever_its_length() {
        for spaces in 0..20 {
            let text = format!("[\n{}1,\n{}\t 2]", " ".repeat(spaces), " ".repeat(spaces));
            let one = 2 + spaces;
            let two = 2 * one + 3;
            assert_eq!(
                log(&text)
                    .into_iter()
                    .filter(|event| event.starts_with("scalar"))
                    .collect::<Vec<_>>(),
                [
                    format!("scalar {one}..{}", one + 1),
                    format!("scalar {two}..{}", two + 1)
                ],
                "{text:?}"
            );
            let bytes = format!("{}x{}", " ".repeat(spaces), " ".repeat(9));
            assert_eq!(leading_spaces(bytes.as_bytes()), spaces);
        }
        assert_eq!(leading_spaces(b"        "), 8);
        assert_eq!(leading_spaces(b""), 0);
    }

    #[test]
    fn never_panics_on_text_serde_would_reject() {
        for text in [
            "",
            "{",
            "[1,",
            "{\"a\"",
            "\"abc",
            "{\"a\":}",
            "]]]",
            "{\"é",
            "[,]",
            "{,}",
            "\"\\",
            "{\"a\" 1 \"b\"}",
            "[1 2]",
        ] {
            let _ = walk(text, &mut Log::default());
        }
    }
}
