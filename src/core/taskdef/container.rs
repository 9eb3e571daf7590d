//! Reading and editing one container definition, and telling what it is
//! for: the Datadog agent, a sidecar (log router, proxy, collector) or an
//! application that should send traces.
//!
//! Both `patch` and `check` need the same answers ("is this the agent?",
//! "what does this container run?", "is DD_AGENT_HOST set?"), and real files
//! spell them many ways: agent images mirrored into private ECR, `command`
//! as `null`, `[]` or `[""]`, environment entries without a value. Keeping
//! the answers here means the two commands can never disagree.

use serde_json::{json, Map, Value};

use crate::core::model::agent_settings;
use crate::core::model::config::AgentVersion;
use crate::core::model::datadog::APM_PORT;
use crate::core::model::tracer;
use crate::core::shell;

/// What a container is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    Agent,
    /// A helper that does not serve the app's traffic: never a patch target.
    Sidecar(&'static str),
    App,
}

/// Names people give the agent container when its image does not say so
/// (a private mirror, a placeholder).
const AGENT_NAMES: [&str; 4] = ["datadog-agent", "dd-agent", "datadog", "dd"];

/// Sidecar kinds, recognised by a word in the image or the name.
const SIDECARS: [(&str, &[&str]); 5] = [
    (
        "FireLens log router",
        &[
            "fluent-bit",
            "fluentbit",
            "fluentd",
            "firelens",
            "log_router",
        ],
    ),
    ("Envoy proxy", &["envoy"]),
    ("X-Ray daemon", &["xray", "x-ray"]),
    (
        "OpenTelemetry collector",
        &["aws-otel", "otel-collector", "opentelemetry-collector"],
    ),
    ("CloudWatch agent", &["cloudwatch-agent"]),
];

pub fn role(container: &Value) -> Role {
    classify(container, true)
}

/// The role of each container of one file. A file's only container is not
/// taken for a log router on the strength of its `firelensConfiguration`
/// alone: the CLI skeleton fills one into every container, and a router
/// with no app to route for would be pointless.
pub fn roles(containers: &[Value]) -> Vec<Role> {
    let alone = containers.len() == 1;
    containers.iter().map(|c| classify(c, !alone)).collect()
}

fn classify(container: &Value, firelens_config_counts: bool) -> Role {
    let image = image(container).to_ascii_lowercase();
    let name = name(container).to_ascii_lowercase();
    // The agent image also runs the read-only sidecar's init container,
    // which only copies the configuration into a volume and exits.
    if is_agent_image(&image) && name == agent_settings::CONFIG_INIT_NAME {
        return Role::Sidecar(AGENT_CONFIG_INIT);
    }
    if is_agent_image(&image) || AGENT_NAMES.contains(&name.as_str()) {
        return Role::Agent;
    }
    if is_tracer_init(container) {
        return Role::Sidecar(TRACER_INIT);
    }
    if firelens_config_counts
        && container
            .get("firelensConfiguration")
            .is_some_and(|v| !v.is_null())
    {
        return Role::Sidecar(SIDECARS[0].0);
    }
    SIDECARS
        .iter()
        .find(|(_, words)| {
            words
                .iter()
                .any(|word| image.contains(word) || name.contains(word))
        })
        .map_or(Role::App, |(kind, _)| Role::Sidecar(kind))
}

/// The sidecar kind of the init container that seeds a read-only agent's
/// configuration volume.
pub const AGENT_CONFIG_INIT: &str = "Datadog agent configuration init container";

/// The sidecar kind of Datadog's tracer init container.
pub const TRACER_INIT: &str = "Datadog tracer init container";

/// Whether the container is the init container that copies the tracer into
/// the task volume: Datadog's `dd-lib-<lang>-init` image, or the name
/// Datadog's tools give it. It serves no traffic and sends no traces.
pub fn is_tracer_init(container: &Value) -> bool {
    tracer::language_of_init_image(image(container)).is_some()
        || name(container) == tracer::INIT_CONTAINER_NAME
}

