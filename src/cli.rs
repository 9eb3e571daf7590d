//! Command-line arguments (clap derive), turned into a checked core
//! [`Config`]. Values are parsed by the core's own `FromStr`, so a bad value
//! gets the same message everywhere, naming the flag and what is valid.

pub mod aws;
pub mod help;

pub use aws::{ApplyArgs, AwsArgs, DoctorArgs, DoctorFormat, PullArgs, RegisterArgs, WriteArgs};

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::core::lint::report::{Filter, Severity};
use crate::core::lint::RULES;
use crate::core::{
    AgentVersion, Artifact, Config, ConfigError, Imds, Language, LaunchType, Transport,
};

#[derive(Debug, Parser)]
#[command(
    name = "ddecs-wizard",
    version,
    about = "Get Datadog APM tracing working on Amazon ECS (EC2) the first time",
    long_about = "Get Datadog APM tracing working on Amazon ECS (EC2) the first time.\n\n\
        Without a subcommand, opens the full-screen wizard (or line-by-line prompts with \
        --plain); the options below pre-fill its answers.",
    args_conflicts_with_subcommands = true,
    after_help = help::WIZARD
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,

    /// Ask the questions as plain line-by-line prompts (screen readers, dumb terminals)
    #[arg(long)]
    pub plain: bool,

    #[command(flatten)]
    pub preset: Preset,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Print or write the artifacts without asking anything
    #[command(after_help = help::GENERATE)]
    Generate(GenerateArgs),
    /// Add APM tracing to an existing task definition
    #[command(after_help = help::PATCH)]
    Patch(PatchArgs),
    /// Lint task definitions for tracing mistakes: files, directories (*.json), - for stdin
    #[command(after_help = help::CHECK, after_long_help = help::check_long())]
    Check(CheckArgs),
    /// Print shell completions: bash, zsh, fish, powershell or elvish
    #[command(after_help = help::COMPLETIONS)]
    Completions(CompletionsArgs),
    /// Print the man page (roff) of ddecs-wizard, or of one of its commands
    #[command(hide = true)]
    Man(ManArgs),
    /// AWS: a registered task definition as register input, ready for patch
    Pull(PullArgs),
    /// AWS: patch the latest revision, register it, and point services at it
    // `--service` names the ECS service to roll here, as in `aws ecs
    // update-service`; the unified service tag moves to `--dd-service`.
    #[command(mut_arg("service", |arg| arg
        .long("dd-service")
        .help("Unified service tagging: service name (DD_SERVICE)")))]
    Apply(ApplyArgs),
    /// AWS: register a task definition file and create or update its DAEMON service
    Register(RegisterArgs),
    /// AWS: find why traces from a cluster would not arrive (read-only)
    Doctor(DoctorArgs),
    /// Internal: serves copied text on the X11 clipboard after the wizard exits
    #[command(name = crate::output::clipboard::HOLD_COMMAND, hide = true)]
    HoldClipboard,
}

/// The answers that can be given up front. Each is optional so the wizard
/// knows which questions are already answered.
#[derive(Debug, Clone, Default, Args)]
pub struct Preset {
    /// Where the tasks run: ec2 (agent DAEMON service), fargate (agent sidecar), managed-instances [default: ec2]
    #[arg(long, value_name = "TYPE", value_parser = parse::<LaunchType>)]
    pub launch_type: Option<LaunchType>,

    /// How the app reaches the agent: tcp (port 8126), uds (Unix socket in /var/run/datadog) [default: tcp; uds on managed-instances]
    #[arg(long, value_name = "TRANSPORT", value_parser = parse::<Transport>)]
    pub transport: Option<Transport>,

    /// Application language: python, nodejs, ruby, go, java, dotnet, php [default: python]
    #[arg(long, value_name = "LANGUAGE", value_parser = parse::<Language>)]
    pub language: Option<Language>,

    /// How an EC2 app finds the host's private IP: v2, v1, metadata-file, auto (ec2 + tcp only) [default: v2]
    #[arg(long, value_name = "SOURCE", value_parser = parse::<Imds>)]
    pub imds: Option<Imds>,

    /// Agent version: latest, a major (7) or a version (7.17, 7.17.1, 6.16.0) [default: latest]
    #[arg(long, value_name = "VERSION", value_parser = parse::<AgentVersion>)]
    pub agent_version: Option<AgentVersion>,

    /// The app's own start command [default: per language]
    #[arg(long, value_name = "COMMAND", allow_hyphen_values = true)]
    pub startup_command: Option<String>,

    /// App container name [default: app]
    #[arg(long, value_name = "NAME")]
    pub app_name: Option<String>,

