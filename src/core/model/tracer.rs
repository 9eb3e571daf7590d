//! How the tracing library gets into the app, and Datadog's facts about
//! injecting it: the closed sets (`--tracer`, `--base-image`), the tracer
//! version, the init images, the task volume and mount, the loader
//! variables per language with their merge rules, and the combinations
//! Datadog's images cannot serve.
//!
//! The injection layout is the one Datadog's own ECS tools write (Terraform
//! `terraform-aws-ecs-datadog` `modules/ecs_fargate/apm_instrumentation.tf`,
//! `datadog-ci` `packages/base/src/helpers/serverless/ssi/injection-spec.ts`
//! and `env.ts`, `datadog-cdk-constructs` `src/ecs/fargate/`): one
//! non-essential init container `datadog-tracer` running
//! `public.ecr.aws/datadog/dd-lib-<lang>-init:<tag>`, which copies the
//! library into the task volume `datadog-tracer`; the app mounts it at
//! `/datadog-lib`, waits for the copy (`dependsOn` SUCCESS) and gets the
//! language's loader variables. Where this differs from those tools, the
//! item says so.
//!
//! Pure data and string rules: `generate` builds the JSON from it, `patch`
//! merges into existing containers with [`LoaderVar::merge`], and `check`
//! recognises the layout, so the three can never disagree.

use std::fmt;
use std::str::FromStr;

use serde_json::{json, Value};
use thiserror::Error;

use crate::core::model::choices::choices;
use crate::core::model::error::{ConfigError, Field};
use crate::core::model::language::Language;

choices! {
    /// How the tracing library gets into the app.
    pub enum Tracer (Tracer) {
        /// Datadog's init image copies it into a task volume at start, and
        /// the loader variables load it: the app image stays as it is.
        Inject => "inject",
        /// The app's own Dockerfile installs it (the `dockerfile` artifact).
        Image => "image",
        /// The image already has it: nothing is added.
        Present => "present",
    }
}

impl Tracer {
    /// `inject` where Datadog publishes an init image for the language,
    /// else `image` (Go, which is compiled in).
    pub fn default_for(language: Language) -> Tracer {
        if init_image_language(language).is_some() {
            Tracer::Inject
        } else {
            Tracer::Image
        }
    }
}

choices! {
    /// The family of the app's base image: its C library decides which
    /// build of a native library loads (PHP's loader, Ruby's refusal), and
    /// its tools how a Dockerfile installs the tracer.
    pub enum BaseImage (BaseImage) {
        /// Debian or Ubuntu (glibc, apt).
        Debian => "debian",
        /// Alpine (musl, apk).
        Alpine => "alpine",
        /// Google's distroless images (Debian's glibc, no shell, no package
        /// manager).
        Distroless => "distroless",
    }
}

/// The C library a base image ships.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Libc {
    Gnu,
    Musl,
}

impl Libc {
    /// The word Datadog's packages use for it in paths (`linux-gnu`,
    /// `linux-musl`).
    pub fn path_word(self) -> &'static str {
        match self {
            Libc::Gnu => "gnu",
            Libc::Musl => "musl",
        }
    }
}

impl BaseImage {
    pub fn libc(self) -> Libc {
        match self {
            BaseImage::Debian | BaseImage::Distroless => Libc::Gnu,
            BaseImage::Alpine => Libc::Musl,
        }
    }

    /// How the family is named in prose.
    pub fn label(self) -> &'static str {
        match self {
            BaseImage::Debian => "Debian/Ubuntu",
            BaseImage::Alpine => "Alpine",
            BaseImage::Distroless => "distroless",
        }
    }
}

/// The tracer version: `latest`, a major (its newest release), or an exact
/// release. Written `4`, `v4`, `3.10.0` or `v3.10.0`; the image tag is the
/// `v`-prefixed form, as Datadog tags its init images.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TracerVersion {
    Latest,
    Major(u32),
    Exact { major: u32, minor: u32, patch: u32 },
}

