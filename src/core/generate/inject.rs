//! `--tracer inject`: the JSON of Datadog's init-container injection, built
//! from the facts in [`crate::core::model::tracer`]: the init container that
//! copies the library into the task volume, and what the app container
//! gains (the mount, the wait for the copy, the loader variables).
//!
//! Datadog's ECS tools (Terraform `ecs_fargate`, `datadog-ci ecs-fargate
//! instrument`, the CDK construct) write this layout on Fargate only; it
//! needs nothing Fargate-specific (a task-scoped volume and a container
//! dependency work on every launch type), so we write it on EC2 and ECS
//! Managed Instances too. `patch` adds the same JSON to existing task
//! definitions, merging the variables with [`LoaderVar::merge`].

use serde_json::{json, Value};

use crate::core::generate::agent::env_var;
use crate::core::model::config::Config;
use crate::core::model::tracer::{
    self, init_image, loader_vars, LoaderVar, COPY_ENTRYPOINT, INIT_CONTAINER_NAME, INIT_USER,
    MOUNT_PATH,
};

/// The init container, exactly as Datadog's ECS tools write it (Terraform's
/// `dd_tracer_container`, without the empty arrays Terraform fills in):
/// non-essential, because ECS allows a SUCCESS dependency only on a
/// non-essential container, and root, because the image's default user
/// cannot write to the root-owned task volume. `None` where the language
/// has no init image (Go).
pub fn build_init_container(config: &Config) -> Option<Value> {
    let image = init_image(config.language, config.tracer_version())?;
    Some(json!({
        "name": INIT_CONTAINER_NAME,
        "image": image,
        "essential": false,
        "user": INIT_USER,
        "entryPoint": [COPY_ENTRYPOINT],
        "command": [MOUNT_PATH],
        "mountPoints": [tracer::mount()],
    }))
}

