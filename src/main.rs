//! Parses the command line, dispatches, and maps every outcome to an exit
//! code: 0 success, 1 findings or I/O failure, 2 usage error or bad input.

use std::io::{self, Write};
use std::process::ExitCode;

use clap::Parser;

use ddecs_wizard::cli::{Cli, Command, UsageError};
use ddecs_wizard::commands;
use ddecs_wizard::output::files::WriteError;
use ddecs_wizard::output::safe::printable;

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
        Some(Command::Check(args)) => {
            commands::check::run(args, &mut io::stdout().lock(), &mut io::stderr())
        }
        Some(Command::Completions(args)) => {
            commands::completions::completions(args, &mut io::stdout().lock())
        }
        Some(Command::Man(args)) => commands::completions::man(args, &mut io::stdout().lock()),
        Some(Command::HoldClipboard) => {
            ddecs_wizard::output::clipboard::hold(&mut io::stdin().lock(), &mut io::stdout().lock())
        }
        None => {
            // One reading of the terminal for both front ends, so they
            // agree on colour and escape codes.
            let caps = ddecs_wizard::terminal::Capabilities::from_env();
            if cli.plain {
                ddecs_wizard::plain::run(&cli.preset, &caps)
            } else {
                ddecs_wizard::tui::run(&cli.preset, &caps)
                    .and_then(|outcome| Ok(outcome.report(&mut io::stdout().lock())?))
            }
        }
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
    // check has said everything already; only its exit code is left.
    if let Some(failed) = error.downcast_ref::<commands::check::Failed>() {
        return ExitCode::from(failed.exit_code());
    }
    // File names and values in the message come from the user's input.
    let message = format!("{error:#}");
    let _ = writeln!(io::stderr(), "ddecs-wizard: {}", printable(&message));
    let usage = error.downcast_ref::<UsageError>().is_some()
        || error
            .downcast_ref::<ddecs_wizard::core::NotApplicable>()
            .is_some()
        || error
            .downcast_ref::<WriteError>()
            .is_some_and(WriteError::is_refusal);
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
    let _ = writeln!(
        io::stderr(),
        "ddecs-wizard: {} (see --help)",
        printable(message)
    );
    ExitCode::from(2)
}