impl TracerVersion {
    /// The major line, when the version names one (`latest` does not).
    pub fn major(self) -> Option<u32> {
        match self {
            TracerVersion::Latest => None,
            TracerVersion::Major(major) | TracerVersion::Exact { major, .. } => Some(major),
        }
    }

    /// The init image's tag: `latest`, `v4` or `v3.10.0`.
    pub fn image_tag(self) -> String {
        self.to_string()
    }

    /// The version as package managers write it, without the `v`
    /// (`4`, `3.10.0`); `None` for `latest`.
    pub fn number(self) -> Option<String> {
        match self {
            TracerVersion::Latest => None,
            TracerVersion::Major(major) => Some(major.to_string()),
            TracerVersion::Exact {
                major,
                minor,
                patch,
            } => Some(format!("{major}.{minor}.{patch}")),
        }
    }
}

impl fmt::Display for TracerVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.number() {
            None => f.write_str("latest"),
            Some(number) => write!(f, "v{number}"),
        }
    }
}

impl FromStr for TracerVersion {
    type Err = ConfigError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let invalid = || ConfigError::Invalid {
            field: Field::TracerVersion,
            value: s.to_owned(),
            expected: "latest, a major (4 or v4) or a release (3.10.0 or v3.10.0)".to_owned(),
        };
        if s == "latest" {
            return Ok(TracerVersion::Latest);
        }
        let digits = s.strip_prefix('v').unwrap_or(s);
        let mut numbers = Vec::with_capacity(3);
        for part in digits.split('.') {
            // Digits only, no leading zeros: the tag must match the
            // published image exactly.
            if part.is_empty()
                || !part.bytes().all(|b| b.is_ascii_digit())
                || (part.len() > 1 && part.starts_with('0'))
            {
                return Err(invalid());
            }
            numbers.push(part.parse::<u32>().map_err(|_| invalid())?);
        }
        match numbers[..] {
            [major] => Ok(TracerVersion::Major(major)),
            [major, minor, patch] => Ok(TracerVersion::Exact {
                major,
                minor,
                patch,
            }),
            _ => Err(invalid()),
        }
    }
}

/// Where Datadog's ECS tools take the init images from.
pub const REGISTRY: &str = "public.ecr.aws/datadog";
/// The init container's name (`TRACER_CONTAINER_NAME` in datadog-ci).
pub const INIT_CONTAINER_NAME: &str = "datadog-tracer";
/// The task volume the library is copied into (`TRACER_VOLUME_NAME`).
pub const VOLUME: &str = "datadog-tracer";
/// Where both containers mount it, and the root of every loader path
/// (`TRACER_MOUNT_PATH`).
pub const MOUNT_PATH: &str = "/datadog-lib";
/// The init image's copy script (`TRACER_COPY_ENTRYPOINT`); its argument is
/// the directory to copy into.
pub const COPY_ENTRYPOINT: &str = "/datadog-init/copy-lib.sh";
/// Where the library sits inside the init image (datadog-csi-driver's
/// `languageLibrarySourcePath`), for a multi-stage `COPY --from`.
pub const PACKAGE_PATH: &str = "/datadog-init/package";
/// The init container runs as root: "the image's default user cannot write
/// to the root-owned task volume" (Terraform module comment).
pub const INIT_USER: &str = "0";
/// The app waits until the copy has finished and exited 0. ECS allows a
/// SUCCESS dependency only on a non-essential container.
pub const SUCCESS: &str = "SUCCESS";

/// The language's word in Datadog's init image names
/// (`dd-lib-<word>-init`); `None` for Go, which has no init image.
pub fn init_image_language(language: Language) -> Option<&'static str> {
    Some(match language {
        Language::Java => "java",
        Language::Nodejs => "js",
        Language::Python => "python",
        Language::Dotnet => "dotnet",
        Language::Ruby => "ruby",
        Language::Php => "php",
        Language::Go => return None,
    })
}

/// The language an init image serves, from its repository name
/// (`…/dd-lib-python-init:v4` is Python), whatever the registry.
pub fn language_of_init_image(image: &str) -> Option<Language> {
    let without_digest = image.split('@').next().unwrap_or(image);
    let last = without_digest.rsplit('/').next().unwrap_or(without_digest);
    let repository = last.split(':').next().unwrap_or(last);
    let word = repository.strip_prefix("dd-lib-")?.strip_suffix("-init")?;
    Language::ALL
        .into_iter()
        .find(|l| init_image_language(*l) == Some(word))
}

