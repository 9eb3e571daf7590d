//! `ddecs-wizard-aws`: the AWS commands (`pull`, `apply`, `register`,
//! `doctor`), which `ddecs-wizard` hands over to this program so that the
//! AWS SDK costs the offline commands nothing at start-up (see
//! `ddecs_wizard::companion`). It takes the same command line.

use std::io;
use std::process::ExitCode;

use clap::Parser;

use ddecs_wizard::cli::{Cli, Command, UsageError};
use ddecs_wizard::exit::{clap_exit, report};
use ddecs_wizard::output::safe::Lines;
use ddecs_wizard_aws::{commands, fleet};

fn main() -> ExitCode {
    // Every line for a person goes through one escaping writer: what the
    // commands quote from AWS (names, reasons, diffs) cannot drive the
    // terminal even where a message misses its own `printable` call.
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => return clap_exit(e),
    };
    let result = match &cli.command {
        Some(Command::Pull(args)) => {
            commands::pull::run(args, &mut io::stdout().lock(), &mut Lines::new(io::stderr()))
        }
        Some(Command::Apply(args)) if args.all_services => {
            fleet::apply::run(args, &mut io::stdout().lock(), &mut Lines::new(io::stderr()))
        }
        Some(Command::Apply(args)) => {
            commands::apply::run(args, &mut io::stdout().lock(), &mut Lines::new(io::stderr()))
        }
        Some(Command::Register(args)) => {
            commands::register::run(args, &mut io::stdout().lock(), &mut Lines::new(io::stderr()))
        }
        Some(Command::Doctor(args)) => commands::doctor::run(args, &mut io::stdout().lock()),
        _ => Err(UsageError(
            "this program runs the AWS commands (pull, apply, register, doctor); run ddecs-wizard for the others".to_owned(),
        )
        .into()),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => report(&e),
    }
}
