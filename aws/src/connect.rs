//! The standard AWS configuration, resolved once per command: profile,
//! region, credentials (the SDK's default chain: environment, profile and
//! SSO, web identity, container and instance roles) and endpoint overrides
//! (`AWS_ENDPOINT_URL`, which the tests point at a local ECS/EC2 endpoint).
//!
//! A missing region or missing credentials is a usage problem with a fix
//! the user knows (exit 2), found before any call is made, rather than a
//! signing error from the first call.

use std::time::Duration;

use aws_config::retry::RetryConfig;
use aws_config::timeout::TimeoutConfig;
use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_sdk_ecs::config::{ProvideCredentials, SharedCredentialsProvider};

use ddecs_wizard::cli::{AwsArgs, UsageError};
use ddecs_wizard::output::safe::printable;

/// The clients one command needs, configured alike.
#[derive(Debug, Clone)]
pub struct Clients {
    pub ecs: aws_sdk_ecs::Client,
    pub ec2: aws_sdk_ec2::Client,
    pub region: String,
}

/// How long one attempt at a call may take. The SDK otherwise waits on an
/// answer forever, and a stuck endpoint must not hang a command or a CI job;
/// a describe of a large page answers in well under a second.
const ATTEMPT_TIMEOUT: Duration = Duration::from_secs(30);

pub const NO_REGION: &str = "no AWS region: set AWS_REGION, pass --region, or set region in your AWS profile (~/.aws/config)";

/// How many times a call is tried when it is throttled or fails
/// transiently, unless AWS_MAX_ATTEMPTS says otherwise: a fleet's worth of
/// calls meets throttling, and the adaptive mode slows down before a
/// retry runs out.
const MAX_ATTEMPTS: u32 = 8;

/// Loads the configuration the way the AWS CLI does, with `--profile` and
/// `--region` taking precedence, and makes sure it names a region and
/// yields credentials.
pub async fn connect(args: &AwsArgs) -> Result<Clients, UsageError> {
    let config = config(args).await?;
    Ok(Clients::new(&config))
}

impl Clients {
    pub fn new(config: &SdkConfig) -> Self {
        Clients {
            ecs: aws_sdk_ecs::Client::new(config),
            ec2: aws_sdk_ec2::Client::new(config),
            region: config.region().map(ToString::to_string).unwrap_or_default(),
        }
    }
}

/// The checked configuration `connect` builds its clients from, for
/// commands that need other clients or other regions of the same account.
/// Retries are adaptive (they back off and pace the calls once AWS
/// throttles) unless AWS_RETRY_MODE chooses.
pub async fn config(args: &AwsArgs) -> Result<SdkConfig, UsageError> {
    let mut loader = aws_config::defaults(BehaviorVersion::latest()).timeout_config(
        TimeoutConfig::builder()
            .operation_attempt_timeout(ATTEMPT_TIMEOUT)
            .build(),
    );
    if std::env::var_os("AWS_RETRY_MODE").is_none() {
        let attempts = std::env::var("AWS_MAX_ATTEMPTS")
            .ok()
            .and_then(|n| n.parse().ok())
            .unwrap_or(MAX_ATTEMPTS);
        loader = loader.retry_config(RetryConfig::adaptive().with_max_attempts(attempts));
    }
    if let Some(profile) = &args.profile {
        loader = loader.profile_name(profile);
    }
    if let Some(region) = &args.region {
        if region.trim().is_empty() {
            return Err(UsageError("--region: the region is empty".to_owned()));
        }
        loader = loader.region(Region::new(region.clone()));
    }
    let config = loader.load().await;
    if config.region().is_none() {
        return Err(UsageError(NO_REGION.to_owned()));
    }
    with_resolved_credentials(config, args).await
}

/// Resolves the credential chain now, so that having none is a clear usage
/// error, and hands the clients what it found: resolving it again for each
/// client would repeat an SSO or assume-role exchange.
async fn with_resolved_credentials(
    config: SdkConfig,
    args: &AwsArgs,
) -> Result<SdkConfig, UsageError> {
    let missing = |why: String| {
        let profile = args
            .profile
            .as_deref()
            .map(|p| format!(" (profile {})", printable(p)))
            .unwrap_or_default();
        UsageError(format!(
            "no AWS credentials{profile}: {why}; set AWS_PROFILE (after aws configure or aws sso login), pass --profile, or set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY"
        ))
    };
    let Some(provider) = config.credentials_provider() else {
        return Err(missing("no credential provider is configured".to_owned()));
    };
    let credentials = provider
        .provide_credentials()
        .await
        .map_err(|e| missing(printable(&first_line(&e.to_string())).into_owned()))?;
    Ok(config
        .into_builder()
        .credentials_provider(SharedCredentialsProvider::new(credentials))
        .build())
}

fn first_line(text: &str) -> String {
    text.lines().next().unwrap_or_default().trim().to_owned()
}
