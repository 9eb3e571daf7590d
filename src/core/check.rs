//! `check`: the mistakes that keep traces from reaching Datadog on ECS, as
//! rules with stable IDs.
//!
//! The rules come from the setup steps in Datadog's ECS APM guide and from
//! what public issue threads show people getting wrong: the agent without
//! its host port or with APM switched off, apps that send to localhost from
//! bridge mode, a DD_AGENT_HOST lookup that stores an IMDSv2 "401" page or
//! hangs on the hop limit, DD_TRACE_AGENT_URL silently overriding the host,
//! `sh` as PID 1 swallowing SIGTERM, placeholders never filled in.
//!
//! IDs are grouped: 00x the agent, 01x how apps reach it, 02x ports, 03x
//! hygiene. An ID is never reused for another meaning.

use serde_json::Value;

use super::container::{self, AgentImage, ApmPort, Role};
use super::json_position::push_token;
use super::placeholder;
use super::report::{Finding, Report, Rule, Severity};
use super::shell;
use super::task_context::{Network, TaskContext};
use super::taskdef::{display_path, Document, Shape};

macro_rules! rules {
    ($($name:ident = $id:literal, $severity:ident, $summary:literal;)*) => {
        $(pub static $name: Rule = Rule { id: $id, severity: Severity::$severity, summary: $summary };)*
        /// Every rule, in ID order.
        pub static RULES: &[&Rule] = &[$(&$name),*];
    };
}

rules! {
    AGENT_NO_APM_PORT = "DDECS001", Error, "the agent does not publish 8126/tcp on the host";
    LEGACY_AGENT_NO_APM_ENV = "DDECS002", Error, "an agent 7.17 or lower lacks DD_APM_ENABLED / DD_APM_NON_LOCAL_TRAFFIC";
    APM_SWITCHED_OFF = "DDECS003", Error, "the agent has APM or non-local traffic switched off";
    DOGSTATSD_TCP = "DDECS004", Warning, "the agent maps 8125 as tcp only, but DogStatsD listens on udp";
    AGENT_5 = "DDECS005", Warning, "the agent is Agent 5 (docker-dd-agent), which is retired";
    APP_NO_AGENT_HOST = "DDECS010", Error, "an app on EC2 does not set DD_AGENT_HOST";
    AGENT_HOST_LOCALHOST = "DDECS011", Error, "DD_AGENT_HOST is localhost in bridge mode";
    AGENT_HOST_FIXED = "DDECS012", Warning, "DD_AGENT_HOST is a fixed IP address or a placeholder";
    AGENT_HOST_NOT_LOCAL = "DDECS013", Error, "DD_AGENT_HOST points away from the agent sidecar on localhost";
    TRACE_AGENT_URL = "DDECS014", Warning, "DD_TRACE_AGENT_URL is set and takes precedence over DD_AGENT_HOST";
    UNSAFE_IMDS_CURL = "DDECS015", Error, "curl reads IMDS without --fail or without a timeout";
    IMDSV2_HOP_LIMIT = "DDECS016", Info, "IMDSv2 from bridge mode needs an instance metadata hop limit of 2";
    FARGATE_NO_AGENT = "DDECS017", Error, "a Fargate task has no agent sidecar";
    NO_NETWORK = "DDECS018", Error, "networkMode none: apps cannot reach any agent";
    UNTRACED_APP_NO_AGENT_HOST = "DDECS019", Info, "an app with no Datadog settings does not set DD_AGENT_HOST";
    APM_PORT_UDP = "DDECS020", Error, "port 8126 is mapped as udp";
    APP_PUBLISHES_AGENT_PORT = "DDECS021", Warning, "an app publishes 8126 or 8125 on the host";
    SH_PID_1 = "DDECS030", Warning, "sh -c stays PID 1: its last command is not exec'd";
    UNIFIED_TAGGING = "DDECS031", Warning, "unified service tags are incomplete or disagree";
    QUOTED_TAG = "DDECS032", Warning, "a tag value is wrapped in quotes";
    PLACEHOLDER = "DDECS033", Warning, "a placeholder was never filled in";
    API_KEY_PLAIN = "DDECS034", Warning, "the API key is a plain environment value";
    ALPINE_CURL = "DDECS035", Info, "an Alpine image looks up IMDS with curl, which Alpine does not ship";
    NO_FAMILY = "DDECS036", Warning, "the task definition has no family, which register-task-definition requires";
    NULL_FIELDS = "DDECS037", Warning, "fields are null, which register-task-definition rejects";
}

