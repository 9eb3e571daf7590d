//! The standard AWS configuration, resolved once per command: profile,
//! region, credentials and endpoint overrides (`AWS_ENDPOINT_URL`, which the
//! tests point at a local ECS/EC2 endpoint), as the aws CLI resolves them.
//!
//! Credentials come from the SDK's default chain (environment, profile and
//! SSO, web identity, container and instance roles), except that an
//! explicit `--profile` wins over keys in the environment, as in the aws
//! CLI: signing with whatever `AWS_ACCESS_KEY_ID` a shell still holds would
//! write to another account than the one asked for.
//!
//! A missing region or missing credentials, an unknown profile and an
//! endpoint that is not a URL are usage problems with a fix the user knows
//! (exit 2), found before any call is made.
//!
//! Every call is bounded by `--timeout`, retries included: the SDK
//! otherwise waits on a hung endpoint forever (or 3 attempts of a
//! per-attempt bound), and a stuck endpoint must not hang a command or a
//! CI job.

use std::path::PathBuf;
use std::time::Duration;

use aws_config::profile::ProfileFileCredentialsProvider;
use aws_config::provider_config::ProviderConfig;
use aws_config::retry::RetryConfig;
use aws_config::timeout::TimeoutConfig;
use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_runtime::env_config::file::EnvConfigFiles;
use aws_sdk_ecs::config::interceptors::InterceptorContext;
use aws_sdk_ecs::config::retry::{ClassifyRetry, RetryAction};
use aws_sdk_ecs::config::{ProvideCredentials, SharedCredentialsProvider};
use aws_smithy_runtime_api::client::retries::classifiers::RetryClassifierPriority;
use aws_types::os_shim_internal::{Env, Fs};

use crate::call::{self, AwsError};
use ddecs_wizard::cli::{AwsArgs, UsageError};
use ddecs_wizard::output::safe::printable;

/// The clients one command needs, configured alike.
#[derive(Debug, Clone)]
pub struct Clients {
    pub ecs: aws_sdk_ecs::Client,
    pub ec2: aws_sdk_ec2::Client,
    pub region: String,
}

pub const NO_REGION: &str = "no AWS region: set AWS_REGION, pass --region, or set region in your AWS profile (~/.aws/config)";

/// How many times a call is tried when it is throttled or fails
/// transiently, unless AWS_MAX_ATTEMPTS says otherwise: a fleet's worth of
/// calls meets throttling, and the adaptive mode slows down before a
/// retry runs out.
const MAX_ATTEMPTS: u32 = 8;

/// The variables that override where the calls go.
const ENDPOINT_VARIABLES: [&str; 3] = [
    "AWS_ENDPOINT_URL",
    "AWS_ENDPOINT_URL_ECS",
    "AWS_ENDPOINT_URL_EC2",
];

/// A profile named on purpose, and where its name came from.
struct ChosenProfile {
    name: String,
    /// `--profile` or `AWS_PROFILE`.
    source: &'static str,
}

/// Loads the configuration the way the AWS CLI does, with `--profile` and
/// `--region` taking precedence, and makes sure it names a region and
/// yields credentials.
pub async fn connect(args: &AwsArgs) -> Result<Clients, anyhow::Error> {
    let config = config(args).await?;
    Ok(Clients::new(&config))
}

impl Clients {
    pub fn new(config: &SdkConfig) -> Self {
        let ecs = aws_sdk_ecs::config::Builder::from(config)
            .retry_classifier(NotReachedIsFinal)
            .build();
        let ec2 = aws_sdk_ec2::config::Builder::from(config)
            .retry_classifier(NotReachedIsFinal)
            .build();
        Clients {
            ecs: aws_sdk_ecs::Client::from_conf(ecs),
            ec2: aws_sdk_ec2::Client::from_conf(ec2),
            region: config.region().map(ToString::to_string).unwrap_or_default(),
        }
    }
}

/// The checked configuration `connect` builds its clients from, for
/// commands that need other clients or other regions of the same account.
/// Retries are adaptive (they back off and pace the calls once AWS
/// throttles) unless AWS_RETRY_MODE chooses; each call, its retries
/// included, is bounded by `--timeout`.
pub async fn config(args: &AwsArgs) -> Result<SdkConfig, anyhow::Error> {
    check_endpoints()?;
    call::set_context(call::Context {
        timeout: args.timeout,
        endpoint: env_value("AWS_ENDPOINT_URL"),
    });
    let chosen = chosen_profile(args);
    if let Some(chosen) = &chosen {
        ensure_profile_exists(chosen).await?;
    }
    let mut loader =
        aws_config::defaults(BehaviorVersion::latest()).timeout_config(timeouts(args.timeout));
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
            return Err(UsageError("--region: the region is empty".to_owned()).into());
        }
        loader = loader.region(Region::new(region.clone()));
    }
    let config = loader.load().await;
    let Some(region) = config.region().cloned() else {
        return Err(UsageError(NO_REGION.to_owned()).into());
    };
    let config = match &args.profile {
        // The default chain reads the environment's keys before any
        // profile: an explicit --profile must not lose to them.
        Some(profile) => {
            let provider_config = ProviderConfig::default().with_region(Some(region));
            let provider = ProfileFileCredentialsProvider::builder()
                .configure(&provider_config)
                .profile_name(profile)
                .build();
            config
                .into_builder()
                .credentials_provider(SharedCredentialsProvider::new(provider))
                .build()
        }
        None => config,
    };
    with_resolved_credentials(config, args).await
}

/// Keeps the retries from trying again a request that could not connect at
/// all (connection refused, no such host): the endpoint is wrong or down,
/// and trying 8 times would spend the whole `--timeout` only to report the
/// timeout instead of the refusal. Nothing was sent, so nothing is lost.
#[derive(Debug)]
struct NotReachedIsFinal;

