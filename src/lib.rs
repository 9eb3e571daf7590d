//! ddecs-wizard: Datadog APM tracing for Amazon ECS on EC2, generated right.

#[cfg(feature = "aws")]
pub mod aws;
pub mod cli;
pub mod commands;
pub mod core;
pub mod exit;
pub mod output;
pub mod plain;
pub mod terminal;
pub mod tui;
pub mod wizard;
