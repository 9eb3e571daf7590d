//! The unified diff `patch --diff` prints, with the values of secret-looking
//! settings masked.
//!
//! A diff shows context lines around each change, and in a task definition
//! those are often the neighbouring environment entries: an API key or a
//! database password would end up in a terminal, a CI log or a pasted
//! review. Every secret is masked wherever it appears in the diff, on both
//! sides, changed lines included.
//!
//! The `-` side is the file's own text, which may spell a value with any
//! JSON escaping (`\u0026` for `&` as Terraform's `jsonencode` writes it,
//! `\/` for `/`). So the masker reads each JSON string on a line, decodes
//! it, finds the secrets in the decoded text, and replaces the raw bytes
//! that spell them; the rest of the line stays byte for byte.

use std::borrow::Cow;
use std::ops::Range;

use similar::TextDiff;

use super::safe::{printable, printable_json};

/// What a masked value is shown as.
pub const MASK: &str = "********";

/// A secret this long is masked wherever it appears, even inside a word
/// (a key inside a URL). A shorter one only as a whole word, so that the
/// value `API_KEY` does not eat into the name `DD_API_KEY`.
const MASKED_ANYWHERE: usize = 12;

/// The unified diff from `old` to `new`, with each of `secrets` masked and
/// nothing in it able to control a terminal. Empty when nothing changed.
pub fn unified(old: &str, new: &str, name: &str, secrets: &[String]) -> String {
    unified_between(old, new, (name, name), secrets)
}

/// [`unified`] between two things with names of their own, such as a
/// registered revision and the one a command would register
/// (`--- a/web:7`, `+++ b/web:new`).
pub fn unified_between(
    old: &str,
    new: &str,
    (old_name, new_name): (&str, &str),
    secrets: &[String],
) -> String {
    if old == new {
        return String::new();
    }
    // Longest first: masking a prefix secret first would leave the rest of
    // a longer one in clear.
    let mut secrets: Vec<Vec<char>> = secrets
        .iter()
        .filter(|s| !s.is_empty())
        .map(|s| s.chars().collect())
        .collect();
    secrets.sort_by(|a, b| b.len().cmp(&a.len()).then_with(|| a.cmp(b)));
    secrets.dedup();
    // git's a/ and b/ prefixes, without doubling the slash of an absolute path.
    let old_path = printable(old_name.trim_start_matches('/'));
    let new_path = printable(new_name.trim_start_matches('/'));
    let mut out = format!("--- a/{old_path}\n+++ b/{new_path}\n");
    let body = TextDiff::from_lines(old, new)
        .unified_diff()
        .context_radius(3)
        .to_string();
    for line in body.split_inclusive('\n') {
        out.push_str(&printable_json(&mask_line(line, &secrets)));
    }
    out
}

/// `line` with the secrets in each of its JSON strings masked.
fn mask_line<'a>(line: &'a str, secrets: &[Vec<char>]) -> Cow<'a, str> {
    if secrets.is_empty() || !line.contains('"') {
        return Cow::Borrowed(line);
    }
    let mut out = String::with_capacity(line.len());
    let mut rest = line;
    while let Some(open) = rest.find('"') {
        out.push_str(&rest[..=open]);
        let literal = &rest[open + 1..];
        let (chars, end) = decode(literal);
        out.push_str(&mask_string(&literal[..end], &chars, secrets));
        rest = &literal[end..];
        if let Some(after) = rest.strip_prefix('"') {
            out.push('"');
            rest = after;
        }
    }
    out.push_str(rest);
    Cow::Owned(out)
}

/// The decoded characters of the JSON string starting at `raw` (after its
/// opening quote), each with the bytes of `raw` that spell it, and where
/// the string ends (its closing quote, or the end of `raw`).
fn decode(raw: &str) -> (Vec<(char, Range<usize>)>, usize) {
    let mut chars = Vec::new();
    let mut at = 0;
    while let Some(c) = raw[at..].chars().next() {
        let (decoded, len) = match c {
            '"' => return (chars, at),
            '\\' => unescape(&raw[at..]),
            c => (c, c.len_utf8()),
        };
        chars.push((decoded, at..at + len));
        at += len;
    }
    (chars, raw.len())
}

