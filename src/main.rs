//! Parses the command line, dispatches, and maps every outcome to an exit
//! code: 0 success, 1 findings or I/O failure, 2 usage error or bad input.

use std::io;
use std::process::ExitCode;

use clap::Parser;

use ddecs_wizard::cli::{Cli, Command};
use ddecs_wizard::commands;
use ddecs_wizard::exit::{clap_exit, report};
use ddecs_wizard::output::safe::Messages;

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => return clap_exit(e),
    };
    // stdout is locked only by the arms that print, so that a signal thread
    // or panic hook can still write to it.
    let result = match &cli.command {
        Some(Command::Generate(args)) => commands::generate::run(args, &mut io::stdout().lock()),
        // Messages go through one escaping writer: whatever they quote
        // from input reaches the terminal as visible text.
        Some(Command::Patch(args)) => commands::patch::run(
            args,
            &mut io::stdout().lock(),
            &mut Messages::new(io::stderr()),
        ),
        Some(Command::Check(args)) => commands::check::run(
            args,
            &mut io::stdout().lock(),
            &mut Messages::new(io::stderr()),
        ),
        Some(Command::Completions(args)) => {
            commands::completions::completions(args, &mut io::stdout().lock())
        }
        Some(Command::Man(args)) => commands::completions::man(args, &mut io::stdout().lock()),
        // The AWS commands run in their own program, which carries the SDK.
        Some(Command::Pull(_) | Command::Apply(_) | Command::Register(_) | Command::Doctor(_)) => {
            ddecs_wizard::companion::exec()
        }
        Some(Command::HoldClipboard) => {
            ddecs_wizard::output::clipboard::hold(&mut io::stdin().lock(), &mut io::stdout().lock())
        }
        None => {
            // One reading of the terminal for both front ends, so they
            // agree on colour and escape codes.
            let caps = ddecs_wizard::terminal::Capabilities::from_env();
            if cli.plain {
                ddecs_wizard::plain::run(&cli.preset.given, &caps)
            } else {
                ddecs_wizard::tui::run(&cli.preset.given, &caps)
                    .and_then(|outcome| Ok(outcome.report(&mut io::stdout().lock())?))
            }
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => report(&e),
    }
}
