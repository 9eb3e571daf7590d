//! ddecs-wizard: Datadog APM tracing for Amazon ECS, generated right.

pub mod cli;
pub mod commands;
pub mod companion;
pub mod core;
pub mod exit;
pub mod output;
pub mod plain;
pub mod terminal;
pub mod tui;
pub mod usage;
pub mod wizard;
