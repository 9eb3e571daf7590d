//! Where the real-world corpus is, if anywhere.
//!
//! The corpus (real task definitions from public repositories) lives
//! beside the checkout in `../shared/corpus`, or wherever `DDECS_CORPUS`
//! says. It is an extra conformance suite: a fresh clone has none and must
//! still pass `cargo test` on the fixtures in `tests/fixtures`, so without
//! it these tests skip, with one note; in CI, where it is always present,
//! its absence is a failure.

use std::io::Write;
use std::path::PathBuf;
use std::sync::Once;

/// The corpus directory (holding `valid/` and `invalid/`), or `None` after
/// one note on stderr.
pub fn dir() -> Option<PathBuf> {
    let found = locate();
    if found.is_none() {
        static NOTE: Once = Once::new();
        NOTE.call_once(|| {
            // Straight to stderr: libtest captures eprintln! of passing tests.
            let _ = writeln!(
                std::io::stderr(),
                "note: skipping the corpus conformance tests: no ../shared/corpus beside the checkout (set DDECS_CORPUS=DIR to run them)"
            );
        });
    }
    found
}

/// The corpus directory, or `None` without a note: for the tests of a
/// second suite, so that a run without the corpus says so once.
pub fn dir_quietly() -> Option<PathBuf> {
    locate()
}

fn locate() -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os("DDECS_CORPUS") {
        let dir = PathBuf::from(dir);
        assert!(
            dir.join("valid").is_dir(),
            "DDECS_CORPUS={} has no valid/ directory",
            dir.display()
        );
        return Some(dir);
    }
    let beside = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus");
    if beside.join("valid").is_dir() {
        return Some(beside);
    }
    assert!(
        std::env::var_os("CI").is_none(),
        "the corpus is required in CI: put it in ../shared/corpus or set DDECS_CORPUS=DIR"
    );
    None
}
