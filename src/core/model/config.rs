//! The answers every front end collects: one [`Config`] holds them all, and
//! each closed set of choices is an enum whose `Display` is its CLI spelling.

use std::fmt;
use std::str::FromStr;

pub use crate::core::model::agent_settings::AgentSettings;
use crate::core::model::choices::choices;
use crate::core::model::datadog::{FIRST_MANAGED_INSTANCES_AGENT, FIRST_UDS_AGENT};
use crate::core::model::error::{ConfigError, Field};
pub use crate::core::model::features::Features;
pub use crate::core::model::language::Language;
use crate::core::model::tracer::{default_major, injection_refused, Platform, Refusal};
pub use crate::core::model::tracer::{BaseImage, Tracer, TracerVersion};

choices! {
    /// Where the tasks run, which decides where the agent runs: a DAEMON
    /// service on each EC2 instance, a sidecar in every Fargate task, or the
    /// ECS Managed Instances daemon (containerd, no Docker socket).
    pub enum LaunchType (LaunchType) {
        Ec2 => "ec2",
        Fargate => "fargate",
        ManagedInstances => "managed-instances",
    }
}

impl LaunchType {
    /// How the launch type is named in prose.
    pub fn label(self) -> &'static str {
        match self {
            LaunchType::Ec2 => "EC2",
            LaunchType::Fargate => "Fargate",
            LaunchType::ManagedInstances => "ECS Managed Instances",
        }
    }

    /// The value of `requiresCompatibilities` (and `compatibilities`) that
    /// names the launch type in a task definition.
    pub fn compatibility(self) -> &'static str {
        match self {
            LaunchType::Ec2 => "EC2",
            LaunchType::Fargate => "FARGATE",
            LaunchType::ManagedInstances => "MANAGED_INSTANCES",
        }
    }

    /// The transport used when none is chosen: Managed Instances apps can
    /// only use the socket; elsewhere TCP, the recipe that needs no volume.
    pub fn default_transport(self) -> Transport {
        match self {
            LaunchType::ManagedInstances => Transport::Uds,
            LaunchType::Ec2 | LaunchType::Fargate => Transport::Tcp,
        }
    }
}

choices! {
    /// How the app's tracer reaches the agent.
    pub enum Transport (Transport) {
        /// Port 8126: the app needs the agent's address.
        Tcp => "tcp",
        /// A Unix socket in the shared /var/run/datadog directory.
        Uds => "uds",
    }
}

choices! {
    /// Where the application finds the private IPv4 address of its EC2 host.
    pub enum Imds (Imds) {
        V2 => "v2",
        V1 => "v1",
        MetadataFile => "metadata-file",
        /// The metadata file when ECS provides one, else IMDSv2, else IMDSv1.
        Auto => "auto",
    }
}

impl Imds {
    /// How the source is named in prose and in the script's messages.
    pub fn label(self) -> &'static str {
        match self {
            Imds::V1 => "IMDSv1",
            Imds::V2 => "IMDSv2",
            Imds::MetadataFile => "the ECS container metadata file",
            Imds::Auto => "the ECS container metadata file, IMDSv2 or IMDSv1",
        }
    }
}

/// The Datadog agent version the daemon runs: `latest`, a major, `x.y` or
/// `x.y.z`. Its text is also the image tag.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum AgentVersion {
    Latest,
    Version {
        major: u32,
        minor: Option<u32>,
        patch: Option<u32>,
    },
}

impl AgentVersion {
    /// Agents 7.17 and lower (all of 6.x) accept traces only when APM and
    /// non-local traffic are switched on explicitly.
    pub fn is_legacy(&self) -> bool {
        match self {
            AgentVersion::Latest => false,
            AgentVersion::Version { major, minor, .. } => {
                *major < 7 || (*major == 7 && minor.is_some_and(|m| m <= 17))
            }
        }
    }

