//! Reading the task definition file that `patch` and `check` work on, and
//! turning what is wrong with it into one line that names the file and the
//! place: `task.json:12:5: ...`. A file that cannot be read or used is bad
//! input (exit 2), so that `check`'s exit 1 always means "errors found".

use std::io::{self, Read};
use std::path::Path;

use crate::cli::UsageError;
use crate::core::taskdef::{self, Document, InputError};

/// The path that means standard input, as in `aws ... | ddecs-wizard patch -`.
const STDIN: &str = "-";

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
        let mut bytes = Vec::new();
        io::stdin()
            .read_to_end(&mut bytes)
            .map_err(|e| UsageError(format!("cannot read standard input: {}", describe(&e))))?;
        return Ok(Input {
            name: "stdin".to_owned(),
            bytes,
        });
    }
    let name = path.display().to_string();
    let bytes = std::fs::read(path)
        .map_err(|e| UsageError(format!("cannot read {name}: {}", describe(&e))))?;
    Ok(Input { name, bytes })
}

/// Reads the task definition in `input`; a problem becomes a usage error
/// that starts with `FILE:LINE:COLUMN:` when it is at one place.
pub fn document(input: &Input) -> Result<Document, UsageError> {
    taskdef::read(&input.bytes).map_err(|e| located(&input.name, &e))
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
        io::ErrorKind::PermissionDenied => "permission denied".to_owned(),
        io::ErrorKind::IsADirectory => "it is a directory, not a file".to_owned(),
        _ => {
            let text = error.to_string();
            let text = text.split(" (os error").next().unwrap_or(&text);
            let mut chars = text.chars();
            chars
                .next()
                .map(|first| first.to_lowercase().chain(chars).collect())
                .unwrap_or_default()
        }
    }
}
