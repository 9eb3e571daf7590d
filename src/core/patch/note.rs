//! What `patch` did, or found and left for the user, one note per thing:
//! a variant per kind of note carrying what it is about, and its line for
//! stderr from `Display`. Callers and tests match the kind; only the
//! front ends turn a note into text.
//!
//! A new kind of note is one variant here and one arm in `fmt`.

use std::fmt;

use crate::core::model::config::{Imds, Site};
use crate::core::model::datadog::SIDECAR_NAME;
use crate::core::model::language::Language;
use crate::core::model::logs::{LOGS_LABEL, ROUTER_IMAGE, ROUTER_NAME};
use crate::core::model::socket;
use crate::core::model::tracer::{self, INIT_CONTAINER_NAME, MOUNT_PATH, VOLUME};
use crate::core::taskdef::read_note::ReadNote;

/// Why patch took the DD_AGENT_HOST lookup off an app.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reach {
    /// The app sends traces through the Unix socket.
    Socket,
    /// The agent is a sidecar on localhost in the app's task.
    Localhost,
}

impl fmt::Display for Reach {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Reach::Socket => "traces go through the Unix socket",
            Reach::Localhost => "the agent sidecar is on localhost in this task",
        })
    }
}

/// One line of what patch did or found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Note {
    /// What reading the file changed (BOM, describe output, nulls).
    Read(ReadNote),

    // The agent container.
    /// The 8126/tcp mapping of the agent had no fixed host port.
    HostPortSet {
        container: String,
    },
    /// The agent publishes 8126/tcp on another host port.
    ApmPortElsewhere {
        container: String,
        port: u64,
    },
    /// The agent had no 8126/tcp mapping.
    HostPortMappingAdded {
        container: String,
    },
    /// Agents 7.17 and lower need these (`KEY=value`) to take remote traces.
    LegacyEnvAdded {
        container: String,
        vars: Vec<String>,
    },
    /// ... and these had another value than true.
    LegacyEnvCorrected {
        container: String,
        vars: Vec<&'static str>,
    },
    /// A Fargate sidecar had `var` (ECS_FARGATE or DD_APM_ENABLED) not true.
    FargateAgentEnvSet {
        container: String,
        var: &'static str,
    },
    /// A Fargate sidecar had no 8126/tcp container port.
    ContainerPortAdded {
        container: String,
    },
    /// The agent listens on the sockets now (these variables).
    AgentSocketEnvSet {
        container: String,
        vars: Vec<&'static str>,
    },
    /// The agent's socket directory mount was read-only.
    MountMadeWritable {
        container: String,
    },
    /// `--transport tcp` took the socket out of an agent.
    AgentSocketTakenOut {
        container: String,
    },

    // The Fargate sidecar patch adds.
    SidecarAdded {
        site: Site,
        arn: String,
    },
    ExecutionRoleMustRead {
        role: String,
        arn: String,
    },
    NoExecutionRole {
        arn: String,
    },

    // App containers.
    /// The start command is wrapped in the DD_AGENT_HOST script.
    Wrapped {
        container: String,
        imds: Imds,
    },
    /// Our wrapper was rebuilt (another `--imds`, another start command).
    EntryPointRebuilt {
        container: String,
        imds: Imds,
    },
    /// `command` went into the wrapper.
    CommandRemoved {
        container: String,
    },
    /// Only `command` was set: the image's ENTRYPOINT would be replaced.
    OnlyCommand {
        container: String,
    },
    /// A fixed DD_AGENT_HOST went (the wrapper sets it).
    FixedAgentHostRemoved {
        container: String,
    },
    /// The start command sets DD_AGENT_HOST itself too.
    StartSetsAgentHost {
        container: String,
    },
    /// DD_TRACE_AGENT_URL would win over DD_AGENT_HOST.
    TraceAgentUrlSet {
        container: String,
    },
    /// The documentation's lookup one-liner came off the start command.
    OneLinerRemoved {
        container: String,
    },
    /// The DD_AGENT_HOST lookup came off the entryPoint: it is not needed.
    LookupRemoved {
        container: String,
        why: Reach,
    },
    /// DD_AGENT_HOST went: it is not needed.
    AgentHostRemoved {
        container: String,
        why: Reach,
    },
    /// `--startup-command` had nothing to wrap.
    StartupCommandIgnored {
        container: String,
    },
    /// Nothing to change in an app next to its sidecar.
    EntryPointLeft {
        container: String,
    },
    /// The app starts after the agent (HEALTHY when it has a health check).
    DependsOnAgent {
        container: String,
        agent: String,
        healthy: bool,
    },
    /// An awsvpc task on EC2 reaches the host agent through its ENI.
    AwsvpcSecurityGroup {
        container: String,
    },
    /// The socket variables set on an app.
    SocketEnvSet {
        container: String,
        vars: Vec<&'static str>,
    },
    /// The socket directory mounted (read-only in an app).
    SocketMounted {
        container: String,
        read_only: bool,
    },
    /// `--transport tcp` took the socket env and mount out of an app.
    SocketTakenOut {
        container: String,
    },
    /// `--env`, `--service`, `--service-version` as env and labels.
    TagsSet {
        container: String,
        fields: Vec<&'static str>,
    },
    /// Tracer feature variables set (`NAME=value`) or taken out.
    FeaturesSet {
        container: String,
        set: Vec<String>,
        removed: Vec<&'static str>,
    },

    // The task.
    /// The socket volume, on the host (EC2 daemon) or task-scoped.
    VolumeAdded {
        on_host: bool,
    },
    VolumeRemoved,
    /// A containers-only file: the volume must go in the task by hand.
    AddVolumeYourself {
        on_host: bool,
    },
    OnlyAgentChecked,
    NothingToChange,

    // `--tracer inject` and `--tracer present`.
    /// The language injected, and what it was read from.
    TracerLanguage {
        language: Language,
        evidence: String,
    },
    /// The `datadog-tracer` init container, with this image.
    TracerInitAdded {
        image: String,
    },
    /// `--tracer-version` moved the init container to this image.
    TracerInitImageSet {
        container: String,
        image: String,
    },
    TracerVolumeAdded,
    /// A containers-only file: the tracer volume must go in the task by hand.
    TracerVolumeYourself,
    TracerMounted {
        container: String,
    },
    /// The app now waits for the copy (`dependsOn` SUCCESS).
    TracerAwaited {
        container: String,
    },
    /// The app waited for the init container with another condition.
    TracerWaitFixed {
        container: String,
    },
    /// These loader variables were set or had the tracer's entry merged in.
    LoaderVarsSet {
        container: String,
        vars: Vec<&'static str>,
    },
    /// `--tracer present`: the image has its tracer.
    TracerPresent {
        container: String,
    },

    // `--log-collection`.
    /// The FireLens router joined the task.
    LogRouterAdded,
    /// The app's output now goes to Datadog through the router; what its
    /// own `logConfiguration` was, when it had one.
    LogsRouted {
        container: String,
        site: Site,
        replaced: Option<String>,
    },
    /// EC2: the app's `com.datadoghq.ad.logs` label.
    LogsLabelled {
        container: String,
    },
    /// EC2: the agent daemon's log variables and volumes.
    AgentTailsLogs {
        container: String,
    },
    /// EC2, no agent in the file: its daemon must collect too.
    LogsNeedAgentDaemon,

    // `--remove`.
    /// What `--remove` took out, one line each.
    TakenOut(Removed),
    /// What `--remove` leaves because it cannot tell it from the user's.
    LeftIn(String),
}

