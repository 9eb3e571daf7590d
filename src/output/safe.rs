//! The one function that makes input safe to print on a terminal or in a
//! log line: text from files, flags and the environment may hold escape
//! sequences (a container named `"\u001b]0;PWNED\u0007"` would retitle the
//! terminal) or newlines that split a one-line message.

use std::borrow::Cow;

use serde_json::ser::{Formatter, PrettyFormatter};

/// Bidirectional overrides and isolates: invisible, and they reorder what
/// follows them on screen.
fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}')
}

fn needs_escape(c: char) -> bool {
    c.is_control() || is_bidi_control(c)
}

/// `text` with every control character (C0, DEL, C1) and bidi control
/// written as a visible escape (`\n`, `\t`, `\u{1b}`), so nothing in it can
/// move the cursor, change the terminal or break a line. Borrowed when there
/// is nothing to escape.
pub fn printable(text: &str) -> Cow<'_, str> {
    if !text.chars().any(needs_escape) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if needs_escape(c) => out.push_str(&format!("\\u{{{:x}}}", u32::from(c))),
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// JSON text (a document, or lines of one) with every control character
/// and bidi control written as a JSON `\uXXXX` escape. Valid JSON holds such
/// characters only inside strings, where the escape means the same, so the
/// output is still the same JSON; line breaks, tabs and CRLF endings stay.
pub fn printable_json(text: &str) -> Cow<'_, str> {
    let keep =
        |c: char, next: Option<char>| c == '\n' || c == '\t' || (c == '\r' && next == Some('\n'));
    if !text.chars().any(needs_escape) {
        return Cow::Borrowed(text);
    }
    let mut chars = text.chars().peekable();
    let mut out = String::with_capacity(text.len() + 8);
    while let Some(c) = chars.next() {
        if needs_escape(c) && !keep(c, chars.peek().copied()) {
            out.push_str(&format!("\\u{:04x}", u32::from(c)));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// Writes `value` as pretty JSON whose strings hold no character a
/// terminal would act on: serde_json escapes C0 controls itself, this also
/// escapes DEL, C1 controls and bidi controls as `\uXXXX`, so the output is
/// the same JSON and streams like `serde_json::to_writer_pretty`.
pub fn to_writer_pretty<W: std::io::Write, T: serde::Serialize + ?Sized>(
    writer: W,
    value: &T,
) -> serde_json::Result<()> {
    let mut serializer =
        serde_json::Serializer::with_formatter(writer, PrintableFormatter(PrettyFormatter::new()));
    value.serialize(&mut serializer)
}

struct PrintableFormatter<'a>(PrettyFormatter<'a>);

impl Formatter for PrintableFormatter<'_> {
    fn write_string_fragment<W: ?Sized + std::io::Write>(
        &mut self,
        writer: &mut W,
        fragment: &str,
    ) -> std::io::Result<()> {
        let mut start = 0;
        for (at, c) in fragment.char_indices() {
            if needs_escape(c) {
                writer.write_all(&fragment.as_bytes()[start..at])?;
                write!(writer, "\\u{:04x}", u32::from(c))?;
                start = at + c.len_utf8();
            }
        }
        writer.write_all(&fragment.as_bytes()[start..])
    }

    fn begin_array<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.0.begin_array(w)
    }

    fn end_array<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.0.end_array(w)
    }

    fn begin_array_value<W: ?Sized + std::io::Write>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> std::io::Result<()> {
        self.0.begin_array_value(w, first)
    }

    fn end_array_value<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.0.end_array_value(w)
    }

    fn begin_object<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.0.begin_object(w)
    }

    fn end_object<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.0.end_object(w)
    }

    fn begin_object_key<W: ?Sized + std::io::Write>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> std::io::Result<()> {
        self.0.begin_object_key(w, first)
    }

    fn begin_object_value<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.0.begin_object_value(w)
    }

    fn end_object_value<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.0.end_object_value(w)
    }
}

/// Where messages to a person go (stderr), one line each: every message
/// is written as [`printable`] text after the program's name, so what it
/// quotes from input (file and container names, values, paths) needs no
/// call of its own, and a forgotten one cannot let input drive the terminal
/// or split the line. There is no other way to write through it.
pub struct Messages<W: std::io::Write + ?Sized> {
    out: W,
}

impl<W: std::io::Write> Messages<W> {
    pub fn new(out: W) -> Messages<W> {
        Messages { out }
    }
}

impl<W: std::io::Write + ?Sized> Messages<W> {
    /// Writes `ddecs-wizard: MESSAGE` and a line break.
    pub fn say(&mut self, message: impl std::fmt::Display) -> std::io::Result<()> {
        let text = message.to_string();
        writeln!(self.out, "ddecs-wizard: {}", printable(&text))?;
        self.out.flush()
    }
}

/// A writer of lines for a person (stderr), for output of many lines (a
/// diff, a plan, a report): line breaks and tabs pass, every other control
/// character and bidi control is written as [`printable`] writes it, and
/// bytes that are not UTF-8 as `\x..`. Whatever reaches it, a quoted name
/// that missed its own [`printable`] call included, cannot drive the
/// terminal. A character split across two writes is held until it is whole.
pub struct Lines<W: std::io::Write> {
    out: W,
    /// The start of a UTF-8 sequence the last write ended in.
    partial: Vec<u8>,
}

