//! Reading IAM policy documents, with no I/O: whether a role's policies
//! allow an action on a resource, and whether its trust policy lets a
//! service assume it. This is what `doctor` asks of a task execution role
//! (read the API key's secret, pull from ECR, be assumed by
//! `ecs-tasks.amazonaws.com`).
//!
//! It reads identity policies the way IAM evaluates them for one request,
//! as far as a document alone tells: an explicit Deny wins, then an Allow;
//! wildcards `*` and `?` in actions (case-insensitive) and resources;
//! `NotAction` and `NotResource`. A statement with a Condition may or may
//! not apply to the request, so it is never taken as certain: an Allow
//! under conditions is reported as such, and a conditional Deny does not
//! deny. Permission boundaries, SCPs and resource policies are not seen.

use percent_encoding::percent_decode_str;
use serde_json::Value;

/// What the policies say about one request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    Allowed,
    /// Only statements with conditions allow it.
    AllowedUnderConditions,
    /// An unconditional Deny matches.
    Denied,
    /// Nothing allows it (IAM's implicit deny).
    NotAllowed,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Effect {
    Allow,
    Deny,
}

/// A list of patterns, or its negation (`NotAction`, `NotResource`).
#[derive(Debug, Clone, PartialEq, Eq)]
struct Patterns {
    negated: bool,
    patterns: Vec<String>,
}

