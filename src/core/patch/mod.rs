//! Adds APM tracing to a task definition someone already has, changing only
//! what tracing needs and leaving every other field, and its order, alone.
//!
//! The agent container gets the 8126/tcp host port (and, for agents 7.17
//! and lower, the APM env). Each app container gets an entryPoint that sets
//! DD_AGENT_HOST from the EC2 host and then runs exactly what the container
//! ran before, or, on Fargate and awsvpc tasks where the agent is a sidecar
//! on localhost, no wrapper at all. A container patched before is rebuilt
//! from the start command recovered from its script, so patching twice
//! changes nothing and re-patching with another `--imds` switches cleanly.
//! Everything that cannot be done safely is refused with a message that
//! says what to do instead; nothing is half-applied, because the caller
//! only writes a result when there is one.

pub mod inject;
pub mod language;
pub mod logs;
pub mod note;
pub mod remove;
pub mod seed_wrapper;
pub mod uds;

use serde_json::Value;
use thiserror::Error;

use crate::core::generate::agent::{apm_port_mapping, build_agent_container};
use crate::core::generate::entrypoint::{build_entry_point, recover_startup_command, without_exec};
use crate::core::model::config::{
    AgentVersion, Config, Imds, Language, LaunchType, Site, Tags, Transport,
};
use crate::core::model::datadog::{APM_PORT, LEGACY_APM_ENV};
use crate::core::model::logs as logs_model;
use crate::core::model::socket;
use crate::core::shell;
use crate::core::taskdef::container::{self, ApmPort, Change, Role};
use crate::core::taskdef::context::{Network, TaskContext};
use crate::core::taskdef::document::Document;
pub use inject::Injection;
pub use note::{Note, Reach, Removed};
pub use remove::remove;

/// What the user asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PatchOptions {
    pub imds: Imds,
    /// `None`: what the file already does (the socket when its apps use
    /// ours, or on Managed Instances), else TCP.
    pub transport: Option<Transport>,
    /// The launch type for a file that does not declare one.
    pub launch_type: Option<LaunchType>,
    /// The API key secret for a Fargate sidecar that patch adds.
    pub api_key_secret_arn: Option<String>,
    /// The Datadog site for a Fargate sidecar that patch adds.
    pub site: Option<Site>,
    /// The agent version to assume when an agent image's tag does not say.
    pub agent_version: Option<AgentVersion>,
    /// Overrides the start command found in the container.
    pub startup_command: Option<String>,
    /// The containers to patch; empty means "the one app container".
    pub containers: Vec<String>,
    pub tags: Tags,
    /// `--tracer inject` (with its version and base image) or `present`;
    /// `None` leaves the tracer as the file has it.
    pub tracer: Option<TracerPlan>,
    /// `--remove`: take out what patch adds instead ([`remove`]); the other
    /// options are then unused.
    pub remove: bool,
    /// The tracer features given, as the app's variables: a value to set,
    /// or `None` to take the variable out (an empty `--dbm-propagation`).
    pub features: Vec<(&'static str, Option<String>)>,
    /// `--log-collection`: add it (`true`) or take it out (`false`);
    /// `None` leaves every `logConfiguration` as it is.
    pub log_collection: Option<bool>,
}

/// What patch does about the tracer library.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TracerPlan {
    Inject(Injection),
    Present,
}

impl Default for PatchOptions {
    fn default() -> Self {
        PatchOptions {
            imds: Imds::V2,
            transport: None,
            launch_type: None,
            api_key_secret_arn: None,
            site: None,
            agent_version: None,
            startup_command: None,
            containers: Vec::new(),
            tags: Tags::default(),
            tracer: None,
            remove: false,
            features: Vec::new(),
            log_collection: None,
        }
    }
}

/// The patched JSON (in the document's shape) and one note per change.
#[derive(Debug, Clone, PartialEq)]
pub struct Patched {
    pub value: Value,
    pub notes: Vec<Note>,
    /// Whether anything changed, reading included (a dropped BOM, unwrapped
    /// describe output). When not, a file need not be rewritten, which would
    /// only reformat it.
    pub changed: bool,
}

/// Why a task definition cannot be patched as asked.
#[derive(Debug, Clone, Error, PartialEq, Eq)]
pub enum PatchError {
    #[error("several app containers: {}; choose with --container NAME (repeat it for several)", .0.join(", "))]
    SeveralApps(Vec<String>),
    #[error("no container named {name:?}; the containers are: {}", .names.join(", "))]
    NoSuchContainer { name: String, names: Vec<String> },
    #[error(
        "container {0} is the Datadog agent, not an app: name the app container with --container"
    )]
    IsAgent(String),
    #[error("no app container found{}: name the one to patch with --container", sidecar_list(.0))]
    NoApp(Vec<String>),
    #[error(
        "this Fargate task holds only the Datadog agent: add your app container to it, then patch"
    )]
    FargateAgentOnly,
    #[error("this Fargate task has no Datadog agent container, and Fargate has no EC2 host agent to send traces to: pass --api-key-secret-arn ARN (the secret holding the API key) and patch adds the datadog-agent sidecar")]
    FargateWithoutAgent,
    #[error("{flag} applies only when patch adds the agent sidecar to a Fargate task that has none; {why}")]
    SidecarFlagUnused { flag: &'static str, why: String },
    #[error("a single container definition cannot hold the agent sidecar: patch the whole task definition (or the containerDefinitions array)")]
    SidecarNeedsTask,
    #[error("--launch-type {given} does not match the task, which requires {declared}")]
    LaunchTypeMismatch {
        given: LaunchType,
        declared: LaunchType,
    },
    #[error("--transport tcp does not apply to ECS Managed Instances: the agent daemon publishes no port; apps reach it through its Unix socket (--transport uds)")]
    ManagedInstancesTcp,
    #[error("container {0} is a Windows container: Windows has no {dir} Unix socket to share; use --transport tcp with an agent it can reach", dir = socket::DIR)]
    WindowsSocket(String),
    #[error("container {0} has no entryPoint or command; the image's CMD is unknown here: pass --startup-command")]
    NoStartCommand(String),
    #[error("container {0} is a Windows container: sh -c wrapping does not apply; set DD_AGENT_HOST in its own startup script")]
    Windows(String),
    #[error("the task's networkMode is \"none\": its containers cannot reach an agent; use bridge, host or awsvpc")]
    NoNetwork,
    #[error("--startup-command gives one start command, but {} containers are to be patched: patch them one at a time", .0)]
    StartupForSeveral(usize),
    #[error("container {name} is named like the Datadog agent but runs {image}: rename it, or run the agent image (public.ecr.aws/datadog/agent)")]
    NamedAgentOtherImage { name: String, image: String },
    #[error("volume {volume} maps {}, not {dir} where the agent daemon creates its sockets: set its host.sourcePath to {dir}", host_dir(.host), dir = socket::DIR)]
    SocketVolumeElsewhere {
        volume: String,
        host: Option<String>,
    },
    #[error("the agent {agent} sets {var} to {value}, not {ours} where the apps will look: remove it or set it to that, then patch")]
    AgentSocketElsewhere {
        agent: String,
        var: &'static str,
        value: String,
        ours: &'static str,
    },
    #[error("--api-key-secret-arn {given} differs from the secret the agent {agent} reads DD_API_KEY from ({has}): change it in the file, or give that ARN")]
    SecretDiffers {
        given: String,
        agent: String,
        has: String,
    },
    #[error("--site {given} differs from DD_SITE of the agent {agent} ({has}): change it in the file, or give that site")]
    SiteDiffers {
        given: String,
        agent: String,
        has: String,
    },
    #[error("--tracer inject cannot tell which language container {container} runs: neither its start command nor its image ({image}) names a runtime; put the interpreter in its command (python app.py, node server.js, java -jar app.jar, dotnet App.dll, bundle exec puma, php-fpm), or copy the layout from generate --language LANGUAGE --tracer inject")]
    LanguageUnknown { container: String, image: String },
    #[error("--tracer inject: container {} runs {} and {} runs {}, but a task has room for one init container, of one language: inject them in separate tasks, or pick one with --container", .first.0, .first.1.label(), .second.0, .second.1.label())]
    InjectLanguagesDiffer {
        first: (String, Language),
        second: (String, Language),
    },
    #[error("--tracer inject needs an app container to inject into: name it with --container")]
    InjectNoApp,
    #[error("--tracer inject for {container}: {why}")]
    InjectionRefused {
        container: String,
        why: &'static str,
    },
    #[error("container {container} takes {var} from secrets, and the tracer's entry cannot be merged into a secret: move {var} to environment, or add the tracer to the image (--tracer present)")]
    LoaderVarSecret {
        container: String,
        var: &'static str,
    },
    #[error("container {container} sets {var} twice in environment, and ECS keeps only one: leave one entry, then patch")]
    LoaderVarTwice {
        container: String,
        var: &'static str,
    },
    #[error("--tracer inject for {container}: {why}")]
    LoaderVarConflict { container: String, why: String },
    #[error("container {container} mounts the volume {volume:?} at /datadog-lib, where the injected tracer goes: move that mount, then patch")]
    LibraryDirTaken { container: String, volume: String },
    #[error("a container named datadog-tracer runs {image}, not Datadog's init image: rename it, then patch")]
    TracerNameTaken { image: String },
    #[error("container {container} loads the {} tracer ({image} copies another one): fix the init image or the loader variables, or take the injection out with --remove, then patch", .loads.label())]
    InitOtherLanguage {
        container: String,
        loads: Language,
        image: String,
    },
    #[error("a single container definition cannot hold the tracer's init container: patch the whole task definition (or the containerDefinitions array)")]
    InitNeedsTask,
    #[error("--log-collection: {}", logs_model::WINDOWS_REFUSAL)]
    LogsOnWindows,
    #[error("--log-collection needs the API key the log router sends with, and no agent in this task reads one from a secret: pass --api-key-secret-arn ARN")]
    LogsNeedKey,
    #[error("a single container definition cannot hold the log router: patch the whole task definition (or the containerDefinitions array)")]
    RouterNeedsTask,
}

