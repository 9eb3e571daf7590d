//! The result of `check`: findings with a stable rule ID, a severity, the
//! container they concern, the place in the file, what is wrong and how to
//! fix it. The submodules render them for people (text), scripts (JSON),
//! code scanning (SARIF) and GitHub Actions (workflow commands).
//!
//! Rule IDs never change meaning once published, so that people can grep
//! for them, suppress them in their own tooling and link to them.

pub mod github;
pub mod json;
pub mod sarif;
pub mod text;

use std::fmt;

use crate::core::json::position::Position;

/// How bad a finding is, by one principle: an error means traces will not
/// arrive or the task definition will not register; a warning means it
/// works but is fragile or unsafe; info is a suggestion.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// Traces will not arrive, or the task definition will not register.
    Error,
    /// It works, but it is fragile or unsafe.
    Warning,
    /// A suggestion.
    Info,
}

impl Severity {
    pub const ALL: [Severity; 3] = [Severity::Error, Severity::Warning, Severity::Info];

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

/// One rule: its ID, severity, a one-line summary and the general fix.
#[derive(Debug, PartialEq, Eq)]
pub struct Rule {
    pub id: &'static str,
    /// The rule's constant name (`AGENT_NO_APM_PORT`), the source of the
    /// readable name SARIF viewers show.
    pub key: &'static str,
    pub severity: Severity,
    pub summary: &'static str,
    /// What to do about it, in general; a finding may say more.
    pub help: &'static str,
}

impl Rule {
    /// `AGENT_NO_APM_PORT` as `AgentNoApmPort`, the form SARIF's rule
    /// `name` takes in the specification's examples.
    pub fn name(&self) -> String {
        self.key
            .split('_')
            .map(|word| {
                let mut chars = word.chars();
                chars.next().map_or_else(String::new, |first| {
                    first.to_string() + &chars.as_str().to_ascii_lowercase()
                })
            })
            .collect()
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub rule: &'static Rule,
    /// The container it concerns; `None` for the task as a whole.
    pub container: Option<String>,
    /// The JSON pointer, in the file, of the value it is about.
    pub pointer: String,
    /// Where that value starts in the file.
    pub at: Option<Position>,
    pub message: String,
    pub fix: String,
}

/// Which findings to show: `--severity` and `--ignore`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Filter {
    /// The least severe level shown.
    pub minimum: Severity,
    /// Rule IDs never shown.
    pub ignored: Vec<String>,
}

impl Default for Filter {
    fn default() -> Self {
        Filter {
            minimum: Severity::Info,
            ignored: Vec::new(),
        }
    }
}

impl Filter {
    pub fn keeps(&self, finding: &Finding) -> bool {
        finding.rule.severity <= self.minimum
            && !self.ignored.iter().any(|id| id == finding.rule.id)
    }
}

/// The findings of one file.
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

    /// "2 errors, 1 warning, 0 info", or "no problems found".
    pub fn summary(&self) -> String {
        let mut totals = Totals::default();
        totals.add(self);
        totals.summary()
    }

    /// Drops what `filter` does not show.
    pub fn filter(&mut self, filter: &Filter) {
        self.findings.retain(|f| filter.keeps(f));
    }

    /// One line per finding (see [`text::line`]).
    pub fn to_text(&self, file: &str) -> String {
        self.findings
            .iter()
            .map(|f| text::line(file, f) + "\n")
            .collect()
    }

    /// The file's findings and their counts (see [`json::file`]).
    pub fn to_json(&self, file: &str) -> serde_json::Value {
        json::file(file, self)
    }
}

/// Running totals over many files.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Totals {
    pub files: usize,
    pub errors: usize,
    pub warnings: usize,
    pub info: usize,
}

impl Totals {
    pub fn add(&mut self, report: &Report) {
        self.files += 1;
        self.errors += report.count(Severity::Error);
        self.warnings += report.count(Severity::Warning);
        self.info += report.count(Severity::Info);
    }

    /// "2 errors, 1 warning, 0 info", or "no problems found".
    pub fn summary(&self) -> String {
        if self.errors + self.warnings + self.info == 0 {
            return "no problems found".to_owned();
        }
        let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
        format!(
            "{}, {}, {} info",
            plural(self.errors, "error"),
            plural(self.warnings, "warning"),
            self.info
        )
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    pub static ERROR: Rule = Rule {
        id: "DDECS999",
        key: "TEST_ERROR",
        severity: Severity::Error,
        summary: "a test error",
        help: "mend it",
    };
    pub static INFO: Rule = Rule {
        id: "DDECS998",
        key: "TEST_INFO",
        severity: Severity::Info,
        summary: "a test note",
        help: "nothing",
    };

    pub fn report() -> Report {
        Report {
            findings: vec![
                Finding {
                    rule: &ERROR,
                    container: Some("app".into()),
                    pointer: "/containerDefinitions/0/image".into(),
                    at: Some(Position { line: 4, column: 7 }),
                    message: "broken".into(),
                    fix: "mend it".into(),
                },
                Finding {
                    rule: &INFO,
                    container: None,
                    pointer: String::new(),
                    at: Some(Position { line: 1, column: 1 }),
                    message: "note".into(),
                    fix: "nothing".into(),
                },
            ],
        }
    }

    #[test]
    fn names_are_pascal_case_keys() {
        assert_eq!(ERROR.name(), "TestError");
    }

    #[test]
    fn the_filter_keeps_the_minimum_and_drops_ignored_rules() {
        let mut shown = report();
        shown.filter(&Filter {
            minimum: Severity::Warning,
            ignored: Vec::new(),
        });
        assert_eq!(shown.findings.len(), 1);
        let mut shown = report();
        shown.filter(&Filter {
            minimum: Severity::Info,
            ignored: vec!["DDECS999".into()],
        });
        assert_eq!(shown.findings[0].rule.id, "DDECS998");
        assert!(!shown.has_errors());
    }

    #[test]
    fn totals_add_up_and_read_as_a_sentence() {
        let mut totals = Totals::default();
        assert_eq!(totals.summary(), "no problems found");
        totals.add(&report());
        totals.add(&report());
        assert_eq!(
            totals,
            Totals {
                files: 2,
                errors: 2,
                warnings: 0,
                info: 2
            }
        );
        assert_eq!(totals.summary(), "2 errors, 0 warnings, 2 info");
    }
}
