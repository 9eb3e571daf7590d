//! Every answer that can be given on the command line, one row each: its
//! flag, its help, which commands take it, how its text is read into a
//! [`Config`], how it is spelled back, and when it does not apply. The CLI
//! builds its flags from these rows and the wizard's questions point at
//! them, so an answer is written once.

use crate::core::model::agent_settings::{AgentSettings, Cardinality};
use crate::core::model::config::{
    validate_app_name, validate_secret_arn, validate_startup_command, validate_tag, AgentVersion,
    BaseImage, Config, Imds, Language, LaunchType, Site, Tracer, TracerVersion, Transport,
    APP_IMAGE_PLACEHOLDER,
};
use crate::core::model::error::ConfigError;
use crate::core::model::features::{parse_switch, DbmMode, Switch};

/// The answer a setting, a message or an error is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Field {
    LaunchType,
    Transport,
    Language,
    Tracer,
    TracerVersion,
    BaseImage,
    AgentVersion,
    Imds,
    StartupCommand,
    AppName,
    AppImage,
    Service,
    Env,
    ServiceVersion,
    Site,
    ApiKeySecretArn,
    Profiling,
    RuntimeMetrics,
    LogsInjection,
    Appsec,
    DataStreams,
    DbmPropagation,
    TraceSampleRate,
    OrchestratorExplorer,
    OriginDetection,
    TagCardinality,
    ProcessCollection,
    AgentReadOnlyRoot,
    LogCollection,
    InstallInfo,
    /// `generate --output`: not an answer, but a value that can be wrong.
    Artifact,
}

/// The commands that take a setting, as a set of bits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Scope(u8);

impl Scope {
    /// The wizard's presets (`ddecs-wizard [OPTIONS]`, `--plain`).
    pub const WIZARD: Scope = Scope(1);
    pub const GENERATE: Scope = Scope(2);
    pub const PATCH: Scope = Scope(4);
    /// `apply`: patch's settings applied to a registered revision.
    pub const APPLY: Scope = Scope(8);
    /// What builds new artifacts: the wizard and `generate`.
    pub const NEW: Scope = Scope(1 | 2);
    pub const ALL: Scope = Scope(1 | 2 | 4 | 8);

    pub const fn bits(self) -> u8 {
        self.0
    }

    pub const fn from_bits(bits: u8) -> Scope {
        Scope(bits)
    }

    pub const fn contains(self, other: Scope) -> bool {
        self.0 & other.0 == other.0
    }
}

/// When `generate_command` spells a setting out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Spelled {
    /// Always, so that the command says what every config decides.
    Always,
    /// When it differs from the language's default config.
    WhenChanged,
}

/// One answer as the command line gives it.
pub struct Setting {
    pub field: Field,
    /// How messages name it.
    pub noun: &'static str,
    /// The long flag, without its dashes.
    pub long: &'static str,
    pub value_name: &'static str,
    /// `--help`'s line, default included.
    pub help: &'static str,
    pub scope: Scope,
    /// The values of a closed set, for `--help` and shell completion; empty
    /// for free text.
    pub values: fn() -> Vec<&'static str>,
    /// Reads the flag's text into the config, checking its form; the
    /// combination is checked later by [`Config::validate`]. May reset
    /// answers that follow from it (a launch type brings its transport, a
    /// language its start command): settings are applied in table order, so
    /// a flag given for those comes later and wins.
    pub set: fn(&mut Config, &str) -> Result<(), ConfigError>,
    /// The answer as the flag spells it; `None` when unset.
    pub get: fn(&Config) -> Option<String>,
    pub spelled: Spelled,
    /// Why the config has no use for the answer, when it has none: giving
    /// the flag then is an error rather than silently ignored.
    pub unused: fn(&Config) -> Option<String>,
}

impl std::fmt::Debug for Setting {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Setting")
            .field("field", &self.field)
            .finish()
    }
}

fn no_values() -> Vec<&'static str> {
    Vec::new()
}

fn always_used(_: &Config) -> Option<String> {
    None
}

/// An optional tag: empty text unsets it.
fn set_tag(field: Field, target: &mut Option<String>, text: &str) -> Result<(), ConfigError> {
    if text.is_empty() {
        *target = None;
    } else {
        validate_tag(field, text)?;
        *target = Some(text.to_owned());
    }
    Ok(())
}

