//! Every question the wizard asks, one row of data each: its step and
//! wording, its choices or the text it takes, the settings it answers (and
//! so the flags that answer it), when it is not needed, how its answer
//! reads on Review, and a different answer to probe what it changes. This
//! is the one place a question is written; [`Answers`](super::Answers) runs
//! any row the same way, and the TUI and `--plain` only render rows.
//!
//! A row starts from [`BASE`] and says only what differs, so a new question
//! is one `const` here and its place in [`Question::ALL`].

use std::fmt;

use super::step::Step;
use crate::core::model::agent_settings::Cardinality;
use crate::core::model::config::{BaseImage, Site, Tracer, TracerVersion, APP_IMAGE_PLACEHOLDER};
use crate::core::model::datadog::API_KEY_PLACEHOLDER;
use crate::core::model::features::{DbmMode, Switch};
use crate::core::model::field::Field;
use crate::core::model::given::Given;
use crate::core::model::tracer::{init_image_language, loader_vars};
use crate::core::shell::exec_form;
use crate::core::{AgentVersion, Config, Imds, Language, LaunchType, Transport};
use crate::output::safe::printable;

/// How a question is answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// One of a list of choices.
    Choice,
    /// A line of text.
    Text,
    /// One of a list of choices, one of which asks for text ("another
    /// version…", "the secret's ARN…").
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
    pub fn new(label: &'static str, hint: &'static str, why: impl Into<String>) -> Choice {
        Choice {
            label,
            hint,
            why: why.into(),
            typed: false,
        }
    }

    pub fn typed(label: &'static str, hint: &'static str, why: impl Into<String>) -> Choice {
        Choice {
            typed: true,
            ..Choice::new(label, hint, why)
        }
    }
}

/// The text a question takes, read by a setting of the core.
#[derive(Debug, Clone, Copy)]
pub struct TextAnswer {
    /// The setting whose reader checks and stores the text.
    pub field: Field,
    /// What to type (the prompt of the field).
    pub prompt: &'static str,
    /// Shown in an empty field.
    pub example: &'static str,
    /// A sentence on what the answer does.
    pub explain: &'static str,
    /// What the field holds for a config (empty where the config's value
    /// is one of the listed choices).
    pub initial: fn(&Config) -> String,
    /// For a choice-or-text question: whether the config's value is typed
    /// rather than listed.
    pub typed_in: fn(&Config) -> bool,
    /// Empty text is refused with this message (else the setting reads it:
    /// an empty tag is unset, an empty image the placeholder).
    pub refuse_empty: Option<&'static str>,
}

/// A question, as one row of data.
pub struct Row {
    /// A stable name, for tests and debugging.
    pub id: &'static str,
    pub step: Step,
    pub kind: Kind,
    /// The answer's name on Review, in `--plain`'s "given" lines and in
    /// messages.
    pub label: &'static str,
    /// The question itself.
    pub prompt: &'static str,
    /// The settings the answer gives: their flags answer the question, and
    /// a core error about one of them is shown on it.
    pub fields: &'static [Field],
    /// The text it takes, if any.
    pub text: Option<TextAnswer>,
    /// The choices of a list question for the answers so far.
    pub choices: fn(&Config, &Given) -> Vec<Choice>,
    /// The index of the config's answer among the listed (not typed)
    /// choices.
    pub selected: fn(&Config, &Given) -> usize,
    /// Writes the `index`th listed choice into the config.
    pub select: fn(&mut Config, &Given, usize),
    /// When the flags answered it, where that is narrower than "any of its
    /// fields was given".
    pub given: Option<fn(&Given, &Config) -> bool>,
    /// Why it does not apply to the answers so far, when it does not.
    pub not_needed: fn(&Config) -> Option<&'static str>,
    /// The answer as Review shows it.
    pub answer: fn(&Config) -> String,
    /// Whether the answer leaves a placeholder in the files.
    pub placeholder: fn(&Config) -> bool,
    /// What a typed answer means ("image tag 7.17.1"), or why it is risky,
    /// shown under its field.
    pub meaning: fn(&Config) -> Option<Result<String, String>>,
    /// Lines under the question about the answer so far.
    pub remarks: fn(&Config) -> Vec<Remark>,
    /// A different valid answer: what differs between the two renderings
    /// is what the answer acts on. Asking the core this way keeps no second
    /// table of dependencies that could drift from what it really builds.
    pub alternative: fn(&Config) -> Config,
}

/// What a row does unless it says otherwise.
pub const BASE: Row = Row {
    id: "",
    step: Step::Review,
    kind: Kind::Text,
    label: "",
    prompt: "",
    fields: &[],
    text: None,
    choices: |_, _| Vec::new(),
    selected: |_, _| 0,
    select: |_, _, _| {},
    given: None,
    not_needed: |_| None,
    answer: |_| String::new(),
    placeholder: |_| false,
    meaning: |_| None,
    remarks: |_| Vec::new(),
    alternative: Config::clone,
};

/// A line under a question.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Remark {
    Hint(String),
    Warning(String),
}

/// A text answer that starts from its setting's current value.
const TEXT: TextAnswer = TextAnswer {
    field: Field::Artifact,
    prompt: "",
    example: "",
    explain: "",
    initial: |_| String::new(),
    typed_in: |_| false,
    refuse_empty: None,
};

/// A question: a handle on its row, compared by the row's id (a `const`
/// row has no one address).
#[derive(Clone, Copy)]
pub struct Question(&'static Row);

impl PartialEq for Question {
    fn eq(&self, other: &Question) -> bool {
        self.0.id == other.0.id
    }
}

impl Eq for Question {}

impl std::hash::Hash for Question {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.0.id.hash(state);
    }
}

