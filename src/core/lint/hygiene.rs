//! Rules for every container and for the task as a whole: ports that
//! cannot work, values ECS passes on verbatim, secrets in plain sight and
//! placeholders never filled in.

use serde_json::Value;

use super::rules::*;
use super::subject::{Subject, Task};
use crate::core::json::position::push_token;
use crate::core::lint::report::Finding;
use crate::core::taskdef::container::{self, AgentImage};
use crate::core::taskdef::document::display_path;
use crate::core::taskdef::placeholder;

pub fn check_any(subject: &Subject, found: &mut Vec<Finding>) {
    let c = subject.value;
    let udp_apm = container::port_mappings(c).iter().position(|m| {
        let port = |key: &str| m.get(key).and_then(Value::as_u64);
        (port("containerPort") == Some(8126) || port("hostPort") == Some(8126))
            && !container::is_tcp(m)
    });
    if let Some(index) = udp_apm {
        found.push(subject.finding(
            &APM_PORT_UDP,
            &format!("/portMappings/{index}"),
            "8126 is mapped with a protocol other than tcp; the trace agent listens on tcp",
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
    if let Some(first) = quoted.first() {
        found.push(subject.finding(
            &QUOTED_TAG,
            &subject.env_field(first),
            format!(
                "{} is wrapped in quotes: ECS passes them on, so the quotes end up in the tags",
                quoted.join(" and ")
            ),
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
            found.push(subject.finding(
                &API_KEY_PLAIN,
                &subject.env_field(name),
                format!("{name} is a plain environment value: anyone who can describe the task definition can read it"),
            ));
        }
    }
}

pub fn placeholders(subject: &Subject, found: &mut Vec<Finding>) {
    let c = subject.value;
    for placeholder in placeholder::angle_placeholders(c) {
        let env_name = env_name(c, &placeholder.pointer);
        // A placeholder DD_AGENT_HOST gets DDECS012/013, which say what to
        // do instead of filling it in.
        if env_name == Some("DD_AGENT_HOST") {
            continue;
        }
        let path = display_path(&format!("{}{}", subject.pointer, placeholder.pointer));
        found.push(subject.finding(
            &PLACEHOLDER,
            &placeholder.pointer,
            message(&placeholder, env_name, &path),
        ));
    }
}

pub fn placeholders_outside_containers(task: &Task, found: &mut Vec<Finding>) {
    let Some(fields) = task.document.task() else {
        return;
    };
    for (key, value) in fields
        .iter()
        .filter(|(key, _)| *key != "containerDefinitions")
    {
        for placeholder in placeholder::angle_placeholders(value) {
            let mut pointer = String::new();
            push_token(&mut pointer, key);
            pointer.push_str(&placeholder.pointer);
            let pointer = task.document.file_pointer(&pointer);
            let text = message(&placeholder, None, &display_path(&pointer));
            found.push(task.finding(&PLACEHOLDER, pointer, text));
        }
    }
}

/// The variable whose value sits at `pointer`, if it is an env value.
fn env_name<'a>(container: &'a Value, pointer: &str) -> Option<&'a str> {
    pointer
        .strip_suffix("/value")
        .filter(|p| p.starts_with("/environment/"))
        .and_then(|p| container.pointer(p))
        .and_then(|entry| entry.get("name"))
        .and_then(Value::as_str)
}

/// An environment value is named, never shown.
fn message(found: &placeholder::Found, env_name: Option<&str>, path: &str) -> String {
    match env_name {
        Some(name) => format!("{name} is still a placeholder ({path})"),
        None => format!("placeholder {} left in {path}", found.text),
    }
}
