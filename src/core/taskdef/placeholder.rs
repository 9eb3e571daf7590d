//! Placeholders left in a task definition, of two kinds.
//!
//! Template placeholders (`${var}` for Terraform/envsubst/CloudFormation,
//! `{{ ... }}` for Go templates and Jinja) mean the file is a template, not
//! the task definition ECS will see: patching it would bake guesses into a
//! file that is rendered later, so `patch` refuses it. Shell expansions are
//! not placeholders: `${HOME}` in an entryPoint, a command, an environment
//! value or a health check is expanded by the container's shell, and
//! CloudFormation pseudo parameters (`${AWS::Region}`) are left alone too.
//!
//! Angle-bracket placeholders (`<YOUR_DATADOG_API_KEY>`, `<IMAGE1_NAME>`)
//! are what documentation and CodeDeploy files leave for a human to fill
//! in; the file is still JSON that registers, so `check` only warns.

use serde_json::Value;

use crate::core::json::position::{push_index, push_token};

/// One placeholder: where it is (a JSON pointer) and its text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    pub pointer: String,
    pub text: String,
}

/// The first template placeholder in document order, outside shell text.
pub fn first_template(value: &Value) -> Option<Found> {
    let mut found = None;
    walk(value, &mut Vec::new(), false, &mut |path, text| {
        if found.is_none() {
            found = template_in(text).map(|text| Found {
                pointer: pointer(path),
                text,
            });
        }
    });
    found
}

/// Every angle-bracket placeholder, in document order, outside the shell
/// text of entryPoint and command (where `<` and `>` are redirections).
pub fn angle_placeholders(value: &Value) -> Vec<Found> {
    let mut found = Vec::new();
    walk(value, &mut Vec::new(), true, &mut |path, text| {
        if let Some(text) = angle_in(text) {
            found.push(Found {
                pointer: pointer(path),
                text,
            });
        }
    });
    found
}

/// Whether `text` is, in full, an angle-bracket placeholder.
pub fn is_angle_placeholder(text: &str) -> bool {
    angle_in(text).is_some_and(|found| found == text.trim())
}

/// One step from the document's root: a key or an index.
enum Step<'a> {
    Key(&'a str),
    Index(usize),
}

/// The JSON pointer of a path. Built only for what is found: most strings
/// hold no placeholder.
fn pointer(path: &[Step]) -> String {
    let mut pointer = String::new();
    for step in path {
        match step {
            Step::Key(key) => push_token(&mut pointer, key),
            Step::Index(index) => push_index(&mut pointer, *index),
        }
    }
    pointer
}

/// Calls `visit` on every string value not in shell text. Environment
/// values count as shell text for templates (`env_values_are_data` false)
/// and as data for angle placeholders.
fn walk<'a>(
    value: &'a Value,
    path: &mut Vec<Step<'a>>,
    env_values_are_data: bool,
    visit: &mut dyn FnMut(&[Step], &str),
) {
    match value {
        Value::String(text) => visit(path, text),
        Value::Array(items) => {
            for (index, item) in items.iter().enumerate() {
                path.push(Step::Index(index));
                walk(item, path, env_values_are_data, visit);
                path.pop();
            }
        }
        Value::Object(map) => {
            for (key, item) in map {
                if key == "entryPoint" || key == "command" {
                    continue;
                }
                path.push(Step::Key(key));
                if key == "environment" && !env_values_are_data {
                    walk_environment(item, path, visit);
                } else {
                    walk(item, path, env_values_are_data, visit);
                }
                path.pop();
            }
        }
        Value::Null | Value::Bool(_) | Value::Number(_) => {}
    }
}

/// Visits an environment array, skipping each entry's `value`.
fn walk_environment<'a>(
    value: &'a Value,
    path: &mut Vec<Step<'a>>,
    visit: &mut dyn FnMut(&[Step], &str),
) {
    let Value::Array(entries) = value else {
        return walk(value, path, false, visit);
    };
    for (index, entry) in entries.iter().enumerate() {
        path.push(Step::Index(index));
        match entry {
            Value::Object(map) => {
                for (key, item) in map.iter().filter(|(key, _)| *key != "value") {
                    path.push(Step::Key(key));
                    walk(item, path, false, visit);
                    path.pop();
                }
            }
            other => walk(other, path, false, visit),
        }
        path.pop();
    }
}

/// The longest placeholder text shown in a message.
const SHOWN: usize = 60;

fn shorten(text: &str) -> String {
    if text.chars().count() <= SHOWN {
        return text.to_owned();
    }
    let mut short: String = text.chars().take(SHOWN - 1).collect();
    short.push('…');
    short
}

