//! Adding the Unix-socket transport to a task definition someone already
//! has, and taking it out again. What is added is exactly what `generate`
//! writes (core::socket), and removing takes out only entries that are
//! exactly ours, so that `patch --transport uds` then `--transport tcp`
//! gives back the tcp file.

use serde_json::{Map, Value};

use crate::core::model::socket;
use crate::core::patch::note::{Note, Reach};
use crate::core::taskdef::container::{self, Change};

/// Whether a mount entry is the socket directory (whatever volume feeds it).
fn mounts_dir(mount: &Value) -> bool {
    mount.get("containerPath").and_then(Value::as_str) == Some(socket::DIR)
}

/// Whether a mount entry is ours: exactly what `add_to_*` adds, so that a
/// mount of the directory the user wrote (without readOnly, say) stays.
fn is_our_mount(mount: &Value) -> bool {
    *mount == socket::mount(true) || *mount == socket::mount(false)
}

/// Why the socket volume of a task whose agent is a daemon on the host
/// cannot carry the sockets: the volume `app` mounts the directory from
/// (else `dd-sockets`), declared with a host directory other than the one
/// the daemon writes. `(volume, host directory)`; `None` when it is fine
/// or not declared yet (patch adds Datadog's).
pub fn wrong_host_volume(
    task: Option<&serde_json::Map<String, Value>>,
    app: &Value,
) -> Option<(String, Option<String>)> {
    let volume = app
        .get("mountPoints")
        .and_then(Value::as_array)
        .and_then(|mounts| mounts.iter().find(|m| mounts_dir(m)))
        .and_then(|m| m.get("sourceVolume").and_then(Value::as_str))
        .unwrap_or(socket::VOLUME);
    let declared = task?
        .get("volumes")
        .and_then(Value::as_array)?
        .iter()
        .find(|v| v.get("name").and_then(Value::as_str) == Some(volume))?;
    let host = declared.pointer("/host/sourcePath").and_then(Value::as_str);
    let right = host.is_some_and(|h| h.trim_end_matches('/') == socket::DIR);
    (!right).then(|| (volume.to_owned(), host.map(str::to_owned)))
}

/// A socket setting of the agent's that differs from Datadog's, which the
/// apps will be pointed at: `(variable, its value)`.
pub fn agent_socket_elsewhere(agent: &Value) -> Option<(&'static str, String)> {
    socket::AGENT_ENV.iter().find_map(|(key, ours)| {
        container::env(agent, key)
            .filter(|value| value != ours)
            .map(|value| (*key, value.to_owned()))
    })
}

/// Whether a container mounts the socket directory.
pub fn mounts_socket(container: &Value) -> bool {
    container
        .get("mountPoints")
        .and_then(Value::as_array)
        .is_some_and(|mounts| mounts.iter().any(mounts_dir))
}

/// Whether an app already sends traces over our socket.
pub fn uses_socket(app: &Value) -> bool {
    container::env(app, socket::TRACE_URL_VAR) == Some(socket::APM_URL)
}

/// The app side: the socket URLs and a read-only mount of the directory.
pub fn add_to_app(app: &mut Value, notes: &mut Vec<Note>) {
    let name = container::name(app).to_owned();
    let mut set = Vec::new();
    for (key, value) in socket::APP_ENV {
        if container::set_env(app, key, value) != Change::Unchanged {
            set.push(key);
        }
    }
    if container::remove_env(app, "DD_AGENT_HOST") {
        notes.push(Note::AgentHostRemoved {
            container: name.clone(),
            why: Reach::Socket,
        });
    }
    if !set.is_empty() {
        notes.push(Note::SocketEnvSet {
            container: name.clone(),
            vars: set,
        });
    }
    if !mounts_socket(app) {
        if let Some(mounts) = app
            .as_object_mut()
            .and_then(|map| container::array_field(map, "mountPoints"))
        {
            mounts.push(socket::mount(true));
            notes.push(Note::SocketMounted {
                container: name,
                read_only: true,
            });
        }
    }
}

/// The agent side: listen on both sockets, through a writable mount.
pub fn add_to_agent(agent: &mut Value, notes: &mut Vec<Note>) {
    let name = container::name(agent).to_owned();
    let mut set = Vec::new();
    for (key, value) in socket::AGENT_ENV {
        if container::set_env(agent, key, value) != Change::Unchanged {
            set.push(key);
        }
    }
    if !set.is_empty() {
        notes.push(Note::AgentSocketEnvSet {
            container: name.clone(),
            vars: set,
        });
    }
    let Some(mounts) = agent
        .as_object_mut()
        .and_then(|map| container::array_field(map, "mountPoints"))
    else {
        return;
    };
    match mounts.iter_mut().find(|m| mounts_dir(m)) {
        Some(mount) if mount.get("readOnly") == Some(&Value::Bool(true)) => {
            mount["readOnly"] = Value::Bool(false);
            notes.push(Note::MountMadeWritable { container: name });
        }
        Some(_) => {}
        None => {
            mounts.push(socket::mount(false));
            notes.push(Note::SocketMounted {
                container: name,
                read_only: false,
            });
        }
    }
}

