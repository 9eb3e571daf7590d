//! Every question the wizard asks, with its wording, its choices, what it
//! needs typed, which flag answers it and when it is not needed. This is the
//! one place a question is written: the TUI and `--plain` only render it.

use super::step::Step;
use crate::core::model::config::{APP_IMAGE_PLACEHOLDER, SITES};
use crate::core::{AgentVersion, Config, Imds, Language, LaunchType, Transport};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Question {
    LaunchType,
    AgentVersion,
    Language,
    Connection,
    StartupCommand,
    AppName,
    AppImage,
    Service,
    Env,
    ServiceVersion,
    Site,
    ApiKey,
}

/// How a question is answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// One of a list of choices.
    Choice,
    /// A line of text.
    Text,
    /// One of a list of choices, the first or last of which asks for text
    /// ("another version…", "the secret's ARN…").
    ChoiceOrText,
}

/// One answer offered in a list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Choice {
    pub label: &'static str,
    /// A few words after the label.
    pub hint: &'static str,
    /// A sentence or two on what choosing it means.
    pub why: String,
    /// Choosing it asks for text.
    pub typed: bool,
}

impl Choice {
    fn new(label: &'static str, hint: &'static str, why: impl Into<String>) -> Choice {
        Choice {
            label,
            hint,
            why: why.into(),
            typed: false,
        }
    }

    fn typed(label: &'static str, hint: &'static str, why: impl Into<String>) -> Choice {
        Choice {
            typed: true,
            ..Choice::new(label, hint, why)
        }
    }
}

/// How the app reaches the agent: the one answer behind the transport and
/// IMDS flags.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Link {
    /// Over TCP to the host's address, found through this source (EC2).
    HostIp(Imds),
    /// Over the Unix socket in /var/run/datadog.
    Socket,
    /// Over TCP to localhost, where the Fargate sidecar listens.
    Localhost,
}

impl Link {
    pub fn of(config: &Config) -> Link {
        match (config.transport, config.launch_type) {
            (Transport::Uds, _) => Link::Socket,
            (Transport::Tcp, LaunchType::Ec2) => Link::HostIp(config.imds),
            (Transport::Tcp, _) => Link::Localhost,
        }
    }

    /// Writes the link into `config`.
    pub fn apply(self, config: &mut Config) {
        match self {
            Link::HostIp(imds) => {
                config.transport = Transport::Tcp;
                config.imds = imds;
            }
            Link::Socket => config.transport = Transport::Uds,
            Link::Localhost => config.transport = Transport::Tcp,
        }
    }

    /// The links a launch type offers, the default first.
    pub fn offered(launch_type: LaunchType) -> Vec<Link> {
        match launch_type {
            LaunchType::Ec2 => vec![
                Link::HostIp(Imds::V2),
                Link::Socket,
                Link::HostIp(Imds::V1),
                Link::HostIp(Imds::MetadataFile),
                Link::HostIp(Imds::Auto),
            ],
            LaunchType::Fargate => vec![Link::Localhost, Link::Socket],
            LaunchType::ManagedInstances => vec![Link::Socket],
        }
    }

    pub fn transport(self) -> Transport {
        match self {
            Link::Socket => Transport::Uds,
            Link::HostIp(_) | Link::Localhost => Transport::Tcp,
        }
    }

    fn choice(self) -> Choice {
        match self {
            Link::HostIp(Imds::V2) => Choice::new(
                "host IP via IMDSv2",
                "token first; needs hop limit 2",
                "The app's entryPoint asks IMDS for a session token, then the host's address, and sets DD_AGENT_HOST. Containers reach IMDSv2 only if the instance's metadata hop limit is 2 or more.",
            ),
            Link::HostIp(Imds::V1) => Choice::new(
                "host IP via IMDSv1",
                "no token",
                "A single request without a token. It fails on instances that require IMDSv2, the default on new instance types.",
            ),
            Link::HostIp(Imds::MetadataFile) => Choice::new(
                "host IP from the metadata file",
                "no network call, no curl",
                "Reads HostPrivateIPv4Address from $ECS_CONTAINER_METADATA_FILE. The ECS agent must run with ECS_ENABLE_CONTAINER_METADATA=true.",
            ),
            Link::HostIp(Imds::Auto) => Choice::new(
                "host IP, auto",
                "metadata file, else IMDSv2, else IMDSv1",
                "Reads the ECS container metadata file when ECS provides one (no network, no curl), else asks IMDSv2, else IMDSv1.",
            ),
            Link::Socket => Choice::new(
                "Unix socket",
                "Datadog's recommended alternative",
                "Agent and app share /var/run/datadog: no address lookup, no entryPoint change, no hop limit and no curl in the image.",
            ),
            Link::Localhost => Choice::new(
                "localhost (TCP)",
                "the sidecar's port 8126",
                "The agent is a sidecar in the same task, on localhost, where tracers send traces by default.",
            ),
        }
    }