/// Lints a task definition.
pub fn check(document: &Document) -> Report {
    let context = TaskContext::of(document);
    let mut findings = Vec::new();
    let containers = document.containers();
    let roles = container::roles(containers);
    let has_app = roles.contains(&Role::App);
    if has_app && context.fargate && !context.has_agent {
        findings.push(finding(
            &FARGATE_NO_AGENT,
            None,
            "this Fargate task has no Datadog agent container, and Fargate has no EC2 host agent"
                .into(),
            "add the agent as a sidecar: image public.ecr.aws/datadog/agent, env ECS_FARGATE=true",
        ));
    }
    if has_app && context.network == Network::Isolated {
        findings.push(finding(
            &NO_NETWORK,
            None,
            "networkMode is \"none\", so no container can reach an agent".into(),
            "use networkMode bridge (EC2), host or awsvpc",
        ));
    }
    if document
        .task()
        .is_some_and(|task| !task.contains_key("family"))
    {
        findings.push(finding(
            &NO_FAMILY,
            None,
            "there is no family, so register-task-definition refuses the file".into(),
            "add \"family\": \"NAME\" (the name every revision of this task definition shares)",
        ));
    }
    if document.null_fields > 0 {
        findings.push(finding(
            &NULL_FIELDS,
            None,
            format!(
                "{} field{} null (console exports write null for \"not set\"), and the ECS API refuses null values",
                document.null_fields,
                if document.null_fields == 1 { " is" } else { "s are" }
            ),
            "remove the null fields (ddecs-wizard patch drops them)",
        ));
    }
    let apps = roles.iter().filter(|r| **r == Role::App).count();
    for (index, (c, role)) in containers.iter().zip(&roles).enumerate() {
        let mut found = Vec::new();
        match role {
            Role::Agent => check_agent(c, &context, &mut found),
            Role::App => check_app(c, &context, apps == 1, &mut found),
            Role::Sidecar(_) => {}
        }
        check_any(c, &mut found);
        found.extend(placeholders(document, index));
        found.sort_by_key(|f| f.rule.id);
        findings.extend(found);
    }
    findings.extend(placeholders_outside_containers(document));
    Report { findings }
}

fn finding(rule: &'static Rule, container: Option<&Value>, message: String, fix: &str) -> Finding {
    Finding {
        rule,
        container: container.map(|c| container::name(c).to_owned()),
        message,
        fix: fix.to_owned(),
    }
}

fn is_false(value: Option<&str>) -> bool {
    value.is_some_and(|v| {
        matches!(
            v.trim().to_ascii_lowercase().as_str(),
            "false" | "0" | "no" | "off"
        )
    })
}