/// The character the escape at the start of `raw` stands for, and the
/// length of the escape in bytes. A malformed escape stands for itself.
fn unescape(raw: &str) -> (char, usize) {
    let unit = |at: usize| {
        raw.get(at..at + 4)
            .filter(|hex| hex.bytes().all(|b| b.is_ascii_hexdigit()))
            .and_then(|hex| u32::from_str_radix(hex, 16).ok())
    };
    match raw[1..].chars().next() {
        Some('u') => match unit(2) {
            Some(high @ 0xD800..=0xDBFF) => {
                let low = raw.get(6..8).filter(|u| *u == "\\u").and(unit(8));
                match low {
                    Some(low @ 0xDC00..=0xDFFF) => {
                        let code = 0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00);
                        (
                            char::from_u32(code).unwrap_or(char::REPLACEMENT_CHARACTER),
                            12,
                        )
                    }
                    _ => (char::REPLACEMENT_CHARACTER, 6),
                }
            }
            Some(code) => (
                char::from_u32(code).unwrap_or(char::REPLACEMENT_CHARACTER),
                6,
            ),
            None => ('u', 2),
        },
        Some(c) => {
            let decoded = match c {
                'b' => '\u{8}',
                'f' => '\u{c}',
                'n' => '\n',
                'r' => '\r',
                't' => '\t',
                other => other,
            };
            (decoded, 1 + c.len_utf8())
        }
        None => ('\\', 1),
    }
}

/// `raw`, the text of one JSON string, with the bytes that spell each
/// secret replaced by [`MASK`].
fn mask_string<'a>(
    raw: &'a str,
    chars: &[(char, Range<usize>)],
    secrets: &[Vec<char>],
) -> Cow<'a, str> {
    let decoded: Vec<char> = chars.iter().map(|(c, _)| *c).collect();
    let mut hidden: Vec<Range<usize>> = Vec::new();
    for secret in secrets {
        for start in occurrences(&decoded, secret) {
            let found = start..start + secret.len();
            let overlaps = hidden
                .iter()
                .any(|h| h.start < found.end && found.start < h.end);
            if !overlaps && maskable(&decoded, &found) {
                hidden.push(found);
            }
        }
    }
    if hidden.is_empty() {
        return Cow::Borrowed(raw);
    }
    hidden.sort_by_key(|h| h.start);
    let mut out = String::with_capacity(raw.len());
    let mut at = 0;
    for h in hidden {
        out.push_str(&raw[at..chars[h.start].1.start]);
        out.push_str(MASK);
        at = chars[h.end - 1].1.end;
    }
    out.push_str(&raw[at..]);
    Cow::Owned(out)
}

/// Where `needle` starts in `text`, every place.
fn occurrences<'a>(text: &'a [char], needle: &'a [char]) -> impl Iterator<Item = usize> + 'a {
    text.windows(needle.len())
        .enumerate()
        .filter(move |(_, window)| *window == needle)
        .map(|(start, _)| start)
}

