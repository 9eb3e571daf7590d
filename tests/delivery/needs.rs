//! What a delivery test needs from the machine, checked by one call at the
//! top of each test. A missing need fails the test under CI (where `.ci/run`
//! provides all of them) and skips it with a note elsewhere: the harness's
//! rule from tests/common/tools.rs, kept to one function so the tests move
//! unchanged to a harness that declares needs.

use std::process::{Command, Stdio};
use std::sync::OnceLock;

#[path = "../common/tools.rs"]
mod tools;

/// One thing a test needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Need {
    /// dash (the image's `sh`), curl, head and sed for the entryPoint script.
    Shell,
    /// `python3` whose site-packages hold `ddtrace` (pip install ddtrace).
    PythonTracer,
    /// `node` and `npm` (npm installs dd-trace into tests/.cache).
    Node,
    /// Network and mount namespaces: `unshare`, `nsenter`, `ip`, root.
    Namespaces,
}

/// Whether every need is met; prints why not (or fails under CI).
pub fn require(needs: &[Need]) -> bool {
    needs.iter().all(|need| met(*need))
}

fn met(need: Need) -> bool {
    match need {
        Need::Shell => ["dash", "curl", "head", "sed"]
            .iter()
            .all(|program| tools::have(program, apt_package(program))),
        Need::PythonTracer => {
            // Importing ddtrace takes a third of a second: asked once per
            // test binary, told (or failed) in every test that needs it.
            static IMPORTS: OnceLock<bool> = OnceLock::new();
            tools::have("python3", "python3")
                && explained(
                    *IMPORTS.get_or_init(|| succeeds("python3", &["-c", "import ddtrace"])),
                    "ddtrace is not importable by python3 (python3 -m pip install ddtrace)",
                )
        }
        Need::Node => tools::have("node", "nodejs") && tools::have("npm", "npm"),
        Need::Namespaces => {
            ["unshare", "nsenter", "ip"]
                .iter()
                .all(|program| tools::have(program, apt_package(program)))
                && explained(
                    succeeds("unshare", &["--net", "--mount", "true"]),
                    "`unshare --net --mount` failed (run the tests as root, CAP_SYS_ADMIN)",
                )
        }
    }
}

fn apt_package(program: &str) -> &'static str {
    match program {
        "dash" => "dash",
        "curl" => "curl",
        "ip" => "iproute2",
        "head" | "sed" => "coreutils sed",
        _ => "util-linux",
    }
}

/// Whether `program args` succeeds.
fn succeeds(program: &str, args: &[&str]) -> bool {
    Command::new(program)
        .args(args)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|status| status.success())
}

/// `ok`, after the rule for a missing need when it is false: a failure
/// under CI, a note saying `why` elsewhere.
fn explained(ok: bool, why: &str) -> bool {
    if !ok {
        assert!(std::env::var_os("CI").is_none(), "required in CI: {why}");
        eprintln!("note: skipping, {why}");
    }
    ok
}