/// Why a value for the entryPoint wrapper has no use, when nothing is
/// wrapped.
fn unwrapped(config: &Config) -> Option<String> {
    if config.wraps_entrypoint() {
        None
    } else if config.transport == Transport::Uds {
        Some("with --transport uds the app reaches the agent through the socket: nothing looks up an address or wraps the start command".to_owned())
    } else {
        Some(format!(
            "on {} the agent is a sidecar on localhost: nothing looks up an address or wraps the start command",
            config.launch_type.label()
        ))
    }
}

/// Why the tracer's version and base image have no use: with `present`
/// nothing is installed or injected.
fn tracer_installed_elsewhere(config: &Config) -> Option<String> {
    (config.tracer == Tracer::Present).then(|| {
        "with --tracer present the image already has its tracer: nothing is injected or installed, so there is no version or base image to pick".to_owned()
    })
}

/// A tracer feature's flag: `--NAME` alone switches it on, `--NAME=false`
/// off again (the `=` keeps a file argument from being read as its value).
macro_rules! switch_setting {
    ($switch:expr, $noun:literal, $long:literal, $help:literal) => {
        Setting {
            field: $switch.field(),
            noun: $noun,
            long: $long,
            value_name: "BOOL",
            help: $help,
            scope: Scope::ALL,
            values: || vec!["true", "false"],
            set: |c, s| {
                let on = parse_switch($switch.field(), s)?;
                $switch.set(&mut c.features, on);
                Ok(())
            },
            get: |c| $switch.get(&c.features).then(|| "true".to_owned()),
            spelled: Spelled::WhenChanged,
            unused: always_used,
        }
    };
}

/// An agent setting's on/off flag, spelled like a feature's; the wizard
/// and `generate` (the agent `patch` finds is left as it is).
macro_rules! agent_switch {
    ($field:expr, $slot:ident, $noun:literal, $long:literal, $help:literal) => {
        Setting {
            field: $field,
            noun: $noun,
            long: $long,
            value_name: "BOOL",
            help: $help,
            scope: Scope::NEW,
            values: || vec!["true", "false"],
            set: |c, s| {
                c.agent.$slot = parse_switch($field, s)?;
                Ok(())
            },
            // Spelled out only where it differs from the agent's default
            // (off for most switches, on for the install information).
            get: |c| {
                (c.agent.$slot != AgentSettings::default().$slot).then(|| c.agent.$slot.to_string())
            },
            spelled: Spelled::WhenChanged,
            unused: always_used,
        }
    };
}

