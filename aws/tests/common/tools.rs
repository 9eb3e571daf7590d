//! Whether a program the tests run is installed. A missing program fails
//! the test under CI, where `.ci/run` installs every one of them, and skips
//! it with a note elsewhere, naming the Debian package to install.

use std::path::PathBuf;

/// The program's path on PATH, or `None` (after the note) when it is missing.
pub fn find(program: &str, apt_package: &str) -> Option<PathBuf> {
    let found = std::env::var_os("PATH").and_then(|path| {
        std::env::split_paths(&path)
            .map(|dir| dir.join(program))
            .find(|candidate| candidate.is_file())
    });
    if found.is_none() {
        assert!(
            std::env::var_os("CI").is_none(),
            "{program} is required for this test in CI: apt-get install -y {apt_package}"
        );
        eprintln!("note: skipping, {program} is not installed (apt-get install -y {apt_package})");
    }
    found
}

pub fn have(program: &str, apt_package: &str) -> bool {
    find(program, apt_package).is_some()
}