fn check_agent(agent: &Value, context: &TaskContext, found: &mut Vec<Finding>) {
    // In host mode the agent listens on the host's own network already.
    if context.agent_on_host() && context.network == Network::Bridge {
        let problem = match container::apm_port(agent, true) {
            ApmPort::Missing => Some("no 8126/tcp host port: apps reach the agent at the host's IP, so their traces are refused"),
            ApmPort::Dynamic(_) => Some("8126/tcp has no hostPort: Docker publishes it on a random host port that apps cannot know"),
            ApmPort::OnHost | ApmPort::Elsewhere(_) => None,
        };
        if let Some(problem) = problem {
            found.push(finding(
                &AGENT_NO_APM_PORT,
                Some(agent),
                problem.into(),
                "add {\"hostPort\": 8126, \"protocol\": \"tcp\", \"containerPort\": 8126} to its portMappings (ddecs-wizard patch does this)",
            ));
        }
    }
    let legacy = container::is_legacy_agent(agent, None);
    // A sidecar on localhost receives local traffic only: it needs APM on,
    // not non-local traffic.
    let missing: Vec<&str> = ["DD_APM_ENABLED", "DD_APM_NON_LOCAL_TRAFFIC"]
        .into_iter()
        .filter(|name| *name == "DD_APM_ENABLED" || !context.agent_on_localhost())
        .filter(|name| container::env(agent, name).is_none())
        .collect();
    if legacy && !missing.is_empty() {
        found.push(finding(
            &LEGACY_AGENT_NO_APM_ENV,
            Some(agent),
            format!("agent 7.17 or lower without {}: it refuses traces from other containers", missing.join(" and ")),
            "add DD_APM_ENABLED=true and DD_APM_NON_LOCAL_TRAFFIC=true to its environment (ddecs-wizard patch does this)",
        ));
    }
    let enabled = container::env(agent, "DD_APM_ENABLED");
    let non_local = container::env(agent, "DD_APM_NON_LOCAL_TRAFFIC");
    let off: Vec<&str> = [
        ("DD_APM_ENABLED", enabled),
        ("DD_APM_NON_LOCAL_TRAFFIC", non_local),
    ]
    .into_iter()
    .filter(|(name, value)| {
        is_false(*value) && (*name == "DD_APM_ENABLED" || !context.agent_on_localhost())
    })
    .map(|(name, _)| name)
    .collect();
    if !off.is_empty() {
        found.push(finding(
            &APM_SWITCHED_OFF,
            Some(agent),
            format!(
                "{} is switched off, so the agent refuses traces from the apps",
                off.join(" and ")
            ),
            "set it to true",
        ));
    }
    let mappings = container::port_mappings(agent);
    let statsd = |tcp: bool| {
        mappings.iter().any(|m| {
            m.get("containerPort").and_then(Value::as_u64) == Some(8125)
                && container::is_tcp(m) == tcp
        })
    };
    if statsd(true) && !statsd(false) {
        found.push(finding(
            &DOGSTATSD_TCP,
            Some(agent),
            "8125 is mapped as tcp only: DogStatsD listens on udp, so metrics sent to it are lost"
                .into(),
            "set \"protocol\": \"udp\" on the 8125 mapping",
        ));
    }
    if container::agent_image(agent) == AgentImage::Agent5 {
        found.push(finding(
            &AGENT_5,
            Some(agent),
            "docker-dd-agent is Agent 5, which is retired and gets no fixes".into(),
            "run public.ecr.aws/datadog/agent:7 instead (its APM settings are DD_APM_*)",
        ));
    }
}

