//! `patch --tracer inject`: Datadog's init-container injection added to an
//! existing task, the same JSON `generate` writes
//! ([`crate::core::generate::inject`]): the `datadog-tracer` init
//! container, the task volume, and in each app the mount, the wait for the
//! copy (`dependsOn` SUCCESS) and the loader variables, merged into the
//! values the app has ([`LoaderVar::merge`]), never overwriting them.
//!
//! Everything is checked before anything is changed; a second run finds
//! everything in place and changes nothing. [`remove`] takes out what
//! [`add`] put in, and only that: an init container, volume, mount or
//! variable entry that is not exactly ours stays.

use serde_json::{Map, Value};

use crate::core::generate::inject::build_init_container;
use crate::core::model::config::{BaseImage, Config, Language, TracerVersion};
use crate::core::model::tracer::{
    self, injection_refused, language_of_init_image, loader_vars, Arch, Libc, LoaderVar, Merge,
    Platform, INIT_CONTAINER_NAME, MOUNT_PATH, SUCCESS, VOLUME,
};
use crate::core::patch::language::{self, Evidence};
use crate::core::patch::{uds, Note, PatchError};
use crate::core::taskdef::container;
use crate::core::taskdef::context::TaskContext;
use crate::core::taskdef::document::Document;

/// What `--tracer inject` was given with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Injection {
    /// `--tracer-version`: `None` keeps the init image the task has, or
    /// takes the language's default major.
    pub version: Option<TracerVersion>,
    /// `--base-image`: `None` reads the C library from the image's tag
    /// (`-alpine` is musl).
    pub base_image: Option<BaseImage>,
}

