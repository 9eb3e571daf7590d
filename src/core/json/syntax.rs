//! Where every value, key and item of a JSON text is, as byte offsets.
//!
//! serde_json's `Value` forgets the text it came from. Two things need it:
//! messages that point at a field (line:column, see `json_position`) and a
//! patch that edits the text in place instead of re-serialising it (see
//! `json_edit`). This scanner walks a text that serde_json has already
//! accepted and records the span of every value under it. The same walk
//! sees every key of every object, so it also reports duplicate keys, which
//! serde_json silently resolves to the last value (and which a rewrite
//! would therefore drop without a word).

use std::ops::Range;

/// One JSON value and where it is: `span` runs from its first byte (a
/// bracket, a quote, a digit ...) to just after its last.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Node {
    pub span: Range<usize>,
    pub kind: Kind,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Kind {
    /// A string, number, `true`, `false` or `null`.
    Scalar,
    Object(Vec<Member>),
    Array(Vec<Node>),
}

/// One `"key": value` of an object.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Member {
    /// The key, unescaped.
    pub key: String,
    /// The key as written, quotes included.
    pub key_span: Range<usize>,
    pub value: Node,
}

impl Member {
    /// From the key's opening quote to the end of the value.
    pub fn span(&self) -> Range<usize> {
        self.key_span.start..self.value.span.end
    }
}

impl Node {
    /// The node a JSON pointer (RFC 6901) names, as `Value::pointer` finds it.
    pub fn pointer(&self, pointer: &str) -> Option<&Node> {
        if pointer.is_empty() {
            return Some(self);
        }
        let mut node = self;
        for token in pointer.strip_prefix('/')?.split('/') {
            let token = token.replace("~1", "/").replace("~0", "~");
            node = match &node.kind {
                Kind::Object(members) => &members.iter().find(|m| m.key == token)?.value,
                Kind::Array(items) => items.get(token.parse::<usize>().ok()?)?,
                Kind::Scalar => return None,
            };
        }
        Some(node)
    }

    /// The spans of the items inside a container: members (key to value) or
    /// elements; none for a scalar.
    pub fn item_spans(&self) -> Vec<Range<usize>> {
        match &self.kind {
            Kind::Scalar => Vec::new(),
            Kind::Object(members) => members.iter().map(Member::span).collect(),
            Kind::Array(items) => items.iter().map(|n| n.span.clone()).collect(),
        }
    }
}

/// A key that appears twice in one object, at the byte offsets of both.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DuplicateKey {
    pub key: String,
    pub first: usize,
    pub again: usize,
}

/// Scans `text`, which must already have been accepted by serde_json. On
/// text it would reject the result is incomplete, but the scan never panics.
pub fn parse(text: &str) -> Result<Node, DuplicateKey> {
    Scanner { text, at: 0 }.value()
}

struct Scanner<'a> {
    text: &'a str,
    at: usize,
}