fn is_agent_image(image: &str) -> bool {
    let repository = repository(image);
    [
        "datadog/agent",
        "datadog/docker-dd-agent",
        "dd-agent",
        "datadoghq/agent",
        "registry.datadoghq.com/agent",
    ]
    .iter()
    .any(|path| repository.contains(path))
        || repository.ends_with("/datadog")
        || repository.ends_with("/datadog-agent")
}

/// The image reference without its tag or digest. A colon before the last
/// slash belongs to a registry port (`127.0.0.1:5000/app`), not a tag.
pub fn repository(image: &str) -> &str {
    let image = image.split('@').next().unwrap_or(image);
    let last_slash = image.rfind('/').map_or(0, |i| i + 1);
    match image[last_slash..].find(':') {
        Some(colon) => &image[..last_slash + colon],
        None => image,
    }
}

/// The tag of an image reference, if it has one (a digest is not a tag).
pub fn tag(image: &str) -> Option<&str> {
    if image.contains('@') {
        return None;
    }
    let repository = repository(image);
    image.get(repository.len() + 1..)
}

/// What the agent image says about its version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AgentImage {
    /// `datadog/docker-dd-agent`: Agent 5, older than anything `AgentVersion` takes.
    Agent5,
    Version(AgentVersion),
    /// `latest`, a digest, no tag, or a tag that is not a version.
    Unknown,
}

pub fn agent_image(container: &Value) -> AgentImage {
    let image = image(container).to_ascii_lowercase();
    if image.contains("docker-dd-agent") {
        return AgentImage::Agent5;
    }
    // `7.17.1-jmx`, `7-servercore`: the version is what precedes the flavour.
    let version = tag(&image)
        .and_then(|tag| tag.split('-').next())
        .and_then(|v| v.parse::<AgentVersion>().ok());
    match version {
        Some(AgentVersion::Latest) | None => AgentImage::Unknown,
        Some(version) => AgentImage::Version(version),
    }
}

/// Whether the agent needs DD_APM_ENABLED and DD_APM_NON_LOCAL_TRAFFIC:
/// its image says 7.17 or lower, or, when the image does not say, the
/// version the user gave does.
pub fn is_legacy_agent(container: &Value, assumed: Option<&AgentVersion>) -> bool {
    match agent_image(container) {
        AgentImage::Agent5 => true,
        AgentImage::Version(version) => version.is_legacy(),
        AgentImage::Unknown => assumed.is_some_and(AgentVersion::is_legacy),
    }
}

pub fn name(container: &Value) -> &str {
    container.get("name").and_then(Value::as_str).unwrap_or("")
}

pub fn image(container: &Value) -> &str {
    container.get("image").and_then(Value::as_str).unwrap_or("")
}

/// `entryPoint` or `command` as an argv; `null`, `[]` and `[""]` all mean
/// "not set" (the console and the CLI skeleton write them).
pub fn argv(container: &Value, field: &str) -> Option<Vec<String>> {
    let items: Vec<String> = container
        .get(field)?
        .as_array()?
        .iter()
        .filter_map(|v| v.as_str().map(str::to_owned))
        .collect();
    if items.is_empty() || (items.len() == 1 && items[0].is_empty()) {
        None
    } else {
        Some(items)
    }
}

/// What the container runs when it is known: entryPoint followed by command.
pub fn start_argv(container: &Value) -> Vec<String> {
    let mut start = argv(container, "entryPoint").unwrap_or_default();
    start.extend(argv(container, "command").unwrap_or_default());
    start
}

/// A shell and its script when the argv is exactly `SHELL -c SCRIPT`.
pub fn shell_script(argv: &[String]) -> Option<(&str, &str)> {
    match argv {
        [shell, flag, script] if flag == "-c" => {
            let base = shell.rsplit('/').next().unwrap_or(shell);
            ["sh", "bash", "ash", "dash", "zsh"]
                .contains(&base)
                .then_some((base, script.as_str()))
        }
        _ => None,
    }
}

