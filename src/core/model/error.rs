//! Errors of the pure core. Each names the value and says what would be
//! accepted, so front ends can print it as the whole message; the typed
//! [`Field`] lets each front end point at its own way of giving the value.

use std::fmt;

use thiserror::Error;

/// The answer a configuration error is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Field {
    LaunchType,
    Transport,
    Language,
    Imds,
    AgentVersion,
    StartupCommand,
    AppName,
    AppImage,
    Site,
    ApiKeySecretArn,
    Service,
    Env,
    ServiceVersion,
    Artifact,
}

impl Field {
    pub const ALL: [Field; 14] = [
        Field::LaunchType,
        Field::Transport,
        Field::Language,
        Field::Imds,
        Field::AgentVersion,
        Field::StartupCommand,
        Field::AppName,
        Field::AppImage,
        Field::Site,
        Field::ApiKeySecretArn,
        Field::Service,
        Field::Env,
        Field::ServiceVersion,
        Field::Artifact,
    ];

    /// How messages name the answer.
    pub fn noun(self) -> &'static str {
        match self {
            Field::LaunchType => "launch type",
            Field::Transport => "transport",
            Field::Language => "language",
            Field::Imds => "imds",
            Field::AgentVersion => "agent version",
            Field::StartupCommand => "startup command",
            Field::AppName => "app name",
            Field::AppImage => "app image",
            Field::Site => "site",
            Field::ApiKeySecretArn => "api key secret ARN",
            Field::Service => "service",
            Field::Env => "env",
            Field::ServiceVersion => "service version",
            Field::Artifact => "artifact",
        }
    }

    /// The command-line flag that gives the answer.
    pub fn flag(self) -> &'static str {
        match self {
            Field::LaunchType => "--launch-type",
            Field::Transport => "--transport",
            Field::Language => "--language",
            Field::Imds => "--imds",
            Field::AgentVersion => "--agent-version",
            Field::StartupCommand => "--startup-command",
            Field::AppName => "--app-name",
            Field::AppImage => "--app-image",
            Field::Site => "--site",
            Field::ApiKeySecretArn => "--api-key-secret-arn",
            Field::Service => "--service",
            Field::Env => "--env",
            Field::ServiceVersion => "--service-version",
            Field::Artifact => "--output",
        }
    }
}

impl fmt::Display for Field {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.noun())
    }
}

#[derive(Debug, Error, PartialEq, Eq)]
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
