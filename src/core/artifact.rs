//! The closed set of things the tool produces, and the one function that
//! renders any of them for a [`Config`]: the CLI, the TUI preview and the
//! plain prompts all print exactly what [`render`] returns.

use std::fmt;
use std::str::FromStr;

use serde_json::Value;

use super::agent::{build_agent_container, build_agent_task_definition};
use super::app::build_app_container;
use super::config::{Config, Language};
use super::entrypoint::build_entry_point;
use super::error::{ConfigError, NotApplicable};
use super::php::{build_apache_passenv, build_php_fpm_env};
use super::tracer_code::build_tracer_code;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Artifact {
    AgentTaskDefinition,
    AgentContainer,
    AppContainer,
    Entrypoint,
    Apache,
    PhpFpm,
    TracerCode,
}

impl Artifact {
    pub const ALL: [Artifact; 7] = [
        Artifact::AgentTaskDefinition,
        Artifact::AgentContainer,
        Artifact::AppContainer,
        Artifact::Entrypoint,
        Artifact::Apache,
        Artifact::PhpFpm,
        Artifact::TracerCode,
    ];

    pub fn cli_name(self) -> &'static str {
        match self {
            Artifact::AgentTaskDefinition => "agent-task-definition",
            Artifact::AgentContainer => "agent-container",
            Artifact::AppContainer => "app-container",
            Artifact::Entrypoint => "entrypoint",
            Artifact::Apache => "apache",
            Artifact::PhpFpm => "php-fpm",
            Artifact::TracerCode => "tracer-code",
        }
    }

    /// A short title for headings and preview tabs.
    pub fn title(self) -> &'static str {
        match self {
            Artifact::AgentTaskDefinition => "Agent task definition",
            Artifact::AgentContainer => "Agent container",
            Artifact::AppContainer => "App container",
            Artifact::Entrypoint => "App entryPoint",
            Artifact::Apache => "Apache",
            Artifact::PhpFpm => "PHP-FPM",
            Artifact::TracerCode => "Tracer code",
        }
    }

    /// Whether the artifact is JSON (pretty-printed) or plain text.
    pub fn is_json(self) -> bool {
        matches!(
            self,
            Artifact::AgentTaskDefinition
                | Artifact::AgentContainer
                | Artifact::AppContainer
                | Artifact::Entrypoint
        )
    }

    /// Ok when the artifact is used with `language`, or why it is not.
    pub fn applies_to(self, language: Language) -> Result<(), NotApplicable> {
        let why = match self {
            Artifact::Apache | Artifact::PhpFpm if language != Language::Php => {
                "the Apache and PHP-FPM snippets apply to PHP only"
            }
            Artifact::TracerCode if !language.supports_tracer_code() => {
                "Java, .NET and PHP read DD_AGENT_HOST at launch, so it must be set in the entryPoint (tracer code exists for python, nodejs, ruby and go)"
            }
            _ => return Ok(()),
        };
        Err(NotApplicable {
            artifact: self.cli_name(),
            language: language.cli_name(),
            why,
        })
    }

    /// The file `--out-dir` writes it to; `None` for the entryPoint, which is
    /// part of app-container.json.
    pub fn file_name(self, language: Language) -> Option<&'static str> {
        Some(match self {
            Artifact::AgentTaskDefinition => "agent-task-definition.json",
            Artifact::AgentContainer => "agent-container.json",
            Artifact::AppContainer => "app-container.json",
            Artifact::Entrypoint => return None,
            Artifact::Apache => "apache-passenv.conf",
            Artifact::PhpFpm => "php-fpm-www.conf",
            Artifact::TracerCode => match language {
                Language::Python => "tracer.py",
                Language::Nodejs => "tracer.js",
                Language::Ruby => "tracer.rb",
                Language::Go => "tracer.go",
                Language::Java | Language::Dotnet | Language::Php => return None,
            },
        })
    }

    /// Every artifact that applies to `language`, in display order.
    pub fn applicable(language: Language) -> Vec<Artifact> {
        Artifact::ALL
            .into_iter()
            .filter(|a| a.applies_to(language).is_ok())
            .collect()
    }
}

impl fmt::Display for Artifact {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.cli_name())
    }
}

impl FromStr for Artifact {
    type Err = ConfigError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Artifact::ALL
            .into_iter()
            .find(|a| a.cli_name() == s)
            .ok_or_else(|| ConfigError::Invalid {
                what: "artifact",
                value: s.to_owned(),
                expected: Artifact::ALL.map(Artifact::cli_name).join(", "),
            })
    }
}

/// The artifact as JSON, for the JSON artifacts.
pub fn build_json(config: &Config, artifact: Artifact) -> Option<Value> {
    Some(match artifact {
        Artifact::AgentTaskDefinition => build_agent_task_definition(config),
        Artifact::AgentContainer => build_agent_container(config),
        Artifact::AppContainer => build_app_container(config),
        Artifact::Entrypoint => {
            Value::from(build_entry_point(config.imds, &config.startup_command))
        }
        Artifact::Apache | Artifact::PhpFpm | Artifact::TracerCode => return None,
    })
}

/// The artifact's text exactly as `generate --output` prints it: pretty JSON
/// or the snippet, always ending with a newline.
pub fn render(config: &Config, artifact: Artifact) -> Result<String, NotApplicable> {
    artifact.applies_to(config.language)?;
    let mut text = match artifact {
        Artifact::Apache => build_apache_passenv(),
        Artifact::PhpFpm => build_php_fpm_env(),
        Artifact::TracerCode => build_tracer_code(config.language, config.imds)
            .expect("applies_to checked the language"),
        json => {
            let value = build_json(config, json).expect("a JSON artifact");
            serde_json::to_string_pretty(&value).expect("JSON values always serialize")
        }
    };
    if !text.ends_with('\n') {
        text.push('\n');
    }
    Ok(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn applicable_artifacts_per_language() {
        let names = |l| {
            Artifact::applicable(l)
                .into_iter()
                .map(Artifact::cli_name)
                .collect::<Vec<_>>()
        };
        assert_eq!(
            names(Language::Php),
            [
                "agent-task-definition",
                "agent-container",
                "app-container",
                "entrypoint",
                "apache",
                "php-fpm"
            ]
        );
        assert_eq!(
            names(Language::Go),
            [
                "agent-task-definition",
                "agent-container",
                "app-container",
                "entrypoint",
                "tracer-code"
            ]
        );
        assert_eq!(names(Language::Java).len(), 4);
    }

    #[test]
    fn not_applicable_says_why() {
        let err = render(&Config::for_language(Language::Java), Artifact::Apache).unwrap_err();
        assert_eq!(
            err.to_string(),
            "apache does not apply to java: the Apache and PHP-FPM snippets apply to PHP only"
        );
    }

    #[test]
    fn every_rendering_ends_with_a_newline() {
        for language in Language::ALL {
            let config = Config::for_language(language);
            for artifact in Artifact::applicable(language) {
                assert!(render(&config, artifact).unwrap().ends_with('\n'));
            }
        }
    }
}
