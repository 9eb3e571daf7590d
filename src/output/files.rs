//! File writes that never leave a half-written file or a partial set, never
//! write through a link planted in an output directory, and keep what makes
//! a file someone's (owner, group, mode).
//!
//! One file (`patch -o`, `--in-place`) is written to a temporary file beside
//! the target, synced, and renamed over the target only when complete.
//!
//! A set (`generate --out-dir`, the wizards' save) is written into a staging
//! directory inside the output directory, then renamed into place file by
//! file. A failure at any step undoes the renames done so far and removes
//! the staging directory, and the output directory too when this run
//! created it: the directory holds the whole new set or what it held before.
//!
//! Both hold off SIGINT, SIGTERM, SIGHUP and SIGQUIT while they create,
//! rename and remove ([`super::held`]): a signal that comes meanwhile acts
//! once the write is whole, so it cannot leave a mix or a staging
//! directory either.

use std::fmt;
use std::fs::{self, File, Metadata, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use super::held;
use super::os_error::describe;
use super::safe::printable;

#[derive(Debug)]
pub enum WriteError {
    /// Files of the set are there already and `force` was not given.
    Exists(Vec<PathBuf>),
    /// `path` could not be written, or is not something this tool replaces.
    Io { path: PathBuf, source: io::Error },
}

impl WriteError {
    /// Whether this tool refused the target (it is there already without
    /// `--force`, or it is no regular file with one name): bad input, exit
    /// 2. Anything the file system refused, a file where a directory must
    /// be included, is an I/O failure, exit 1, as with `mkdir`.
    pub fn is_refusal(&self) -> bool {
        match self {
            WriteError::Exists(_) => true,
            WriteError::Io { source, .. } => source.kind() == io::ErrorKind::InvalidInput,
        }
    }
}

impl fmt::Display for WriteError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            WriteError::Exists(paths) => {
                let list: Vec<String> = paths.iter().map(|p| shown(p)).collect();
                let verb = if paths.len() == 1 { "exists" } else { "exist" };
                write!(
                    f,
                    "{} already {verb}; use --force to overwrite",
                    list.join(", ")
                )
            }
            WriteError::Io { path, source } => {
                write!(f, "cannot write {}: {}", shown(path), describe(source))
            }
        }
    }
}

/// No source: the message already says what the OS said, and an error
/// chain would print it a second time.
impl std::error::Error for WriteError {}

fn shown(path: &Path) -> String {
    printable(&path.display().to_string()).into_owned()
}

fn io_error(path: &Path) -> impl FnOnce(io::Error) -> WriteError + '_ {
    move |source| WriteError::Io {
        path: path.to_owned(),
        source,
    }
}

/// Names of temporary files and directories; the tests look for leftovers
/// by it.
const TEMP_PREFIX: &str = ".ddecs-wizard-";

/// A temporary file or directory, removed when dropped unless kept.
struct Temporary {
    path: PathBuf,
    is_dir: bool,
    keep: bool,
}

impl Drop for Temporary {
    fn drop(&mut self) {
        if !self.keep {
            let _ = if self.is_dir {
                fs::remove_dir_all(&self.path)
            } else {
                fs::remove_file(&self.path)
            };
        }
    }
}

/// Creates a temporary file or directory with a fresh name in `dir`, with
/// `create`, which must fail when the name is taken (never open what is
/// there: it could be a link planted by someone else).
fn create_temporary<T>(
    dir: &Path,
    is_dir: bool,
    create: impl Fn(&Path) -> io::Result<T>,
) -> io::Result<(Temporary, T)> {
    static COUNTER: AtomicU32 = AtomicU32::new(0);
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    let suffix = if is_dir { "" } else { ".tmp" };
    let mut last = io::Error::from(io::ErrorKind::AlreadyExists);
    for _ in 0..100 {
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        let path = dir.join(format!(
            "{TEMP_PREFIX}{}-{n}-{nanos:08x}{suffix}",
            std::process::id()
        ));
        match create(&path) {
            Ok(made) => {
                let temporary = Temporary {
                    path,
                    is_dir,
                    keep: false,
                };
                return Ok((temporary, made));
            }
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => last = e,
            Err(e) => return Err(e),
        }
    }
    Err(last)
}

