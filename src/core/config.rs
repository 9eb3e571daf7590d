//! The answers every front end collects: one [`Config`] holds them all, and
//! each closed set of choices is an enum whose `Display` is its CLI spelling.

use std::fmt;
use std::str::FromStr;

use super::error::ConfigError;
use super::languages;

/// The application's language, which decides the default startup command,
/// whether the host may be set in code and which PHP snippets apply.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Language {
    Python,
    Nodejs,
    Ruby,
    Go,
    Java,
    Dotnet,
    Php,
}

impl Language {
    pub const ALL: [Language; 7] = [
        Language::Python,
        Language::Nodejs,
        Language::Ruby,
        Language::Go,
        Language::Java,
        Language::Dotnet,
        Language::Php,
    ];

    pub fn cli_name(self) -> &'static str {
        match self {
            Language::Python => "python",
            Language::Nodejs => "nodejs",
            Language::Ruby => "ruby",
            Language::Go => "go",
            Language::Java => "java",
            Language::Dotnet => "dotnet",
            Language::Php => "php",
        }
    }

    /// The name people know the language by, for prompts and headings.
    pub fn label(self) -> &'static str {
        &languages::defaults(self).label
    }

    /// The startup command used when the user gives none.
    pub fn default_startup_command(self) -> &'static str {
        &languages::defaults(self).startup_command
    }

    /// Java, .NET and PHP read DD_AGENT_HOST once at launch, so the entryPoint
    /// is the only place to set it; the others may also set it in code.
    pub fn supports_tracer_code(self) -> bool {
        matches!(
            self,
            Language::Python | Language::Nodejs | Language::Ruby | Language::Go
        )
    }
}

impl fmt::Display for Language {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.cli_name())
    }
}

impl FromStr for Language {
    type Err = ConfigError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Language::ALL
            .into_iter()
            .find(|l| l.cli_name() == s)
            .ok_or_else(|| ConfigError::Invalid {
                what: "language",
                value: s.to_owned(),
                expected: Language::ALL.map(Language::cli_name).join(", "),
            })
    }
}

/// Where the application finds the private IPv4 address of its EC2 host.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Imds {
    V1,
    V2,
    MetadataFile,
}

impl Imds {
    pub const ALL: [Imds; 3] = [Imds::V2, Imds::V1, Imds::MetadataFile];

    pub fn cli_name(self) -> &'static str {
        match self {
            Imds::V1 => "v1",
            Imds::V2 => "v2",
            Imds::MetadataFile => "metadata-file",
        }
    }

    /// How the source is named in prose and in the script's messages.
    pub fn label(self) -> &'static str {
        match self {
            Imds::V1 => "IMDSv1",
            Imds::V2 => "IMDSv2",
            Imds::MetadataFile => "the ECS container metadata file",
        }
    }
}

impl fmt::Display for Imds {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.cli_name())
    }
}

impl FromStr for Imds {
    type Err = ConfigError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Imds::ALL
            .into_iter()
            .find(|i| i.cli_name() == s)
            .ok_or_else(|| ConfigError::Invalid {
                what: "imds",
                value: s.to_owned(),
                expected: "v1, v2, metadata-file".to_owned(),
            })
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
            what: "agent version",
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
                what: "agent version",
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

/// Datadog sites an agent can report to.
pub const SITES: &[&str] = &[
    "datadoghq.com",
    "us3.datadoghq.com",
    "us5.datadoghq.com",
    "datadoghq.eu",
    "ap1.datadoghq.com",
    "ap2.datadoghq.com",
    "ddog-gov.com",
];

/// The image shown when the user names none: obviously not a real image.
pub const APP_IMAGE_PLACEHOLDER: &str = "<YOUR_APP_IMAGE>";

/// Every answer needed to build every artifact.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Config {
    pub language: Language,
    pub imds: Imds,
    pub agent_version: AgentVersion,
    pub startup_command: String,
    pub app_name: String,
    pub app_image: String,
    pub tags: Tags,
    pub site: String,
    pub api_key_secret_arn: Option<String>,
}

