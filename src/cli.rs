//! Command-line arguments (clap derive), turned into a checked core
//! [`Config`]. Values are parsed by the core's own `FromStr`, so a bad value
//! gets the same message everywhere, naming the flag and what is valid.

pub mod aws;
pub mod help;
pub mod preset;

pub use crate::usage::UsageError;
pub use aws::{ApplyArgs, AwsArgs, DoctorArgs, DoctorFormat, PullArgs, RegisterArgs, WriteArgs};
pub use preset::{ApplyPreset, GeneratePreset, PatchPreset, Preset, WizardPreset};

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::core::lint::report::{Filter, Severity};
use crate::core::lint::RULES;
use crate::core::{Artifact, ConfigError};

#[derive(Debug, Parser)]
#[command(
    name = "ddecs-wizard",
    version,
    about = "Get Datadog APM tracing working on Amazon ECS the first time",
    long_about = "Get Datadog APM tracing working on Amazon ECS the first time.\n\n\
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
    pub preset: WizardPreset,
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

fn parse<T>(s: &str) -> Result<T, String>
where
    T: std::str::FromStr<Err = ConfigError>,
{
    s.parse().map_err(|e: ConfigError| e.to_string())
}

#[derive(Debug, Args)]
pub struct GenerateArgs {
    #[command(flatten)]
    pub preset: GeneratePreset,

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
    pub preset: PatchPreset,

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

    /// Take out everything ddecs-wizard added (wrapper, socket, sidecar, injected tracer)
    #[arg(long)]
    pub remove: bool,
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::model::field::{Field, Scope, SETTINGS};
    use crate::core::model::given::generate_command;
    use crate::core::{Config, Imds, Language};
    use clap::CommandFactory;

    #[test]
    fn clap_definition_is_consistent() {
        Cli::command().debug_assert();
    }

    fn generate(args: &[&str]) -> GenerateArgs {
        let cli = Cli::try_parse_from(["ddecs-wizard", "generate"].iter().chain(args)).unwrap();
        let Some(Command::Generate(generate)) = cli.command else {
            panic!("not a generate command: {cli:?}");
        };
        generate
    }

    #[test]
    fn generate_command_parses_back_to_the_same_config() {
        let config = Config {
            imds: Imds::MetadataFile,
            agent_version: "7.17.1".parse().unwrap(),
            startup_command: "-x sh -c 'echo \"$HOME\"' && php-fpm -F".to_owned(),
            ..Config::for_language(Language::Php)
        };
        let args = generate_command(&config);
        let cli = Cli::try_parse_from(&args).unwrap();
        let Some(Command::Generate(generate)) = cli.command else {
            panic!("not a generate command: {cli:?}");
        };
        assert_eq!(generate.preset.given.config().unwrap(), config);
    }

    #[test]
    fn a_bad_value_is_refused_by_the_parser_naming_the_flag() {
        let err = Cli::try_parse_from(["ddecs-wizard", "generate", "--language", "cobol"])
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("--language: invalid language \"cobol\""),
            "{err}"
        );
        assert_eq!(
            generate(&["--language", "ruby"])
                .preset
                .given
                .get(Field::Language),
            Some("ruby")
        );
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
        assert_eq!(apply.preset.given.get(Field::Service), Some("web"));
        // patch keeps --service for the tag.
        let cli =
            Cli::try_parse_from(["ddecs-wizard", "patch", "t.json", "--service", "web"]).unwrap();
        let Some(Command::Patch(patch)) = cli.command else {
            panic!("not patch: {cli:?}");
        };
        assert_eq!(patch.preset.given.get(Field::Service), Some("web"));
    }

    #[test]
    fn each_command_has_exactly_the_settings_of_its_scope() {
        let command = Cli::command();
        for (name, scope) in [
            ("generate", Scope::GENERATE),
            ("patch", Scope::PATCH),
            ("apply", Scope::APPLY),
        ] {
            let sub = command.find_subcommand(name).unwrap();
            for setting in SETTINGS {
                let long = if name == "apply" && setting.long == "service" {
                    "dd-service"
                } else {
                    setting.long
                };
                let has = sub.get_arguments().any(|a| a.get_long() == Some(long));
                assert_eq!(has, setting.scope.contains(scope), "{name} --{long}");
            }
        }
        let patch = command.find_subcommand("patch").unwrap();
        for absent in ["language", "app-name", "app-image"] {
            assert!(!patch.get_arguments().any(|a| a.get_long() == Some(absent)));
        }
    }
}
