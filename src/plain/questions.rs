//! The wizard's questions, one per line, in the TUI's order: agent version,
//! language, IMDS source, startup command, tags. Every answer lands in a
//! [`Preset`], the type the command line fills, so the answers then take
//! exactly the path `generate` takes. A question the command line already
//! answered is not asked; the given answer is shown instead.

use std::fmt::Display;

use anyhow::Result;

use super::prompt::Prompter;
use crate::cli::Preset;
use crate::core::config::{validate_startup_command, validate_tag};
use crate::core::{AgentVersion, Field, Imds, Language};

/// The agent versions offered, in order; the last two ask for the number.
const AGENT_CHOICES: [&str; 4] = [
    "latest (recommended)",
    "7 (the newest 7.x)",
    "7.17 or lower (adds DD_APM_ENABLED and DD_APM_NON_LOCAL_TRAFFIC)",
    "another version",
];

/// The newest agent that needs APM switched on explicitly.
const LAST_LEGACY: &str = "7.17";

/// Asks every question `preset` leaves open; returns `preset` with all of
/// them answered.
pub fn ask(ui: &Prompter, preset: &Preset) -> Result<Preset> {
    let mut answers = preset.clone();
    answers.agent_version = Some(given_or(
        ui,
        &preset.agent_version,
        "agent version",
        "--agent-version",
        || ask_agent_version(ui),
    )?);
    let language = given_or(ui, &preset.language, "language", "--language", || {
        ask_language(ui)
    })?;
    answers.language = Some(language);
    answers.imds = Some(given_or(ui, &preset.imds, "IMDS source", "--imds", || {
        ask_imds(ui)
    })?);
    answers.startup_command = Some(given_or(
        ui,
        &preset.startup_command,
        "startup command",
        "--startup-command",
        || {
            ui.input(
                "Startup command (run exactly as typed)",
                Some(language.default_startup_command().to_owned()),
                |command: &String| validate_startup_command(command).map_err(|e| e.to_string()),
            )
        },
    )?);
    for (what, flag, prompt, slot) in [
        (
            Field::Service,
            "--service",
            "Service name for DD_SERVICE (empty: leave unset)",
            &mut answers.service,
        ),
        (
            Field::Env,
            "--env",
            "Environment for DD_ENV (empty: leave unset)",
            &mut answers.env,
        ),
        (
            Field::ServiceVersion,
            "--service-version",
            "Service version for DD_VERSION (empty: leave unset)",
            &mut answers.service_version,
        ),
    ] {
        if let Some(value) = slot {
            ui.say(&given(what.noun(), value, flag))?;
        } else {
            let value = ui.input(prompt, None, |value: &String| {
                if value.is_empty() {
                    Ok(())
                } else {
                    validate_tag(what, value).map_err(|e| e.to_string())
                }
            })?;
            *slot = Some(value).filter(|v| !v.is_empty());
        }
    }
    Ok(answers)
}

/// The given answer, shown as such, or the answer to the question.
fn given_or<T: Display + Clone>(
    ui: &Prompter,
    value: &Option<T>,
    what: &str,
    flag: &str,
    ask: impl FnOnce() -> Result<T>,
) -> Result<T> {
    match value {
        Some(value) => {
            ui.say(&given(what, value, flag))?;
            Ok(value.clone())
        }
        None => ask(),
    }
}

fn given(what: &str, value: &dyn Display, flag: &str) -> String {
    format!("{what}: {value} (from {flag})")
}

fn ask_agent_version(ui: &Prompter) -> Result<AgentVersion> {
    match ui.select("Datadog agent version", &AGENT_CHOICES, 0)? {
        0 => Ok(AgentVersion::Latest),
        1 => Ok(AgentVersion::Version {
            major: 7,
            minor: None,
            patch: None,
        }),
        2 => {
            let version = ui.input(
                "Exact agent version (7.17 or lower, e.g. 7.17.1 or 6.16.0)",
                LAST_LEGACY.parse().ok(),
                |_: &AgentVersion| Ok(()),
            )?;
            if let Some(note) = newer_than_legacy(&version) {
                ui.say(&note)?;
            }
            Ok(version)
        }
        _ => ui.input(
            "Agent version (latest, a major such as 7, or a version such as 7.52.1)",
            None,
            |_: &AgentVersion| Ok(()),
        ),
    }
}

/// A newer version typed under "7.17 or lower" is still a valid answer and
/// gets the right artifacts; the user only hears that the settings the
/// choice promised are not needed. Refusing it would trap the user, as a
/// typed prompt cannot go back to the choice.
fn newer_than_legacy(version: &AgentVersion) -> Option<String> {
    (!version.is_legacy()).then(|| {
        format!(
            "note: {version} is newer than {LAST_LEGACY}, so it needs no DD_APM_ENABLED or DD_APM_NON_LOCAL_TRAFFIC and gets none"
        )
    })
}

fn ask_language(ui: &Prompter) -> Result<Language> {
    let labels = Language::ALL.map(Language::label);
    let index = ui.select("Application language", &labels, 0)?;
    Ok(Language::ALL[index])
}

/// What each source needs from the instance, shown with the choice.
fn imds_choice(imds: Imds) -> &'static str {
    match imds {
        Imds::V2 => "IMDSv2 (recommended): token; containers need metadata hop limit 2",
        Imds::V1 => "IMDSv1: no token; the instance must still allow IMDSv1",
        Imds::MetadataFile => {
            "ECS container metadata file: needs ECS_ENABLE_CONTAINER_METADATA=true"
        }
        Imds::Auto => "auto: the metadata file if ECS provides it, else IMDSv2, else IMDSv1",
    }
}

fn ask_imds(ui: &Prompter) -> Result<Imds> {
    let labels = Imds::ALL.map(imds_choice);
    let index = ui.select("How does the app find the host's private IP?", &labels, 0)?;
    Ok(Imds::ALL[index])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_newer_version_under_717_or_lower_gets_a_note() {
        for old in ["7.17", "7.17.1", "6.16.0", "6"] {
            assert_eq!(newer_than_legacy(&old.parse().unwrap()), None, "{old}");
        }
        let note = newer_than_legacy(&"7.18".parse().unwrap()).unwrap();
        assert!(
            note.starts_with("note: 7.18 is newer than 7.17, "),
            "{note}"
        );
    }

    #[test]
    fn given_answers_name_their_flag() {
        assert_eq!(
            given("language", &Language::Php, "--language"),
            "language: php (from --language)"
        );
    }

    /// dialoguer redraws a list by counting lines, so an item that wraps
    /// leaves debris behind: every choice fits an 80-column terminal.
    #[test]
    fn choices_fit_80_columns() {
        let labels = AGENT_CHOICES
            .into_iter()
            .chain(Imds::ALL.map(imds_choice))
            .chain(Language::ALL.map(Language::label));
        for label in labels {
            assert!(
                label.chars().count() <= crate::plain::prompt::MAX_ITEM_WIDTH,
                "{label}"
            );
        }
    }

    #[test]
    fn imds_choices_put_the_recommended_first() {
        assert_eq!(Imds::ALL[0], Imds::V2);
        assert!(imds_choice(Imds::ALL[0]).contains("(recommended)"));
    }
}
