//! `ddecs-wizard check FILE`: lint a task definition for tracing mistakes.
//! The report goes to stdout as text or JSON; the exit code says whether
//! errors were found (1) or not (0, warnings and info included).

use std::io::Write;

use anyhow::Result;
use thiserror::Error;

use super::input;
use crate::cli::{CheckArgs, Format};
use crate::core::check::check;
use crate::core::report::Severity;
use crate::output::safe;

/// `check` found errors: exit code 1, after the report is printed.
#[derive(Debug, Error)]
#[error("{file}: {errors} error{} found", if *.errors == 1 { "" } else { "s" })]
pub struct ErrorsFound {
    pub file: String,
    pub errors: usize,
}

pub fn run(args: &CheckArgs, out: &mut dyn Write) -> Result<()> {
    let input = input::read(&args.file)?;
    let document = input::document(&input)?;
    let report = check(&document);
    match args.format {
        Format::Text => {
            let text = safe::printable_report(&report).to_text(&safe::printable(&input.name));
            out.write_all(text.as_bytes())?;
        }
        Format::Json => {
            let json = serde_json::to_string_pretty(&report.to_json(&input.name))?;
            writeln!(out, "{}", safe::printable_json(&json))?;
        }
    }
    out.flush()?;
    if report.has_errors() {
        return Err(ErrorsFound {
            file: input.name,
            errors: report.count(Severity::Error),
        }
        .into());
    }
    Ok(())
}