/// Whether the secret found at `found` in `text` is masked: the whole
/// string, a long secret anywhere, a short one as a word of its own (an
/// argument in a shell command, a value after `=`).
fn maskable(text: &[char], found: &Range<usize>) -> bool {
    let word = |c: char| c.is_alphanumeric() || c == '_';
    let whole = found.start == 0 && found.end == text.len();
    let starts_a_word =
        found.start == 0 || !word(text[found.start - 1]) || !word(text[found.start]);
    let ends_a_word =
        found.end == text.len() || !word(text[found.end]) || !word(text[found.end - 1]);
    whole || found.len() >= MASKED_ANYWHERE || (starts_a_word && ends_a_word)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn secrets(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn masks_secrets_in_context_and_changed_lines() {
        let old = "{\n  \"a\": 1,\n  \"value\": \"s3cr3t-key\",\n  \"pw\": \"x\"\n}\n";
        let new = "{\n  \"a\": 2,\n  \"value\": \"s3cr3t-key\",\n  \"pw\": \"y\"\n}\n";
        let diff = unified(old, new, "t.json", &secrets(&["s3cr3t-key", "x"]));
        assert!(diff.starts_with("--- a/t.json\n+++ b/t.json\n"), "{diff}");
        assert!(diff.contains("-  \"a\": 1,\n+  \"a\": 2,\n"), "{diff}");
        assert!(diff.contains(" \"value\": \"********\""), "{diff}");
        assert!(diff.contains("-  \"pw\": \"********\""), "{diff}");
        assert!(!diff.contains("s3cr3t"), "{diff}");
    }

    #[test]
    fn short_secrets_are_masked_only_as_whole_words() {
        let old = "\"name\": \"DD_API_KEY\",\n\"value\": \"API_KEY\"\n";
        let new = format!("{old}x\n");
        let diff = unified(old, &new, "t", &secrets(&["API_KEY"]));
        assert!(diff.contains("\"DD_API_KEY\""), "{diff}");
        assert!(diff.contains("\"value\": \"********\""), "{diff}");
    }

    #[test]
    fn escaped_spellings_are_masked_by_their_decoded_value() {
        let old = "{\"value\":\"Sup3r\\u0026Secret\\u003cPass\\u003e\",\n\"url\":\"https:\\/\\/db.example\\/x\"}\n";
        let new = "{\"value\":\"Sup3r&Secret<Pass>\",\n\"url\":\"https://db.example/x\"}\n";
        let diff = unified(
            old,
            new,
            "t",
            &secrets(&["Sup3r&Secret<Pass>", "https://db.example/x"]),
        );
        assert!(diff.contains("-{\"value\":\"********\","), "{diff}");
        assert!(diff.contains("+{\"value\":\"********\","), "{diff}");
        assert!(diff.contains("-\"url\":\"********\"}"), "{diff}");
        for leak in ["Sup3r", "Secret", "db.example"] {
            assert!(!diff.contains(leak), "{leak} in {diff}");
        }
    }

    #[test]
    fn a_prefix_secret_never_uncovers_a_longer_one() {
        let old = "[\"abcdefghijklmn\", \"abcdefghijklmn0123456789\"]\n";
        let new = "[\"abcdefghijklmn0123456789\"]\n";
        // In the order a careless caller might pass them: shorter first.
        let diff = unified(
            old,
            new,
            "t",
            &secrets(&["abcdefghijklmn", "abcdefghijklmn0123456789"]),
        );
        assert!(!diff.contains("0123456789"), "{diff}");
        assert!(diff.contains("-[\"********\", \"********\"]"), "{diff}");
    }

    #[test]
    fn a_short_secret_in_a_shell_command_is_masked() {
        let old = "\"command\": [\"app\", \"--db-password\", \"pw123\"]\n";
        let new = "\"entryPoint\": [\"sh\", \"-c\", \"x=1\\nexec app --db-password pw123\"]\n";
        let diff = unified(old, new, "t", &secrets(&["pw123"]));
        assert!(!diff.contains("pw123"), "{diff}");
        assert!(diff.contains("--db-password ********\"]"), "{diff}");
        assert!(diff.contains("\"--db-password\", \"********\"]"), "{diff}");
    }

    #[test]
    fn surrogate_pairs_and_malformed_escapes_decode() {
        assert_eq!(unescape("\\ud83d\\ude00"), ('😀', 12));
        assert_eq!(unescape("\\ud83dx"), (char::REPLACEMENT_CHARACTER, 6));
        assert_eq!(unescape("\\u12"), ('u', 2));
        assert_eq!(unescape("\\/"), ('/', 2));
        assert_eq!(unescape("\\"), ('\\', 1));
        let old = "\"\\ud83d\\ude00pw\"\n";
        let diff = unified(old, "x\n", "t", &secrets(&["😀pw"]));
        assert!(diff.contains("-\"********\""), "{diff}");
    }

    #[test]
    fn nothing_in_the_diff_reaches_the_terminal_raw() {
        let old = "{\"a\": \"x\u{9b}2J\"}\n";
        let diff = unified(old, "{}\n", "t\u{1b}]0;x\u{7}.json", &[]);
        assert!(
            !diff.chars().any(|c| c.is_control() && c != '\n'),
            "{diff:?}"
        );
        assert!(diff.contains("\\u009b2J"), "{diff}");
    }

    #[test]
    fn no_change_no_diff() {
        assert_eq!(unified("x\n", "x\n", "t.json", &[]), "");
    }
}
