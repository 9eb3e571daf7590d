//! GitHub Actions workflow commands: `::error file=F,line=L,col=C,title=T::M`
//! lines that the runner turns into annotations on the pull request.
//!
//! The escaping is the runner's own (actions/toolkit, `command.ts`): in the
//! message `%`, CR and LF are percent-encoded; in a property also `:` and
//! `,`, which would otherwise end the property or the property list.

use super::{Finding, Severity};

/// The workflow command for a severity; `notice` is what the other formats
/// call info.
pub fn command(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "notice",
    }
}

/// One annotation. The caller still makes it safe for a log: other control
/// characters are left as they are here.
pub fn annotation(file: &str, finding: &Finding) -> String {
    let mut properties = vec![format!("file={}", escape_property(file))];
    if let Some(at) = finding.at {
        properties.push(format!("line={}", at.line));
        properties.push(format!("col={}", at.column));
    }
    properties.push(format!("title={}", escape_property(finding.rule.id)));
    let subject = finding
        .container
        .as_deref()
        .map_or_else(String::new, |name| format!("{name}: "));
    let message = format!("{subject}{}; fix: {}", finding.message, finding.fix);
    format!(
        "::{} {}::{}",
        command(finding.rule.severity),
        properties.join(","),
        escape_data(&message)
    )
}

fn escape_data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::lint::report::tests::report;

    #[test]
    fn annotations_carry_file_line_column_and_rule() {
        assert_eq!(
            annotation("t.json", &report().findings[0]),
            "::error file=t.json,line=4,col=7,title=DDECS999::app: broken; fix: mend it"
        );
        assert!(annotation("t.json", &report().findings[1]).starts_with("::notice "));
    }

    #[test]
    fn separators_and_line_ends_are_escaped() {
        let mut finding = report().findings[0].clone();
        finding.message = "50% of\r\nit: a, b".into();
        assert_eq!(
            annotation("dir,x/a:b.json", &finding),
            "::error file=dir%2Cx/a%3Ab.json,line=4,col=7,title=DDECS999::app: 50%25 of%0D%0Ait: a, b; fix: mend it"
        );
    }
}
