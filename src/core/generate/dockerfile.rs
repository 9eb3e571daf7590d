//! `--tracer image`: Dockerfile.datadog, the lines that install and enable
//! Datadog's tracer in the app's own Dockerfile, per language and base
//! image family, and the start command that loads it.
//!
//! The steps are Datadog's documented installs (docs.datadoghq.com, "Tracing
//! <Language> Applications", from the documentation repository's
//! `content/en/tracing/trace_collection/automatic_instrumentation/
//! dd_libraries/<lang>.md`), each cited in the file it writes. Where those
//! steps cannot run or cannot pin a major line, the library is copied from
//! Datadog's init image of that line instead (its files sit in
//! `/datadog-init/package`) into `/datadog-lib`, laid out as injection lays
//! it out and loaded by the same variables: on distroless images, which
//! have no shell or package manager, and for .NET and PHP majors, whose
//! release downloads are named by exact version only.

use std::fmt::Write;

use crate::core::model::config::{BaseImage, Config, Language, Tracer, TracerVersion};
use crate::core::model::tracer::{
    init_image, loader_vars, DOTNET_PROFILER_GUID, MOUNT_PATH, PACKAGE_PATH,
};
use crate::core::shell;

/// Where Datadog's documentation keeps a language's setup page.
fn docs_url(language: Language) -> &'static str {
    match language {
        Language::Python => "https://docs.datadoghq.com/tracing/trace_collection/automatic_instrumentation/dd_libraries/python/",
        Language::Nodejs => "https://docs.datadoghq.com/tracing/trace_collection/automatic_instrumentation/dd_libraries/nodejs/",
        Language::Ruby => "https://docs.datadoghq.com/tracing/trace_collection/automatic_instrumentation/dd_libraries/ruby/",
        Language::Go => "https://docs.datadoghq.com/tracing/trace_collection/automatic_instrumentation/dd_libraries/go/",
        Language::Java => "https://docs.datadoghq.com/tracing/trace_collection/automatic_instrumentation/dd_libraries/java/",
        Language::Dotnet => "https://docs.datadoghq.com/tracing/trace_collection/automatic_instrumentation/dd_libraries/dotnet-core/",
        Language::Php => "https://docs.datadoghq.com/tracing/trace_collection/automatic_instrumentation/dd_libraries/php/",
    }
}

/// Where a Java agent goes when the start command names none.
const JAVA_AGENT_PATH: &str = "/opt/datadog/dd-java-agent.jar";
/// Where the .NET packages install the tracer.
const DOTNET_HOME: &str = "/opt/datadog";
/// Where the Go binary is built when the start command does not say.
const GO_BINARY: &str = "/app/server";

/// The version in prose.
fn version_words(version: TracerVersion) -> String {
    match version {
        TracerVersion::Latest => "the newest release".to_owned(),
        TracerVersion::Major(major) => format!("the newest {major}.x"),
        TracerVersion::Exact { .. } => version.number().unwrap_or_default(),
    }
}

/// The lines of the file, built up in order.
#[derive(Default)]
struct Lines(String);

impl Lines {
    fn comment(&mut self, text: &str) {
        for line in text.lines() {
            if line.is_empty() {
                self.0.push_str("#\n");
            } else {
                let _ = writeln!(self.0, "# {line}");
            }
        }
    }

    fn line(&mut self, text: &str) {
        self.0.push_str(text);
        self.0.push('\n');
    }

    fn blank(&mut self) {
        self.0.push('\n');
    }

    /// `ENV NAME=value`, quoted where Docker would otherwise split or
    /// expand the value.
    fn env(&mut self, name: &str, value: &str) {
        let plain = !value.is_empty()
            && !value
                .chars()
                .any(|c| c.is_whitespace() || matches!(c, '"' | '\'' | '\\' | '$'));
        if plain {
            let _ = writeln!(self.0, "ENV {name}={value}");
        } else {
            let escaped: String = value
                .chars()
                .flat_map(|c| match c {
                    '"' | '\\' | '$' => vec!['\\', c],
                    c => vec![c],
                })
                .collect();
            let _ = writeln!(self.0, "ENV {name}=\"{escaped}\"");
        }
    }
}

/// A JSON array of strings, as Dockerfiles write exec forms.
fn exec_array(argv: &[String]) -> String {
    serde_json::to_string(argv).expect("strings always serialize")
}

