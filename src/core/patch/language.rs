//! Which language an existing app container runs, for `patch --tracer
//! inject`, which must pick the init image and the loader variables and has
//! no `--language` of its own (the file says what the app is; a flag could
//! only contradict it).
//!
//! The evidence, strongest first: loader variables that already load an
//! injected tracer (a file patched before), the init container already in
//! the task, the program the start command runs (`python`, `gunicorn`,
//! `node`, `java`, ...), and last the image's repository when it is one of
//! the runtimes' official images (`python`, `node`, `eclipse-temurin`,
//! `mcr.microsoft.com/dotnet/aspnet`). Custom images (`…/my-app:1`) say
//! nothing, and a start command that runs a compiled binary neither: then
//! the language is unknown and patch says what it looked at.

use serde_json::Value;

use crate::core::generate::entrypoint::recover_startup_command;
use crate::core::model::language::Language;
use crate::core::model::tracer::{language_of_init_image, language_of_loader_var};
use crate::core::patch::seed_wrapper;
use crate::core::shell;
use crate::core::taskdef::container;

/// Where the language was read from, for the note that says so.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Evidence {
    /// A loader variable pointing into the tracer volume.
    LoaderVar(String),
    /// The init container's image.
    InitImage(String),
    /// The program the start command runs.
    Program(String),
    /// The image's repository.
    Image(String),
}

impl std::fmt::Display for Evidence {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Evidence::LoaderVar(name) => write!(f, "its {name}"),
            Evidence::InitImage(image) => write!(f, "the init image {image}"),
            Evidence::Program(program) => write!(f, "its start command ({program})"),
            Evidence::Image(image) => write!(f, "its image {image}"),
        }
    }
}

/// The language of `app`, and why; `startup` is a start command given on
/// the command line, which replaces the container's own.
pub fn infer(
    app: &Value,
    init: Option<&Value>,
    startup: Option<&str>,
) -> Option<(Language, Evidence)> {
    from_loader_vars(app)
        .or_else(|| {
            let image = container::image(init?);
            Some((
                language_of_init_image(image)?,
                Evidence::InitImage(image.to_owned()),
            ))
        })
        .or_else(|| {
            let command = match startup {
                Some(given) => given.to_owned(),
                None => start_command(app)?,
            };
            let program = program(&command)?;
            Some((of_program(&program)?, Evidence::Program(program)))
        })
        .or_else(|| {
            let image = container::image(app);
            Some((of_image(image)?, Evidence::Image(image.to_owned())))
        })
}

/// The language an injected tracer is already loaded for.
pub fn from_loader_vars(app: &Value) -> Option<(Language, Evidence)> {
    app.get("environment")?
        .as_array()?
        .iter()
        .find_map(|entry| {
            let name = entry.get("name")?.as_str()?;
            let value = entry.get("value")?.as_str()?;
            Some((
                language_of_loader_var(name, value)?,
                Evidence::LoaderVar(name.to_owned()),
            ))
        })
}

/// The start command as one line of shell, seen through our wrapper and
/// the documentation's one-liner.
fn start_command(app: &Value) -> Option<String> {
    let argv = container::start_argv(app);
    match container::shell_script(&argv) {
        Some((_, script)) => Some(
            recover_startup_command(script)
                .or_else(|| seed_wrapper::strip(script).map(str::to_owned))
                .unwrap_or_else(|| script.to_owned()),
        ),
        None if argv.is_empty() => None,
        None => Some(shell::join(&argv)),
    }
}

/// The base name of the program the last command of `command` runs,
/// past `exec`, `env` and variable assignments.
fn program(command: &str) -> Option<String> {
    let last = shell::last_command(command);
    let word = last
        .split_whitespace()
        .map(|w| w.trim_matches(|c| c == '"' || c == '\''))
        .find(|w| !matches!(*w, "exec" | "env") && !w.contains('=') && !w.starts_with('-'))?;
    let base = word.rsplit('/').next().unwrap_or(word);
    (!base.is_empty()).then(|| base.to_owned())
}

/// The language of a program by its name: the interpreters, their version
/// suffixes (`python3.12`, `php-fpm8.2`) and the servers and tools that run
/// only one language's code.
fn of_program(program: &str) -> Option<Language> {
    let p = program.to_ascii_lowercase();
    let is = |names: &[&str]| names.contains(&p.as_str());
    Some(
        if p.starts_with("python") || is(&PYTHON_TOOLS) || p.ends_with(".py") {
            Language::Python
        } else if is(&NODE_TOOLS) || p.ends_with(".js") || p.ends_with(".mjs") {
            Language::Nodejs
        } else if p == "java" || p.ends_with(".jar") {
            Language::Java
        } else if p == "dotnet" || p.ends_with(".dll") {
            Language::Dotnet
        } else if p == "ruby" || is(&RUBY_TOOLS) || p.ends_with(".rb") {
            Language::Ruby
        } else if p.starts_with("php") || is(&["apache2-foreground", "frankenphp"]) {
            Language::Php
        } else {
            return None;
        },
    )
}