/// Whether a container shows it is meant to send traces: Datadog settings,
/// labels, or a tracer in its start command.
fn shows_tracing(app: &Value) -> bool {
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

/// `only_app`: the file's one app container, which must be the one to trace.
fn check_app(app: &Value, context: &TaskContext, only_app: bool, found: &mut Vec<Finding>) {
    let start = container::start_text(app);
    let host = container::env(app, "DD_AGENT_HOST").map(str::trim);
    let looks_up_host = start.contains("DD_AGENT_HOST=");
    let is_localhost = host.is_some_and(|h| matches!(h, "localhost" | "127.0.0.1"));
    if context.agent_on_host() {
        let sets_host = container::sets_var(app, "DD_AGENT_HOST")
            || container::sets_var(app, "DD_TRACE_AGENT_URL")
            || looks_up_host;
        // patch cannot wrap a Windows container (no sh), so say what to do there.
        let fix = if container::is_windows(app, context.windows) {
            "set DD_AGENT_HOST to the host's private IP in the container's own startup script"
        } else {
            "wrap its start command in the DD_AGENT_HOST lookup: ddecs-wizard patch FILE --container NAME"
        };
        if !sets_host && (only_app || shows_tracing(app)) {
            found.push(finding(
                &APP_NO_AGENT_HOST,
                Some(app),
                "nothing sets DD_AGENT_HOST, so the tracer sends to localhost, where no agent listens in this container".into(),
                fix,
            ));
        } else if !sets_host {
            found.push(finding(
                &UNTRACED_APP_NO_AGENT_HOST,
                Some(app),
                "no Datadog settings and no DD_AGENT_HOST: if this container should send traces, they go nowhere".into(),
                "if it should trace, wrap its start command in the DD_AGENT_HOST lookup: ddecs-wizard patch FILE --container NAME",
            ));
        }
        if is_localhost && context.network == Network::Bridge && !looks_up_host {
            found.push(finding(
                &AGENT_HOST_LOCALHOST,
                Some(app),
                "DD_AGENT_HOST is localhost, but in bridge mode that is the app's own container, not the host".into(),
                "remove it and set DD_AGENT_HOST from the host's private IP (ddecs-wizard patch does this)",
            ));
        }
        if host.is_some_and(|h| is_ipv4(h) || placeholder::is_angle_placeholder(h)) {
            found.push(finding(
                &AGENT_HOST_FIXED,
                Some(app),
                "DD_AGENT_HOST is a fixed address (or a placeholder for one): tasks move between instances, the address does not".into(),
                "remove it and look the host's IP up at start (ddecs-wizard patch does this)",
            ));
        }
        if start.contains("/api/token") && context.network == Network::Bridge {
            found.push(finding(
                &IMDSV2_HOP_LIMIT,
                Some(app),
                "the start command uses IMDSv2: from bridge mode its answers take 2 hops".into(),
                "set the instance metadata hop limit to 2 (aws ec2 modify-instance-metadata-options --http-put-response-hop-limit 2)",
            ));
        }
    }
    if context.agent_on_localhost() {
        let remote_env = host.is_some_and(|h| !h.is_empty() && !is_localhost);
        if remote_env || start.contains("169.254.169.254") {
            found.push(finding(
                &AGENT_HOST_NOT_LOCAL,
                Some(app),
                "DD_AGENT_HOST is set to another host (or from IMDS), but the agent sidecar is on localhost in this task".into(),
                "remove DD_AGENT_HOST and the lookup: the tracer's default, localhost, is right here",
            ));
        }
    }
    if container::sets_var(app, "DD_TRACE_AGENT_URL") {
        found.push(finding(
            &TRACE_AGENT_URL,
            Some(app),
            "DD_TRACE_AGENT_URL is set, and tracers prefer it to DD_AGENT_HOST".into(),
            "remove it unless it points at the agent",
        ));
    }
    let unsafe_calls: Vec<&str> = curl_calls(&start)
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
        found.push(finding(
            &UNSAFE_IMDS_CURL,
            Some(app),
            format!("the start command reads IMDS with curl {first}"),
            "use curl -fs --connect-timeout 1 --max-time 1 and check the answer is an IPv4 address (ddecs-wizard patch writes such a script)",
        ));
    }
    // Alpine images have no curl unless the Dockerfile adds it: the lookup
    // then gives up and the app starts without DD_AGENT_HOST.
    let image = app.get("image").and_then(Value::as_str).unwrap_or_default();
    if image.contains("alpine") && start.contains("curl") && start.contains("169.254.169.254") {
        found.push(finding(
            &ALPINE_CURL,
            Some(app),
            "the image looks like Alpine, which has no curl unless the Dockerfile installs it".into(),
            "add curl to the image (apk add --no-cache curl), or use the metadata file: ddecs-wizard patch FILE --imds metadata-file",
        ));
    }
    let argv = container::start_argv(app);
    if let Some((shell, script)) = container::shell_script(&argv) {
        if matches!(shell, "sh" | "dash") && !shell::is_execed(shell::last_command(script)) {
            found.push(finding(
                &SH_PID_1,
                Some(app),
                "sh -c runs the app as a child, so sh stays PID 1 and ECS's SIGTERM never reaches the app".into(),
                "start the last command with exec",
            ));
        }
    }
    if let Some(problem) = tagging_problem(app) {
        found.push(finding(
            &UNIFIED_TAGGING,
            Some(app),
            problem,
            "set DD_ENV, DD_SERVICE and DD_VERSION and the same values as com.datadoghq.tags.* labels (ddecs-wizard patch --env --service --service-version)",
        ));
    }
    if context.agent_on_host() {
        for mapping in container::port_mappings(app) {
            let port = |key: &str| mapping.get(key).and_then(Value::as_u64);
            // In host mode every container port is a host port.
            let host_port = port("hostPort").or_else(|| {
                (context.network == Network::Host)
                    .then(|| port("containerPort"))
                    .flatten()
            });
            if let Some(port @ (8125 | 8126)) = host_port {
                found.push(finding(
                    &APP_PUBLISHES_AGENT_PORT,
                    Some(app),
                    format!("publishes host port {port}, which belongs to the agent: one of them will fail to start"),
                    "remove that mapping from the app",
                ));
            }
        }
    }
}

