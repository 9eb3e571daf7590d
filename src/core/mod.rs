//! The pure core: no terminal, files or environment. Every front end calls
//! in here and only here.
//!
//! It is built in floors, and imports only run downwards:
//!
//! - [`model`], [`json`] and [`shell`], the ground floor: the answers and
//!   Datadog's constants; JSON text (where each value sits, and edits that
//!   keep the rest byte for byte); shell quoting and reading.
//! - [`generate`] (artifacts from a [`Config`]) and [`taskdef`] (reading real
//!   task definitions), side by side: neither uses the other.
//! - [`patch`] (uses both) and [`lint`] (`check`; uses `taskdef`, never
//!   `generate`, so a rule can never agree with a bug by construction).

pub mod generate;
pub mod json;
pub mod lint;
pub mod model;
pub mod patch;
pub mod shell;
pub mod taskdef;

pub use generate::artifact::{render, Artifact};
pub use model::config::{AgentVersion, Config, Imds, Language, LaunchType, Tags, Transport};
pub use model::error::{ConfigError, Field, NotApplicable};
