//! The closed set of things the tool produces, and the one function that
//! renders any of them for a [`Config`]: the CLI, the TUI preview and the
//! plain prompts all print exactly what [`render`] returns.

use serde_json::Value;

use crate::core::generate::agent::{build_agent_container, build_agent_task_definition};
use crate::core::generate::app::build_app_container;
use crate::core::generate::app_task::build_app_task_definition;
use crate::core::generate::dockerfile::build_dockerfile;
use crate::core::generate::entrypoint::build_entry_point;
use crate::core::generate::inject::build_init_container;
use crate::core::generate::php::{build_apache_passenv, build_php_fpm_env};
use crate::core::generate::tracer_code::build_tracer_code;
use crate::core::model::choices::choices;
use crate::core::model::config::{Config, Language, Tracer, Transport};
use crate::core::model::error::NotApplicable;

choices! {
    pub enum Artifact (Artifact) {
        AgentTaskDefinition => "agent-task-definition",
        AgentContainer => "agent-container",
        AppTaskDefinition => "app-task-definition",
        AppContainer => "app-container",
        TracerInitContainer => "tracer-init-container",
        Entrypoint => "entrypoint",
        Dockerfile => "dockerfile",
        Apache => "apache",
        PhpFpm => "php-fpm",
        TracerCode => "tracer-code",
    }
}