const PYTHON_TOOLS: [&str; 10] = [
    "gunicorn",
    "uvicorn",
    "hypercorn",
    "daphne",
    "celery",
    "flask",
    "django-admin",
    "ddtrace-run",
    "uwsgi",
    "manage.py",
];
const NODE_TOOLS: [&str; 8] = [
    "node",
    "nodejs",
    "npm",
    "npx",
    "yarn",
    "pnpm",
    "pm2",
    "pm2-runtime",
];
const RUBY_TOOLS: [&str; 7] = [
    "bundle", "rails", "rake", "puma", "unicorn", "rackup", "sidekiq",
];

/// The language of one of the runtimes' official images, by repository
/// name (Docker Hub's official images, Microsoft's .NET images).
fn of_image(image: &str) -> Option<Language> {
    let repository = container::repository(image).to_ascii_lowercase();
    if repository.contains("/dotnet/") {
        return Some(Language::Dotnet);
    }
    let last = repository.rsplit('/').next().unwrap_or(&repository);
    Some(match last {
        "python" | "pypy" => Language::Python,
        "node" => Language::Nodejs,
        "openjdk" | "eclipse-temurin" | "amazoncorretto" | "ibm-semeru-runtimes" | "sapmachine" => {
            Language::Java
        }
        "ruby" => Language::Ruby,
        "php" => Language::Php,
        "golang" => Language::Go,
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn language(app: Value) -> Option<Language> {
        infer(&app, None, None).map(|(l, _)| l)
    }

    #[test]
    fn the_start_command_names_the_runtime() {
        for (argv, want) in [
            (json!(["python3.12", "-m", "app"]), Language::Python),
            (
                json!(["/usr/local/bin/gunicorn", "app:app"]),
                Language::Python,
            ),
            (
                json!(["sh", "-c", "cd /srv && exec node server.js"]),
                Language::Nodejs,
            ),
            (json!(["npm", "start"]), Language::Nodejs),
            (json!(["java", "-jar", "app.jar"]), Language::Java),
            (json!(["dotnet", "App.dll"]), Language::Dotnet),
            (json!(["bundle", "exec", "puma"]), Language::Ruby),
            (json!(["php-fpm8.2", "-F"]), Language::Php),
            (
                json!(["env", "PORT=80", "./manage.py", "runserver"]),
                Language::Python,
            ),
        ] {
            let app = json!({"name": "app", "image": "x", "entryPoint": argv});
            assert_eq!(language(app), Some(want), "{argv}");
        }
        assert_eq!(
            language(json!({"name": "app", "image": "x", "command": ["/app/server"]})),
            None
        );
    }

    #[test]
    fn official_images_name_their_runtime_and_custom_ones_do_not() {
        let of = |image: &str| language(json!({"name": "app", "image": image}));
        assert_eq!(of("python:3.12-slim"), Some(Language::Python));
        assert_eq!(
            of("public.ecr.aws/docker/library/node:22"),
            Some(Language::Nodejs)
        );
        assert_eq!(
            of("mcr.microsoft.com/dotnet/aspnet:8.0"),
            Some(Language::Dotnet)
        );
        assert_eq!(of("eclipse-temurin:21"), Some(Language::Java));
        assert_eq!(of("123.dkr.ecr.us-east-1.amazonaws.com/shop:1"), None);
        // The command beats the image: a Node app on a Python base image.
        let app = json!({"name": "app", "image": "python:3", "command": ["node", "a.js"]});
        assert_eq!(language(app), Some(Language::Nodejs));
    }

    #[test]
    fn an_injected_tracer_beats_everything() {
        let app = json!({"name": "app", "image": "python:3", "command": ["python", "a.py"],
            "environment": [{"name": "NODE_OPTIONS", "value": "--require /datadog-lib/node_modules/dd-trace/init.js"}]});
        assert_eq!(
            infer(&app, None, None),
            Some((Language::Nodejs, Evidence::LoaderVar("NODE_OPTIONS".into())))
        );
        let init = json!({"name": "datadog-tracer", "image": "public.ecr.aws/datadog/dd-lib-ruby-init:v2"});
        let plain = json!({"name": "app", "image": "x"});
        assert_eq!(
            infer(&plain, Some(&init), None).map(|(l, _)| l),
            Some(Language::Ruby)
        );
        let given = infer(&plain, None, Some("java -jar a.jar"));
        assert_eq!(given.map(|(l, _)| l), Some(Language::Java));
    }
}