impl Default for Config {
    fn default() -> Self {
        Config::for_language(Language::Python)
    }
}

impl Config {
    /// The defaults of the CLI contract for one language.
    pub fn for_language(language: Language) -> Self {
        Config {
            language,
            imds: Imds::V2,
            agent_version: AgentVersion::Latest,
            startup_command: language.default_startup_command().to_owned(),
            app_name: "app".to_owned(),
            app_image: APP_IMAGE_PLACEHOLDER.to_owned(),
            tags: Tags::default(),
            site: SITES[0].to_owned(),
            api_key_secret_arn: None,
        }
    }

    /// Checks the free-text answers; the enums are valid by construction.
    pub fn validate(&self) -> Result<(), ConfigError> {
        validate_startup_command(&self.startup_command)?;
        validate_app_name(&self.app_name)?;
        if self.app_image.trim().is_empty() || self.app_image.chars().any(char::is_whitespace) {
            return Err(ConfigError::Invalid {
                what: "app image",
                value: self.app_image.clone(),
                expected: "an image reference without spaces".to_owned(),
            });
        }
        validate_site(&self.site)?;
        if let Some(arn) = &self.api_key_secret_arn {
            validate_secret_arn(arn)?;
        }
        for (what, value) in [
            ("service", &self.tags.service),
            ("env", &self.tags.env),
            ("service version", &self.tags.version),
        ] {
            if let Some(value) = value {
                validate_tag(what, value)?;
            }
        }
        Ok(())
    }
}

pub fn validate_startup_command(command: &str) -> Result<(), ConfigError> {
    if command.trim().is_empty() {
        return Err(ConfigError::Empty {
            what: "startup command",
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
            what: "app name",
            value: name.to_owned(),
            expected: "1 to 255 letters, digits, hyphens and underscores".to_owned(),
        })
    }
}

pub fn validate_site(site: &str) -> Result<(), ConfigError> {
    if SITES.contains(&site) {
        Ok(())
    } else {
        Err(ConfigError::Invalid {
            what: "site",
            value: site.to_owned(),
            expected: SITES.join(", "),
        })
    }
}

/// The agent reads DD_API_KEY through `secrets`, which takes a Secrets
/// Manager secret or an SSM parameter.
pub fn validate_secret_arn(arn: &str) -> Result<(), ConfigError> {
    let parts: Vec<&str> = arn.splitn(6, ':').collect();
    let ok = parts.len() == 6
        && parts[0] == "arn"
        && parts[1].starts_with("aws")
        && matches!(parts[2], "secretsmanager" | "ssm")
        && !parts[5].is_empty()
        && !arn.chars().any(char::is_whitespace);
    if ok {
        Ok(())
    } else {
        Err(ConfigError::Invalid {
            what: "api key secret ARN",
            value: arn.to_owned(),
            expected: "arn:aws:secretsmanager:REGION:ACCOUNT:secret:NAME or arn:aws:ssm:REGION:ACCOUNT:parameter/NAME".to_owned(),
        })
    }
}

/// Datadog tags: no spaces or commas (they split tags), no control characters.
pub fn validate_tag(what: &'static str, value: &str) -> Result<(), ConfigError> {
    let ok = !value.is_empty()
        && value.len() <= 200
        && !value
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || c == ',');
    if ok {
        Ok(())
    } else {
        Err(ConfigError::Invalid {
            what,
            value: value.to_owned(),
            expected: "a non-empty tag value without spaces or commas (at most 200 characters)"
                .to_owned(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
        let err = "cobol".parse::<Language>().unwrap_err().to_string();
        assert!(
            err.contains("python, nodejs, ruby, go, java, dotnet, php"),
            "{err}"
        );
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
        assert!(with(|c| c.tags.env = Some("prod,eu".into())).is_err());
        with(|c| {
            c.api_key_secret_arn =
                Some("arn:aws:secretsmanager:us-east-1:123456789012:secret:dd-api-key".into())
        })
        .unwrap();
    }
}
