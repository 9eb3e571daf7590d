//! `ddecs-wizard check PATH...`: lint task definitions, as many as given,
//! in one process and one pass per file.
//!
//! Files named on the command line must be task definitions (anything else
//! is exit 2); in a directory, `*.json` files that are not task definitions
//! are skipped with a note, and those that look like one but do not parse
//! are reported as DDECS000. Findings stream to stdout in the chosen format
//! as each file is read, so memory stays flat however many files there are;
//! notes and the closing count go to stderr. Exit 1 when errors are found.

mod parallel;
mod stream;
mod walk;

use std::cell::RefCell;
use std::io::{self, BufWriter, Write};
use std::num::NonZeroUsize;

use anyhow::Result;
use serde::Serialize;
use serde_json::{json, Value};
use thiserror::Error;

use super::input;
use crate::cli::{help, CheckArgs, Format};
use crate::core::lint::report::{self, github, sarif, text, Filter, Report, Totals};
use crate::core::lint::{self, RULES};
use crate::core::taskdef::document::{self, InputError};
use crate::output::os_error;
use crate::output::safe::{self, printable, Messages};
use stream::{Deferred, LazyArray};
use walk::{Item, Walk};

/// How `check` ended when it did not succeed; everything has been said
/// on stdout and stderr already, only the exit code is left.
#[derive(Debug, Error, PartialEq, Eq)]
pub enum Failed {
    /// Errors found, or a file found in a directory could not be read.
    #[error("errors found")]
    Errors,
    /// A file named on the command line could not be read or used.
    #[error("bad input")]
    BadInput,
}

impl Failed {
    pub fn exit_code(&self) -> u8 {
        match self {
            Failed::Errors => 1,
            Failed::BadInput => 2,
        }
    }
}

/// Messages go to `err`, which escapes the file names they quote.
pub fn run(args: &CheckArgs, out: &mut dyn Write, err: &mut Messages<dyn Write>) -> Result<()> {
    if args.list_rules {
        return list_rules(args.format, out);
    }
    let mut out = BufWriter::new(out);
    let session = RefCell::new(Session {
        filter: args.filter(),
        err,
        totals: Totals::default(),
        skipped: 0,
        bad_input: false,
        unreadable: false,
    });
    let workers = std::thread::available_parallelism().map_or(1, NonZeroUsize::get);
    std::thread::scope(|scope| {
        write_reports(scope, args.format, workers, &args.paths, &session, &mut out)
    })?;
    out.flush()?;
    drop(out);
    session.into_inner().finish()
}

/// Checks every file, on every core, and writes the findings in `format`
/// in the walk's order.
fn write_reports<'scope>(
    scope: &'scope std::thread::Scope<'scope, '_>,
    format: Format,
    workers: usize,
    paths: &'scope [std::path::PathBuf],
    session: &'scope RefCell<Session<'_>>,
    out: &mut dyn Write,
) -> Result<()> {
    let outcomes = parallel::ordered_map(scope, Walk::new(paths), workers, &examine);
    let reports = outcomes.filter_map(|outcome| session.borrow_mut().absorb(outcome));
    match format {
        Format::Text => {
            for (name, report) in reports {
                for finding in &report.findings {
                    writeln!(out, "{}", printable(&text::line(&name, finding)))?;
                }
            }
        }
        Format::Github => {
            for (name, report) in reports {
                for finding in &report.findings {
                    writeln!(out, "{}", printable(&github::annotation(&name, finding)))?;
                }
            }
        }
        Format::Json => {
            #[derive(Serialize)]
            struct Log<F, S> {
                files: F,
                summary: S,
            }
            let log = Log {
                files: LazyArray::new(reports.map(|(name, report)| report.to_json(&name))),
                summary: Deferred(|| {
                    let session = session.borrow();
                    report::json::totals(&session.totals, session.skipped)
                }),
            };
            write_json(out, &log)?;
        }
        Format::Sarif => {
            #[derive(Serialize)]
            struct Log<R, I> {
                #[serde(rename = "$schema")]
                schema: &'static str,
                version: &'static str,
                runs: [Run<R, I>; 1],
            }
            #[derive(Serialize)]
            struct Run<R, I> {
                tool: Value,
                results: R,
                invocations: I,
            }
            let results = reports.flat_map(|(name, report)| {
                let uri = sarif::uri(&name);
                report.findings.into_iter().map(move |finding| {
                    let index = RULES.iter().position(|r| r.id == finding.rule.id);
                    sarif::result(&uri, index.unwrap_or_default(), &finding)
                })
            });
            let log = Log {
                schema: sarif::SCHEMA,
                version: sarif::VERSION,
                runs: [Run {
                    tool: sarif::tool(RULES),
                    results: LazyArray::new(results),
                    invocations: Deferred(|| {
                        let session = session.borrow();
                        json!([{ "executionSuccessful": !session.bad_input && !session.unreadable }])
                    }),
                }],
            };
            write_json(out, &log)?;
        }
    }
    Ok(())
}

fn write_json(out: &mut dyn Write, value: &impl Serialize) -> Result<()> {
    // io::Error keeps a closed pipe recognisable to main.
    safe::to_writer_pretty(&mut *out, value).map_err(io::Error::from)?;
    writeln!(out)?;
    Ok(())
}