    /// Whether this version is `major.minor` or newer; `latest` and a bare
    /// major are taken as that major's newest release.
    pub fn at_least(&self, want_major: u32, want_minor: u32) -> bool {
        match self {
            AgentVersion::Latest => true,
            AgentVersion::Version { major, minor, .. } => {
                *major > want_major
                    || (*major == want_major && minor.is_none_or(|m| m >= want_minor))
            }
        }
    }

    /// The image tag, which follows the version as written.
    pub fn image_tag(&self) -> String {
        self.to_string()
    }
}

impl fmt::Display for AgentVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AgentVersion::Latest => f.write_str("latest"),
            AgentVersion::Version {
                major,
                minor,
                patch,
            } => {
                write!(f, "{major}")?;
                if let Some(minor) = minor {
                    write!(f, ".{minor}")?;
                }
                if let Some(patch) = patch {
                    write!(f, ".{patch}")?;
                }
                Ok(())
            }
        }
    }
}

impl FromStr for AgentVersion {
    type Err = ConfigError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let invalid = || ConfigError::Invalid {
            field: Field::AgentVersion,
            value: s.to_owned(),
            expected: "latest, a major (7), or a version (7.17, 7.17.1, 6.16.0)".to_owned(),
        };
        if s == "latest" {
            return Ok(AgentVersion::Latest);
        }
        let mut numbers = Vec::with_capacity(3);
        for part in s.split('.') {
            // Digits only, no sign or spaces, and no leading zeros: the tag
            // must match the published image exactly.
            if part.is_empty()
                || !part.bytes().all(|b| b.is_ascii_digit())
                || (part.len() > 1 && part.starts_with('0'))
            {
                return Err(invalid());
            }
            numbers.push(part.parse::<u32>().map_err(|_| invalid())?);
        }
        if numbers.len() > 3 {
            return Err(invalid());
        }
        if numbers[0] < 6 {
            return Err(ConfigError::Unsupported {
                field: Field::AgentVersion,
                value: s.to_owned(),
                why: "agents older than 6 (docker-dd-agent) are not supported; use 6.x or 7.x"
                    .to_owned(),
            });
        }
        Ok(AgentVersion::Version {
            major: numbers[0],
            minor: numbers.get(1).copied(),
            patch: numbers.get(2).copied(),
        })
    }
}

/// Unified service tagging values; each may be unset.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Tags {
    pub service: Option<String>,
    pub env: Option<String>,
    pub version: Option<String>,
}

choices! {
    /// The Datadog site an account lives on: where the agent sends data.
    pub enum Site (Site) {
        Us1 => "datadoghq.com",
        Us3 => "us3.datadoghq.com",
        Us5 => "us5.datadoghq.com",
        Eu1 => "datadoghq.eu",
        Ap1 => "ap1.datadoghq.com",
        Ap2 => "ap2.datadoghq.com",
        Us1Fed => "ddog-gov.com",
    }
}

impl Site {
    /// The region name Datadog gives the site.
    pub fn region(self) -> &'static str {
        match self {
            Site::Us1 => "US1",
            Site::Us3 => "US3",
            Site::Us5 => "US5",
            Site::Eu1 => "EU1",
            Site::Ap1 => "AP1",
            Site::Ap2 => "AP2",
            Site::Us1Fed => "US1-FED",
        }
    }
}

/// The image shown when the user names none: obviously not a real image.
pub const APP_IMAGE_PLACEHOLDER: &str = "<YOUR_APP_IMAGE>";

/// Every answer needed to build every artifact.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Config {
    pub launch_type: LaunchType,
    pub transport: Transport,
    pub language: Language,
    /// Only used where the app looks up its host's address (see
    /// [`Config::wraps_entrypoint`]).
    pub imds: Imds,
    pub agent_version: AgentVersion,
    /// How the tracing library gets into the app.
    pub tracer: Tracer,
    /// The version given; `None` is the language's current major
    /// ([`Config::tracer_version`]), which follows the language.
    pub tracer_version: Option<TracerVersion>,
    /// Its C library picks the injected build; its family the Dockerfile's.
    pub base_image: BaseImage,
    pub startup_command: String,
    pub app_name: String,
    pub app_image: String,
    pub tags: Tags,
    pub site: Site,
    pub api_key_secret_arn: Option<String>,
    /// Tracer features switched on in the app container.
    pub features: Features,
    /// Agent settings beside APM.
    pub agent: AgentSettings,
    /// The app's logs to Datadog: the agent tails them on EC2, a FireLens
    /// router sends them elsewhere ([`crate::core::model::logs`]).
    pub log_collection: bool,
}

