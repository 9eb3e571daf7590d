//! A private X server (Xvfb) for the clipboard tests, and xclip to read and
//! take its clipboard the way another desktop program would.

use std::io::{BufRead, BufReader, Write};
use std::process::{Child, Command, Stdio};

use crate::tmux::{have, BIN};

pub struct Xvfb {
    server: Child,
    pub display: String,
}

impl Xvfb {
    /// Starts Xvfb on a free display; None when Xvfb or xclip is missing
    /// outside CI.
    pub fn start() -> Option<Xvfb> {
        if !have("Xvfb", "xvfb") || !have("xclip", "xclip") {
            return None;
        }
        // -displayfd: Xvfb picks a free display and prints its number once
        // it accepts clients, so parallel runs never collide or race.
        let mut server = Command::new("Xvfb")
            .args(["-displayfd", "1", "-nolisten", "tcp"])
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("start Xvfb");
        let mut line = String::new();
        let stdout = server.stdout.take().expect("Xvfb stdout");
        BufReader::new(stdout)
            .read_line(&mut line)
            .expect("read Xvfb's display number");
        let number = line.trim();
        assert!(
            !number.is_empty() && number.bytes().all(|b| b.is_ascii_digit()),
            "Xvfb did not start (it printed {line:?})"
        );
        Some(Xvfb {
            display: format!(":{number}"),
            server,
        })
    }

    /// What a paste would get from the clipboard now.
    pub fn clipboard(&self) -> String {
        let out = Command::new("xclip")
            .args(["-o", "-selection", "clipboard"])
            .env("DISPLAY", &self.display)
            .output()
            .expect("run xclip -o");
        assert!(
            out.status.success(),
            "xclip -o failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).expect("UTF-8 clipboard")
    }

    /// Copies `text` as another program would. xclip forks a server that
    /// lives until the clipboard changes hands or the X server ends, so its
    /// output is not waited for.
    pub fn copy_with_xclip(&self, text: &str) {
        let mut xclip = Command::new("xclip")
            .args(["-i", "-selection", "clipboard"])
            .env("DISPLAY", &self.display)
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("run xclip -i");
        xclip
            .stdin
            .take()
            .expect("xclip stdin")
            .write_all(text.as_bytes())
            .expect("write to xclip");
        assert!(xclip.wait().expect("xclip").success(), "xclip -i failed");
    }

    /// Process ids of the clipboard keepers serving this display.
    pub fn keepers(&self) -> Vec<u32> {
        let display = format!("DISPLAY={}", self.display);
        let Ok(entries) = std::fs::read_dir("/proc") else {
            return Vec::new();
        };
        entries
            .filter_map(|entry| entry.ok()?.file_name().to_str()?.parse::<u32>().ok())
            .filter(|pid| {
                let cmdline = std::fs::read(format!("/proc/{pid}/cmdline")).unwrap_or_default();
                let args: Vec<&[u8]> = cmdline.split(|b| *b == 0).collect();
                let environ = std::fs::read(format!("/proc/{pid}/environ")).unwrap_or_default();
                args.len() >= 2
                    && args[0] == BIN.as_bytes()
                    && args[1] == b"__hold-clipboard"
                    && environ.split(|b| *b == 0).any(|v| v == display.as_bytes())
            })
            .collect()
    }
}

impl Drop for Xvfb {
    fn drop(&mut self) {
        let _ = self.server.kill();
        let _ = self.server.wait();
    }
}
