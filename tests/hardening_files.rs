//! What the file-writing commands promise when the file system is hostile:
//! `generate --out-dir` writes its set all or nothing (a full disk leaves
//! nothing, and a rerun works), never writes through a link planted in the
//! directory, and `patch --in-place` refuses what is not a plain file with
//! one name and keeps its owner. Input is capped at 64 MiB. Each error is
//! one line naming the target, never a temporary file, and notes of changes
//! come only after the write.
//!
//! The full-disk cases mount a small tmpfs (root only; CI runs as root) and
//! skip with a note where mounting is not permitted.

use std::fs;
use std::io::Write;
use std::os::unix::fs::{symlink, MetadataExt};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_ddecs-wizard");

fn wizard(args: &[&str]) -> Output {
    Command::new(BIN)
        .args(args)
        .stdin(Stdio::null())
        .output()
        .expect("run ddecs-wizard")
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("read {}: {e}", dir.display()))
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// One line, naming `path`, with no temporary file and no OS error number.
fn assert_one_line_naming(out: &Output, path: &Path) {
    let err = stderr(out);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains(&path.display().to_string()), "{err}");
    assert!(!err.contains(".ddecs-wizard-"), "temporary path in: {err}");
    assert!(!err.contains("os error"), "{err}");
}

/// A tmpfs of `size` mounted on a fresh directory, unmounted when dropped.
struct SmallDisk {
    dir: tempfile::TempDir,
}

impl SmallDisk {
    fn mount(size: &str) -> Option<SmallDisk> {
        let dir = tempfile::tempdir().unwrap();
        let mounted = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
            .arg(dir.path())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        if !mounted {
            eprintln!("note: skipping, cannot mount a tmpfs here (needs root)");
            return None;
        }
        Some(SmallDisk { dir })
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    fn resize(&self, size: &str) {
        let status = Command::new("mount")
            .args(["-o", &format!("remount,size={size}")])
            .arg(self.path())
            .status()
            .unwrap();
        assert!(status.success());
    }

    /// Fills the disk to the last byte.
    fn fill(&self) {
        let mut filler = fs::File::create(self.path().join("filler")).unwrap();
        let block = vec![0u8; 4096];
        while filler.write_all(&block).is_ok() {}
        // The last partial block, byte by byte.
        while filler.write_all(&[0]).is_ok() {}
    }
}

impl Drop for SmallDisk {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(self.path()).status();
    }
}

const PHP: [&str; 2] = ["--language", "php"];

fn generate_into(dir: &Path, extra: &[&str]) -> Output {
    let mut args = vec!["generate"];
    args.extend(PHP);
    args.extend(extra);
    args.push("--out-dir");
    args.push(dir.to_str().unwrap());
    wizard(&args)
}