/// The major line the version defaults to. For the injected languages,
/// the defaults of Datadog's admission controller (`DefaultVersions` in
/// datadog-agent `pkg/clusteragent/admission/mutate/autoinstrumentation`):
/// a major tag follows the newest release of its line, so deploys are
/// reproducible across majors, unlike `latest`, which Datadog's ECS tools
/// default to and which can bring a new major (and its breaking changes)
/// into the next task that starts. Go's is dd-trace-go's current major.
pub fn default_major(language: Language) -> u32 {
    match language {
        Language::Java => 1,
        Language::Nodejs => 5,
        Language::Python => 4,
        Language::Dotnet => 3,
        Language::Ruby => 2,
        Language::Php => 1,
        Language::Go => 2,
    }
}

/// The init image for the language at a version; `None` for Go.
pub fn init_image(language: Language, version: TracerVersion) -> Option<String> {
    let word = init_image_language(language)?;
    Some(format!(
        "{REGISTRY}/dd-lib-{word}-init:{}",
        version.image_tag()
    ))
}

/// The task volume: task-scoped, no host path (Terraform's `tracer_volume`).
pub fn volume() -> Value {
    json!({ "name": VOLUME })
}

/// The mount of the library, in the init container (which writes it) and
/// in the app. Writable in both, as Datadog's tools write it.
pub fn mount() -> Value {
    json!({ "sourceVolume": VOLUME, "containerPath": MOUNT_PATH, "readOnly": false })
}

/// The app's wait for the copy to finish.
pub fn dependency() -> Value {
    json!({ "containerName": INIT_CONTAINER_NAME, "condition": SUCCESS })
}

/// How a loader variable is merged with a value the container already
/// has.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Merge {
    /// After the existing value, joined by `sep`. With
    /// `keep_leading_empty`, an unset or empty variable becomes
    /// `sep + value`: an empty first entry that keeps the program's default
    /// (PHP's compiled-in scan directory).
    Append {
        sep: &'static str,
        keep_leading_empty: bool,
    },
    /// Before the existing value, joined by `sep`; the result may be at most
    /// `max_bytes` long.
    Prepend {
        sep: &'static str,
        max_bytes: Option<usize>,
    },
    /// Only where unset or empty; a different value is a conflict.
    SetIfAbsent,
}

/// One variable the app needs for the injected library to load.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoaderVar {
    pub name: &'static str,
    pub value: String,
    pub merge: Merge,
}

/// Why a loader variable cannot be merged into the value a container has.
#[derive(Debug, Clone, Error, PartialEq, Eq)]
pub enum Conflict {
    #[error("{name} is already set to {existing:?}, and the injected tracer needs {wanted:?}: remove it or set it to that")]
    Different {
        name: &'static str,
        existing: String,
        wanted: String,
    },
    #[error("{name} would be {len} bytes with the tracer's entry, over the {max} bytes Datadog's tools allow: shorten it")]
    TooLong {
        name: &'static str,
        len: usize,
        max: usize,
    },
}

impl LoaderVar {
    fn new(name: &'static str, value: impl Into<String>, merge: Merge) -> LoaderVar {
        LoaderVar {
            name,
            value: value.into(),
            merge,
        }
    }

