//! Copying an artifact: the system clipboard through arboard where there is
//! a display, otherwise the terminal's OSC 52 escape, which also works over
//! SSH. Every outcome says which way was used and how many bytes went.
//!
//! On Linux the X11 clipboard is not a store: the program that copied keeps
//! serving the text to whoever pastes, and the text vanishes when it exits.
//! A wizard exits right after the copy, so the text is handed to a small
//! keeper: this same binary run as `__hold-clipboard` ([`hold`]), in a process
//! group of its own so the terminal's Ctrl-C does not reach it, serving the
//! text until another program copies something, the X server goes away, or
//! an hour has passed (then a clipboard manager, if one runs, takes the text
//! over).
//!
//! `DDECS_WIZARD_CLIPBOARD` overrides the choice: `osc52` always uses the
//! terminal (for tests, and for a display the user does not sit at), `system`
//! never falls back to it (so a broken display shows up as an error).

use std::fmt;
use std::io::{Read, Write};

use base64::Engine;
use thiserror::Error;

/// The environment variable that forces one way of copying.
pub const METHOD_ENV: &str = "DDECS_WIZARD_CLIPBOARD";

/// The hidden subcommand that runs [`hold`].
pub const HOLD_COMMAND: &str = "__hold-clipboard";

/// What the keeper prints once the clipboard is its own.
const HOLD_READY: &str = "ok";

/// The way the text left the process.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CopyMethod {
    SystemClipboard,
    Osc52,
}

/// A successful copy, ready to be shown to the user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Copied {
    pub method: CopyMethod,
    pub bytes: usize,
    /// Why the system clipboard was not used, when OSC 52 was.
    pub fallback_reason: Option<String>,
}

impl fmt::Display for Copied {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.method {
            CopyMethod::SystemClipboard => {
                write!(f, "copied {} bytes to the system clipboard", self.bytes)?;
                if cfg!(target_os = "linux") {
                    f.write_str(" (kept until something else is copied, at most an hour)")?;
                }
                Ok(())
            }
            CopyMethod::Osc52 => {
                write!(
                    f,
                    "sent {} bytes to the terminal clipboard (OSC 52; the terminal must allow it)",
                    self.bytes
                )?;
                if let Some(reason) = &self.fallback_reason {
                    write!(f, " because {reason}")?;
                }
                Ok(())
            }
        }
    }
}

#[derive(Debug, Error)]
#[error("copy failed: {0}")]
pub struct CopyError(String);

/// Which ways of copying `DDECS_WIZARD_CLIPBOARD` allows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Choice {
    Auto,
    SystemOnly,
    Osc52Only,
}

fn choice_from_env() -> Result<Choice, CopyError> {
    parse_choice(std::env::var_os(METHOD_ENV).as_deref())
}

fn parse_choice(value: Option<&std::ffi::OsStr>) -> Result<Choice, CopyError> {
    let value = value.map(|v| v.to_string_lossy());
    match value.as_deref() {
        None | Some("") => Ok(Choice::Auto),
        Some("system") => Ok(Choice::SystemOnly),
        Some("osc52") => Ok(Choice::Osc52Only),
        Some(other) => Err(CopyError(format!(
            "{METHOD_ENV}={other:?} is not a way to copy; set it to system or osc52, or unset it"
        ))),
    }
}

/// Copies `text`: the system clipboard when a display is there, else OSC 52
/// written to `terminal`.
pub fn copy(text: &str, terminal: &mut dyn Write) -> Result<Copied, CopyError> {
    let fallback_reason = match choice_from_env()? {
        Choice::Osc52Only => format!("{METHOD_ENV}=osc52 asks for it"),
        choice => match system_clipboard(text) {
            Ok(()) => {
                return Ok(Copied {
                    method: CopyMethod::SystemClipboard,
                    bytes: text.len(),
                    fallback_reason: None,
                })
            }
            Err(reason) if choice == Choice::SystemOnly => {
                return Err(CopyError(format!(
                    "{reason} (and {METHOD_ENV}=system rules out OSC 52)"
                )))
            }
            Err(reason) => reason,
        },
    };
    terminal
        .write_all(osc52(text).as_bytes())
        .and_then(|()| terminal.flush())
        .map_err(|e| CopyError(format!("cannot write to the terminal: {e}")))?;
    Ok(Copied {
        method: CopyMethod::Osc52,
        bytes: text.len(),
        fallback_reason: Some(fallback_reason),
    })
}