/// A new file at `path`, never an existing one (O_EXCL does not follow a
/// link either), with the usual 0666 less the umask.
fn new_file(path: &Path) -> io::Result<File> {
    let mut options = OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o666);
    }
    options.open(path)
}

/// What kind of thing `metadata` describes, for a refusal.
pub fn kind_of(metadata: &Metadata) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        let kind = metadata.file_type();
        if kind.is_fifo() {
            return "a FIFO";
        }
        if kind.is_socket() {
            return "a socket";
        }
        if kind.is_char_device() {
            return "a character device";
        }
        if kind.is_block_device() {
            return "a block device";
        }
    }
    if metadata.is_dir() {
        "a directory"
    } else {
        "an unknown kind of file"
    }
}

/// Whether the existing file `metadata` describes may be replaced by a new
/// one. A FIFO or a device would become a plain file; a file with several
/// hard links would split in two, the other names keeping the old text.
fn replaceable(metadata: &Metadata) -> io::Result<()> {
    if metadata.is_dir() {
        return Err(io::ErrorKind::IsADirectory.into());
    }
    if !metadata.is_file() {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!(
                "it is {}, and only a regular file can be replaced",
                kind_of(metadata)
            ),
        ));
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        if metadata.nlink() > 1 {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                format!(
                    "it has {} hard links, and replacing it would leave the other names with the old text; \
                     write a new file with -o and copy it over this one",
                    metadata.nlink()
                ),
            ));
        }
    }
    Ok(())
}

/// Refuses, before anything is read, a file [`write_atomic`] would refuse
/// to replace (a FIFO, a device, a hard-linked file); reading a FIFO could
/// block for ever. A file that is not there is for the reader to report.
pub fn check_replaceable(path: &Path) -> Result<(), WriteError> {
    match fs::metadata(path) {
        Ok(metadata) => replaceable(&metadata).map_err(io_error(path)),
        Err(_) => Ok(()),
    }
}

/// Gives the new file the owner, group and mode of the one it replaces.
/// Only root can give a file away; others may still keep the group, and
/// where neither is permitted the file becomes the writer's, as with any
/// editor that saves by rename.
fn keep_owner_and_mode(file: &File, old: &Metadata) -> io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::{fchown, MetadataExt};
        if fchown(file, Some(old.uid()), Some(old.gid())).is_err() {
            let _ = fchown(file, None, Some(old.gid()));
        }
    }
    // Last, because a change of owner clears the set-user-ID bits.
    file.set_permissions(old.permissions())
}

/// Makes renames in `dir` survive a crash; some file systems cannot sync a
/// directory, and the data is safe on disk already, so a failure is fine.
fn sync_dir(dir: &Path) {
    if let Ok(dir) = File::open(dir) {
        let _ = dir.sync_all();
    }
}

fn parent_of(path: &Path) -> &Path {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    }
}

/// Writes `contents` to `path` atomically. An existing file keeps its
/// owner, group and permissions; a new one gets 0666 less the umask. A
/// symlink is written through: the file it points to is replaced, the link
/// stays. Anything but a regular file with one name is refused.
pub fn write_atomic(path: &Path, contents: &[u8]) -> Result<(), WriteError> {
    let is_link = fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink());
    let target = if is_link {
        fs::canonicalize(path).map_err(io_error(path))?
    } else {
        path.to_owned()
    };
    let existing = match fs::metadata(&target) {
        Ok(metadata) => Some(metadata),
        Err(e) if e.kind() == io::ErrorKind::NotFound => None,
        Err(e) => return Err(io_error(path)(e)),
    };
    if let Some(metadata) = &existing {
        replaceable(metadata).map_err(io_error(path))?;
    }
    let dir = parent_of(&target);
    let _held = held::hold();
    let (mut temporary, mut file) =
        create_temporary(dir, false, new_file).map_err(io_error(path))?;
    file.write_all(contents).map_err(io_error(path))?;
    if let Some(metadata) = &existing {
        keep_owner_and_mode(&file, metadata).map_err(io_error(path))?;
    }
    file.sync_all().map_err(io_error(path))?;
    fs::rename(&temporary.path, &target).map_err(io_error(path))?;
    temporary.keep = true;
    sync_dir(dir);
    Ok(())
}