/// Every setting, in the order they are applied (and listed in `--help`).
pub const SETTINGS: &[Setting] = &[
    Setting {
        field: Field::LaunchType,
        noun: "launch type",
        long: "launch-type",
        value_name: "TYPE",
        help: "Where the tasks run: ec2 (agent DAEMON service), fargate (agent sidecar), managed-instances [default: ec2]",
        scope: Scope::ALL,
        values: || LaunchType::ALL.map(LaunchType::cli_name).to_vec(),
        set: |c, s| {
            let launch_type: LaunchType = s.parse()?;
            if launch_type != c.launch_type {
                c.transport = launch_type.default_transport();
            }
            c.launch_type = launch_type;
            Ok(())
        },
        get: |c| Some(c.launch_type.to_string()),
        spelled: Spelled::Always,
        unused: always_used,
    },
    Setting {
        field: Field::Transport,
        noun: "transport",
        long: "transport",
        value_name: "TRANSPORT",
        help: "How the app reaches the agent: tcp (port 8126), uds (Unix socket in /var/run/datadog) [default: tcp; uds on managed-instances]",
        scope: Scope::ALL,
        values: || Transport::ALL.map(Transport::cli_name).to_vec(),
        set: |c, s| {
            c.transport = s.parse()?;
            Ok(())
        },
        get: |c| Some(c.transport.to_string()),
        spelled: Spelled::Always,
        unused: always_used,
    },
    Setting {
        field: Field::Language,
        noun: "language",
        long: "language",
        value_name: "LANGUAGE",
        help: "Application language: python, nodejs, ruby, go, java, dotnet, php [default: python]",
        scope: Scope::NEW,
        values: || Language::ALL.map(Language::cli_name).to_vec(),
        set: |c, s| {
            c.set_language(s.parse()?);
            Ok(())
        },
        get: |c| Some(c.language.to_string()),
        spelled: Spelled::Always,
        unused: always_used,
    },
    Setting {
        field: Field::Tracer,
        noun: "tracer",
        long: "tracer",
        value_name: "HOW",
        help: "How the tracer gets into the app: inject (Datadog's init container copies it into a task volume), image (Dockerfile.datadog installs it), present (the image has it) [default: inject; image for go]",
        scope: Scope::ALL,
        values: || Tracer::ALL.map(Tracer::cli_name).to_vec(),
        set: |c, s| {
            c.set_tracer(s.parse()?);
            Ok(())
        },
        get: |c| Some(c.tracer.to_string()),
        spelled: Spelled::Always,
        unused: always_used,
    },
    Setting {
        field: Field::TracerVersion,
        noun: "tracer version",
        long: "tracer-version",
        value_name: "VERSION",
        help: "Tracer version: latest, a major (4, v4) or a release (3.10.0, v3.10.0) [default: the language's current major: java v1, nodejs v5, python v4, dotnet v3, ruby v2, php v1]",
        scope: Scope::ALL,
        values: no_values,
        set: |c, s| {
            c.tracer_version = Some(s.parse::<TracerVersion>()?);
            Ok(())
        },
        get: |c| c.tracer_version.map(|v| v.to_string()),
        spelled: Spelled::WhenChanged,
        unused: |c| {
            tracer_installed_elsewhere(c).or_else(|| {
                (c.language == Language::Go).then(|| {
                    "for Go the version is the one go.mod pins (orchestrion pin adds dd-trace-go v2)".to_owned()
                })
            })
        },
    },
    Setting {
        field: Field::BaseImage,
        noun: "base image",
        long: "base-image",
        value_name: "FAMILY",
        help: "The app image's base: debian (Debian/Ubuntu, glibc), alpine (musl), distroless; picks the injected build and the Dockerfile's steps [default: debian]",
        scope: Scope::ALL,
        values: || BaseImage::ALL.map(BaseImage::cli_name).to_vec(),
        set: |c, s| {
            c.base_image = s.parse()?;
            Ok(())
        },
        get: |c| Some(c.base_image.to_string()),
        spelled: Spelled::WhenChanged,
        unused: tracer_installed_elsewhere,
    },
    Setting {
        field: Field::AgentVersion,
        noun: "agent version",
        long: "agent-version",
        value_name: "VERSION",
        help: "Agent version: latest, a major (7) or a version (7.17, 7.17.1, 6.16.0) [default: latest]",
        scope: Scope::ALL,
        values: no_values,
        set: |c, s| {
            c.agent_version = s.parse::<AgentVersion>()?;
            Ok(())
        },
        get: |c| Some(c.agent_version.to_string()),
        spelled: Spelled::Always,
        unused: always_used,
    },
    Setting {
        field: Field::Imds,
        noun: "imds",
        long: "imds",
        value_name: "SOURCE",
        help: "How an EC2 app finds the host's private IP: v2, v1, metadata-file, auto (ec2 + tcp only) [default: v2]",
        scope: Scope::ALL,
        values: || Imds::ALL.map(Imds::cli_name).to_vec(),
        set: |c, s| {
            c.imds = s.parse()?;
            Ok(())
        },
        get: |c| Some(c.imds.to_string()),
        spelled: Spelled::Always,
        unused: unwrapped,
    },
    Setting {
        field: Field::StartupCommand,
        noun: "startup command",
        long: "startup-command",
        value_name: "COMMAND",
        help: "The app's own start command [default: per language]",
        scope: Scope::ALL,
        values: no_values,
        set: |c, s| {
            validate_startup_command(s)?;
            s.clone_into(&mut c.startup_command);
            Ok(())
        },
        get: |c| Some(c.startup_command.clone()),
        spelled: Spelled::Always,
        unused: unwrapped,
    },
    Setting {
        field: Field::AppName,
        noun: "app name",
        long: "app-name",
        value_name: "NAME",
        help: "App container name [default: app]",
        scope: Scope::NEW,
        values: no_values,
        set: |c, s| {
            validate_app_name(s)?;
            s.clone_into(&mut c.app_name);
            Ok(())
        },
        get: |c| Some(c.app_name.clone()),
        spelled: Spelled::WhenChanged,
        unused: always_used,
    },
    Setting {
        field: Field::AppImage,
        noun: "app image",
        long: "app-image",
        value_name: "IMAGE",
        help: "App container image [default: a placeholder]",
        scope: Scope::NEW,
        values: no_values,
        set: |c, s| {
            if s.is_empty() {
                APP_IMAGE_PLACEHOLDER.clone_into(&mut c.app_image);
                return Ok(());
            }
            if s.chars().any(char::is_whitespace) {
                return Err(ConfigError::Invalid {
                    field: Field::AppImage,
                    value: s.to_owned(),
                    expected: "an image reference without spaces".to_owned(),
                });
            }
            s.clone_into(&mut c.app_image);
            Ok(())
        },
        get: |c| Some(c.app_image.clone()),
        spelled: Spelled::WhenChanged,
        unused: always_used,
    },
    Setting {
        field: Field::Service,
        noun: "service",
        long: "service",
        value_name: "NAME",
        help: "Unified service tagging: service name (DD_SERVICE)",
        scope: Scope::ALL,
        values: no_values,
        set: |c, s| set_tag(Field::Service, &mut c.tags.service, s),
        get: |c| c.tags.service.clone(),
        spelled: Spelled::WhenChanged,
        unused: always_used,
    },
    Setting {
        field: Field::Env,
        noun: "env",
        long: "env",
        value_name: "ENV",
        help: "Unified service tagging: environment (DD_ENV)",
        scope: Scope::ALL,
        values: no_values,
        set: |c, s| set_tag(Field::Env, &mut c.tags.env, s),
        get: |c| c.tags.env.clone(),
        spelled: Spelled::WhenChanged,
        unused: always_used,
    },
    Setting {
        field: Field::ServiceVersion,
        noun: "service version",
        long: "service-version",
        value_name: "VERSION",
        help: "Unified service tagging: version (DD_VERSION)",
        scope: Scope::ALL,
        values: no_values,
        set: |c, s| set_tag(Field::ServiceVersion, &mut c.tags.version, s),
        get: |c| c.tags.version.clone(),
        spelled: Spelled::WhenChanged,
        unused: always_used,
    },
    Setting {
        field: Field::Site,
        noun: "site",
        long: "site",
        value_name: "SITE",
        help: "Datadog site: datadoghq.com, us3.datadoghq.com, us5.datadoghq.com, datadoghq.eu, ap1.datadoghq.com, ap2.datadoghq.com, ddog-gov.com [default: datadoghq.com]",
        scope: Scope::ALL,
        values: || Site::ALL.map(Site::cli_name).to_vec(),
        set: |c, s| {
            c.site = s.parse()?;
            Ok(())
        },
        get: |c| Some(c.site.to_string()),
        spelled: Spelled::WhenChanged,
        unused: always_used,
    },
    Setting {
        field: Field::ApiKeySecretArn,
        noun: "api key secret ARN",
        long: "api-key-secret-arn",
        value_name: "ARN",
        help: "Where the agent reads DD_API_KEY: a Secrets Manager secret ARN, a JSON key in one (ARN:api_key::) or an SSM parameter ARN (arn:aws:ssm:REGION:ACCOUNT:parameter/NAME) [default: a placeholder value]",
        scope: Scope::ALL,
        values: no_values,
        set: |c, s| {
            validate_secret_arn(s)?;
            c.api_key_secret_arn = Some(s.to_owned());
            Ok(())
        },
        get: |c| c.api_key_secret_arn.clone(),
        spelled: Spelled::WhenChanged,
        unused: always_used,
    },
    switch_setting!(
        Switch::Profiling,
        "profiling",
        "profiling",
        "Continuous Profiler: DD_PROFILING_ENABLED=true on the app (every language; Go built with Orchestrion) [default: off]"
    ),
    switch_setting!(
        Switch::RuntimeMetrics,
        "runtime metrics",
        "runtime-metrics",
        "Runtime metrics over DogStatsD: DD_RUNTIME_METRICS_ENABLED=true (not PHP) [default: off]"
    ),
    switch_setting!(
        Switch::LogsInjection,
        "logs injection",
        "logs-injection",
        "Trace IDs in the app's logs: DD_LOGS_INJECTION=true (not Go) [default: the tracer's]"
    ),
    switch_setting!(
        Switch::Appsec,
        "appsec",
        "appsec",
        "App and API Protection (ASM): DD_APPSEC_ENABLED=true [default: off]"
    ),
    switch_setting!(
        Switch::DataStreams,
        "data streams",
        "data-streams",
        "Data Streams Monitoring: DD_DATA_STREAMS_ENABLED=true (not PHP) [default: off]"
    ),
    Setting {
        field: Field::DbmPropagation,
        noun: "DBM propagation mode",
        long: "dbm-propagation",
        value_name: "MODE",
        help: "Database Monitoring link in SQL comments, DD_DBM_PROPAGATION_MODE: service (service tags), full (and the trace, to link queries to traces); empty: unset [default: unset]",
        scope: Scope::ALL,
        values: || DbmMode::ALL.map(DbmMode::cli_name).to_vec(),
        set: |c, s| {
            c.features.dbm_propagation = if s.is_empty() { None } else { Some(s.parse()?) };
            Ok(())
        },
        get: |c| c.features.dbm_propagation.map(|m| m.to_string()),
        spelled: Spelled::WhenChanged,
        unused: always_used,
    },
    Setting {
        field: Field::TraceSampleRate,
        noun: "trace sample rate",
        long: "trace-sample-rate",
        value_name: "RATE",
        help: "The share of traces kept, 0 to 1: DD_TRACE_SAMPLE_RATE; empty: unset [default: the agent's per-service rates]",
        scope: Scope::ALL,
        values: no_values,
        set: |c, s| {
            c.features.sample_rate = if s.is_empty() { None } else { Some(s.parse()?) };
            Ok(())
        },
        get: |c| c.features.sample_rate.as_ref().map(ToString::to_string),
        spelled: Spelled::WhenChanged,
        unused: always_used,
    },
    agent_switch!(
        Field::OrchestratorExplorer,
        orchestrator_explorer,
        "orchestrator explorer",
        "orchestrator-explorer",
        "The tasks in Datadog's Orchestrator Explorer: DD_ECS_TASK_COLLECTION_ENABLED=true on the agent (the task role needs ecs:ListClusters, ecs:ListContainerInstances, ecs:DescribeContainerInstances) [default: the agent's]"
    ),
    agent_switch!(
        Field::OriginDetection,
        origin_detection,
        "origin detection",
        "origin-detection",
        "DogStatsD origin detection: DD_DOGSTATSD_ORIGIN_DETECTION on the agent, DD_DOGSTATSD_ORIGIN_DETECTION_CLIENT on the app, so metrics carry the sending container's tags [default: off]"
    ),
    Setting {
        field: Field::TagCardinality,
        noun: "tag cardinality",
        long: "tag-cardinality",
        value_name: "LEVEL",
        help: "DogStatsD tag cardinality, DD_DOGSTATSD_TAG_CARDINALITY: low, orchestrator (adds the task), high (adds the container) [default: the agent's, low]",
        scope: Scope::NEW,
        values: || Cardinality::ALL.map(Cardinality::cli_name).to_vec(),
        set: |c, s| {
            c.agent.tag_cardinality = if s.is_empty() { None } else { Some(s.parse()?) };
            Ok(())
        },
        get: |c| c.agent.tag_cardinality.map(|l| l.to_string()),
        spelled: Spelled::WhenChanged,
        unused: always_used,
    },
    agent_switch!(
        Field::ProcessCollection,
        process_collection,
        "process collection",
        "process-collection",
        "Live processes: DD_PROCESS_AGENT_PROCESS_COLLECTION_ENABLED=true on the agent; on Fargate also pidMode task, which limits ECS Exec to one container of the task; on EC2 the /etc/passwd mount (not on managed-instances) [default: off]"
    ),
    agent_switch!(
        Field::AgentReadOnlyRoot,
        read_only_root,
        "agent read-only root",
        "agent-read-only-root",
        "The Fargate sidecar with a read-only root filesystem: /etc/datadog-agent, /tmp and /opt/datadog-agent/run become task volumes, seeded by a non-essential init-volume container (fargate only) [default: off]"
    ),
    Setting {
        field: Field::LogCollection,
        noun: "log collection",
        long: "log-collection",
        value_name: "BOOL",
        help: "The app's logs to Datadog: on EC2 the agent tails every container's logs (DD_LOGS_ENABLED, DD_LOGS_CONFIG_CONTAINER_COLLECT_ALL, its pointer and containers volumes) and the app's com.datadoghq.ad.logs label names source and service; on fargate and managed-instances a FireLens log router (aws-for-fluent-bit) and the app's awsfirelens logConfiguration to the site's HTTP intake, with the API key from the secret; patch replaces an app's own logConfiguration only with this flag, and says so [default: off]",
        scope: Scope::ALL,
        values: || vec!["true", "false"],
        set: |c, s| {
            c.log_collection = parse_switch(Field::LogCollection, s)?;
            Ok(())
        },
        get: |c| c.log_collection.then(|| "true".to_owned()),
        spelled: Spelled::WhenChanged,
        unused: always_used,
    },
    agent_switch!(
        Field::InstallInfo,
        install_info,
        "install info",
        "install-info",
        "The agent's install information names the tool that set it up, as Datadog's Terraform module names itself: DD_INSTALL_INFO_TOOL=ddecs-wizard, DD_INSTALL_INFO_TOOL_VERSION=ddecs-wizard, DD_INSTALL_INFO_INSTALLER_VERSION (this version); --install-info=false leaves them out [default: on]"
    ),
];

