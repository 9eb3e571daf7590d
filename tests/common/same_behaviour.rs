//! A patched start command behaves like the original: the same exit code
//! and the same output, under dash and busybox sh.
//!
//! Needs `mod tools` (common/tools.rs) in the test crate that uses it.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use ddecs_wizard::core::patch::{patch, PatchOptions};
use ddecs_wizard::core::taskdef::container;
use ddecs_wizard::core::taskdef::document;

/// A PATH of busybox applets and nothing else: no curl, so the patched
/// script skips the IMDS lookup at once, and the same tools for both runs.
fn busybox_path(dir: &Path, busybox: &Path) -> PathBuf {
    let bin = dir.join("bin");
    fs::create_dir_all(&bin).unwrap();
    for applet in [
        "cat", "echo", "grep", "egrep", "awk", "hostname", "sed", "sleep", "sh", "[",
    ] {
        std::os::unix::fs::symlink(busybox, bin.join(applet)).unwrap();
    }
    bin
}

/// Patches the one container of the file at `path`, whose command is
/// `sh -c SCRIPT` ending in exit 1 or 42, and runs both under both shells.
pub fn assert_same_exit_and_output(path: &Path) {
    let (Some(dash), Some(busybox)) = (
        crate::tools::find("dash", "dash"),
        crate::tools::find("busybox", "busybox"),
    ) else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let bin = busybox_path(dir.path(), &busybox);
    let shells: [(&Path, &[&str]); 2] = [(&dash, &[]), (&busybox, &["sh"])];
    let file = path.display();
    let input = document::read(&fs::read(path).unwrap()).unwrap();
    let original = container::start_argv(&input.containers()[0]);
    let patched = patch(&input, &PatchOptions::default()).unwrap();
    let text = document::write(&input, &patched.value);
    let after = document::read(text.as_bytes()).unwrap();
    let wrapped = container::start_argv(&after.containers()[0]);
    assert_eq!(wrapped[..2], ["sh", "-c"]);
    for (shell, shell_args) in shells {
        // argv[0] is `sh`: run the rest of the argv under this shell.
        let run = |args: &[String]| {
            let output = Command::new(shell)
                .args(shell_args)
                .args(args)
                .env_clear()
                .env("PATH", &bin)
                .output()
                .unwrap();
            (output.status.code(), output.stdout)
        };
        let before = run(&original[1..]);
        assert!(
            before.0.is_some_and(|code| code == 1 || code == 42),
            "{file}: {before:?}"
        );
        assert_eq!(
            run(&wrapped[1..]),
            before,
            "{file} under {}",
            shell.display()
        );
        let syntax = run(&["-n".to_owned(), "-c".to_owned(), wrapped[2].clone()]);
        assert_eq!(
            syntax.0,
            Some(0),
            "{file}: the patched script does not parse"
        );
    }
}
