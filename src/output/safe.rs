//! The one function that makes input safe to print on a terminal or in a
//! log line: text from files, flags and the environment may hold escape
//! sequences (a container named `"\u001b]0;PWNED\u0007"` would retitle the
//! terminal) or newlines that split a one-line message.

use std::borrow::Cow;

use crate::core::report::{Finding, Report};

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

/// `report` with every piece of input in it (container names, and the
/// values quoted in messages and fixes) made [`printable`].
pub fn printable_report(report: &Report) -> Report {
    let safe = |text: &str| printable(text).into_owned();
    Report {
        findings: report
            .findings
            .iter()
            .map(|finding| Finding {
                container: finding.container.as_deref().map(safe),
                message: safe(&finding.message),
                fix: safe(&finding.fix),
                ..finding.clone()
            })
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
