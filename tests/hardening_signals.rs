//! Writes survive the signals that stop a program: SIGTERM, SIGINT or
//! SIGHUP arriving while `generate --out-dir --force`, the wizard's save or
//! `patch --in-place` is putting files in place leave the old files or the
//! new ones, never a mix, and no staging directory or temporary file.
//!
//! The window is real but short (a few renames), so strace stretches it:
//! each rename (or fsync) is held for a while at its entry, and the signal
//! is sent once the file system shows the write half done. Needs strace
//! (and tmux for the wizard): with CI set a missing one fails the tests,
//! otherwise they print a note and pass.

#[path = "common/tmux.rs"]
mod tmux;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::thread::sleep;
use std::time::{Duration, Instant};

use ddecs_wizard::core::shell::quote;
use tmux::{have, Pane, Terminal, View, BIN, TIMEOUT};

/// How long strace holds each call: long enough that a signal sent after
/// the first rename lands among the others, short enough for a quick test.
const HOLD_MICROSECONDS: u32 = 500_000;

/// The strace arguments that hold every `call` at its entry.
fn held(call: &str) -> Vec<String> {
    vec![
        "-f".to_owned(),
        "-o".to_owned(),
        "/dev/null".to_owned(),
        "-e".to_owned(),
        format!("trace={call}"),
        "-e".to_owned(),
        format!("inject={call}:delay_enter={HOLD_MICROSECONDS}"),
    ]
}

type Files = Vec<(String, Vec<u8>)>;

/// Every entry of `dir` with its bytes (a directory as empty bytes).
fn read_dir(dir: &Path) -> Files {
    let mut files: Files = fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("read {}: {e}", dir.display()))
        .map(|e| {
            let e = e.unwrap();
            let bytes = fs::read(e.path()).unwrap_or_default();
            (e.file_name().to_string_lossy().into_owned(), bytes)
        })
        .collect();
    files.sort();
    files
}

fn generate_set(dir: &Path, service: &str) -> Files {
    let out = Command::new(BIN)
        .args(["generate", "--language", "php", "--service", service])
        .arg("--out-dir")
        .arg(dir)
        .arg("--force")
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    read_dir(dir)
}

/// The process whose parent is `parent` and whose name is ddecs-wizard.
fn wizard_child_of(parent: u32) -> Option<u32> {
    for entry in fs::read_dir("/proc").ok()? {
        let Ok(entry) = entry else { continue };
        let Ok(stat) = fs::read_to_string(entry.path().join("stat")) else {
            continue;
        };
        let Some((name, after)) = stat.split_once(") ") else {
            continue;
        };
        let ppid: Option<u32> = after.split(' ').nth(1).and_then(|p| p.parse().ok());
        if ppid == Some(parent) && name.ends_with("(ddecs-wizard") {
            return entry.file_name().to_string_lossy().parse().ok();
        }
    }
    None
}

fn wait_for(what: &str, ready: impl Fn() -> bool) {
    let start = Instant::now();
    while !ready() {
        assert!(start.elapsed() < TIMEOUT, "timed out waiting for {what}");
        sleep(Duration::from_millis(5));
    }
}

fn kill(pid: u32, signal: &str) {
    let status = Command::new("sh")
        .args(["-c", &format!("kill -{signal} {pid}")])
        .status()
        .unwrap();
    assert!(status.success(), "kill -{signal} {pid}");
}

fn wait_bounded(child: &mut Child) -> ExitStatus {
    let start = Instant::now();
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return status;
        }
        assert!(start.elapsed() < TIMEOUT, "the program did not end");
        sleep(Duration::from_millis(10));
    }
}

/// The set in `dir` is `old` or `new` whole, and nothing else is there.
fn assert_old_or_new(dir: &Path, old: &Files, new: &Files) {
    let now = read_dir(dir);
    let names: Vec<&str> = now.iter().map(|(n, _)| n.as_str()).collect();
    assert!(
        !names.iter().any(|n| n.starts_with(".ddecs-wizard-")),
        "a staging directory or temporary file is left: {names:?}"
    );
    let renewed: Vec<&str> = now
        .iter()
        .filter(|file| new.contains(file) && !old.contains(file))
        .map(|(n, _)| n.as_str())
        .collect();
    assert!(
        now == *old || now == *new,
        "a mix of the old set and the new one: new are {renewed:?} of {names:?}"
    );
}

/// A file that the new set changes has its new bytes: the renames have
/// begun (and, the set being several files, not ended).
fn renames_begun(dir: &Path, old: &Files, new: &Files) -> bool {
    let (name, bytes) = new
        .iter()
        .find(|file| !old.contains(file))
        .expect("the sets differ");
    fs::read(dir.join(name)).is_ok_and(|b| b == *bytes)
}