    /// How the answer reads on Review and in `--plain`.
    pub fn label(self) -> &'static str {
        self.choice().label
    }
}

/// The fixed agent versions offered before "another version…".
fn listed_versions() -> [AgentVersion; 3] {
    let version = |major, minor| AgentVersion::Version {
        major,
        minor,
        patch: None,
    };
    [AgentVersion::Latest, version(7, None), version(7, Some(17))]
}

/// Where each listed version sits in the list, if it is listed.
pub fn listed_version_index(version: &AgentVersion) -> Option<usize> {
    listed_versions().iter().position(|v| v == version)
}

pub fn listed_version(index: usize) -> Option<AgentVersion> {
    listed_versions().get(index).cloned()
}

/// A valid secret ARN, used to probe what the API key changes.
const SAMPLE_SECRET_ARN: &str = "arn:aws:secretsmanager:us-east-1:123456789012:secret:dd-api-key";

impl Question {
    pub const ALL: [Question; 12] = [
        Question::LaunchType,
        Question::AgentVersion,
        Question::Language,
        Question::Connection,
        Question::StartupCommand,
        Question::AppName,
        Question::AppImage,
        Question::Service,
        Question::Env,
        Question::ServiceVersion,
        Question::Site,
        Question::ApiKey,
    ];

    pub fn index(self) -> usize {
        self as usize
    }

    pub fn step(self) -> Step {
        match self {
            Question::LaunchType => Step::LaunchType,
            Question::AgentVersion => Step::AgentVersion,
            Question::Language => Step::Language,
            Question::Connection => Step::Connection,
            Question::StartupCommand => Step::StartupCommand,
            Question::AppName | Question::AppImage => Step::App,
            Question::Service | Question::Env | Question::ServiceVersion => Step::Tags,
            Question::Site | Question::ApiKey => Step::Datadog,
        }
    }

    pub fn kind(self) -> Kind {
        match self {
            Question::LaunchType | Question::Language | Question::Connection | Question::Site => {
                Kind::Choice
            }
            Question::AgentVersion | Question::ApiKey => Kind::ChoiceOrText,
            Question::StartupCommand
            | Question::AppName
            | Question::AppImage
            | Question::Service
            | Question::Env
            | Question::ServiceVersion => Kind::Text,
        }
    }

