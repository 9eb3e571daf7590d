//! Light JSON highlighting for the preview: keys, string values and
//! literals get different colours. Only used when colour is allowed; the
//! text itself is never changed. Works line by line, which is enough for
//! pretty-printed JSON, where no token spans two lines.

use ratatui::style::Style;

use super::theme::Theme;

/// A byte range of a line and its style.
pub type Segment = (usize, usize, Style);

/// Segments covering all of `line`, in order.
pub fn json_line(line: &str, theme: &Theme) -> Vec<Segment> {
    let bytes = line.as_bytes();
    let mut segments: Vec<Segment> = Vec::new();
    let mut push = |start: usize, end: usize, style: Style| {
        if start == end {
            return;
        }
        match segments.last_mut() {
            Some(last) if last.2 == style && last.1 == start => last.1 = end,
            _ => segments.push((start, end, style)),
        }
    };
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b == b'"' {
            let end = string_end(bytes, i);
            let rest = line[end..].trim_start();
            let style = if rest.starts_with(':') {
                theme.json_key()
            } else {
                theme.json_string()
            };
            push(i, end, style);
            i = end;
        } else if b == b'-' || b.is_ascii_digit() {
            let end = i + bytes[i..]
                .iter()
                .take_while(|c| c.is_ascii_digit() || matches!(c, b'-' | b'+' | b'.' | b'e' | b'E'))
                .count();
            push(i, end, theme.json_literal());
            i = end;
        } else if let Some(word) = ["true", "false", "null"]
            .into_iter()
            .find(|w| line[i..].starts_with(w))
        {
            push(i, i + word.len(), theme.json_literal());
            i += word.len();
        } else {
            // Punctuation and spaces up to the next token. Every byte
            // skipped is ASCII, so `i` stays on a char boundary.
            let end = i
                + 1
                + bytes[i + 1..]
                    .iter()
                    .take_while(|c| !matches!(c, b'"' | b'-' | b'0'..=b'9' | b't' | b'f' | b'n'))
                    .count();
            push(i, end, theme.plain());
            i = end;
        }
    }
    segments
}

/// The index just past the closing quote of the string starting at
/// `start`, or the end of the line.
fn string_end(bytes: &[u8], start: usize) -> usize {
    let mut j = start + 1;
    while j < bytes.len() {
        match bytes[j] {
            b'\\' => j += 2,
            b'"' => return j + 1,
            _ => j += 1,
        }
    }
    bytes.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(line: &str) -> Vec<(&str, &'static str)> {
        let t = Theme::COLOUR;
        json_line(line, &t)
            .into_iter()
            .map(|(s, e, style)| {
                let kind = if style == t.json_key() {
                    "key"
                } else if style == t.json_string() {
                    "str"
                } else if style == t.json_literal() {
                    "lit"
                } else {
                    "-"
                };
                (&line[s..e], kind)
            })
            .collect()
    }

    #[test]
    fn keys_strings_and_literals() {
        assert_eq!(
            kinds(r#"  "name": "a \"q\" ü","#),
            [
                ("  ", "-"),
                (r#""name""#, "key"),
                (": ", "-"),
                (r#""a \"q\" ü""#, "str"),
                (",", "-")
            ]
        );
        assert_eq!(
            kinds(r#""cpu": 100, "ok": true"#),
            [
                (r#""cpu""#, "key"),
                (": ", "-"),
                ("100", "lit"),
                (", ", "-"),
                (r#""ok""#, "key"),
                (": ", "-"),
                ("true", "lit")
            ]
        );
    }

    #[test]
    fn segments_cover_the_line_exactly() {
        for line in [
            r#"{"a": [1, -2.5e3, null], "b": "x\\"}"#,
            "",
            "]",
            "\"unterminated",
        ] {
            let segments = json_line(line, &Theme::COLOUR);
            let mut at = 0;
            for (s, e, _) in segments {
                assert_eq!(s, at);
                at = e;
            }
            assert_eq!(at, line.len());
        }
    }
}