impl ClassifyRetry for NotReachedIsFinal {
    fn classify_retry(&self, ctx: &InterceptorContext) -> RetryAction {
        match ctx.output_or_error() {
            Some(Err(error))
                if error
                    .as_connector_error()
                    .is_some_and(call::never_connected) =>
            {
                RetryAction::RetryForbidden
            }
            _ => RetryAction::NoActionIndicated,
        }
    }

    fn name(&self) -> &'static str {
        "NotReachedIsFinal"
    }

    fn priority(&self) -> RetryClassifierPriority {
        RetryClassifierPriority::run_after(RetryClassifierPriority::transient_error_classifier())
    }
}

/// Each call, its retries included, ends within `bound`. No attempt bound
/// of its own: one hung attempt uses up the call's bound rather than
/// starting another.
fn timeouts(bound: Duration) -> TimeoutConfig {
    TimeoutConfig::builder().operation_timeout(bound).build()
}

fn env_value(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

/// Refuses an endpoint override that is not an http(s) URL: the SDK would
/// only find out at the first call, and report it as a failed call.
fn check_endpoints() -> Result<(), UsageError> {
    for name in ENDPOINT_VARIABLES {
        if let Some(value) = env_value(name) {
            if !is_url(&value) {
                return Err(UsageError(format!(
                    "{name}: {:?} is not a URL: give one such as https://ecs.us-east-1.amazonaws.com or http://localhost:4566, or unset it",
                    printable(&value)
                )));
            }
        }
    }
    Ok(())
}

/// `http://host[:port][/path]` or `https://...`, with a host.
fn is_url(text: &str) -> bool {
    let Some((scheme, rest)) = text.split_once("://") else {
        return false;
    };
    let host = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let host = host.rsplit_once('@').map_or(host, |(_, host)| host);
    matches!(scheme.to_ascii_lowercase().as_str(), "http" | "https")
        && !host.is_empty()
        && !host.starts_with(':')
        && !host.contains(char::is_whitespace)
}

/// The profile the user named, by flag or by AWS_PROFILE. "default" is
/// what the SDK uses anyway and may be absent, as with the aws CLI.
fn chosen_profile(args: &AwsArgs) -> Option<ChosenProfile> {
    let (name, source) = match &args.profile {
        Some(name) => (name.clone(), "--profile"),
        None => (env_value("AWS_PROFILE")?, "AWS_PROFILE"),
    };
    (name != "default").then_some(ChosenProfile { name, source })
}

/// The two files profiles are read from, as the user knows them.
fn profile_file_names() -> (String, String) {
    let name = |variable: &str, default: &str| {
        std::env::var_os(variable)
            .map(|p| PathBuf::from(p).display().to_string())
            .unwrap_or_else(|| default.to_owned())
    };
    (
        name("AWS_CONFIG_FILE", "~/.aws/config"),
        name("AWS_SHARED_CREDENTIALS_FILE", "~/.aws/credentials"),
    )
}

async fn ensure_profile_exists(chosen: &ChosenProfile) -> Result<(), UsageError> {
    let (config, credentials) = profile_file_names();
    let profiles =
        aws_config::profile::load(&Fs::real(), &Env::real(), &EnvConfigFiles::default(), None)
            .await
            .map_err(|e| {
                UsageError(format!(
                    "{}: cannot read the AWS profiles ({config}, {credentials}): {}",
                    chosen.source,
                    printable(&e.to_string())
                ))
            })?;
    if profiles.get_profile(&chosen.name).is_some() {
        return Ok(());
    }
    let mut known: Vec<&str> = profiles.profiles().collect();
    known.sort_unstable();
    let known = if known.is_empty() {
        "no profiles are defined there".to_owned()
    } else {
        format!("known: {}", printable(&known.join(", ")))
    };
    Err(UsageError(format!(
        "{}: no profile {} in {config} or {credentials} ({known}); aws configure --profile {} creates it",
        chosen.source,
        printable(&chosen.name),
        printable(&chosen.name)
    )))
}

/// Resolves the credential chain now, so that having none is a clear usage
/// error, and hands the clients what it found: resolving it again for each
/// client would repeat an SSO or assume-role exchange.
async fn with_resolved_credentials(
    config: SdkConfig,
    args: &AwsArgs,
) -> Result<SdkConfig, anyhow::Error> {
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
        return Err(missing("no credential provider is configured".to_owned()).into());
    };
    // An SSO or assume-role exchange is a call like any other.
    let credentials = tokio::time::timeout(args.timeout, provider.provide_credentials())
        .await
        .map_err(|_| {
            AwsError::new(
                "resolving credentials",
                format!(
                    "no answer within --timeout {}",
                    humantime::format_duration(args.timeout)
                ),
            )
        })?
        .map_err(|e| missing(printable(&first_line(&e.to_string())).into_owned()))?;
    Ok(config
        .into_builder()
        .credentials_provider(SharedCredentialsProvider::new(credentials))
        .build())
}

fn first_line(text: &str) -> String {
    text.lines().next().unwrap_or_default().trim().to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn endpoints_must_be_http_urls_with_a_host() {
        for good in [
            "http://127.0.0.1:4566",
            "https://ecs.us-east-1.amazonaws.com",
            "HTTP://localhost/",
        ] {
            assert!(is_url(good), "{good}");
        }
        for bad in [
            "notaurl",
            "localhost:4566",
            "ftp://host",
            "http://",
            "http://:80",
            "http:// host",
        ] {
            assert!(!is_url(bad), "{bad}");
        }
    }
}
