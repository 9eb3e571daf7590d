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

/// An artifact was asked for that the chosen language does not use.
#[derive(Debug, Error, PartialEq, Eq)]
#[error("{artifact} does not apply to {language}: {why}")]
pub struct NotApplicable {
    pub artifact: &'static str,
    pub language: &'static str,
    pub why: &'static str,
}
