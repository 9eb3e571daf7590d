//! Everything that leaves the process: files (always atomic), diffs, the
//! clipboard, and the one function that makes input safe to print.

pub mod artifacts;
pub mod clipboard;
pub mod diff;
pub mod files;
pub mod held;
pub mod os_error;
pub mod safe;
