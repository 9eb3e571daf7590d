//! Rules about an application container: does it find the agent, safely,
//! and does it hand ECS's SIGTERM to the app?

use serde_json::Value;

use super::rules::*;
use super::socket;
use super::subject::{Subject, Task};
use crate::core::lint::report::Finding;
use crate::core::model::socket::TRACE_URL_VAR;
use crate::core::shell;
use crate::core::taskdef::container;
use crate::core::taskdef::context::Network;
use crate::core::taskdef::placeholder;

const HOST_VAR: &str = "DD_AGENT_HOST";

/// Whether a container shows it is meant to send traces: Datadog settings,
/// labels, or a tracer in its start command.
pub fn shows_tracing(app: &Value) -> bool {
    let env_names = app
        .get("environment")
        .and_then(Value::as_array)
        .map_or(&[][..], Vec::as_slice)
        .iter()
        .filter_map(|e| e.get("name").and_then(Value::as_str));
    let labels = app
        .get("dockerLabels")
        .and_then(Value::as_object)
        .into_iter()
        .flat_map(|l| l.keys().map(String::as_str));
    let start = container::start_text(app).to_ascii_lowercase();
    env_names
        .chain(container::secret_names(app))
        .any(|n| n.starts_with("DD_"))
        || labels.into_iter().any(|k| k.starts_with("com.datadoghq."))
        || ["ddtrace", "dd-trace", "dd-java-agent", "datadog"]
            .iter()
            .any(|word| start.contains(word))
}

pub fn check(app: &Subject, task: &Task, found: &mut Vec<Finding>) {
    let context = &task.context;
    let c = app.value;
    let start = container::start_text(c);
    let host = container::env(c, HOST_VAR).map(str::trim);
    let looks_up_host = start.contains("DD_AGENT_HOST=");
    let is_localhost = host.is_some_and(|h| matches!(h, "localhost" | "127.0.0.1"));
    if context.agent_on_host() {
        // Tracers also use the socket at its default path when it is there.
        let finds_agent = container::sets_var(c, HOST_VAR)
            || container::sets_var(c, TRACE_URL_VAR)
            || looks_up_host
            || socket::app_socket_mount(c).is_some();
        if !finds_agent {
            let field = app.field("environment");
            if shows_tracing(c) {
                // patch cannot wrap a Windows container (no sh), so say what to do there.
                let fix = if container::is_windows(c, context.windows) {
                    "set DD_AGENT_HOST to the host's private IP in the container's own startup script"
                } else {
                    APP_NO_AGENT_HOST.help
                };
                found.push(app.finding_fixed(
                    &APP_NO_AGENT_HOST,
                    &field,
                    "the app is set up for tracing, but nothing sets DD_AGENT_HOST, so the tracer sends to localhost, where no agent listens in this container",
                    fix,
                ));
            } else {
                found.push(app.finding(
                    &UNTRACED_APP_NO_AGENT_HOST,
                    &field,
                    "no Datadog settings and no DD_AGENT_HOST: if this container should send traces, they go nowhere",
                ));
            }
        }
        if is_localhost && context.network == Network::Bridge && !looks_up_host {
            found.push(app.finding(
                &AGENT_HOST_LOCALHOST,
                &app.env_field(HOST_VAR),
                "DD_AGENT_HOST is localhost, but in bridge mode that is the app's own container, not the host",
            ));
        }
        if host.is_some_and(|h| is_ipv4(h) || placeholder::is_angle_placeholder(h)) {
            found.push(app.finding(
                &AGENT_HOST_FIXED,
                &app.env_field(HOST_VAR),
                "DD_AGENT_HOST is a fixed address (or a placeholder for one): tasks move between instances, the address does not",
            ));
        }
        if start.contains("/api/token") && context.network == Network::Bridge {
            found.push(app.finding(
                &IMDSV2_HOP_LIMIT,
                &app.script_field(),
                "the start command uses IMDSv2: from bridge mode its answers take 2 hops",
            ));
        }
    }
    if context.agent_on_localhost() {
        let remote_env = host.is_some_and(|h| !h.is_empty() && !is_localhost);
        if remote_env || start.contains("169.254.169.254") {
            let field = if remote_env {
                app.env_field(HOST_VAR)
            } else {
                app.script_field()
            };
            found.push(app.finding(
                &AGENT_HOST_NOT_LOCAL,
                &field,
                "DD_AGENT_HOST is set to another host (or from IMDS), but the agent sidecar is on localhost in this task",
            ));
        }
    }
    check_trace_url(app, task, &start, host, looks_up_host, found);
    check_lookup(app, task, &start, found);
    let argv = container::start_argv(c);
    if let Some((shell, script)) = container::shell_script(&argv) {
        let last = shell::last_command(script);
        // A script that ends in `exit` runs nothing long enough to need exec.
        let exits = last.split_whitespace().next() == Some("exit");
        if matches!(shell, "sh" | "dash") && !shell::is_execed(last) && !exits {
            found.push(app.finding(
                &SH_PID_1,
                &app.script_field(),
                "sh -c runs the app as a child, so sh stays PID 1 and ECS's SIGTERM never reaches the app",
            ));
        }
    }
    if let Some(problem) = tagging_problem(c) {
        found.push(app.finding(&UNIFIED_TAGGING, &app.field("environment"), problem));
    }
    if context.agent_on_host() {
        for (index, mapping) in container::port_mappings(c).iter().enumerate() {
            let port = |key: &str| mapping.get(key).and_then(Value::as_u64);
            // In host mode every container port is a host port.
            let host_port = port("hostPort").or_else(|| {
                (context.network == Network::Host)
                    .then(|| port("containerPort"))
                    .flatten()
            });
            if let Some(port @ (8125 | 8126)) = host_port {
                found.push(app.finding(
                    &APP_PUBLISHES_AGENT_PORT,
                    &format!("/portMappings/{index}"),
                    format!("publishes host port {port}, which belongs to the agent: one of them will fail to start"),
                ));
            }
        }
    }
}

