//! `patch --remove` (datadog-ci calls it `uninstrument`): takes out what
//! patch adds, and only what is exactly ours, so that what the user wrote
//! or changed since stays: the injected tracer ([`inject::remove`]), the
//! Unix socket env, mounts and volume, the Fargate agent sidecar patch
//! added (recognised by being exactly the sidecar patch writes) with the
//! apps' waits on it, log collection ([`logs::remove`]: an app's own
//! `logConfiguration` comes back from its journal), and the entryPoint
//! wrapper, replaced by the start command it ran.
//!
//! What patch changed rather than added cannot be told from the user's own
//! and stays: the agent's host port and the old agents' APM env, the
//! unified service tags, a fixed DD_AGENT_HOST patch took out, and whether
//! the start command was an `entryPoint` or a `command` (it comes back as
//! the `entryPoint`).

use serde_json::Value;

use crate::core::generate::agent::build_agent_container;
use crate::core::generate::entrypoint::recover_startup_command;
use crate::core::model::config::{Config, LaunchType, Site, Transport};
use crate::core::model::datadog::SIDECAR_NAME;
use crate::core::model::socket;
use crate::core::patch::{inject, logs, uds, Note, PatchError, Patched, Removed};
use crate::core::shell;
use crate::core::taskdef::container;
use crate::core::taskdef::document::Document;

/// `document` without what patch adds.
pub fn remove(document: &Document) -> Result<Patched, PatchError> {
    let mut removed = document.clone();
    let mut notes = Vec::new();
    let empty_before = empty_arrays(&removed);
    if inject::remove(&mut removed) {
        notes.push(Note::TakenOut(Removed::Injection));
    }
    logs::remove(&mut removed, &mut notes);
    for c in removed.containers_mut() {
        if uds::remove_from_container(c) {
            notes.push(Note::TakenOut(Removed::Socket {
                container: container::name(c).to_owned(),
            }));
        }
    }
    if removed.task_mut().is_some_and(remove_socket_volume) {
        notes.push(Note::TakenOut(Removed::SocketVolume));
    }
    if let Some(index) = removed.containers().iter().position(is_our_sidecar) {
        removed.remove_container(index);
        for c in removed.containers_mut() {
            remove_waits_on(c, SIDECAR_NAME);
        }
        notes.push(Note::TakenOut(Removed::Sidecar {
            container: SIDECAR_NAME.to_owned(),
        }));
    }
    for c in removed.containers_mut() {
        if unwrap(c) {
            notes.push(Note::TakenOut(Removed::Wrapper {
                container: container::name(c).to_owned(),
            }));
        }
    }
    trim_emptied(&mut removed, &empty_before);
    let changed = removed.value != document.value || !document.notes.is_empty();
    if !changed {
        notes.push(Note::NothingToChange);
    }
    let mut all: Vec<Note> = document.notes.iter().cloned().map(Note::Read).collect();
    all.extend(notes);
    Ok(Patched {
        value: removed.value,
        notes: all,
        changed,
    })
}

/// Takes our socket volume out of the task, leaving an emptied `volumes`
/// to [`trim_emptied`]. Whether it was there.
fn remove_socket_volume(task: &mut serde_json::Map<String, Value>) -> bool {
    let Some(Value::Array(volumes)) = task.get_mut("volumes") else {
        return false;
    };
    let before = volumes.len();
    volumes.retain(|v| ![socket::volume(true), socket::volume(false)].contains(v));
    volumes.len() != before
}

/// The fields patch adds to, in a container or the task.
const ADDED_TO: [&str; 4] = ["environment", "mountPoints", "dependsOn", "volumes"];

/// Which of those are empty arrays before anything is removed, by
/// container name (the task's as ""): those the user wrote empty stay.
fn empty_arrays(document: &Document) -> Vec<(String, &'static str)> {
    let mut found = Vec::new();
    let task = document.task().map(|t| ("".to_owned(), t));
    let containers = document
        .containers()
        .iter()
        .filter_map(|c| Some((container::name(c).to_owned(), c.as_object()?)));
    for (owner, map) in containers.chain(task) {
        for key in ADDED_TO {
            if map
                .get(key)
                .and_then(Value::as_array)
                .is_some_and(Vec::is_empty)
            {
                found.push((owner.clone(), key));
            }
        }
    }
    found
}

/// Drops the fields the removals left empty when they end their object:
/// one taken out after another (the socket, then the wait on the sidecar)
/// leaves the first no longer last when it is emptied.
fn trim_emptied(document: &mut Document, empty_before: &[(String, &'static str)]) {
    let emptied = |owner: &str| -> Vec<&'static str> {
        ADDED_TO
            .into_iter()
            .filter(|key| !empty_before.iter().any(|(o, k)| o == owner && k == key))
            .collect()
    };
    for c in document.containers_mut() {
        let keys = emptied(container::name(c));
        if let Some(map) = c.as_object_mut() {
            uds::trim_trailing(map, &keys);
        }
    }
    let keys = emptied("");
    if let Some(task) = document.task_mut() {
        uds::trim_trailing(task, &keys);
    }
}

/// Whether `c` is the sidecar patch adds to a Fargate task, exactly, with
/// the site, secret and agent version it was added with (its socket mount
/// and env are already out).
fn is_our_sidecar(c: &Value) -> bool {
    if container::name(c) != SIDECAR_NAME {
        return false;
    }
    let Some(arn) = container::secret_from(c, "DD_API_KEY") else {
        return false;
    };
    let site = container::env(c, "DD_SITE").and_then(|s| s.parse::<Site>().ok());
    let version = container::tag(container::image(c)).and_then(|t| t.parse().ok());
    let (Some(site), Some(agent_version)) = (site, version) else {
        return false;
    };
    let config = Config {
        launch_type: LaunchType::Fargate,
        transport: Transport::Tcp,
        api_key_secret_arn: Some(arn.to_owned()),
        site,
        agent_version,
        ..Config::default()
    };
    *c == build_agent_container(&config)
}

/// Takes the waits on container `name` out of `c`'s `dependsOn`, and the
/// `dependsOn` itself when patch created it for them.
fn remove_waits_on(c: &mut Value, name: &str) {
    let Some(map) = c.as_object_mut() else {
        return;
    };
    if let Some(Value::Array(entries)) = map.get_mut("dependsOn") {
        let before = entries.len();
        entries.retain(|d| d.get("containerName").and_then(Value::as_str) != Some(name));
        if entries.len() != before && entries.is_empty() {
            uds::trim_trailing(map, &["dependsOn"]);
        }
    }
}

/// Replaces our DD_AGENT_HOST wrapper by the start command it runs: an
/// argv where the command is plain words, else `sh -c` with it. Whether
/// it was ours.
fn unwrap(c: &mut Value) -> bool {
    let Some(entry_point) = container::argv(c, "entryPoint") else {
        return false;
    };
    let Some(startup) = container::shell_script(&entry_point)
        .filter(|(shell, _)| *shell == "sh")
        .and_then(|(_, script)| recover_startup_command(script))
    else {
        return false;
    };
    let argv = shell::literal_argv(&startup).unwrap_or_else(|| {
        let script = shell::exec_form(&startup).unwrap_or(startup);
        vec!["sh".to_owned(), "-c".to_owned(), script]
    });
    c["entryPoint"] = Value::from(argv);
    true
}
