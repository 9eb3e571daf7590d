//! Rules about the tracer features an app switches on by variable, and the
//! task settings they bring: a profiler asked of a runtime that loads no
//! tracer, a sample rate no tracer reads, and the shared PID namespace of
//! process collection in a task meant for ECS Exec.

use serde_json::Value;

use super::rules::*;
use super::subject::{Subject, Task};
use crate::core::lint::report::Finding;
use crate::core::model::features::{SampleRate, SAMPLE_RATE_ENV};
use crate::core::model::tracer::{language_of_loader_var, MOUNT_PATH};
use crate::core::taskdef::container;

/// Values Datadog's tracers read as "on" for DD_PROFILING_ENABLED.
fn profiling_on(value: &str) -> bool {
    matches!(
        value.trim().to_ascii_lowercase().as_str(),
        "true" | "1" | "auto"
    )
}

/// Runtimes that run untraced unless something loads the tracer: their
/// start command shows it, unlike PHP (an extension), Go (compiled in) or
/// Ruby (required in code).
const RUNTIMES: [&str; 4] = ["python", "node", "java", "dotnet"];

/// Words of a start command or a variable that load Datadog's tracer.
const LOADERS: [&str; 6] = [
    "ddtrace",
    "dd-trace",
    "dd-java-agent",
    "datadog",
    "dd_trace",
    "javaagent",
];

/// Whether the container loads a tracer in a way the task definition
/// shows: an injected library, a loader in the start command, or a
/// variable that loads one (NODE_OPTIONS, JAVA_TOOL_OPTIONS, the CLR's).
fn loads_tracer(c: &Value, start: &str) -> bool {
    let env = c
        .get("environment")
        .and_then(Value::as_array)
        .map_or(&[][..], Vec::as_slice);
    let env_loads = env.iter().any(|e| {
        let name = e.get("name").and_then(Value::as_str).unwrap_or("");
        let value = e.get("value").and_then(Value::as_str).unwrap_or("");
        language_of_loader_var(name, value).is_some()
            || value.contains(MOUNT_PATH)
            || (name == "CORECLR_ENABLE_PROFILING" && value.trim() == "1")
            || (matches!(name, "NODE_OPTIONS" | "JAVA_TOOL_OPTIONS" | "_JAVA_OPTIONS")
                && LOADERS
                    .iter()
                    .any(|w| value.to_ascii_lowercase().contains(w)))
    });
    env_loads || LOADERS.iter().any(|w| start.contains(w))
}

/// The runtime the start command runs directly, when it is one of
/// [`RUNTIMES`] (`python3.12`, `/usr/bin/node`, `exec java`).
fn runtime_of(start: &str) -> Option<&'static str> {
    let program = start
        .split_whitespace()
        .find(|w| !matches!(*w, "exec" | "env") && !w.contains('='))?;
    let base = program.rsplit('/').next().unwrap_or(program);
    RUNTIMES.into_iter().find(|r| base.starts_with(r))
}

pub fn check_app(app: &Subject, found: &mut Vec<Finding>) {
    let c = app.value;
    if container::env(c, "DD_PROFILING_ENABLED").is_some_and(profiling_on) {
        let start = container::start_text(c).to_ascii_lowercase();
        if let Some(runtime) = runtime_of(&start) {
            if !loads_tracer(c, &start) {
                found.push(app.finding(
                    &PROFILING_WITHOUT_TRACER,
                    &app.env_field("DD_PROFILING_ENABLED"),
                    format!("DD_PROFILING_ENABLED is on, but the app starts {runtime} without a Datadog tracer (no injected library, no loader in its command or variables): no profile is sent"),
                ));
            }
        }
    }
    if let Some(rate) = container::env(c, SAMPLE_RATE_ENV) {
        if rate.trim().parse::<SampleRate>().is_err() {
            found.push(app.finding(
                &SAMPLE_RATE_OUT_OF_RANGE,
                &app.env_field(SAMPLE_RATE_ENV),
                format!("{SAMPLE_RATE_ENV} is {rate:?}, not a number from 0 to 1: tracers ignore it and keep their default sampling"),
            ));
        }
    }
}

/// `pidMode: task` shares one PID namespace, and ECS Exec opens a session
/// into only one container of a namespace; `initProcessEnabled` is what
/// AWS asks of containers meant for ECS Exec (the service's
/// enableExecuteCommand is not in the task definition).
pub fn check_task(task: &Task, found: &mut Vec<Finding>) {
    let Some(fields) = task.document.task() else {
        return;
    };
    if fields.get("pidMode").and_then(Value::as_str) != Some("task") {
        return;
    }
    let exec = task.document.containers().iter().find(|c| {
        c.pointer("/linuxParameters/initProcessEnabled")
            .and_then(Value::as_bool)
            == Some(true)
    });
    if let Some(c) = exec {
        found.push(task.finding(
            &PID_MODE_TASK_WITH_EXEC,
            task.field("pidMode"),
            format!(
                "pidMode is \"task\" and {:?} is prepared for ECS Exec (initProcessEnabled): with a shared PID namespace ECS Exec opens sessions into one container only",
                container::name(c)
            ),
        ));
    }
}