impl<W: std::io::Write> Lines<W> {
    pub fn new(out: W) -> Lines<W> {
        Lines {
            out,
            partial: Vec::new(),
        }
    }

    fn write_text(&mut self, text: &str) -> std::io::Result<()> {
        if !text
            .chars()
            .any(|c| needs_escape(c) && c != '\n' && c != '\t')
        {
            return self.out.write_all(text.as_bytes());
        }
        let mut escaped = String::with_capacity(text.len() + 8);
        for c in text.chars() {
            match c {
                '\n' | '\t' => escaped.push(c),
                c if needs_escape(c) => escaped.push_str(&printable(c.encode_utf8(&mut [0; 4]))),
                c => escaped.push(c),
            }
        }
        self.out.write_all(escaped.as_bytes())
    }
}

impl<W: std::io::Write> std::io::Write for Lines<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let mut bytes = std::mem::take(&mut self.partial);
        bytes.extend_from_slice(buf);
        let mut rest = &bytes[..];
        loop {
            match std::str::from_utf8(rest) {
                Ok(text) => {
                    self.write_text(text)?;
                    break;
                }
                Err(e) => {
                    let (valid, after) = rest.split_at(e.valid_up_to());
                    // Checked by from_utf8 up to valid_up_to.
                    self.write_text(std::str::from_utf8(valid).unwrap_or_default())?;
                    match e.error_len() {
                        Some(bad) => {
                            for byte in &after[..bad] {
                                write!(self.out, "\\x{byte:02x}")?;
                            }
                            rest = &after[bad..];
                        }
                        None => {
                            self.partial = after.to_vec();
                            break;
                        }
                    }
                }
            }
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.out.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_keep_line_breaks_and_escape_everything_else() {
        let mut out = Vec::new();
        let mut lines = Lines::new(&mut out);
        use std::io::Write as _;
        write!(lines, "plan:\n\tweb\u{1b}]0;x\u{7} \u{202e}ok\r\n").unwrap();
        lines.write_all(b"bad \xff byte\n").unwrap();
        // A character split across two writes comes out whole.
        let e_acute = "\u{e9}".as_bytes();
        lines.write_all(&[b'c', b'a', b'f', e_acute[0]]).unwrap();
        lines.write_all(&e_acute[1..]).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "plan:\n\tweb\\u{1b}]0;x\\u{7} \\u{202e}ok\\r\nbad \\xff byte\ncaf\u{e9}"
        );
    }

    #[test]
    fn a_message_is_one_line_whatever_it_quotes() {
        let mut out = Vec::new();
        let mut err = Messages::new(&mut out);
        err.say(format!("bad name \"{}\"", "a\nb\u{1b}]0;x\u{7}\u{202e}"))
            .unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "ddecs-wizard: bad name \"a\\nb\\u{1b}]0;x\\u{7}\\u{202e}\"\n"
        );
    }

    #[test]
    fn plain_text_is_borrowed() {
        assert!(matches!(printable("app-1 é ✓"), Cow::Borrowed("app-1 é ✓")));
    }

    #[test]
    fn escapes_become_visible() {
        assert_eq!(
            printable("app\u{1b}]0;PWNED\u{7}\u{1b}[2J"),
            "app\\u{1b}]0;PWNED\\u{7}\\u{1b}[2J"
        );
        assert_eq!(
            printable("a\nb\r\tc\u{7f}\u{9b}"),
            "a\\nb\\r\\tc\\u{7f}\\u{9b}"
        );
        assert_eq!(printable("x\u{202E}y"), "x\\u{202e}y");
    }

    #[test]
    fn json_keeps_its_meaning_and_its_lines() {
        let text = "{\r\n  \"a\": \"x\u{9b}y\u{202e}\",\r\n\t\"b\": 1\r}\n";
        let safe = printable_json(text);
        assert_eq!(
            safe,
            "{\r\n  \"a\": \"x\\u009by\\u202e\",\r\n\t\"b\": 1\\u000d}\n"
        );
        let value: serde_json::Value =
            serde_json::from_str(&printable_json("{\"a\": \"x\u{9b}\u{7f}\"}")).unwrap();
        assert_eq!(value["a"], "x\u{9b}\u{7f}");
    }

    proptest::proptest! {
        #[test]
        fn nothing_printed_can_control_a_terminal(text in "\\PC*|[\\x00-\\x1f\\x7f-\\u{9f}a]{0,20}") {
            let safe = printable(&text);
            proptest::prop_assert!(!safe.chars().any(needs_escape));
        }
    }

    #[test]
    fn json_strings_escape_what_serde_json_leaves() {
        let value = serde_json::json!({"name": "a\u{9b}2J\u{202e}x\u{1b}"});
        let mut out = Vec::new();
        to_writer_pretty(&mut out, &value).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(
            !text.chars().any(|c| c != '\n' && needs_escape(c)),
            "{text:?}"
        );
        assert_eq!(
            serde_json::from_str::<serde_json::Value>(&text).unwrap(),
            value
        );
    }
}