    /// The answer's name on Review, in `--plain`'s "given" lines and in
    /// messages.
    pub fn label(self) -> &'static str {
        match self {
            Question::LaunchType => "Launch type",
            Question::AgentVersion => "Agent version",
            Question::Language => "Language",
            Question::Connection => "Connection",
            Question::StartupCommand => "Startup command",
            Question::AppName => "App name",
            Question::AppImage => "App image",
            Question::Service => "Service",
            Question::Env => "Env",
            Question::ServiceVersion => "Version",
            Question::Site => "Site",
            Question::ApiKey => "API key",
        }
    }

    /// The question itself.
    pub fn prompt(self) -> &'static str {
        match self {
            Question::LaunchType => "Where do the app's tasks run?",
            Question::AgentVersion => "Which Datadog agent version?",
            Question::Language => "Which language is the app written in?",
            Question::Connection => "How does the app reach the agent?",
            Question::StartupCommand => "How does the app start?",
            Question::AppName => "Container name",
            Question::AppImage => "Image",
            Question::Service => "Service (DD_SERVICE)",
            Question::Env => "Environment (DD_ENV)",
            Question::ServiceVersion => "Version (DD_VERSION)",
            Question::Site => "Datadog site",
            Question::ApiKey => "API key",
        }
    }

    /// What to type, for the question's text (the prompt of the field).
    pub fn text_prompt(self) -> &'static str {
        match self {
            Question::AgentVersion => "Agent version (a major such as 7, or 7.17.1, 6.16.0)",
            Question::ApiKey => "ARN of the secret that holds the API key",
            _ => self.prompt(),
        }
    }

    /// Shown in an empty field.
    pub fn example(self) -> &'static str {
        match self {
            Question::AgentVersion => "e.g. 7.17.1",
            Question::AppImage => "empty: <YOUR_APP_IMAGE>, to fill in later",
            Question::Service => "e.g. checkout; empty: unset",
            Question::Env => "e.g. prod; empty: unset",
            Question::ServiceVersion => "e.g. 1.4.0; empty: unset",
            Question::ApiKey => "arn:aws:secretsmanager:REGION:ACCOUNT:secret:NAME",
            _ => "",
        }
    }

    /// A sentence on what the text answer does.
    pub fn explain(self) -> &'static str {
        match self {
            Question::StartupCommand => "Runs exactly as typed, after DD_AGENT_HOST is set. If the host cannot be found within 5 s, the app still starts.",
            Question::AppName => "Also the family of the app's task definition: letters, digits, - and _.",
            Question::AppImage => "The image of your app, e.g. 123456789012.dkr.ecr.us-east-1.amazonaws.com/web:1.4.",
            Question::Service | Question::Env | Question::ServiceVersion => "Set as DD_SERVICE, DD_ENV and DD_VERSION (and as labels) on the app container, so traces, logs and metrics line up.",
            _ => "",
        }
    }

    /// The flags that answer the question on the command line.
    pub fn flag(self) -> &'static str {
        match self {
            Question::LaunchType => "--launch-type",
            Question::AgentVersion => "--agent-version",
            Question::Language => "--language",
            Question::Connection => "--transport/--imds",
            Question::StartupCommand => "--startup-command",
            Question::AppName => "--app-name",
            Question::AppImage => "--app-image",
            Question::Service => "--service",
            Question::Env => "--env",
            Question::ServiceVersion => "--service-version",
            Question::Site => "--site",
            Question::ApiKey => "--api-key-secret-arn",
        }
    }

    /// Why the question does not apply to `config`, when it does not.
    pub fn not_needed(self, config: &Config) -> Option<&'static str> {
        match self {
            Question::Connection if config.launch_type == LaunchType::ManagedInstances => {
                Some("ECS Managed Instances apps reach the agent through the Unix socket only")
            }
            Question::StartupCommand if config.transport == Transport::Uds => Some(
                "with the Unix socket nothing looks up an address, so the start command stays as it is",
            ),
            Question::StartupCommand if !config.wraps_entrypoint() => Some(
                "the agent is a sidecar on localhost, so the start command stays as it is",
            ),
            _ => None,
        }
    }

    /// The choices of a list question for `config` (empty for text).
    pub fn choices(self, config: &Config) -> Vec<Choice> {
        match self {
            Question::LaunchType => LaunchType::ALL.iter().map(|t| launch_choice(*t)).collect(),
            Question::AgentVersion => vec![
                Choice::new(
                    "latest",
                    "recommended",
                    "The newest agent: it accepts traces from other containers as soon as port 8126 is mapped.",
                ),
                Choice::new(
                    "7",
                    "the newest 7.x",
                    "Follows the newest 7.x release (image tag 7), like latest but never a new major.",
                ),
                Choice::new(
                    "7.17",
                    "adds 2 APM env vars",
                    "Agents 7.17 and lower (and every 6.x) accept traces from other containers only with DD_APM_ENABLED=true and DD_APM_NON_LOCAL_TRAFFIC=true: both are added to the agent container.",
                ),
                Choice::typed(
                    "another version…",
                    "type it",
                    "A major (7), x.y (7.17) or x.y.z (7.17.1, 6.16.0); the image tag follows it exactly, and 7.17 or lower gets the 2 APM variables.",
                ),
            ],
            Question::Language => Language::ALL
                .iter()
                .map(|l| Choice::new(l.label(), "", language_why(*l)))
                .collect(),
            Question::Connection => Link::offered(config.launch_type)
                .into_iter()
                .map(Link::choice)
                .collect(),
            Question::Site => SITES
                .iter()
                .map(|site| Choice::new(site, site_region(site), "The site of your Datadog account: the host name in your browser when you log in to Datadog."))
                .collect(),
            Question::ApiKey => vec![
                Choice::typed(
                    "secret ARN…",
                    "recommended",
                    "The agent reads DD_API_KEY from this Secrets Manager secret or SSM parameter; the task's execution role must be allowed to read it.",
                ),
                Choice::new(
                    "placeholder, I'll fill it in",
                    "",
                    "The files hold <YOUR_DATADOG_API_KEY>: replace it before you register them (check flags it). A plain key in a task definition is readable by anyone who can describe it.",
                ),
            ],
            _ => Vec::new(),
        }
    }

    /// `config` with a different valid answer to this question: what the
    /// answer acts on is what differs between the two renderings. Asking
    /// the core this way keeps no second table of dependencies that could
    /// drift from what it really builds.
    pub fn alternative(self, config: &Config) -> Config {
        let mut alt = config.clone();
        match self {
            Question::LaunchType => {
                alt.launch_type = match config.launch_type {
                    LaunchType::Ec2 => LaunchType::Fargate,
                    _ => LaunchType::Ec2,
                };
                alt.transport = alt.launch_type.default_transport();
            }
            Question::AgentVersion => {
                alt.agent_version = if config.agent_version == AgentVersion::Latest {
                    // 7.17 also adds the legacy env, where the launch type
                    // and transport allow that old an agent.
                    let [_, major, legacy] = listed_versions();
                    let legacy_config = Config {
                        agent_version: legacy.clone(),
                        ..config.clone()
                    };
                    if legacy_config.validate().is_ok() {
                        legacy
                    } else {
                        major
                    }
                } else {
                    AgentVersion::Latest
                };
            }
            Question::Language => {
                alt.language = if config.language == Language::Php {
                    Language::Python
                } else {
                    Language::Php
                };
                alt.startup_command = alt.language.default_startup_command().to_owned();
            }
            Question::Connection => match Link::of(config) {
                Link::HostIp(Imds::V2) => alt.imds = Imds::V1,
                Link::HostIp(_) => alt.imds = Imds::V2,
                Link::Socket if config.launch_type != LaunchType::ManagedInstances => {
                    alt.transport = Transport::Tcp;
                }
                Link::Socket | Link::Localhost => alt.transport = Transport::Uds,
            },
            Question::StartupCommand => alt.startup_command.push_str(" x"),
            Question::AppName => alt.app_name.push('x'),
            Question::AppImage => {
                alt.app_image = if config.app_image == APP_IMAGE_PLACEHOLDER {
                    "probe".to_owned()
                } else {
                    APP_IMAGE_PLACEHOLDER.to_owned()
                };
            }
            Question::Service => flip_tag(&mut alt.tags.service),
            Question::Env => flip_tag(&mut alt.tags.env),
            Question::ServiceVersion => flip_tag(&mut alt.tags.version),
            Question::Site => {
                alt.site = SITES
                    .iter()
                    .find(|s| **s != config.site)
                    .map_or_else(String::new, |s| (*s).to_owned());
            }
            Question::ApiKey => {
                alt.api_key_secret_arn = match config.api_key_secret_arn {
                    Some(_) => None,
                    None => Some(SAMPLE_SECRET_ARN.to_owned()),
                };
            }
        }
        alt
    }
}

