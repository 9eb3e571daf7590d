//! `patch --log-collection`: the app's logs to Datadog on a task that
//! exists, laid out as `generate` lays it out ([`crate::core::model::logs`]),
//! and `--log-collection=false` or `--remove` to take it out again.
//!
//! An app's own `logConfiguration` is replaced only on this flag, with a
//! note saying what it was; the original is kept in the container's
//! [`JOURNAL_LABEL`] so that taking log collection out puts it back as it
//! was. What patch added to an agent and an app's label on EC2 are
//! journaled the same way, so that only what patch added is taken out.

use serde_json::Value;

use crate::core::generate::logs::{agent_mounts, agent_volumes, router_container, Route};
use crate::core::model::config::Site;
use crate::core::model::logs::{
    log_source, AGENT_ENV, API_KEY_OPTION, DATADOG_OUTPUT, FIRELENS_DRIVER, LOGS_LABEL,
    ROUTER_IMAGE, ROUTER_NAME,
};
use crate::core::patch::{language, Note, PatchError, PatchOptions, Removed};
use crate::core::taskdef::container::{self, Change, Role};
use crate::core::taskdef::context::TaskContext;
use crate::core::taskdef::document::Document;

/// The label on a container that says what log collection patch added to
/// it: `router`, `agent`, `label`, or on an app routed through FireLens
/// the `logConfiguration` it had before, as JSON (`null` for none).
pub const JOURNAL_LABEL: &str = "ddecs-wizard.logs";

const ROUTER: &str = "router";
const AGENT: &str = "agent";
const LABEL: &str = "label";

/// Whether the task's logs go through a FireLens router (Fargate, Managed
/// Instances), rather than the EC2 agent daemon tailing them.
pub fn routes(context: &TaskContext) -> bool {
    context.fargate || context.managed_instances
}

/// Adds log collection for `targets` (the apps) and the agents in the
/// document.
pub fn add(
    document: &mut Document,
    targets: &[usize],
    roles: &[Role],
    context: &TaskContext,
    options: &PatchOptions,
    notes: &mut Vec<Note>,
) -> Result<(), PatchError> {
    if context.windows {
        return Err(PatchError::LogsOnWindows);
    }
    if routes(context) {
        route(document, targets, roles, options, notes)
    } else {
        tail(document, targets, roles, options, notes);
        Ok(())
    }
}

/// Fargate and Managed Instances: the router, and each app's output to it.
fn route(
    document: &mut Document,
    targets: &[usize],
    roles: &[Role],
    options: &PatchOptions,
    notes: &mut Vec<Note>,
) -> Result<(), PatchError> {
    let agent = roles
        .iter()
        .position(|r| *r == Role::Agent)
        .map(|i| document.containers()[i].clone());
    let arn = options
        .api_key_secret_arn
        .clone()
        .or_else(|| {
            agent
                .as_ref()
                .and_then(|a| container::secret_from(a, "DD_API_KEY"))
                .map(str::to_owned)
        })
        .ok_or(PatchError::LogsNeedKey)?;
    let site = options
        .site
        .or_else(|| {
            agent
                .as_ref()
                .and_then(|a| container::env(a, "DD_SITE"))
                .and_then(|s| s.trim().parse::<Site>().ok())
        })
        .unwrap_or(Site::Us1);
    if !targets.is_empty() && !document.containers().iter().any(is_router) {
        let mut router = router_container();
        journal(&mut router, ROUTER);
        if !document.push_container(router) {
            return Err(PatchError::RouterNeedsTask);
        }
        notes.push(Note::LogRouterAdded);
    }
    let init = document
        .containers()
        .iter()
        .find(|c| container::name(c) == crate::core::model::tracer::INIT_CONTAINER_NAME)
        .cloned();
    for &index in targets {
        let app = &mut document.containers_mut()[index];
        let name = container::name(app).to_owned();
        let service = container::env(app, "DD_SERVICE")
            .map(str::to_owned)
            .or_else(|| options.tags.service.clone())
            .unwrap_or_else(|| name.clone());
        let mut tags = Vec::new();
        for (var, key) in [("DD_ENV", "env"), ("DD_VERSION", "version")] {
            if let Some(value) = container::env(app, var) {
                tags.push(format!("{key}:{value}"));
            }
        }
        let source = language::infer(app, init.as_ref(), options.startup_command.as_deref())
            .map_or("ecs", |(language, _)| log_source(language));
        let wanted = Route {
            site,
            api_key_secret_arn: Some(&arn),
            service: &service,
            source,
            tags,
        }
        .log_configuration();
        let before = app.get("logConfiguration").cloned();
        if before.as_ref() == Some(&wanted) {
            continue;
        }
        let replaced = before.as_ref().filter(|b| !is_our_route(b));
        if journal_of(app).is_none() {
            let original = replaced.cloned().unwrap_or(Value::Null);
            journal(app, &original.to_string());
        }
        let summary = replaced.map(summarize);
        if let Some(map) = app.as_object_mut() {
            map.insert("logConfiguration".to_owned(), wanted);
        }
        notes.push(Note::LogsRouted {
            container: name,
            site,
            replaced: summary,
        });
    }
    Ok(())
}