    /// App container image [default: a placeholder]
    #[arg(long, value_name = "IMAGE")]
    pub app_image: Option<String>,

    /// Unified service tagging: service name (DD_SERVICE)
    #[arg(long, value_name = "NAME")]
    pub service: Option<String>,

    /// Unified service tagging: environment (DD_ENV)
    #[arg(long, value_name = "ENV")]
    pub env: Option<String>,

    /// Unified service tagging: version (DD_VERSION)
    #[arg(long, value_name = "VERSION")]
    pub service_version: Option<String>,

    /// Datadog site, e.g. datadoghq.com, datadoghq.eu [default: datadoghq.com]
    #[arg(long, value_name = "SITE")]
    pub site: Option<String>,

    /// Secrets Manager or SSM parameter ARN holding DD_API_KEY [default: a placeholder value]
    #[arg(long, value_name = "ARN")]
    pub api_key_secret_arn: Option<String>,
}

impl Preset {
    /// The config with every given answer applied over the language's
    /// defaults, checked; the error names the flag.
    pub fn to_config(&self) -> Result<Config, UsageError> {
        let mut config = Config::for_language(self.language.unwrap_or(Language::Python));
        self.apply(&mut config);
        config
            .validate()
            .map_err(|e| UsageError(flag_message(&e)))?;
        self.check_applies(&config)?;
        Ok(config)
    }

    /// Refuses a flag the chosen launch type and transport would ignore, so
    /// that no one believes it took effect.
    pub fn check_applies(&self, config: &Config) -> Result<(), UsageError> {
        if config.wraps_entrypoint() {
            return Ok(());
        }
        let why = if config.transport == Transport::Uds {
            "with --transport uds the app reaches the agent through the socket: nothing looks up an address or wraps the start command".to_owned()
        } else {
            format!(
                "on {} the agent is a sidecar on localhost: nothing looks up an address or wraps the start command",
                config.launch_type.label()
            )
        };
        for (given, flag) in [
            (self.imds.is_some(), "--imds"),
            (self.startup_command.is_some(), "--startup-command"),
        ] {
            if given {
                return Err(UsageError(format!("{flag} does not apply: {why}")));
            }
        }
        Ok(())
    }

    /// Copies the given answers into `config`, leaving the others alone.
    pub fn apply(&self, config: &mut Config) {
        if let Some(launch_type) = self.launch_type {
            if config.launch_type != launch_type && self.transport.is_none() {
                config.transport = launch_type.default_transport();
            }
            config.launch_type = launch_type;
        }
        if let Some(transport) = self.transport {
            config.transport = transport;
        }
        if let Some(language) = self.language {
            if config.language != language {
                config.startup_command = language.default_startup_command().to_owned();
            }
            config.language = language;
        }
        if let Some(imds) = self.imds {
            config.imds = imds;
        }
        if let Some(version) = &self.agent_version {
            config.agent_version = version.clone();
        }
        let text = |target: &mut String, value: &Option<String>| {
            if let Some(value) = value {
                target.clone_from(value);
            }
        };
        text(&mut config.startup_command, &self.startup_command);
        text(&mut config.app_name, &self.app_name);
        text(&mut config.app_image, &self.app_image);
        text(&mut config.site, &self.site);
        if self.service.is_some() {
            config.tags.service.clone_from(&self.service);
        }
        if self.env.is_some() {
            config.tags.env.clone_from(&self.env);
        }
        if self.service_version.is_some() {
            config.tags.version.clone_from(&self.service_version);
        }
        if self.api_key_secret_arn.is_some() {
            config
                .api_key_secret_arn
                .clone_from(&self.api_key_secret_arn);
        }
    }
}

/// The `generate` command line that gives the same artifacts as `config`,
/// so the interactive front ends can teach the scriptable way. The choices
/// every config makes are always spelled out; the rest only when they differ
/// from the default.
pub fn generate_command(config: &Config) -> Vec<String> {
    let defaults = Config::for_language(config.language);
    let mut args = vec!["ddecs-wizard".to_owned(), "generate".to_owned()];
    let mut add = |flag: &str, value: &str| {
        // A value that starts with '-' would be read as a flag of its own.
        if value.starts_with('-') {
            args.push(format!("{flag}={value}"));
        } else {
            args.push(flag.to_owned());
            args.push(value.to_owned());
        }
    };
    add("--launch-type", config.launch_type.cli_name());
    add("--transport", config.transport.cli_name());
    add("--language", config.language.cli_name());
    add("--agent-version", &config.agent_version.to_string());
    if config.wraps_entrypoint() {
        add("--imds", config.imds.cli_name());
        add("--startup-command", &config.startup_command);
    }
    let optional = [
        (
            "--app-name",
            Some(&config.app_name),
            Some(&defaults.app_name),
        ),
        (
            "--app-image",
            Some(&config.app_image),
            Some(&defaults.app_image),
        ),
        ("--service", config.tags.service.as_ref(), None),
        ("--env", config.tags.env.as_ref(), None),
        ("--service-version", config.tags.version.as_ref(), None),
        ("--site", Some(&config.site), Some(&defaults.site)),
        (
            "--api-key-secret-arn",
            config.api_key_secret_arn.as_ref(),
            None,
        ),
    ];
    for (flag, value, default) in optional {
        if let Some(value) = value.filter(|v| Some(*v) != default) {
            add(flag, value);
        }
    }
    args
}

