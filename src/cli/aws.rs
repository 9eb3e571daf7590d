//! The clap types of the AWS commands (`pull`, `apply`, `register`,
//! `doctor`). `ddecs-wizard` parses them so that `--help`, completions and
//! man pages cover every command, then execs `ddecs-wizard-aws`, which
//! parses the same types again.

use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, ValueEnum};

use super::Preset;

/// Where the AWS commands find the account and region; unset, the standard
/// AWS configuration decides (AWS_PROFILE, AWS_REGION, ~/.aws/config, the
/// credential chain, AWS_ENDPOINT_URL).
#[derive(Debug, Clone, Args)]
pub struct AwsArgs {
    /// AWS profile from ~/.aws/config [default: AWS_PROFILE, else "default"]
    #[arg(long, value_name = "NAME")]
    pub profile: Option<String>,

    /// AWS region [default: AWS_REGION, else the profile's region]
    #[arg(long, value_name = "REGION")]
    pub region: Option<String>,

    /// The longest one AWS call may take, its retries included: 30s, 2m, 1m30s, or seconds
    #[arg(long, value_name = "DURATION", default_value = "30s", value_parser = parse_timeout)]
    pub timeout: Duration,
}

/// The longest `--timeout` taken: a call that needs more is stuck.
const LONGEST_TIMEOUT: Duration = Duration::from_secs(3600);

/// A `--timeout` value: a duration with units, or a number of seconds as
/// the aws CLI's `--cli-read-timeout` takes.
fn parse_timeout(text: &str) -> Result<Duration, String> {
    let text = text.trim();
    let duration = match text.parse::<u64>() {
        Ok(seconds) => Duration::from_secs(seconds),
        Err(_) => humantime::parse_duration(text)
            .map_err(|e| format!("{e}: give a duration such as 30s, 2m or 1m30s"))?,
    };
    if duration.is_zero() {
        return Err("the timeout must be longer than 0s".to_owned());
    }
    if duration > LONGEST_TIMEOUT {
        return Err("the timeout must be at most 1h".to_owned());
    }
    Ok(duration)
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timeouts_take_units_or_seconds() {
        assert_eq!(parse_timeout("30s"), Ok(Duration::from_secs(30)));
        assert_eq!(parse_timeout("1m30s"), Ok(Duration::from_secs(90)));
        assert_eq!(parse_timeout("500ms"), Ok(Duration::from_millis(500)));
        assert_eq!(parse_timeout("45"), Ok(Duration::from_secs(45)));
        assert!(parse_timeout("0s").is_err());
        assert!(parse_timeout("2h").is_err());
        assert!(parse_timeout("soon").unwrap_err().contains("such as 30s"));
    }
}
