//! The AWS commands' arguments (`pull`, `apply`, `register`, `doctor`),
//! which `ddecs-wizard-aws` parses with the rest of the command line.

use std::path::PathBuf;

use clap::{ArgGroup, Args, ValueEnum};

use super::ApplyPreset;

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
}

impl DoctorArgs {
    /// The AWS configuration for one region (`None`: the configured one).
    pub fn aws(&self, region: Option<&str>) -> AwsArgs {
        AwsArgs {
            profile: self.profile.clone(),
            region: region.map(str::to_owned),
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
