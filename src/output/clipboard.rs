//! Copying an artifact: the system clipboard through arboard where there is
//! a display, otherwise the terminal's OSC 52 escape, which also works over
//! SSH. Every outcome says which way was used and how many bytes went.

use std::fmt;
use std::io::Write;

use base64::Engine;
use thiserror::Error;

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
                write!(f, "copied {} bytes to the system clipboard", self.bytes)
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

/// Copies `text`: the system clipboard when a display is there, else OSC 52
/// written to `terminal`.
pub fn copy(text: &str, terminal: &mut dyn Write) -> Result<Copied, CopyError> {
    let fallback_reason = match system_clipboard(text) {
        Ok(()) => {
            return Ok(Copied {
                method: CopyMethod::SystemClipboard,
                bytes: text.len(),
                fallback_reason: None,
            })
        }
        Err(reason) => reason,
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

fn system_clipboard(text: &str) -> Result<(), String> {
    if cfg!(target_os = "linux")
        && std::env::var_os("DISPLAY").is_none()
        && std::env::var_os("WAYLAND_DISPLAY").is_none()
    {
        return Err("there is no display (DISPLAY and WAYLAND_DISPLAY are unset)".to_owned());
    }
    let mut clipboard = arboard::Clipboard::new().map_err(|e| e.to_string())?;
    clipboard.set_text(text).map_err(|e| e.to_string())
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
}
