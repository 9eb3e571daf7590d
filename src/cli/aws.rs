//! The AWS commands' arguments (`pull`, `apply`, `register`, `doctor`),
//! which `ddecs-wizard-aws` parses with the rest of the command line.

use std::path::PathBuf;
use std::time::Duration;

use clap::{ArgGroup, Args, ValueEnum};

use super::ApplyPreset;

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
#[command(group(ArgGroup::new("roll").args(["ecs_service", "all_services"]).multiple(true)))]
pub struct ApplyArgs {
    /// Task definition family: its latest ACTIVE revision is patched
    // Empty with --all-services, which plans every family of the cluster.
    #[arg(
        default_value = "",
        hide_default_value = true,
        required_unless_present = "all_services",
        conflicts_with = "all_services"
    )]
    pub family: String,

    #[command(flatten)]
    pub preset: ApplyPreset,

    /// Patch this container (repeat for several) [default: the one app container]
    #[arg(long, value_name = "NAME")]
    pub container: Vec<String>,

    /// Take out everything ddecs-wizard added (wrapper, socket, sidecar, injected tracer), then register
    #[arg(long)]
    pub remove: bool,

    /// ECS service to point at the new revision (repeat for several; needs --cluster)
    #[arg(
        long = "service",
        id = "ecs_service",
        value_name = "NAME",
        requires = "cluster"
    )]
    pub ecs_services: Vec<String>,

    /// Cluster of the --service services
    #[arg(long, value_name = "NAME", requires = "roll")]
    pub cluster: Option<String>,

    /// Patch every family the cluster's services run, in one plan (needs --cluster)
    #[arg(long, requires = "cluster", conflicts_with = "ecs_service")]
    pub all_services: bool,

    /// With --all-services: only the services whose name matches GLOB (e.g. 'web-*')
    #[arg(long, value_name = "GLOB", requires = "all_services")]
    pub services_matching: Option<String>,

    /// Follow each deployment until it is COMPLETED or FAILED (at most 10 minutes)
    #[arg(long)]
    pub wait: bool,

    /// Point a service whose deployment failed back at the revision it ran before (follows the deployments, as --wait)
    #[arg(long)]
    pub rollback_on_failure: bool,

    #[command(flatten)]
    pub write: WriteArgs,

    #[command(flatten)]
    pub aws: AwsArgs,
}

impl ApplyArgs {
    /// Whether the deployments are followed to their end.
    pub fn follows_deployments(&self) -> bool {
        self.wait || self.rollback_on_failure
    }
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
#[command(group(ArgGroup::new("clusters").args(["cluster", "all_clusters"]).required(true)))]
pub struct DoctorArgs {
    /// An ECS cluster to examine (repeat for several)
    #[arg(long, value_name = "NAME")]
    pub cluster: Vec<String>,

    /// Examine every cluster of each region
    #[arg(long, conflicts_with = "cluster")]
    pub all_clusters: bool,

    /// Report format
    #[arg(long, value_enum, default_value_t = DoctorFormat::Text)]
    pub format: DoctorFormat,

    /// AWS profile from ~/.aws/config [default: AWS_PROFILE, else "default"]
    #[arg(long, value_name = "NAME")]
    pub profile: Option<String>,

    /// AWS region (repeat for several) [default: AWS_REGION, else the profile's region]
    #[arg(long, value_name = "REGION")]
    pub region: Vec<String>,

    /// Every region enabled in the account (EC2 DescribeRegions)
    #[arg(long, conflicts_with = "region")]
    pub all_regions: bool,

    /// The longest one AWS call may take, its retries included: 30s, 2m, 1m30s, or seconds
    #[arg(long, value_name = "DURATION", default_value = "30s", value_parser = parse_timeout)]
    pub timeout: Duration,
}

impl DoctorArgs {
    /// The AWS configuration for one region (`None`: the configured one).
    pub fn aws(&self, region: Option<&str>) -> AwsArgs {
        AwsArgs {
            profile: self.profile.clone(),
            region: region.map(str::to_owned),
            timeout: self.timeout,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DoctorFormat {
    Text,
    Json,
    /// SARIF 2.1.0: one result per finding, located at the ARN it is about
    Sarif,
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
