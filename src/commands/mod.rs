//! The offline subcommands (`generate`, `patch`, `check`, `completions`):
//! each turns parsed arguments into output and an exit code, with the core
//! doing the work. The AWS commands are in the `ddecs-wizard-aws` package;
//! the wizard front ends (`tui`, `plain`) never call in here.

pub mod check;
pub mod completions;
pub mod generate;
pub mod input;
pub mod patch;