impl Default for Config {
    fn default() -> Self {
        Config::for_language(Language::Python)
    }
}

impl Config {
    /// The defaults of the CLI contract for one language.
    pub fn for_language(language: Language) -> Self {
        let tracer = Tracer::default_for(language);
        Config {
            launch_type: LaunchType::Ec2,
            transport: Transport::Tcp,
            language,
            imds: Imds::V2,
            agent_version: AgentVersion::Latest,
            tracer,
            tracer_version: None,
            base_image: BaseImage::Debian,
            startup_command: language.default_startup_command(tracer).to_owned(),
            app_name: "app".to_owned(),
            app_image: APP_IMAGE_PLACEHOLDER.to_owned(),
            tags: Tags::default(),
            site: Site::Us1,
            api_key_secret_arn: None,
            features: Features::default(),
            agent: AgentSettings::default(),
            log_collection: false,
        }
    }

    /// Whether the EC2 agent daemon tails the containers' logs.
    pub fn tails_logs(&self) -> bool {
        self.log_collection && self.launch_type == LaunchType::Ec2
    }

    /// Whether a FireLens router in the app's task sends its logs (Fargate
    /// and Managed Instances).
    pub fn routes_logs(&self) -> bool {
        self.log_collection && self.launch_type != LaunchType::Ec2
    }

    /// The tracer version to install or inject: the one given, else the
    /// language's current major.
    pub fn tracer_version(&self) -> TracerVersion {
        self.tracer_version
            .unwrap_or(TracerVersion::Major(default_major(self.language)))
    }

