//! SARIF 2.1.0, the format GitHub code scanning and other dashboards
//! import: the tool with every rule (`tool.driver.rules`), and one result
//! per finding with its rule, level, message and place. The log as a whole
//! is assembled by the caller, which streams the results.

use serde_json::{json, Value};

use super::{Finding, Rule, Severity};

/// The schema the log names, the OASIS errata 01 schema of 2.1.0.
pub const SCHEMA: &str =
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";
pub const VERSION: &str = "2.1.0";

/// SARIF's levels: `note` is what the other formats call info.
pub fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

/// `tool`: this program and every rule, in the order given.
pub fn tool(rules: &[&Rule]) -> Value {
    let rules: Vec<Value> = rules
        .iter()
        .map(|rule| {
            json!({
                "id": rule.id,
                "name": rule.name(),
                "shortDescription": { "text": rule.summary },
                "fullDescription": { "text": format!("{}: {}", rule.summary, rule.help) },
                "help": { "text": rule.help },
                "defaultConfiguration": { "level": level(rule.severity) },
            })
        })
        .collect();
    json!({
        "driver": {
            "name": env!("CARGO_PKG_NAME"),
            "semanticVersion": env!("CARGO_PKG_VERSION"),
            "rules": rules,
        }
    })
}

/// One result. `rule_index` is the rule's place in [`tool`]'s list.
pub fn result(uri: &str, rule_index: usize, finding: &Finding) -> Value {
    let subject = finding
        .container
        .as_deref()
        .map_or_else(String::new, |name| format!("{name}: "));
    let mut physical = json!({ "artifactLocation": { "uri": uri } });
    if let Some(at) = finding.at {
        physical["region"] = json!({ "startLine": at.line, "startColumn": at.column });
    }
    json!({
        "ruleId": finding.rule.id,
        "ruleIndex": rule_index,
        "level": level(finding.rule.severity),
        "message": { "text": format!("{subject}{}; fix: {}", finding.message, finding.fix) },
        "locations": [{ "physicalLocation": physical }],
    })
}

/// A file path as a URI reference: relative paths stay relative (code
/// scanning resolves them against the checkout), absolute ones become
/// `file://` URIs; every byte outside the unreserved set and `/` is
/// percent-encoded.
pub fn uri(path: &str) -> String {
    let mut relative = path;
    while let Some(rest) = relative.strip_prefix("./") {
        relative = rest.trim_start_matches('/');
    }
    let mut out = String::with_capacity(relative.len() + 8);
    if relative.starts_with('/') {
        out.push_str("file://");
    }
    for byte in relative.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~/".contains(&byte) {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::lint::report::tests::{report, ERROR, INFO};

    #[test]
    fn rules_carry_id_name_help_and_level() {
        let tool = tool(&[&ERROR, &INFO]);
        let rule = &tool["driver"]["rules"][1];
        assert_eq!(rule["id"], "DDECS998");
        assert_eq!(rule["name"], "TestInfo");
        assert_eq!(rule["help"]["text"], "nothing");
        assert_eq!(rule["defaultConfiguration"]["level"], "note");
    }

    #[test]
    fn results_point_at_the_line_and_column() {
        let result = result("a%20b.json", 0, &report().findings[0]);
        assert_eq!(
            result,
            json!({
                "ruleId": "DDECS999",
                "ruleIndex": 0,
                "level": "error",
                "message": { "text": "app: broken; fix: mend it" },
                "locations": [{ "physicalLocation": {
                    "artifactLocation": { "uri": "a%20b.json" },
                    "region": { "startLine": 4, "startColumn": 7 }
                }}]
            })
        );
    }

    #[test]
    fn paths_become_uri_references() {
        assert_eq!(uri("./infra/task def.json"), "infra/task%20def.json");
        assert_eq!(uri("/srv/ä#1.json"), "file:///srv/%C3%A4%231.json");
        assert_eq!(uri("a/b.json"), "a/b.json");
    }
}