/// `--list-rules`: a table, or JSON with `--format json`.
fn list_rules(format: Format, out: &mut dyn Write) -> Result<()> {
    if format == Format::Json {
        let rules: Vec<Value> = RULES
            .iter()
            .map(|rule| {
                json!({
                    "id": rule.id,
                    "name": rule.name(),
                    "severity": rule.severity.label(),
                    "summary": rule.summary,
                    "help": rule.help,
                })
            })
            .collect();
        write_json(out, &rules)
    } else {
        out.write_all(help::rule_table("").as_bytes())?;
        Ok(())
    }
}

/// What became of one file (or directory) of the walk.
enum Outcome {
    /// Checked: its findings, unfiltered.
    Checked { name: String, report: Report },
    /// Found in a walk and not a task definition: why.
    Skipped(String),
    /// Named on the command line and unreadable or not a task definition.
    BadInput(String),
    /// Found in a walk and unreadable.
    Unreadable(String),
}

/// Reads and checks one file. Runs on any worker: it only reads.
fn examine(item: Item) -> Outcome {
    let (path, named) = match item {
        Item::Unlisted(path, e) => {
            return Outcome::Unreadable(format!(
                "cannot read directory {}: {}",
                path.display(),
                os_error::describe(&e)
            ))
        }
        Item::NotRegular(path, kind) => {
            return Outcome::Skipped(format!(
                "skipped {}: it is {kind}, not a regular file",
                path.display()
            ))
        }
        Item::Named(path) => (path, true),
        Item::Found(path) => (path, false),
    };
    let input = match input::read(&path) {
        Ok(input) => input,
        Err(e) if named => return Outcome::BadInput(e.to_string()),
        Err(e) => return Outcome::Unreadable(e.to_string()),
    };
    let report = match document::read_for_lint(&input.bytes) {
        Ok(document) => lint::check(&document),
        Err(e) if named => return Outcome::BadInput(input::located(&input.name, &e).to_string()),
        Err(e) if looks_like_task_definition(&e, &input.bytes) => lint::unreadable(&e),
        Err(e) => return Outcome::Skipped(format!("skipped {}", input::located(&input.name, &e))),
    };
    Outcome::Checked {
        name: input.name,
        report,
    }
}

/// What the files checked so far came to.
struct Session<'a> {
    filter: Filter,
    err: &'a mut Messages<dyn Write>,
    totals: Totals,
    skipped: usize,
    /// A file named on the command line could not be read or used.
    bad_input: bool,
    /// A file or directory found in a walk could not be read.
    unreadable: bool,
}

impl Session<'_> {
    /// Counts one outcome and says on stderr what was skipped or could not
    /// be read; a checked file comes back with what `--severity` and
    /// `--ignore` leave of its report.
    fn absorb(&mut self, outcome: Outcome) -> Option<(String, Report)> {
        match outcome {
            Outcome::Checked { name, mut report } => {
                report.filter(&self.filter);
                self.totals.add(&report);
                return Some((name, report));
            }
            Outcome::Skipped(note) => {
                self.say(&note);
                self.skipped += 1;
            }
            Outcome::BadInput(message) => {
                self.say(&message);
                self.bad_input = true;
            }
            Outcome::Unreadable(message) => {
                self.say(&message);
                self.unreadable = true;
            }
        }
        None
    }

    /// One line on stderr, safe for a terminal. A failing stderr is no
    /// reason to stop checking.
    fn say(&mut self, message: &str) {
        let _ = self.err.say(message);
    }

    /// The closing count on stderr, and the outcome.
    fn finish(mut self) -> Result<()> {
        let files = self.totals.files;
        if files + self.skipped > 0 {
            let skipped = match self.skipped {
                0 => String::new(),
                n => format!(", {n} skipped"),
            };
            let summary = format!(
                "{files} file{} checked{skipped}: {}",
                if files == 1 { "" } else { "s" },
                self.totals.summary()
            );
            self.say(&summary);
        }
        if self.bad_input {
            Err(Failed::BadInput.into())
        } else if self.totals.errors > 0 || self.unreadable {
            Err(Failed::Errors.into())
        } else {
            Ok(())
        }
    }
}

/// Whether a file found in a walk that does not read as a task definition
/// was meant to be one, and is then an error to report rather than some
/// other JSON to skip. Templates are skipped: they are rendered elsewhere.
fn looks_like_task_definition(error: &InputError, bytes: &[u8]) -> bool {
    match error {
        InputError::BadField { .. } => true,
        InputError::Empty
        | InputError::Utf16
        | InputError::NotTaskDefinition { .. }
        | InputError::Template { .. } => false,
        InputError::NotUtf8 { .. }
        | InputError::Syntax { .. }
        | InputError::DuplicateKey { .. } => {
            const MARK: &[u8] = b"\"containerDefinitions\"";
            bytes.windows(MARK.len()).any(|w| w == MARK)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_files_that_mention_containers_count_as_broken_task_definitions() {
        let syntax = document::read(b"{\"containerDefinitions\": [}").unwrap_err();
        assert!(looks_like_task_definition(
            &syntax,
            b"{\"containerDefinitions\": [}"
        ));
        let other = document::read(b"{\"compilerOptions\": {},}").unwrap_err();
        assert!(!looks_like_task_definition(
            &other,
            b"{\"compilerOptions\": {},}"
        ));
        let template =
            document::read(br#"{"containerDefinitions": [{"name": "a", "image": "${img}"}]}"#)
                .unwrap_err();
        assert!(!looks_like_task_definition(
            &template,
            b"containerDefinitions"
        ));
    }
}