fn host_dir(host: &Option<String>) -> String {
    match host {
        Some(dir) => format!("the host directory {dir}"),
        None => "no host directory (it lives only in this task)".to_owned(),
    }
}

fn sidecar_list(sidecars: &[String]) -> String {
    if sidecars.is_empty() {
        String::new()
    } else {
        format!(" (only sidecars: {})", sidecars.join(", "))
    }
}

/// Patches `document` as `options` say.
pub fn patch(document: &Document, options: &PatchOptions) -> Result<Patched, PatchError> {
    if options.remove {
        return remove(document);
    }
    if let (Some(given), Some(declared)) = (
        options.launch_type,
        TaskContext::declared_launch_type(document),
    ) {
        if given != declared {
            return Err(PatchError::LaunchTypeMismatch { given, declared });
        }
    }
    let context = TaskContext::with_hint(document, options.launch_type);
    let roles = container::roles(document.containers());
    let targets = select_targets(document, &roles, &context, options)?;
    let transport = match options.transport {
        Some(transport) => transport,
        None if context.managed_instances
            || targets
                .iter()
                .any(|&i| uds::uses_socket(&document.containers()[i])) =>
        {
            Transport::Uds
        }
        None => Transport::Tcp,
    };
    if transport == Transport::Tcp && context.managed_instances {
        return Err(PatchError::ManagedInstancesTcp);
    }
    if let Some(windows) = targets
        .iter()
        .map(|&i| &document.containers()[i])
        .find(|c| container::is_windows(c, context.windows))
    {
        let name = container::name(windows).to_owned();
        if transport == Transport::Uds {
            return Err(PatchError::WindowsSocket(name));
        }
        if !context.agent_on_localhost() {
            return Err(PatchError::Windows(name));
        }
    }
    let add_sidecar = !targets.is_empty() && context.fargate && !context.has_agent;
    if !targets.is_empty() {
        if context.network == Network::Isolated {
            return Err(PatchError::NoNetwork);
        }
        if add_sidecar && options.api_key_secret_arn.is_none() {
            return Err(PatchError::FargateWithoutAgent);
        }
    }
    if !add_sidecar {
        let routes_logs = options.log_collection == Some(true) && logs::routes(&context);
        unused_sidecar_flags(options, &context, document, &roles, routes_logs)?;
    }
    if let Some(agent) = document
        .containers()
        .iter()
        .find(|c| container::named_agent_on_other_image(c))
    {
        return Err(PatchError::NamedAgentOtherImage {
            name: container::name(agent).to_owned(),
            image: container::image(agent).to_owned(),
        });
    }
    if transport == Transport::Uds {
        refuse_socket_elsewhere(document, &roles, &targets, &context)?;
    }
    let mut patched = document.clone();
    let mut notes = Vec::new();
    let (context, roles) = if add_sidecar {
        add_fargate_sidecar(&mut patched, options, transport, &mut notes)?;
        let roles = container::roles(patched.containers());
        (TaskContext::with_hint(&patched, options.launch_type), roles)
    } else {
        (context, roles)
    };
    let agent_name = roles
        .iter()
        .position(|r| *r == Role::Agent)
        .map(|i| container::name(&patched.containers()[i]).to_owned());
    let explicit_tcp = options.transport == Some(Transport::Tcp);
    for (container, role) in patched.containers_mut().iter_mut().zip(&roles) {
        if *role == Role::Agent {
            patch_agent(container, &context, options, &mut notes);
            if transport == Transport::Uds {
                uds::add_to_agent(container, &mut notes);
            }
        }
    }
    for &index in &targets {
        let container = &mut patched.containers_mut()[index];
        match transport {
            Transport::Uds => {
                unwrap_entry_point(container, Reach::Socket, &mut notes);
                uds::add_to_app(container, &mut notes);
            }
            Transport::Tcp => {
                if uds::remove_from_container(container) {
                    notes.push(Note::SocketTakenOut {
                        container: container::name(container).to_owned(),
                    });
                }
                if context.agent_on_localhost() {
                    patch_localhost_app(container, options, &mut notes);
                } else {
                    patch_host_app(container, options, &mut notes)?;
                    if context.network == Network::Awsvpc {
                        notes.push(Note::AwsvpcSecurityGroup {
                            container: container::name(container).to_owned(),
                        });
                    }
                }
            }
        }
        if context.agent_on_localhost() {
            if let Some(agent) = &agent_name {
                depend_on_agent(&mut patched, index, agent, &mut notes);
            }
        }
        apply_tags(
            &mut patched.containers_mut()[index],
            &options.tags,
            &mut notes,
        );
        apply_features(
            &mut patched.containers_mut()[index],
            &options.features,
            &mut notes,
        );
    }
    match options.log_collection {
        Some(true) => logs::add(
            &mut patched,
            &targets,
            &roles,
            &context,
            options,
            &mut notes,
        )?,
        Some(false) => logs::remove(&mut patched, &mut notes),
        None => {}
    }
    match options.tracer {
        Some(TracerPlan::Inject(injection)) => inject::add(
            &mut patched,
            &targets,
            &context,
            &injection,
            options.startup_command.as_deref(),
            &mut notes,
        )?,
        Some(TracerPlan::Present) => {
            for &index in &targets {
                notes.push(Note::TracerPresent {
                    container: container::name(&patched.containers()[index]).to_owned(),
                });
            }
        }
        None => {}
    }
    match transport {
        Transport::Uds => {
            let on_host = !(context.fargate || context.agent_on_localhost());
            match patched.task_mut() {
                Some(task) => uds::add_volume(task, on_host, &mut notes),
                None => notes.push(Note::AddVolumeYourself { on_host }),
            }
        }
        Transport::Tcp if explicit_tcp => {
            let apps_use_socket = patched
                .containers()
                .iter()
                .zip(&roles)
                .any(|(c, role)| *role != Role::Agent && uds::mounts_socket(c));
            if !apps_use_socket {
                for (container, role) in patched.containers_mut().iter_mut().zip(&roles) {
                    if *role == Role::Agent && uds::remove_from_container(container) {
                        notes.push(Note::AgentSocketTakenOut {
                            container: container::name(container).to_owned(),
                        });
                    }
                }
                if patched.task_mut().is_some_and(uds::remove_volume) {
                    notes.push(Note::VolumeRemoved);
                }
            }
        }
        Transport::Tcp => {}
    }
    if targets.is_empty() {
        notes.push(Note::OnlyAgentChecked);
    }
    let changed = patched.value != document.value || !document.notes.is_empty();
    if !changed {
        notes.push(Note::NothingToChange);
    }
    let mut all_notes: Vec<Note> = document.notes.iter().cloned().map(Note::Read).collect();
    all_notes.extend(notes);
    Ok(Patched {
        value: patched.value,
        notes: all_notes,
        changed,
    })
}

