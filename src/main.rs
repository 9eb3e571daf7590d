//! Parses the command line, dispatches, and maps every outcome to an exit
//! code: 0 success, 1 findings or I/O failure, 2 usage error or bad input.

use std::io::{self, Write};
use std::process::ExitCode;

use clap::Parser;

use ddecs_wizard::cli::{Cli, Command, UsageError};
use ddecs_wizard::commands;
use ddecs_wizard::output::files::WriteError;

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => return clap_exit(e),
    };
    // stdout is locked only by the arms that print, so that a signal thread
    // or panic hook can still write to it.
    let result = match &cli.command {
        Some(Command::Generate(args)) => commands::generate::run(args, &mut io::stdout().lock()),
        Some(Command::Patch(args)) => {
            commands::patch::run(args, &mut io::stdout().lock(), &mut io::stderr())
        }
        Some(Command::Check(args)) => commands::check::run(args, &mut io::stdout().lock()),
        #[cfg(feature = "aws")]
        Some(Command::Pull(args)) => {
            commands::pull::run(args, &mut io::stdout().lock(), &mut io::stderr())
        }
        #[cfg(feature = "aws")]
        Some(Command::Apply(args)) => {
            commands::apply::run(args, &mut io::stdout().lock(), &mut io::stderr())
        }
        #[cfg(feature = "aws")]
        Some(Command::Register(args)) => {
            commands::register::run(args, &mut io::stdout().lock(), &mut io::stderr())
        }
        #[cfg(feature = "aws")]
        Some(Command::Doctor(args)) => commands::doctor::run(args, &mut io::stdout().lock()),
        Some(Command::HoldClipboard) => {
            ddecs_wizard::output::clipboard::hold(&mut io::stdin().lock(), &mut io::stdout().lock())
        }
        None if cli.plain => ddecs_wizard::plain::run(&cli.preset),
        None => ddecs_wizard::tui::run(&cli.preset)
            .and_then(|outcome| Ok(outcome.report(&mut io::stdout().lock())?)),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => report(&e),
    }
}

/// Prints the error as one line and picks its exit code.
fn report(error: &anyhow::Error) -> ExitCode {
    // A reader that went away (`| head`) is not a failure of ours.
    if let Some(io) = error.downcast_ref::<io::Error>() {
        if io.kind() == io::ErrorKind::BrokenPipe {
            return ExitCode::SUCCESS;
        }
    }
    let _ = writeln!(io::stderr(), "ddecs-wizard: {error:#}");
    let usage = error.downcast_ref::<UsageError>().is_some()
        || error
            .downcast_ref::<ddecs_wizard::core::NotApplicable>()
            .is_some()
        || matches!(
            error.downcast_ref::<WriteError>(),
            Some(WriteError::Exists(_))
        );
    ExitCode::from(if usage { 2 } else { 1 })
}

/// clap's own messages span several lines; keep help and version as they
/// are and fold an error into the one line that says what is wrong.
fn clap_exit(error: clap::Error) -> ExitCode {
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
    let _ = writeln!(io::stderr(), "ddecs-wizard: {message} (see --help)");
    ExitCode::from(2)
}