/// The first `${...}`, `{{ ... }}` or `{% ... %}` in `text`.
fn template_in(text: &str) -> Option<String> {
    let mut rest = text;
    let mut offset = 0;
    while let Some(start) = rest.find(['$', '{']) {
        let tail = &rest[start..];
        let close = if tail.starts_with("${") {
            tail.find('}')
                .filter(|&end| end > 2 && !tail[2..end].starts_with("AWS::"))
                .map(|end| end + 1)
        } else if tail.starts_with("{{") {
            tail.find("}}").map(|end| end + 2)
        } else if tail.starts_with("{%") {
            tail.find("%}").map(|end| end + 2)
        } else {
            None
        };
        if let Some(end) = close {
            return Some(shorten(&text[offset + start..offset + start + end]));
        }
        offset += start + 1;
        rest = &text[offset..];
    }
    None
}

/// The first `<WORDS>` in `text`: a letter, then letters, digits, spaces
/// and `_ . : / -`, closed by `>`.
fn angle_in(text: &str) -> Option<String> {
    let mut offset = 0;
    while let Some(start) = text[offset..].find('<') {
        let open = offset + start;
        let inner = &text[open + 1..];
        let end = inner.find(|c: char| !(c.is_ascii_alphanumeric() || " _.:/-".contains(c)));
        if let Some(end) = end {
            let words = &inner[..end];
            let closed = inner[end..].starts_with('>');
            if closed
                && words.len() >= 2
                && words.starts_with(|c: char| c.is_ascii_alphabetic())
                && !words.ends_with(' ')
            {
                return Some(shorten(&text[open..open + end + 2]));
            }
        }
        offset = open + 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn templates_are_found_with_their_pointer() {
        let task = json!({"containerDefinitions": [{"name": "app", "image": "repo:{{ must_env `TAG` }}"}]});
        assert_eq!(
            first_template(&task),
            Some(Found {
                pointer: "/containerDefinitions/0/image".into(),
                text: "{{ must_env `TAG` }}".into()
            })
        );
        let task = json!({"family": "x", "executionRoleArn": "arn:${Partition}:iam::1:role/r"});
        assert_eq!(first_template(&task).unwrap().text, "${Partition}");
    }

    #[test]
    fn shell_text_and_pseudo_parameters_are_not_templates() {
        let task = json!({"containerDefinitions": [{
            "name": "app",
            "entryPoint": ["sh", "-c", "exec ${APP_BIN}"],
            "command": ["{{ not-ours }}"],
            "environment": [{"name": "PATH", "value": "${HOME}/bin"}],
            "healthCheck": {"command": ["CMD-SHELL", "curl ${URL} || exit 1"]},
            "logConfiguration": {"options": {"awslogs-region": "${AWS::Region}"}},
            "image": "$awsAccount.dkr.ecr.amazonaws.com/x:latest",
            "dockerLabels": {"a": "%%host%%", "b": "${", "c": "{}"}
        }]});
        assert_eq!(first_template(&task), None);
    }

    #[test]
    fn environment_names_are_still_checked() {
        let task = json!([{"name": "a", "environment": [{"name": "${n}", "value": "v"}]}]);
        assert_eq!(
            first_template(&task).unwrap().pointer,
            "/0/environment/0/name"
        );
    }

    #[test]
    fn long_placeholders_are_shortened() {
        let long = format!("${{{}}}", "x".repeat(100));
        let text = template_in(&long).unwrap();
        assert_eq!(text.chars().count(), SHOWN);
        assert!(text.ends_with('…'));
    }

    #[test]
    fn angle_placeholders_outside_shell_text() {
        let task = json!({
            "executionRoleArn": "<YOUR TASK EXECUTION ROLE ARN HERE>",
            "containerDefinitions": [{
                "name": "app",
                "image": "<IMAGE1_NAME>",
                "command": ["sh", "-c", "app < in.txt > out.txt"],
                "environment": [{"name": "DD_API_KEY", "value": "<YOUR_DATADOG_API_KEY>"},
                                {"name": "CMP", "value": "a < b and c > d"}],
                "dockerLabels": {"x": "arn:aws:iam::<ACCOUNT_ID>:role/r"}
            }]
        });
        let found: Vec<_> = angle_placeholders(&task)
            .into_iter()
            .map(|f| (f.pointer, f.text))
            .collect();
        assert_eq!(
            found,
            [
                (
                    "/executionRoleArn".to_owned(),
                    "<YOUR TASK EXECUTION ROLE ARN HERE>".to_owned()
                ),
                (
                    "/containerDefinitions/0/image".to_owned(),
                    "<IMAGE1_NAME>".to_owned()
                ),
                (
                    "/containerDefinitions/0/environment/0/value".to_owned(),
                    "<YOUR_DATADOG_API_KEY>".to_owned()
                ),
                (
                    "/containerDefinitions/0/dockerLabels/x".to_owned(),
                    "<ACCOUNT_ID>".to_owned()
                ),
            ]
        );
        assert!(is_angle_placeholder("<PRIVATE IP OF THE EC2 INSTANCE>"));
        assert!(!is_angle_placeholder("10.0.0.1"));
    }
}