/// The `CMD` that runs the start command: its words as the exec form
/// when they are literal, else through `sh -c` (with `exec` in front where
/// the command allows it, so the app gets SIGTERM as PID 1), which is what
/// the entryPoint wrapper does on EC2.
fn cmd_line(command: &str) -> String {
    match shell::literal_argv(command) {
        Some(argv) => format!("CMD {}", exec_array(&argv)),
        None => {
            let script = shell::exec_form(command).unwrap_or_else(|| command.to_owned());
            format!(
                "CMD {}",
                exec_array(&["sh".to_owned(), "-c".to_owned(), script])
            )
        }
    }
}

/// Dockerfile.datadog for `config` (its tracer is `image`).
pub fn build_dockerfile(config: &Config) -> String {
    debug_assert_eq!(config.tracer, Tracer::Image);
    let mut out = Lines::default();
    let language = config.language;
    let version = config.tracer_version();
    let what = match language {
        Language::Go => "Datadog's Go tracer (dd-trace-go v2, built in by Orchestrion)".to_owned(),
        _ => format!(
            "Datadog's {} tracer ({})",
            language.label(),
            version_words(version)
        ),
    };
    let place = if language == Language::Go {
        "in the stages the comments name"
    } else {
        "in the stage that runs\nthe app, after your own dependencies are installed"
    };
    out.comment(&format!(
        "Dockerfile.datadog: the lines that install and enable {what}\nin your app's image ({} base). Add them to your Dockerfile {place}.\nSteps from {}",
        config.base_image.label(),
        docs_url(language)
    ));
    out.blank();
    match language {
        Language::Python => python(config, &mut out),
        Language::Nodejs => nodejs(config, &mut out),
        Language::Ruby => ruby(config, &mut out),
        Language::Go => go(config, &mut out),
        Language::Java => java(config, &mut out),
        Language::Dotnet => dotnet(config, &mut out),
        Language::Php => php(config, &mut out),
    }
    out.0
}

/// The start command's line for an image with a shell; on distroless, a
/// note instead, since those images start their runtime as ENTRYPOINT.
fn start(config: &Config, out: &mut Lines) {
    out.blank();
    if config.base_image == BaseImage::Distroless {
        out.comment("Keep your image's ENTRYPOINT and CMD: distroless images start their runtime as\nENTRYPOINT, and the variables above load the tracer whatever starts it. (No shell:\nthe app cannot run behind the EC2 entryPoint script, so use --transport uds there.)");
        return;
    }
    out.comment(
        "The start command (the same the task definition's entryPoint runs on EC2 over TCP):",
    );
    out.line(&cmd_line(&config.startup_command));
}

/// The library from Datadog's init image of the version's line, in
/// `/datadog-lib`, with the loader variables injection sets.
fn from_init_image(config: &Config, why: &str, out: &mut Lines) {
    let image = init_image(config.language, config.tracer_version())
        .expect("every language but Go has an init image, and Go never gets here");
    out.comment(&format!(
        "{why}\nthe library is copied from Datadog's init image of this version (its files are in\n{PACKAGE_PATH}) to {MOUNT_PATH}, laid out as library injection lays it out, and\nloaded by the same variables."
    ));
    out.line(&format!("COPY --from={image} {PACKAGE_PATH} {MOUNT_PATH}"));
    for var in loader_vars(config.language, config.base_image.libc()) {
        if let Ok(Some(value)) = var.merge(None) {
            out.env(var.name, &value);
        }
    }
}

const DISTROLESS_WHY: &str = "Distroless images have no shell or package manager, so";

fn python(config: &Config, out: &mut Lines) {
    if config.base_image == BaseImage::Distroless {
        from_init_image(config, DISTROLESS_WHY, out);
        out.comment("Its sitecustomize.py loads ddtrace on CPython 3.9 to 3.14 (distroless python3 is 3.11).");
        return start(config, out);
    }
    let spec = match config.tracer_version() {
        TracerVersion::Latest => "ddtrace".to_owned(),
        TracerVersion::Major(major) => format!("ddtrace>={major},<{}", major + 1),
        v @ TracerVersion::Exact { .. } => format!("ddtrace=={}", v.number().unwrap_or_default()),
    };
    out.comment(
        "ddtrace from PyPI; it ships manylinux and musllinux wheels, so Alpine needs no compiler.",
    );
    out.line(&format!(
        "RUN pip install --no-cache-dir {}",
        shell::quote(&spec)
    ));
    out.comment("ddtrace-run, in front of the start command, loads the tracer before your code.");
    start(config, out);
}

