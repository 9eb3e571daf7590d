//! Datadog's own names and numbers that every floor above agrees on: the
//! agent image and ports, the container name apps wait for, the versions
//! that change what the agent needs, and the unified service tags.

/// The agent image repository, without a tag.
pub const AGENT_IMAGE: &str = "public.ecr.aws/datadog/agent";

/// The port the trace agent listens on.
pub const APM_PORT: u64 = 8126;

/// The port DogStatsD listens on for custom metrics (UDP).
pub const DOGSTATSD_PORT: u64 = 8125;

/// The agent container's name, daemon or sidecar; apps `dependsOn` it.
pub const SIDECAR_NAME: &str = "datadog-agent";

/// The first agent that runs as an ECS Managed Instances daemon.
pub const FIRST_MANAGED_INSTANCES_AGENT: (u32, u32) = (7, 77);

/// The env vars agents 7.17 and lower need before they accept traces from
/// other containers.
pub const LEGACY_APM_ENV: [(&str, &str); 2] = [
    ("DD_APM_ENABLED", "true"),
    ("DD_APM_NON_LOCAL_TRAFFIC", "true"),
];

/// A value no one can mistake for a real key, and which `check` flags.
pub const API_KEY_PLACEHOLDER: &str = "<YOUR_DATADOG_API_KEY>";

/// The first agent whose trace agent can listen on the APM Unix socket
/// (`DD_APM_RECEIVER_SOCKET`, agent 6.13.0 release notes).
pub const FIRST_UDS_AGENT: (u32, u32) = (6, 13);

/// Unified service tagging, in the order env, service, version: the env var
/// the tracer reads and the Docker label the agent reads, which must agree.
pub const TAG_FIELDS: [(&str, &str); 3] = [
    ("DD_ENV", "com.datadoghq.tags.env"),
    ("DD_SERVICE", "com.datadoghq.tags.service"),
    ("DD_VERSION", "com.datadoghq.tags.version"),
];