    /// The start command used when none is given, for the language and the
    /// way the tracer gets in.
    pub fn default_startup_command(&self) -> &'static str {
        self.language.default_startup_command(self.tracer)
    }

    /// Changes the language, and what follows it: a tracer still at the old
    /// language's default (or one the new language cannot use) moves to
    /// the new language's default, and the start command to the new
    /// default.
    pub fn set_language(&mut self, language: Language) {
        if language == self.language {
            return;
        }
        let unchosen = self.tracer == Tracer::default_for(self.language);
        let unusable =
            self.tracer == Tracer::Inject && Tracer::default_for(language) != Tracer::Inject;
        self.language = language;
        if unchosen || unusable {
            self.tracer = Tracer::default_for(language);
        }
        self.startup_command = self.default_startup_command().to_owned();
        // A feature the new language's tracer lacks is no longer asked.
        for switch in crate::core::model::features::Switch::ALL {
            if switch.unsupported(language).is_some() {
                switch.set(&mut self.features, false);
            }
        }
    }

    /// Changes the way the tracer gets in; a start command still at the old
    /// default moves to the new one (an edited one is kept).
    pub fn set_tracer(&mut self, tracer: Tracer) {
        if self.startup_command == self.default_startup_command() {
            self.startup_command = self.language.default_startup_command(tracer).to_owned();
        }
        self.tracer = tracer;
    }

    /// Why Datadog's injection cannot serve these answers, when the tracer
    /// is injected and it cannot. Generated task definitions name no
    /// architecture or OS: they run on ECS's default, Linux on X86_64.
    pub fn injection_refused(&self) -> Option<Refusal> {
        if self.tracer != Tracer::Inject {
            return None;
        }
        injection_refused(
            self.language,
            self.base_image.libc(),
            self.tracer_version(),
            Platform::default(),
        )
    }

    /// Why no Dockerfile can install the tracer on this base image, when
    /// none can: distroless images exist for Java, Node.js, Python, .NET
    /// (Microsoft's "chiseled" images) and static binaries (Go), but not
    /// for Ruby or PHP.
    pub fn dockerfile_refused(&self) -> Option<&'static str> {
        let no_distroless = matches!(self.language, Language::Ruby | Language::Php);
        (self.tracer == Tracer::Image && self.base_image == BaseImage::Distroless && no_distroless)
            .then_some("there are no distroless Ruby or PHP base images (distroless covers Java, Node.js, Python, .NET and Go): use --base-image debian or alpine")
    }

    /// Whether the app container gets the `sh -c` entryPoint that finds the
    /// host's address: only for an EC2 daemon reached over TCP. On Fargate
    /// the agent is on localhost, and a socket needs no address.
    pub fn wraps_entrypoint(&self) -> bool {
        self.launch_type == LaunchType::Ec2 && self.transport == Transport::Tcp
    }

    /// Whether the agent runs as a daemon on each instance (and so has a task
    /// definition of its own).
    pub fn has_daemon(&self) -> bool {
        self.launch_type != LaunchType::Fargate
    }

    /// Checks the combination of choices and the free-text answers.
    pub fn validate(&self) -> Result<(), ConfigError> {
        if self.launch_type == LaunchType::ManagedInstances && self.transport == Transport::Tcp {
            return Err(ConfigError::Unsupported {
                field: Field::Transport,
                value: "tcp".to_owned(),
                why: "the ECS Managed Instances agent daemon publishes no port: apps reach it through its Unix socket; use uds".to_owned(),
            });
        }
        let (major, minor) = FIRST_MANAGED_INSTANCES_AGENT;
        if self.launch_type == LaunchType::ManagedInstances
            && !self.agent_version.at_least(major, minor)
        {
            return Err(ConfigError::Unsupported {
                field: Field::AgentVersion,
                value: self.agent_version.to_string(),
                why: format!(
                    "the ECS Managed Instances daemon needs agent {major}.{minor} or later"
                ),
            });
        }
        let (major, minor) = FIRST_UDS_AGENT;
        if self.transport == Transport::Uds && !self.agent_version.at_least(major, minor) {
            return Err(ConfigError::Unsupported {
                field: Field::AgentVersion,
                value: self.agent_version.to_string(),
                why: format!("agents before {major}.{minor} do not listen on the APM Unix socket; use {major}.{minor} or later, or --transport tcp"),
            });
        }
        if let Some(refusal) = self.injection_refused() {
            let value = match refusal.field() {
                Field::BaseImage => self.base_image.to_string(),
                Field::TracerVersion => self.tracer_version().to_string(),
                _ => self.tracer.to_string(),
            };
            return Err(refusal.error(value));
        }
        if let Some(why) = self.dockerfile_refused() {
            return Err(ConfigError::Unsupported {
                field: Field::BaseImage,
                value: self.base_image.to_string(),
                why: why.to_owned(),
            });
        }
        if self.base_image == BaseImage::Distroless
            && self.tracer != Tracer::Present
            && self.wraps_entrypoint()
        {
            return Err(ConfigError::Unsupported {
                field: Field::BaseImage,
                value: self.base_image.to_string(),
                why: "distroless images have no shell for the entryPoint script that finds the EC2 host's address: use --transport uds".to_owned(),
            });
        }
        self.features.refused(self.language)?;
        self.agent.refused(self.launch_type)?;
        validate_startup_command(&self.startup_command)?;
        validate_app_name(&self.app_name)?;
        if self.app_image.trim().is_empty() || self.app_image.chars().any(char::is_whitespace) {
            return Err(ConfigError::Invalid {
                field: Field::AppImage,
                value: self.app_image.clone(),
                expected: "an image reference without spaces".to_owned(),
            });
        }
        if let Some(arn) = &self.api_key_secret_arn {
            validate_secret_arn(arn)?;
        }
        for (field, value) in [
            (Field::Service, &self.tags.service),
            (Field::Env, &self.tags.env),
            (Field::ServiceVersion, &self.tags.version),
        ] {
            if let Some(value) = value {
                validate_tag(field, value)?;
            }
        }
        Ok(())
    }
}