fn generate_stopped_during_the_renames(signal: &str, number: i32) {
    if !have("strace", "strace") {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let new = generate_set(&tmp.path().join("new"), "web");
    let dir = tmp.path().join("out");
    let old = generate_set(&dir, "old");
    assert_ne!(old, new);

    let mut strace = Command::new("strace")
        .args(held("rename"))
        .arg(BIN)
        .args(["generate", "--language", "php", "--service", "web"])
        .arg("--out-dir")
        .arg(&dir)
        .arg("--force")
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    wait_for("the first rename", || renames_begun(&dir, &old, &new));
    let pid = wizard_child_of(strace.id()).expect("ddecs-wizard under strace");
    kill(pid, signal);
    let status = wait_bounded(&mut strace);
    assert_old_or_new(&dir, &old, &new);
    // The signal is not lost: the program ends by it once the set is in.
    use std::os::unix::process::ExitStatusExt;
    assert_eq!(status.signal(), Some(number), "{status:?}");
}

#[test]
fn sigterm_during_the_renames_of_generate_leaves_one_whole_set() {
    generate_stopped_during_the_renames("TERM", 15);
}

#[test]
fn sigint_during_the_renames_of_generate_leaves_one_whole_set() {
    generate_stopped_during_the_renames("INT", 2);
}

#[test]
fn sighup_during_the_renames_of_generate_leaves_one_whole_set() {
    generate_stopped_during_the_renames("HUP", 1);
}

/// A task definition `patch` changes (an app without DD_AGENT_HOST).
const TASK: &str = r#"{
  "family": "web",
  "containerDefinitions": [
    {"name": "app", "image": "web:1", "entryPoint": ["python", "app.py"]}
  ]
}
"#;

#[test]
fn sigterm_while_patch_writes_in_place_leaves_no_temporary_file() {
    if !have("strace", "strace") {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("task.json");
    fs::write(&path, TASK).unwrap();
    // The temporary file is synced before its rename: hold the sync.
    let mut strace = Command::new("strace")
        .args(held("fsync"))
        .arg(BIN)
        .args(["patch", "--in-place"])
        .arg(&path)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let temporary = || {
        fs::read_dir(tmp.path())
            .unwrap()
            .any(|e| e.unwrap().file_name() != "task.json")
    };
    wait_for("the temporary file", temporary);
    let pid = wizard_child_of(strace.id()).expect("ddecs-wizard under strace");
    kill(pid, "TERM");
    wait_bounded(&mut strace);
    let names: Vec<PathBuf> = fs::read_dir(tmp.path())
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(
        names,
        std::slice::from_ref(&path),
        "something beside the task file"
    );
    let text = fs::read_to_string(&path).unwrap();
    assert!(text == TASK || text.contains("DD_AGENT_HOST"), "{text}");
}

/// The wizard saving over an older set, under strace, stopped by a signal
/// sent once the first file is in place.
#[test]
fn sigterm_during_the_wizard_s_save_leaves_one_whole_set() {
    if !have("strace", "strace") {
        return;
    }
    let terminal = Terminal {
        width: 100,
        height: 30,
        view: View::Screen,
    };
    let command = format!(
        "strace {} {} \"$@\"",
        held("rename")
            .iter()
            .map(|a| quote(a))
            .collect::<Vec<_>>()
            .join(" "),
        quote(BIN)
    );
    let preset = ["--language", "php", "--service", "web"];
    let Some(pane) = Pane::start_shell(terminal, &command, &preset, &[]) else {
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let mut new_args = vec!["generate"];
    new_args.extend(preset);
    let new_dir = tmp.path().join("new");
    let new = {
        let out = Command::new(BIN)
            .args(&new_args)
            .arg("--out-dir")
            .arg(&new_dir)
            .output()
            .unwrap();
        assert!(out.status.success(), "{out:?}");
        read_dir(&new_dir)
    };
    let dir = pane.work_dir().join("ddecs-wizard-out");
    let old = generate_set(&dir, "old");

    pane.wait_for("Launch type");
    pane.press(&["s"]);
    pane.wait_for("Directory (created if missing)");
    pane.press(&["Enter"]);
    pane.wait_for("y/n");
    pane.press(&["y"]);
    wait_for("the first rename", || renames_begun(&dir, &old, &new));
    let strace: u32 = pane.display("#{pane_pid}").parse().unwrap();
    let strace = (0..200)
        .find_map(|_| {
            let found = fs::read_dir("/proc").unwrap().find_map(|e| {
                let e = e.ok()?;
                let stat = fs::read_to_string(e.path().join("stat")).ok()?;
                let (name, after) = stat.split_once(") ")?;
                let ppid: u32 = after.split(' ').nth(1)?.parse().ok()?;
                (ppid == strace && name.ends_with("(strace"))
                    .then(|| e.file_name().to_string_lossy().parse().ok())?
            });
            found.or_else(|| {
                sleep(Duration::from_millis(10));
                None
            })
        })
        .expect("strace in the pane");
    let pid = wizard_child_of(strace).expect("ddecs-wizard under strace");
    kill(pid, "TERM");
    assert_eq!(pane.exit_status(), 128 + 15);
    assert_old_or_new(&dir, &old, &new);
}
