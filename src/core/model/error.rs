//! Errors of the pure core. Each names the value and says what would be
//! accepted, so front ends can print it as the whole message; the typed
//! [`Field`] lets each front end point at its own way of giving the value.

use thiserror::Error;

pub use crate::core::model::field::Field;

#[derive(Debug, Clone, Error, PartialEq, Eq)]
pub enum ConfigError {
    #[error("invalid {field} {value:?}: expected {expected}")]
    Invalid {
        field: Field,
        value: String,
        expected: String,
    },
    #[error("unsupported {field} {value:?}: {why}")]
    Unsupported {
        field: Field,
        value: String,
        why: String,
    },
    #[error("the {field} must not be empty")]
    Empty { field: Field },
}

impl ConfigError {
    /// The answer that is wrong.
    pub fn field(&self) -> Field {
        match self {
            ConfigError::Invalid { field, .. }
            | ConfigError::Unsupported { field, .. }
            | ConfigError::Empty { field } => *field,
        }
    }
}

/// An artifact was asked for (`--output`) that the chosen answers do not
/// use.
#[derive(Debug, Error, PartialEq, Eq)]
#[error("{flag}: {artifact} does not apply to {to}: {why}", flag = Field::Artifact.flag())]
pub struct NotApplicable {
    pub artifact: &'static str,
    /// The answer that rules it out, as the user gave it (`java`,
    /// `--transport uds`).
    pub to: String,
    pub why: &'static str,
}
