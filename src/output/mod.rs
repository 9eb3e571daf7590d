//! Everything that leaves the process: files (always atomic), diffs, and the
//! clipboard.

pub mod clipboard;
pub mod diff;
pub mod files;
