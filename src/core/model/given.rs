//! The answers given up front (flags, in any front end): which settings
//! were given and their text, turned into a checked [`Config`], and a config
//! spelled back as the `generate` command line that gives it. Plain data:
//! the CLI fills it from its flags, the wizard reads which questions are
//! already answered, and nothing here knows of clap.

use thiserror::Error;

use crate::core::model::config::Config;
use crate::core::model::error::ConfigError;
use crate::core::model::field::{Field, Scope, Setting, Spelled, SETTINGS};

/// Settings given, with the text each was given as.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Given {
    values: Vec<(Field, String)>,
}

/// A given answer that is wrong, or that does not fit the others.
#[derive(Debug, Clone, Error, PartialEq, Eq)]
pub enum GivenError {
    /// The value is not valid, or does not go with the other answers.
    #[error("{}: {error}", .error.field().flag())]
    Invalid { error: ConfigError },
    /// The answers leave this flag nothing to do.
    #[error("{} does not apply: {why}", .field.flag())]
    Unused { field: Field, why: String },
}

impl GivenError {
    pub fn field(&self) -> Field {
        match self {
            GivenError::Invalid { error } => error.field(),
            GivenError::Unused { field, .. } => *field,
        }
    }
}

impl From<ConfigError> for GivenError {
    fn from(error: ConfigError) -> Self {
        GivenError::Invalid { error }
    }
}

impl Given {
    /// Records `field` as given as `text`; a later value replaces it.
    pub fn set(&mut self, field: Field, text: impl Into<String>) {
        let text = text.into();
        match self.values.iter_mut().find(|(f, _)| *f == field) {
            Some((_, old)) => *old = text,
            None => self.values.push((field, text)),
        }
    }

    /// `self` with `field` given as `text`.
    pub fn with(mut self, field: Field, text: impl Into<String>) -> Given {
        self.set(field, text);
        self
    }

    /// The text `field` was given as.
    pub fn get(&self, field: Field) -> Option<&str> {
        self.values
            .iter()
            .find(|(f, _)| *f == field)
            .map(|(_, text)| text.as_str())
    }

    pub fn has(&self, field: Field) -> bool {
        self.get(field).is_some()
    }

    /// Whether nothing was given.
    pub fn is_empty(&self) -> bool {
        self.values.is_empty()
    }

    /// Writes the given answers into `config`, in the settings' order, so
    /// that an answer which brings others (a language its start command)
    /// comes before the flags that override those.
    pub fn apply(&self, config: &mut Config) -> Result<(), GivenError> {
        for setting in SETTINGS {
            if let Some(text) = self.get(setting.field) {
                (setting.set)(config, text)?;
            }
        }
        Ok(())
    }

    /// The config the given answers make over the defaults, checked: a bad
    /// value, answers that do not fit together, and a flag the answers
    /// leave nothing to do are each an error naming the flag.
    pub fn config(&self) -> Result<Config, GivenError> {
        let mut config = Config::default();
        self.apply(&mut config)?;
        config.validate()?;
        self.check_used(&config)?;
        Ok(config)
    }

    /// Refuses a flag `config` would ignore, so that no one believes it
    /// took effect.
    pub fn check_used(&self, config: &Config) -> Result<(), GivenError> {
        for setting in SETTINGS {
            if !self.has(setting.field) {
                continue;
            }
            if let Some(why) = (setting.unused)(config) {
                return Err(GivenError::Unused {
                    field: setting.field,
                    why,
                });
            }
        }
        Ok(())
    }
}

/// The settings a `generate` command line spells for `config`, with their
/// values: what every config decides always, the rest only where it
/// differs from the language's defaults, and nothing the config has no use
/// for.
fn spelled(config: &Config) -> Vec<(&'static Setting, String)> {
    let defaults = Config::for_language(config.language);
    SETTINGS
        .iter()
        .filter(|s| s.scope.contains(Scope::GENERATE) && (s.unused)(config).is_none())
        .filter_map(|s| Some(s).zip((s.get)(config)))
        .filter(|(s, value)| {
            s.spelled == Spelled::Always || Some(value) != (s.get)(&defaults).as_ref()
        })
        .collect()
}