/// The Unix socket reaches the agent only through the directory it
/// writes: refused when the agent in the task listens elsewhere, or when
/// the host volume the apps would mount is another directory than the one
/// the agent daemon on the host writes.
fn refuse_socket_elsewhere(
    document: &Document,
    roles: &[Role],
    targets: &[usize],
    context: &TaskContext,
) -> Result<(), PatchError> {
    for (agent, role) in document.containers().iter().zip(roles) {
        if *role != Role::Agent {
            continue;
        }
        if let Some((var, value)) = uds::agent_socket_elsewhere(agent) {
            let ours = socket::AGENT_ENV
                .iter()
                .find(|(k, _)| *k == var)
                .map_or("", |(_, v)| *v);
            return Err(PatchError::AgentSocketElsewhere {
                agent: container::name(agent).to_owned(),
                var,
                value,
                ours,
            });
        }
    }
    let on_host = !(context.fargate || context.agent_on_localhost());
    if on_host {
        for &index in targets {
            let app = &document.containers()[index];
            if let Some((volume, host)) = uds::wrong_host_volume(document.task(), app) {
                return Err(PatchError::SocketVolumeElsewhere { volume, host });
            }
        }
    }
    Ok(())
}

/// `--api-key-secret-arn` and `--site` say how to build a sidecar. Where
/// the task has its agent already, they must say what it has (the same
/// command run again on its own output changes nothing); otherwise they
/// are refused, so that no one believes they were applied.
fn unused_sidecar_flags(
    options: &PatchOptions,
    context: &TaskContext,
    document: &Document,
    roles: &[Role],
    routes_logs: bool,
) -> Result<(), PatchError> {
    let agent = roles
        .iter()
        .position(|r| *r == Role::Agent)
        .map(|i| &document.containers()[i]);
    let why = if context.has_agent {
        "this task has its agent: set its secrets or DD_SITE there".to_owned()
    } else {
        "this task's agent runs elsewhere (a daemon on the host): set them in the agent's own task definition".to_owned()
    };
    let agent_name = agent.map_or("", |a| container::name(a)).to_owned();
    if let Some(given) = &options.api_key_secret_arn {
        match agent.and_then(|a| container::secret_from(a, "DD_API_KEY")) {
            Some(has) if has == given => {}
            Some(has) => {
                return Err(PatchError::SecretDiffers {
                    given: given.clone(),
                    agent: agent_name,
                    has: has.to_owned(),
                })
            }
            // The log router sends with it.
            None if routes_logs => {}
            None => {
                return Err(PatchError::SidecarFlagUnused {
                    flag: "--api-key-secret-arn",
                    why,
                })
            }
        }
    }
    if let Some(given) = &options.site {
        match agent.and_then(|a| container::env(a, "DD_SITE")) {
            Some(has) if has == given.cli_name() => {}
            Some(has) => {
                return Err(PatchError::SiteDiffers {
                    given: given.to_string(),
                    agent: agent_name,
                    has: has.to_owned(),
                })
            }
            None if routes_logs => {}
            None => {
                return Err(PatchError::SidecarFlagUnused {
                    flag: "--site",
                    why,
                })
            }
        }
    }
    Ok(())
}

/// Adds the `datadog-agent` sidecar `generate` writes for Fargate to a
/// Fargate task that has no agent.
fn add_fargate_sidecar(
    document: &mut Document,
    options: &PatchOptions,
    transport: Transport,
    notes: &mut Vec<Note>,
) -> Result<(), PatchError> {
    let arn = options.api_key_secret_arn.clone().unwrap_or_default();
    let mut config = Config {
        launch_type: LaunchType::Fargate,
        transport,
        api_key_secret_arn: Some(arn.clone()),
        ..Config::default()
    };
    if let Some(version) = &options.agent_version {
        config.agent_version = version.clone();
    }
    if let Some(site) = options.site {
        config.site = site;
    }
    let sidecar = build_agent_container(&config);
    if !document.push_container(sidecar) {
        return Err(PatchError::SidecarNeedsTask);
    }
    notes.push(Note::SidecarAdded {
        site: config.site,
        arn: arn.clone(),
    });
    let role = document
        .task()
        .and_then(|t| t.get("executionRoleArn"))
        .and_then(Value::as_str)
        .map(str::to_owned);
    notes.push(match role {
        Some(role) => Note::ExecutionRoleMustRead { role, arn },
        None => Note::NoExecutionRole { arn },
    });
    Ok(())
}

/// The app starts only once the agent in its task listens: HEALTHY when
/// the agent has a health check, else START (HEALTHY would wait forever).
fn depend_on_agent(document: &mut Document, app: usize, agent: &str, notes: &mut Vec<Note>) {
    let healthy = document
        .containers()
        .iter()
        .find(|c| container::name(c) == agent)
        .is_some_and(|c| c.get("healthCheck").is_some_and(Value::is_object));
    let container = &mut document.containers_mut()[app];
    let name = container::name(container).to_owned();
    let Some(entries) = container
        .as_object_mut()
        .and_then(|map| container::array_field(map, "dependsOn"))
    else {
        return;
    };
    if entries
        .iter()
        .any(|d| d.get("containerName").and_then(Value::as_str) == Some(agent))
    {
        return;
    }
    let condition = if healthy { "HEALTHY" } else { "START" };
    entries.push(serde_json::json!({ "containerName": agent, "condition": condition }));
    notes.push(Note::DependsOnAgent {
        container: name,
        agent: agent.to_owned(),
        healthy,
    });
}