pub fn validate_startup_command(command: &str) -> Result<(), ConfigError> {
    if command.trim().is_empty() {
        return Err(ConfigError::Empty {
            field: Field::StartupCommand,
        });
    }
    Ok(())
}

/// ECS allows up to 255 letters, digits, hyphens and underscores.
pub fn validate_app_name(name: &str) -> Result<(), ConfigError> {
    let ok = !name.is_empty()
        && name.len() <= 255
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if ok {
        Ok(())
    } else {
        Err(ConfigError::Invalid {
            field: Field::AppName,
            value: name.to_owned(),
            expected: "1 to 255 letters, digits, hyphens and underscores".to_owned(),
        })
    }
}

/// A Datadog API key: 32 hexadecimal digits (Datadog's API keys page).
pub fn looks_like_api_key(text: &str) -> bool {
    let text = text.trim();
    text.len() == 32 && text.bytes().all(|b| b.is_ascii_hexdigit())
}

/// The agent reads DD_API_KEY through `secrets`, which takes (AWS's
/// `valueFrom` forms) a whole Secrets Manager secret, one JSON key of it
/// (`secret:NAME:json-key:version-stage:version-id`, the last two may be
/// empty but their colons are kept), or an SSM parameter.
pub fn validate_secret_arn(arn: &str) -> Result<(), ConfigError> {
    if api_key_source(arn).is_some() {
        Ok(())
    } else if looks_like_api_key(arn) {
        Err(ConfigError::PlainApiKey {
            field: Field::ApiKeySecretArn,
        })
    } else {
        Err(ConfigError::Invalid {
            field: Field::ApiKeySecretArn,
            value: arn.to_owned(),
            expected: "arn:aws:secretsmanager:REGION:ACCOUNT:secret:NAME, a JSON key in it (arn:aws:secretsmanager:REGION:ACCOUNT:secret:NAME:api_key::), or arn:aws:ssm:REGION:ACCOUNT:parameter/NAME".to_owned(),
        })
    }
}

/// Where the API key is read from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ApiKeySource {
    /// The whole value of a Secrets Manager secret.
    Secret,
    /// One key of a JSON secret.
    SecretJsonKey,
    /// An SSM Parameter Store parameter.
    Parameter,
}

/// The source an ARN names, when it is in one of the forms ECS reads.
pub fn api_key_source(arn: &str) -> Option<ApiKeySource> {
    let name_ok = |s: &str| {
        !s.is_empty()
            && s.chars()
                .all(|c| c.is_ascii_alphanumeric() || "/_+=.@-".contains(c))
    };
    let parts: Vec<&str> = arn.split(':').collect();
    if parts.len() < 6 || parts[0] != "arn" || !parts[1].starts_with("aws") {
        return None;
    }
    let region_ok = !parts[3].is_empty()
        && parts[3]
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
    let account_ok = parts[4].len() == 12 && parts[4].bytes().all(|b| b.is_ascii_digit());
    if !region_ok || !account_ok {
        return None;
    }
    match (parts[2], &parts[5..]) {
        ("ssm", [resource]) => resource
            .strip_prefix("parameter/")
            .filter(|name| name_ok(name))
            .map(|_| ApiKeySource::Parameter),
        ("secretsmanager", ["secret", name]) if name_ok(name) => Some(ApiKeySource::Secret),
        // A version stage or a version id, not both (AWS).
        ("secretsmanager", ["secret", name, key, stage, id])
            if name_ok(name)
                && !key.is_empty()
                && !key.chars().any(char::is_whitespace)
                && (stage.is_empty() || id.is_empty()) =>
        {
            Some(ApiKeySource::SecretJsonKey)
        }
        _ => None,
    }
}