/// Writes a set of files into `dir` (created if missing), all or nothing.
/// Without `force`, nothing is written when any of them exists already,
/// a link included, dangling or not. With `force`, what is there is
/// replaced, never followed: a link planted in `dir` is replaced by the
/// file, and what it pointed to stays as it was. Returns the paths written.
pub fn write_all(
    dir: &Path,
    files: &[(&str, String)],
    force: bool,
) -> Result<Vec<PathBuf>, WriteError> {
    match fs::metadata(dir) {
        Ok(metadata) if !metadata.is_dir() => {
            return Err(io_error(dir)(io::ErrorKind::NotADirectory.into()))
        }
        Err(e) if e.kind() != io::ErrorKind::NotFound => return Err(io_error(dir)(e)),
        _ => {}
    }
    let targets: Vec<PathBuf> = files.iter().map(|(name, _)| dir.join(name)).collect();
    let mut existing = Vec::new();
    for target in &targets {
        match fs::symlink_metadata(target) {
            Ok(metadata) if metadata.is_dir() => {
                return Err(io_error(target)(io::ErrorKind::IsADirectory.into()))
            }
            Ok(_) => existing.push(target.clone()),
            Err(e) if e.kind() == io::ErrorKind::NotFound => {}
            Err(e) => return Err(io_error(target)(e)),
        }
    }
    if !force && !existing.is_empty() {
        return Err(WriteError::Exists(existing));
    }
    let _held = held::hold();
    let created = create_dirs(dir)?;
    let written = write_set(dir, &targets, files);
    if written.is_err() {
        for made in created.iter().rev() {
            let _ = fs::remove_dir(made);
        }
    }
    written.map(|()| targets)
}

/// Creates `dir` and its missing parents; the ones it created, outermost
/// first, so that a failed write can take them away again.
fn create_dirs(dir: &Path) -> Result<Vec<PathBuf>, WriteError> {
    let mut missing = Vec::new();
    let mut at = Some(dir);
    while let Some(path) = at {
        if path.as_os_str().is_empty() || fs::symlink_metadata(path).is_ok() {
            break;
        }
        missing.push(path.to_owned());
        at = path.parent();
    }
    missing.reverse();
    for (i, path) in missing.iter().enumerate() {
        match fs::create_dir(path) {
            Ok(()) => {}
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists && path.is_dir() => {}
            Err(e) => {
                for made in missing[..i].iter().rev() {
                    let _ = fs::remove_dir(made);
                }
                return Err(io_error(path)(e));
            }
        }
    }
    Ok(missing)
}

/// One file moved into place, and how to undo it.
struct Placed<'a> {
    target: &'a Path,
    /// A second name for the file it replaced, made before the rename.
    old: Option<PathBuf>,
    /// Whether something was there before (then, without `old`, the new
    /// file stays: removing it would lose both).
    replaced: bool,
}

fn write_set(dir: &Path, targets: &[PathBuf], files: &[(&str, String)]) -> Result<(), WriteError> {
    let (_staging, path) = create_temporary(dir, true, |path| {
        fs::create_dir(path).map(|()| path.to_owned())
    })
    .map_err(io_error(dir))?;
    let old_dir = path.join("old");
    fs::create_dir(&old_dir).map_err(io_error(dir))?;
    let mut staged = Vec::with_capacity(files.len());
    for (target, (name, contents)) in targets.iter().zip(files) {
        let new = path.join(name);
        let mut file = new_file(&new).map_err(io_error(target))?;
        file.write_all(contents.as_bytes())
            .map_err(io_error(target))?;
        if let Ok(old) = fs::symlink_metadata(target) {
            if old.is_file() {
                keep_owner_and_mode(&file, &old).map_err(io_error(target))?;
            }
        }
        file.sync_all().map_err(io_error(target))?;
        staged.push(new);
    }
    let mut placed: Vec<Placed> = Vec::with_capacity(files.len());
    for ((target, new), (name, _)) in targets.iter().zip(&staged).zip(files) {
        let replaced = fs::symlink_metadata(target).is_ok();
        // A hard link (to a link itself, where the target is one) keeps the
        // old file reachable for an undo, without a moment when the target
        // is missing.
        let old = old_dir.join(name);
        let old = (replaced && fs::hard_link(target, &old).is_ok()).then_some(old);
        if let Err(e) = fs::rename(new, target) {
            undo(&placed);
            return Err(io_error(target)(e));
        }
        placed.push(Placed {
            target,
            old,
            replaced,
        });
    }
    sync_dir(dir);
    Ok(())
}