    /// The variable's new value given the one the container has (`None`
    /// when unset): `Ok(None)` when nothing needs to change.
    ///
    /// A value already present as a whole entry between separators is left
    /// where it is, as Terraform's module does; datadog-ci and the CDK
    /// construct instead move it to the end they want. Leaving it keeps
    /// the user's order and makes a second patch change nothing.
    pub fn merge(&self, existing: Option<&str>) -> Result<Option<String>, Conflict> {
        let existing = existing.filter(|e| !e.is_empty());
        let wanted = &self.value;
        match self.merge {
            Merge::SetIfAbsent => match existing {
                None => Ok(Some(wanted.clone())),
                Some(e) if e == wanted => Ok(None),
                Some(e) => Err(Conflict::Different {
                    name: self.name,
                    existing: e.to_owned(),
                    wanted: wanted.clone(),
                }),
            },
            Merge::Append {
                sep,
                keep_leading_empty,
            } => match existing {
                None if keep_leading_empty => Ok(Some(format!("{sep}{wanted}"))),
                None => Ok(Some(wanted.clone())),
                Some(e) if has_entry(e, wanted, sep) => Ok(None),
                Some(e) => Ok(Some(format!("{e}{sep}{wanted}"))),
            },
            Merge::Prepend { sep, max_bytes } => {
                let merged = match existing {
                    None => wanted.clone(),
                    Some(e) if has_entry(e, wanted, sep) => return Ok(None),
                    Some(e) => format!("{wanted}{sep}{e}"),
                };
                match max_bytes {
                    Some(max) if merged.len() > max => Err(Conflict::TooLong {
                        name: self.name,
                        len: merged.len(),
                        max,
                    }),
                    _ => Ok(Some(merged)),
                }
            }
        }
    }
}

/// Whether `entry` is in `list` as a whole run of separator-bounded items.
fn has_entry(list: &str, entry: &str, sep: &str) -> bool {
    format!("{sep}{list}{sep}").contains(&format!("{sep}{entry}{sep}"))
}

/// The variables that load the injected library, per language, exactly as
/// Datadog's ECS tools set them (Terraform `apm_env_fragments_by_language`
/// = datadog-ci `injection-spec.ts` = CDK `apm-instrumentation.ts`); empty
/// for Go. Datadog's tools also prepend
/// `_dd.injection.mode:serverless-single-lang` to DD_TAGS: that tag marks
/// traces as set up by Datadog's own serverless tooling, which these are
/// not, so it is left out.
pub fn loader_vars(language: Language, libc: Libc) -> Vec<LoaderVar> {
    let lib = MOUNT_PATH;
    let space_append = Merge::Append {
        sep: " ",
        keep_leading_empty: false,
    };
    match language {
        Language::Java => vec![LoaderVar::new(
            "JAVA_TOOL_OPTIONS",
            format!("-javaagent:{lib}/dd-java-agent.jar -XX:+IgnoreUnrecognizedVMOptions"),
            space_append,
        )],
        Language::Nodejs => vec![LoaderVar::new(
            "NODE_OPTIONS",
            format!("--require {lib}/node_modules/dd-trace/init.js"),
            space_append,
        )],
        Language::Python => vec![LoaderVar::new(
            "PYTHONPATH",
            lib,
            Merge::Append {
                sep: ":",
                keep_leading_empty: false,
            },
        )],
        Language::Ruby => vec![LoaderVar::new(
            "RUBYOPT",
            format!("-r{lib}/auto_inject"),
            Merge::Prepend {
                sep: " ",
                max_bytes: None,
            },
        )],
        Language::Dotnet => vec![
            LoaderVar::new("CORECLR_ENABLE_PROFILING", "1", Merge::SetIfAbsent),
            LoaderVar::new("CORECLR_PROFILER", DOTNET_PROFILER_GUID, Merge::SetIfAbsent),
            LoaderVar::new(
                "CORECLR_PROFILER_PATH",
                format!("{lib}/Datadog.Trace.ClrProfiler.Native.so"),
                Merge::SetIfAbsent,
            ),
            LoaderVar::new("DD_DOTNET_TRACER_HOME", lib, Merge::SetIfAbsent),
            LoaderVar::new(
                "LD_PRELOAD",
                format!("{lib}/continuousprofiler/Datadog.Linux.ApiWrapper.x64.so"),
                Merge::Prepend {
                    sep: " ",
                    max_bytes: Some(1024),
                },
            ),
        ],
        Language::Php => vec![
            LoaderVar::new(
                "PHP_INI_SCAN_DIR",
                format!("{lib}/linux-{}/loader", libc.path_word()),
                Merge::Append {
                    sep: ":",
                    keep_leading_empty: true,
                },
            ),
            LoaderVar::new("DD_LOADER_PACKAGE_PATH", lib, Merge::SetIfAbsent),
        ],
        Language::Go => Vec::new(),
    }
}

