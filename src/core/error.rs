//! Errors of the pure core. Each names the value and says what would be
//! accepted, so front ends can print it as the whole message.

use thiserror::Error;

#[derive(Debug, Error, PartialEq, Eq)]
pub enum ConfigError {
    #[error("invalid {what} {value:?}: expected {expected}")]
    Invalid {
        what: &'static str,
        value: String,
        expected: String,
    },
    #[error("unsupported {what} {value:?}: {why}")]
    Unsupported {
        what: &'static str,
        value: String,
        why: String,
    },
    #[error("the {what} must not be empty")]
    Empty { what: &'static str },
}

/// An artifact was asked for that the chosen answers do not use.
#[derive(Debug, Error, PartialEq, Eq)]
#[error("{artifact} does not apply to {to}: {why}")]
pub struct NotApplicable {
    pub artifact: &'static str,
    /// The answer that rules it out, as the user gave it (`java`,
    /// `--transport uds`).
    pub to: String,
    pub why: &'static str,
}
