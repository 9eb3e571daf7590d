//! The unified diff `patch --diff` prints, with the values of secret-looking
//! environment variables masked.
//!
//! A diff shows context lines around each change, and in a task definition
//! those are often the neighbouring environment entries: an API key or a
//! database password would end up in a terminal, a CI log or a pasted
//! review. Every value whose variable name looks secret is masked wherever
//! it appears in the diff, changed lines included.

use similar::TextDiff;

/// What a masked value is shown as.
pub const MASK: &str = "********";

/// The unified diff from `old` to `new`, with each of `secrets` masked.
/// Empty when nothing changed.
pub fn unified(old: &str, new: &str, name: &str, secrets: &[String]) -> String {
    if old == new {
        return String::new();
    }
    // git's a/ and b/ prefixes, without doubling the slash of an absolute path.
    let path = name.trim_start_matches('/');
    let diff = TextDiff::from_lines(old, new)
        .unified_diff()
        .context_radius(3)
        .header(&format!("a/{path}"), &format!("b/{path}"))
        .to_string();
    mask(&diff, secrets)
}

/// Replaces each secret as JSON writes it: the quoted string always, and the
/// bare text too (a key inside a URL) when it is long enough not to hit
/// unrelated words such as the variable's own name.
fn mask(text: &str, secrets: &[String]) -> String {
    let mut masked = text.to_owned();
    for secret in secrets {
        let quoted = serde_json::Value::String(secret.clone()).to_string();
        masked = masked.replace(&quoted, &format!("\"{MASK}\""));
        let inner = &quoted[1..quoted.len() - 1];
        if inner.chars().count() >= 12 {
            masked = masked.replace(inner, MASK);
        }
    }
    masked
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_secrets_in_context_and_changed_lines() {
        let old = "{\n  \"a\": 1,\n  \"value\": \"s3cr3t-key\",\n  \"pw\": \"x\"\n}\n";
        let new = "{\n  \"a\": 2,\n  \"value\": \"s3cr3t-key\",\n  \"pw\": \"y\"\n}\n";
        let diff = unified(old, new, "t.json", &["s3cr3t-key".into(), "x".into()]);
        assert!(diff.starts_with("--- a/t.json\n+++ b/t.json\n"), "{diff}");
        assert!(diff.contains("-  \"a\": 1,\n+  \"a\": 2,\n"), "{diff}");
        assert!(diff.contains(" \"value\": \"********\""), "{diff}");
        assert!(diff.contains("-  \"pw\": \"********\""), "{diff}");
        assert!(!diff.contains("s3cr3t"), "{diff}");
    }

    #[test]
    fn short_secrets_are_masked_only_as_whole_values() {
        let old = "\"name\": \"DD_API_KEY\",\n\"value\": \"API_KEY\"\n";
        let new = format!("{old}x\n");
        let diff = unified(old, &new, "t", &["API_KEY".into()]);
        assert!(diff.contains("\"DD_API_KEY\""), "{diff}");
        assert!(diff.contains("\"value\": \"********\""), "{diff}");
    }

    #[test]
    fn no_change_no_diff() {
        assert_eq!(unified("x\n", "x\n", "t.json", &[]), "");
    }
}