fn flip_tag(tag: &mut Option<String>) {
    *tag = match tag {
        Some(_) => None,
        None => Some("probe".to_owned()),
    };
}

fn launch_choice(launch_type: LaunchType) -> Choice {
    match launch_type {
        LaunchType::Ec2 => Choice::new(
            "EC2",
            "agent as a DAEMON service",
            "The agent runs once on every EC2 instance of the cluster; apps send traces to it over the host's address or the Unix socket.",
        ),
        LaunchType::Fargate => Choice::new(
            "Fargate",
            "agent as a sidecar",
            "There is no host to share: the agent runs as a sidecar container in every task, and the app waits for it to be healthy.",
        ),
        LaunchType::ManagedInstances => Choice::new(
            "ECS Managed Instances",
            "agent daemon, Unix socket",
            "The agent runs as an ECS daemon on every managed instance; apps run in awsvpc mode and reach it through the Unix socket.",
        ),
    }
}

fn language_why(language: Language) -> String {
    let label = language.label();
    match language {
        Language::Php => format!(
            "{label} reads the agent's address at launch; the Apache and PHP-FPM tabs pass the Datadog variables on to PHP."
        ),
        Language::Java | Language::Dotnet => format!(
            "{label} reads the agent's address once at launch, before any of your code runs."
        ),
        _ => format!(
            "{label} may also set the agent's host in code instead of the entryPoint (the Code tab)."
        ),
    }
}