/// The indices of the containers to patch.
fn select_targets(
    document: &Document,
    roles: &[Role],
    context: &TaskContext,
    options: &PatchOptions,
) -> Result<Vec<usize>, PatchError> {
    let names: Vec<String> = document
        .containers()
        .iter()
        .map(|c| container::name(c).to_owned())
        .collect();
    if !options.containers.is_empty() {
        let mut targets = Vec::new();
        for wanted in &options.containers {
            let index = names.iter().position(|n| n == wanted).ok_or_else(|| {
                PatchError::NoSuchContainer {
                    name: wanted.clone(),
                    names: names.clone(),
                }
            })?;
            if roles[index] == Role::Agent {
                return Err(PatchError::IsAgent(wanted.clone()));
            }
            if !targets.contains(&index) {
                targets.push(index);
            }
        }
        if options.startup_command.is_some() && targets.len() > 1 {
            return Err(PatchError::StartupForSeveral(targets.len()));
        }
        return Ok(targets);
    }
    let apps: Vec<usize> = (0..roles.len())
        .filter(|&i| roles[i] == Role::App)
        .collect();
    match apps.len() {
        0 if context.has_agent && context.fargate => Err(PatchError::FargateAgentOnly),
        0 if context.has_agent => Ok(apps),
        0 => Err(PatchError::NoApp(names)),
        1 => Ok(apps),
        _ => Err(PatchError::SeveralApps(
            apps.iter().map(|&i| names[i].clone()).collect(),
        )),
    }
}

/// Host port 8126/tcp for a daemon on the host, and the APM env for old
/// agents (which refuse traces from other containers without it).
fn patch_agent(
    agent: &mut Value,
    context: &TaskContext,
    options: &PatchOptions,
    notes: &mut Vec<Note>,
) {
    let name = container::name(agent).to_owned();
    // In host mode the agent listens on the host's own network already.
    if context.agent_on_host() && context.network == Network::Bridge {
        match container::apm_port(agent, true) {
            ApmPort::OnHost => {}
            ApmPort::Dynamic(index) => {
                if let Some(mapping) = agent
                    .get_mut("portMappings")
                    .and_then(|m| m.get_mut(index))
                    .and_then(Value::as_object_mut)
                {
                    mapping.insert(
                        "hostPort".to_owned(),
                        apm_port_mapping()["hostPort"].clone(),
                    );
                    notes.push(Note::HostPortSet {
                        container: name.clone(),
                    });
                }
            }
            ApmPort::Elsewhere(port) => notes.push(Note::ApmPortElsewhere {
                container: name.clone(),
                port,
            }),
            ApmPort::Missing => {
                if let Some(map) = agent.as_object_mut() {
                    if let Some(mappings) = container::array_field(map, "portMappings") {
                        mappings.push(apm_port_mapping());
                        notes.push(Note::HostPortMappingAdded {
                            container: name.clone(),
                        });
                    }
                }
            }
        }
    }
    if context.fargate {
        patch_fargate_agent(agent, notes);
    }
    if container::is_legacy_agent(agent, options.agent_version.as_ref()) {
        let mut added = Vec::new();
        let mut corrected = Vec::new();
        for (key, value) in LEGACY_APM_ENV {
            match container::set_env(agent, key, value) {
                Change::Added => added.push(format!("{key}={value}")),
                Change::Updated => corrected.push(key),
                Change::Unchanged => {}
            }
        }
        if !added.is_empty() {
            notes.push(Note::LegacyEnvAdded {
                container: name.clone(),
                vars: added,
            });
        }
        if !corrected.is_empty() {
            notes.push(Note::LegacyEnvCorrected {
                container: name,
                vars: corrected,
            });
        }
    }
}

/// A Fargate sidecar the user already has is left as it is, except for what
/// traces need: Fargate mode, APM on, and the trace port.
fn patch_fargate_agent(agent: &mut Value, notes: &mut Vec<Note>) {
    let name = container::name(agent).to_owned();
    for key in ["ECS_FARGATE", "DD_APM_ENABLED"] {
        let on = container::env(agent, key).is_some_and(|v| v.trim().eq_ignore_ascii_case("true"));
        if !on {
            container::set_env(agent, key, "true");
            notes.push(Note::FargateAgentEnvSet {
                container: name.clone(),
                var: key,
            });
        }
    }
    let has_port = container::port_mappings(agent).iter().any(|m| {
        container::is_tcp(m) && m.get("containerPort").and_then(Value::as_u64) == Some(APM_PORT)
    });
    if !has_port {
        if let Some(mappings) = agent
            .as_object_mut()
            .and_then(|map| container::array_field(map, "portMappings"))
        {
            mappings.push(serde_json::json!({ "containerPort": APM_PORT, "protocol": "tcp" }));
            notes.push(Note::ContainerPortAdded { container: name });
        }
    }
}

/// Fargate or awsvpc with the agent in the task: it is on localhost, which
/// is the tracers' default. Undo what would send traces elsewhere.
fn patch_localhost_app(app: &mut Value, options: &PatchOptions, notes: &mut Vec<Note>) {
    let name = container::name(app).to_owned();
    let before = notes.len();
    if options.startup_command.is_some() {
        notes.push(Note::StartupCommandIgnored {
            container: name.clone(),
        });
    }
    unwrap_entry_point(app, Reach::Localhost, notes);
    let remote = container::env(app, "DD_AGENT_HOST")
        .is_some_and(|host| !matches!(host.trim(), "localhost" | "127.0.0.1"));
    if remote && container::remove_env(app, "DD_AGENT_HOST") {
        notes.push(Note::AgentHostRemoved {
            container: name.clone(),
            why: Reach::Localhost,
        });
    }
    if notes.len() == before {
        notes.push(Note::EntryPointLeft { container: name });
    }
}

/// Takes our DD_AGENT_HOST lookup (or the documentation's one-liner) off
/// the entryPoint, leaving the start command it wrapped: `exec`ed when it is
/// a single command, since dash keeps itself as PID 1 under `sh -c` and the
/// app would never see ECS's SIGTERM.
fn unwrap_entry_point(app: &mut Value, why: Reach, notes: &mut Vec<Note>) {
    let script = container::argv(app, "entryPoint")
        .filter(|ep| container::shell_script(ep).is_some_and(|(shell, _)| shell == "sh"))
        .and_then(|ep| ep.get(2).cloned());
    let Some(script) = script else {
        return;
    };
    let original = recover_startup_command(&script)
        .or_else(|| seed_wrapper::strip(&script).map(str::to_owned));
    if let Some(original) = original.filter(|o| !o.trim().is_empty()) {
        let command = shell::exec_form(&original).unwrap_or(original);
        app["entryPoint"] = Value::from(vec!["sh".to_owned(), "-c".to_owned(), command]);
        notes.push(Note::LookupRemoved {
            container: container::name(app).to_owned(),
            why,
        });
    }
}