/// Prefixes a validation error with the flag that carries the value.
fn flag_message(error: &ConfigError) -> String {
    format!("{}: {error}", error.field().flag())
}

fn parse<T>(s: &str) -> Result<T, String>
where
    T: std::str::FromStr<Err = ConfigError>,
{
    s.parse().map_err(|e: ConfigError| e.to_string())
}

#[derive(Debug, Args)]
pub struct GenerateArgs {
    #[command(flatten)]
    pub preset: Preset,

    /// Print only this artifact: agent-task-definition, agent-container, app-task-definition,
    /// app-container, entrypoint, apache, php-fpm, tracer-code
    #[arg(long, value_name = "ARTIFACT", value_parser = parse::<Artifact>, conflicts_with = "out_dir")]
    pub output: Option<Artifact>,

    /// Write every applicable artifact as files into DIR
    #[arg(long, value_name = "DIR")]
    pub out_dir: Option<PathBuf>,

    /// Overwrite existing files in --out-dir
    #[arg(long, requires = "out_dir")]
    pub force: bool,
}

#[derive(Debug, Args)]
pub struct PatchArgs {
    /// Task definition JSON: register input, describe output, or a containerDefinitions array (- reads stdin)
    pub file: PathBuf,

    #[command(flatten)]
    pub preset: Preset,

    /// Patch this container (repeat for several) [default: the one app container]
    #[arg(long, value_name = "NAME")]
    pub container: Vec<String>,

    /// Write the result to FILE instead of stdout
    #[arg(short = 'o', long = "output", value_name = "FILE", conflicts_with_all = ["in_place", "diff"])]
    pub output: Option<PathBuf>,

    /// Replace FILE with the result (atomically)
    #[arg(long, conflicts_with = "diff")]
    pub in_place: bool,

    /// Show a unified diff of the change and write nothing
    #[arg(long)]
    pub diff: bool,
}

/// How `check` reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// One line per finding: FILE:LINE:COL: severity RULE: message
    Text,
    /// One JSON document: each file's findings, then the totals
    Json,
    /// SARIF 2.1.0, for code scanning uploads
    Sarif,
    /// GitHub Actions workflow commands, shown as annotations
    Github,
}

/// The least severe finding `check` shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Level {
    Error,
    Warning,
    Info,
}

impl From<Level> for Severity {
    fn from(level: Level) -> Severity {
        match level {
            Level::Error => Severity::Error,
            Level::Warning => Severity::Warning,
            Level::Info => Severity::Info,
        }
    }
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Task definition files and directories (searched for *.json); - reads stdin
    #[arg(value_name = "PATH", required_unless_present = "list_rules")]
    pub paths: Vec<PathBuf>,

    /// Report format
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,

    /// Show findings of this severity and worse
    #[arg(long, value_enum, value_name = "LEVEL", default_value_t = Level::Info)]
    pub severity: Level,

    /// Drop these rules (IDs, comma-separated or repeated)
    #[arg(long, value_name = "RULE", value_delimiter = ',', value_parser = rule_id)]
    pub ignore: Vec<String>,

    /// List every rule with its ID, severity and summary (--format json: as JSON)
    #[arg(long, conflicts_with = "paths")]
    pub list_rules: bool,
}

impl CheckArgs {
    pub fn filter(&self) -> Filter {
        Filter {
            minimum: self.severity.into(),
            ignored: self.ignore.clone(),
        }
    }
}

/// A rule ID `--ignore` knows, in its canonical spelling.
fn rule_id(text: &str) -> Result<String, String> {
    let id = text.trim().to_ascii_uppercase();
    if RULES.iter().any(|rule| rule.id == id) {
        Ok(id)
    } else {
        Err(format!(
            "unknown rule {text:?}: ddecs-wizard check --list-rules lists them"
        ))
    }
}

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell to complete for
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

