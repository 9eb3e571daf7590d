//! Reading the task definition file that `patch` and `check` work on, and
//! turning what is wrong with it into one line that names the file and the
//! place: `task.json:12:5: ...`. A file that cannot be read or used is bad
//! input (exit 2), so that `check`'s exit 1 always means "errors found".

use std::fs::Metadata;
use std::io::{self, Read};
use std::path::Path;

use crate::cli::UsageError;
use crate::core::taskdef::document::{self, Document, InputError};
use crate::output::{files, os_error};

/// The path that means standard input, as in `aws ... | ddecs-wizard patch -`.
const STDIN: &str = "-";

/// The most bytes read from a file or standard input. ECS caps a task
/// definition at 64 KiB, so this is generous; without a cap, `/dev/zero`
/// or a runaway pipe would take all memory.
pub const MAX_INPUT_BYTES: u64 = 64 * 1024 * 1024;

/// A file's bytes and the name to use for it in messages.
pub struct Input {
    pub name: String,
    pub bytes: Vec<u8>,
}

pub fn is_stdin(path: &Path) -> bool {
    path.as_os_str() == STDIN
}

pub fn read(path: &Path) -> Result<Input, UsageError> {
    if is_stdin(path) {
        let name = "standard input";
        let bytes = read_capped(io::stdin().lock(), 0, name)?;
        return Ok(Input {
            name: "stdin".to_owned(),
            bytes,
        });
    }
    let name = path.display().to_string();
    let cannot = |e: io::Error| UsageError(format!("cannot read {name}: {}", describe(&e)));
    // Opening a FIFO blocks until something writes to it, perhaps for
    // ever, and a device may never end: only a regular file is read.
    refuse_unless_regular(&name, &std::fs::metadata(path).map_err(cannot)?)?;
    let file = std::fs::File::open(path).map_err(cannot)?;
    let metadata = file.metadata().map_err(cannot)?;
    refuse_unless_regular(&name, &metadata)?;
    // A regular file says its size: one too big is refused unread.
    let size = metadata.len();
    if size > MAX_INPUT_BYTES {
        return Err(too_big(&name));
    }
    let bytes = read_capped(file, size, &name)?;
    Ok(Input { name, bytes })
}

/// Refuses what is not a regular file (a directory is for the caller to
/// walk or refuse), saying what it is and what to name instead.
fn refuse_unless_regular(name: &str, metadata: &Metadata) -> Result<(), UsageError> {
    if metadata.is_file() || metadata.is_dir() {
        return Ok(());
    }
    Err(UsageError(format!(
        "cannot read {name}: it is {}, not a regular file; name the task definition file, or - for standard input",
        files::kind_of(metadata)
    )))
}

/// Reads to the end, or fails once more than [`MAX_INPUT_BYTES`] came.
fn read_capped(reader: impl Read, size_hint: u64, name: &str) -> Result<Vec<u8>, UsageError> {
    let mut bytes = Vec::with_capacity(usize::try_from(size_hint).unwrap_or(0));
    reader
        .take(MAX_INPUT_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| UsageError(format!("cannot read {name}: {}", describe(&e))))?;
    if bytes.len() as u64 > MAX_INPUT_BYTES {
        return Err(too_big(name));
    }
    Ok(bytes)
}

fn too_big(name: &str) -> UsageError {
    UsageError(format!(
        "{name} is larger than {} MiB, the most this tool reads (ECS allows 64 KiB for a task definition)",
        MAX_INPUT_BYTES / 1024 / 1024
    ))
}

/// Reads the task definition in `input`; a problem becomes a usage error
/// that starts with `FILE:LINE:COLUMN:` when it is at one place.
pub fn document(input: &Input) -> Result<Document, UsageError> {
    document::read(&input.bytes).map_err(|e| located(&input.name, &e))
}

/// `FILE:LINE:COLUMN: message`, or `FILE: message` where there is no place.
pub fn located(name: &str, error: &InputError) -> UsageError {
    match error.position() {
        Some(at) => UsageError(format!("{name}:{at}: {error}")),
        None => UsageError(format!("{name}: {error}")),
    }
}

/// An I/O error in lower case, without the OS error number.
fn describe(error: &io::Error) -> String {
    match error.kind() {
        io::ErrorKind::NotFound => "no such file; check the path".to_owned(),
        io::ErrorKind::IsADirectory => "it is a directory, not a file".to_owned(),
        _ => os_error::describe(error),
    }
}
