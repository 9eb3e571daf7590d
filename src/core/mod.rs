//! The pure core: turns one [`Config`] into every artifact. No terminal, no
//! files, no environment: every front end calls in here and only here.

pub mod agent;
pub mod app;
pub mod app_task;
pub mod artifact;
pub mod check;
pub mod config;
pub mod container;
pub mod entrypoint;
pub mod error;
pub mod json_edit;
pub mod json_position;
pub mod json_syntax;
pub mod languages;
pub mod next_steps;
pub mod patch;
pub mod php;
pub mod placeholder;
pub mod report;
pub mod seed_wrapper;
pub mod shell;
pub mod socket;
pub mod socket_patch;
pub mod task_context;
pub mod taskdef;
pub mod tracer_code;

pub use artifact::{render, Artifact};
pub use config::{AgentVersion, Config, Imds, Language, LaunchType, Tags, Transport};
pub use error::{ConfigError, Field, NotApplicable};