/// EC2: the apps' label, and the agent daemon's variables and volumes when
/// it is in this file.
fn tail(
    document: &mut Document,
    targets: &[usize],
    roles: &[Role],
    options: &PatchOptions,
    notes: &mut Vec<Note>,
) {
    let init = document
        .containers()
        .iter()
        .find(|c| container::name(c) == crate::core::model::tracer::INIT_CONTAINER_NAME)
        .cloned();
    for &index in targets {
        let app = &mut document.containers_mut()[index];
        if label(app, LOGS_LABEL).is_some() {
            continue;
        }
        let name = container::name(app).to_owned();
        let service = container::env(app, "DD_SERVICE")
            .map(str::to_owned)
            .or_else(|| options.tags.service.clone())
            .unwrap_or_else(|| name.clone());
        let mut entry = serde_json::Map::new();
        if let Some((language, _)) =
            language::infer(app, init.as_ref(), options.startup_command.as_deref())
        {
            entry.insert("source".to_owned(), log_source(language).into());
        }
        entry.insert("service".to_owned(), service.into());
        let text = Value::Array(vec![Value::Object(entry)]).to_string();
        set_label(app, LOGS_LABEL, &text);
        if journal_of(app).is_none() {
            journal(app, LABEL);
        }
        notes.push(Note::LogsLabelled { container: name });
    }
    let mut has_agent = false;
    let mut agent_changed = false;
    for (c, role) in document.containers_mut().iter_mut().zip(roles) {
        if *role != Role::Agent {
            continue;
        }
        has_agent = true;
        let mut changed = false;
        for (key, value) in AGENT_ENV {
            changed |= container::set_env(c, key, value) != Change::Unchanged;
        }
        if let Some(map) = c.as_object_mut() {
            if let Some(mounts) = container::array_field(map, "mountPoints") {
                for mount in agent_mounts() {
                    if !mounts
                        .iter()
                        .any(|m| m.get("sourceVolume") == mount.get("sourceVolume"))
                    {
                        mounts.push(mount);
                        changed = true;
                    }
                }
            }
        }
        if changed {
            if journal_of(c).is_none() {
                journal(c, AGENT);
            }
            notes.push(Note::AgentTailsLogs {
                container: container::name(c).to_owned(),
            });
            agent_changed = true;
        }
    }
    if agent_changed {
        if let Some(task) = document.task_mut() {
            if let Some(volumes) = container::array_field(task, "volumes") {
                for volume in agent_volumes() {
                    if !volumes.iter().any(|v| v.get("name") == volume.get("name")) {
                        volumes.push(volume);
                    }
                }
            }
        }
    }
    if !has_agent && !targets.is_empty() {
        notes.push(Note::LogsNeedAgentDaemon);
    }
}

