//! What reading a task definition changed on the way in, one note per
//! change, said on stderr by the commands that write the result. Typed, so
//! that a caller that shows only what it did itself (`apply`, whose input is
//! always describe output) leaves these out by kind, not by their text.

use std::fmt;

/// One change [`read`](super::document::read) made to the file's value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReadNote {
    /// A UTF-8 byte order mark at the start was dropped.
    BomStripped,
    /// Null members were dropped (this many, at any depth).
    NullsDropped { count: usize },
    /// `{"taskDefinition": ...}` was taken out of its wrapper.
    Unwrapped,
    /// The describe output's `tags` moved into the task definition.
    TagsMoved,
    /// Members beside `taskDefinition` that register does not take.
    SiblingsDropped { keys: Vec<String> },
    /// describe-task-definition's read-only fields.
    ReadOnlyDropped { fields: Vec<&'static str> },
}

impl fmt::Display for ReadNote {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ReadNote::BomStripped => {
                f.write_str("stripped the UTF-8 byte order mark at the start of the file")
            }
            ReadNote::NullsDropped { count } => write!(
                f,
                "dropped {count} null field{}: null means not set, and register-task-definition rejects it",
                if *count == 1 { "" } else { "s" }
            ),
            ReadNote::Unwrapped => f.write_str(
                "unwrapped {\"taskDefinition\": ...} so that the result is register-task-definition input",
            ),
            ReadNote::TagsMoved => f.write_str("moved the tags beside taskDefinition into it"),
            ReadNote::SiblingsDropped { keys } => write!(
                f,
                "dropped {} beside taskDefinition: register-task-definition does not take {}",
                keys.join(", "),
                if keys.len() == 1 { "it" } else { "them" }
            ),
            ReadNote::ReadOnlyDropped { fields } => write!(
                f,
                "dropped the read-only describe-task-definition fields {} so that the result registers",
                fields.join(", ")
            ),
        }
    }
}
