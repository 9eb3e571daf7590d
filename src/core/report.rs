//! The result of `check`: findings with a stable rule ID, a severity, the
//! container they concern, what is wrong and how to fix it; rendered as
//! text for people and as JSON for scripts and CI.
//!
//! Rule IDs never change meaning once published, so that people can grep
//! for them, suppress them in their own tooling and link to them.

use std::fmt;

use serde_json::{json, Value};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// Tracing cannot work like this.
    Error,
    /// Tracing may work, but something is fragile, unsafe or incomplete.
    Warning,
    /// Worth knowing; nothing to fix in the file.
    Info,
}

impl Severity {
    pub fn label(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// One rule: its ID, severity and a one-line summary for docs.
#[derive(Debug, PartialEq, Eq)]
pub struct Rule {
    pub id: &'static str,
    pub severity: Severity,
    pub summary: &'static str,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub rule: &'static Rule,
    /// The container it concerns; `None` for the task as a whole.
    pub container: Option<String>,
    pub message: String,
    pub fix: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Report {
    pub findings: Vec<Finding>,
}

impl Report {
    pub fn count(&self, severity: Severity) -> usize {
        self.findings
            .iter()
            .filter(|f| f.rule.severity == severity)
            .count()
    }

    pub fn has_errors(&self) -> bool {
        self.count(Severity::Error) > 0
    }

    /// "2 errors, 1 warning, 1 info", or "no problems found".
    pub fn summary(&self) -> String {
        if self.findings.is_empty() {
            return "no problems found".to_owned();
        }
        let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
        [
            plural(self.count(Severity::Error), "error"),
            plural(self.count(Severity::Warning), "warning"),
            format!("{} info", self.count(Severity::Info)),
        ]
        .join(", ")
    }

    /// One finding per block, then a summary line naming the file.
    pub fn to_text(&self, file: &str) -> String {
        let mut out = String::new();
        for finding in &self.findings {
            let subject = finding.container.as_deref().unwrap_or("(task)");
            out.push_str(&format!(
                "{}[{}] {}: {}\n  fix: {}\n",
                finding.rule.severity, finding.rule.id, subject, finding.message, finding.fix
            ));
        }
        out.push_str(&format!("{file}: {}\n", self.summary()));
        out
    }

    pub fn to_json(&self, file: &str) -> Value {
        let findings: Vec<Value> = self
            .findings
            .iter()
            .map(|f| {
                json!({
                    "rule": f.rule.id,
                    "severity": f.rule.severity.label(),
                    "container": f.container,
                    "message": f.message,
                    "fix": f.fix,
                })
            })
            .collect();
        json!({
            "file": file,
            "summary": {
                "errors": self.count(Severity::Error),
                "warnings": self.count(Severity::Warning),
                "info": self.count(Severity::Info),
            },
            "findings": findings,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    static ERROR: Rule = Rule {
        id: "DDECS999",
        severity: Severity::Error,
        summary: "test",
    };
    static INFO: Rule = Rule {
        id: "DDECS998",
        severity: Severity::Info,
        summary: "test",
    };

    fn report() -> Report {
        Report {
            findings: vec![
                Finding {
                    rule: &ERROR,
                    container: Some("app".into()),
                    message: "broken".into(),
                    fix: "mend it".into(),
                },
                Finding {
                    rule: &INFO,
                    container: None,
                    message: "note".into(),
                    fix: "nothing".into(),
                },
            ],
        }
    }

    #[test]
    fn text_lists_findings_then_a_summary() {
        assert_eq!(
            report().to_text("t.json"),
            "error[DDECS999] app: broken\n  fix: mend it\ninfo[DDECS998] (task): note\n  fix: nothing\nt.json: 1 error, 0 warnings, 1 info\n"
        );
        assert_eq!(
            Report::default().to_text("t.json"),
            "t.json: no problems found\n"
        );
    }

    #[test]
    fn json_has_counts_and_every_field() {
        let value = report().to_json("t.json");
        assert_eq!(
            value["summary"],
            json!({"errors": 1, "warnings": 0, "info": 1})
        );
        assert_eq!(
            value["findings"][1],
            json!({"rule": "DDECS998", "severity": "info", "container": null, "message": "note", "fix": "nothing"})
        );
        assert!(report().has_errors());
    }
}
