//! What the user does with the answers: print the artifacts, save them as
//! files, copy one. A menu rather than a fixed sequence, so that a failed
//! copy can be followed by a save and nothing forces a step the user does
//! not want; its default moves on to the next natural step, so pressing
//! Enter prints, then saves, then quits.
//!
//! Printing and saving go through the same core functions as `generate`,
//! so the wizard's output is byte for byte what `generate` gives for the
//! same answers.

use std::io::{self, Write};
use std::path::{Path, PathBuf};

use anyhow::Result;

use super::prompt::Prompter;
use crate::core::generate::files::render_all;
use crate::core::generate::next_steps;
use crate::core::{render, Artifact, Config};
use crate::output::artifacts;
use crate::output::clipboard;
use crate::output::files::WriteError;
use crate::output::safe::printable;

/// Where files go unless the user names another directory.
pub const DEFAULT_DIR: &str = "./ddecs-wizard-out";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Action {
    PrintAll,
    PrintOne,
    Save,
    Copy,
    Quit,
}

const ACTIONS: [(Action, &str); 5] = [
    (
        Action::PrintAll,
        "Print all artifacts (a header line before each)",
    ),
    (Action::PrintOne, "Print one artifact"),
    (Action::Save, "Save them as files"),
    (Action::Copy, "Copy one to the clipboard"),
    (Action::Quit, "Quit"),
];

/// Offers the actions until the user quits.
pub fn offer(ui: &Prompter, config: &Config) -> Result<()> {
    let labels = ACTIONS.map(|(_, label)| label);
    let mut next = Action::PrintAll;
    loop {
        let default = ACTIONS.iter().position(|(a, _)| *a == next).unwrap_or(0);
        let (action, _) = ACTIONS[ui.select("What now?", &labels, default)?];
        next = match action {
            Action::PrintAll => {
                print(config, None)?;
                Action::Save
            }
            Action::PrintOne => {
                let artifact = pick(ui, config, "Print which artifact?", Artifact::AppContainer)?;
                print(config, Some(artifact))?;
                Action::Save
            }
            Action::Save if save(ui, config)? => Action::Quit,
            Action::Save => Action::Save,
            Action::Copy if copy(ui, config)? => Action::Quit,
            // A copy that did not work leaves saving as the way out.
            Action::Copy => Action::Save,
            Action::Quit => return Ok(()),
        };
    }
}

/// Prints to stdout exactly what `generate` (or `generate --output`) prints.
fn print(config: &Config, output: Option<Artifact>) -> Result<()> {
    let text = match output {
        Some(artifact) => render(config, artifact)?,
        None => render_all(config),
    };
    let mut out = io::stdout().lock();
    out.write_all(text.as_bytes())?;
    out.flush()?;
    Ok(())
}

fn pick(ui: &Prompter, config: &Config, prompt: &str, default: Artifact) -> Result<Artifact> {
    let artifacts = Artifact::applicable(config);
    let labels: Vec<String> = artifacts.iter().copied().map(artifact_label).collect();
    let default = artifacts.iter().position(|a| *a == default).unwrap_or(0);
    Ok(artifacts[ui.select(prompt, &labels, default)?])
}

fn artifact_label(artifact: Artifact) -> String {
    format!("{} ({artifact})", artifact.title())
}

/// Writes the files; false when nothing was written. A failure is told and
/// the wizard goes on, so the user can pick another directory.
fn save(ui: &Prompter, config: &Config) -> Result<bool> {
    let dir: String = ui.input(
        "Save into which directory?",
        Some(DEFAULT_DIR),
        |dir: &str| {
            if dir.trim().is_empty() {
                Err("type a directory, or press Enter for the default".to_owned())
            } else {
                Ok(())
            }
        },
    )?;
    let dir = Path::new(&dir);
    let written = match artifacts::save(config, dir, false) {
        Err(WriteError::Exists(existing)) => {
            if !ui.confirm(&overwrite_question(&existing), false)? {
                ui.say("nothing written")?;
                return Ok(false);
            }
            artifacts::save(config, dir, true)
        }
        other => other,
    };
    match written {
        Ok(paths) => {
            for path in paths {
                ui.say(&format!("wrote {}", printable(&path.display().to_string())))?;
            }
            ui.say(&format!(
                "\nNext steps (run them in {}):\n",
                printable(&dir.display().to_string())
            ))?;
            for line in next_steps::render(config).lines() {
                ui.say(&printable(line))?;
            }
            Ok(true)
        }
        Err(e) => {
            ui.say(&format!("{e}; nothing else was written"))?;
            Ok(false)
        }
    }
}

/// The terminal of a dumb terminal: it refuses the OSC 52 sequence, so a
/// copy without a system clipboard fails with a reason instead of writing
/// an escape code.
struct NoEscapes;

impl io::Write for NoEscapes {
    fn write(&mut self, _: &[u8]) -> io::Result<usize> {
        Err(io::Error::other(
            "a dumb terminal (TERM=dumb) takes no escape codes, so no OSC 52",
        ))
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

fn overwrite_question(existing: &[PathBuf]) -> String {
    let list: Vec<String> = existing.iter().map(|p| p.display().to_string()).collect();
    match list.as_slice() {
        [one] => format!("{one} already exists; overwrite it?"),
        many => format!("{} already exist; overwrite them?", many.join(", ")),
    }
}

/// Copies one artifact; false when the copy failed (and says why).
fn copy(ui: &Prompter, config: &Config) -> Result<bool> {
    let artifact = pick(ui, config, "Copy which artifact?", Artifact::AppContainer)?;
    let text = render(config, artifact)?;
    // OSC 52 goes to the terminal the prompts are on, unless it takes no
    // escape codes at all.
    let result = if ui.by_lines() {
        clipboard::copy(&text, &mut NoEscapes)
    } else {
        clipboard::copy(&text, &mut io::stderr())
    };
    match result {
        Ok(copied) => {
            ui.say(&format!("{artifact}: {copied}"))?;
            Ok(true)
        }
        Err(e) => {
            ui.say(&format!("{e}; you can save the files instead"))?;
            Ok(false)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn choices_fit_80_columns() {
        use crate::core::Language;
        let width = crate::plain::prompt::MAX_ITEM_WIDTH;
        for (_, label) in ACTIONS {
            assert!(label.chars().count() <= width, "{label}");
        }
        for language in Language::ALL {
            for artifact in Artifact::applicable(&crate::core::Config::for_language(language)) {
                let label = artifact_label(artifact);
                assert!(label.chars().count() <= width, "{label}");
            }
        }
    }

    #[test]
    fn overwrite_question_names_every_file() {
        assert_eq!(
            overwrite_question(&[PathBuf::from("out/a.json")]),
            "out/a.json already exists; overwrite it?"
        );
        assert_eq!(
            overwrite_question(&[PathBuf::from("a.json"), PathBuf::from("b.conf")]),
            "a.json, b.conf already exist; overwrite them?"
        );
    }
}
