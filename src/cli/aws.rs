//! The clap types of the AWS commands (`pull`, `apply`, `register`,
//! `doctor`). `ddecs-wizard` parses them so that `--help`, completions and
//! man pages cover every command, then execs `ddecs-wizard-aws`, which
//! parses the same types again.

use std::path::PathBuf;

use clap::{Args, ValueEnum};

use super::Preset;

/// Where the AWS commands find the account and region; unset, the standard
/// AWS configuration decides (AWS_PROFILE, AWS_REGION, ~/.aws/config, the
/// credential chain, AWS_ENDPOINT_URL).
#[derive(Debug, Clone, Default, Args)]
pub struct AwsArgs {
    /// AWS profile from ~/.aws/config [default: AWS_PROFILE, else "default"]
    #[arg(long, value_name = "NAME")]
    pub profile: Option<String>,

    /// AWS region [default: AWS_REGION, else the profile's region]
    #[arg(long, value_name = "REGION")]
    pub region: Option<String>,
}

/// How a command that writes to AWS goes ahead: it always shows its plan
/// first, then asks on a terminal, needs `--yes` without one, and stops
/// after the plan with `--dry-run`.
#[derive(Debug, Clone, Copy, Default, Args)]
pub struct WriteArgs {
    /// Show the diff and the plan, then stop: nothing is registered or changed
    #[arg(long, conflicts_with = "yes")]
    pub dry_run: bool,

    /// Go ahead without asking (needed when there is no terminal to ask on)
    #[arg(long, short = 'y')]
    pub yes: bool,
}

#[derive(Debug, Args)]
pub struct PullArgs {
    /// FAMILY (its latest ACTIVE revision), FAMILY:REVISION, or a task definition ARN
    #[arg(value_name = "TASK_DEFINITION")]
    pub task_definition: String,

    /// Write the JSON to FILE (atomically) instead of stdout
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    pub output: Option<PathBuf>,

    #[command(flatten)]
    pub aws: AwsArgs,
}

#[derive(Debug, Args)]
pub struct ApplyArgs {
    /// Task definition family: its latest ACTIVE revision is patched
    pub family: String,

    #[command(flatten)]
    pub preset: Preset,

    /// Patch this container (repeat for several) [default: the one app container]
    #[arg(long, value_name = "NAME")]
    pub container: Vec<String>,

    /// ECS service to point at the new revision (repeat for several; needs --cluster)
    #[arg(
        long = "service",
        id = "ecs_service",
        value_name = "NAME",
        requires = "cluster"
    )]
    pub ecs_services: Vec<String>,

    /// Cluster of the --service services
    #[arg(long, value_name = "NAME", requires = "ecs_service")]
    pub cluster: Option<String>,

    #[command(flatten)]
    pub write: WriteArgs,

    #[command(flatten)]
    pub aws: AwsArgs,
}

#[derive(Debug, Args)]
pub struct RegisterArgs {
    /// Task definition JSON to register, e.g. from generate or patch (- reads stdin)
    pub file: PathBuf,

    /// Create this DAEMON service with the new revision, or update it to it (needs --cluster)
    #[arg(long, value_name = "NAME", requires = "cluster")]
    pub daemon_service: Option<String>,

    /// Cluster of the --daemon-service service
    #[arg(long, value_name = "NAME", requires = "daemon_service")]
    pub cluster: Option<String>,

    #[command(flatten)]
    pub write: WriteArgs,

    #[command(flatten)]
    pub aws: AwsArgs,
}

#[derive(Debug, Args)]
pub struct DoctorArgs {
    /// The ECS cluster to examine
    #[arg(long, value_name = "NAME")]
    pub cluster: String,

    /// Report format
    #[arg(long, value_enum, default_value_t = DoctorFormat::Text)]
    pub format: DoctorFormat,

    #[command(flatten)]
    pub aws: AwsArgs,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DoctorFormat {
    Text,
    Json,
}