/// Takes out what [`add`] (or `generate`) put in: the router, routes, the
/// app label and the agent's variables, mounts and volumes. A route patch
/// wrote gives back the `logConfiguration` its journal kept.
pub fn remove(document: &mut Document, notes: &mut Vec<Note>) {
    let mut agent_volumes_too = false;
    for c in document.containers_mut() {
        let name = container::name(c).to_owned();
        let journaled = journal_of(c).map(str::to_owned);
        let ours_route = c.get("logConfiguration").is_some_and(is_our_route);
        match journaled.as_deref() {
            Some(ROUTER) => {}
            Some(AGENT) => {
                for (key, _) in AGENT_ENV {
                    container::remove_env(c, key);
                }
                remove_mounts(c);
                agent_volumes_too = true;
                notes.push(Note::TakenOut(Removed::AgentLogs { container: name }));
            }
            Some(LABEL) => {
                remove_label(c, LOGS_LABEL);
                notes.push(Note::TakenOut(Removed::LogsLabel { container: name }));
            }
            Some(original) if ours_route => {
                let original: Value = serde_json::from_str(original).unwrap_or(Value::Null);
                if let Some(map) = c.as_object_mut() {
                    match original {
                        Value::Null => map.remove("logConfiguration"),
                        value => map.insert("logConfiguration".to_owned(), value),
                    };
                }
                notes.push(Note::TakenOut(Removed::LogRoute { container: name }));
            }
            Some(_) => {}
            None if ours_route => {
                if let Some(map) = c.as_object_mut() {
                    map.remove("logConfiguration");
                }
                notes.push(Note::TakenOut(Removed::LogRoute { container: name }));
            }
            None => {}
        }
        if journaled.is_some() {
            remove_label(c, JOURNAL_LABEL);
        }
    }
    let still_routed = document.containers().iter().any(|c| {
        c.pointer("/logConfiguration/logDriver")
            .and_then(Value::as_str)
            == Some(FIRELENS_DRIVER)
    });
    if !still_routed {
        if let Some(index) = document.containers().iter().position(is_our_router) {
            document.remove_container(index);
            notes.push(Note::TakenOut(Removed::LogRouter));
        }
    }
    if agent_volumes_too {
        if let Some(Value::Array(volumes)) = document.task_mut().and_then(|t| t.get_mut("volumes"))
        {
            let ours = agent_volumes();
            volumes.retain(|v| !ours.contains(v));
        }
    }
}

fn remove_mounts(c: &mut Value) {
    if let Some(Value::Array(mounts)) = c.get_mut("mountPoints") {
        let ours = agent_mounts();
        mounts.retain(|m| !ours.contains(m));
    }
}

/// A container that is a FireLens router, ours or the user's.
fn is_router(c: &Value) -> bool {
    c.get("firelensConfiguration").is_some_and(Value::is_object)
}

/// The router patch or `generate` wrote: its name, image and configuration.
fn is_our_router(c: &Value) -> bool {
    if container::name(c) != ROUTER_NAME || container::image(c) != ROUTER_IMAGE {
        return false;
    }
    let mut plain = c.clone();
    remove_label(&mut plain, JOURNAL_LABEL);
    plain == router_container()
}

/// A `logConfiguration` in the shape [`Route`] writes: FireLens to the
/// `datadog` output, with exactly the options it sets.
fn is_our_route(lc: &Value) -> bool {
    const KEYS: [&str; 10] = [
        "Name",
        "Host",
        "TLS",
        "provider",
        "dd_service",
        "dd_source",
        "dd_message_key",
        "dd_tags",
        "retry_limit",
        API_KEY_OPTION,
    ];
    let Some(options) = lc.get("options").and_then(Value::as_object) else {
        return false;
    };
    lc.get("logDriver").and_then(Value::as_str) == Some(FIRELENS_DRIVER)
        && options.get("Name").and_then(Value::as_str) == Some(DATADOG_OUTPUT)
        && options.get("retry_limit").and_then(Value::as_str) == Some("2")
        && options.keys().all(|k| KEYS.contains(&k.as_str()))
}

/// A `logConfiguration` in a few words: its driver and where it sends.
fn summarize(lc: &Value) -> String {
    let driver = lc
        .get("logDriver")
        .and_then(Value::as_str)
        .unwrap_or("no logDriver");
    let target = lc.get("options").and_then(Value::as_object).and_then(|o| {
        ["awslogs-group", "Name", "tag"].iter().find_map(|k| {
            o.get(*k)
                .and_then(Value::as_str)
                .map(|v| format!("{k} {v}"))
        })
    });
    match target {
        Some(target) => format!("{driver}, {target}"),
        None => driver.to_owned(),
    }
}