fn nodejs(config: &Config, out: &mut Lines) {
    if config.base_image == BaseImage::Distroless {
        from_init_image(config, DISTROLESS_WHY, out);
        return start(config, out);
    }
    let spec = match config.tracer_version() {
        TracerVersion::Latest => "dd-trace@latest".to_owned(),
        v => format!("dd-trace@{}", v.number().unwrap_or_default()),
    };
    out.comment("dd-trace from npm, in the app's directory after your own `npm install`; it ships\nprebuilt native modules for glibc and musl (Alpine).");
    out.line(&format!("RUN npm install --save {spec}"));
    out.comment("`--require dd-trace/init` in the start command loads it before your code.");
    start(config, out);
}

fn ruby(config: &Config, out: &mut Lines) {
    let version = match config.tracer_version() {
        TracerVersion::Latest => None,
        TracerVersion::Major(major) => Some(format!("~> {major}.0")),
        v @ TracerVersion::Exact { .. } => v.number(),
    };
    let gemfile_version = version
        .as_ref()
        .map(|v| format!(", '{v}'"))
        .unwrap_or_default();
    let add_version = version
        .as_ref()
        .map(|v| format!(" --version {}", shell::quote(v)))
        .unwrap_or_default();
    if config.base_image == BaseImage::Alpine {
        out.comment("The gem builds a native extension: Alpine needs a compiler while bundling.");
        out.line("RUN apk add --no-cache build-base");
    }
    out.comment(&format!(
        "The datadog gem; requiring datadog/auto_instrument instruments Rails and the libraries\nit supports. Best kept in your Gemfile (and Gemfile.lock):\n  gem 'datadog'{gemfile_version}, require: 'datadog/auto_instrument'\nor added by the build, before your `bundle install` (not with a frozen Gemfile.lock):"
    ));
    out.line(&format!(
        "RUN bundle add datadog{add_version} --require datadog/auto_instrument --skip-install"
    ));
    start(config, out);
}

fn go(config: &Config, out: &mut Lines) {
    let argv = shell::literal_argv(&config.startup_command);
    let binary = argv
        .as_ref()
        .and_then(|a| a.first())
        .filter(|program| program.starts_with('/'))
        .map_or(GO_BINARY.to_owned(), String::clone);
    out.comment("Go links its tracer in at build time: Orchestrion, Datadog's compile-time\ninstrumentation, adds dd-trace-go v2 to your code and its dependencies while it\ncompiles (or instrument by hand with github.com/DataDog/dd-trace-go/v2).\nOnce, in your repository (then commit go.mod, go.sum and orchestrion.tool.go):\n  go install github.com/DataDog/orchestrion@latest && orchestrion pin\nIn the stage that builds the app, build through Orchestrion, at the version go.mod pins:");
    out.line("RUN go install github.com/DataDog/orchestrion");
    let static_build = if config.base_image == BaseImage::Distroless {
        "CGO_ENABLED=0 "
    } else {
        ""
    };
    out.line(&format!(
        "RUN {static_build}orchestrion go build -o {} .",
        shell::quote(&binary)
    ));
    out.blank();
    if config.base_image == BaseImage::Distroless {
        out.comment("In the stage that runs it (distroless/static has no libc: the build above is static;\nname your build stage `build`):");
        out.line(&format!(
            "COPY --from=build {} {}",
            shell::quote(&binary),
            shell::quote(&binary)
        ));
        out.line(&format!(
            "CMD {}",
            exec_array(&argv.unwrap_or_else(|| vec![binary.clone()]))
        ));
        return;
    }
    out.comment("In the stage that runs it:");
    out.line(&cmd_line(&config.startup_command));
}

/// The `-javaagent:` path of a start command, if it names one.
fn javaagent_path(command: &str) -> Option<String> {
    shell::literal_argv(command)?
        .into_iter()
        .find_map(|word| word.strip_prefix("-javaagent:").map(str::to_owned))
        .filter(|path| !path.is_empty())
}

