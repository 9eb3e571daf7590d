//! Rules about the Unix socket: the app and the agent must share the
//! directory that holds `apm.socket` (`/var/run/datadog`, volume
//! `dd-sockets` in Datadog's examples), and the agent must be able to
//! create the socket there.

use serde_json::Value;

use super::rules::*;
use super::subject::{Subject, Task};
use crate::core::lint::report::Finding;
use crate::core::model::socket::{self, TRACE_URL_VAR};
use crate::core::taskdef::container::{self, Role};

/// The directory of a `unix://` URL's socket.
fn socket_dir(url: &str) -> Option<&str> {
    let path = url.trim().strip_prefix("unix://")?;
    let (dir, _) = path.rsplit_once('/')?;
    Some(if dir.is_empty() { "/" } else { dir })
}

fn mounts(c: &Value) -> &[Value] {
    c.get("mountPoints")
        .and_then(Value::as_array)
        .map_or(&[], Vec::as_slice)
}

/// The mount that makes `dir` visible: at it, or at a directory above it.
pub(super) fn mount_covering(c: &Value, dir: &str) -> Option<usize> {
    mounts(c).iter().position(|m| {
        let path = m.get("containerPath").and_then(Value::as_str).unwrap_or("");
        let path = path.trim_end_matches('/');
        dir == path
            || dir
                .strip_prefix(path)
                .is_some_and(|rest| rest.starts_with('/'))
    })
}

/// The app's mount of the socket directory: where its URL points, or
/// Datadog's directory or volume when it sets no URL.
pub fn app_socket_mount(app: &Value) -> Option<usize> {
    let url_dir = container::env(app, TRACE_URL_VAR).and_then(socket_dir);
    mount_covering(app, url_dir.unwrap_or(socket::DIR)).or_else(|| {
        mounts(app)
            .iter()
            .position(|m| m.get("sourceVolume").and_then(Value::as_str) == Some(socket::VOLUME))
    })
}

/// The agent's mount of its socket directory (from DD_APM_RECEIVER_SOCKET,
/// else Datadog's), and whether it is read-only.
pub fn agent_socket_mount(agent: &Value) -> Option<(usize, bool)> {
    let dir = container::env(agent, socket::AGENT_ENV[0].0)
        .and_then(|path| path.rsplit_once('/'))
        .map_or(socket::DIR, |(dir, _)| dir);
    let index = mount_covering(agent, dir)?;
    let read_only = mounts(agent)[index].get("readOnly") == Some(&Value::Bool(true));
    Some((index, read_only))
}

pub fn check_app(app: &Subject, task: &Task, found: &mut Vec<Finding>) {
    let c = app.value;
    let url = container::env(c, TRACE_URL_VAR);
    if let Some(dir) = url.and_then(socket_dir) {
        if mount_covering(c, dir).is_none() {
            found.push(app.finding(
                &APP_SOCKET_NOT_MOUNTED,
                &app.env_field(TRACE_URL_VAR),
                format!("{TRACE_URL_VAR} is a socket in {dir}, but nothing is mounted there: the socket is not in this container"),
            ));
            return;
        }
    }
    let Some(index) = app_socket_mount(c) else {
        return;
    };
    let field = format!("/mountPoints/{index}");
    let volume = mounts(c)[index]
        .get("sourceVolume")
        .and_then(Value::as_str)
        .unwrap_or("");
    let agents: Vec<Subject> = task.with_role(Role::Agent).collect();
    if !agents.is_empty() {
        for agent in agents {
            if let Some(problem) = listens_elsewhere(c, agent.value) {
                found.push(app.finding(
                    &AGENT_SOCKET_ELSEWHERE,
                    &app.env_field(TRACE_URL_VAR),
                    problem,
                ));
            }
            let shares = mounts(agent.value)
                .iter()
                .any(|m| m.get("sourceVolume").and_then(Value::as_str) == Some(volume));
            if !shares {
                found.push(app.finding(
                    &AGENT_SOCKET_NOT_SHARED,
                    &field,
                    format!("the app mounts volume {volume:?} for the socket, but the agent {:?} does not mount it: the agent's socket is somewhere the app cannot see", agent.name()),
                ));
            }
        }
        return;
    }
    // No agent here: on EC2 and Managed Instances the daemon runs in its
    // own task and sees only the host's directory.
    let Some(task_fields) = task.document.task() else {
        return;
    };
    if task.context.fargate {
        return;
    }
    let declared = task_fields
        .get("volumes")
        .and_then(Value::as_array)
        .and_then(|v| {
            v.iter()
                .find(|v| v.get("name").and_then(Value::as_str) == Some(volume))
        });
    let problem = match declared {
        None => Some(format!("volume {volume:?} is not declared in volumes, so the task does not register")),
        Some(v) if v.pointer("/host/sourcePath").and_then(Value::as_str).is_none() => Some(format!(
            "volume {volume:?} has no host.sourcePath: it lives only in this task, and the agent daemon, in its own task, cannot see it",
        )),
        Some(v) => {
            let host = v.pointer("/host/sourcePath").and_then(Value::as_str).unwrap_or("");
            if host.trim_end_matches('/') != socket::DIR {
                found.push(app.finding(
                    &SOCKET_HOST_DIR,
                    &field,
                    format!("volume {volume:?} maps the host directory {host}, but the agent daemon creates its sockets in {}: the app sees an empty directory", socket::DIR),
                ));
            }
            None
        }
    };
    if let Some(problem) = problem {
        found.push(app.finding(&AGENT_SOCKET_NOT_SHARED, &field, problem));
    }
}

/// A socket path as the volume it is on and the path inside that volume,
/// through the container's mount that covers it.
fn on_volume<'a>(c: &'a Value, path: &'a str) -> Option<(&'a str, &'a str)> {
    let (dir, _) = path.rsplit_once('/')?;
    let mount = &mounts(c)[mount_covering(c, if dir.is_empty() { "/" } else { dir })?];
    let volume = mount.get("sourceVolume").and_then(Value::as_str)?;
    let at = mount.get("containerPath").and_then(Value::as_str)?;
    Some((volume, path.strip_prefix(at.trim_end_matches('/'))?))
}

/// Why the app's trace socket is not the one the agent listens on, when
/// both sides say where theirs is and they share no such file.
fn listens_elsewhere(app: &Value, agent: &Value) -> Option<String> {
    let url = container::env(app, TRACE_URL_VAR)?;
    let app_path = url.trim().strip_prefix("unix://")?;
    let agent_path = container::env(agent, socket::AGENT_ENV[0].0).unwrap_or(socket::APM_SOCKET);
    let theirs = on_volume(agent, agent_path)?;
    let ours = on_volume(app, app_path)?;
    (ours.0 == theirs.0 && ours != theirs).then(|| {
        format!(
            "{TRACE_URL_VAR} is {app_path}, but the agent {:?} listens on {agent_path}: the app's traces go nowhere",
            container::name(agent)
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn socket_dirs_come_from_unix_urls_only() {
        assert_eq!(socket_dir(socket::APM_URL), Some(socket::DIR));
        assert_eq!(socket_dir("unix:///apm.socket"), Some("/"));
        assert_eq!(socket_dir("http://10.0.0.1:8126"), None);
    }

    #[test]
    fn a_mount_above_the_directory_covers_it() {
        let c = json!({"mountPoints": [{"containerPath": "/var/run/"}]});
        assert_eq!(mount_covering(&c, "/var/run/datadog"), Some(0));
        assert_eq!(mount_covering(&c, "/var/running"), None);
    }
}