/// One kind of thing `patch --remove` took out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Removed {
    /// The entryPoint wrapper, replaced by the start command it ran.
    Wrapper { container: String },
    /// The socket env and mount.
    Socket { container: String },
    /// The socket volume.
    SocketVolume,
    /// The agent sidecar patch added, and the apps' waits on it.
    Sidecar { container: String },
    /// The init container, its volume, mounts, waits and loader entries.
    Injection,
    /// A FireLens route to Datadog (and the app's own configuration back).
    LogRoute { container: String },
    /// The FireLens router.
    LogRouter,
    /// The app's `com.datadoghq.ad.logs` label.
    LogsLabel { container: String },
    /// The agent daemon's log variables, mounts and volumes.
    AgentLogs { container: String },
}

impl fmt::Display for Removed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Removed::Wrapper { container } => write!(
                f,
                "took the DD_AGENT_HOST lookup off {container}: its entryPoint runs the start command alone"
            ),
            Removed::Socket { container } => write!(
                f,
                "took the Unix socket env and mount out of {container}"
            ),
            Removed::SocketVolume => write!(f, "removed the {} volume", socket::VOLUME),
            Removed::Sidecar { container } => write!(
                f,
                "removed the {container} sidecar and the waits on it"
            ),
            Removed::Injection => write!(
                f,
                "removed the injected tracer: the {INIT_CONTAINER_NAME} init container, the {VOLUME} volume, the mounts and waits, and the tracer's entries in the loader variables"
            ),
            Removed::LogRoute { container } => write!(
                f,
                "took the FireLens route to Datadog off {container}: its logConfiguration is the one it had before patch, if any"
            ),
            Removed::LogRouter => write!(f, "removed the {ROUTER_NAME} log router"),
            Removed::LogsLabel { container } => write!(
                f,
                "took the {LOGS_LABEL} label off {container}"
            ),
            Removed::AgentLogs { container } => write!(
                f,
                "took log collection out of the agent {container}: its variables, mounts and volumes"
            ),
        }
    }
}