/// DD_TRACE_AGENT_URL: a fixed TCP address for a host agent (DDECS014), or
/// a URL that says something else than DD_AGENT_HOST (DDECS047).
fn check_trace_url(
    app: &Subject,
    task: &Task,
    start: &str,
    host: Option<&str>,
    looks_up_host: bool,
    found: &mut Vec<Finding>,
) {
    let Some(url) = container::env(app.value, TRACE_URL_VAR).map(str::trim) else {
        return;
    };
    // A script that builds the URL itself may build it from the host.
    if start.contains("DD_TRACE_AGENT_URL=") {
        return;
    }
    let field = app.env_field(TRACE_URL_VAR);
    let url_host = tcp_host(url);
    let host_given = host.is_some() || looks_up_host;
    if !host_given && !container::sets_var(app.value, "DD_AGENT_HOST") {
        if task.context.agent_on_host() && url_host.is_some() {
            found.push(app.finding(
                &TRACE_AGENT_URL,
                &field,
                "DD_TRACE_AGENT_URL is a fixed TCP address: tracers prefer it to DD_AGENT_HOST, and tasks move between instances while the address stays",
            ));
        }
        return;
    }
    let agrees = matches!((url_host, host), (Some(u), Some(h)) if u.eq_ignore_ascii_case(h));
    if host_given && !agrees {
        let why = match (url_host, looks_up_host) {
            (None, _) => "DD_TRACE_AGENT_URL is not a TCP address, so tracers ignore DD_AGENT_HOST",
            (Some(_), true) => "DD_TRACE_AGENT_URL names a fixed host, so tracers ignore the DD_AGENT_HOST the start command looks up",
            (Some(_), false) => "DD_TRACE_AGENT_URL names another host than DD_AGENT_HOST, and tracers use the URL",
        };
        found.push(app.finding(&AGENT_URL_HOST_DISAGREE, &field, why));
    }
}

/// The host of an `http(s)://HOST[:PORT][/...]` URL.
fn tcp_host(url: &str) -> Option<&str> {
    let rest = url
        .strip_prefix("http://")
        .or_else(|| url.strip_prefix("https://"))?;
    let authority = rest.split('/').next().unwrap_or(rest);
    if let Some(bracketed) = authority.strip_prefix('[') {
        return bracketed.split(']').next();
    }
    Some(authority.rsplit_once(':').map_or(authority, |(h, _)| h))
}

