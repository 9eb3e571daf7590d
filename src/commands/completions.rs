//! `ddecs-wizard completions SHELL` and the hidden `ddecs-wizard man
//! [COMMAND]`: both generated from the same clap definition the parser
//! uses, so they can never list an option that does not exist.

use std::io::Write;

use anyhow::Result;
use clap::CommandFactory;

use crate::cli::{Cli, CompletionsArgs, ManArgs, UsageError};

pub fn completions(args: &CompletionsArgs, out: &mut dyn Write) -> Result<()> {
    let mut command = Cli::command();
    let name = command.get_name().to_owned();
    // clap_complete panics when its writer fails (a closed pipe, as in
    // `completions bash | head -1`): it writes into memory, and the write
    // to `out` reports an error like every other command's output.
    let mut script = Vec::new();
    clap_complete::generate(args.shell, &mut command, name, &mut script);
    out.write_all(&script)?;
    out.flush()?;
    Ok(())
}

/// The roff page of the program, or of one of its commands (titled
/// `ddecs-wizard-COMMAND`, as git and cargo name theirs: clap's build
/// gives each command that display name).
pub fn man(args: &ManArgs, out: &mut dyn Write) -> Result<()> {
    let mut command = Cli::command();
    command.build();
    let page = match &args.command {
        None => command,
        Some(name) => command
            .get_subcommands()
            .find(|sub| sub.get_name() == name && !sub.is_hide_set())
            .cloned()
            .ok_or_else(|| UsageError(format!("man: no command {name:?}; see --help")))?,
    };
    clap_mangen::Man::new(page).render(out)?;
    out.flush()?;
    Ok(())
}