/// EC2 with the agent as a host daemon: wrap the start command in the
/// script that exports DD_AGENT_HOST.
fn patch_host_app(
    app: &mut Value,
    options: &PatchOptions,
    notes: &mut Vec<Note>,
) -> Result<(), PatchError> {
    let name = container::name(app).to_owned();
    let entry_point = container::argv(app, "entryPoint");
    let command = container::argv(app, "command");
    let ours = entry_point
        .as_deref()
        .and_then(container::shell_script)
        .and_then(|(_, script)| recover_startup_command(script));
    let startup = match (&options.startup_command, &ours) {
        (Some(given), _) => given.clone(),
        (None, Some(recovered)) => recovered.clone(),
        (None, None) => {
            let startup = startup_from_argv(&container::start_argv(app), &name, notes)
                .ok_or_else(|| PatchError::NoStartCommand(name.clone()))?;
            if entry_point.is_none() {
                notes.push(Note::OnlyCommand {
                    container: name.clone(),
                });
            }
            startup
        }
    };
    let new_entry_point = Value::from(build_entry_point(options.imds, &startup));
    let changed = app.get("entryPoint") != Some(&new_entry_point);
    set_entry_point(app, new_entry_point);
    if changed {
        let (container, imds) = (name.clone(), options.imds);
        notes.push(if ours.is_some() {
            Note::EntryPointRebuilt { container, imds }
        } else {
            Note::Wrapped { container, imds }
        });
    }
    if command.is_some() {
        if let Some(map) = app.as_object_mut() {
            map.shift_remove("command");
        }
        notes.push(Note::CommandRemoved {
            container: name.clone(),
        });
    }
    if container::remove_env(app, "DD_AGENT_HOST") {
        notes.push(Note::FixedAgentHostRemoved {
            container: name.clone(),
        });
    }
    if startup.contains("DD_AGENT_HOST=") {
        notes.push(Note::StartSetsAgentHost {
            container: name.clone(),
        });
    }
    if container::sets_var(app, "DD_TRACE_AGENT_URL") {
        notes.push(Note::TraceAgentUrlSet { container: name });
    }
    Ok(())
}

/// The start command as one line of shell: `SCRIPT` for `sh -c SCRIPT`
/// (readable, and exactly what sh ran), the argv quoted otherwise. The
/// documentation's own lookup in front of it is taken off.
fn startup_from_argv(argv: &[String], name: &str, notes: &mut Vec<Note>) -> Option<String> {
    if argv.is_empty() {
        return None;
    }
    if let Some((shell_name, script)) = container::shell_script(argv) {
        let (script, stripped) = match seed_wrapper::strip(script) {
            Some(rest) => (rest, true),
            None => (script, false),
        };
        if stripped {
            notes.push(Note::OneLinerRemoved {
                container: name.to_owned(),
            });
        }
        if script.trim().is_empty() {
            return None;
        }
        return Some(if shell_name == "sh" {
            // An `exec` in front is put back by the new script.
            without_exec(script).unwrap_or_else(|| script.to_owned())
        } else {
            shell::join(&[argv[0].clone(), argv[1].clone(), script.to_owned()])
        });
    }
    Some(shell::join(argv))
}

/// Replaces the entryPoint where it is; a new one goes where `command` was
/// (which it replaces), else after `image`, so that a diff reads naturally.
fn set_entry_point(app: &mut Value, entry_point: Value) {
    let Some(map) = app.as_object_mut() else {
        return;
    };
    if map.contains_key("entryPoint") {
        map.insert("entryPoint".to_owned(), entry_point);
        return;
    }
    let index = ["command", "image", "name"]
        .iter()
        .find_map(|key| {
            map.keys()
                .position(|k| k == key)
                .map(|i| if *key == "command" { i } else { i + 1 })
        })
        .unwrap_or(map.len());
    map.shift_insert(index, "entryPoint".to_owned(), entry_point);
}

fn apply_tags(app: &mut Value, tags: &Tags, notes: &mut Vec<Note>) {
    let values = [&tags.env, &tags.service, &tags.version];
    let mut changed = Vec::new();
    for ((env, label), value) in crate::core::model::datadog::TAG_FIELDS.iter().zip(values) {
        let Some(value) = value else { continue };
        if container::set_env(app, env, value) != Change::Unchanged {
            changed.push(*env);
        }
        if container::set_label(app, label, value) != Change::Unchanged {
            changed.push(*label);
        }
    }
    if !changed.is_empty() {
        notes.push(Note::TagsSet {
            container: container::name(app).to_owned(),
            fields: changed,
        });
    }
}