fn java(config: &Config, out: &mut Lines) {
    let url = match config.tracer_version() {
        TracerVersion::Latest => "https://dtdg.co/latest-java-tracer".to_owned(),
        TracerVersion::Major(major) => format!("https://dtdg.co/java-tracer-v{major}"),
        v @ TracerVersion::Exact { .. } => {
            let number = v.number().unwrap_or_default();
            format!("https://repo1.maven.org/maven2/com/datadoghq/dd-java-agent/{number}/dd-java-agent-{number}.jar")
        }
    };
    // Distroless Java images run `java -jar` as ENTRYPOINT: only the
    // variable can add the agent there.
    let named = (config.base_image != BaseImage::Distroless)
        .then(|| javaagent_path(&config.startup_command))
        .flatten();
    let path = named.clone().unwrap_or_else(|| JAVA_AGENT_PATH.to_owned());
    out.comment("dd-java-agent.jar from Datadog; ADD needs no curl or shell in the image, and --chmod\n(BuildKit, the default builder since Docker 23) lets a non-root user read it.");
    out.line(&format!("ADD --chmod=644 {url} {path}"));
    match named {
        Some(_) => {
            out.comment("`-javaagent` in the start command loads it before your code.");
        }
        None => {
            out.comment("The JVM reads -javaagent from JAVA_TOOL_OPTIONS, whatever starts it.");
            out.env("JAVA_TOOL_OPTIONS", &format!("-javaagent:{path}"));
        }
    }
    start(config, out);
}

fn dotnet(config: &Config, out: &mut Lines) {
    let exact = match config.tracer_version() {
        v @ TracerVersion::Exact { .. } => v.number(),
        _ => None,
    };
    let (Some(number), false) = (exact, config.base_image == BaseImage::Distroless) else {
        let why = if config.base_image == BaseImage::Distroless {
            DISTROLESS_WHY
        } else {
            "dd-trace-dotnet's release downloads are named by exact version, so to follow a line"
        };
        from_init_image(config, why, out);
        return start(config, out);
    };
    let release = format!("https://github.com/DataDog/dd-trace-dotnet/releases/download/v{number}");
    let profiler = if config.base_image == BaseImage::Alpine {
        out.comment("The musl build of the tracer, unpacked into /opt/datadog; createLogPath.sh makes its\nlog directory, /var/log/datadog/dotnet.");
        out.line(&format!(
            "ADD {release}/datadog-dotnet-apm-{number}-musl.tar.gz /tmp/datadog-dotnet-apm.tar.gz"
        ));
        out.line(&format!("RUN mkdir -p {DOTNET_HOME} && tar -C {DOTNET_HOME} -xzf /tmp/datadog-dotnet-apm.tar.gz && sh {DOTNET_HOME}/createLogPath.sh && rm /tmp/datadog-dotnet-apm.tar.gz"));
        format!("{DOTNET_HOME}/linux-musl-x64/Datadog.Trace.ClrProfiler.Native.so")
    } else {
        out.comment("The Debian package of the tracer (x86_64), which installs into /opt/datadog;\ncreateLogPath.sh makes its log directory, /var/log/datadog/dotnet.");
        out.line(&format!(
            "ADD {release}/datadog-dotnet-apm_{number}_amd64.deb /tmp/datadog-dotnet-apm.deb"
        ));
        out.line(&format!("RUN dpkg -i /tmp/datadog-dotnet-apm.deb && {DOTNET_HOME}/createLogPath.sh && rm /tmp/datadog-dotnet-apm.deb"));
        format!("{DOTNET_HOME}/Datadog.Trace.ClrProfiler.Native.so")
    };
    out.comment("The CLR loads the tracer as its profiler:");
    out.env("CORECLR_ENABLE_PROFILING", "1");
    out.env("CORECLR_PROFILER", DOTNET_PROFILER_GUID);
    out.env("CORECLR_PROFILER_PATH", &profiler);
    out.env("DD_DOTNET_TRACER_HOME", DOTNET_HOME);
    start(config, out);
}