impl Setting {
    /// Whether the flag is an on/off switch (a tracer feature, an agent
    /// setting).
    pub fn is_switch(&self) -> bool {
        Switch::ALL.iter().any(|s| s.field() == self.field)
            || matches!(
                self.field,
                Field::OrchestratorExplorer
                    | Field::OriginDetection
                    | Field::ProcessCollection
                    | Field::AgentReadOnlyRoot
                    | Field::LogCollection
                    | Field::InstallInfo
            )
    }
}

impl Field {
    /// The setting that gives this answer; `None` for `--output`.
    pub fn setting(self) -> Option<&'static Setting> {
        SETTINGS.iter().find(|s| s.field == self)
    }

    /// How messages name the answer.
    pub fn noun(self) -> &'static str {
        match self.setting() {
            Some(setting) => setting.noun,
            None => "artifact",
        }
    }

    /// The command-line flag that gives the answer, dashes included.
    pub fn flag(self) -> String {
        match self.setting() {
            Some(setting) => format!("--{}", setting.long),
            None => "--output".to_owned(),
        }
    }
}

impl std::fmt::Display for Field {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.noun())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_answer_has_one_setting_and_every_flag_is_unique() {
        let mut longs: Vec<&str> = SETTINGS.iter().map(|s| s.long).collect();
        longs.sort_unstable();
        longs.dedup();
        assert_eq!(longs.len(), SETTINGS.len());
        for setting in SETTINGS {
            assert_eq!(
                SETTINGS.iter().filter(|s| s.field == setting.field).count(),
                1
            );
        }
        assert_eq!(Field::Artifact.setting().map(|s| s.long), None);
        assert_eq!(Field::Artifact.flag(), "--output");
    }

    #[test]
    fn what_a_setting_spells_reads_back_to_the_same_config() {
        let mut config = Config::for_language(Language::Php);
        config.site = Site::Eu1;
        config.tags.service = Some("web".to_owned());
        config.api_key_secret_arn =
            Some("arn:aws:ssm:eu-west-1:123456789012:parameter/dd".to_owned());
        config.features.profiling = true;
        config.features.appsec = true;
        config.features.dbm_propagation = Some(DbmMode::Full);
        config.features.sample_rate = Some("0.25".parse().unwrap());
        let mut rebuilt = Config::default();
        for setting in SETTINGS {
            if let Some(text) = (setting.get)(&config) {
                (setting.set)(&mut rebuilt, &text).unwrap();
            }
        }
        assert_eq!(rebuilt, config);
    }

    #[test]
    fn closed_sets_list_exactly_what_they_accept() {
        for setting in SETTINGS {
            for value in (setting.values)() {
                let mut config = Config::default();
                (setting.set)(&mut config, value)
                    .unwrap_or_else(|e| panic!("{}: {value}: {e}", setting.long));
            }
        }
        let mut config = Config::default();
        let err = (Field::Language.setting().unwrap().set)(&mut config, "cobol").unwrap_err();
        assert_eq!(err.field(), Field::Language);
    }
}
