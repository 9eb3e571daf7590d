//! Rules about the agent container: can it accept traces at all, and is
//! it set up for where it runs (a daemon on the EC2 host, or a Fargate
//! sidecar).

use serde_json::Value;

use super::rules::*;
use super::socket;
use super::subject::{Subject, Task};
use crate::core::lint::report::Finding;
use crate::core::taskdef::container::{self, AgentImage, ApmPort};
use crate::core::taskdef::context::Network;

pub fn check(agent: &Subject, task: &Task, found: &mut Vec<Finding>) {
    let context = &task.context;
    let c = agent.value;
    if container::named_agent_on_other_image(c) {
        found.push(agent.finding(
            &AGENT_NAME_OTHER_IMAGE,
            "/image",
            format!(
                "named like the Datadog agent, but the image is {}: traces sent to it are lost",
                container::image(c)
            ),
        ));
        return;
    }
    let socket_mount = socket::agent_socket_mount(c);
    // In host mode the agent listens on the host's own network already; an
    // agent that shares the socket directory serves the apps that use it
    // (on Managed Instances, all of them) without any port.
    let serves_socket = socket_mount.is_some_and(|(_, read_only)| !read_only);
    if context.agent_on_host() && context.network == Network::Bridge && !serves_socket {
        let problem = match container::apm_port(c, true) {
            ApmPort::Missing => Some("no 8126/tcp host port: apps reach the agent at the host's IP, so their traces are refused"),
            ApmPort::Dynamic(_) => Some("8126/tcp has no hostPort: Docker publishes it on a random host port that apps cannot know"),
            ApmPort::OnHost | ApmPort::Elsewhere(_) => None,
        };
        if let Some(problem) = problem {
            found.push(agent.finding(&AGENT_NO_APM_PORT, &agent.field("portMappings"), problem));
        }
    }
    // On localhost (a sidecar) traces are local traffic: only APM itself
    // must be on.
    let needed: &[&str] = if context.agent_on_localhost() {
        &["DD_APM_ENABLED"]
    } else {
        &["DD_APM_ENABLED", "DD_APM_NON_LOCAL_TRAFFIC"]
    };
    let legacy = container::is_legacy_agent(c, None);
    let missing: Vec<&str> = needed
        .iter()
        .copied()
        .filter(|name| container::env(c, name).is_none())
        .collect();
    if legacy && !missing.is_empty() {
        found.push(agent.finding(
            &LEGACY_AGENT_NO_APM_ENV,
            &agent.field("image"),
            format!(
                "agent 7.17 or lower without {}: it refuses traces from other containers",
                missing.join(" and ")
            ),
        ));
    }
    let off: Vec<&str> = needed
        .iter()
        .copied()
        .filter(|name| is_false(container::env(c, name)))
        .collect();
    if let Some(first) = off.first() {
        found.push(agent.finding(
            &APM_SWITCHED_OFF,
            &agent.env_field(first),
            format!(
                "{} is switched off, so the agent refuses traces from the apps",
                off.join(" and ")
            ),
        ));
    }
    let mappings = container::port_mappings(c);
    let statsd = |tcp: bool| {
        mappings.iter().position(|m| {
            m.get("containerPort").and_then(Value::as_u64) == Some(8125)
                && container::is_tcp(m) == tcp
        })
    };
    if let (Some(index), None) = (statsd(true), statsd(false)) {
        found.push(agent.finding(
            &DOGSTATSD_TCP,
            &format!("/portMappings/{index}"),
            "8125 is mapped as tcp only: DogStatsD listens on udp, so metrics sent to it are lost",
        ));
    }
    if container::agent_image(c) == AgentImage::Agent5 {
        found.push(agent.finding(
            &AGENT_5,
            &agent.field("image"),
            "docker-dd-agent is Agent 5, which is retired and gets no fixes",
        ));
    }
    if let Some((mount, true)) = socket_mount {
        found.push(agent.finding(
            &AGENT_SOCKET_READ_ONLY,
            &format!("/mountPoints/{mount}/readOnly"),
            "the socket directory is mounted read-only: the agent cannot create apm.socket there, so apps that use the socket reach nothing",
        ));
    }
    if context.fargate {
        check_fargate_sidecar(agent, legacy, found);
    }
}

fn check_fargate_sidecar(agent: &Subject, legacy: bool, found: &mut Vec<Finding>) {
    let c = agent.value;
    let fargate_mode =
        container::env(c, "ECS_FARGATE").is_some_and(|v| v.trim().eq_ignore_ascii_case("true"));
    if !fargate_mode {
        found.push(agent.finding(
            &FARGATE_AGENT_NOT_FARGATE,
            &agent.env_field("ECS_FARGATE"),
            "without ECS_FARGATE=true the agent looks for an EC2 host and a Docker socket that Fargate does not have, and does not start its collection",
        ));
    }
    // 7.17 and lower are DDECS002's: there APM is off unless set.
    if !legacy && container::env(c, "DD_APM_ENABLED").is_none() {
        found.push(agent.finding(
            &FARGATE_AGENT_APM_IMPLICIT,
            &agent.field("environment"),
            "DD_APM_ENABLED is not set: APM is on only by the image's default, which an older or customised image does not share",
        ));
    }
}

pub fn is_false(value: Option<&str>) -> bool {
    value.is_some_and(|v| {
        matches!(
            v.trim().to_ascii_lowercase().as_str(),
            "false" | "0" | "no" | "off"
        )
    })
}
