//! The AWS commands run in a program of their own, `ddecs-wizard-aws`,
//! installed beside `ddecs-wizard`, which hands them over to it.
//!
//! Why: the AWS SDK is large, and a position-independent executable pays
//! for every pointer in its static data at each start (the dynamic loader
//! relocates them, copying hundreds of pages). Linked into `ddecs-wizard`
//! it made every `generate` start 0.7 ms slower (1.0 ms to 1.7 ms) without
//! running a line of it. Kept in its own program, the offline tool starts
//! as before, and the AWS commands pay one `exec` (well under the first
//! network round trip). Nothing here uses the SDK, so none of it is linked
//! into `ddecs-wizard`.

use std::path::PathBuf;
use std::process::Command;

use anyhow::{Context, Result};

/// The companion program's name.
pub const PROGRAM: &str = "ddecs-wizard-aws";

/// Where the companion is: beside this executable (symlinks resolved).
pub fn path() -> Result<PathBuf> {
    let exe = std::env::current_exe().context("cannot find this program's own path")?;
    Ok(exe.with_file_name(format!("{PROGRAM}{}", std::env::consts::EXE_SUFFIX)))
}

/// Replaces this process with the companion, same arguments, same
/// terminal, so that exit codes, signals and prompts are its own.
pub fn exec() -> Result<()> {
    let companion = path()?;
    if !companion.is_file() {
        anyhow::bail!(
            "the AWS commands need {}, which is not installed beside this program (cargo install installs both)",
            companion.display()
        );
    }
    let mut command = Command::new(&companion);
    command.args(std::env::args_os().skip(1));
    run(command, &companion)
}

#[cfg(unix)]
fn run(mut command: Command, companion: &std::path::Path) -> Result<()> {
    use std::os::unix::process::CommandExt;
    // Messages and usage name the program people typed.
    let error = command.arg0("ddecs-wizard").exec();
    Err(error).with_context(|| format!("cannot run {}", companion.display()))
}

#[cfg(not(unix))]
fn run(mut command: Command, companion: &std::path::Path) -> Result<()> {
    let status = command
        .status()
        .with_context(|| format!("cannot run {}", companion.display()))?;
    std::process::exit(status.code().unwrap_or(1));
}
