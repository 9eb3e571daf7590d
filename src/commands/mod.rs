//! The non-interactive subcommands: each turns parsed arguments into output
//! and an exit code, using the core for everything it prints.

pub mod check;
pub mod completions;
pub mod generate;
pub mod input;
pub mod patch;
