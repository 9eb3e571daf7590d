//! Rules about Datadog's init-container injection: an init container
//! (`dd-lib-<lang>-init`) copies the tracer into a task volume, and the app
//! mounts it at `/datadog-lib`, waits for the copy (`dependsOn` SUCCESS) and
//! loads it through its loader variables. Each rule is a way that layout
//! loses the tracer silently: the variables point at an empty directory,
//! the app starts before the copy, the task stops when the copy ends, one
//! definition of a variable overwrites the other, or the library is for
//! another language.

use serde_json::Value;

use super::rules::*;
use super::socket::mount_covering;
use super::subject::{Subject, Task};
use crate::core::lint::report::Finding;
use crate::core::model::language::Language;
use crate::core::model::tracer::{
    all_loader_var_names, language_of_init_image, language_of_loader_var, MOUNT_PATH, SUCCESS,
};
use crate::core::taskdef::container::{self, Role, TRACER_INIT};

/// Every `environment` entry of the container, with its index, name and
/// value.
fn env_entries(c: &Value) -> Vec<(usize, &str, &str)> {
    c.get("environment")
        .and_then(Value::as_array)
        .map_or(&[][..], Vec::as_slice)
        .iter()
        .enumerate()
        .filter_map(|(i, e)| {
            let name = e.get("name").and_then(Value::as_str)?;
            Some((
                i,
                name,
                e.get("value").and_then(Value::as_str).unwrap_or(""),
            ))
        })
        .collect()
}

/// The loader variables of the container that load an injected tracer, by
/// the language they load: (index in `environment`, name, language).
fn injected_vars(c: &Value) -> Vec<(usize, &str, Language)> {
    env_entries(c)
        .into_iter()
        .filter_map(|(i, name, value)| Some((i, name, language_of_loader_var(name, value)?)))
        .collect()
}

/// The init containers of the task.
fn init_containers<'a>(task: &'a Task) -> Vec<Subject<'a>> {
    task.with_role(Role::Sidecar(TRACER_INIT)).collect()
}

pub fn check_app(app: &Subject, task: &Task, found: &mut Vec<Finding>) {
    let c = app.value;
    let vars = injected_vars(c);
    let mounted = mount_covering(c, MOUNT_PATH);
    if mounted.is_none() {
        if let Some((_, name, _)) = vars.first() {
            found.push(app.finding(
                &TRACER_NOT_MOUNTED,
                &app.env_field(name),
                format!("{name} loads the tracer from {MOUNT_PATH}, but nothing is mounted there: the directory is empty and the app runs untraced"),
            ));
        }
    }
    let inits = init_containers(task);
    let uses_injection = !vars.is_empty() || mounted.is_some();
    if !uses_injection {
        return;
    }
    overwritten_vars(app, found);
    for init in &inits {
        awaits(app, init, found);
        same_language(app, init, &vars, found);
    }
}

/// The app must wait until the copy has finished and succeeded.
fn awaits(app: &Subject, init: &Subject, found: &mut Vec<Finding>) {
    let name = init.name();
    let depends_on = app
        .value
        .get("dependsOn")
        .and_then(Value::as_array)
        .map_or(&[][..], Vec::as_slice);
    let on_init = depends_on
        .iter()
        .position(|d| d.get("containerName").and_then(Value::as_str) == Some(name));
    match on_init {
        None => found.push(app.finding(
            &TRACER_NOT_AWAITED,
            &app.field("dependsOn"),
            format!("the app does not wait for {name:?}: it can start before the tracer is copied in, and then runs untraced"),
        )),
        Some(index) => {
            let condition = depends_on[index]
                .get("condition")
                .and_then(Value::as_str)
                .unwrap_or("");
            if condition != SUCCESS {
                found.push(app.finding(
                    &TRACER_NOT_AWAITED,
                    &format!("/dependsOn/{index}/condition"),
                    format!("the app waits for {name:?} with condition {condition:?}: only SUCCESS waits until the copy has finished without an error"),
                ));
            }
        }
    }
}

/// A variable the tracer is loaded by, set twice or also from `secrets`:
/// ECS keeps one value, so the other, and its entry, is lost.
fn overwritten_vars(app: &Subject, found: &mut Vec<Finding>) {
    let c = app.value;
    let entries = env_entries(c);
    for name in all_loader_var_names() {
        let in_env: Vec<usize> = entries
            .iter()
            .filter(|(_, n, _)| *n == name)
            .map(|(i, _, _)| *i)
            .collect();
        let secret_index = c.get("secrets").and_then(Value::as_array).and_then(|s| {
            s.iter()
                .position(|e| e.get("name").and_then(Value::as_str) == Some(name))
        });
        let (field, twice) = match (in_env.as_slice(), secret_index) {
            ([_, second, ..], _) => (format!("/environment/{second}"), "twice in environment"),
            ([_], Some(secret)) => (
                format!("/secrets/{secret}"),
                "in both environment and secrets",
            ),
            _ => continue,
        };
        found.push(app.finding(
            &LOADER_VAR_OVERWRITTEN,
            &field,
            format!("{name} is set {twice}: one value overwrites the other instead of being appended, so the tracer's entry or yours is lost"),
        ));
    }
}

/// The init image's language must be the one the app's variables load.
fn same_language(
    app: &Subject,
    init: &Subject,
    vars: &[(usize, &str, Language)],
    found: &mut Vec<Finding>,
) {
    let Some(image_language) = language_of_init_image(container::image(init.value)) else {
        return;
    };
    let Some((_, name, var_language)) = vars.iter().find(|(_, _, l)| *l != image_language) else {
        return;
    };
    if vars.iter().any(|(_, _, l)| *l == image_language) {
        return;
    }
    found.push(init.finding(
        &TRACER_INIT_OTHER_LANGUAGE,
        &init.field("image"),
        format!(
            "the init image copies the {} tracer, but the app {:?} loads the {} one ({name}): it finds nothing to load",
            image_language.label(),
            app.name(),
            var_language.label()
        ),
    ));
}

/// The init container exits once it has copied: essential, it stops the
/// task (and ECS refuses a SUCCESS dependency on it).
pub fn check_init(init: &Subject, found: &mut Vec<Finding>) {
    let essential = init.value.get("essential").and_then(Value::as_bool);
    if essential != Some(false) {
        let how = if essential.is_some() {
            "is essential"
        } else {
            "does not say \"essential\": false, and ECS makes a container essential by default"
        };
        found.push(init.finding(
            &TRACER_INIT_ESSENTIAL,
            &init.field("essential"),
            format!("the tracer init container {how}: when its copy ends, the task stops"),
        ));
    }
}