/// Datadog tags: no spaces or commas (they split tags), no control characters.
pub fn validate_tag(field: Field, value: &str) -> Result<(), ConfigError> {
    let ok = !value.is_empty()
        && value.len() <= 200
        && !value
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || c == ',');
    if ok {
        Ok(())
    } else {
        Err(ConfigError::Invalid {
            field,
            value: value.to_owned(),
            expected: "a non-empty tag value without spaces or commas (at most 200 characters)"
                .to_owned(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_api_key_given_for_its_secret_is_refused_without_repeating_it() {
        let key = "0123456789abcdef0123456789ABCDEF";
        let err = validate_secret_arn(key).unwrap_err();
        assert_eq!(err.field(), Field::ApiKeySecretArn);
        let text = err.to_string();
        assert!(!text.contains(key), "{text}");
        assert!(text.contains("aws secretsmanager create-secret"), "{text}");
        assert!(matches!(
            validate_secret_arn("not-an-arn").unwrap_err(),
            ConfigError::Invalid { .. }
        ));
    }

    fn version(s: &str) -> AgentVersion {
        s.parse().unwrap()
    }

    #[test]
    fn versions_parse_and_print_as_given() {
        for s in ["latest", "7", "7.17", "7.17.1", "6.16.0", "6"] {
            assert_eq!(version(s).to_string(), s);
        }
    }

    #[test]
    fn legacy_is_717_and_lower() {
        for s in ["6", "6.16.0", "7.17", "7.17.1", "7.0", "7.5.3"] {
            assert!(version(s).is_legacy(), "{s}");
        }
        for s in ["latest", "7", "7.18", "7.18.0", "7.60.1"] {
            assert!(!version(s).is_legacy(), "{s}");
        }
    }

    #[test]
    fn bad_versions_are_rejected() {
        for s in [
            "", "v7", "7.", ".7", "7.17.1.2", "07", "7.x", " 7", "5", "5.32.1", "-1",
        ] {
            assert!(s.parse::<AgentVersion>().is_err(), "{s:?}");
        }
    }

    #[test]
    fn enums_round_trip_their_cli_names() {
        for l in Language::ALL {
            assert_eq!(l.cli_name().parse::<Language>().unwrap(), l);
        }
        for i in Imds::ALL {
            assert_eq!(i.cli_name().parse::<Imds>().unwrap(), i);
        }
        for t in LaunchType::ALL {
            assert_eq!(t.cli_name().parse::<LaunchType>().unwrap(), t);
        }
        for t in Transport::ALL {
            assert_eq!(t.cli_name().parse::<Transport>().unwrap(), t);
        }
        assert_eq!(Imds::ALL[0], Imds::V2);
        let err = "cobol".parse::<Language>().unwrap_err().to_string();
        assert!(
            err.contains("python, nodejs, ruby, go, java, dotnet, php"),
            "{err}"
        );
    }

    #[test]
    fn senseless_combinations_say_why() {
        let config = |launch_type, transport, version: &str| Config {
            launch_type,
            transport,
            agent_version: version.parse().unwrap(),
            ..Config::default()
        };
        let err = config(LaunchType::ManagedInstances, Transport::Tcp, "latest")
            .validate()
            .unwrap_err()
            .to_string();
        assert!(err.contains("use uds"), "{err}");
        let err = config(LaunchType::Ec2, Transport::Uds, "6.12")
            .validate()
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("do not listen on the APM Unix socket"),
            "{err}"
        );
        config(LaunchType::Ec2, Transport::Uds, "7")
            .validate()
            .unwrap();
        config(LaunchType::Fargate, Transport::Uds, "latest")
            .validate()
            .unwrap();
        config(LaunchType::Fargate, Transport::Tcp, "6.16.0")
            .validate()
            .unwrap();
    }

    #[test]
    fn at_least_compares_major_then_minor() {
        assert!(version("latest").at_least(7, 24));
        assert!(version("7").at_least(7, 24));
        assert!(version("7.24.1").at_least(7, 24));
        assert!(version("8.0").at_least(7, 24));
        assert!(!version("7.23.9").at_least(7, 24));
        assert!(version("6.13.0").at_least(6, 13));
        assert!(!version("6").at_least(7, 24));
    }

    #[test]
    fn only_an_ec2_tcp_app_is_wrapped() {
        for launch_type in LaunchType::ALL {
            for transport in Transport::ALL {
                let c = Config {
                    launch_type,
                    transport,
                    ..Config::default()
                };
                assert_eq!(
                    c.wraps_entrypoint(),
                    launch_type == LaunchType::Ec2 && transport == Transport::Tcp
                );
            }
        }
    }

    #[test]
    fn a_new_language_moves_an_unchosen_tracer_and_keeps_a_chosen_one() {
        let mut c = Config::default();
        assert_eq!(c.tracer, Tracer::Inject);
        c.set_language(Language::Go);
        assert_eq!(c.tracer, Tracer::Image, "Go cannot be injected");
        assert_eq!(c.startup_command, "/app/server");
        c.set_language(Language::Java);
        assert_eq!(c.tracer, Tracer::Inject, "image was Go's default");
        assert_eq!(c.startup_command, "java -jar app.jar");
        c.set_tracer(Tracer::Present);
        assert_eq!(
            c.startup_command,
            "java -javaagent:/path/to/dd-java-agent.jar -jar app.jar"
        );
        c.set_language(Language::Nodejs);
        assert_eq!(c.tracer, Tracer::Present);
        assert_eq!(c.startup_command, "node --require dd-trace/init server.js");
        c.startup_command = "node dist/main.js".to_owned();
        c.set_tracer(Tracer::Inject);
        assert_eq!(
            c.startup_command, "node dist/main.js",
            "an edited command stays"
        );
    }

    #[test]
    fn the_tracer_version_defaults_to_the_languages_major() {
        let c = Config::for_language(Language::Dotnet);
        assert_eq!(c.tracer_version(), TracerVersion::Major(3));
        let mut c = Config::default();
        assert_eq!(c.tracer_version().image_tag(), "v4");
        c.tracer_version = Some(TracerVersion::Latest);
        assert_eq!(c.tracer_version().image_tag(), "latest");
    }

    #[test]
    fn defaults_validate() {
        for l in Language::ALL {
            Config::for_language(l).validate().unwrap();
        }
    }

    #[test]
    fn free_text_is_checked() {
        let with = |edit: fn(&mut Config)| {
            let mut c = Config::default();
            edit(&mut c);
            c.validate()
        };
        assert!(with(|c| c.app_name = "my app".into()).is_err());
        assert!(with(|c| c.startup_command = "  ".into()).is_err());
        assert!(with(|c| c.api_key_secret_arn = Some("arn:aws:s3:::bucket".into())).is_err());
        for bad in [
            "arn:aws:ssm:us-east-1:123456789012:parameter/",
            "arn:aws:ssm:us-east-1:123456789012:secret:dd",
            "arn:aws:ssm:us-east-1:1234:parameter/dd",
            "arn:aws:secretsmanager:us-east-1:123456789012:secret:dd:api_key",
            "arn:aws:secretsmanager:us-east-1:123456789012:secret:dd::AWSCURRENT:",
            "arn:aws:secretsmanager:us-east-1:123456789012:secret:dd:api_key:AWSCURRENT:abc",
            "arn:aws:secretsmanager::123456789012:secret:dd",
        ] {
            assert!(validate_secret_arn(bad).is_err(), "{bad}");
        }
        for (ok, source) in [
            ("arn:aws:ssm:eu-west-1:123456789012:parameter/datadog/api_key", ApiKeySource::Parameter),
            ("arn:aws:secretsmanager:us-east-1:123456789012:secret:dd-AbCdEf", ApiKeySource::Secret),
            ("arn:aws:secretsmanager:us-east-1:123456789012:secret:dd:api_key::", ApiKeySource::SecretJsonKey),
            ("arn:aws-us-gov:secretsmanager:us-gov-west-1:123456789012:secret:dd:api_key:AWSPREVIOUS:", ApiKeySource::SecretJsonKey),
        ] {
            assert_eq!(api_key_source(ok), Some(source), "{ok}");
        }
        assert!(with(|c| c.tags.env = Some("prod,eu".into())).is_err());
        with(|c| {
            c.api_key_secret_arn =
                Some("arn:aws:secretsmanager:us-east-1:123456789012:secret:dd-api-key".into())
        })
        .unwrap();
    }
}
