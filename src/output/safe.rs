//! The one function that makes input safe to print on a terminal or in a
//! log line: text from files, flags and the environment may hold escape
//! sequences (a container named `"\u001b]0;PWNED\u0007"` would retitle the
//! terminal) or newlines that split a one-line message.

use std::borrow::Cow;

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

    proptest::proptest! {
        #[test]
        fn nothing_printed_can_control_a_terminal(text in "\\PC*|[\\x00-\\x1f\\x7f-\\u{9f}a]{0,20}") {
            let safe = printable(&text);
            proptest::prop_assert!(!safe.chars().any(needs_escape));
        }
    }
}
