//! The Unix-socket transport: the host directory the agent and apps share,
//! the volume that carries it, and the URLs the tracers read. `generate`,
//! `patch` and `check` all take these names from here.

use serde_json::{json, Value};

/// The volume name Datadog's ECS examples use for the socket directory.
pub const VOLUME: &str = "dd-sockets";

/// The directory holding both sockets, on the host and in every container.
pub const DIR: &str = "/var/run/datadog";

/// Where the trace agent listens, and the URL tracers read it from.
pub const APM_SOCKET: &str = "/var/run/datadog/apm.socket";
pub const APM_URL: &str = "unix:///var/run/datadog/apm.socket";

/// Where DogStatsD listens, and the URL clients read it from.
pub const DSD_SOCKET: &str = "/var/run/datadog/dsd.socket";
pub const DSD_URL: &str = "unix:///var/run/datadog/dsd.socket";

/// The app's env var for traces over the socket.
pub const TRACE_URL_VAR: &str = "DD_TRACE_AGENT_URL";
/// The app's env var for DogStatsD over the socket.
pub const DSD_URL_VAR: &str = "DD_DOGSTATSD_URL";

/// The agent's env: listen on both sockets.
pub const AGENT_ENV: [(&str, &str); 2] = [
    ("DD_APM_RECEIVER_SOCKET", APM_SOCKET),
    ("DD_DOGSTATSD_SOCKET", DSD_SOCKET),
];

/// The app's env: send to both sockets.
pub const APP_ENV: [(&str, &str); 2] = [(TRACE_URL_VAR, APM_URL), (DSD_URL_VAR, DSD_URL)];

/// The socket volume: the host directory for a daemon on the instance, or
/// a task-scoped directory the Fargate sidecar and the app share.
pub fn volume(on_host: bool) -> Value {
    if on_host {
        json!({ "name": VOLUME, "host": { "sourcePath": DIR } })
    } else {
        json!({ "name": VOLUME })
    }
}

/// The mount of the socket directory. The agent creates the sockets, so its
/// mount must be writable; an app only connects, which a read-only mount
/// allows.
pub fn mount(read_only: bool) -> Value {
    json!({ "sourceVolume": VOLUME, "containerPath": DIR, "readOnly": read_only })
}
