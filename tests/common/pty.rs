//! A program in a real pseudo-terminal, for recording exactly the bytes it
//! writes (tmux shows a screen, not the stream). The program runs under
//! `setsid --ctty`, so the pty is its controlling terminal and `/dev/tty`
//! (which crossterm asks for the size) is this pty, never the terminal the
//! tests were started from. A thread collects everything the program
//! writes; the waits poll that record with a timeout.
//!
//! Lives in a subdirectory of `tests/` so that cargo does not build it as a
//! test crate of its own; a suite mounts it with `#[path]`.

use std::fs::File;
use std::io::{Read, Write};
use std::path::Path;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::{Arc, Condvar, Mutex};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use rustix::pty::{grantpt, openpt, ptsname, unlockpt, OpenptFlags};
use rustix::termios::{tcsetwinsize, Winsize};

/// Long enough for a loaded 2-core CI machine, short enough to fail fast.
const TIMEOUT: Duration = Duration::from_secs(30);

/// What the program wrote so far, and whether it closed the terminal.
#[derive(Default)]
struct Record {
    bytes: Vec<u8>,
    closed: bool,
}

type Shared = Arc<(Mutex<Record>, Condvar)>;

pub struct Pty {
    master: File,
    child: Child,
    record: Shared,
    reader: Option<JoinHandle<()>>,
}

impl Pty {
    /// Starts `program ARGS` on a `width` x `height` terminal, in `dir`,
    /// with exactly the environment `env`.
    pub fn start(
        program: &str,
        args: &[&str],
        env: &[(&str, &str)],
        dir: &Path,
        width: u16,
        height: u16,
    ) -> Pty {
        let master = openpt(OpenptFlags::RDWR | OpenptFlags::NOCTTY | OpenptFlags::CLOEXEC)
            .expect("open a pseudo-terminal");
        grantpt(&master).expect("grantpt");
        unlockpt(&master).expect("unlockpt");
        let name = ptsname(&master, Vec::new()).expect("ptsname");
        let slave = File::options()
            .read(true)
            .write(true)
            .open(name.to_str().expect("pty name is UTF-8"))
            .expect("open the pty's terminal side");
        let size = Winsize {
            ws_row: height,
            ws_col: width,
            ws_xpixel: 0,
            ws_ypixel: 0,
        };
        tcsetwinsize(&slave, size).expect("set the pty size");
        let stdio = || Stdio::from(slave.try_clone().expect("dup the pty"));
        let child = Command::new("setsid")
            .args(["--ctty", "--wait", program])
            .args(args)
            .env_clear()
            .envs(env.iter().copied())
            .current_dir(dir)
            .stdin(stdio())
            .stdout(stdio())
            .stderr(stdio())
            .spawn()
            .expect("start the program under setsid");
        // Only the child holds the terminal side now, so reading ends once
        // it exits.
        drop(slave);
        let master = File::from(master);
        let record: Shared = Arc::default();
        let reader = {
            let mut master = master.try_clone().expect("dup the pty");
            let record = Arc::clone(&record);
            thread::spawn(move || {
                let mut chunk = [0u8; 4096];
                loop {
                    // Linux reports EIO once the last terminal side closes.
                    let n = master.read(&mut chunk).unwrap_or(0);
                    let (lock, changed) = &*record;
                    let mut rec = lock.lock().expect("record lock");
                    if n == 0 {
                        rec.closed = true;
                    } else {
                        rec.bytes.extend_from_slice(&chunk[..n]);
                    }
                    changed.notify_all();
                    if n == 0 {
                        return;
                    }
                }
            })
        };
        Pty {
            master,
            child,
            record,
            reader: Some(reader),
        }
    }

    /// Types `bytes` as the keyboard would.
    pub fn send(&mut self, bytes: &[u8]) {
        self.master.write_all(bytes).expect("write to the pty");
    }

    /// Waits until `check` finds what it looks for in the output so far
    /// (`what` names it in the failure), and returns what it found.
    pub fn wait_for<T>(&self, what: &str, mut check: impl FnMut(&[u8]) -> Option<T>) -> T {
        let deadline = Instant::now() + TIMEOUT;
        let (lock, changed) = &*self.record;
        let mut rec = lock.lock().expect("record lock");
        loop {
            if let Some(found) = check(&rec.bytes) {
                return found;
            }
            let now = Instant::now();
            assert!(
                now < deadline && !rec.closed,
                "{} waiting for {what}; the output ends with:\n{}",
                if rec.closed {
                    "the program exited"
                } else {
                    "timed out"
                },
                tail(&rec.bytes)
            );
            rec = changed
                .wait_timeout(rec, deadline - now)
                .expect("record lock")
                .0;
        }
    }

    /// Waits for the program to close the terminal and exit: its status
    /// and everything it wrote.
    pub fn finish(mut self) -> (ExitStatus, Vec<u8>) {
        let deadline = Instant::now() + TIMEOUT;
        let (lock, changed) = &*self.record;
        let mut rec = lock.lock().expect("record lock");
        while !rec.closed {
            let now = Instant::now();
            assert!(
                now < deadline,
                "timed out waiting for the program to exit; the output ends with:\n{}",
                tail(&rec.bytes)
            );
            rec = changed
                .wait_timeout(rec, deadline - now)
                .expect("record lock")
                .0;
        }
        let bytes = std::mem::take(&mut rec.bytes);
        drop(rec);
        if let Some(reader) = self.reader.take() {
            reader.join().expect("pty reader");
        }
        (self.child.wait().expect("wait for the program"), bytes)
    }
}

impl Drop for Pty {
    /// A failed test must not leave the program running.
    fn drop(&mut self) {
        if self.reader.is_some() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// The last bytes of `output`, escaped, for a failure message.
fn tail(output: &[u8]) -> String {
    let start = output.len().saturating_sub(600);
    String::from_utf8_lossy(&output[start..])
        .escape_debug()
        .to_string()
}
