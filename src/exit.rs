//! How every outcome of a run becomes an exit code and at most one line on
//! stderr: 0 success, 1 findings or an I/O or AWS failure, 2 usage error or
//! bad input. Shared by `ddecs-wizard` and `ddecs-wizard-aws`, so that both
//! programs answer alike.

use std::io;
use std::process::ExitCode;

use crate::core::model::given::GivenError;
use crate::output::files::WriteError;
use crate::output::safe::Messages;
use crate::usage::UsageError;

/// Prints the error as one line and picks its exit code.
pub fn report(error: &anyhow::Error) -> ExitCode {
    // A reader that went away (`| head`) is not a failure of ours.
    if let Some(io) = error.downcast_ref::<io::Error>() {
        if io.kind() == io::ErrorKind::BrokenPipe {
            return ExitCode::SUCCESS;
        }
    }
    // check has said everything already; only its exit code is left.
    if let Some(failed) = error.downcast_ref::<crate::commands::check::Failed>() {
        return ExitCode::from(failed.exit_code());
    }
    // File names and values in the message come from the user's input.
    let message = format!("{error:#}");
    let _ = Messages::new(io::stderr()).say(message);
    let usage = error.downcast_ref::<UsageError>().is_some()
        || error.downcast_ref::<GivenError>().is_some()
        || error.downcast_ref::<crate::core::NotApplicable>().is_some()
        || error
            .downcast_ref::<WriteError>()
            .is_some_and(WriteError::is_refusal);
    ExitCode::from(if usage { 2 } else { 1 })
}

/// clap's own messages span several lines; keep help and version as they
/// are and fold an error into the one line that says what is wrong.
pub fn clap_exit(error: clap::Error) -> ExitCode {
    use clap::error::ErrorKind;
    if matches!(
        error.kind(),
        ErrorKind::DisplayHelp
            | ErrorKind::DisplayVersion
            | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand
    ) {
        let _ = error.print();
        return ExitCode::SUCCESS;
    }
    let text = error.render().to_string();
    let message: Vec<&str> = text
        .lines()
        .map(str::trim)
        .take_while(|l| !l.starts_with("Usage:") && !l.starts_with("For more information"))
        .filter(|l| !l.is_empty())
        .collect();
    let message = message.join(" ");
    let message = message.strip_prefix("error: ").unwrap_or(&message);
    let _ = Messages::new(io::stderr()).say(format!("{message} (see --help)"));
    ExitCode::from(2)
}