impl fmt::Debug for Question {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0.id)
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

    /// The links offered: those of the launch type, narrowed to the
    /// transport a flag gave.
    pub fn offered_for(config: &Config, given: &Given) -> Vec<Link> {
        let all = Link::offered(config.launch_type);
        let transport: Option<Transport> = given.get(Field::Transport).and_then(|t| t.parse().ok());
        let narrowed: Vec<Link> = all
            .iter()
            .copied()
            .filter(|l| transport.is_none_or(|t| l.transport() == t))
            .collect();
        if narrowed.is_empty() {
            all
        } else {
            narrowed
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

/// A valid secret ARN, used to probe what the API key changes.
const SAMPLE_SECRET_ARN: &str = "arn:aws:secretsmanager:us-east-1:123456789012:secret:dd-api-key";

/// The start of a command as far as the line under its field can show it
/// (a few lines of the question pane): a command of any length costs the
/// same to draw. Cut on a character boundary, with `…` for the rest.
fn shown_start(command: &str) -> std::borrow::Cow<'_, str> {
    const SHOWN: usize = 512;
    match command.char_indices().nth(SHOWN) {
        Some((at, _)) => std::borrow::Cow::Owned(format!("{}…", &command[..at])),
        None => std::borrow::Cow::Borrowed(command),
    }
}

fn flip_tag(tag: &mut Option<String>) {
    *tag = match tag {
        Some(_) => None,
        None => Some("probe".to_owned()),
    };
}

fn tag(value: &Option<String>) -> String {
    value.clone().unwrap_or_else(|| "unset".to_owned())
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

const TAGS_EXPLAIN: &str = "Set as DD_SERVICE, DD_ENV and DD_VERSION (and as labels) on the app container, so traces, logs and metrics line up.";

pub const LAUNCH_TYPE: Row = Row {
    id: "launch-type",
    step: Step::LaunchType,
    kind: Kind::Choice,
    label: "Launch type",
    prompt: "Where do the app's tasks run?",
    fields: &[Field::LaunchType],
    choices: |_, _| LaunchType::ALL.map(launch_choice).to_vec(),
    selected: |c, _| {
        LaunchType::ALL
            .iter()
            .position(|t| *t == c.launch_type)
            .unwrap_or(0)
    },
    select: |c, _, i| {
        let launch_type = LaunchType::ALL[i];
        if launch_type != c.launch_type {
            c.launch_type = launch_type;
            c.transport = launch_type.default_transport();
        }
    },
    answer: |c| c.launch_type.label().to_owned(),
    alternative: |c| {
        let mut alt = c.clone();
        alt.launch_type = match c.launch_type {
            LaunchType::Ec2 => LaunchType::Fargate,
            _ => LaunchType::Ec2,
        };
        alt.transport = alt.launch_type.default_transport();
        alt
    },
    ..BASE
};

pub const AGENT_VERSION: Row = Row {
    id: "agent-version",
    step: Step::AgentVersion,
    kind: Kind::ChoiceOrText,
    label: "Agent version",
    prompt: "Which Datadog agent version?",
    fields: &[Field::AgentVersion],
    text: Some(TextAnswer {
        field: Field::AgentVersion,
        prompt: "Agent version (a major such as 7, or 7.17.1, 6.16.0)",
        example: "e.g. 7.17.1",
        initial: |c| {
            if listed_versions().contains(&c.agent_version) {
                String::new()
            } else {
                c.agent_version.to_string()
            }
        },
        typed_in: |c| !listed_versions().contains(&c.agent_version),
        refuse_empty: Some("type a version, e.g. 7.17.1"),
        ..TEXT
    }),
    choices: |_, _| {
        vec![
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
        ]
    },
    selected: |c, _| {
        listed_versions()
            .iter()
            .position(|v| *v == c.agent_version)
            .unwrap_or(0)
    },
    select: |c, _, i| {
        if let Some(version) = listed_versions().get(i) {
            c.agent_version = version.clone();
        }
    },
    meaning: |c| {
        let mut text = format!("image tag {}", c.agent_version.image_tag());
        if c.agent_version.is_legacy() {
            text.push_str("; adds DD_APM_ENABLED and DD_APM_NON_LOCAL_TRAFFIC");
        }
        Some(Ok(text))
    },
    answer: |c| {
        if c.agent_version.is_legacy() {
            format!("{} (+ the 2 APM env vars)", c.agent_version)
        } else {
            c.agent_version.to_string()
        }
    },
    alternative: |c| {
        let mut alt = c.clone();
        alt.agent_version = if c.agent_version == AgentVersion::Latest {
            // 7.17 also adds the legacy env, where the launch type and
            // transport allow that old an agent.
            let [_, major, legacy] = listed_versions();
            let legacy_config = Config {
                agent_version: legacy.clone(),
                ..c.clone()
            };
            if legacy_config.validate().is_ok() {
                legacy
            } else {
                major
            }
        } else {
            AgentVersion::Latest
        };
        alt
    },
    ..BASE
};

pub const LANGUAGE: Row = Row {
    id: "language",
    step: Step::Language,
    kind: Kind::Choice,
    label: "Language",
    prompt: "Which language is the app written in?",
    fields: &[Field::Language],
    choices: |_, _| {
        Language::ALL
            .iter()
            .map(|l| Choice::new(l.label(), "", language_why(*l)))
            .collect()
    },
    selected: |c, _| {
        Language::ALL
            .iter()
            .position(|l| *l == c.language)
            .unwrap_or(0)
    },
    select: |c, _, i| c.set_language(Language::ALL[i]),
    answer: |c| c.language.label().to_owned(),
    alternative: |c| {
        let mut alt = c.clone();
        alt.set_language(if c.language == Language::Php {
            Language::Python
        } else {
            Language::Php
        });
        alt
    },
    ..BASE
};

/// The ways in the language can take, in the order offered: Go has no init
/// image, so no injection.
fn offered_tracers(config: &Config) -> Vec<Tracer> {
    Tracer::ALL
        .into_iter()
        .filter(|t| *t != Tracer::Inject || init_image_language(config.language).is_some())
        .collect()
}

fn tracer_choice(config: &Config, tracer: Tracer) -> Choice {
    let label = config.language.label();
    match tracer {
        Tracer::Inject => {
            let vars: Vec<&str> = loader_vars(config.language, config.base_image.libc())
                .iter()
                .map(|v| v.name)
                .collect();
            Choice::new(
                "inject at start",
                "Datadog's init container; the image stays as it is",
                format!(
                    "A non-essential init container copies Datadog's {label} tracer into a task volume at start; the app mounts it, waits for the copy and loads it through {}.",
                    vars.join(", ")
                ),
            )
        }
        Tracer::Image => Choice::new(
            "install in the image",
            "Dockerfile.datadog",
            format!(
                "Dockerfile.datadog holds the lines that install Datadog's {label} tracer in your app's image and the start command that loads it: rebuild the image with them."
            ),
        ),
        Tracer::Present => Choice::new(
            "already in the image",
            "nothing added",
            format!(
                "The image installs the tracer and its start command loads it (as in `{}`): nothing is added.",
                config.language.default_startup_command(Tracer::Present)
            ),
        ),
    }
}

pub const TRACER: Row = Row {
    id: "tracer",
    step: Step::Tracer,
    kind: Kind::Choice,
    label: "Tracer",
    prompt: "How does the tracer get into the app?",
    fields: &[Field::Tracer],
    choices: |c, _| {
        offered_tracers(c)
            .into_iter()
            .map(|t| tracer_choice(c, t))
            .collect()
    },
    selected: |c, _| {
        offered_tracers(c)
            .iter()
            .position(|t| *t == c.tracer)
            .unwrap_or(0)
    },
    select: |c, _, i| {
        if let Some(tracer) = offered_tracers(c).get(i) {
            c.set_tracer(*tracer);
        }
    },
    answer: |c| tracer_choice(c, c.tracer).label.to_owned(),
    alternative: |c| {
        let mut alt = c.clone();
        alt.set_tracer(if c.tracer == Tracer::Present {
            Tracer::default_for(c.language)
        } else {
            Tracer::Present
        });
        alt
    },
    ..BASE
};

fn base_image_choice(base_image: BaseImage) -> Choice {
    match base_image {
        BaseImage::Debian => Choice::new(
            "Debian or Ubuntu",
            "glibc, apt",
            "The most common base (python:3.12, node:22, eclipse-temurin, the .NET and PHP images): glibc builds of the tracer.",
        ),
        BaseImage::Alpine => Choice::new(
            "Alpine",
            "musl, apk",
            "musl builds of the tracer (PHP's musl loader); Datadog's Ruby injection has none, so Ruby on Alpine takes the Dockerfile.",
        ),
        BaseImage::Distroless => Choice::new(
            "distroless",
            "no shell, no package manager",
            "The tracer is copied in from Datadog's init image and loaded by variables. No shell: on EC2 over TCP use the Unix socket.",
        ),
    }
}

pub const BASE_IMAGE: Row = Row {
    id: "base-image",
    step: Step::Tracer,
    kind: Kind::Choice,
    label: "Base image",
    prompt: "What is the app's image based on?",
    fields: &[Field::BaseImage],
    choices: |_, _| BaseImage::ALL.map(base_image_choice).to_vec(),
    selected: |c, _| {
        BaseImage::ALL
            .iter()
            .position(|b| *b == c.base_image)
            .unwrap_or(0)
    },
    select: |c, _, i| c.base_image = BaseImage::ALL[i],
    not_needed: |c| {
        (c.tracer == Tracer::Present)
            .then_some("the image already has its tracer: nothing depends on its base")
    },
    answer: |c| base_image_choice(c.base_image).label.to_owned(),
    alternative: |c| {
        let mut alt = c.clone();
        for base_image in BaseImage::ALL {
            alt.base_image = base_image;
            if base_image != c.base_image && alt.validate().is_ok() {
                return alt;
            }
        }
        c.clone()
    },
    ..BASE
};

/// The tracer versions listed before "another version…": the language's
/// current major (the default), then latest.
fn listed_tracer_versions() -> [Option<TracerVersion>; 2] {
    [None, Some(TracerVersion::Latest)]
}

pub const TRACER_VERSION: Row = Row {
    id: "tracer-version",
    step: Step::Tracer,
    kind: Kind::ChoiceOrText,
    label: "Tracer version",
    prompt: "Which tracer version?",
    fields: &[Field::TracerVersion],
    text: Some(TextAnswer {
        field: Field::TracerVersion,
        prompt: "Tracer version (a major such as 4, or a release such as 4.1.0)",
        example: "e.g. 4.1.0",
        initial: |c| {
            if listed_tracer_versions().contains(&c.tracer_version) {
                String::new()
            } else {
                c.tracer_version().to_string()
            }
        },
        typed_in: |c| !listed_tracer_versions().contains(&c.tracer_version),
        refuse_empty: Some("type a version, e.g. 4.1.0"),
        ..TEXT
    }),
    choices: |c, _| {
        let major = TracerVersion::Major(crate::core::model::tracer::default_major(c.language));
        vec![
            Choice::new(
                "the current major",
                "recommended",
                format!(
                    "{major}: the newest {} {} release, the same in every task until you choose another major (Datadog's ECS tools default to latest).",
                    c.language.label(),
                    major.number().map(|m| format!("{m}.x")).unwrap_or_default()
                ),
            ),
            Choice::new(
                "latest",
                "the newest of any major",
                "The newest release, whatever its major: a new major, with its breaking changes, reaches the next task that starts.",
            ),
            Choice::typed(
                "another version…",
                "type it",
                "A major (4 or v4) or a release (4.1.0); the init image tag is its v-prefixed form.",
            ),
        ]
    },
    selected: |c, _| {
        listed_tracer_versions()
            .iter()
            .position(|v| *v == c.tracer_version)
            .unwrap_or(0)
    },
    select: |c, _, i| {
        if let Some(version) = listed_tracer_versions().get(i) {
            c.tracer_version = *version;
        }
    },
    not_needed: |c| {
        if c.tracer == Tracer::Present {
            Some("the image already has its tracer, at the version it installs")
        } else if c.language == Language::Go {
            Some("for Go the version is the one go.mod pins (orchestrion pin)")
        } else {
            None
        }
    },
    meaning: |c| {
        Some(Ok(match c.tracer {
            Tracer::Inject => format!("init image tag {}", c.tracer_version().image_tag()),
            _ => format!("installs {}", c.tracer_version()),
        }))
    },
    answer: |c| match c.tracer_version {
        None => format!("{} (the current major)", c.tracer_version()),
        Some(version) => version.to_string(),
    },
    alternative: |c| {
        let mut alt = c.clone();
        alt.tracer_version = match c.tracer_version {
            None => Some(TracerVersion::Latest),
            Some(_) => None,
        };
        alt
    },
    ..BASE
};

pub const CONNECTION: Row = Row {
    id: "connection",
    step: Step::Connection,
    kind: Kind::Choice,
    label: "Connection",
    prompt: "How does the app reach the agent?",
    fields: &[Field::Transport, Field::Imds],
    choices: |c, g| {
        Link::offered_for(c, g)
            .into_iter()
            .map(Link::choice)
            .collect()
    },
    selected: |c, g| {
        Link::offered_for(c, g)
            .iter()
            .position(|l| *l == Link::of(c))
            .unwrap_or(0)
    },
    select: |c, g, i| {
        if let Some(link) = Link::offered_for(c, g).get(i) {
            link.apply(c);
        }
    },
    // A TCP flag on EC2 still leaves the host IP's source open.
    given: Some(|g, c| {
        g.has(Field::Imds)
            || g.get(Field::Transport)
                .is_some_and(|t| t == "uds" || c.launch_type != LaunchType::Ec2)
    }),
    not_needed: |c| {
        (c.launch_type == LaunchType::ManagedInstances)
            .then_some("ECS Managed Instances apps reach the agent through the Unix socket only")
    },
    answer: |c| Link::of(c).label().to_owned(),
    alternative: |c| {
        let mut alt = c.clone();
        match Link::of(c) {
            Link::HostIp(Imds::V2) => alt.imds = Imds::V1,
            Link::HostIp(_) => alt.imds = Imds::V2,
            Link::Socket if c.launch_type != LaunchType::ManagedInstances => {
                alt.transport = Transport::Tcp;
            }
            Link::Socket | Link::Localhost => alt.transport = Transport::Uds,
        }
        alt
    },
    ..BASE
};

pub const STARTUP_COMMAND: Row = Row {
    id: "startup-command",
    step: Step::StartupCommand,
    label: "Startup command",
    prompt: "How does the app start?",
    fields: &[Field::StartupCommand],
    text: Some(TextAnswer {
        field: Field::StartupCommand,
        prompt: "How does the app start?",
        explain: "Runs exactly as typed, after DD_AGENT_HOST is set. If the host cannot be found within 5 s, the app still starts.",
        initial: |c| c.startup_command.clone(),
        ..TEXT
    }),
    not_needed: |c| {
        if c.transport == Transport::Uds {
            Some("with the Unix socket nothing looks up an address, so the start command stays as it is")
        } else if !c.wraps_entrypoint() {
            Some("the agent is a sidecar on localhost, so the start command stays as it is")
        } else {
            None
        }
    },
    answer: |c| c.startup_command.clone(),
    meaning: |c| {
        Some(match exec_form(&c.startup_command) {
            Some(_) => Ok(format!("runs as exec {}", printable(&shown_start(&c.startup_command)))),
            None => Err("not a single command: sh stays PID 1, so end it with `exec app` for SIGTERM to reach the app".to_owned()),
        })
    },
    remarks: |c| {
        vec![Remark::Hint(format!(
            "default for {}: {}",
            c.language.label(),
            c.default_startup_command()
        ))]
    },
    alternative: |c| {
        let mut alt = c.clone();
        alt.startup_command.push_str(" x");
        alt
    },
    ..BASE
};

pub const APP_NAME: Row = Row {
    id: "app-name",
    step: Step::App,
    label: "App name",
    prompt: "Container name",
    fields: &[Field::AppName],
    text: Some(TextAnswer {
        field: Field::AppName,
        prompt: "Container name",
        explain: "Also the family of the app's task definition: letters, digits, - and _.",
        initial: |c| c.app_name.clone(),
        ..TEXT
    }),
    answer: |c| c.app_name.clone(),
    alternative: |c| {
        let mut alt = c.clone();
        alt.app_name.push('x');
        alt
    },
    ..BASE
};

pub const APP_IMAGE: Row = Row {
    id: "app-image",
    step: Step::App,
    label: "App image",
    prompt: "Image",
    fields: &[Field::AppImage],
    text: Some(TextAnswer {
        field: Field::AppImage,
        prompt: "Image",
        example: "empty: <YOUR_APP_IMAGE>, to fill in later",
        explain:
            "The image of your app, e.g. 123456789012.dkr.ecr.us-east-1.amazonaws.com/web:1.4.",
        initial: |c| {
            if c.app_image == APP_IMAGE_PLACEHOLDER {
                String::new()
            } else {
                c.app_image.clone()
            }
        },
        ..TEXT
    }),
    answer: |c| c.app_image.clone(),
    placeholder: |c| c.app_image == APP_IMAGE_PLACEHOLDER,
    remarks: |c| {
        if c.app_image == APP_IMAGE_PLACEHOLDER {
            vec![Remark::Warning(
                "left as <YOUR_APP_IMAGE>: fill it in before registering".to_owned(),
            )]
        } else {
            Vec::new()
        }
    },
    alternative: |c| {
        let mut alt = c.clone();
        alt.app_image = if c.app_image == APP_IMAGE_PLACEHOLDER {
            "probe".to_owned()
        } else {
            APP_IMAGE_PLACEHOLDER.to_owned()
        };
        alt
    },
    ..BASE
};

pub const SERVICE: Row = Row {
    id: "service",
    step: Step::Tags,
    label: "Service",
    prompt: "Service (DD_SERVICE)",
    fields: &[Field::Service],
    text: Some(TextAnswer {
        field: Field::Service,
        prompt: "Service (DD_SERVICE)",
        example: "e.g. checkout; empty: unset",
        explain: TAGS_EXPLAIN,
        initial: |c| c.tags.service.clone().unwrap_or_default(),
        ..TEXT
    }),
    answer: |c| tag(&c.tags.service),
    alternative: |c| {
        let mut alt = c.clone();
        flip_tag(&mut alt.tags.service);
        alt
    },
    ..BASE
};

pub const ENV: Row = Row {
    id: "env",
    step: Step::Tags,
    label: "Env",
    prompt: "Environment (DD_ENV)",
    fields: &[Field::Env],
    text: Some(TextAnswer {
        field: Field::Env,
        prompt: "Environment (DD_ENV)",
        example: "e.g. prod; empty: unset",
        explain: TAGS_EXPLAIN,
        initial: |c| c.tags.env.clone().unwrap_or_default(),
        ..TEXT
    }),
    answer: |c| tag(&c.tags.env),
    alternative: |c| {
        let mut alt = c.clone();
        flip_tag(&mut alt.tags.env);
        alt
    },
    ..BASE
};

pub const SERVICE_VERSION: Row = Row {
    id: "service-version",
    step: Step::Tags,
    label: "Version",
    prompt: "Version (DD_VERSION)",
    fields: &[Field::ServiceVersion],
    text: Some(TextAnswer {
        field: Field::ServiceVersion,
        prompt: "Version (DD_VERSION)",
        example: "e.g. 1.4.0; empty: unset",
        explain: TAGS_EXPLAIN,
        initial: |c| c.tags.version.clone().unwrap_or_default(),
        ..TEXT
    }),
    answer: |c| tag(&c.tags.version),
    alternative: |c| {
        let mut alt = c.clone();
        flip_tag(&mut alt.tags.version);
        alt
    },
    ..BASE
};

pub const SITE: Row = Row {
    id: "site",
    step: Step::Datadog,
    kind: Kind::Choice,
    label: "Site",
    prompt: "Datadog site",
    fields: &[Field::Site],
    choices: |_, _| {
        Site::ALL
            .iter()
            .map(|site| {
                Choice::new(
                    site.cli_name(),
                    site.region(),
                    "The site of your Datadog account: the host name in your browser when you log in to Datadog.",
                )
            })
            .collect()
    },
    selected: |c, _| Site::ALL.iter().position(|s| *s == c.site).unwrap_or(0),
    select: |c, _, i| c.site = Site::ALL[i],
    answer: |c| c.site.to_string(),
    alternative: |c| {
        let mut alt = c.clone();
        alt.site = if c.site == Site::Us1 {
            Site::Eu1
        } else {
            Site::Us1
        };
        alt
    },
    ..BASE
};

pub const API_KEY: Row = Row {
    id: "api-key",
    step: Step::Datadog,
    kind: Kind::ChoiceOrText,
    label: "API key",
    prompt: "API key",
    fields: &[Field::ApiKeySecretArn],
    text: Some(TextAnswer {
        field: Field::ApiKeySecretArn,
        prompt: "ARN of the secret that holds the API key",
        example: "arn:aws:secretsmanager:REGION:ACCOUNT:secret:NAME",
        initial: |c| c.api_key_secret_arn.clone().unwrap_or_default(),
        typed_in: |c| c.api_key_secret_arn.is_some(),
        refuse_empty: Some("paste the secret's ARN, or choose \"placeholder, I'll fill it in\""),
        ..TEXT
    }),
    choices: |_, _| {
        vec![
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
        ]
    },
    selected: |_, _| 1,
    select: |c, _, _| c.api_key_secret_arn = None,
    answer: |c| match &c.api_key_secret_arn {
        Some(arn) => arn.clone(),
        None => format!("placeholder {API_KEY_PLACEHOLDER}"),
    },
    placeholder: |c| c.api_key_secret_arn.is_none(),
    meaning: |c| {
        c.api_key_secret_arn
            .as_ref()
            .map(|_| Ok("the agent reads DD_API_KEY from this secret".to_owned()))
    },
    alternative: |c| {
        let mut alt = c.clone();
        alt.api_key_secret_arn = match c.api_key_secret_arn {
            Some(_) => None,
            None => Some(SAMPLE_SECRET_ARN.to_owned()),
        };
        alt
    },
    ..BASE
};

/// A tracer feature's question: off or on, not asked where the language's
/// tracer lacks it.
macro_rules! switch_row {
    ($name:ident, $id:literal, $switch:expr, $field:expr, $label:literal, $prompt:literal, $off:literal, $on:literal) => {
        pub const $name: Row = Row {
            id: $id,
            step: Step::Features,
            kind: Kind::Choice,
            label: $label,
            prompt: $prompt,
            fields: &[$field],
            choices: |_, _| {
                vec![
                    Choice::new("off", "", $off),
                    Choice::new("on", $switch.env(), $on),
                ]
            },
            selected: |c, _| usize::from($switch.get(&c.features)),
            select: |c, _, i| $switch.set(&mut c.features, i == 1),
            not_needed: |c| $switch.not_offered(c.language),
            answer: |c| on_off($switch.get(&c.features)),
            remarks: |c| switch_remarks($switch, c),
            alternative: |c| {
                let mut alt = c.clone();
                $switch.set(&mut alt.features, !$switch.get(&c.features));
                alt
            },
            ..BASE
        };
    };
}

fn on_off(on: bool) -> String {
    if on { "on" } else { "off" }.to_owned()
}

/// What a feature switched on still needs from the app, where Datadog's
/// docs say it needs more than the variable.
fn switch_remarks(switch: Switch, config: &Config) -> Vec<Remark> {
    if !switch.get(&config.features) {
        return Vec::new();
    }
    let needs = match (switch, config.language) {
        (Switch::Profiling, Language::Go) => {
            "Go: the variable starts the profiler only in a build made with Orchestrion (the Dockerfile's); otherwise call profiler.Start"
        }
        (Switch::Profiling, Language::Php) => {
            "PHP: the profiler is part of datadog-setup.php --enable-profiling (64-bit Linux only)"
        }
        (Switch::RuntimeMetrics, Language::Ruby) => {
            "Ruby: runtime metrics also need the dogstatsd-ruby gem in the app's Gemfile"
        }
        (Switch::Appsec | Switch::DataStreams, Language::Go) => {
            "Go: the app must be built with Orchestrion (the Dockerfile's) for this to act"
        }
        _ => return Vec::new(),
    };
    vec![Remark::Hint(needs.to_owned())]
}

switch_row!(
    PROFILING,
    "profiling",
    Switch::Profiling,
    Field::Profiling,
    "Profiling",
    "Continuous Profiler?",
    "No profiles: the tracer's default.",
    "DD_PROFILING_ENABLED=true: the tracer profiles CPU, memory and more, and sends the profiles through the agent with the traces."
);
switch_row!(
    RUNTIME_METRICS,
    "runtime-metrics",
    Switch::RuntimeMetrics,
    Field::RuntimeMetrics,
    "Runtime metrics",
    "Runtime metrics?",
    "The tracer's default (on for Java, off elsewhere).",
    "DD_RUNTIME_METRICS_ENABLED=true: memory, garbage collection and thread metrics, sent to the agent's DogStatsD beside the traces."
);
switch_row!(
    LOGS_INJECTION,
    "logs-injection",
    Switch::LogsInjection,
    Field::LogsInjection,
    "Logs injection",
    "Trace IDs in the app's logs?",
    "The tracer's default (on for Java and Ruby).",
    "DD_LOGS_INJECTION=true: the tracer adds the trace and span IDs to each log line of the supported loggers, so logs link to their traces."
);
switch_row!(
    APPSEC,
    "appsec",
    Switch::Appsec,
    Field::Appsec,
    "AppSec",
    "App and API Protection?",
    "No threat detection.",
    "DD_APPSEC_ENABLED=true: the tracer detects attacks on the app's endpoints and reports them (App and API Protection)."
);
switch_row!(
    DATA_STREAMS,
    "data-streams",
    Switch::DataStreams,
    Field::DataStreams,
    "Data Streams",
    "Data Streams Monitoring?",
    "No pipeline latency from the tracer.",
    "DD_DATA_STREAMS_ENABLED=true: the tracer measures latency through Kafka, RabbitMQ, SQS and the other queues it instruments."
);

fn dbm_choice(mode: Option<DbmMode>) -> Choice {
    match mode {
        None => Choice::new("off", "", "Queries carry no Datadog comment."),
        Some(DbmMode::Service) => Choice::new(
            "service",
            "service tags",
            "DD_DBM_PROPAGATION_MODE=service: SQL comments name the service, env and version, so Database Monitoring shows who ran a query.",
        ),
        Some(DbmMode::Full) => Choice::new(
            "full",
            "service tags and the trace",
            "DD_DBM_PROPAGATION_MODE=full: the comment also carries the trace context, so a query sample links to its trace (Agent 7.46 or later).",
        ),
    }
}

fn dbm_modes() -> [Option<DbmMode>; 3] {
    [None, Some(DbmMode::Service), Some(DbmMode::Full)]
}

pub const DBM_PROPAGATION: Row = Row {
    id: "dbm-propagation",
    step: Step::Features,
    kind: Kind::Choice,
    label: "DBM propagation",
    prompt: "Link database queries to the service (DBM)?",
    fields: &[Field::DbmPropagation],
    choices: |_, _| dbm_modes().map(dbm_choice).to_vec(),
    selected: |c, _| {
        dbm_modes()
            .iter()
            .position(|m| *m == c.features.dbm_propagation)
            .unwrap_or(0)
    },
    select: |c, _, i| c.features.dbm_propagation = dbm_modes().get(i).copied().flatten(),
    answer: |c| dbm_choice(c.features.dbm_propagation).label.to_owned(),
    alternative: |c| {
        let mut alt = c.clone();
        alt.features.dbm_propagation = match c.features.dbm_propagation {
            None => Some(DbmMode::Full),
            Some(_) => None,
        };
        alt
    },
    ..BASE
};

pub const TRACE_SAMPLE_RATE: Row = Row {
    id: "trace-sample-rate",
    step: Step::Features,
    kind: Kind::ChoiceOrText,
    label: "Sample rate",
    prompt: "Which share of traces to keep?",
    fields: &[Field::TraceSampleRate],
    text: Some(TextAnswer {
        field: Field::TraceSampleRate,
        prompt: "Sample rate (0 to 1, e.g. 0.25 keeps a quarter)",
        example: "e.g. 0.25",
        initial: |c| {
            c.features
                .sample_rate
                .as_ref()
                .map(ToString::to_string)
                .unwrap_or_default()
        },
        typed_in: |c| c.features.sample_rate.is_some(),
        refuse_empty: Some("type a rate from 0 to 1, e.g. 0.25"),
        ..TEXT
    }),
    choices: |_, _| {
        vec![
            Choice::new(
                "the agent's rates",
                "recommended",
                "No DD_TRACE_SAMPLE_RATE: the agent sets each service's rate to about 10 traces per second, and errors and rare traces are kept.",
            ),
            Choice::typed(
                "a rate…",
                "type it",
                "DD_TRACE_SAMPLE_RATE: the tracer keeps this share of traces, from 0 (none) to 1 (all), up to DD_TRACE_RATE_LIMIT (100 per second).",
            ),
        ]
    },
    selected: |_, _| 0,
    select: |c, _, i| {
        if i == 0 {
            c.features.sample_rate = None;
        }
    },
    answer: |c| match &c.features.sample_rate {
        Some(rate) => rate.to_string(),
        None => "the agent's rates".to_owned(),
    },
    meaning: |c| {
        c.features
            .sample_rate
            .as_ref()
            .map(|rate| Ok(format!("DD_TRACE_SAMPLE_RATE={rate}")))
    },
    alternative: |c| {
        let mut alt = c.clone();
        alt.features.sample_rate = match c.features.sample_rate {
            Some(_) => None,
            None => "0.5".parse().ok(),
        };
        alt
    },
    ..BASE
};

/// An on/off question about a `bool` of the config (an agent setting, log
/// collection).
macro_rules! toggle_row {
    ($name:ident, $id:literal, $field:expr, [$($slot:ident).+], $label:literal, $prompt:literal, $env:literal, $off:literal, $on:literal, $not_needed:expr, $remarks:expr) => {
        pub const $name: Row = Row {
            id: $id,
            step: Step::Collection,
            kind: Kind::Choice,
            label: $label,
            prompt: $prompt,
            fields: &[$field],
            choices: |_, _| vec![Choice::new("off", "", $off), Choice::new("on", $env, $on)],
            selected: |c, _| usize::from(c.$($slot).+),
            select: |c, _, i| c.$($slot).+ = i == 1,
            not_needed: $not_needed,
            answer: |c| on_off(c.$($slot).+),
            remarks: $remarks,
            alternative: |c| {
                let mut alt = c.clone();
                alt.$($slot).+ = !c.$($slot).+;
                alt
            },
            ..BASE
        };
    };
}

/// What log collection writes on the answered launch type.
fn log_remarks(c: &Config) -> Vec<Remark> {
    if !c.log_collection {
        return Vec::new();
    }
    let mut remarks = vec![Remark::Hint(if c.tails_logs() {
        "EC2: the agent daemon gets DD_LOGS_ENABLED, DD_LOGS_CONFIG_CONTAINER_COLLECT_ALL and two host volumes; the app a com.datadoghq.ad.logs label with its source and service".to_owned()
    } else {
        format!(
            "a datadog-log-router container (FireLens, aws-for-fluent-bit) joins the task; the app's output goes to {}",
            crate::core::model::logs::intake_host(c.site)
        )
    })];
    if c.routes_logs() && c.api_key_secret_arn.is_none() {
        remarks.push(Remark::Warning(
            "the router sends with the API key placeholder in plain text: give the key's secret on the Datadog step".to_owned(),
        ));
    }
    remarks
}

toggle_row!(
    LOG_COLLECTION,
    "log-collection",
    Field::LogCollection,
    [log_collection],
    "Log collection",
    "Send the app's logs to Datadog?",
    "agent or FireLens",
    "Logs stay where the task sends them now.",
    "The app's stdout and stderr to Datadog Logs, tagged with its service: on EC2 the agent daemon tails them, on Fargate and Managed Instances a FireLens log router sends them.",
    |_| None,
    log_remarks
);
toggle_row!(
    ORCHESTRATOR_EXPLORER,
    "orchestrator-explorer",
    Field::OrchestratorExplorer,
    [agent.orchestrator_explorer],
    "Task collection",
    "Tasks in the Orchestrator Explorer?",
    "DD_ECS_TASK_COLLECTION_ENABLED",
    "The agent's default.",
    "DD_ECS_TASK_COLLECTION_ENABLED=true: the agent sends the cluster's tasks to the Orchestrator Explorer (the task role needs ecs:ListClusters, ecs:ListContainerInstances, ecs:DescribeContainerInstances).",
    |_| None,
    |_| Vec::new()
);
toggle_row!(
    ORIGIN_DETECTION,
    "origin-detection",
    Field::OriginDetection,
    [agent.origin_detection],
    "Metric origins",
    "DogStatsD origin detection?",
    "agent and app",
    "Custom metrics carry no container tags of their sender.",
    "DD_DOGSTATSD_ORIGIN_DETECTION on the agent and DD_DOGSTATSD_ORIGIN_DETECTION_CLIENT on the app: each metric is tagged with the container that sent it.",
    |_| None,
    |_| Vec::new()
);

fn cardinality_choice(level: Option<Cardinality>) -> Choice {
    match level {
        None => Choice::new(
            "the agent's",
            "low",
            "No DD_DOGSTATSD_TAG_CARDINALITY: the agent's default, low.",
        ),
        Some(Cardinality::Low) => Choice::new(
            "low",
            "",
            "DD_DOGSTATSD_TAG_CARDINALITY=low: the task's and service's tags.",
        ),
        Some(Cardinality::Orchestrator) => Choice::new(
            "orchestrator",
            "",
            "DD_DOGSTATSD_TAG_CARDINALITY=orchestrator: adds the task ARN, a series per task.",
        ),
        Some(Cardinality::High) => Choice::new(
            "high",
            "",
            "DD_DOGSTATSD_TAG_CARDINALITY=high: adds the container, a series per container.",
        ),
    }
}

fn cardinalities() -> [Option<Cardinality>; 4] {
    [
        None,
        Some(Cardinality::Low),
        Some(Cardinality::Orchestrator),
        Some(Cardinality::High),
    ]
}

pub const TAG_CARDINALITY: Row = Row {
    id: "tag-cardinality",
    step: Step::Collection,
    kind: Kind::Choice,
    label: "Tag cardinality",
    prompt: "DogStatsD tag cardinality?",
    fields: &[Field::TagCardinality],
    choices: |_, _| cardinalities().map(cardinality_choice).to_vec(),
    selected: |c, _| {
        cardinalities()
            .iter()
            .position(|l| *l == c.agent.tag_cardinality)
            .unwrap_or(0)
    },
    select: |c, _, i| c.agent.tag_cardinality = cardinalities().get(i).copied().flatten(),
    answer: |c| cardinality_choice(c.agent.tag_cardinality).label.to_owned(),
    alternative: |c| {
        let mut alt = c.clone();
        alt.agent.tag_cardinality = match c.agent.tag_cardinality {
            None => Some(Cardinality::High),
            Some(_) => None,
        };
        alt
    },
    ..BASE
};

toggle_row!(
    PROCESS_COLLECTION,
    "process-collection",
    Field::ProcessCollection,
    [agent.process_collection],
    "Processes",
    "Live process collection?",
    "DD_PROCESS_AGENT_PROCESS_COLLECTION_ENABLED",
    "No process list from the agent.",
    "DD_PROCESS_AGENT_PROCESS_COLLECTION_ENABLED=true: the agent sends the processes it sees to Live Processes.",
    |c| (c.launch_type == LaunchType::ManagedInstances)
        .then_some("ddecs-wizard writes it for the EC2 daemon and the Fargate sidecar only"),
    |c| {
        if c.agent.process_collection && c.launch_type == LaunchType::Fargate {
            vec![Remark::Warning("Fargate: the task shares one PID namespace (pidMode task), and ECS Exec then reaches only one container of it".to_owned())]
        } else {
            Vec::new()
        }
    }
);
toggle_row!(
    AGENT_READ_ONLY_ROOT,
    "agent-read-only-root",
    Field::AgentReadOnlyRoot,
    [agent.read_only_root],
    "Read-only agent",
    "A read-only agent sidecar?",
    "readonlyRootFilesystem",
    "The agent writes to its own filesystem.",
    "readonlyRootFilesystem: true on the sidecar; its writable paths become task volumes, seeded by a non-essential init-volume container.",
    |c| (c.launch_type != LaunchType::Fargate).then_some("it is written for the Fargate sidecar only"),
    |_| Vec::new()
);

toggle_row!(
    INSTALL_INFO,
    "install-info",
    Field::InstallInfo,
    [agent.install_info],
    "Install info",
    "Report ddecs-wizard as installer?",
    "DD_INSTALL_INFO_*",
    "No install information: the agent reports none of its own.",
    "DD_INSTALL_INFO_TOOL=ddecs-wizard and its version on the agent, as Datadog's Terraform module names itself: the agent's status page and Datadog's install telemetry show what set it up.",
    |_| None,
    |_| Vec::new()
);

// Named like the enum variants they replaced, since a question is used
// like one: `Question::Language`.
#[allow(non_upper_case_globals)]
impl Question {
    pub const LaunchType: Question = Question(&LAUNCH_TYPE);
    pub const AgentVersion: Question = Question(&AGENT_VERSION);
    pub const Language: Question = Question(&LANGUAGE);
    pub const Tracer: Question = Question(&TRACER);
    pub const BaseImage: Question = Question(&BASE_IMAGE);
    pub const TracerVersion: Question = Question(&TRACER_VERSION);
    pub const Connection: Question = Question(&CONNECTION);
    pub const StartupCommand: Question = Question(&STARTUP_COMMAND);
    pub const AppName: Question = Question(&APP_NAME);
    pub const AppImage: Question = Question(&APP_IMAGE);
    pub const Service: Question = Question(&SERVICE);
    pub const Env: Question = Question(&ENV);
    pub const ServiceVersion: Question = Question(&SERVICE_VERSION);
    pub const Site: Question = Question(&SITE);
    pub const ApiKey: Question = Question(&API_KEY);
    pub const Profiling: Question = Question(&PROFILING);
    pub const RuntimeMetrics: Question = Question(&RUNTIME_METRICS);
    pub const LogsInjection: Question = Question(&LOGS_INJECTION);
    pub const Appsec: Question = Question(&APPSEC);
    pub const DataStreams: Question = Question(&DATA_STREAMS);
    pub const DbmPropagation: Question = Question(&DBM_PROPAGATION);
    pub const TraceSampleRate: Question = Question(&TRACE_SAMPLE_RATE);
    pub const LogCollection: Question = Question(&LOG_COLLECTION);
    pub const OrchestratorExplorer: Question = Question(&ORCHESTRATOR_EXPLORER);
    pub const OriginDetection: Question = Question(&ORIGIN_DETECTION);
    pub const TagCardinality: Question = Question(&TAG_CARDINALITY);
    pub const ProcessCollection: Question = Question(&PROCESS_COLLECTION);
    pub const AgentReadOnlyRoot: Question = Question(&AGENT_READ_ONLY_ROOT);
    pub const InstallInfo: Question = Question(&INSTALL_INFO);

    /// Every question, in the order they are asked.
    pub const ALL: [Question; 29] = [
        Question::LaunchType,
        Question::AgentVersion,
        Question::Language,
        Question::Tracer,
        Question::BaseImage,
        Question::TracerVersion,
        Question::Connection,
        Question::StartupCommand,
        Question::AppName,
        Question::AppImage,
        Question::Service,
        Question::Env,
        Question::ServiceVersion,
        Question::Site,
        Question::ApiKey,
        Question::Profiling,
        Question::RuntimeMetrics,
        Question::LogsInjection,
        Question::Appsec,
        Question::DataStreams,
        Question::DbmPropagation,
        Question::TraceSampleRate,
        Question::LogCollection,
        Question::OrchestratorExplorer,
        Question::OriginDetection,
        Question::TagCardinality,
        Question::ProcessCollection,
        Question::AgentReadOnlyRoot,
        Question::InstallInfo,
    ];
}

impl Question {
    pub fn row(self) -> &'static Row {
        self.0
    }

    /// Where the question sits in [`Question::ALL`].
    pub fn index(self) -> usize {
        Question::ALL
            .iter()
            .position(|q| *q == self)
            .expect("every question is listed in Question::ALL (tested)")
    }

    pub fn step(self) -> Step {
        self.0.step
    }

    pub fn kind(self) -> Kind {
        self.0.kind
    }

    pub fn label(self) -> &'static str {
        self.0.label
    }

    pub fn prompt(self) -> &'static str {
        self.0.prompt
    }

    /// What to type, for the question's text.
    pub fn text_prompt(self) -> &'static str {
        self.0.text.map_or(self.0.prompt, |t| {
            if t.prompt.is_empty() {
                self.0.prompt
            } else {
                t.prompt
            }
        })
    }

    /// Shown in an empty field.
    pub fn example(self) -> &'static str {
        self.0.text.map_or("", |t| t.example)
    }

    /// A sentence on what the text answer does.
    pub fn explain(self) -> &'static str {
        self.0.text.map_or("", |t| t.explain)
    }

    /// The flags that answer the question, as help and Review name them.
    pub fn flag(self) -> String {
        self.0
            .fields
            .iter()
            .map(|f| f.flag())
            .collect::<Vec<_>>()
            .join("/")
    }

    /// Why the question does not apply to `config`, when it does not.
    pub fn not_needed(self, config: &Config) -> Option<&'static str> {
        (self.0.not_needed)(config)
    }

    /// The choices of a list question (empty for text), with nothing given.
    pub fn choices(self, config: &Config) -> Vec<Choice> {
        (self.0.choices)(config, &Given::default())
    }

    /// A different valid answer to this question.
    pub fn alternative(self, config: &Config) -> Config {
        (self.0.alternative)(config)
    }

    /// Whether the flags in `given` answered the question.
    pub fn given_by(self, given: &Given, config: &Config) -> bool {
        match self.0.given {
            Some(rule) => rule(given, config),
            None => self.0.fields.iter().any(|f| given.has(*f)),
        }
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
    fn every_row_is_listed_once_with_a_unique_id_and_consistent_kind() {
        let mut ids: Vec<&str> = Question::ALL.iter().map(|q| q.row().id).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), Question::ALL.len());
        for (i, q) in Question::ALL.iter().enumerate() {
            assert_eq!(q.index(), i);
            let row = q.row();
            assert!(!row.label.is_empty() && !row.prompt.is_empty(), "{q:?}");
            assert_ne!(row.step, Step::Review, "{q:?}");
            assert!(!row.fields.is_empty(), "{q:?} is answered by no flag");
            let config = Config::default();
            let choices = q.choices(&config);
            match row.kind {
                Kind::Text => assert!(choices.is_empty() && row.text.is_some(), "{q:?}"),
                Kind::Choice => assert!(!choices.is_empty() && row.text.is_none(), "{q:?}"),
                Kind::ChoiceOrText => {
                    assert!(row.text.is_some(), "{q:?}");
                    assert_eq!(choices.iter().filter(|c| c.typed).count(), 1, "{q:?}");
                }
            }
            if let Some(text) = row.text {
                assert!(row.fields.contains(&text.field), "{q:?}");
            }
        }
    }

    #[test]
    fn the_defaults_come_first() {
        assert_eq!(Link::offered(LaunchType::Ec2)[0], Link::HostIp(Imds::V2));
        assert_eq!(LaunchType::ALL[0], LaunchType::Ec2);
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
    fn the_tracer_question_offers_injection_only_where_there_is_an_init_image() {
        let labels = |language| {
            Question::Tracer
                .choices(&Config::for_language(language))
                .into_iter()
                .map(|c| c.label)
                .collect::<Vec<_>>()
        };
        assert_eq!(
            labels(Language::Python),
            [
                "inject at start",
                "install in the image",
                "already in the image"
            ]
        );
        assert_eq!(
            labels(Language::Go),
            ["install in the image", "already in the image"]
        );
        let mut go = Config::for_language(Language::Go);
        (Question::Tracer.row().select)(&mut go, &Given::default(), 1);
        assert_eq!(go.tracer, Tracer::Present);
        let why = &Question::Tracer.choices(&Config::for_language(Language::Dotnet))[0].why;
        assert!(why.contains("CORECLR_PROFILER_PATH"), "{why}");
    }

    #[test]
    fn choosing_the_image_brings_the_loader_command() {
        let mut config = Config::default();
        assert_eq!(config.startup_command, "python my_app.py");
        (Question::Tracer.row().select)(&mut config, &Given::default(), 1);
        assert_eq!(config.tracer, Tracer::Image);
        assert_eq!(config.startup_command, "ddtrace-run python my_app.py");
    }

    #[test]
    fn base_image_and_version_are_asked_only_where_they_act() {
        let present = Config {
            tracer: Tracer::Present,
            ..Config::default()
        };
        assert!(Question::BaseImage.not_needed(&present).is_some());
        assert!(Question::TracerVersion.not_needed(&present).is_some());
        let go = Config::for_language(Language::Go);
        assert!(Question::BaseImage.not_needed(&go).is_none());
        assert!(Question::TracerVersion.not_needed(&go).is_some());
        let python = Config::default();
        assert_eq!(
            (Question::TracerVersion.row().answer)(&python),
            "v4 (the current major)"
        );
        assert_eq!(
            (Question::TracerVersion.row().meaning)(&python),
            Some(Ok("init image tag v4".to_owned()))
        );
    }

    #[test]
    fn features_a_tracer_lacks_are_not_asked_and_a_new_language_switches_them_off() {
        let php = Config::for_language(Language::Php);
        assert!(Question::RuntimeMetrics.not_needed(&php).is_some());
        assert!(Question::DataStreams.not_needed(&php).is_some());
        assert!(Question::LogsInjection.not_needed(&php).is_none());
        let go = Config::for_language(Language::Go);
        assert!(Question::LogsInjection.not_needed(&go).is_some());
        let mut config = Config::default();
        for q in [Question::RuntimeMetrics, Question::Profiling] {
            (q.row().select)(&mut config, &Given::default(), 1);
        }
        assert!(config.features.runtime_metrics && config.features.profiling);
        config.set_language(Language::Php);
        assert!(!config.features.runtime_metrics, "PHP has none");
        assert!(config.features.profiling, "PHP profiles");
        config.validate().unwrap();
    }

    #[test]
    fn a_feature_remark_says_what_the_tracer_needs_beyond_the_variable() {
        let mut ruby = Config::for_language(Language::Ruby);
        assert!((Question::RuntimeMetrics.row().remarks)(&ruby).is_empty());
        ruby.features.runtime_metrics = true;
        let remarks = (Question::RuntimeMetrics.row().remarks)(&ruby);
        assert!(
            matches!(&remarks[..], [Remark::Hint(h)] if h.contains("dogstatsd-ruby")),
            "{remarks:?}"
        );
    }

    #[test]
    fn a_tcp_flag_on_ec2_leaves_the_connection_open() {
        let config = Config::default();
        let tcp = Given::default().with(Field::Transport, "tcp");
        assert!(!Question::Connection.given_by(&tcp, &config));
        let uds = Given::default().with(Field::Transport, "uds");
        assert!(Question::Connection.given_by(&uds, &config));
        let language = Given::default().with(Field::Language, "go");
        assert!(Question::Language.given_by(&language, &config));
        assert!(!Question::Connection.given_by(&language, &config));
        assert_eq!(Question::Connection.flag(), "--transport/--imds");
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