/// The task side: the volume, unless one of that name is there.
pub fn add_volume(task: &mut Map<String, Value>, on_host: bool, notes: &mut Vec<Note>) {
    let Some(volumes) = container::array_field(task, "volumes") else {
        return;
    };
    let present = volumes
        .iter()
        .any(|v| v.get("name").and_then(Value::as_str) == Some(socket::VOLUME));
    if !present {
        volumes.push(socket::volume(on_host));
        notes.push(Note::VolumeAdded { on_host });
    }
}

/// Takes our socket env and mount out of a container (app or agent); the
/// keys `add_*` created are removed again when nothing else is left in
/// them. Whether anything changed.
pub fn remove_from_container(container: &mut Value) -> bool {
    let Some(map) = container.as_object_mut() else {
        return false;
    };
    let ours: Vec<(&str, &str)> = socket::APP_ENV
        .iter()
        .chain(&socket::AGENT_ENV)
        .copied()
        .collect();
    let mut emptied = Vec::new();
    let mut changed = false;
    if let Some(Value::Array(entries)) = map.get_mut("environment") {
        let before = entries.len();
        entries.retain(|e| {
            !ours.iter().any(|(k, v)| {
                e.get("name").and_then(Value::as_str) == Some(k)
                    && e.get("value").and_then(Value::as_str) == Some(v)
            })
        });
        if entries.len() != before {
            changed = true;
            if entries.is_empty() {
                emptied.push("environment");
            }
        }
    }
    if let Some(Value::Array(mounts)) = map.get_mut("mountPoints") {
        let before = mounts.len();
        mounts.retain(|m| !is_our_mount(m));
        if mounts.len() != before {
            changed = true;
            if mounts.is_empty() {
                emptied.push("mountPoints");
            }
        }
    }
    trim_trailing(map, &emptied);
    changed
}

/// Takes our volume out of the task. Whether it was there.
pub fn remove_volume(task: &mut Map<String, Value>) -> bool {
    let Some(Value::Array(volumes)) = task.get_mut("volumes") else {
        return false;
    };
    let before = volumes.len();
    volumes.retain(|v| {
        v.get("name").and_then(Value::as_str) != Some(socket::VOLUME)
            || !(v == &socket::volume(true) || v == &socket::volume(false))
    });
    let changed = volumes.len() != before;
    if changed && volumes.is_empty() {
        trim_trailing(task, &["volumes"]);
    }
    changed
}

/// Removes the keys in `emptied` from the end of `map` while they are the
/// last keys: a key `add_*` had to create was appended there, while an empty
/// array someone wrote stands where they wrote it, usually earlier, and
/// stays.
pub(crate) fn trim_trailing(map: &mut Map<String, Value>, emptied: &[&str]) {
    while let Some((key, value)) = map.iter().next_back() {
        let empty = value.as_array().is_some_and(Vec::is_empty);
        if !(empty && emptied.contains(&key.as_str())) {
            break;
        }
        let key = key.clone();
        map.shift_remove(&key);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn adding_then_removing_gives_back_the_container() {
        for original in [
            json!({"name": "app", "image": "x"}),
            json!({"name": "app", "environment": [], "image": "x"}),
            json!({"name": "app", "environment": [{"name": "A", "value": "1"}], "mountPoints": [{"sourceVolume": "v", "containerPath": "/v"}]}),
        ] {
            let mut app = original.clone();
            let mut notes = Vec::new();
            add_to_app(&mut app, &mut notes);
            assert!(uses_socket(&app) && mounts_socket(&app), "{app}");
            assert!(remove_from_container(&mut app));
            assert_eq!(app, original);
        }
    }

    #[test]
    fn the_agent_mount_is_made_writable() {
        let mut agent = json!({"name": "datadog-agent", "mountPoints": [
            {"sourceVolume": "dd-sockets", "containerPath": "/var/run/datadog", "readOnly": true}
        ]});
        let mut notes = Vec::new();
        add_to_agent(&mut agent, &mut notes);
        assert_eq!(agent["mountPoints"][0]["readOnly"], false);
        assert_eq!(
            notes.last(),
            Some(&Note::MountMadeWritable {
                container: "datadog-agent".into()
            })
        );
    }

    #[test]
    fn only_our_volume_is_removed() {
        let mut task = Map::new();
        let mut notes = Vec::new();
        add_volume(&mut task, true, &mut notes);
        add_volume(&mut task, true, &mut notes);
        assert_eq!(task["volumes"].as_array().unwrap().len(), 1);
        assert!(remove_volume(&mut task));
        assert!(task.get("volumes").is_none());
        let mut theirs =
            json!({"volumes": [{"name": "dd-sockets", "host": {"sourcePath": "/run/dd"}}]});
        assert!(!remove_volume(theirs.as_object_mut().unwrap()));
    }
}