/// Puts back what the renames in `placed` replaced, newest first.
fn undo(placed: &[Placed]) {
    for step in placed.iter().rev() {
        let _ = match (&step.old, step.replaced) {
            (Some(old), _) => fs::rename(old, step.target),
            (None, false) => fs::remove_file(step.target),
            (None, true) => Ok(()),
        };
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

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
        assert!(err.is_refusal());
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
        assert_eq!(names(dir.path()), ["a.json", "b.conf"]);
    }

    #[test]
    fn a_file_in_the_way_of_the_directory_is_not_a_directory() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("out");
        fs::write(&file, "x").unwrap();
        let err = write_all(&file, &[("a.json", "1".to_owned())], true).unwrap_err();
        assert_eq!(
            err.to_string(),
            format!("cannot write {}: not a directory", file.display())
        );
        assert!(!err.is_refusal());
    }

    #[test]
    fn a_directory_in_the_way_of_a_file_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        fs::create_dir(dir.path().join("a.json")).unwrap();
        let files = [("a.json", "1".to_owned()), ("b.conf", "2".to_owned())];
        let err = write_all(dir.path(), &files, true).unwrap_err();
        assert!(
            err.to_string().ends_with("a.json: it is a directory"),
            "{err}"
        );
        assert_eq!(names(dir.path()), ["a.json"]);
    }

    #[test]
    fn a_failed_rename_puts_back_what_was_there() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join("a.json"), "old a").unwrap();
        // b.conf cannot be renamed over: a directory is there, and it
        // appears only after the checks, as a racing process could make it.
        let files = [("a.json", "1".to_owned()), ("b.conf", "2".to_owned())];
        let targets: Vec<PathBuf> = files.iter().map(|(n, _)| dir.path().join(n)).collect();
        fs::create_dir(dir.path().join("b.conf")).unwrap();
        fs::write(dir.path().join("b.conf/inside"), "x").unwrap();
        let err = write_set(dir.path(), &targets, &files).unwrap_err();
        assert!(err.to_string().contains("b.conf"), "{err}");
        assert_eq!(
            fs::read_to_string(dir.path().join("a.json")).unwrap(),
            "old a"
        );
        assert_eq!(names(dir.path()), ["a.json", "b.conf"]);
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
        assert_eq!(names(dir.path()), ["task.json"]);
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

    #[cfg(unix)]
    #[test]
    fn hard_links_and_devices_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("task.json");
        fs::write(&path, "old").unwrap();
        fs::hard_link(&path, dir.path().join("other.json")).unwrap();
        let err = write_atomic(&path, b"new").unwrap_err();
        assert!(err.to_string().contains(": it has 2 hard links"), "{err}");
        assert!(err.is_refusal());
        assert_eq!(fs::read_to_string(&path).unwrap(), "old");
        let err = write_atomic(Path::new("/dev/null"), b"x").unwrap_err();
        assert_eq!(
            err.to_string(),
            "cannot write /dev/null: it is a character device, and only a regular file can be replaced"
        );
    }

    #[test]
    fn write_into_missing_parent_fails_with_the_path() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("no/such/dir/x.json");
        let err = write_atomic(&path, b"x").unwrap_err();
        assert_eq!(
            err.to_string(),
            format!("cannot write {}: no such file or directory", path.display())
        );
        assert!(!err.is_refusal());
    }
}