/// The IMDS lookup in the start command: is curl used safely, does the
/// image have it, and would the socket spare the lookup?
fn check_lookup(app: &Subject, task: &Task, start: &str, found: &mut Vec<Finding>) {
    let unsafe_calls: Vec<&str> = curl_calls(start)
        .into_iter()
        .filter_map(|call| {
            let words: Vec<&str> = call.split_whitespace().collect();
            let fails = words.iter().any(|w| *w == "--fail" || *w == "--fail-with-body" || short_flags(w).contains('f'));
            let bounded = words.iter().any(|w| {
                w.starts_with("--max-time") || w.starts_with("--connect-timeout") || short_flags(w).contains('m') || w.starts_with("-m")
            });
            match (fails, bounded) {
                (true, true) => None,
                (false, true) => Some("without --fail (an error page such as IMDSv2's 401 becomes DD_AGENT_HOST)"),
                (true, false) => Some("without a timeout (a silent IMDS keeps the app from starting)"),
                (false, false) => Some("without --fail or a timeout (an error page becomes DD_AGENT_HOST; a silent IMDS hangs the start)"),
            }
        })
        .collect();
    if let Some(first) = unsafe_calls.first() {
        found.push(app.finding(
            &UNSAFE_IMDS_CURL,
            &app.script_field(),
            format!("the start command reads IMDS with curl {first}"),
        ));
    }
    let image = container::image(app.value).to_ascii_lowercase();
    let imds_curl = start.contains("curl") && start.contains("169.254.169.254");
    let alpine = image.contains("alpine");
    // Alpine images have no curl unless the Dockerfile adds it: the lookup
    // then gives up and the app starts without DD_AGENT_HOST.
    if alpine && imds_curl {
        found.push(app.finding(
            &ALPINE_CURL,
            &app.field("image"),
            "the image looks like Alpine, which has no curl unless the Dockerfile installs it",
        ));
    }
    let imdsv2_bridge = start.contains("/api/token") && task.context.network == Network::Bridge;
    if task.context.agent_on_host() && ((alpine && imds_curl) || imdsv2_bridge) {
        let why = if imdsv2_bridge {
            "the app looks up the host's IP with IMDSv2 from bridge mode, which needs hop limit 2 on every instance"
        } else {
            "the app looks up the host's IP with curl in an Alpine image"
        };
        found.push(app.finding(
            &SOCKET_INSTEAD_OF_LOOKUP,
            &app.script_field(),
            format!("{why}; with the Unix socket it would need no lookup at all"),
        ));
    }
}

/// The unified service tagging gaps of an app that sets some tags.
fn tagging_problem(app: &Value) -> Option<String> {
    let pairs: Vec<_> = crate::core::model::datadog::TAG_FIELDS
        .iter()
        .map(|(env, label)| {
            (
                *env,
                *label,
                container::env(app, env),
                container::label(app, label),
            )
        })
        .collect();
    if pairs.iter().all(|(_, _, e, l)| e.is_none() && l.is_none()) {
        return None;
    }
    let mut problems = Vec::new();
    for (env, label, env_value, label_value) in pairs {
        match (env_value, label_value) {
            (None, None) => problems.push(format!("{env} is not set")),
            (Some(_), None) => problems.push(format!("{env} has no {label} label")),
            (None, Some(_)) => problems.push(format!("{label} has no {env} env var")),
            (Some(e), Some(l)) if e != l => problems.push(format!("{env} and {label} differ")),
            (Some(_), Some(_)) => {}
        }
    }
    (!problems.is_empty()).then(|| problems.join("; "))
}

fn is_ipv4(text: &str) -> bool {
    text.parse::<std::net::Ipv4Addr>().is_ok()
}

/// The letters of a short-option cluster like `-fsS`; empty for anything else.
fn short_flags(word: &str) -> &str {
    match word.strip_prefix('-') {
        Some(letters)
            if !letters.starts_with('-') && letters.chars().all(|c| c.is_ascii_alphabetic()) =>
        {
            letters
        }
        _ => "",
    }
}

/// Each `curl ...` invocation that talks to IMDS, up to the end of its
/// command (`)`, `;`, `|`, `&` or a line end).
fn curl_calls(script: &str) -> Vec<&str> {
    script
        .match_indices("curl")
        .filter(|(at, _)| {
            let before = script[..*at].chars().last();
            let after = script[at + 4..].chars().next();
            before.is_none_or(|c| " \t\n(;&|\"'`".contains(c))
                && after.is_some_and(char::is_whitespace)
        })
        .map(|(at, _)| {
            let rest = &script[at..];
            let end = rest.find([')', ';', '|', '&', '\n']).unwrap_or(rest.len());
            &rest[..end]
        })
        .filter(|call| call.contains("169.254.169.254"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn curl_calls_to_imds_are_cut_at_their_command_end() {
        let script = "T=$(curl -X PUT http://169.254.169.254/latest/api/token); H=$(curl -fs http://example.com); mycurl x";
        assert_eq!(
            curl_calls(script),
            ["curl -X PUT http://169.254.169.254/latest/api/token"]
        );
    }

    #[test]
    fn tcp_hosts_come_from_http_urls() {
        assert_eq!(tcp_host("http://10.0.0.5:8126"), Some("10.0.0.5"));
        assert_eq!(tcp_host("https://agent/v0.4"), Some("agent"));
        assert_eq!(tcp_host("http://[fd00::1]:8126"), Some("fd00::1"));
        assert_eq!(tcp_host("unix:///var/run/datadog/apm.socket"), None);
    }
}