#[test]
fn a_full_disk_leaves_nothing_and_a_rerun_works() {
    // Six PHP files of 0.4-1.7 kB: three 4 kB pages hold only some of them.
    let Some(disk) = SmallDisk::mount("12k") else {
        return;
    };
    let out_dir = disk.path().join("deploy/datadog");
    let out = generate_into(&out_dir, &[]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("no space left on device"),
        "{}",
        stderr(&out)
    );
    assert_one_line_naming(&out, &out_dir);
    assert!(
        out.stdout.is_empty(),
        "no `wrote` line for an unwritten set"
    );
    // Not a partial set, no staging directory, not even the directories
    // this run created.
    assert_eq!(names(disk.path()), Vec::<String>::new());

    disk.resize("1m");
    let out = generate_into(&out_dir, &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(names(&out_dir).len(), 8, "{:?}", names(&out_dir));
}

#[test]
fn a_failed_overwrite_keeps_the_old_set_whole() {
    let Some(disk) = SmallDisk::mount("64k") else {
        return;
    };
    let out_dir = disk.path().join("out");
    assert!(generate_into(&out_dir, &[]).status.success());
    let before: Vec<(String, Vec<u8>)> = names(&out_dir)
        .into_iter()
        .map(|n| (n.clone(), fs::read(out_dir.join(&n)).unwrap()))
        .collect();
    disk.fill();
    let out = generate_into(&out_dir, &["--force", "--service", "web"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert_one_line_naming(&out, &out_dir);
    let after: Vec<(String, Vec<u8>)> = names(&out_dir)
        .into_iter()
        .map(|n| (n.clone(), fs::read(out_dir.join(&n)).unwrap()))
        .collect();
    assert_eq!(after, before, "the old set changed");
}

#[test]
fn planted_links_are_never_written_through() {
    let tmp = tempfile::tempdir().unwrap();
    let out_dir = tmp.path().join("out");
    fs::create_dir(&out_dir).unwrap();
    let outside = tmp.path().join("outside.json");
    fs::write(&outside, "precious\n").unwrap();
    symlink(&outside, out_dir.join("agent-task-definition.json")).unwrap();
    symlink(
        tmp.path().join("nowhere.json"),
        out_dir.join("app-container.json"),
    )
    .unwrap();

    // Both count as existing, the dangling one too.
    let out = generate_into(&out_dir, &[]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains("agent-task-definition.json") && err.contains("app-container.json"),
        "{err}"
    );
    assert!(err.contains("already exist; use --force"), "{err}");
    assert_eq!(names(&out_dir).len(), 2);

    // --force replaces the links themselves.
    let out = generate_into(&out_dir, &["--force"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(fs::read_to_string(&outside).unwrap(), "precious\n");
    assert!(!tmp.path().join("nowhere.json").exists());
    for name in names(&out_dir) {
        let kind = fs::symlink_metadata(out_dir.join(&name))
            .unwrap()
            .file_type();
        assert!(kind.is_file(), "{name} is not a regular file");
    }
    assert_eq!(names(&out_dir).len(), 8);
}

#[test]
fn an_out_dir_that_is_a_file_is_not_a_directory() {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("deploy");
    fs::write(&file, "mine").unwrap();
    let out = generate_into(&file, &[]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        stderr(&out),
        format!(
            "ddecs-wizard: cannot write {}: not a directory\n",
            file.display()
        )
    );
    assert_eq!(fs::read_to_string(&file).unwrap(), "mine");
}

/// A task definition `patch` changes (an app without DD_AGENT_HOST).
const TASK: &str = r#"{
  "family": "web",
  "containerDefinitions": [
    {"name": "app", "image": "web:1", "entryPoint": ["python", "app.py"]}
  ]
}
"#;

fn task_file(dir: &Path) -> PathBuf {
    let path = dir.join("task.json");
    fs::write(&path, TASK).unwrap();
    path
}

#[test]
fn in_place_refuses_a_fifo_without_reading_it() {
    let tmp = tempfile::tempdir().unwrap();
    let fifo = tmp.path().join("task.json");
    let made = Command::new("mkfifo").arg(&fifo).status().unwrap();
    assert!(made.success());
    // Reading a FIFO with no writer would block: the refusal must come first.
    let mut child = Command::new(BIN)
        .args(["patch", "--in-place"])
        .arg(&fifo)
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let start = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if start.elapsed() > Duration::from_secs(10) {
            let _ = child.kill();
            panic!("patch --in-place blocked on a FIFO");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let out = child.wait_with_output().unwrap();
    assert_eq!(status.code(), Some(2));
    let err = stderr(&out);
    assert_eq!(
        err,
        format!(
            "ddecs-wizard: cannot write {}: it is a FIFO, and only a regular file can be replaced\n",
            fifo.display()
        )
    );
    use std::os::unix::fs::FileTypeExt;
    assert!(fs::symlink_metadata(&fifo).unwrap().file_type().is_fifo());
}

#[test]
fn in_place_refuses_to_break_hard_links() {
    let tmp = tempfile::tempdir().unwrap();
    let path = task_file(tmp.path());
    let other = tmp.path().join("also.json");
    fs::hard_link(&path, &other).unwrap();
    let out = wizard(&["patch", "--in-place", path.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("it has 2 hard links"),
        "{}",
        stderr(&out)
    );
    assert_one_line_naming(&out, &path);
    assert_eq!(fs::read_to_string(&path).unwrap(), TASK);
    assert_eq!(
        fs::metadata(&path).unwrap().ino(),
        fs::metadata(&other).unwrap().ino()
    );
}

#[test]
fn in_place_keeps_owner_and_group() {
    let tmp = tempfile::tempdir().unwrap();
    let path = task_file(tmp.path());
    // Another user's file, as root edits it (CI runs as root).
    if std::os::unix::fs::chown(&path, Some(12345), Some(23456)).is_err() {
        eprintln!("note: skipping, chown needs root");
        return;
    }
    let out = wizard(&["patch", "--in-place", path.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_ne!(fs::read_to_string(&path).unwrap(), TASK, "not patched");
    let metadata = fs::metadata(&path).unwrap();
    assert_eq!((metadata.uid(), metadata.gid()), (12345, 23456));
}

#[test]
fn in_place_still_writes_through_a_symlink() {
    let tmp = tempfile::tempdir().unwrap();
    let target = task_file(tmp.path());
    let link = tmp.path().join("link.json");
    symlink(&target, &link).unwrap();
    let out = wizard(&["patch", "--in-place", link.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(fs::symlink_metadata(&link)
        .unwrap()
        .file_type()
        .is_symlink());
    assert!(fs::read_to_string(&target)
        .unwrap()
        .contains("DD_AGENT_HOST"));
}

#[test]
fn notes_come_only_after_a_write_that_worked() {
    let tmp = tempfile::tempdir().unwrap();
    let path = task_file(tmp.path());
    let target = tmp.path().join("missing-dir/out.json");
    let out = wizard(&[
        "patch",
        path.to_str().unwrap(),
        "-o",
        target.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        stderr(&out),
        format!(
            "ddecs-wizard: cannot write {}: no such file or directory\n",
            target.display()
        )
    );

    let target = tmp.path().join("out.json");
    let out = wizard(&[
        "patch",
        path.to_str().unwrap(),
        "-o",
        target.to_str().unwrap(),
    ]);
    assert!(out.status.success());
    let err = stderr(&out);
    let lines: Vec<&str> = err.lines().collect();
    assert!(lines.len() > 1, "notes of the changes: {err}");
    assert_eq!(
        lines.last().copied(),
        Some(format!("ddecs-wizard: wrote {}", target.display()).as_str())
    );
}

/// A device named as input is refused before it is read: `/dev/zero`
/// never ends (endless input through `-` stops at 64 MiB, below).
#[test]
fn dev_zero_is_refused_unread() {
    let out = wizard(&["check", "/dev/zero"]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        stderr(&out),
        "ddecs-wizard: cannot read /dev/zero: it is a character device, not a regular file; \
         name the task definition file, or - for standard input\n"
    );
}

#[test]
fn endless_standard_input_is_refused_at_64_mib() {
    let mut child = Command::new(BIN)
        .args(["patch", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let feeder = std::thread::spawn(move || {
        let block = vec![0u8; 1 << 20];
        let mut sent = 0usize;
        // Stops when the reader gives up (broken pipe), or after 1 GiB.
        while sent < 1 << 30 && stdin.write_all(&block).is_ok() {
            sent += block.len();
        }
        sent
    });
    let out = child.wait_with_output().unwrap();
    let sent = feeder.join().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).starts_with("ddecs-wizard: standard input is larger than 64 MiB"),
        "{}",
        stderr(&out)
    );
    assert!(sent < 1 << 30, "it kept reading: {sent} bytes");
}

#[test]
fn a_big_regular_file_is_refused_unread() {
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("huge.json");
    // Sparse: no disk used, but 65 MiB long.
    fs::File::create(&path)
        .unwrap()
        .set_len(65 * 1024 * 1024)
        .unwrap();
    let out = wizard(&["check", path.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("is larger than 64 MiB"),
        "{}",
        stderr(&out)
    );
}