impl fmt::Display for Note {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use Note::*;
        let (volume, dir) = (socket::VOLUME, socket::DIR);
        match self {
            Read(note) => note.fmt(f),
            HostPortSet { container } => write!(
                f,
                "set hostPort 8126 on the 8126/tcp mapping of {container}: without it Docker picks a random host port"
            ),
            ApmPortElsewhere { container, port } => write!(
                f,
                "{container} publishes 8126/tcp on host port {port}, left as is: apps must send traces to that port (DD_TRACE_AGENT_PORT)"
            ),
            HostPortMappingAdded { container } => {
                write!(f, "added the 8126/tcp host port mapping to {container}")
            }
            LegacyEnvAdded { container, vars } => write!(
                f,
                "added {} to {container}: agents 7.17 and lower need {} to accept traces from other containers",
                vars.join(" and "),
                if vars.len() == 1 { "it" } else { "them" }
            ),
            LegacyEnvCorrected { container, vars } => write!(
                f,
                "set {} to true in {container}: it had another value, and agents 7.17 and lower need true",
                vars.join(" and ")
            ),
            FargateAgentEnvSet { container, var } => {
                let why = if *var == "ECS_FARGATE" {
                    "the agent reads task metadata the Fargate way only with it"
                } else {
                    "the sidecar accepts traces only with it"
                };
                write!(f, "set {var}=true on {container}: {why}")
            }
            ContainerPortAdded { container } => {
                write!(f, "added container port 8126/tcp to {container}")
            }
            AgentSocketEnvSet { container, vars } => {
                write!(f, "set {} on {container}", vars.join(" and "))
            }
            MountMadeWritable { container } => write!(
                f,
                "made the {dir} mount of {container} writable: the agent creates the sockets there"
            ),
            AgentSocketTakenOut { container } => write!(
                f,
                "took the Unix socket out of {container} (--transport tcp): apps on these hosts that use the socket need it; patch with --transport uds to keep it"
            ),
            SidecarAdded { site, arn } => write!(
                f,
                "added the {SIDECAR_NAME} sidecar (ECS_FARGATE, APM on, DD_SITE={site}, the API key from {arn}, a health check)"
            ),
            ExecutionRoleMustRead { role, arn } => write!(
                f,
                "the task's execution role {role} must be allowed to read {arn} (secretsmanager:GetSecretValue or ssm:GetParameters)"
            ),
            NoExecutionRole { arn } => write!(
                f,
                "the task has no executionRoleArn: add one whose role may read {arn} (secretsmanager:GetSecretValue or ssm:GetParameters), or the sidecar cannot start"
            ),
            Wrapped { container, imds } => write!(
                f,
                "wrapped the start command of {container} in an entryPoint that sets DD_AGENT_HOST (private IPv4 from {})",
                imds.label()
            ),
            EntryPointRebuilt { container, imds } => write!(
                f,
                "rebuilt the entryPoint of {container} (private IPv4 from {})",
                imds.label()
            ),
            CommandRemoved { container } => write!(
                f,
                "removed the command of {container}: it is part of the entryPoint script now (Docker would pass it to sh as $0)"
            ),
            OnlyCommand { container } => write!(
                f,
                "{container} sets only command: if its image has an ENTRYPOINT, the new entryPoint replaces it; if so, pass that program too with --startup-command"
            ),
            FixedAgentHostRemoved { container } => write!(
                f,
                "removed the fixed DD_AGENT_HOST of {container}: it would outlive a failed lookup and point at the wrong host"
            ),
            StartSetsAgentHost { container } => write!(
                f,
                "the start command of {container} still sets DD_AGENT_HOST itself, after the script has: check that it is right"
            ),
            TraceAgentUrlSet { container } => write!(
                f,
                "{container} sets DD_TRACE_AGENT_URL, which tracers prefer to DD_AGENT_HOST: remove it unless it points at the agent"
            ),
            OneLinerRemoved { container } => write!(
                f,
                "took the documentation's DD_AGENT_HOST one-liner off the start command of {container}: the new script does the lookup safely"
            ),
            LookupRemoved { container, why } => write!(
                f,
                "removed the DD_AGENT_HOST lookup from the entryPoint of {container}: {why}"
            ),
            AgentHostRemoved { container, why } => {
                write!(f, "removed DD_AGENT_HOST from {container}: {why}")
            }
            StartupCommandIgnored { container } => write!(
                f,
                "ignored --startup-command for {container}: with the agent on localhost its entryPoint needs no wrapper"
            ),
            EntryPointLeft { container } => write!(
                f,
                "left the entryPoint of {container} as is: {}",
                Reach::Localhost
            ),
            DependsOnAgent {
                container,
                agent,
                healthy: true,
            } => write!(
                f,
                "{container} now waits for {agent} to be HEALTHY: no trace is sent before the agent listens"
            ),
            DependsOnAgent {
                container,
                agent,
                healthy: false,
            } => write!(
                f,
                "{container} now starts after {agent} (START: it has no healthCheck; add one, e.g. [\"CMD-SHELL\", \"agent health\"], and use HEALTHY so that no trace is sent before the agent listens)"
            ),
            AwsvpcSecurityGroup { container } => write!(
                f,
                "{container} runs in awsvpc mode: traces leave through the task's ENI, so the instance's security group must accept 8126/tcp from it"
            ),
            SocketEnvSet { container, vars } => write!(
                f,
                "set {} on {container}: traces and DogStatsD metrics go through the Unix socket",
                vars.join(" and ")
            ),
            SocketMounted {
                container,
                read_only: true,
            } => write!(
                f,
                "mounted the {volume} volume at {dir} in {container} (read-only: the app only connects)"
            ),
            SocketMounted {
                container,
                read_only: false,
            } => write!(f, "mounted the {volume} volume at {dir} in {container}"),
            SocketTakenOut { container } => write!(
                f,
                "took the Unix socket env and mount out of {container} (--transport tcp)"
            ),
            TagsSet { container, fields } => {
                write!(f, "set {} on {container}", fields.join(", "))
            }
            FeaturesSet {
                container,
                set,
                removed,
            } => {
                let mut parts = Vec::new();
                if !set.is_empty() {
                    parts.push(format!("set {}", set.join(", ")));
                }
                if !removed.is_empty() {
                    parts.push(format!("took out {}", removed.join(", ")));
                }
                write!(f, "{} on {container}", parts.join(" and "))
            }
            VolumeAdded { on_host: true } => write!(
                f,
                "added the {volume} volume: the host directory {dir} the agent daemon shares"
            ),
            VolumeAdded { on_host: false } => write!(
                f,
                "added the {volume} volume, shared by the agent sidecar and the app in this task"
            ),
            VolumeRemoved => write!(f, "removed the {volume} volume"),
            AddVolumeYourself { on_host } => write!(
                f,
                "add the {volume} volume to the task definition these containers run in: {}",
                socket::volume(*on_host)
            ),
            OnlyAgentChecked => {
                f.write_str("no app container in this file: only the agent was checked")
            }
            NothingToChange => f.write_str("nothing to change: the file is already patched"),
            TracerLanguage { language, evidence } => write!(
                f,
                "injecting the {} tracer: the language is read from {evidence}",
                language.label()
            ),
            TracerInitAdded { image } => write!(
                f,
                "added the {INIT_CONTAINER_NAME} init container ({image}): it copies the tracer into the {VOLUME} volume and exits"
            ),
            TracerInitImageSet { container, image } => {
                write!(f, "set the image of {container} to {image}")
            }
            TracerVolumeAdded => write!(
                f,
                "added the {VOLUME} volume, shared by the init container and the app in this task"
            ),
            TracerVolumeYourself => write!(
                f,
                "add the {VOLUME} volume to the task definition these containers run in: {}",
                tracer::volume()
            ),
            TracerMounted { container } => write!(
                f,
                "mounted the {VOLUME} volume at {MOUNT_PATH} in {container}"
            ),
            TracerAwaited { container } => write!(
                f,
                "{container} now waits for {INIT_CONTAINER_NAME} to exit with SUCCESS: it starts once the tracer is copied in"
            ),
            TracerWaitFixed { container } => write!(
                f,
                "{container} now waits for {INIT_CONTAINER_NAME} with SUCCESS: only that waits until the copy has finished"
            ),
            LoaderVarsSet { container, vars } => write!(
                f,
                "set {} on {container}, merged with any value it had: they load the tracer",
                vars.join(", ")
            ),
            TracerPresent { container } => write!(
                f,
                "--tracer present: the image of {container} has its tracer, nothing is added for it"
            ),
            LogRouterAdded => write!(
                f,
                "added the {ROUTER_NAME} log router ({ROUTER_IMAGE}, FireLens): ECS starts it before the containers that log through it"
            ),
            LogsRouted {
                container,
                site,
                replaced: None,
            } => write!(
                f,
                "{container} logs through FireLens to Datadog's intake for {site}, with the API key from the secret"
            ),
            LogsRouted {
                container,
                site,
                replaced: Some(was),
            } => write!(
                f,
                "replaced the logConfiguration of {container} ({was}): it logs through FireLens to Datadog's intake for {site}; patch --log-collection=false or --remove puts the old one back"
            ),
            LogsLabelled { container } => write!(
                f,
                "labelled {container} with {LOGS_LABEL} (its logs' source and service)"
            ),
            AgentTailsLogs { container } => write!(
                f,
                "the agent {container} collects every container's logs: DD_LOGS_ENABLED, DD_LOGS_CONFIG_CONTAINER_COLLECT_ALL, and the pointdir and containers_root volumes"
            ),
            LogsNeedAgentDaemon => write!(
                f,
                "on EC2 the agent daemon collects the logs: patch its task definition with --log-collection too"
            ),
            TakenOut(removed) => removed.fmt(f),
            LeftIn(what) => write!(f, "left {what}"),
        }
    }
}