impl Patterns {
    fn matches(&self, value: &str, case_insensitive: bool) -> bool {
        let any = self.patterns.iter().any(|p| {
            if case_insensitive {
                wildcard(&p.to_ascii_lowercase(), &value.to_ascii_lowercase())
            } else {
                wildcard(p, value)
            }
        });
        any != self.negated
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Statement {
    effect: Effect,
    actions: Patterns,
    resources: Patterns,
    conditional: bool,
}

/// An identity policy, parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Policy {
    statements: Vec<Statement>,
}

/// The JSON of a policy document as IAM returns it: URL-encoded (GetRole,
/// GetPolicyVersion, GetRolePolicy), or plain (some endpoints decode it).
pub fn document_json(text: &str) -> Result<Value, String> {
    let trimmed = text.trim_start();
    let decoded = if trimmed.starts_with('{') {
        trimmed.to_owned()
    } else {
        percent_decode_str(trimmed)
            .decode_utf8()
            .map_err(|e| format!("the policy document is not UTF-8: {e}"))?
            .into_owned()
    };
    serde_json::from_str(&decoded).map_err(|e| format!("the policy document is not JSON: {e}"))
}

/// A JSON value that is a string or a list of strings, as a list.
fn strings(value: &Value) -> Vec<String> {
    match value {
        Value::String(s) => vec![s.clone()],
        Value::Array(items) => items
            .iter()
            .filter_map(|v| v.as_str().map(str::to_owned))
            .collect(),
        _ => Vec::new(),
    }
}

fn statements(document: &Value) -> Vec<&Value> {
    match &document["Statement"] {
        Value::Array(items) => items.iter().collect(),
        object @ Value::Object(_) => vec![object],
        _ => Vec::new(),
    }
}

fn patterns(statement: &Value, key: &str) -> Patterns {
    let not_key = format!("Not{key}");
    match statement.get(key) {
        Some(value) => Patterns {
            negated: false,
            patterns: strings(value),
        },
        None => Patterns {
            negated: true,
            patterns: statement.get(&not_key).map(strings).unwrap_or_default(),
        },
    }
}

impl Policy {
    pub fn parse(text: &str) -> Result<Policy, String> {
        let document = document_json(text)?;
        let statements = statements(&document)
            .into_iter()
            .filter_map(|statement| {
                let effect = match statement["Effect"].as_str()? {
                    "Allow" => Effect::Allow,
                    "Deny" => Effect::Deny,
                    _ => return None,
                };
                Some(Statement {
                    effect,
                    actions: patterns(statement, "Action"),
                    resources: patterns(statement, "Resource"),
                    conditional: statement
                        .get("Condition")
                        .is_some_and(|c| c.as_object().is_some_and(|o| !o.is_empty())),
                })
            })
            .collect();
        Ok(Policy { statements })
    }
}

/// What `policies` together say about `action` on `resource`.
pub fn evaluate(policies: &[Policy], action: &str, resource: &str) -> Verdict {
    let matching = policies
        .iter()
        .flat_map(|p| &p.statements)
        .filter(|s| s.actions.matches(action, true) && s.resources.matches(resource, false));
    let mut verdict = Verdict::NotAllowed;
    for statement in matching {
        match (statement.effect, statement.conditional) {
            (Effect::Deny, false) => return Verdict::Denied,
            (Effect::Deny, true) => {}
            (Effect::Allow, false) => verdict = Verdict::Allowed,
            (Effect::Allow, true) => {
                if verdict == Verdict::NotAllowed {
                    verdict = Verdict::AllowedUnderConditions;
                }
            }
        }
    }
    verdict
}

/// Whether a trust policy lets `service` (`ecs-tasks.amazonaws.com`)
/// assume the role: an Allow of sts:AssumeRole to that service principal.
pub fn trusts_service(trust_policy: &str, service: &str) -> Result<bool, String> {
    let document = document_json(trust_policy)?;
    Ok(statements(&document).into_iter().any(|statement| {
        statement["Effect"] == "Allow"
            && patterns(statement, "Action").matches("sts:AssumeRole", true)
            && strings(&statement["Principal"]["Service"])
                .iter()
                .any(|s| s == service)
    }))
}

/// IAM's wildcard match: `*` any run of characters, `?` any one.
fn wildcard(pattern: &str, text: &str) -> bool {
    let (p, t): (Vec<char>, Vec<char>) = (pattern.chars().collect(), text.chars().collect());
    let (mut pi, mut ti) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while ti < t.len() {
        if pi < p.len() && (p[pi] == '?' || p[pi] == t[ti]) {
            pi += 1;
            ti += 1;
        } else if pi < p.len() && p[pi] == '*' {
            star = Some((pi, ti));
            pi += 1;
        } else if let Some((star_p, star_t)) = star {
            pi = star_p + 1;
            ti = star_t + 1;
            star = Some((star_p, star_t + 1));
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|&c| c == '*')
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &str = "arn:aws:secretsmanager:us-east-1:123456789012:secret:dd-api-key-AbCdEf";

    fn policy(json: &str) -> Policy {
        Policy::parse(json).unwrap()
    }

    #[test]
    fn wildcards_match_as_iam_does() {
        assert!(wildcard("arn:aws:secretsmanager:*:*:secret:dd-*", SECRET));
        assert!(wildcard("*", ""));
        assert!(wildcard("a?c", "abc"));
        assert!(!wildcard("a?c", "ac"));
        assert!(!wildcard(
            "arn:aws:secretsmanager:*:*:secret:other-*",
            SECRET
        ));
    }

    #[test]
    fn allow_deny_and_conditions() {
        let allow = policy(
            r#"{"Statement": [{"Effect": "Allow", "Action": "secretsmanager:GetSecretValue", "Resource": "arn:aws:secretsmanager:*:*:secret:dd-*"}]}"#,
        );
        assert_eq!(
            evaluate(
                std::slice::from_ref(&allow),
                "secretsmanager:getsecretvalue",
                SECRET
            ),
            Verdict::Allowed
        );
        assert_eq!(
            evaluate(std::slice::from_ref(&allow), "ssm:GetParameters", SECRET),
            Verdict::NotAllowed
        );
        let deny =
            policy(r#"{"Statement": {"Effect": "Deny", "NotAction": "s3:*", "Resource": "*"}}"#);
        assert_eq!(
            evaluate(
                &[allow.clone(), deny],
                "secretsmanager:GetSecretValue",
                SECRET
            ),
            Verdict::Denied
        );
        let conditional = policy(
            r#"{"Statement": [{"Effect": "Allow", "Action": "secretsmanager:*", "Resource": "*", "Condition": {"StringEquals": {"aws:ResourceTag/team": "x"}}}]}"#,
        );
        assert_eq!(
            evaluate(&[conditional], "secretsmanager:GetSecretValue", SECRET),
            Verdict::AllowedUnderConditions
        );
    }

    #[test]
    fn url_encoded_documents_and_trust() {
        let encoded = "%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%5B%7B%22Effect%22%3A%22Allow%22%2C%22Principal%22%3A%7B%22Service%22%3A%22ecs-tasks.amazonaws.com%22%7D%2C%22Action%22%3A%22sts%3AAssumeRole%22%7D%5D%7D";
        assert_eq!(trusts_service(encoded, "ecs-tasks.amazonaws.com"), Ok(true));
        assert_eq!(trusts_service(encoded, "ec2.amazonaws.com"), Ok(false));
        let list = r#"{"Statement": [{"Effect": "Allow", "Principal": {"Service": ["ec2.amazonaws.com", "ecs-tasks.amazonaws.com"]}, "Action": ["sts:AssumeRole", "sts:TagSession"]}]}"#;
        assert_eq!(trusts_service(list, "ecs-tasks.amazonaws.com"), Ok(true));
        assert!(trusts_service("not json", "x").is_err());
    }
}