impl Artifact {
    /// A short title for headings and preview tabs.
    pub fn title(self) -> &'static str {
        match self {
            Artifact::AgentTaskDefinition => "Agent task definition",
            Artifact::AgentContainer => "Agent container",
            Artifact::AppTaskDefinition => "App task definition",
            Artifact::AppContainer => "App container",
            Artifact::TracerInitContainer => "Tracer init container",
            Artifact::Entrypoint => "App entryPoint",
            Artifact::Dockerfile => "Dockerfile",
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
                | Artifact::AppTaskDefinition
                | Artifact::AppContainer
                | Artifact::TracerInitContainer
                | Artifact::Entrypoint
        )
    }

    /// Ok when the artifact is part of what `config` needs, or why it is not.
    pub fn applies_to(self, config: &Config) -> Result<(), NotApplicable> {
        let language = config.language;
        let (to, why) = match self {
            Artifact::AgentTaskDefinition if !config.has_daemon() => (
                format!("--launch-type {}", config.launch_type),
                "on Fargate the agent is a sidecar in the app's task definition (app-task-definition), not a daemon of its own",
            ),
            Artifact::Entrypoint | Artifact::TracerCode if config.transport == Transport::Uds => (
                format!("--transport {}", config.transport),
                "with the Unix socket the app needs no agent address: no entryPoint change and no lookup code",
            ),
            Artifact::Entrypoint | Artifact::TracerCode if !config.wraps_entrypoint() => (
                format!("--launch-type {}", config.launch_type),
                "on Fargate the agent is a sidecar on localhost, where tracers send traces by default: no address lookup",
            ),
            Artifact::TracerInitContainer if config.tracer != Tracer::Inject => (
                format!("--tracer {}", config.tracer),
                "the init container copies the tracer in with --tracer inject only",
            ),
            Artifact::Dockerfile if config.tracer != Tracer::Image => (
                format!("--tracer {}", config.tracer),
                "the Dockerfile lines install the tracer with --tracer image only",
            ),
            Artifact::Apache | Artifact::PhpFpm if language != Language::Php => (
                language.cli_name().to_owned(),
                "the Apache and PHP-FPM snippets apply to PHP only",
            ),
            Artifact::TracerCode if !language.supports_tracer_code() => (
                language.cli_name().to_owned(),
                "Java, .NET and PHP read DD_AGENT_HOST at launch, so it must be set in the entryPoint (tracer code exists for python, nodejs, ruby and go)",
            ),
            _ => return Ok(()),
        };
        Err(NotApplicable {
            artifact: self.cli_name(),
            to,
            why,
        })
    }

    /// The file `--out-dir` writes it to; `None` for the entryPoint, which is
    /// part of app-container.json.
    pub fn file_name(self, language: Language) -> Option<&'static str> {
        Some(match self {
            Artifact::AgentTaskDefinition => "agent-task-definition.json",
            Artifact::AgentContainer => "agent-container.json",
            Artifact::AppTaskDefinition => "app-task-definition.json",
            Artifact::AppContainer => "app-container.json",
            Artifact::TracerInitContainer => "tracer-init-container.json",
            Artifact::Entrypoint => return None,
            Artifact::Dockerfile => "Dockerfile.datadog",
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

    /// Every artifact that applies to `config`, in display order.
    pub fn applicable(config: &Config) -> Vec<Artifact> {
        Artifact::ALL
            .into_iter()
            .filter(|a| a.applies_to(config).is_ok())
            .collect()
    }
}

/// The artifact as JSON, for the JSON artifacts.
pub fn build_json(config: &Config, artifact: Artifact) -> Option<Value> {
    Some(match artifact {
        Artifact::AgentTaskDefinition => build_agent_task_definition(config)?,
        Artifact::AgentContainer => build_agent_container(config),
        Artifact::AppTaskDefinition => build_app_task_definition(config),
        Artifact::AppContainer => build_app_container(config),
        Artifact::TracerInitContainer => build_init_container(config)?,
        Artifact::Entrypoint => {
            Value::from(build_entry_point(config.imds, &config.startup_command))
        }
        Artifact::Dockerfile | Artifact::Apache | Artifact::PhpFpm | Artifact::TracerCode => {
            return None
        }
    })
}

/// The artifact's text exactly as `generate --output` prints it: pretty JSON
/// or the snippet, always ending with a newline.
pub fn render(config: &Config, artifact: Artifact) -> Result<String, NotApplicable> {
    artifact.applies_to(config)?;
    let mut text = match artifact {
        Artifact::Dockerfile => build_dockerfile(config),
        Artifact::Apache => build_apache_passenv(config),
        Artifact::PhpFpm => build_php_fpm_env(config),
        Artifact::TracerCode => build_tracer_code(config.language, config.imds)
            .expect("applies_to checked the language and the source"),
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
    use crate::core::model::config::LaunchType;

    #[test]
    fn applicable_artifacts_per_language() {
        let names = |l| {
            Artifact::applicable(&Config::for_language(l))
                .into_iter()
                .map(Artifact::cli_name)
                .collect::<Vec<_>>()
        };
        assert_eq!(
            names(Language::Php),
            [
                "agent-task-definition",
                "agent-container",
                "app-task-definition",
                "app-container",
                "tracer-init-container",
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
                "app-task-definition",
                "app-container",
                "entrypoint",
                "dockerfile",
                "tracer-code"
            ]
        );
        assert_eq!(names(Language::Java).len(), 6);
    }

    #[test]
    fn the_tracer_decides_between_the_init_container_and_the_dockerfile() {
        let with = |tracer| {
            let config = Config {
                tracer,
                ..Config::default()
            };
            [Artifact::TracerInitContainer, Artifact::Dockerfile]
                .map(|a| a.applies_to(&config).is_ok())
        };
        assert_eq!(with(Tracer::Inject), [true, false]);
        assert_eq!(with(Tracer::Image), [false, true]);
        assert_eq!(with(Tracer::Present), [false, false]);
        let err = render(&Config::default(), Artifact::Dockerfile).unwrap_err();
        assert_eq!(
            err.to_string(),
            "--output: dockerfile does not apply to --tracer inject: the Dockerfile lines install the tracer with --tracer image only"
        );
        assert_eq!(
            Artifact::Dockerfile.file_name(Language::Python),
            Some("Dockerfile.datadog")
        );
    }

    #[test]
    fn launch_type_and_transport_rule_out_artifacts() {
        let names = |launch_type, transport| {
            let config = Config {
                launch_type,
                transport,
                ..Config::for_language(Language::Go)
            };
            Artifact::applicable(&config)
                .into_iter()
                .map(Artifact::cli_name)
                .collect::<Vec<_>>()
        };
        assert_eq!(
            names(LaunchType::Fargate, Transport::Tcp),
            [
                "agent-container",
                "app-task-definition",
                "app-container",
                "dockerfile"
            ]
        );
        assert_eq!(
            names(LaunchType::Ec2, Transport::Uds),
            [
                "agent-task-definition",
                "agent-container",
                "app-task-definition",
                "app-container",
                "dockerfile"
            ]
        );
        let config = Config {
            transport: Transport::Uds,
            ..Config::default()
        };
        assert_eq!(
            render(&config, Artifact::Entrypoint).unwrap_err().to_string(),
            "--output: entrypoint does not apply to --transport uds: with the Unix socket the app needs no agent address: no entryPoint change and no lookup code"
        );
    }

    #[test]
    fn not_applicable_says_why() {
        let err = render(&Config::for_language(Language::Java), Artifact::Apache).unwrap_err();
        assert_eq!(
            err.to_string(),
            "--output: apache does not apply to java: the Apache and PHP-FPM snippets apply to PHP only"
        );
    }

    #[test]
    fn every_rendering_ends_with_a_newline() {
        for language in Language::ALL {
            let config = Config::for_language(language);
            for artifact in Artifact::applicable(&config) {
                assert!(render(&config, artifact).unwrap().ends_with('\n'));
            }
        }
    }
}
