//! The AWS commands run in a program of their own, `ddecs-wizard-aws` (the
//! `aws/` package), which `ddecs-wizard` hands them over to.
//!
//! Why a second program: the AWS SDK is most of the build. Kept out of this
//! package, `cargo run --release` builds the wizard in a fraction of the
//! time, and every start of the offline tool stays as fast as before (a
//! position-independent executable pays for every pointer in its static
//! data at each start: linked in, the SDK made `generate` 0.7 ms slower).
//! The AWS commands pay one `exec`, well under the first network round trip.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, Result};

use crate::cli::UsageError;

/// The companion program's name.
pub const PROGRAM: &str = "ddecs-wizard-aws";

/// How to get the companion, for the message that says it is missing.
pub const INSTALL: &str = "install it with `cargo install --locked --path aws` from a checkout of ddecs-wizard, or `cargo install --locked ddecs-wizard-aws`";

fn file_name() -> String {
    format!("{PROGRAM}{}", std::env::consts::EXE_SUFFIX)
}

/// Where the companion is: beside this executable (symlinks resolved), as
/// `cargo install` and `cargo build --workspace` put it, else on `PATH`.
pub fn find(beside: &Path, path: Option<OsString>) -> Option<PathBuf> {
    let sibling = beside.with_file_name(file_name());
    if sibling.is_file() {
        return Some(sibling);
    }
    std::env::split_paths(&path?)
        .map(|dir| dir.join(file_name()))
        .find(|candidate| candidate.is_file())
}

/// Replaces this process with the companion, same arguments, same
/// terminal, so that exit codes, signals and prompts are its own. Missing,
/// it is a usage error (exit 2) that says how to install it.
pub fn exec() -> Result<()> {
    let exe = std::env::current_exe().context("cannot find this program's own path")?;
    let Some(companion) = find(&exe, std::env::var_os("PATH")) else {
        return Err(UsageError(format!(
            "the AWS commands (pull, apply, register, doctor) are in {PROGRAM}, which is not installed beside this program or on PATH: {INSTALL}"
        ))
        .into());
    };
    let mut command = Command::new(&companion);
    command.args(std::env::args_os().skip(1));
    run(command, &companion)
}

#[cfg(unix)]
fn run(mut command: Command, companion: &Path) -> Result<()> {
    use std::os::unix::process::CommandExt;
    // Messages and usage name the program people typed.
    let error = command.arg0("ddecs-wizard").exec();
    Err(error).with_context(|| format!("cannot run {}", companion.display()))
}

#[cfg(not(unix))]
fn run(mut command: Command, companion: &Path) -> Result<()> {
    let status = command
        .status()
        .with_context(|| format!("cannot run {}", companion.display()))?;
    std::process::exit(status.code().unwrap_or(1));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_program_beside_wins_over_path() {
        let beside = tempfile::tempdir().unwrap();
        let on_path = tempfile::tempdir().unwrap();
        let exe = beside.path().join("ddecs-wizard");
        assert_eq!(find(&exe, Some(on_path.path().into())), None);
        std::fs::write(on_path.path().join(file_name()), "").unwrap();
        assert_eq!(
            find(&exe, Some(on_path.path().into())),
            Some(on_path.path().join(file_name()))
        );
        std::fs::write(beside.path().join(file_name()), "").unwrap();
        assert_eq!(
            find(&exe, Some(on_path.path().into())),
            Some(beside.path().join(file_name()))
        );
    }
}