fn php(config: &Config, out: &mut Lines) {
    let url = match config.tracer_version() {
        TracerVersion::Major(_) => {
            from_init_image(
                config,
                "dd-trace-php publishes no download per major line, so to follow one",
                out,
            );
            return start(config, out);
        }
        TracerVersion::Latest => {
            "https://github.com/DataDog/dd-trace-php/releases/latest/download/datadog-setup.php"
                .to_owned()
        }
        v @ TracerVersion::Exact { .. } => format!(
            "https://github.com/DataDog/dd-trace-php/releases/download/{}/datadog-setup.php",
            v.number().unwrap_or_default()
        ),
    };
    if config.base_image == BaseImage::Alpine {
        out.comment("On Alpine the extension needs libgcc.");
        out.line("RUN apk add --no-cache libgcc");
    }
    out.comment("Datadog's installer puts the extension into every PHP binary of the image and\nenables it in their ini directories.");
    out.line(&format!("ADD {url} /tmp/datadog-setup.php"));
    out.line("RUN php /tmp/datadog-setup.php --php-bin=all && rm /tmp/datadog-setup.php");
    start(config, out);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dockerfile(language: Language, base_image: BaseImage, version: Option<&str>) -> String {
        let mut config = Config {
            base_image,
            tracer_version: version.map(|v| v.parse().unwrap()),
            ..Config::for_language(language)
        };
        if base_image == BaseImage::Distroless {
            // No shell for the EC2 entryPoint script.
            config.transport = crate::core::model::config::Transport::Uds;
        }
        config.set_tracer(Tracer::Image);
        config.validate().unwrap();
        build_dockerfile(&config)
    }

    fn has(text: &str, line: &str) {
        assert!(
            text.lines().any(|l| l == line),
            "no line {line:?} in:\n{text}"
        );
    }

    #[test]
    fn python_pins_the_major_and_starts_with_ddtrace_run() {
        let text = dockerfile(Language::Python, BaseImage::Debian, None);
        has(&text, "RUN pip install --no-cache-dir 'ddtrace>=4,<5'");
        has(&text, r#"CMD ["ddtrace-run","python","my_app.py"]"#);
        let exact = dockerfile(Language::Python, BaseImage::Alpine, Some("4.1.2"));
        has(&exact, "RUN pip install --no-cache-dir ddtrace==4.1.2");
        let latest = dockerfile(Language::Python, BaseImage::Debian, Some("latest"));
        has(&latest, "RUN pip install --no-cache-dir ddtrace");
    }

    #[test]
    fn distroless_copies_the_init_image_and_loads_it_by_variable() {
        let text = dockerfile(Language::Python, BaseImage::Distroless, None);
        has(
            &text,
            "COPY --from=public.ecr.aws/datadog/dd-lib-python-init:v4 /datadog-init/package /datadog-lib",
        );
        has(&text, "ENV PYTHONPATH=/datadog-lib");
        assert!(!text.contains("\nCMD "), "{text}");
        let node = dockerfile(Language::Nodejs, BaseImage::Distroless, Some("5.1.0"));
        has(
            &node,
            "COPY --from=public.ecr.aws/datadog/dd-lib-js-init:v5.1.0 /datadog-init/package /datadog-lib",
        );
        has(
            &node,
            r#"ENV NODE_OPTIONS="--require /datadog-lib/node_modules/dd-trace/init.js""#,
        );
    }

    #[test]
    fn node_installs_dd_trace_and_requires_its_init() {
        let text = dockerfile(Language::Nodejs, BaseImage::Alpine, None);
        has(&text, "RUN npm install --save dd-trace@5");
        has(
            &text,
            r#"CMD ["node","--require","dd-trace/init","server.js"]"#,
        );
    }

    #[test]
    fn java_puts_the_agent_where_the_start_command_loads_it() {
        let text = dockerfile(Language::Java, BaseImage::Debian, None);
        has(
            &text,
            "ADD --chmod=644 https://dtdg.co/java-tracer-v1 /path/to/dd-java-agent.jar",
        );
        has(
            &text,
            r#"CMD ["java","-javaagent:/path/to/dd-java-agent.jar","-jar","app.jar"]"#,
        );
        assert!(!text.contains("JAVA_TOOL_OPTIONS"), "{text}");
        let distroless = dockerfile(Language::Java, BaseImage::Distroless, Some("1.46.0"));
        has(&distroless, "ADD --chmod=644 https://repo1.maven.org/maven2/com/datadoghq/dd-java-agent/1.46.0/dd-java-agent-1.46.0.jar /opt/datadog/dd-java-agent.jar");
        has(
            &distroless,
            "ENV JAVA_TOOL_OPTIONS=-javaagent:/opt/datadog/dd-java-agent.jar",
        );
        let latest = dockerfile(Language::Java, BaseImage::Alpine, Some("latest"));
        assert!(latest.contains("https://dtdg.co/latest-java-tracer"));
    }

    #[test]
    fn a_start_command_without_the_agent_gets_it_by_variable() {
        let mut config = Config {
            tracer: Tracer::Image,
            startup_command: "java -jar app.jar".to_owned(),
            ..Config::for_language(Language::Java)
        };
        let text = build_dockerfile(&config);
        has(
            &text,
            "ENV JAVA_TOOL_OPTIONS=-javaagent:/opt/datadog/dd-java-agent.jar",
        );
        config.startup_command = "exec java -jar app.jar > /dev/null".to_owned();
        has(
            &build_dockerfile(&config),
            r#"CMD ["sh","-c","exec java -jar app.jar > /dev/null"]"#,
        );
    }

    #[test]
    fn dotnet_follows_a_line_through_the_init_image_and_pins_a_release_by_package() {
        let line = dockerfile(Language::Dotnet, BaseImage::Debian, None);
        has(
            &line,
            "COPY --from=public.ecr.aws/datadog/dd-lib-dotnet-init:v3 /datadog-init/package /datadog-lib",
        );
        has(
            &line,
            "ENV CORECLR_PROFILER={846F5F1C-F9AE-4B07-969E-05C26BC060D8}",
        );
        has(&line, r#"CMD ["sh","-c","exec dotnet ${APP_PATH}"]"#);
        let deb = dockerfile(Language::Dotnet, BaseImage::Debian, Some("3.10.0"));
        has(&deb, "ADD https://github.com/DataDog/dd-trace-dotnet/releases/download/v3.10.0/datadog-dotnet-apm_3.10.0_amd64.deb /tmp/datadog-dotnet-apm.deb");
        has(
            &deb,
            "ENV CORECLR_PROFILER_PATH=/opt/datadog/Datadog.Trace.ClrProfiler.Native.so",
        );
        has(&deb, "ENV DD_DOTNET_TRACER_HOME=/opt/datadog");
        let musl = dockerfile(Language::Dotnet, BaseImage::Alpine, Some("3.10.0"));
        assert!(
            musl.contains("datadog-dotnet-apm-3.10.0-musl.tar.gz"),
            "{musl}"
        );
        has(
            &musl,
            "ENV CORECLR_PROFILER_PATH=/opt/datadog/linux-musl-x64/Datadog.Trace.ClrProfiler.Native.so",
        );
    }

    #[test]
    fn php_runs_datadogs_installer_or_follows_a_line() {
        let exact = dockerfile(Language::Php, BaseImage::Alpine, Some("1.5.0"));
        has(&exact, "RUN apk add --no-cache libgcc");
        has(&exact, "ADD https://github.com/DataDog/dd-trace-php/releases/download/1.5.0/datadog-setup.php /tmp/datadog-setup.php");
        has(
            &exact,
            "RUN php /tmp/datadog-setup.php --php-bin=all && rm /tmp/datadog-setup.php",
        );
        has(&exact, r#"CMD ["php-fpm","-F"]"#);
        let line = dockerfile(Language::Php, BaseImage::Alpine, None);
        has(
            &line,
            "ENV PHP_INI_SCAN_DIR=:/datadog-lib/linux-musl/loader",
        );
        has(&line, "ENV DD_LOADER_PACKAGE_PATH=/datadog-lib");
    }

    #[test]
    fn ruby_adds_the_gem_with_auto_instrument() {
        let text = dockerfile(Language::Ruby, BaseImage::Alpine, None);
        has(&text, "RUN apk add --no-cache build-base");
        has(
            &text,
            "#   gem 'datadog', '~> 2.0', require: 'datadog/auto_instrument'",
        );
        has(&text, "RUN bundle add datadog --version '~> 2.0' --require datadog/auto_instrument --skip-install");
        has(
            &text,
            r#"CMD ["bundle","exec","rails","server","-b","0.0.0.0"]"#,
        );
    }

    #[test]
    fn go_builds_through_orchestrion() {
        let text = dockerfile(Language::Go, BaseImage::Debian, None);
        has(&text, "RUN go install github.com/DataDog/orchestrion");
        has(&text, "RUN orchestrion go build -o /app/server .");
        has(&text, r#"CMD ["/app/server"]"#);
        let distroless = dockerfile(Language::Go, BaseImage::Distroless, None);
        has(
            &distroless,
            "RUN CGO_ENABLED=0 orchestrion go build -o /app/server .",
        );
        has(&distroless, "COPY --from=build /app/server /app/server");
    }

    #[test]
    fn env_values_are_quoted_only_where_docker_needs_it() {
        let mut lines = Lines::default();
        lines.env("A", "plain:/x");
        lines.env("B", "two words");
        lines.env("C", "a\"$b\\");
        assert_eq!(
            lines.0,
            "ENV A=plain:/x\nENV B=\"two words\"\nENV C=\"a\\\"\\$b\\\\\"\n"
        );
    }
}