/// Rules that apply to every container.
fn check_any(c: &Value, found: &mut Vec<Finding>) {
    if container::port_mappings(c).iter().any(|m| {
        let port = |key: &str| m.get(key).and_then(Value::as_u64);
        (port("containerPort") == Some(8126) || port("hostPort") == Some(8126))
            && !container::is_tcp(m)
    }) {
        found.push(finding(
            &APM_PORT_UDP,
            Some(c),
            "8126 is mapped with a protocol other than tcp; the trace agent listens on tcp".into(),
            "set \"protocol\": \"tcp\" on the 8126 mapping",
        ));
    }
    let quoted: Vec<&str> = ["DD_TAGS", "DD_ENV", "DD_SERVICE", "DD_VERSION"]
        .into_iter()
        .filter(|name| {
            container::env(c, name).is_some_and(|v| {
                let v = v.trim();
                v.len() >= 2
                    && ((v.starts_with('\'') && v.ends_with('\''))
                        || (v.starts_with('"') && v.ends_with('"')))
            })
        })
        .collect();
    if !quoted.is_empty() {
        found.push(finding(
            &QUOTED_TAG,
            Some(c),
            format!(
                "{} is wrapped in quotes: ECS passes them on, so the quotes end up in the tags",
                quoted.join(" and ")
            ),
            "remove the quotes around the value",
        ));
    }
    let key_names: &[&str] = if container::agent_image(c) == AgentImage::Agent5 {
        &["DD_API_KEY", "API_KEY"]
    } else {
        &["DD_API_KEY"]
    };
    for name in key_names {
        let plain = container::env(c, name)
            .is_some_and(|v| !v.trim().is_empty() && !placeholder::is_angle_placeholder(v));
        if plain {
            found.push(finding(
                &API_KEY_PLAIN,
                Some(c),
                format!("{name} is a plain environment value: anyone who can describe the task definition can read it"),
                "store it in Secrets Manager or SSM and reference it from secrets (ddecs-wizard generate --api-key-secret-arn)",
            ));
        }
    }
}

/// The pointer prefix of container `index` in the document.
fn container_pointer(document: &Document, index: usize) -> String {
    match document.shape {
        Shape::Task => format!("/containerDefinitions/{index}"),
        Shape::Containers => format!("/{index}"),
        Shape::Container => String::new(),
    }
}

fn placeholders(document: &Document, index: usize) -> Vec<Finding> {
    let c = &document.containers()[index];
    let prefix = container_pointer(document, index);
    placeholder::angle_placeholders(c)
        .into_iter()
        // A placeholder DD_AGENT_HOST gets DDECS012/013, which say what to
        // do instead of filling it in.
        .filter(|found| {
            let entry = found
                .pointer
                .strip_suffix("/value")
                .and_then(|p| c.pointer(p));
            entry.and_then(|e| e.get("name")).and_then(Value::as_str) != Some("DD_AGENT_HOST")
        })
        .map(|found| placeholder_finding(&found, Some(c), &format!("{prefix}{}", found.pointer), c))
        .collect()
}

fn placeholders_outside_containers(document: &Document) -> Vec<Finding> {
    let Some(task) = document.task() else {
        return Vec::new();
    };
    task.iter()
        .filter(|(key, _)| *key != "containerDefinitions")
        .flat_map(|(key, value)| {
            placeholder::angle_placeholders(value)
                .into_iter()
                .map(move |found| {
                    let mut pointer = String::new();
                    push_token(&mut pointer, key);
                    pointer.push_str(&found.pointer);
                    placeholder_finding(&found, None, &pointer, value)
                })
                .collect::<Vec<_>>()
        })
        .collect()
}

/// A placeholder finding; an environment value is named, never shown.
fn placeholder_finding(
    found: &placeholder::Found,
    container: Option<&Value>,
    pointer: &str,
    within: &Value,
) -> Finding {
    let path = display_path(pointer);
    let env_name = found
        .pointer
        .strip_suffix("/value")
        .filter(|p| p.starts_with("/environment/"))
        .and_then(|p| within.pointer(p))
        .and_then(|entry| entry.get("name"))
        .and_then(Value::as_str);
    let message = match env_name {
        Some(name) => format!("{name} is still a placeholder ({path})"),
        None => format!("placeholder {} left in {path}", found.text),
    };
    finding(
        &PLACEHOLDER,
        container,
        message,
        "replace it with the real value before registering the task definition",
    )
}

/// The unified service tagging gaps of an app that sets some tags.
fn tagging_problem(app: &Value) -> Option<String> {
    let pairs: Vec<_> = container::TAG_FIELDS
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
    fn rule_ids_are_unique_and_ordered() {
        let ids: Vec<&str> = RULES.iter().map(|r| r.id).collect();
        let mut sorted = ids.clone();
        sorted.sort();
        sorted.dedup();
        assert_eq!(ids, sorted);
    }

    #[test]
    fn curl_calls_to_imds_are_cut_at_their_command_end() {
        let script = "T=$(curl -X PUT http://169.254.169.254/latest/api/token); H=$(curl -fs http://example.com); mycurl x";
        assert_eq!(
            curl_calls(script),
            ["curl -X PUT http://169.254.169.254/latest/api/token"]
        );
    }
}
