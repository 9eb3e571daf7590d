//! The non-interactive subcommands: each turns parsed arguments into output
//! and an exit code, using the core for everything it prints.

#[cfg(feature = "aws")]
pub mod apply;
pub mod check;
pub mod completions;
#[cfg(feature = "aws")]
pub mod doctor;
pub mod generate;
pub mod input;
pub mod patch;
#[cfg(feature = "aws")]
pub mod pull;
#[cfg(feature = "aws")]
pub mod register;