/// The OSC 52 "set clipboard" sequence for `text`.
pub fn osc52(text: &str) -> String {
    let encoded = base64::engine::general_purpose::STANDARD.encode(text);
    format!("\x1b]52;c;{encoded}\x07")
}

/// macOS and Windows keep the text after the process exits.
#[cfg(not(target_os = "linux"))]
fn system_clipboard(text: &str) -> Result<(), String> {
    let mut clipboard = arboard::Clipboard::new().map_err(|e| e.to_string())?;
    clipboard.set_text(text).map_err(|e| e.to_string())
}

/// Starts the keeper and waits until it owns the clipboard (or says why
/// it cannot).
#[cfg(target_os = "linux")]
fn system_clipboard(text: &str) -> Result<(), String> {
    use std::io::{BufRead, BufReader};
    use std::os::unix::process::CommandExt;
    use std::process::{Command, Stdio};
    use std::sync::mpsc;
    use std::thread;
    use std::time::Duration;

    // A display that is reachable answers in milliseconds; one that is not
    // (a stale forwarded DISPLAY) can block for much longer.
    const START_TIMEOUT: Duration = Duration::from_secs(5);

    // arboard is built without Wayland support: it reaches the clipboard
    // through X11, which Wayland desktops provide as XWayland.
    if std::env::var_os("DISPLAY").is_none_or(|d| d.is_empty()) {
        return Err("there is no X display (DISPLAY is unset)".to_owned());
    }
    let cannot_start = |e: std::io::Error| format!("the clipboard keeper cannot start: {e}");
    let mut keeper = Command::new(std::env::current_exe().map_err(cannot_start)?)
        .arg(HOLD_COMMAND)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        // Holds no directory busy, and outlives a Ctrl-C sent to the wizard.
        .current_dir("/")
        .process_group(0)
        .spawn()
        .map_err(cannot_start)?;
    let (Some(mut stdin), Some(stdout)) = (keeper.stdin.take(), keeper.stdout.take()) else {
        let _ = keeper.kill();
        return Err("the clipboard keeper has no pipes".to_owned());
    };
    // The keeper reads everything before it answers, so this write cannot
    // wait on a full pipe for long; closing stdin marks the end of the text.
    let sent = stdin.write_all(text.as_bytes());
    drop(stdin);

    let (tx, rx) = mpsc::channel();
    thread::spawn(move || {
        let mut line = String::new();
        let read = BufReader::new(stdout).read_line(&mut line).map(|_| line);
        let _ = tx.send(read);
    });
    let outcome = match (rx.recv_timeout(START_TIMEOUT), sent) {
        (Ok(Ok(line)), Ok(())) if line.trim_end() == HOLD_READY => Ok(()),
        // The keeper's own words say best what went wrong.
        (Ok(Ok(line)), _) if !line.trim().is_empty() && line.trim_end() != HOLD_READY => {
            Err(line.trim_end().to_owned())
        }
        (_, Err(e)) => Err(format!("cannot hand the text to the clipboard keeper: {e}")),
        (Ok(Ok(_)), Ok(())) => Err("the clipboard keeper stopped without a word".to_owned()),
        (Ok(Err(e)), Ok(())) => Err(format!("cannot hear from the clipboard keeper: {e}")),
        (Err(_), Ok(())) => Err(format!(
            "the X display did not answer within {} s",
            START_TIMEOUT.as_secs()
        )),
    };
    if outcome.is_err() {
        let _ = keeper.kill();
    }
    // Reap the keeper whenever it ends, so that a long-running TUI that
    // copies many times leaves no zombies behind.
    thread::spawn(move || keeper.wait());
    outcome
}

/// The keeper (`ddecs-wizard __hold-clipboard`): reads the text from
/// `input`, takes the clipboard, writes `ok` (or why not) to `status`, then
/// serves the text until another program copies or an hour has passed.
pub fn hold(input: &mut dyn Read, status: &mut dyn Write) -> anyhow::Result<()> {
    let mut text = String::new();
    let result = input
        .read_to_string(&mut text)
        .map_err(|e| format!("cannot read the text to copy: {e}"))
        .and_then(|_| own_clipboard(text));
    match result {
        Ok(serve) => {
            writeln!(status, "{HOLD_READY}")?;
            status.flush()?;
            serve()
        }
        Err(reason) => {
            writeln!(status, "{reason}")?;
            status.flush()?;
            Err(CopyError(reason).into())
        }
    }
}