/// All the shell text a container runs, for searching: the `-c` script when
/// there is one, else the argv joined.
pub fn start_text(container: &Value) -> String {
    let argv = start_argv(container);
    match shell_script(&argv) {
        Some((_, script)) => script.to_owned(),
        None => shell::join(&argv),
    }
}

/// Whether the container runs Windows, where there is no `sh`.
pub fn is_windows(container: &Value, windows_task: bool) -> bool {
    let image = image(container).to_ascii_lowercase();
    let program = start_argv(container)
        .first()
        .map(|p| {
            let base = p
                .rsplit(['/', '\\'])
                .next()
                .unwrap_or(p)
                .to_ascii_lowercase();
            base.strip_suffix(".exe").unwrap_or(&base).to_owned()
        })
        .unwrap_or_default();
    windows_task
        || ["powershell", "pwsh", "cmd"].contains(&program.as_str())
        || ["mcr.microsoft.com/windows", "servercore", "nanoserver"]
            .iter()
            .any(|word| image.contains(word))
}

fn environment(container: &Value) -> &[Value] {
    container
        .get("environment")
        .and_then(Value::as_array)
        .map_or(&[], Vec::as_slice)
}

/// The value of an environment variable; an entry without a value reads as "".
pub fn env<'a>(container: &'a Value, name: &str) -> Option<&'a str> {
    environment(container)
        .iter()
        .find(|e| e.get("name").and_then(Value::as_str) == Some(name))
        .map(|e| e.get("value").and_then(Value::as_str).unwrap_or(""))
}

/// Whether a variable is set, as a plain value or from `secrets`.
pub fn sets_var(container: &Value, name: &str) -> bool {
    env(container, name).is_some() || secret_names(container).contains(&name)
}

/// Whether a container is the agent by its name only: named like it
/// (`datadog-agent`), it runs an image that is not the agent's (a log
/// router named so by mistake, say). Patching it as the agent would lose
/// the traces sent to it. A repository named `agent` under a private
/// registry (`…dkr.ecr…/mirror/agent`) is taken for a mirror of the agent:
/// with the agent's name beside it, that is what it nearly always is.
pub fn named_agent_on_other_image(container: &Value) -> bool {
    let image = image(container).to_ascii_lowercase();
    !image.is_empty()
        && !is_agent_image(&image)
        && !repository(&image).ends_with("/agent")
        && AGENT_NAMES.contains(&name(container).to_ascii_lowercase().as_str())
}

/// Where a secret of `name` comes from (its `valueFrom`).
pub fn secret_from<'a>(container: &'a Value, name: &str) -> Option<&'a str> {
    container
        .get("secrets")
        .and_then(Value::as_array)?
        .iter()
        .find(|s| s.get("name").and_then(Value::as_str) == Some(name))
        .and_then(|s| s.get("valueFrom").and_then(Value::as_str))
}

pub fn secret_names(container: &Value) -> Vec<&str> {
    container
        .get("secrets")
        .and_then(Value::as_array)
        .map_or(&[][..], Vec::as_slice)
        .iter()
        .filter_map(|s| s.get("name").and_then(Value::as_str))
        .collect()
}

/// What an edit did, so that notes only mention real changes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    Added,
    Updated,
    Unchanged,
}

/// Sets an environment variable, updating the first entry of that name or
/// appending one; creates `environment` when it is missing or null.
pub fn set_env(container: &mut Value, name: &str, value: &str) -> Change {
    let Some(map) = container.as_object_mut() else {
        return Change::Unchanged;
    };
    let Some(entries) = array_field(map, "environment") else {
        return Change::Unchanged;
    };
    let existing = entries
        .iter_mut()
        .find(|e| e.get("name").and_then(Value::as_str) == Some(name));
    match existing {
        Some(entry) if entry.get("value").and_then(Value::as_str) == Some(value) => {
            Change::Unchanged
        }
        Some(entry) => {
            entry["value"] = Value::String(value.to_owned());
            Change::Updated
        }
        None => {
            entries.push(json!({ "name": name, "value": value }));
            Change::Added
        }
    }
}