/// The loader variables for the app, for a container that has none of them
/// yet: each one's value as merged into nothing (PHP's scan directory keeps
/// its leading empty entry, so PHP still reads its own).
pub fn app_loader_env(config: &Config) -> Vec<Value> {
    loader_vars(config.language, config.base_image.libc())
        .iter()
        .filter_map(|var: &LoaderVar| {
            let value = var.merge(None).ok().flatten()?;
            Some(env_var(var.name, &value))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::model::config::{BaseImage, Language, Tracer};

    fn env(config: &Config) -> Vec<(String, String)> {
        app_loader_env(config)
            .iter()
            .map(|e| {
                (
                    e["name"].as_str().unwrap().to_owned(),
                    e["value"].as_str().unwrap().to_owned(),
                )
            })
            .collect()
    }

    fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn the_init_container_is_datadogs() {
        let container = build_init_container(&Config::default()).unwrap();
        assert_eq!(
            container,
            json!({
                "name": "datadog-tracer",
                "image": "public.ecr.aws/datadog/dd-lib-python-init:v4",
                "essential": false,
                "user": "0",
                "entryPoint": ["/datadog-init/copy-lib.sh"],
                "command": ["/datadog-lib"],
                "mountPoints": [{"sourceVolume": "datadog-tracer", "containerPath": "/datadog-lib", "readOnly": false}],
            })
        );
        let go = Config::for_language(Language::Go);
        assert_eq!(build_init_container(&go), None);
        let pinned = Config {
            tracer_version: Some("3.10.0".parse().unwrap()),
            ..Config::for_language(Language::Dotnet)
        };
        assert_eq!(
            build_init_container(&pinned).unwrap()["image"],
            "public.ecr.aws/datadog/dd-lib-dotnet-init:v3.10.0"
        );
    }

    /// The Java tracer is the `-javaagent` JVM argument (docs: tracing/
    /// trace_collection/automatic_instrumentation/dd_libraries/java), which
    /// the JVM also reads from JAVA_TOOL_OPTIONS (JDK tool docs,
    /// "JAVA_TOOL_OPTIONS Environment Variable"); the jar is the one the init
    /// image ships (dd-trace-java `.gitlab/prepare-oci-package.sh`:
    /// `sources/dd-java-agent.jar`).
    #[test]
    fn java_loads_the_agent_through_java_tool_options() {
        assert_eq!(
            env(&Config::for_language(Language::Java)),
            pairs(&[(
                "JAVA_TOOL_OPTIONS",
                "-javaagent:/datadog-lib/dd-java-agent.jar -XX:+IgnoreUnrecognizedVMOptions"
            )])
        );
    }

    /// The .NET tracer's documented Linux variables (docs: tracing/
    /// trace_collection/automatic_instrumentation/dd_libraries/dotnet-core,
    /// "Enable the APM SDK for your service", Linux: CORECLR_ENABLE_PROFILING,
    /// CORECLR_PROFILER with the tracer's class ID, CORECLR_PROFILER_PATH to
    /// Datadog.Trace.ClrProfiler.Native.so, DD_DOTNET_TRACER_HOME), with the
    /// tracer home at the volume, and the profiler's API wrapper in
    /// LD_PRELOAD (continuousprofiler/Datadog.Linux.ApiWrapper.x64.so).
    #[test]
    fn dotnet_gets_the_clr_profiler_variables() {
        assert_eq!(
            env(&Config::for_language(Language::Dotnet)),
            pairs(&[
                ("CORECLR_ENABLE_PROFILING", "1"),
                ("CORECLR_PROFILER", "{846F5F1C-F9AE-4B07-969E-05C26BC060D8}"),
                (
                    "CORECLR_PROFILER_PATH",
                    "/datadog-lib/Datadog.Trace.ClrProfiler.Native.so"
                ),
                ("DD_DOTNET_TRACER_HOME", "/datadog-lib"),
                (
                    "LD_PRELOAD",
                    "/datadog-lib/continuousprofiler/Datadog.Linux.ApiWrapper.x64.so"
                ),
            ])
        );
    }

    /// dd-trace-php's SSI package (`dd-library-php-ssi-<arch>-linux.tar.gz`)
    /// holds `linux-gnu/loader` and `linux-musl/loader` with
    /// `dd_library_loader.ini`; PHP reads extra ini directories from
    /// PHP_INI_SCAN_DIR, where an empty entry stands for its compiled-in
    /// directory (PHP manual, "The configuration file"), and the loader
    /// finds the package through DD_LOADER_PACKAGE_PATH.
    #[test]
    fn php_scans_the_loader_ini_for_its_libc_and_keeps_its_own() {
        let php = |base_image| {
            env(&Config {
                base_image,
                ..Config::for_language(Language::Php)
            })
        };
        assert_eq!(
            php(BaseImage::Debian),
            pairs(&[
                ("PHP_INI_SCAN_DIR", ":/datadog-lib/linux-gnu/loader"),
                ("DD_LOADER_PACKAGE_PATH", "/datadog-lib"),
            ])
        );
        assert_eq!(
            php(BaseImage::Alpine)[0].1,
            ":/datadog-lib/linux-musl/loader"
        );
    }

    /// Ruby loads `-r` files from RUBYOPT before the program (ruby(1));
    /// dd-trace-rb's init package links `auto_inject.rb` to the injector
    /// (`.gitlab/prepare-oci-package.sh`: "Kubernetes injection expects a
    /// specific name").
    #[test]
    fn ruby_requires_the_injector_through_rubyopt() {
        assert_eq!(
            env(&Config::for_language(Language::Ruby)),
            pairs(&[("RUBYOPT", "-r/datadog-lib/auto_inject")])
        );
    }

    #[test]
    fn python_and_node_load_the_copied_library() {
        assert_eq!(
            env(&Config::default()),
            pairs(&[("PYTHONPATH", "/datadog-lib")])
        );
        assert_eq!(
            env(&Config::for_language(Language::Nodejs)),
            pairs(&[(
                "NODE_OPTIONS",
                "--require /datadog-lib/node_modules/dd-trace/init.js"
            )])
        );
        let go = Config {
            tracer: Tracer::Image,
            ..Config::for_language(Language::Go)
        };
        assert!(env(&go).is_empty());
    }
}