/// The CLR profiler's class ID, the same for every release of the .NET
/// tracer.
pub const DOTNET_PROFILER_GUID: &str = "{846F5F1C-F9AE-4B07-969E-05C26BC060D8}";

/// Every variable name any language's injection sets, for recognising the
/// layout in a file.
pub fn all_loader_var_names() -> Vec<&'static str> {
    let mut names: Vec<&'static str> = Language::ALL
        .into_iter()
        .flat_map(|l| loader_vars(l, Libc::Gnu))
        .map(|v| v.name)
        .collect();
    names.sort_unstable();
    names.dedup();
    names
}

/// The language whose injection sets variable `name` to a value pointing
/// into the library volume, when `value` does. Variables that several
/// languages could share (LD_PRELOAD) count only with their language's
/// path.
pub fn language_of_loader_var(name: &str, value: &str) -> Option<Language> {
    if !value.contains(MOUNT_PATH) {
        return None;
    }
    Language::ALL.into_iter().find(|language| {
        [Libc::Gnu, Libc::Musl].into_iter().any(|libc| {
            loader_vars(*language, libc)
                .iter()
                .any(|v| v.name == name && value.contains(v.value.as_str()))
        })
    })
}

/// The CPU architecture a task runs on (`runtimePlatform.cpuArchitecture`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Arch {
    /// ECS's default when the task names none.
    #[default]
    X86_64,
    Arm64,
}

/// What the task runs on, as far as injection cares.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Platform {
    pub arch: Arch,
    pub windows: bool,
}

/// A combination Datadog's init images cannot serve.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// Go links the tracer in at build time.
    Go,
    /// dd-lib-ruby-init has no musl build.
    RubyOnMusl,
    /// .NET tracers before 3.0.
    DotnetBefore3(TracerVersion),
    /// The .NET loader variables name the x64 build.
    DotnetOnArm64,
    /// The init images and loader paths are Linux only.
    Windows,
}

impl Refusal {
    /// The answer the refusal is about.
    pub fn field(self) -> Field {
        match self {
            Refusal::Go | Refusal::DotnetOnArm64 | Refusal::Windows => Field::Tracer,
            Refusal::RubyOnMusl => Field::BaseImage,
            Refusal::DotnetBefore3(_) => Field::TracerVersion,
        }
    }

    /// Why, and what to use instead, in one line.
    pub fn why(self) -> &'static str {
        match self {
            Refusal::Go => "Go is compiled in: there is no init image; use --tracer image (the Dockerfile builds it in) or present",
            Refusal::RubyOnMusl => "Datadog's Ruby injection does not support musl (Alpine); use a glibc base image (--base-image debian) or --tracer image",
            Refusal::DotnetBefore3(_) => "Datadog's injection does not take .NET tracers before 3.0, whose packages need architecture-specific paths; use --tracer-version 3 or later, or --tracer image",
            Refusal::DotnetOnArm64 => "Datadog's .NET injection loads the x64 profiler (Datadog.Linux.ApiWrapper.x64.so), so it cannot serve ARM64 tasks; run the task on X86_64 or use --tracer image",
            Refusal::Windows => "Datadog's init images and loader paths are Linux only; on Windows install the tracer in the image and use --tracer present",
        }
    }

    /// As a configuration error, naming the value refused.
    pub fn error(self, value: impl Into<String>) -> ConfigError {
        ConfigError::Unsupported {
            field: self.field(),
            value: value.into(),
            why: self.why().to_owned(),
        }
    }
}

