//! The text format: one line per finding, `FILE:LINE:COL: severity RULE:
//! message`, the form compilers and linters print and editors jump to.

use super::Finding;

/// `task.json:12:7: error DDECS010: app: nothing sets ...; fix: ...`. The
/// line and column are left out only when the place is unknown. The caller
/// makes the line safe for a terminal: file and container names are input.
pub fn line(file: &str, finding: &Finding) -> String {
    let place = match finding.at {
        Some(at) => format!("{file}:{at}"),
        None => file.to_owned(),
    };
    let subject = finding
        .container
        .as_deref()
        .map_or_else(String::new, |name| format!("{name}: "));
    format!(
        "{place}: {} {}: {subject}{}; fix: {}",
        finding.rule.severity, finding.rule.id, finding.message, finding.fix
    )
}

#[cfg(test)]
mod tests {
    use crate::core::lint::report::tests::report;

    #[test]
    fn one_line_per_finding_with_its_place() {
        assert_eq!(
            report().to_text("t.json"),
            "t.json:4:7: error DDECS999: app: broken; fix: mend it\n\
             t.json:1:1: info DDECS998: note; fix: nothing\n"
        );
    }

    #[test]
    fn an_unknown_place_leaves_the_position_out() {
        let mut report = report();
        report.findings[0].at = None;
        assert!(report
            .to_text("t.json")
            .starts_with("t.json: error DDECS999"));
    }
}
