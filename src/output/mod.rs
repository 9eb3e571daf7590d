//! Everything that leaves the process: files (always atomic) and, later,
//! the clipboard.

pub mod diff;
pub mod files;