/// Why Datadog's injection cannot serve this combination, when it cannot.
/// The first reason found wins: the language, then the platform, then the
/// C library, then the version.
pub fn injection_refused(
    language: Language,
    libc: Libc,
    version: TracerVersion,
    platform: Platform,
) -> Option<Refusal> {
    if language == Language::Go {
        return Some(Refusal::Go);
    }
    if platform.windows {
        return Some(Refusal::Windows);
    }
    if language == Language::Dotnet && platform.arch == Arch::Arm64 {
        return Some(Refusal::DotnetOnArm64);
    }
    if language == Language::Ruby && libc == Libc::Musl {
        return Some(Refusal::RubyOnMusl);
    }
    if language == Language::Dotnet && version.major().is_some_and(|m| m < 3) {
        return Some(Refusal::DotnetBefore3(version));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn var(language: Language, libc: Libc, name: &str) -> LoaderVar {
        loader_vars(language, libc)
            .into_iter()
            .find(|v| v.name == name)
            .unwrap_or_else(|| panic!("{language} sets no {name}"))
    }

    fn merged(language: Language, name: &str, existing: Option<&str>) -> Option<String> {
        var(language, Libc::Gnu, name).merge(existing).unwrap()
    }

    #[test]
    fn versions_read_with_or_without_v_and_tag_with_it() {
        for (text, tag) in [
            ("latest", "latest"),
            ("4", "v4"),
            ("v4", "v4"),
            ("3.10.0", "v3.10.0"),
            ("v3.10.0", "v3.10.0"),
        ] {
            let version: TracerVersion = text.parse().unwrap();
            assert_eq!(version.image_tag(), tag, "{text}");
            assert_eq!(version.to_string().parse::<TracerVersion>(), Ok(version));
        }
        for bad in [
            "", "v", "V4", "4.1", "04", "4.01.0", "4.1.0.1", "x", " 4", "vv4",
        ] {
            let err = bad.parse::<TracerVersion>().unwrap_err();
            assert_eq!(err.field(), Field::TracerVersion, "{bad:?}");
        }
        assert_eq!(TracerVersion::Latest.number(), None);
        assert_eq!("v3.10.0".parse::<TracerVersion>().unwrap().major(), Some(3));
    }

    #[test]
    fn init_images_follow_datadogs_names() {
        let major = |l| TracerVersion::Major(default_major(l));
        assert_eq!(
            init_image(Language::Python, major(Language::Python)).unwrap(),
            "public.ecr.aws/datadog/dd-lib-python-init:v4"
        );
        assert_eq!(
            init_image(Language::Nodejs, major(Language::Nodejs)).unwrap(),
            "public.ecr.aws/datadog/dd-lib-js-init:v5"
        );
        assert_eq!(
            init_image(Language::Dotnet, "3.10.0".parse().unwrap()).unwrap(),
            "public.ecr.aws/datadog/dd-lib-dotnet-init:v3.10.0"
        );
        assert_eq!(init_image(Language::Go, TracerVersion::Latest), None);
        for language in Language::ALL {
            if let Some(image) = init_image(language, TracerVersion::Latest) {
                assert_eq!(language_of_init_image(&image), Some(language));
            }
        }
        assert_eq!(
            language_of_init_image("gcr.io/datadoghq/dd-lib-ruby-init@sha256:ab"),
            Some(Language::Ruby)
        );
        assert_eq!(
            language_of_init_image("public.ecr.aws/datadog/agent:7"),
            None
        );
        assert_eq!(language_of_init_image("dd-lib-cobol-init:v1"), None);
    }

    #[test]
    fn the_default_tracer_is_injection_except_for_go() {
        for language in Language::ALL {
            let want = if language == Language::Go {
                Tracer::Image
            } else {
                Tracer::Inject
            };
            assert_eq!(Tracer::default_for(language), want, "{language}");
        }
    }

    /// The expectations of Terraform's `apm_instrumentation.tftest.hcl`.
    #[test]
    fn merges_follow_datadogs_test_vectors() {
        assert_eq!(
            merged(Language::Python, "PYTHONPATH", Some("/app")).unwrap(),
            "/app:/datadog-lib"
        );
        assert_eq!(
            merged(Language::Java, "JAVA_TOOL_OPTIONS", Some("-Xmx512m")).unwrap(),
            "-Xmx512m -javaagent:/datadog-lib/dd-java-agent.jar -XX:+IgnoreUnrecognizedVMOptions"
        );
        assert_eq!(
            merged(Language::Dotnet, "LD_PRELOAD", Some("/usr/lib/libfoo.so")).unwrap(),
            "/datadog-lib/continuousprofiler/Datadog.Linux.ApiWrapper.x64.so /usr/lib/libfoo.so"
        );
        assert_eq!(
            merged(Language::Ruby, "RUBYOPT", Some("-W0")).unwrap(),
            "-r/datadog-lib/auto_inject -W0"
        );
        let php = |name| {
            var(Language::Php, Libc::Musl, name)
                .merge(Some(""))
                .unwrap()
        };
        assert_eq!(
            php("PHP_INI_SCAN_DIR").unwrap(),
            ":/datadog-lib/linux-musl/loader"
        );
        assert_eq!(php("DD_LOADER_PACKAGE_PATH").unwrap(), "/datadog-lib");
        let node = var(Language::Nodejs, Libc::Gnu, "NODE_OPTIONS");
        let already = format!("--max-old-space-size=512 {}", node.value);
        assert_eq!(node.merge(Some(&already)), Ok(None));
    }

    #[test]
    fn an_unset_variable_gets_the_value_alone() {
        for language in Language::ALL {
            for v in loader_vars(language, Libc::Gnu) {
                let want = if v.name == "PHP_INI_SCAN_DIR" {
                    format!(":{}", v.value)
                } else {
                    v.value.clone()
                };
                assert_eq!(v.merge(None), Ok(Some(want.clone())), "{}", v.name);
                assert_eq!(v.merge(Some("")), Ok(Some(want)), "{}", v.name);
            }
        }
        assert_eq!(
            merged(Language::Php, "PHP_INI_SCAN_DIR", Some("/etc/php/conf.d")).unwrap(),
            "/etc/php/conf.d:/datadog-lib/linux-gnu/loader"
        );
    }

    #[test]
    fn a_merged_value_merges_to_itself() {
        for language in Language::ALL {
            for libc in [Libc::Gnu, Libc::Musl] {
                for v in loader_vars(language, libc) {
                    for existing in [None, Some("x"), Some("a b:c")] {
                        let Ok(Some(once)) = v.merge(existing) else {
                            continue;
                        };
                        assert_eq!(v.merge(Some(&once)), Ok(None), "{} {existing:?}", v.name);
                    }
                }
            }
        }
    }

    #[test]
    fn an_entry_must_be_whole_to_count_as_present() {
        // `/datadog-library` is not `/datadog-lib`.
        assert_eq!(
            merged(Language::Python, "PYTHONPATH", Some("/datadog-library")).unwrap(),
            "/datadog-library:/datadog-lib"
        );
        assert_eq!(
            merged(Language::Python, "PYTHONPATH", Some("/a:/datadog-lib:/b")),
            None
        );
    }

    #[test]
    fn set_if_absent_refuses_a_different_value_and_keeps_the_same() {
        let profiler = var(Language::Dotnet, Libc::Gnu, "CORECLR_PROFILER");
        assert_eq!(profiler.merge(Some(DOTNET_PROFILER_GUID)), Ok(None));
        let err = profiler
            .merge(Some("{00000000-0000-0000-0000-000000000000}"))
            .unwrap_err();
        assert!(
            matches!(
                err,
                Conflict::Different {
                    name: "CORECLR_PROFILER",
                    ..
                }
            ),
            "{err}"
        );
        assert!(err
            .to_string()
            .starts_with("CORECLR_PROFILER is already set"));
    }

    #[test]
    fn ld_preload_is_refused_past_1024_bytes() {
        let preload = var(Language::Dotnet, Libc::Gnu, "LD_PRELOAD");
        let long = "x".repeat(1024 - preload.value.len() - 1);
        assert!(preload.merge(Some(&long)).unwrap().unwrap().len() == 1024);
        let err = preload.merge(Some(&format!("{long}y"))).unwrap_err();
        assert_eq!(
            err,
            Conflict::TooLong {
                name: "LD_PRELOAD",
                len: 1025,
                max: 1024
            }
        );
    }

    #[test]
    fn php_finds_its_loader_by_libc() {
        assert_eq!(
            var(Language::Php, Libc::Gnu, "PHP_INI_SCAN_DIR").value,
            "/datadog-lib/linux-gnu/loader"
        );
        assert_eq!(
            var(Language::Php, Libc::Musl, "PHP_INI_SCAN_DIR").value,
            "/datadog-lib/linux-musl/loader"
        );
        assert_eq!(BaseImage::Alpine.libc(), Libc::Musl);
        assert_eq!(BaseImage::Distroless.libc(), Libc::Gnu);
    }

    #[test]
    fn loader_vars_tell_their_language() {
        assert_eq!(
            language_of_loader_var("PYTHONPATH", "/app:/datadog-lib"),
            Some(Language::Python)
        );
        assert_eq!(language_of_loader_var("PYTHONPATH", "/app"), None);
        assert_eq!(
            language_of_loader_var(
                "LD_PRELOAD",
                "/datadog-lib/continuousprofiler/Datadog.Linux.ApiWrapper.x64.so"
            ),
            Some(Language::Dotnet)
        );
        assert_eq!(
            language_of_loader_var("PHP_INI_SCAN_DIR", ":/datadog-lib/linux-musl/loader"),
            Some(Language::Php)
        );
        assert_eq!(language_of_loader_var("DD_ENV", "/datadog-lib"), None);
        let names = all_loader_var_names();
        assert!(names.contains(&"RUBYOPT") && names.contains(&"CORECLR_PROFILER"));
        assert!(
            !names.contains(&"DD_TAGS"),
            "the serverless tag is not ours"
        );
    }

    #[test]
    fn refusals_say_why_and_what_instead() {
        let refused = |language, libc, version: &str, platform| {
            injection_refused(language, libc, version.parse().unwrap(), platform)
        };
        let x86 = Platform::default();
        assert_eq!(
            refused(Language::Go, Libc::Gnu, "latest", x86),
            Some(Refusal::Go)
        );
        assert_eq!(
            refused(Language::Ruby, Libc::Musl, "2", x86),
            Some(Refusal::RubyOnMusl)
        );
        assert_eq!(refused(Language::Ruby, Libc::Gnu, "2", x86), None);
        // TF test `rejects_dotnet_before_3`.
        assert_eq!(
            refused(Language::Dotnet, Libc::Gnu, "2.49.0", x86),
            Some(Refusal::DotnetBefore3("2.49.0".parse().unwrap()))
        );
        assert_eq!(refused(Language::Dotnet, Libc::Gnu, "v3", x86), None);
        assert_eq!(refused(Language::Dotnet, Libc::Gnu, "latest", x86), None);
        let arm = Platform {
            arch: Arch::Arm64,
            windows: false,
        };
        assert_eq!(
            refused(Language::Dotnet, Libc::Gnu, "3", arm),
            Some(Refusal::DotnetOnArm64)
        );
        assert_eq!(refused(Language::Python, Libc::Gnu, "4", arm), None);
        let windows = Platform {
            arch: Arch::X86_64,
            windows: true,
        };
        assert_eq!(
            refused(Language::Java, Libc::Gnu, "1", windows),
            Some(Refusal::Windows)
        );
        for refusal in [
            Refusal::Go,
            Refusal::RubyOnMusl,
            Refusal::DotnetBefore3(TracerVersion::Major(2)),
            Refusal::DotnetOnArm64,
            Refusal::Windows,
        ] {
            let why = refusal.why();
            assert!(!why.contains('\n') && why.contains("use"), "{why}");
        }
        assert_eq!(
            Refusal::Go.error("inject").to_string(),
            "unsupported tracer \"inject\": Go is compiled in: there is no init image; use --tracer image (the Dockerfile builds it in) or present"
        );
    }

    #[test]
    fn the_layout_is_datadogs() {
        assert_eq!(
            mount(),
            json!({"sourceVolume": "datadog-tracer", "containerPath": "/datadog-lib", "readOnly": false})
        );
        assert_eq!(volume(), json!({"name": "datadog-tracer"}));
        assert_eq!(
            dependency(),
            json!({"containerName": "datadog-tracer", "condition": "SUCCESS"})
        );
    }
}
