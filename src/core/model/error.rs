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
    /// A Datadog API key where the ARN of the secret that holds it belongs:
    /// never repeated back, since error lines end up in CI logs.
    #[error("that is a Datadog API key, not the ARN of a secret that holds it, and a key in a task definition is readable by anyone who can describe it: store it first with {STORE_KEY_COMMAND} and give the ARN it prints")]
    PlainApiKey { field: Field },
}

/// Stores an API key in Secrets Manager without it showing on the screen,
/// in the shell's history or in a process list (`read -rs`, then the
/// variable; the ARN is printed).
pub const STORE_KEY_COMMAND: &str = "read -rs DD_API_KEY && aws secretsmanager create-secret --name datadog/api-key --secret-string \"$DD_API_KEY\" --query ARN --output text";

impl ConfigError {
    /// The answer that is wrong.
    pub fn field(&self) -> Field {
        match self {
            ConfigError::Invalid { field, .. }
            | ConfigError::Unsupported { field, .. }
            | ConfigError::Empty { field }
            | ConfigError::PlainApiKey { field } => *field,
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