/// One app to inject into, checked.
struct Plan {
    index: usize,
    vars: Vec<(&'static str, String)>,
}

/// Adds the injection to the apps at `targets`.
pub fn add(
    document: &mut Document,
    targets: &[usize],
    context: &TaskContext,
    injection: &Injection,
    startup: Option<&str>,
    notes: &mut Vec<Note>,
) -> Result<(), PatchError> {
    let init_index = document
        .containers()
        .iter()
        .position(|c| container::is_tracer_init(c) || container::name(c) == INIT_CONTAINER_NAME);
    let init = init_index.map(|i| document.containers()[i].clone());
    if let Some(init) = &init {
        if language_of_init_image(container::image(init)).is_none() {
            return Err(PatchError::TracerNameTaken {
                image: container::image(init).to_owned(),
            });
        }
    }
    let language = app_language(document, targets, init.as_ref(), startup)?;
    let version = injection
        .version
        .or_else(|| {
            let init = init.as_ref()?;
            container::tag(container::image(init))?.parse().ok()
        })
        .unwrap_or(TracerVersion::Major(tracer::default_major(language.0)));
    let arch = match document
        .task()
        .and_then(|t| t.get("runtimePlatform"))
        .and_then(|p| p.get("cpuArchitecture"))
        .and_then(Value::as_str)
    {
        Some("ARM64") => Arch::Arm64,
        _ => Arch::X86_64,
    };
    let mut plans = Vec::new();
    for &index in targets {
        let app = &document.containers()[index];
        let name = container::name(app).to_owned();
        let libc = match injection.base_image {
            Some(base) => base.libc(),
            None if container::tag(container::image(app)).is_some_and(|t| t.contains("alpine")) => {
                Libc::Musl
            }
            None => Libc::Gnu,
        };
        let platform = Platform {
            arch,
            windows: container::is_windows(app, context.windows),
        };
        if let Some(refusal) = injection_refused(language.0, libc, version, platform) {
            return Err(PatchError::InjectionRefused {
                container: name,
                why: refusal.why(),
            });
        }
        let vars = merged_vars(app, loader_vars(language.0, libc))?;
        if let Some(other) = foreign_mount(app) {
            return Err(PatchError::LibraryDirTaken {
                container: name,
                volume: other,
            });
        }
        plans.push(Plan { index, vars });
    }
    let config = Config {
        tracer_version: Some(version),
        ..Config::for_language(language.0)
    };
    notes.push(Note::TracerLanguage {
        language: language.0,
        evidence: language.1.to_string(),
    });
    let wanted = build_init_container(&config).ok_or(PatchError::InjectionRefused {
        container: String::new(),
        why: tracer::Refusal::Go.why(),
    })?;
    match init_index {
        None => {
            let image = wanted["image"].as_str().unwrap_or_default().to_owned();
            if !document.push_container(wanted) {
                return Err(PatchError::InitNeedsTask);
            }
            notes.push(Note::TracerInitAdded { image });
        }
        Some(i) if injection.version.is_some() => {
            let init = &mut document.containers_mut()[i];
            if init.get("image") != wanted.get("image") {
                init["image"] = wanted["image"].clone();
                notes.push(Note::TracerInitImageSet {
                    container: container::name(init).to_owned(),
                    image: wanted["image"].as_str().unwrap_or_default().to_owned(),
                });
            }
        }
        Some(_) => {}
    }
    match document.task_mut() {
        Some(task) => add_volume(task, notes),
        None => notes.push(Note::TracerVolumeYourself),
    }
    for plan in plans {
        let app = &mut document.containers_mut()[plan.index];
        add_to_app(app, &plan.vars, notes);
    }
    Ok(())
}

/// The one language of the apps to inject into: the task has room for one
/// init container, which copies one language's library.
fn app_language(
    document: &Document,
    targets: &[usize],
    init: Option<&Value>,
    startup: Option<&str>,
) -> Result<(Language, Evidence), PatchError> {
    let mut found: Option<(Language, Evidence, String)> = None;
    for &index in targets {
        let app = &document.containers()[index];
        let name = container::name(app).to_owned();
        let (language, evidence) =
            language::infer(app, init, startup).ok_or_else(|| PatchError::LanguageUnknown {
                container: name.clone(),
                image: container::image(app).to_owned(),
            })?;
        if let (Some(init), Some((loaded, _))) = (init, language::from_loader_vars(app)) {
            let copied = language_of_init_image(container::image(init));
            if copied.is_some_and(|c| c != loaded) {
                return Err(PatchError::InitOtherLanguage {
                    container: name,
                    loads: loaded,
                    image: container::image(init).to_owned(),
                });
            }
        }
        match &found {
            Some((first, _, first_name)) if *first != language => {
                return Err(PatchError::InjectLanguagesDiffer {
                    first: (first_name.clone(), *first),
                    second: (name, language),
                })
            }
            Some(_) => {}
            None => found = Some((language, evidence, name)),
        }
    }
    found.map(|(l, e, _)| (l, e)).ok_or(PatchError::InjectNoApp)
}

/// Each loader variable's new value, checked: a variable from `secrets`
/// or defined twice cannot be appended to, and a set-if-absent variable
/// with another value is a conflict. Unchanged variables are left out.
fn merged_vars(
    app: &Value,
    vars: Vec<LoaderVar>,
) -> Result<Vec<(&'static str, String)>, PatchError> {
    let name = container::name(app);
    let mut merged = Vec::new();
    for var in vars {
        if container::secret_names(app).contains(&var.name) {
            return Err(PatchError::LoaderVarSecret {
                container: name.to_owned(),
                var: var.name,
            });
        }
        let defined = app
            .get("environment")
            .and_then(Value::as_array)
            .map_or(0, |env| {
                env.iter()
                    .filter(|e| e.get("name").and_then(Value::as_str) == Some(var.name))
                    .count()
            });
        if defined > 1 {
            return Err(PatchError::LoaderVarTwice {
                container: name.to_owned(),
                var: var.name,
            });
        }
        let value = var
            .merge(container::env(app, var.name))
            .map_err(|conflict| PatchError::LoaderVarConflict {
                container: name.to_owned(),
                why: conflict.to_string(),
            })?;
        if let Some(value) = value {
            merged.push((var.name, value));
        }
    }
    Ok(merged)
}

/// A mount at the library's directory from another volume: the library
/// would land beside it, unseen.
fn foreign_mount(app: &Value) -> Option<String> {
    app.get("mountPoints")?
        .as_array()?
        .iter()
        .find(|m| {
            m.get("containerPath").and_then(Value::as_str) == Some(MOUNT_PATH)
                && m.get("sourceVolume").and_then(Value::as_str) != Some(VOLUME)
        })
        .map(|m| {
            m.get("sourceVolume")
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_owned()
        })
}

fn add_volume(task: &mut Map<String, Value>, notes: &mut Vec<Note>) {
    let Some(volumes) = container::array_field(task, "volumes") else {
        return;
    };
    let present = volumes
        .iter()
        .any(|v| v.get("name").and_then(Value::as_str) == Some(VOLUME));
    if !present {
        volumes.push(tracer::volume());
        notes.push(Note::TracerVolumeAdded);
    }
}

fn add_to_app(app: &mut Value, vars: &[(&'static str, String)], notes: &mut Vec<Note>) {
    let name = container::name(app).to_owned();
    let Some(map) = app.as_object_mut() else {
        return;
    };
    if let Some(mounts) = container::array_field(map, "mountPoints") {
        let mounted = mounts.iter().any(|m| {
            m.get("sourceVolume").and_then(Value::as_str) == Some(VOLUME)
                && m.get("containerPath").and_then(Value::as_str) == Some(MOUNT_PATH)
        });
        if !mounted {
            mounts.push(tracer::mount());
            notes.push(Note::TracerMounted {
                container: name.clone(),
            });
        }
    }
    if let Some(depends_on) = container::array_field(map, "dependsOn") {
        let on_init = depends_on
            .iter_mut()
            .find(|d| d.get("containerName").and_then(Value::as_str) == Some(INIT_CONTAINER_NAME));
        match on_init {
            Some(d) if d.get("condition").and_then(Value::as_str) == Some(SUCCESS) => {}
            Some(d) => {
                d["condition"] = Value::from(SUCCESS);
                notes.push(Note::TracerWaitFixed {
                    container: name.clone(),
                });
            }
            None => {
                depends_on.push(tracer::dependency());
                notes.push(Note::TracerAwaited {
                    container: name.clone(),
                });
            }
        }
    }
    for (var, value) in vars {
        container::set_env(app, var, value);
    }
    if !vars.is_empty() {
        notes.push(Note::LoaderVarsSet {
            container: name,
            vars: vars.iter().map(|(v, _)| *v).collect(),
        });
    }
}

/// Takes the injection out: our init container, and where it was ours (or
/// there is none), the volume, each container's mount and wait, and our
/// part of each loader variable. Whether anything changed.
///
/// Only for [`crate::core::patch::remove`], which trims what it emptied.
pub fn remove(document: &mut Document) -> bool {
    let ours = document.containers().iter().position(is_our_init);
    let theirs = document
        .containers()
        .iter()
        .any(|c| container::is_tracer_init(c) && !is_our_init(c));
    if theirs {
        return false;
    }
    let mut changed = false;
    if let Some(index) = ours {
        changed |= document.remove_container(index);
    }
    if let Some(task) = document.task_mut() {
        if let Some(Value::Array(volumes)) = task.get_mut("volumes") {
            let before = volumes.len();
            volumes.retain(|v| v != &tracer::volume());
            // An emptied `volumes` is left to the caller, which knows
            // whether the user wrote it empty.
            changed |= volumes.len() != before;
        }
    }
    for app in document.containers_mut() {
        changed |= remove_from_app(app);
    }
    changed
}

/// Whether `c` is the init container exactly as [`add`] writes it, at any
/// tag of its language's image.
fn is_our_init(c: &Value) -> bool {
    let Some(language) = language_of_init_image(container::image(c)) else {
        return false;
    };
    let Some(mut wanted) = build_init_container(&Config::for_language(language)) else {
        return false;
    };
    wanted["image"] = Value::from(container::image(c));
    *c == wanted
}

fn remove_from_app(app: &mut Value) -> bool {
    let Some(map) = app.as_object_mut() else {
        return false;
    };
    let mut emptied = Vec::new();
    let mut changed = false;
    for (key, ours) in [
        ("mountPoints", tracer::mount()),
        ("dependsOn", tracer::dependency()),
    ] {
        if let Some(Value::Array(items)) = map.get_mut(key) {
            let before = items.len();
            items.retain(|item| item != &ours);
            if items.len() != before {
                changed = true;
                if items.is_empty() {
                    emptied.push(key);
                }
            }
        }
    }
    if let Some(Value::Array(env)) = map.get_mut("environment") {
        let before = env.clone();
        env.retain_mut(|entry| {
            let (Some(name), Some(value)) = (
                entry.get("name").and_then(Value::as_str),
                entry.get("value").and_then(Value::as_str),
            ) else {
                return true;
            };
            match without_ours(name, value) {
                None => true,
                Some(rest) if rest.is_empty() => false,
                Some(rest) => {
                    entry["value"] = Value::from(rest);
                    true
                }
            }
        });
        if *env != before {
            changed = true;
            if env.is_empty() {
                emptied.push("environment");
            }
        }
    }
    uds::trim_trailing(map, &emptied);
    changed
}

/// The value of loader variable `name` without the entry injection put in
/// it (empty when nothing else is left), or `None` when it has none.
fn without_ours(name: &str, value: &str) -> Option<String> {
    let vars = Language::ALL.into_iter().flat_map(|language| {
        [Libc::Gnu, Libc::Musl]
            .into_iter()
            .flat_map(move |libc| loader_vars(language, libc))
    });
    for var in vars.filter(|v| v.name == name) {
        let wanted = var.value.as_str();
        let rest = match var.merge {
            Merge::SetIfAbsent => (value == wanted).then(String::new),
            Merge::Append {
                sep,
                keep_leading_empty,
            } => {
                if value == wanted || (keep_leading_empty && value == format!("{sep}{wanted}")) {
                    Some(String::new())
                } else {
                    value
                        .strip_suffix(wanted)
                        .and_then(|v| v.strip_suffix(sep))
                        .map(str::to_owned)
                }
            }
            Merge::Prepend { sep, .. } => {
                if value == wanted {
                    Some(String::new())
                } else {
                    value
                        .strip_prefix(wanted)
                        .and_then(|v| v.strip_prefix(sep))
                        .map(str::to_owned)
                }
            }
        };
        if rest.is_some() {
            return rest;
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn our_entry_comes_out_of_a_merged_value() {
        let cases = [
            ("PYTHONPATH", "/app:/datadog-lib", Some("/app")),
            ("PYTHONPATH", "/datadog-lib", Some("")),
            ("PYTHONPATH", "/app", None),
            ("RUBYOPT", "-r/datadog-lib/auto_inject -W0", Some("-W0")),
            (
                "PHP_INI_SCAN_DIR",
                ":/datadog-lib/linux-musl/loader",
                Some(""),
            ),
            (
                "PHP_INI_SCAN_DIR",
                "/etc/php:/datadog-lib/linux-gnu/loader",
                Some("/etc/php"),
            ),
            ("DD_DOTNET_TRACER_HOME", "/datadog-lib", Some("")),
            ("DD_DOTNET_TRACER_HOME", "/opt/datadog", None),
        ];
        for (name, value, want) in cases {
            assert_eq!(without_ours(name, value).as_deref(), want, "{name}={value}");
        }
    }
}
