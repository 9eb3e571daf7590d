//! Saving the artifact files of a config: the set the core lists, written
//! all or nothing.

use std::path::{Path, PathBuf};

use crate::core::generate::files::artifact_files;
use crate::core::Config;
use crate::output::files::{self, WriteError};

/// Writes every artifact file of `config` into `dir`; the paths written,
/// in order.
pub fn save(config: &Config, dir: &Path, force: bool) -> Result<Vec<PathBuf>, WriteError> {
    files::write_all(dir, &artifact_files(config), force)
}