/// Sets (or takes out) the feature variables given, each once, in place.
fn apply_features(
    app: &mut Value,
    features: &[(&'static str, Option<String>)],
    notes: &mut Vec<Note>,
) {
    let mut set = Vec::new();
    let mut removed = Vec::new();
    for (name, value) in features {
        match value {
            Some(value) => {
                if container::set_env(app, name, value) != Change::Unchanged {
                    set.push(format!("{name}={value}"));
                }
            }
            None => {
                if container::remove_env(app, name) {
                    removed.push(*name);
                }
            }
        }
    }
    if !set.is_empty() || !removed.is_empty() {
        notes.push(Note::FeaturesSet {
            container: container::name(app).to_owned(),
            set,
            removed,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::model::datadog::SIDECAR_NAME;
    use crate::core::taskdef::document;
    use crate::core::taskdef::read_note::ReadNote;
    use serde_json::json;

    fn run(task: Value, options: &PatchOptions) -> Result<Patched, PatchError> {
        patch(
            &document::read(task.to_string().as_bytes()).unwrap(),
            options,
        )
    }

    fn ok(task: Value) -> Patched {
        run(task, &PatchOptions::default()).unwrap()
    }

    fn script(patched: &Patched, index: usize) -> String {
        patched.value["containerDefinitions"][index]["entryPoint"][2]
            .as_str()
            .unwrap()
            .to_owned()
    }

    #[test]
    fn wraps_entry_point_plus_command_and_drops_command() {
        let p = ok(json!({"containerDefinitions": [
            {"name": "app", "image": "x", "command": ["python", "app.py"], "cpu": 1}
        ]}));
        let app = &p.value["containerDefinitions"][0];
        let keys: Vec<_> = app.as_object().unwrap().keys().collect();
        assert_eq!(keys, ["name", "image", "entryPoint", "cpu"]);
        assert!(script(&p, 0).ends_with("\nexec python app.py"));
        let app = || "app".to_owned();
        assert!(p.notes.contains(&Note::Wrapped {
            container: app(),
            imds: Imds::V2
        }));
        assert!(p.notes.contains(&Note::CommandRemoved { container: app() }));
    }

    #[test]
    fn sh_dash_c_scripts_run_as_written_and_bash_stays_quoted() {
        let p = ok(json!({"containerDefinitions": [
            {"name": "app", "entryPoint": ["sh", "-c"], "command": ["cd /app && exec ./run \"$X\""]}
        ]}));
        assert!(script(&p, 0).ends_with("\ncd /app && exec ./run \"$X\""));
        let p = ok(json!({"containerDefinitions": [
            {"name": "app", "entryPoint": ["bash", "-c", "a && b"]}
        ]}));
        assert!(script(&p, 0).ends_with("\nexec bash -c 'a && b'"));
    }

    #[test]
    fn patching_twice_changes_nothing_and_imds_switches() {
        let first = ok(json!({"containerDefinitions": [
            {"name": "app", "image": "x", "entryPoint": ["java", "-jar", "a b.jar"]},
            {"name": "datadog-agent", "image": "public.ecr.aws/datadog/agent:7.17.1"}
        ]}));
        let again = run(first.value.clone(), &PatchOptions::default()).unwrap();
        assert_eq!(again.value, first.value);
        assert_eq!(again.notes, [Note::NothingToChange]);
        let v1 = run(
            first.value.clone(),
            &PatchOptions {
                imds: Imds::V1,
                ..PatchOptions::default()
            },
        )
        .unwrap();
        assert!(script(&v1, 0).contains("IMDSv1"));
        assert!(script(&v1, 0).ends_with("\nexec java -jar 'a b.jar'"));
        let back = run(v1.value, &PatchOptions::default()).unwrap();
        assert_eq!(back.value, first.value);
    }

    #[test]
    fn agent_gets_port_and_legacy_env_once() {
        let p = ok(json!({"containerDefinitions": [
            {"name": "datadog-agent", "image": "datadog/agent:6.16.0", "portMappings": null,
             "environment": [{"name": "DD_APM_ENABLED", "value": "false"}]}
        ]}));
        let agent = &p.value["containerDefinitions"][0];
        assert_eq!(agent["portMappings"], json!([apm_port_mapping()]));
        assert_eq!(
            agent["environment"],
            json!([{"name": "DD_APM_ENABLED", "value": "true"}, {"name": "DD_APM_NON_LOCAL_TRAFFIC", "value": "true"}])
        );
        let agent = || "datadog-agent".to_owned();
        assert_eq!(
            p.notes,
            [
                Note::Read(ReadNote::NullsDropped { count: 1 }),
                Note::HostPortMappingAdded { container: agent() },
                Note::LegacyEnvAdded {
                    container: agent(),
                    vars: vec!["DD_APM_NON_LOCAL_TRAFFIC=true".into()]
                },
                Note::LegacyEnvCorrected {
                    container: agent(),
                    vars: vec!["DD_APM_ENABLED"]
                },
                Note::OnlyAgentChecked,
            ]
        );
    }

    #[test]
    fn host_mode_agent_needs_no_port_mapping() {
        let task = json!({"networkMode": "host", "containerDefinitions": [
            {"name": "datadog-agent", "image": "datadog/agent:7"}
        ]});
        assert!(!ok(task).changed);
    }

    #[test]
    fn dynamic_host_port_is_fixed_in_place() {
        let p = ok(json!({"containerDefinitions": [
            {"name": "dd", "image": "datadog/agent:7", "portMappings": [{"containerPort": 8126}]}
        ]}));
        assert_eq!(
            p.value["containerDefinitions"][0]["portMappings"],
            json!([{"containerPort": 8126, "hostPort": 8126}])
        );
    }

    #[test]
    fn latest_agent_is_legacy_only_when_told() {
        let task = json!({"containerDefinitions": [{"name": "datadog-agent", "image": "datadog/agent:latest"}]});
        assert!(ok(task.clone()).value["containerDefinitions"][0]
            .get("environment")
            .is_none());
        let told = PatchOptions {
            agent_version: Some("7.17".parse().unwrap()),
            ..PatchOptions::default()
        };
        let p = run(task, &told).unwrap();
        assert_eq!(
            p.value["containerDefinitions"][0]["environment"]
                .as_array()
                .unwrap()
                .len(),
            2
        );
    }

    #[test]
    fn fixed_dd_agent_host_and_documented_one_liner_are_removed() {
        let p = ok(json!({"containerDefinitions": [{
            "name": "app",
            "entryPoint": ["sh", "-c", "export DD_AGENT_HOST=$(curl http://169.254.169.254/latest/meta-data/local-ipv4); java -jar a.jar"],
            "environment": [{"name": "DD_AGENT_HOST", "value": "10.0.0.1"}, {"name": "A", "value": "b"}]
        }]}));
        assert!(script(&p, 0).ends_with("\nexec java -jar a.jar"));
        assert_eq!(
            p.value["containerDefinitions"][0]["environment"],
            json!([{"name": "A", "value": "b"}])
        );
        assert!(p.notes.contains(&Note::OneLinerRemoved {
            container: "app".into()
        }));
        assert!(p.notes.iter().all(|n| !n.to_string().contains("10.0.0.1")));
    }

    #[test]
    fn target_selection_refusals() {
        let two = json!({"containerDefinitions": [{"name": "a", "command": ["x"]}, {"name": "b", "command": ["y"]}]});
        assert_eq!(
            run(two.clone(), &PatchOptions::default())
                .unwrap_err()
                .to_string(),
            "several app containers: a, b; choose with --container NAME (repeat it for several)"
        );
        let pick = |names: &[&str]| PatchOptions {
            containers: names.iter().map(|n| n.to_string()).collect(),
            ..PatchOptions::default()
        };
        assert!(run(two.clone(), &pick(&["b"])).is_ok());
        assert!(run(two.clone(), &pick(&["a", "b", "a"])).is_ok());
        assert_eq!(
            run(two.clone(), &pick(&["c"])).unwrap_err(),
            PatchError::NoSuchContainer {
                name: "c".into(),
                names: vec!["a".into(), "b".into()]
            }
        );
        let with_startup = PatchOptions {
            startup_command: Some("x".into()),
            ..pick(&["a", "b"])
        };
        assert_eq!(
            run(two, &with_startup).unwrap_err(),
            PatchError::StartupForSeveral(2)
        );
        let agent =
            json!({"containerDefinitions": [{"name": "datadog-agent", "image": "datadog/agent"}]});
        assert_eq!(
            run(agent, &pick(&["datadog-agent"])).unwrap_err(),
            PatchError::IsAgent("datadog-agent".into())
        );
        let sidecars =
            json!({"containerDefinitions": [{"name": "envoy", "image": "aws-appmesh-envoy"}]});
        assert_eq!(
            run(sidecars, &PatchOptions::default()).unwrap_err(),
            PatchError::NoApp(vec!["envoy".into()])
        );
    }

    #[test]
    fn unknown_start_command_windows_and_no_network_are_refused() {
        let none =
            json!({"containerDefinitions": [{"name": "web", "image": "nginx", "command": [""]}]});
        assert_eq!(
            run(none.clone(), &PatchOptions::default()).unwrap_err().to_string(),
            "container web has no entryPoint or command; the image's CMD is unknown here: pass --startup-command"
        );
        let given = PatchOptions {
            startup_command: Some("nginx -g 'daemon off;'".into()),
            ..PatchOptions::default()
        };
        assert!(script(&run(none, &given).unwrap(), 0).ends_with("\nexec nginx -g 'daemon off;'"));
        let windows =
            json!({"containerDefinitions": [{"name": "w", "command": ["powershell", "-c", "x"]}]});
        assert_eq!(
            run(windows, &PatchOptions::default()).unwrap_err(),
            PatchError::Windows("w".into())
        );
        let isolated = json!({"networkMode": "none", "containerDefinitions": [{"name": "a", "command": ["x"]}]});
        assert_eq!(
            run(isolated, &PatchOptions::default()).unwrap_err(),
            PatchError::NoNetwork
        );
    }

    #[test]
    fn fargate_needs_a_sidecar_and_then_needs_no_wrapper() {
        let alone = json!({"requiresCompatibilities": ["FARGATE"], "containerDefinitions": [{"name": "a", "command": ["x"]}]});
        assert_eq!(
            run(alone, &PatchOptions::default()).unwrap_err(),
            PatchError::FargateWithoutAgent
        );
        let agent_only = json!({"requiresCompatibilities": ["FARGATE"], "containerDefinitions": [{"name": "datadog-agent", "image": "datadog/agent"}]});
        assert_eq!(
            run(agent_only, &PatchOptions::default()).unwrap_err(),
            PatchError::FargateAgentOnly
        );
        let task = json!({"requiresCompatibilities": ["FARGATE"], "networkMode": "awsvpc", "containerDefinitions": [
            {"name": "app", "entryPoint": ["sh", "-c", "export DD_AGENT_HOST=$(curl http://169.254.169.254/x); node s.js"],
             "environment": [{"name": "DD_AGENT_HOST", "value": "10.1.2.3"}]},
            {"name": "datadog-agent", "image": "public.ecr.aws/datadog/agent:latest"}
        ]});
        let p = ok(task);
        let app = &p.value["containerDefinitions"][0];
        assert_eq!(app["entryPoint"], json!(["sh", "-c", "exec node s.js"]));
        assert_eq!(app["environment"], json!([]));
        assert_eq!(
            app["dependsOn"],
            json!([{"containerName": "datadog-agent", "condition": "START"}])
        );
        let agent = &p.value["containerDefinitions"][1];
        assert_eq!(
            agent["portMappings"],
            json!([{"containerPort": 8126, "protocol": "tcp"}])
        );
        assert_eq!(container::env(agent, "DD_APM_ENABLED"), Some("true"));
        let local = json!({"requiresCompatibilities": ["FARGATE"], "containerDefinitions": [
            {"name": "app", "environment": [{"name": "DD_AGENT_HOST", "value": "localhost"}],
             "dependsOn": [{"containerName": "datadog-agent", "condition": "HEALTHY"}]},
            {"name": "datadog-agent", "image": "datadog/agent", "portMappings": [{"containerPort": 8126}],
             "environment": [{"name": "ECS_FARGATE", "value": "true"}, {"name": "DD_APM_ENABLED", "value": "true"}]}
        ]});
        let p = ok(local.clone());
        assert_eq!(p.value, local);
        assert_eq!(
            p.notes,
            [
                Note::EntryPointLeft {
                    container: "app".into()
                },
                Note::NothingToChange
            ]
        );
    }

    const SECRET: &str = "arn:aws:secretsmanager:us-east-1:123456789012:secret:dd";

    fn with(edit: impl FnOnce(&mut PatchOptions)) -> PatchOptions {
        let mut options = PatchOptions::default();
        edit(&mut options);
        options
    }

    #[test]
    fn a_fargate_task_without_an_agent_gets_the_sidecar_with_the_secret() {
        let task = json!({"family": "web", "requiresCompatibilities": ["FARGATE"], "networkMode": "awsvpc",
            "containerDefinitions": [{"name": "web", "image": "x", "command": ["node", "s.js"]}]});
        let p = run(
            task.clone(),
            &with(|o| {
                o.api_key_secret_arn = Some(SECRET.into());
                o.site = Some(Site::Eu1);
            }),
        )
        .unwrap();
        let containers = p.value["containerDefinitions"].as_array().unwrap();
        assert_eq!(containers.len(), 2);
        let sidecar = &containers[1];
        assert_eq!(sidecar["name"], SIDECAR_NAME);
        assert_eq!(sidecar["secrets"][0]["valueFrom"], SECRET);
        assert_eq!(container::env(sidecar, "DD_SITE"), Some("datadoghq.eu"));
        assert_eq!(
            containers[0]["dependsOn"],
            json!([{"containerName": "datadog-agent", "condition": "HEALTHY"}])
        );
        assert_eq!(
            containers[0]["command"],
            json!(["node", "s.js"]),
            "no wrapper"
        );
        assert!(
            p.notes
                .contains(&Note::NoExecutionRole { arn: SECRET.into() }),
            "{:?}",
            p.notes
        );
        let again = run(p.value.clone(), &PatchOptions::default()).unwrap();
        assert_eq!(again.value, p.value);
        // The same command on its own output: nothing to change (a CI job
        // that patches on every push).
        let same = with(|o| {
            o.api_key_secret_arn = Some(SECRET.into());
            o.site = Some(Site::Eu1);
        });
        let again = run(p.value.clone(), &same).unwrap();
        assert_eq!(again.value, p.value);
        assert!(!again.changed, "{:?}", again.notes);
        // Another secret, or another site, than the sidecar has: refused,
        // saying which.
        let other = "arn:aws:secretsmanager:us-east-1:123456789012:secret:other";
        let err = run(
            p.value.clone(),
            &with(|o| o.api_key_secret_arn = Some(other.into())),
        )
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            format!("--api-key-secret-arn {other} differs from the secret the agent datadog-agent reads DD_API_KEY from ({SECRET}): change it in the file, or give that ARN")
        );
        let err = run(p.value.clone(), &with(|o| o.site = Some(Site::Us1))).unwrap_err();
        assert!(err.to_string().starts_with("--site datadoghq.com differs from DD_SITE of the agent datadog-agent (datadoghq.eu)"), "{err}");
        // An agent of the user's with no such secret: the flag does not apply.
        let mut theirs = p.value.clone();
        theirs["containerDefinitions"][1]["secrets"] = json!([]);
        let err = run(
            theirs,
            &with(|o| o.api_key_secret_arn = Some(SECRET.into())),
        )
        .unwrap_err();
        assert!(err.to_string().contains("this task has its agent"), "{err}");
    }

    /// An EC2 task whose app gets the socket from the agent daemon.
    fn ec2_app(volumes: Value) -> Value {
        json!({"family": "web", "containerDefinitions": [
            {"name": "web", "image": "x", "command": ["python", "app.py"]}
        ], "volumes": volumes})
    }

    #[test]
    fn a_socket_volume_on_another_host_directory_is_refused() {
        let uds = with(|o| o.transport = Some(Transport::Uds));
        let task = ec2_app(json!([{"name": "dd-sockets", "host": {"sourcePath": "/opt/datadog"}}]));
        let err = run(task, &uds).unwrap_err();
        assert_eq!(
            err.to_string(),
            "volume dd-sockets maps the host directory /opt/datadog, not /var/run/datadog where the agent daemon creates its sockets: set its host.sourcePath to /var/run/datadog"
        );
        let task = ec2_app(json!([{"name": "dd-sockets"}]));
        let err = run(task, &uds).unwrap_err();
        assert!(
            err.to_string()
                .starts_with("volume dd-sockets maps no host directory"),
            "{err}"
        );
        // Datadog's own volume is fine.
        run(ec2_app(json!([socket::volume(true)])), &uds).unwrap();
    }

    #[test]
    fn a_container_named_like_the_agent_on_another_image_is_refused() {
        let task = json!({"family": "web", "containerDefinitions": [
            {"name": "web", "image": "x", "command": ["python", "app.py"]},
            {"name": "datadog-agent", "image": "fluent/fluent-bit:2.2"}
        ]});
        let err = run(task, &PatchOptions::default()).unwrap_err();
        assert_eq!(
            err.to_string(),
            "container datadog-agent is named like the Datadog agent but runs fluent/fluent-bit:2.2: rename it, or run the agent image (public.ecr.aws/datadog/agent)"
        );
    }

    #[test]
    fn a_custom_agent_socket_is_refused_not_overwritten() {
        let task = json!({"family": "web", "containerDefinitions": [
            {"name": "web", "image": "x", "command": ["python", "app.py"]},
            {"name": "datadog-agent", "image": "public.ecr.aws/datadog/agent:7",
             "environment": [{"name": "DD_APM_RECEIVER_SOCKET", "value": "/opt/dd/trace.sock"}]}
        ]});
        let err = run(task, &with(|o| o.transport = Some(Transport::Uds))).unwrap_err();
        assert_eq!(
            err.to_string(),
            "the agent datadog-agent sets DD_APM_RECEIVER_SOCKET to /opt/dd/trace.sock, not /var/run/datadog/apm.socket where the apps will look: remove it or set it to that, then patch"
        );
    }

    #[test]
    fn tcp_takes_out_only_what_uds_added() {
        // The agent mounts the socket directory already, in a way of its
        // own (no readOnly): uds keeps that mount, and tcp must too.
        let their_mount =
            json!({"sourceVolume": "dd-sockets", "containerPath": "/var/run/datadog"});
        let task = json!({"family": "web", "containerDefinitions": [
            {"name": "web", "image": "x", "command": ["python", "app.py"]},
            {"name": "datadog-agent", "image": "public.ecr.aws/datadog/agent:7",
             "mountPoints": [their_mount],
             "portMappings": [{"hostPort": 8126, "containerPort": 8126, "protocol": "tcp"}]}
        ], "volumes": [socket::volume(true)]});
        let tcp = ok(task).value;
        let uds = run(tcp.clone(), &with(|o| o.transport = Some(Transport::Uds))).unwrap();
        assert_eq!(
            uds.value["containerDefinitions"][1]["mountPoints"],
            json!([their_mount])
        );
        let back = run(uds.value, &with(|o| o.transport = Some(Transport::Tcp))).unwrap();
        assert_eq!(
            back.value["containerDefinitions"][1]["mountPoints"],
            json!([their_mount])
        );
    }

    #[test]
    fn switching_transport_is_clean_both_ways() {
        let task = json!({"family": "web", "containerDefinitions": [
            {"name": "web", "image": "x", "environment": [], "command": ["python", "app.py"]},
            {"name": "datadog-agent", "image": "public.ecr.aws/datadog/agent:7",
             "mountPoints": [{"sourceVolume": "docker_sock", "containerPath": "/var/run/docker.sock"}],
             "portMappings": [{"hostPort": 8126, "containerPort": 8126, "protocol": "tcp"}]}
        ], "volumes": [{"name": "docker_sock", "host": {"sourcePath": "/var/run/docker.sock"}}]});
        let tcp = ok(task).value;
        let uds = run(tcp.clone(), &with(|o| o.transport = Some(Transport::Uds))).unwrap();
        let app = &uds.value["containerDefinitions"][0];
        assert_eq!(app["entryPoint"], json!(["sh", "-c", "exec python app.py"]));
        assert_eq!(
            container::env(app, "DD_TRACE_AGENT_URL"),
            Some(socket::APM_URL)
        );
        assert_eq!(uds.value["volumes"][1], socket::volume(true));
        let agent = &uds.value["containerDefinitions"][1];
        assert_eq!(agent["mountPoints"][1], socket::mount(false));
        // without --transport, a file that uses the socket keeps it
        let again = run(uds.value.clone(), &PatchOptions::default()).unwrap();
        assert_eq!(again.value, uds.value);
        let back = run(
            uds.value.clone(),
            &with(|o| o.transport = Some(Transport::Tcp)),
        )
        .unwrap();
        assert_eq!(back.value, tcp);
    }

    #[test]
    fn managed_instances_use_the_socket_and_refuse_tcp() {
        let task = json!({"family": "web", "requiresCompatibilities": ["MANAGED_INSTANCES"], "networkMode": "awsvpc",
            "containerDefinitions": [{"name": "web", "image": "x", "command": ["app"]}]});
        let p = ok(task.clone());
        assert_eq!(p.value["volumes"], json!([socket::volume(true)]));
        assert!(p.value["containerDefinitions"][0]
            .get("entryPoint")
            .is_none());
        assert_eq!(
            run(task.clone(), &with(|o| o.transport = Some(Transport::Tcp))).unwrap_err(),
            PatchError::ManagedInstancesTcp
        );
        assert_eq!(
            run(task, &with(|o| o.launch_type = Some(LaunchType::Fargate))).unwrap_err(),
            PatchError::LaunchTypeMismatch {
                given: LaunchType::Fargate,
                declared: LaunchType::ManagedInstances
            }
        );
    }

    #[test]
    fn a_bare_array_named_fargate_gets_the_sidecar() {
        let containers = json!([{"name": "web", "image": "x", "command": ["app"]}]);
        let p = run(
            containers,
            &with(|o| {
                o.launch_type = Some(LaunchType::Fargate);
                o.api_key_secret_arn = Some(SECRET.into());
            }),
        )
        .unwrap();
        assert_eq!(p.value.as_array().unwrap().len(), 2);
        let single = json!({"name": "web", "image": "x", "command": ["app"]});
        assert_eq!(
            run(
                single,
                &with(|o| {
                    o.launch_type = Some(LaunchType::Fargate);
                    o.api_key_secret_arn = Some(SECRET.into());
                })
            )
            .unwrap_err(),
            PatchError::SidecarNeedsTask
        );
    }

    #[test]
    fn tags_become_env_and_labels_without_duplicates() {
        let tags = PatchOptions {
            tags: Tags {
                service: Some("web".into()),
                env: Some("prod".into()),
                version: None,
            },
            ..PatchOptions::default()
        };
        let task = json!({"containerDefinitions": [{"name": "app", "command": ["x"],
            "environment": [{"name": "DD_ENV", "value": "staging"}], "dockerLabels": null}]});
        let p = run(task, &tags).unwrap();
        let app = &p.value["containerDefinitions"][0];
        assert_eq!(
            app["environment"],
            json!([{"name": "DD_ENV", "value": "prod"}, {"name": "DD_SERVICE", "value": "web"}])
        );
        assert_eq!(
            app["dockerLabels"],
            json!({"com.datadoghq.tags.env": "prod", "com.datadoghq.tags.service": "web"})
        );
        assert_eq!(run(p.value.clone(), &tags).unwrap().value, p.value);
    }

    #[test]
    fn features_are_set_once_and_an_empty_one_is_taken_out() {
        let on = PatchOptions {
            features: vec![
                ("DD_PROFILING_ENABLED", Some("true".to_owned())),
                ("DD_DBM_PROPAGATION_MODE", Some("full".to_owned())),
            ],
            ..PatchOptions::default()
        };
        let task = json!({"containerDefinitions": [
            {"name": "app", "image": "web", "command": ["python", "app.py"],
             "environment": [{"name": "DD_PROFILING_ENABLED", "value": "false"}]}
        ]});
        let p = run(task, &on).unwrap();
        let env = &p.value["containerDefinitions"][0]["environment"];
        assert_eq!(
            env,
            &json!([
                {"name": "DD_PROFILING_ENABLED", "value": "true"},
                {"name": "DD_DBM_PROPAGATION_MODE", "value": "full"}
            ])
        );
        assert!(p.notes.contains(&Note::FeaturesSet {
            container: "app".to_owned(),
            set: vec![
                "DD_PROFILING_ENABLED=true".to_owned(),
                "DD_DBM_PROPAGATION_MODE=full".to_owned()
            ],
            removed: Vec::new(),
        }));
        assert_eq!(run(p.value.clone(), &on).unwrap().value, p.value);
        let off = PatchOptions {
            features: vec![("DD_DBM_PROPAGATION_MODE", None)],
            ..PatchOptions::default()
        };
        let p = run(p.value, &off).unwrap();
        assert_eq!(
            p.value["containerDefinitions"][0]["environment"],
            json!([{"name": "DD_PROFILING_ENABLED", "value": "true"}])
        );
    }

    #[test]
    fn generated_files_pass_through_unchanged() {
        use crate::core::{render, Artifact, Config, Language};
        for language in Language::ALL {
            for imds in Imds::ALL {
                let config = Config {
                    imds,
                    agent_version: "7.17".parse().unwrap(),
                    ..Config::for_language(language)
                };
                let options = PatchOptions {
                    imds,
                    ..PatchOptions::default()
                };
                for artifact in [
                    Artifact::AppContainer,
                    Artifact::AgentTaskDefinition,
                    Artifact::AgentContainer,
                ] {
                    let text = render(&config, artifact).unwrap();
                    let document = document::read(text.as_bytes()).unwrap();
                    let p = patch(&document, &options).unwrap();
                    assert!(!p.changed, "{language} {imds} {artifact}: {:?}", p.notes);
                    assert_eq!(document::render(&p.value, &document.layout), text);
                }
            }
        }
    }
}