/// Removes every entry of a variable; whether there was one.
pub fn remove_env(container: &mut Value, name: &str) -> bool {
    let Some(Value::Array(entries)) = container.get_mut("environment") else {
        return false;
    };
    let before = entries.len();
    entries.retain(|e| e.get("name").and_then(Value::as_str) != Some(name));
    entries.len() != before
}

pub fn label<'a>(container: &'a Value, key: &str) -> Option<&'a str> {
    container.get("dockerLabels")?.get(key)?.as_str()
}

pub fn set_label(container: &mut Value, key: &str, value: &str) -> Change {
    let Some(map) = container.as_object_mut() else {
        return Change::Unchanged;
    };
    let slot = map.entry("dockerLabels").or_insert(Value::Null);
    if !slot.is_object() {
        *slot = Value::Object(Map::new());
    }
    let Some(labels) = slot.as_object_mut() else {
        return Change::Unchanged;
    };
    match labels.get(key).and_then(Value::as_str) {
        Some(old) if old == value => Change::Unchanged,
        old => {
            let change = if old.is_some() {
                Change::Updated
            } else {
                Change::Added
            };
            labels.insert(key.to_owned(), Value::String(value.to_owned()));
            change
        }
    }
}

/// The array under `key`, created (or put in place of a null) when missing.
pub fn array_field<'a>(map: &'a mut Map<String, Value>, key: &str) -> Option<&'a mut Vec<Value>> {
    let slot = map.entry(key).or_insert(Value::Null);
    if !slot.is_array() {
        *slot = Value::Array(Vec::new());
    }
    slot.as_array_mut()
}

/// How the container publishes the trace agent port.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ApmPort {
    /// A tcp mapping of 8126 on host port 8126.
    OnHost,
    /// A tcp mapping of 8126 with no fixed host port: Docker picks one at
    /// random in bridge mode. The index of the mapping.
    Dynamic(usize),
    /// A tcp mapping of 8126 on another host port.
    Elsewhere(u64),
    Missing,
}

/// Whether a mapping is tcp: ECS defaults a missing protocol to tcp.
pub fn is_tcp(mapping: &Value) -> bool {
    match mapping.get("protocol") {
        None | Some(Value::Null) => true,
        Some(p) => p.as_str().is_some_and(|p| p.eq_ignore_ascii_case("tcp")),
    }
}

pub fn port_mappings(container: &Value) -> &[Value] {
    container
        .get("portMappings")
        .and_then(Value::as_array)
        .map_or(&[], Vec::as_slice)
}

/// In `bridge` mode a missing or zero hostPort is dynamic; in `host` and
/// `awsvpc` mode the host port is the container port.
pub fn apm_port(container: &Value, bridge: bool) -> ApmPort {
    let mut found = ApmPort::Missing;
    for (index, mapping) in port_mappings(container).iter().enumerate() {
        if mapping.get("containerPort").and_then(Value::as_u64) != Some(APM_PORT)
            || !is_tcp(mapping)
        {
            continue;
        }
        match mapping.get("hostPort").and_then(Value::as_u64) {
            Some(APM_PORT) => return ApmPort::OnHost,
            None | Some(0) if !bridge => return ApmPort::OnHost,
            None | Some(0) => found = ApmPort::Dynamic(index),
            Some(other) => {
                if found == ApmPort::Missing {
                    found = ApmPort::Elsewhere(other);
                }
            }
        }
    }
    found
}

/// Words in a variable or option name that mark its value as secret. Broad
/// on purpose: masking a harmless value costs a `********` in a diff, while
/// missing `DB_PASS` or `MYSQL_PWD` puts a password in a CI log.
const SECRET_WORDS: [&str; 9] = [
    "PASS",
    "PWD",
    "SECRET",
    "TOKEN",
    "KEY",
    "CREDENTIAL",
    "AUTH",
    "PRIVATE",
    "DSN",
];

pub fn is_secret_name(name: &str) -> bool {
    let upper = name.to_ascii_uppercase();
    SECRET_WORDS.iter().any(|word| upper.contains(word))
}

/// The task definition's free-form string maps, whose keys are setting
/// names chosen by the user (FireLens' `"apikey"` option, a label).
const FREE_FORM_MAPS: [&str; 4] = ["options", "dockerLabels", "driverOpts", "labels"];

