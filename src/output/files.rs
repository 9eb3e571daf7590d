//! Atomic file writes: a reader, a crash or a full disk never sees a
//! half-written file, because each file is written to a temporary file in
//! the same directory and renamed over the target only when complete.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use thiserror::Error;

#[derive(Debug, Error)]
pub enum WriteError {
    #[error("{} already exist{}; use --force to overwrite", list(.0), if .0.len() == 1 { "s" } else { "" })]
    Exists(Vec<PathBuf>),
    #[error("cannot write {}: {source}", .path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

fn list(paths: &[PathBuf]) -> String {
    paths
        .iter()
        .map(|p| p.display().to_string())
        .collect::<Vec<_>>()
        .join(", ")
}

fn io_error(path: &Path) -> impl FnOnce(std::io::Error) -> WriteError + '_ {
    move |source| WriteError::Io {
        path: path.to_owned(),
        source,
    }
}

/// Writes `contents` to `path` atomically. An existing file keeps its
/// permissions; a new one gets the usual 0666 less the umask. A symlink is
/// written through: the file it points to is replaced, the link stays.
pub fn write_atomic(path: &Path, contents: &[u8]) -> Result<(), WriteError> {
    let is_link = fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink());
    let resolved = if is_link {
        fs::canonicalize(path).map_err(io_error(path))?
    } else {
        path.to_owned()
    };
    let path = resolved.as_path();
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let mut builder = tempfile::Builder::new();
    builder.prefix(".ddecs-wizard-").suffix(".tmp");
    let existing = fs::metadata(path).ok().map(|m| m.permissions());
    #[cfg(unix)]
    if existing.is_none() {
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(fs::Permissions::from_mode(0o666));
    }
    let mut file = builder.tempfile_in(dir).map_err(io_error(path))?;
    file.write_all(contents).map_err(io_error(path))?;
    file.as_file().sync_all().map_err(io_error(path))?;
    if let Some(permissions) = existing {
        fs::set_permissions(file.path(), permissions).map_err(io_error(path))?;
    }
    file.persist(path).map_err(|e| io_error(path)(e.error))?;
    Ok(())
}

/// Writes a set of files into `dir` (created if missing). Without `force`,
/// nothing is written when any of them exists already, so a second run never
/// leaves a mix of old and new files. Returns the paths written.
pub fn write_all(
    dir: &Path,
    files: &[(&str, String)],
    force: bool,
) -> Result<Vec<PathBuf>, WriteError> {
    let paths: Vec<PathBuf> = files.iter().map(|(name, _)| dir.join(name)).collect();
    if !force {
        let existing: Vec<PathBuf> = paths.iter().filter(|p| p.exists()).cloned().collect();
        if !existing.is_empty() {
            return Err(WriteError::Exists(existing));
        }
    }
    fs::create_dir_all(dir).map_err(io_error(dir))?;
    for (path, (_, contents)) in paths.iter().zip(files) {
        write_atomic(path, contents.as_bytes())?;
    }
    Ok(paths)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn write_all_refuses_to_overwrite_without_force() {
        let dir = tempfile::tempdir().unwrap();
        let files = [("a.json", "1\n".to_owned()), ("b.conf", "2\n".to_owned())];
        write_all(dir.path(), &files, false).unwrap();
        fs::write(dir.path().join("a.json"), "mine").unwrap();
        fs::remove_file(dir.path().join("b.conf")).unwrap();
        let err = write_all(dir.path(), &files, false).unwrap_err();
        assert!(
            err.to_string()
                .contains("a.json already exists; use --force"),
            "{err}"
        );
        // Nothing was written: the missing file is still missing.
        assert!(!dir.path().join("b.conf").exists());
        assert_eq!(
            fs::read_to_string(dir.path().join("a.json")).unwrap(),
            "mine"
        );
        write_all(dir.path(), &files, true).unwrap();
        assert_eq!(
            fs::read_to_string(dir.path().join("a.json")).unwrap(),
            "1\n"
        );
    }

    #[cfg(unix)]
    #[test]
    fn write_atomic_keeps_permissions_and_leaves_no_temp_files() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("task.json");
        fs::write(&path, "old").unwrap();
        fs::set_permissions(&path, fs::Permissions::from_mode(0o600)).unwrap();
        write_atomic(&path, b"new").unwrap();
        assert_eq!(fs::read_to_string(&path).unwrap(), "new");
        assert_eq!(
            fs::metadata(&path).unwrap().permissions().mode() & 0o777,
            0o600
        );
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[cfg(unix)]
    #[test]
    fn write_atomic_writes_through_a_symlink() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("real.json");
        let link = dir.path().join("link.json");
        fs::write(&target, "old").unwrap();
        std::os::unix::fs::symlink(&target, &link).unwrap();
        write_atomic(&link, b"new").unwrap();
        assert!(fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink());
        assert_eq!(fs::read_to_string(&target).unwrap(), "new");
    }

    #[test]
    fn write_into_missing_parent_fails_with_the_path() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("no/such/dir/x.json");
        let err = write_atomic(&path, b"x").unwrap_err();
        assert!(err.to_string().starts_with("cannot write "), "{err}");
        assert!(err.to_string().contains("x.json"), "{err}");
    }
}