impl Scanner<'_> {
    fn peek(&self) -> Option<u8> {
        self.text.as_bytes().get(self.at).copied()
    }

    fn bump(&mut self) {
        if self.at < self.text.len() {
            self.at += 1;
        }
    }

    fn skip_whitespace(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\r' | b'\n')) {
            self.bump();
        }
    }

    fn value(&mut self) -> Result<Node, DuplicateKey> {
        self.skip_whitespace();
        let start = self.at;
        let kind = match self.peek() {
            Some(b'{') => self.object()?,
            Some(b'[') => self.array()?,
            Some(b'"') => {
                self.string();
                Kind::Scalar
            }
            Some(_) => {
                while !matches!(
                    self.peek(),
                    None | Some(b',' | b']' | b'}' | b' ' | b'\t' | b'\r' | b'\n')
                ) {
                    self.bump();
                }
                Kind::Scalar
            }
            None => Kind::Scalar,
        };
        Ok(Node {
            span: start..self.at,
            kind,
        })
    }

    /// Skips a string; returns its span, quotes included.
    fn string(&mut self) -> Range<usize> {
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
        start..self.at
    }

    fn object(&mut self) -> Result<Kind, DuplicateKey> {
        self.bump();
        let mut members: Vec<Member> = Vec::new();
        loop {
            self.skip_whitespace();
            if self.peek() != Some(b'"') {
                // `}` of an empty object, or text serde_json would reject.
                self.bump();
                return Ok(Kind::Object(members));
            }
            let key_span = self.string();
            // Only `string` slices, and it stops at ASCII quotes, so the
            // span lies on character boundaries.
            let raw = self.text.get(key_span.clone()).unwrap_or_default();
            // Keys are nearly always plain: only escapes need a decoder.
            let key: String = match raw.strip_prefix('"').and_then(|r| r.strip_suffix('"')) {
                Some(plain) if !plain.contains('\\') => plain.to_owned(),
                _ => serde_json::from_str(raw).unwrap_or_else(|_| raw.to_owned()),
            };
            if let Some(first) = members.iter().find(|m| m.key == key) {
                return Err(DuplicateKey {
                    key,
                    first: first.key_span.start,
                    again: key_span.start,
                });
            }
            self.skip_whitespace();
            self.bump(); // the colon
            let value = self.value()?;
            members.push(Member {
                key,
                key_span,
                value,
            });
            if !self.another_item() {
                return Ok(Kind::Object(members));
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

    fn array(&mut self) -> Result<Kind, DuplicateKey> {
        self.bump();
        self.skip_whitespace();
        let mut items = Vec::new();
        if self.peek() == Some(b']') {
            self.bump();
            return Ok(Kind::Array(items));
        }
        loop {
            items.push(self.value()?);
            if !self.another_item() {
                return Ok(Kind::Array(items));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text_of<'a>(text: &'a str, node: &Node) -> &'a str {
        &text[node.span.clone()]
    }

    #[test]
    fn spans_cover_values_keys_and_items() {
        let text = "{\n  \"a\" : [1, {\"b/c\": \"é\", \"d~\": null}],\n\t\"e\": -0\n}\n";
        let root = parse(text).unwrap();
        assert_eq!(text_of(text, &root), text.trim_end());
        assert_eq!(
            text_of(text, root.pointer("/a").unwrap()),
            "[1, {\"b/c\": \"é\", \"d~\": null}]"
        );
        assert_eq!(text_of(text, root.pointer("/a/1/b~1c").unwrap()), "\"é\"");
        assert_eq!(text_of(text, root.pointer("/a/1/d~0").unwrap()), "null");
        assert_eq!(text_of(text, root.pointer("/e").unwrap()), "-0");
        assert_eq!(root.pointer("/f"), None);
        assert_eq!(root.pointer("/a/9"), None);
        assert_eq!(root.pointer("/e/x"), None);
        let Kind::Object(members) = &root.kind else {
            panic!("an object")
        };
        assert_eq!(
            &text[members[0].span()],
            "\"a\" : [1, {\"b/c\": \"é\", \"d~\": null}]"
        );
        assert_eq!(
            root.item_spans()
                .into_iter()
                .map(|s| &text[s])
                .collect::<Vec<_>>(),
            ["\"a\" : [1, {\"b/c\": \"é\", \"d~\": null}]", "\"e\": -0"]
        );
    }

    #[test]
    fn escaped_quotes_do_not_end_strings() {
        let text = r#"{"a\"b": "c\\", "d": 2}"#;
        let root = parse(text).unwrap();
        assert_eq!(text_of(text, root.pointer("/a\"b").unwrap()), r#""c\\""#);
        assert_eq!(text_of(text, root.pointer("/d").unwrap()), "2");
    }

    #[test]
    fn duplicate_keys_are_reported_with_both_offsets() {
        let err = parse("{\"a\": 1,\n \"b\": {\"a\": 2},\n \"a\": 3}").unwrap_err();
        assert_eq!((err.key.as_str(), err.first, err.again), ("a", 1, 26));
    }

    #[test]
    fn never_panics_on_text_serde_would_reject() {
        for text in ["", "{", "[1,", "{\"a\"", "\"abc", "{\"a\":}", "]]]", "{\"é"] {
            let _ = parse(text);
        }
    }
}