/// The non-empty values of secret-looking settings anywhere in a task
/// definition, for masking: `{"name": ..., "value": ...}` entries
/// (environment variables) by their name, and entries of the free-form maps
/// by their key. Values are decoded JSON, whatever escaping the file used.
/// Longest first, so that a masker working down the list never uncovers
/// part of a longer secret by masking a shorter one inside it.
pub fn secret_values(value: &Value) -> Vec<String> {
    let mut found = Vec::new();
    collect_secrets(value, &mut found);
    found.sort_by(|a, b| b.chars().count().cmp(&a.chars().count()).then(a.cmp(b)));
    found.dedup();
    found
}

fn add_secret(name: &str, value: Option<&Value>, found: &mut Vec<String>) {
    match value {
        Some(Value::String(secret)) if is_secret_name(name) && !secret.is_empty() => {
            found.push(secret.clone());
        }
        _ => {}
    }
}

fn collect_secrets(value: &Value, found: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            if let Some(name) = map.get("name").and_then(Value::as_str) {
                add_secret(name, map.get("value"), found);
            }
            for (key, item) in map {
                match item.as_object() {
                    Some(entries) if FREE_FORM_MAPS.contains(&key.as_str()) => entries
                        .iter()
                        .for_each(|(name, value)| add_secret(name, Some(value), found)),
                    _ => {}
                }
                collect_secrets(item, found);
            }
        }
        Value::Array(items) => items.iter().for_each(|item| collect_secrets(item, found)),
        Value::Null | Value::Bool(_) | Value::Number(_) | Value::String(_) => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn container(name: &str, image: &str) -> Value {
        json!({ "name": name, "image": image })
    }

    #[test]
    fn a_mirror_of_the_agent_is_not_another_image() {
        for image in [
            "123456789012.dkr.ecr.us-east-1.amazonaws.com/mirror/agent:7",
            "registry.example.com/agent",
            "public.ecr.aws/datadog/agent:7",
        ] {
            assert!(
                !named_agent_on_other_image(&container("datadog-agent", image)),
                "{image}"
            );
        }
        for image in ["amazon/aws-for-fluent-bit:stable", "mycorp/agentless:1"] {
            assert!(
                named_agent_on_other_image(&container("datadog-agent", image)),
                "{image}"
            );
        }
    }

    #[test]
    fn the_tracer_init_container_is_a_sidecar() {
        for (name, image) in [
            (
                "datadog-tracer",
                "public.ecr.aws/datadog/dd-lib-python-init:v4",
            ),
            ("copy", "gcr.io/datadoghq/dd-lib-java-init:latest"),
            ("datadog-tracer", "<mirror>"),
        ] {
            assert_eq!(
                role(&container(name, image)),
                Role::Sidecar(TRACER_INIT),
                "{name} {image}"
            );
        }
        assert_eq!(role(&container("web", "mycorp/dd-lib-web:1")), Role::App);
    }

    #[test]
    fn agents_are_recognised_by_image_or_name() {
        for (name, image) in [
            ("x", "public.ecr.aws/datadog/agent:7"),
            ("x", "datadog/agent:latest"),
            ("x", "gcr.io/datadoghq/agent:7.50.0"),
            ("x", "datadog/docker-dd-agent:latest"),
            ("x", "123.dkr.ecr.us-east-1.amazonaws.com/datadog"),
            (
                "x",
                "123.dkr.ecr.us-east-1.amazonaws.com/mirror/datadog-agent:7",
            ),
            ("datadog-agent", "123.dkr.ecr.us-east-1.amazonaws.com/x"),
            ("dd", "<placeholder>"),
        ] {
            assert_eq!(role(&container(name, image)), Role::Agent, "{name} {image}");
        }
        assert_eq!(
            role(&container("app", "datadog/cluster-agent:1")),
            Role::App
        );
        assert_eq!(
            role(&container("app", "mycorp/datadog-dashboard")),
            Role::App
        );
    }

    #[test]
    fn sidecars_are_not_apps() {
        assert_eq!(
            role(&container("log_router", "amazon/aws-for-fluent-bit:stable")),
            Role::Sidecar("FireLens log router")
        );
        assert_eq!(
            role(&container(
                "nr",
                "533243300146.dkr.ecr.us-east-2.amazonaws.com/newrelic/logging-firelens-fluentbit"
            )),
            Role::Sidecar("FireLens log router")
        );
        assert_eq!(
            role(
                &json!({"name": "r", "image": "custom", "firelensConfiguration": {"type": "fluentbit"}})
            ),
            Role::Sidecar("FireLens log router")
        );
        assert_eq!(
            role(&container(
                "envoy",
                "840364872350.dkr.ecr.us-east-1.amazonaws.com/aws-appmesh-envoy:v1"
            )),
            Role::Sidecar("Envoy proxy")
        );
        assert_eq!(
            role(&container("xray-daemon", "<your-image>")),
            Role::Sidecar("X-Ray daemon")
        );
        assert_eq!(
            role(&container(
                "c",
                "public.ecr.aws/aws-observability/aws-otel-collector:latest"
            )),
            Role::Sidecar("OpenTelemetry collector")
        );
        assert_eq!(role(&container("hotel-booking", "hotel:1")), Role::App);
        let skeleton =
            json!({"name": "api", "image": "", "firelensConfiguration": {"type": "fluentd"}});
        assert_eq!(roles(std::slice::from_ref(&skeleton)), [Role::App]);
        assert_eq!(
            roles(&[skeleton, container("app", "x")]),
            [Role::Sidecar("FireLens log router"), Role::App]
        );
    }

    #[test]
    fn image_references_split_at_the_right_colon() {
        assert_eq!(
            repository("127.0.0.1:51670/busybox:tag"),
            "127.0.0.1:51670/busybox"
        );
        assert_eq!(tag("127.0.0.1:51670/busybox:tag"), Some("tag"));
        assert_eq!(tag("127.0.0.1:51670/busybox"), None);
        assert_eq!(tag("datadog/agent@sha256:abc"), None);
        assert_eq!(repository("datadog/agent:7@sha256:abc"), "datadog/agent");
    }

    #[test]
    fn agent_versions_come_from_the_tag() {
        let version = |image: &str| agent_image(&container("a", image));
        assert_eq!(
            version("datadog/agent:7.17.1-jmx"),
            AgentImage::Version("7.17.1".parse().unwrap())
        );
        assert_eq!(version("datadog/agent:latest"), AgentImage::Unknown);
        assert_eq!(version("datadog/agent"), AgentImage::Unknown);
        assert_eq!(version("datadog/agent@sha256:0123"), AgentImage::Unknown);
        assert_eq!(
            version("datadog/docker-dd-agent:latest"),
            AgentImage::Agent5
        );
        let legacy = |image: &str, assumed: Option<&str>| {
            let assumed = assumed.map(|a| a.parse::<AgentVersion>().unwrap());
            is_legacy_agent(&container("a", image), assumed.as_ref())
        };
        assert!(legacy("datadog/agent:6.16.0", None));
        assert!(!legacy("datadog/agent:7.18", Some("7.17")));
        assert!(!legacy("datadog/agent:latest", None));
        assert!(legacy("datadog/agent:latest", Some("7.17")));
    }

    #[test]
    fn empty_argv_forms_mean_not_set() {
        for value in [json!(null), json!([]), json!([""])] {
            assert_eq!(argv(&json!({ "command": value }), "command"), None);
        }
        let c = json!({"entryPoint": ["sh", "-c"], "command": ["exec app"]});
        assert_eq!(start_argv(&c), ["sh", "-c", "exec app"]);
        assert_eq!(shell_script(&start_argv(&c)), Some(("sh", "exec app")));
        assert_eq!(
            shell_script(&["/bin/bash".into(), "-c".into(), "x".into()]),
            Some(("bash", "x"))
        );
        assert_eq!(
            shell_script(&["python".into(), "-c".into(), "x".into()]),
            None
        );
    }

    #[test]
    fn windows_is_recognised_by_platform_program_or_image() {
        assert!(is_windows(
            &json!({"command": ["powershell", "-c", "x"]}),
            false
        ));
        assert!(is_windows(
            &json!({"entryPoint": ["C:\\Windows\\cmd.exe"]}),
            false
        ));
        assert!(is_windows(
            &container("a", "microsoft/windowsservercore:latest"),
            false
        ));
        assert!(is_windows(&container("a", "nginx"), true));
        assert!(!is_windows(&container("a", "nginx"), false));
    }

    #[test]
    fn environment_edits_keep_one_entry() {
        let mut c = json!({"name": "a", "environment": null});
        assert_eq!(set_env(&mut c, "X", "1"), Change::Added);
        assert_eq!(set_env(&mut c, "X", "1"), Change::Unchanged);
        assert_eq!(set_env(&mut c, "X", "2"), Change::Updated);
        assert_eq!(c["environment"], json!([{"name": "X", "value": "2"}]));
        assert!(remove_env(&mut c, "X"));
        assert!(!remove_env(&mut c, "X"));
        assert_eq!(env(&json!({"environment": [{"name": "E"}]}), "E"), Some(""));
        assert!(sets_var(
            &json!({"secrets": [{"name": "K", "valueFrom": "arn"}]}),
            "K"
        ));
    }

    #[test]
    fn labels_are_set_once() {
        let mut c = json!({"name": "a"});
        assert_eq!(set_label(&mut c, "k", "v"), Change::Added);
        assert_eq!(set_label(&mut c, "k", "v"), Change::Unchanged);
        assert_eq!(label(&c, "k"), Some("v"));
    }

    #[test]
    fn apm_port_forms() {
        let with = |mapping: Value| json!({ "portMappings": [mapping] });
        assert_eq!(
            apm_port(
                &with(json!({"containerPort": 8126, "hostPort": 8126})),
                true
            ),
            ApmPort::OnHost
        );
        assert_eq!(
            apm_port(&with(json!({"containerPort": 8126})), true),
            ApmPort::Dynamic(0)
        );
        assert_eq!(
            apm_port(&with(json!({"containerPort": 8126})), false),
            ApmPort::OnHost
        );
        assert_eq!(
            apm_port(
                &with(json!({"containerPort": 8126, "hostPort": 8126, "protocol": "udp"})),
                true
            ),
            ApmPort::Missing
        );
        assert_eq!(
            apm_port(
                &with(json!({"containerPort": 8126, "hostPort": 18126})),
                true
            ),
            ApmPort::Elsewhere(18126)
        );
        assert_eq!(
            apm_port(&json!({"portMappings": null}), true),
            ApmPort::Missing
        );
    }

    #[test]
    fn secret_values_are_collected_by_name() {
        let task = json!({"containerDefinitions": [{"environment": [
            {"name": "DD_API_KEY", "value": "abc"},
            {"name": "db_password", "value": "hunter2"},
            {"name": "MYSQL_PWD", "value": "pw"},
            {"name": "PORT", "value": "80"},
            {"name": "AUTH_TOKEN", "value": ""}
        ]}]});
        assert_eq!(secret_values(&task), ["hunter2", "abc", "pw"]);
    }

    #[test]
    fn secret_options_and_labels_are_secrets_too() {
        let task = json!({"containerDefinitions": [{
            "logConfiguration": {"logDriver": "awsfirelens",
                "options": {"Name": "datadog", "apikey": "0123456789abcdef"}},
            "dockerLabels": {"com.example.token": "t0k", "team": "web"}
        }]});
        assert_eq!(secret_values(&task), ["0123456789abcdef", "t0k"]);
    }

    #[test]
    fn longer_secrets_come_first() {
        let task = json!({"environment": [
            {"name": "A_KEY", "value": "0123"},
            {"name": "B_KEY", "value": "0123456789"},
            {"name": "C_KEY", "value": "0123"}
        ]});
        assert_eq!(secret_values(&task), ["0123456789", "0123"]);
    }
}