/// The region name Datadog gives each site.
fn site_region(site: &str) -> &'static str {
    match site {
        "datadoghq.com" => "US1",
        "us3.datadoghq.com" => "US3",
        "us5.datadoghq.com" => "US5",
        "datadoghq.eu" => "EU1",
        "ap1.datadoghq.com" => "AP1",
        "ap2.datadoghq.com" => "AP2",
        "ddog-gov.com" => "US1-FED",
        _ => "",
    }
}

/// Pasted text as a one-line answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Pasted {
    /// One line (a trailing line break is not a second line).
    Line(String),
    /// Several lines of a command, joined with ` && ` so that each runs
    /// only when the one before succeeded, as the user will see.
    Joined { text: String, lines: usize },
    /// Several lines where one is expected: nothing is pasted.
    Refused(String),
}

impl Question {
    /// What pasting `text` into this question's field gives. A startup
    /// command joins its lines visibly; any other field refuses them, since
    /// joining a name or an ARN could only make it wrong.
    pub fn paste(self, text: &str) -> Pasted {
        let lines = pasted_lines(text);
        match lines.len() {
            0 | 1 => Pasted::Line(lines.into_iter().next().unwrap_or_default()),
            n if self == Question::StartupCommand => Pasted::Joined {
                text: lines.join(" && "),
                lines: n,
            },
            n => Pasted::Refused(format!(
                "{} takes one line and the pasted text has {n}: nothing pasted",
                self.label()
            )),
        }
    }
}

/// The lines of pasted text that hold something (a trailing line break or
/// a blank line is not a line), each with tabs as spaces and other control
/// characters dropped. Terminals paste line breaks as CR, LF or both.
pub fn pasted_lines(text: &str) -> Vec<String> {
    text.split(['\r', '\n'])
        .filter(|l| !l.trim().is_empty())
        .map(one_line)
        .collect()
}

/// Tabs as spaces; other control characters dropped.
fn one_line(line: &str) -> String {
    line.chars()
        .filter_map(|c| match c {
            '\t' => Some(' '),
            c if c.is_control() => None,
            c => Some(c),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_defaults_come_first() {
        assert_eq!(Link::offered(LaunchType::Ec2)[0], Link::HostIp(Imds::V2));
        assert_eq!(LaunchType::ALL[0], LaunchType::Ec2);
        assert_eq!(listed_version(0), Some(AgentVersion::Latest));
        for launch_type in LaunchType::ALL {
            assert_eq!(
                Link::offered(launch_type)[0].transport(),
                launch_type.default_transport()
            );
        }
    }

    #[test]
    fn every_link_round_trips_through_a_config() {
        for launch_type in LaunchType::ALL {
            for link in Link::offered(launch_type) {
                let mut config = Config {
                    launch_type,
                    ..Config::default()
                };
                link.apply(&mut config);
                assert_eq!(Link::of(&config), link);
            }
        }
    }

    #[test]
    fn the_startup_command_is_needed_only_where_it_is_wrapped() {
        for launch_type in LaunchType::ALL {
            for transport in Transport::ALL {
                let config = Config {
                    launch_type,
                    transport,
                    ..Config::default()
                };
                assert_eq!(
                    Question::StartupCommand.not_needed(&config).is_none(),
                    config.wraps_entrypoint()
                );
            }
        }
    }

    #[test]
    fn every_alternative_is_valid_and_different() {
        for launch_type in LaunchType::ALL {
            let config = Config {
                launch_type,
                transport: launch_type.default_transport(),
                ..Config::default()
            };
            for q in Question::ALL {
                if q.not_needed(&config).is_some() {
                    continue;
                }
                let alt = q.alternative(&config);
                assert_ne!(alt, config, "{q:?}");
                alt.validate().unwrap_or_else(|e| panic!("{q:?}: {e}"));
            }
        }
    }

    #[test]
    fn multi_line_paste_is_joined_visibly_or_refused() {
        let command = Question::StartupCommand.paste("php artisan migrate --force\r\nphp-fpm -F\r");
        assert_eq!(
            command,
            Pasted::Joined {
                text: "php artisan migrate --force && php-fpm -F".to_owned(),
                lines: 2
            }
        );
        assert_eq!(
            Question::AppName.paste("web\n"),
            Pasted::Line("web".to_owned())
        );
        let Pasted::Refused(why) = Question::Service.paste("a\nb") else {
            panic!("a tag takes one line");
        };
        assert_eq!(
            why,
            "Service takes one line and the pasted text has 2: nothing pasted"
        );
        assert_eq!(
            Question::Env.paste("\tpr\u{7}od"),
            Pasted::Line(" prod".to_owned())
        );
    }
}
