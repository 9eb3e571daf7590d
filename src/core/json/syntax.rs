//! Where every value, key and item of a JSON text is, as byte offsets.
//!
//! A patch edits the text in place instead of re-serialising it
//! ([`super::edit`]), so it needs the text's shape: the span of every
//! value, key and item, and so the separators between them. [`parse`]
//! builds that tree from the walk of [`super::scan`] (the one that also
//! gives `check` its positions), over a text serde_json has accepted, and
//! refuses a duplicate key, which serde_json silently resolves to the last
//! value (and which a rewrite would therefore drop without a word).

use std::ops::Range;

use super::scan::{self, Container, Visitor};

/// A key twice in one object, at the byte offsets of both, as the walk finds it.
pub use super::scan::DuplicateKey;

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

/// Scans `text`, which must already have been accepted by serde_json. On
/// text it would reject the result is incomplete, but the scan never panics.
pub fn parse(text: &str) -> Result<Node, DuplicateKey> {
    let mut builder = Builder::default();
    scan::walk(text, &mut builder)?;
    // A walk always reports a value, and closes all it opens.
    Ok(builder.root.unwrap_or(Node {
        span: 0..0,
        kind: Kind::Scalar,
    }))
}

/// A container being built: where it opened, and its items so far.
enum Open {
    /// With the key of the member whose value is being walked.
    Object(usize, Vec<Member>, Option<(String, Range<usize>)>),
    Array(usize, Vec<Node>),
}

/// Builds the tree from the events of a walk.
#[derive(Default)]
struct Builder {
    open: Vec<Open>,
    root: Option<Node>,
}

impl Builder {
    /// Puts a finished value where it belongs: in the container around it,
    /// or at the root.
    fn place(&mut self, value: Node) {
        match self.open.last_mut() {
            None => self.root = Some(value),
            Some(Open::Array(_, items)) => items.push(value),
            Some(Open::Object(_, members, key)) => {
                let (key, key_span) = key.take().unwrap_or_default();
                members.push(Member {
                    key,
                    key_span,
                    value,
                });
            }
        }
    }
}

impl Visitor for Builder {
    fn open(&mut self, at: usize, container: Container) {
        self.open.push(match container {
            Container::Object => Open::Object(at, Vec::new(), None),
            Container::Array => Open::Array(at, Vec::new()),
        });
    }

    fn scalar(&mut self, span: Range<usize>) {
        self.place(Node {
            span,
            kind: Kind::Scalar,
        });
    }

    fn close(&mut self, end: usize) {
        let node = match self.open.pop() {
            Some(Open::Object(start, members, _)) => Node {
                span: start..end,
                kind: Kind::Object(members),
            },
            Some(Open::Array(start, items)) => Node {
                span: start..end,
                kind: Kind::Array(items),
            },
            None => return,
        };
        self.place(node);
    }

    fn key(&mut self, key: &str, span: Range<usize>) {
        if let Some(Open::Object(_, _, pending)) = self.open.last_mut() {
            *pending = Some((key.to_owned(), span));
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