#[derive(Debug, Args)]
pub struct ManArgs {
    /// A command whose page to print instead (generate, patch, check, ...)
    pub command: Option<String>,
}

/// A mistake in how the tool was called: exit code 2.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct UsageError(pub String);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clap_definition_is_consistent() {
        use clap::CommandFactory;
        Cli::command().debug_assert();
    }

    #[test]
    fn preset_language_brings_its_startup_command() {
        let preset = Preset {
            language: Some(Language::Php),
            ..Preset::default()
        };
        assert_eq!(preset.to_config().unwrap().startup_command, "php-fpm -F");
    }

    #[test]
    fn generate_command_parses_back_to_the_same_config() {
        let config = Config {
            imds: Imds::MetadataFile,
            agent_version: "7.17.1".parse().unwrap(),
            startup_command: "-x sh -c 'echo \"$HOME\"' && php-fpm -F".to_owned(),
            tags: crate::core::Tags {
                service: Some("web".to_owned()),
                env: None,
                version: Some("1.2.3".to_owned()),
            },
            site: "datadoghq.eu".to_owned(),
            ..Config::for_language(Language::Php)
        };
        let args = generate_command(&config);
        assert!(!args.contains(&"--app-name".to_owned()), "{args:?}");
        let cli = Cli::try_parse_from(&args).unwrap();
        let Some(Command::Generate(generate)) = cli.command else {
            panic!("not a generate command: {cli:?}");
        };
        assert_eq!(generate.preset.to_config().unwrap(), config);
    }

    #[test]
    fn flags_the_combination_ignores_are_refused() {
        let refused = |args: &[&str]| {
            let cli = Cli::try_parse_from(["ddecs-wizard", "generate"].iter().chain(args)).unwrap();
            let Some(Command::Generate(generate)) = cli.command else {
                panic!("not generate");
            };
            generate.preset.to_config().unwrap_err().to_string()
        };
        let err = refused(&["--transport", "uds", "--imds", "v1"]);
        assert!(
            err.starts_with("--imds does not apply: with --transport uds"),
            "{err}"
        );
        let err = refused(&["--launch-type", "fargate", "--startup-command", "app"]);
        assert!(
            err.starts_with("--startup-command does not apply: on Fargate"),
            "{err}"
        );
        let err = refused(&["--launch-type", "managed-instances", "--transport", "tcp"]);
        assert!(
            err.starts_with("--transport: unsupported transport"),
            "{err}"
        );
        let err = refused(&["--transport", "uds", "--agent-version", "6.12"]);
        assert!(err.starts_with("--agent-version: unsupported"), "{err}");
    }

    #[test]
    fn managed_instances_default_to_the_socket() {
        let preset = Preset {
            launch_type: Some(LaunchType::ManagedInstances),
            ..Preset::default()
        };
        assert_eq!(preset.to_config().unwrap().transport, Transport::Uds);
    }

    #[test]
    fn apply_service_names_the_ecs_service_and_dd_service_the_tag() {
        let cli = Cli::try_parse_from([
            "ddecs-wizard",
            "apply",
            "web",
            "--service",
            "web-svc",
            "--service",
            "web-canary",
            "--cluster",
            "prod",
            "--dd-service",
            "web",
        ])
        .unwrap();
        let Some(Command::Apply(apply)) = cli.command else {
            panic!("not apply: {cli:?}");
        };
        assert_eq!(apply.ecs_services, ["web-svc", "web-canary"]);
        assert_eq!(apply.cluster.as_deref(), Some("prod"));
        assert_eq!(apply.preset.service.as_deref(), Some("web"));
        // patch keeps --service for the tag.
        let cli =
            Cli::try_parse_from(["ddecs-wizard", "patch", "t.json", "--service", "web"]).unwrap();
        let Some(Command::Patch(patch)) = cli.command else {
            panic!("not patch: {cli:?}");
        };
        assert_eq!(patch.preset.service.as_deref(), Some("web"));
    }

    #[test]
    fn every_field_names_a_flag_of_generate() {
        use clap::CommandFactory;
        let command = Cli::command();
        let generate = command.find_subcommand("generate").unwrap();
        for field in crate::core::Field::ALL {
            let flag = field.flag().trim_start_matches("--");
            assert!(
                generate.get_arguments().any(|a| a.get_long() == Some(flag)),
                "{field:?}: {flag}"
            );
        }
    }

    #[test]
    fn invalid_free_text_names_the_flag() {
        let preset = Preset {
            app_name: Some("bad name".into()),
            ..Preset::default()
        };
        let err = preset.to_config().unwrap_err().to_string();
        assert!(err.starts_with("--app-name: invalid app name"), "{err}");
    }
}
