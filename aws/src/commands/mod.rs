//! The four AWS commands: each turns parsed arguments into calls, output
//! and an exit code.

pub mod apply;
pub mod doctor;
pub mod pull;
pub mod register;