/// The `generate` command line that gives the same artifacts as `config`,
/// so the interactive front ends can teach the scriptable way.
pub fn generate_command(config: &Config) -> Vec<String> {
    let mut args = vec!["ddecs-wizard".to_owned(), "generate".to_owned()];
    for (setting, value) in spelled(config) {
        // A value that starts with '-' would be read as a flag of its own,
        // and a switch takes its value only after '='.
        if value.starts_with('-') || setting.is_switch() {
            args.push(format!("--{}={value}", setting.long));
        } else {
            args.push(format!("--{}", setting.long));
            args.push(value);
        }
    }
    args
}

/// What [`generate_command`] gives, as [`Given`] values.
pub fn given_of(config: &Config) -> Given {
    let mut given = Given::default();
    for (setting, value) in spelled(config) {
        given.set(setting.field, value);
    }
    given
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_switch_is_spelled_with_its_equals_sign() {
        let mut config = Config::default();
        config.features.profiling = true;
        config.features.sample_rate = Some("0.5".parse().unwrap());
        let args = generate_command(&config);
        assert!(args.contains(&"--profiling=true".to_owned()), "{args:?}");
        let at = args
            .iter()
            .position(|a| a == "--trace-sample-rate")
            .unwrap();
        assert_eq!(args[at + 1], "0.5");
    }
    use crate::core::model::config::{Imds, Language, LaunchType, Site, Tags, Tracer, Transport};

    fn config_of(pairs: &[(Field, &str)]) -> Result<Config, GivenError> {
        let mut given = Given::default();
        for (field, text) in pairs {
            given.set(*field, *text);
        }
        given.config()
    }

    #[test]
    fn a_language_brings_its_startup_command() {
        let config = config_of(&[(Field::Language, "php")]).unwrap();
        assert_eq!(config.startup_command, "php-fpm -F");
        let config = config_of(&[
            (Field::StartupCommand, "php artisan serve"),
            (Field::Language, "php"),
        ])
        .unwrap();
        assert_eq!(config.startup_command, "php artisan serve");
    }

    #[test]
    fn the_start_command_follows_the_language_and_the_tracer() {
        let command = |pairs: &[(Field, &str)]| config_of(pairs).unwrap().startup_command;
        // Injected, the loader variables load the tracer: the plain command.
        assert_eq!(command(&[]), "python my_app.py");
        assert_eq!(
            command(&[(Field::Tracer, "image")]),
            "ddtrace-run python my_app.py"
        );
        assert_eq!(
            command(&[(Field::Language, "java"), (Field::Tracer, "present")]),
            "java -javaagent:/path/to/dd-java-agent.jar -jar app.jar"
        );
        assert_eq!(command(&[(Field::Language, "java")]), "java -jar app.jar");
        assert_eq!(
            command(&[
                (Field::StartupCommand, "python -m app"),
                (Field::Tracer, "image")
            ]),
            "python -m app"
        );
    }

    #[test]
    fn go_defaults_to_the_image_and_refuses_injection() {
        let config = config_of(&[(Field::Language, "go")]).unwrap();
        assert_eq!(config.tracer, Tracer::Image);
        let err = config_of(&[(Field::Language, "go"), (Field::Tracer, "inject")])
            .unwrap_err()
            .to_string();
        assert_eq!(err, "--tracer: unsupported tracer \"inject\": Go is compiled in: there is no init image; use --tracer image (the Dockerfile builds it in) or present");
    }

    #[test]
    fn what_injection_cannot_serve_is_refused_on_its_flag() {
        let err = |pairs: &[(Field, &str)]| config_of(pairs).unwrap_err().to_string();
        let e = err(&[(Field::Language, "ruby"), (Field::BaseImage, "alpine")]);
        assert!(
            e.starts_with("--base-image: unsupported base image \"alpine\": Datadog's Ruby injection does not support musl"),
            "{e}"
        );
        let e = err(&[
            (Field::Language, "dotnet"),
            (Field::TracerVersion, "2.49.0"),
        ]);
        assert!(
            e.starts_with("--tracer-version: unsupported tracer version \"v2.49.0\": "),
            "{e}"
        );
        config_of(&[
            (Field::Language, "ruby"),
            (Field::BaseImage, "alpine"),
            (Field::Tracer, "image"),
        ])
        .unwrap();
        let e = err(&[
            (Field::Language, "php"),
            (Field::Tracer, "image"),
            (Field::BaseImage, "distroless"),
        ]);
        assert!(e.contains("no distroless Ruby or PHP base images"), "{e}");
    }

    #[test]
    fn present_takes_no_version_or_base_image() {
        for field in [Field::TracerVersion, Field::BaseImage] {
            let value = if field == Field::BaseImage {
                "alpine"
            } else {
                "4"
            };
            let e = config_of(&[(Field::Tracer, "present"), (field, value)])
                .unwrap_err()
                .to_string();
            assert!(
                e.starts_with(&format!(
                    "{} does not apply: with --tracer present",
                    field.flag()
                )),
                "{e}"
            );
        }
        let config = config_of(&[(Field::TracerVersion, "v4.1.0")]).unwrap();
        assert_eq!(config.tracer_version(), "4.1.0".parse().unwrap());
    }

    #[test]
    fn managed_instances_default_to_the_socket() {
        let config = config_of(&[(Field::LaunchType, "managed-instances")]).unwrap();
        assert_eq!(config.transport, Transport::Uds);
    }

    #[test]
    fn flags_the_combination_ignores_are_refused() {
        let err = |pairs: &[(Field, &str)]| config_of(pairs).unwrap_err().to_string();
        let e = err(&[(Field::Transport, "uds"), (Field::Imds, "v1")]);
        assert!(
            e.starts_with("--imds does not apply: with --transport uds"),
            "{e}"
        );
        let e = err(&[
            (Field::LaunchType, "fargate"),
            (Field::StartupCommand, "app"),
        ]);
        assert!(
            e.starts_with("--startup-command does not apply: on Fargate"),
            "{e}"
        );
        let e = err(&[
            (Field::LaunchType, "managed-instances"),
            (Field::Transport, "tcp"),
        ]);
        assert!(e.starts_with("--transport: unsupported transport"), "{e}");
        let e = err(&[(Field::Transport, "uds"), (Field::AgentVersion, "6.12")]);
        assert!(e.starts_with("--agent-version: unsupported"), "{e}");
        let e = err(&[(Field::AppName, "bad name")]);
        assert!(e.starts_with("--app-name: invalid app name"), "{e}");
    }

    #[test]
    fn generate_command_gives_back_the_same_config() {
        let config = Config {
            imds: Imds::MetadataFile,
            agent_version: "7.17.1".parse().unwrap(),
            startup_command: "-x sh -c 'echo \"$HOME\"' && php-fpm -F".to_owned(),
            tags: Tags {
                service: Some("web".to_owned()),
                env: None,
                version: Some("1.2.3".to_owned()),
            },
            site: Site::Eu1,
            ..Config::for_language(Language::Php)
        };
        let args = generate_command(&config);
        assert!(!args.contains(&"--app-name".to_owned()), "{args:?}");
        assert!(
            args.contains(&"--startup-command=-x sh -c 'echo \"$HOME\"' && php-fpm -F".to_owned())
        );
        assert_eq!(given_of(&config).config().unwrap(), config);
        let socket = Config {
            launch_type: LaunchType::Fargate,
            transport: Transport::Uds,
            ..Config::default()
        };
        assert!(!generate_command(&socket).contains(&"--imds".to_owned()));
        assert_eq!(given_of(&socket).config().unwrap(), socket);
    }
}