fn label<'a>(c: &'a Value, key: &str) -> Option<&'a str> {
    c.get("dockerLabels")?.get(key)?.as_str()
}

fn journal_of(c: &Value) -> Option<&str> {
    label(c, JOURNAL_LABEL)
}

fn journal(c: &mut Value, what: &str) {
    set_label(c, JOURNAL_LABEL, what);
}

fn set_label(c: &mut Value, key: &str, value: &str) {
    if let Some(map) = c.as_object_mut() {
        let labels = map
            .entry("dockerLabels")
            .or_insert_with(|| Value::Object(serde_json::Map::new()));
        if let Some(labels) = labels.as_object_mut() {
            labels.insert(key.to_owned(), Value::String(value.to_owned()));
        }
    }
}

/// Takes a label out, and `dockerLabels` with it when nothing is left.
fn remove_label(c: &mut Value, key: &str) {
    let Some(map) = c.as_object_mut() else {
        return;
    };
    if let Some(Value::Object(labels)) = map.get_mut("dockerLabels") {
        labels.remove(key);
        if labels.is_empty() {
            map.remove("dockerLabels");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::model::logs::{CONTAINERS_VOLUME, POINTER_VOLUME};
    use crate::core::patch::patch;
    use crate::core::taskdef::document;
    use serde_json::json;

    const ARN: &str = "arn:aws:secretsmanager:us-east-1:123456789012:secret:dd";

    fn fargate(app: Value) -> Value {
        json!({"family": "web", "requiresCompatibilities": ["FARGATE"], "networkMode": "awsvpc",
            "containerDefinitions": [app, {"name": "datadog-agent", "image": "public.ecr.aws/datadog/agent:7",
            "environment": [{"name": "ECS_FARGATE", "value": "true"}, {"name": "DD_APM_ENABLED", "value": "true"},
                            {"name": "DD_SITE", "value": "datadoghq.eu"}],
            "secrets": [{"name": "DD_API_KEY", "valueFrom": ARN}],
            "portMappings": [{"containerPort": 8126, "protocol": "tcp"}]}]})
    }

    fn run(
        task: &Value,
        options: &PatchOptions,
    ) -> Result<crate::core::patch::Patched, PatchError> {
        patch(
            &document::read(task.to_string().as_bytes()).unwrap(),
            options,
        )
    }

    fn logs_on() -> PatchOptions {
        PatchOptions {
            log_collection: Some(true),
            ..PatchOptions::default()
        }
    }

    #[test]
    fn fargate_gets_the_router_and_the_route_with_the_agents_key_and_site() {
        let app = json!({"name": "web", "image": "python:3", "command": ["python", "app.py"],
            "logConfiguration": {"logDriver": "awslogs", "options": {"awslogs-group": "/ecs/web"}}});
        let p = run(&fargate(app), &logs_on()).unwrap();
        let web = &p.value["containerDefinitions"][0];
        assert_eq!(web["logConfiguration"]["logDriver"], "awsfirelens");
        assert_eq!(
            web["logConfiguration"]["options"]["Host"],
            "http-intake.logs.datadoghq.eu"
        );
        assert_eq!(web["logConfiguration"]["options"]["dd_source"], "python");
        assert_eq!(
            web["logConfiguration"]["secretOptions"][0]["valueFrom"],
            ARN
        );
        let names: Vec<&str> = p.value["containerDefinitions"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["name"].as_str().unwrap())
            .collect();
        assert_eq!(names, ["web", "datadog-agent", ROUTER_NAME]);
        assert!(p.notes.contains(&Note::LogsRouted {
            container: "web".to_owned(),
            site: Site::Eu1,
            replaced: Some("awslogs, awslogs-group /ecs/web".to_owned()),
        }));
        // Again: nothing more to do.
        let again = run(&p.value, &logs_on()).unwrap();
        assert!(!again.changed, "{:?}", again.notes);
    }

    #[test]
    fn taking_logs_out_gives_back_the_configuration_patch_replaced() {
        let app = json!({"name": "web", "image": "python:3", "command": ["python", "app.py"],
            "logConfiguration": {"logDriver": "awslogs", "options": {"awslogs-group": "/ecs/web"}}});
        // Patched for traces first, so that only log collection differs.
        let task = run(&fargate(app), &PatchOptions::default()).unwrap().value;
        let on = run(&task, &logs_on()).unwrap();
        let off = PatchOptions {
            log_collection: Some(false),
            ..PatchOptions::default()
        };
        let back = run(&on.value, &off).unwrap();
        assert_eq!(back.value, task);
        let removed = run(
            &on.value,
            &PatchOptions {
                remove: true,
                ..PatchOptions::default()
            },
        )
        .unwrap();
        assert_eq!(
            removed.value["containerDefinitions"][0]["logConfiguration"],
            task["containerDefinitions"][0]["logConfiguration"]
        );
    }

    #[test]
    fn ec2_labels_the_app_and_says_the_daemon_collects() {
        let task = json!({"family": "web", "requiresCompatibilities": ["EC2"], "containerDefinitions": [
            {"name": "web", "image": "node:20", "command": ["node", "server.js"]}]});
        let p = run(&task, &logs_on()).unwrap();
        let labels = &p.value["containerDefinitions"][0]["dockerLabels"];
        assert_eq!(
            labels[LOGS_LABEL],
            r#"[{"source":"nodejs","service":"web"}]"#
        );
        assert!(p.notes.contains(&Note::LogsNeedAgentDaemon));
        let off = PatchOptions {
            log_collection: Some(false),
            ..PatchOptions::default()
        };
        let back = run(&p.value, &off).unwrap();
        assert_eq!(
            back.value["containerDefinitions"][0].get("dockerLabels"),
            None
        );
    }

    #[test]
    fn the_ec2_agent_daemon_tails_logs_and_gives_them_back() {
        let config = crate::core::model::config::Config::default();
        let agent = crate::core::generate::agent::build_agent_task_definition(&config).unwrap();
        let p = run(&agent, &logs_on()).unwrap();
        let c = &p.value["containerDefinitions"][0];
        assert_eq!(container::env(c, "DD_LOGS_ENABLED"), Some("true"));
        let volumes: Vec<&str> = p.value["volumes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v["name"].as_str().unwrap())
            .collect();
        assert!(
            volumes.ends_with(&[POINTER_VOLUME.0, CONTAINERS_VOLUME.0]),
            "{volumes:?}"
        );
        let removed = run(
            &p.value,
            &PatchOptions {
                remove: true,
                ..PatchOptions::default()
            },
        )
        .unwrap();
        assert_eq!(removed.value, agent);
    }

    #[test]
    fn managed_instances_need_the_key_and_windows_is_refused() {
        let task = json!({"requiresCompatibilities": ["MANAGED_INSTANCES"], "networkMode": "awsvpc",
            "containerDefinitions": [{"name": "web", "image": "python:3", "command": ["python", "app.py"]}]});
        assert_eq!(run(&task, &logs_on()).unwrap_err(), PatchError::LogsNeedKey);
        let with_key = PatchOptions {
            api_key_secret_arn: Some(ARN.to_owned()),
            ..logs_on()
        };
        let p = run(&task, &with_key).unwrap();
        assert_eq!(p.value["containerDefinitions"][1]["name"], ROUTER_NAME);
        let windows = json!({"requiresCompatibilities": ["FARGATE"], "networkMode": "awsvpc",
            "runtimePlatform": {"operatingSystemFamily": "WINDOWS_SERVER_2022_CORE"},
            "containerDefinitions": [{"name": "web", "image": "mcr.microsoft.com/dotnet/aspnet:8.0", "command": ["dotnet", "App.dll"]},
                {"name": "datadog-agent", "image": "public.ecr.aws/datadog/agent:7", "environment": [{"name": "ECS_FARGATE", "value": "true"}]}]});
        assert_eq!(
            run(&windows, &logs_on()).unwrap_err(),
            PatchError::LogsOnWindows
        );
    }
}