/// Takes the clipboard; the returned function keeps serving the text.
/// Two steps, because arboard's waiting `set` returns only when the wait is
/// over and the wizard needs to know at once that the copy worked.
fn own_clipboard(text: String) -> Result<impl FnOnce() -> anyhow::Result<()>, String> {
    let mut clipboard = arboard::Clipboard::new()
        .map_err(|e| format!("the system clipboard is unavailable: {e}"))?;
    clipboard
        .set_text(text.clone())
        .map_err(|e| format!("the system clipboard refused the text: {e}"))?;
    Ok(move || serve(clipboard, text))
}

/// Serves the text until another program copies or an hour has passed,
/// and ends early if the X server goes away (the user logged out): arboard
/// would otherwise wait out the hour on a dead connection.
#[cfg(target_os = "linux")]
fn serve(mut clipboard: arboard::Clipboard, text: String) -> anyhow::Result<()> {
    use arboard::SetExtLinux;
    use std::time::{Duration, Instant};

    const HOLD_FOR: Duration = Duration::from_secs(60 * 60);
    const CHECK_EVERY: Duration = Duration::from_secs(2);
    std::thread::spawn(|| loop {
        std::thread::sleep(CHECK_EVERY);
        // While we own the clipboard this is one round trip to the server;
        // only a broken connection makes it fail with anything but
        // "no text there".
        match arboard::Clipboard::new().and_then(|mut c| c.get_text()) {
            Ok(_) | Err(arboard::Error::ContentNotAvailable) => {}
            Err(_) => std::process::exit(1),
        }
    });
    clipboard
        .set()
        .wait_until(Instant::now() + HOLD_FOR)
        .text(text)?;
    Ok(())
}

/// Elsewhere the system keeps the text once it is set.
#[cfg(not(target_os = "linux"))]
fn serve(_: arboard::Clipboard, _: String) -> anyhow::Result<()> {
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn osc52_encodes_base64() {
        assert_eq!(osc52("hi"), "\x1b]52;c;aGk=\x07");
    }

    #[test]
    fn report_names_the_method_and_size() {
        let copied = Copied {
            method: CopyMethod::Osc52,
            bytes: 12,
            fallback_reason: Some("there is no display".into()),
        };
        assert_eq!(
            copied.to_string(),
            "sent 12 bytes to the terminal clipboard (OSC 52; the terminal must allow it) because there is no display"
        );
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn system_report_says_the_text_is_kept() {
        let copied = Copied {
            method: CopyMethod::SystemClipboard,
            bytes: 7,
            fallback_reason: None,
        };
        assert_eq!(
            copied.to_string(),
            "copied 7 bytes to the system clipboard (kept until something else is copied, at most an hour)"
        );
    }

    #[test]
    fn the_keeper_is_reached_by_its_hidden_subcommand() {
        use crate::cli::{Cli, Command};
        use clap::Parser;
        let cli = Cli::try_parse_from(["ddecs-wizard", HOLD_COMMAND]).unwrap();
        assert!(matches!(cli.command, Some(Command::HoldClipboard)));
    }

    #[test]
    fn method_override_is_checked() {
        use std::ffi::OsStr;
        assert_eq!(parse_choice(None).unwrap(), Choice::Auto);
        assert_eq!(parse_choice(Some(OsStr::new(""))).unwrap(), Choice::Auto);
        assert_eq!(
            parse_choice(Some(OsStr::new("osc52"))).unwrap(),
            Choice::Osc52Only
        );
        assert_eq!(
            parse_choice(Some(OsStr::new("system"))).unwrap(),
            Choice::SystemOnly
        );
        let err = parse_choice(Some(OsStr::new("x11"))).unwrap_err();
        assert_eq!(
            err.to_string(),
            "copy failed: DDECS_WIZARD_CLIPBOARD=\"x11\" is not a way to copy; set it to system or osc52, or unset it"
        );
    }

    #[test]
    fn keeper_reports_why_it_cannot_read() {
        struct Broken;
        impl Read for Broken {
            fn read(&mut self, _: &mut [u8]) -> std::io::Result<usize> {
                Err(std::io::Error::other("gone"))
            }
        }
        let mut status = Vec::new();
        let err = hold(&mut Broken, &mut status).unwrap_err();
        assert_eq!(
            String::from_utf8(status).unwrap(),
            "cannot read the text to copy: gone\n"
        );
        assert_eq!(
            err.to_string(),
            "copy failed: cannot read the text to copy: gone"
        );
    }
}
