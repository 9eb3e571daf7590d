//! The hand-written DD_AGENT_HOST lookup that Datadog's ECS documentation
//! tells people to put in front of their start command:
//!
//! ```text
//! export DD_AGENT_HOST=$(curl http://169.254.169.254/latest/meta-data/local-ipv4); <start command>
//! ```
//!
//! (and its IMDSv2 form with `TOKEN=$(curl -X PUT ...)` first, or the
//! metadata-file form with `jq`). It trusts whatever curl prints and can
//! hang, so `patch` takes it off and wraps what is left, the real start
//! command, in the safe script instead.

use crate::core::shell;

/// The start command after the documentation's lookup, or `None` when the
/// script does not begin with one that sets DD_AGENT_HOST. An `exec` the
/// user put in front of a single command is dropped: the new script adds
/// its own.
pub fn strip(script: &str) -> Option<&str> {
    let mut rest = script.trim_start();
    let mut sets_host = false;
    while let Some((name, after)) = lookup_assignment(rest) {
        sets_host |= name == "DD_AGENT_HOST";
        rest = after_separator(after)?;
    }
    if !sets_host {
        return None;
    }
    if let Some(command) = rest.strip_prefix("exec ") {
        if shell::exec_form(command).as_deref() == Some(rest) {
            return Some(command);
        }
    }
    Some(rest)
}

/// `[export ]NAME=$(...)` (optionally in double quotes) whose command
/// substitution reads IMDS or the ECS metadata file: the name and the text
/// after it.
fn lookup_assignment(text: &str) -> Option<(&str, &str)> {
    let text = text.strip_prefix("export ").map_or(text, str::trim_start);
    let name_end = text
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .filter(|&end| end > 0)?;
    let (name, rest) = text.split_at(name_end);
    let rest = rest.strip_prefix('=')?;
    let (quoted, rest) = match rest.strip_prefix('"') {
        Some(inner) => (true, inner),
        None => (false, rest),
    };
    let body = rest.strip_prefix("$(")?;
    let close = matching_paren(body)?;
    let inner = &body[..close];
    if !(inner.contains("169.254.169.254") || inner.contains("ECS_CONTAINER_METADATA_FILE")) {
        return None;
    }
    let after = &body[close + 1..];
    let after = if quoted {
        after.strip_prefix('"')?
    } else {
        after
    };
    Some((name, after))
}

/// The index of the `)` that closes a `$(` whose text starts `body`,
/// stepping over quoted text and nested parentheses.
fn matching_paren(body: &str) -> Option<usize> {
    let bytes = body.as_bytes();
    let mut depth = 0usize;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 1,
            b'\'' => i += bytes[i + 1..].iter().position(|&b| b == b'\'')? + 1,
            b'"' => {
                let mut j = i + 1;
                while j < bytes.len() && bytes[j] != b'"' {
                    j += if bytes[j] == b'\\' { 2 } else { 1 };
                }
                i = j;
            }
            b'(' => depth += 1,
            b')' if depth == 0 => return Some(i),
            b')' => depth -= 1,
            _ => {}
        }
        i += 1;
    }
    None
}

/// The text after `;`, `&&` or a newline (and the blanks around it).
fn after_separator(text: &str) -> Option<&str> {
    let text = text.trim_start_matches([' ', '\t']);
    if text.is_empty() {
        return Some(text);
    }
    text.strip_prefix("&&")
        .or_else(|| text.strip_prefix(';'))
        .or_else(|| text.strip_prefix('\n'))
        .map(str::trim_start)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_documented_imdsv1_line_is_taken_off() {
        let script = "export DD_AGENT_HOST=$(curl http://169.254.169.254/latest/meta-data/local-ipv4); java -javaagent:./dd-java-agent.jar -jar app.war";
        assert_eq!(
            strip(script),
            Some("java -javaagent:./dd-java-agent.jar -jar app.war")
        );
    }

    #[test]
    fn the_imdsv2_and_metadata_file_forms_too() {
        let v2 = r#"export TOKEN=$(curl -X PUT "http://169.254.169.254/latest/api/token" -H "X-aws-ec2-metadata-token-ttl-seconds: 21600"); export DD_AGENT_HOST=$(curl http://169.254.169.254/latest/meta-data/local-ipv4 -H "X-aws-ec2-metadata-token: $TOKEN"); python app.py"#;
        assert_eq!(strip(v2), Some("python app.py"));
        let file = "export DD_AGENT_HOST=\"$(cat $ECS_CONTAINER_METADATA_FILE | jq -r .HostPrivateIPv4Address)\" && exec node server.js";
        assert_eq!(strip(file), Some("node server.js"));
        let no_command =
            "export DD_AGENT_HOST=$(curl http://169.254.169.254/latest/meta-data/local-ipv4)";
        assert_eq!(strip(no_command), Some(""));
    }

    #[test]
    fn other_scripts_are_left_alone() {
        for script in [
            "python app.py",
            "export DD_AGENT_HOST=10.0.0.1; python app.py",
            "export TOKEN=$(curl -X PUT http://169.254.169.254/latest/api/token); python app.py",
            "export X=$(curl https://example.com); python app.py",
            "export DD_AGENT_HOST=$(curl http://169.254.169.254/x) python app.py",
            "export DD_AGENT_HOST=$(curl 'http://169.254.169.254/x'",
            "cd /app && export DD_AGENT_HOST=$(curl http://169.254.169.254/x); ./run",
        ] {
            assert_eq!(strip(script), None, "{script}");
        }
    }

    #[test]
    fn compound_rest_keeps_its_exec() {
        let script = "export DD_AGENT_HOST=$(curl http://169.254.169.254/x); exec a; b";
        assert_eq!(strip(script), Some("exec a; b"));
    }
}
