//! The JSON format: per file, its counts and every finding with its place,
//! so that scripts need no parsing of text.

use serde_json::{json, Value};

use super::{Finding, Report, Severity, Totals};
use crate::core::taskdef::document::display_path;

/// `{"file", "summary", "findings"}` for one file.
pub fn file(file: &str, report: &Report) -> Value {
    json!({
        "file": file,
        "summary": {
            "errors": report.count(Severity::Error),
            "warnings": report.count(Severity::Warning),
            "info": report.count(Severity::Info),
        },
        "findings": report.findings.iter().map(finding).collect::<Vec<_>>(),
    })
}

pub fn finding(finding: &Finding) -> Value {
    json!({
        "rule": finding.rule.id,
        "severity": finding.rule.severity.label(),
        "container": finding.container,
        "line": finding.at.map(|at| at.line),
        "column": finding.at.map(|at| at.column),
        "path": display_path(&finding.pointer),
        "pointer": finding.pointer,
        "message": finding.message,
        "fix": finding.fix,
    })
}

/// The counts over every file checked, and the files skipped.
pub fn totals(totals: &Totals, skipped: usize) -> Value {
    json!({
        "files": totals.files,
        "skipped": skipped,
        "errors": totals.errors,
        "warnings": totals.warnings,
        "info": totals.info,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::lint::report::tests::report;

    #[test]
    fn every_field_and_the_counts() {
        let value = report().to_json("t.json");
        assert_eq!(
            value["summary"],
            json!({"errors": 1, "warnings": 0, "info": 1})
        );
        assert_eq!(
            value["findings"][0],
            json!({
                "rule": "DDECS999", "severity": "error", "container": "app",
                "line": 4, "column": 7,
                "path": "containerDefinitions[0].image",
                "pointer": "/containerDefinitions/0/image",
                "message": "broken", "fix": "mend it"
            })
        );
    }
}
