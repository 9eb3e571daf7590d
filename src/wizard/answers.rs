//! The answers as a front end collects them: the [`Config`] they make, the
//! text typed into each field (valid or not), which list answer asks for
//! text, and what is wrong. Front ends call `select` and `set_text` and read
//! everything else from here, so they behave the same.
//!
//! The config only ever takes valid values: while a field holds invalid text
//! the config keeps the last good one, and [`Answers::blocked`] says which
//! artifacts that text would change, so that no front end shows, copies or
//! saves output that does not match what is on screen.

use super::question::{listed_version, listed_version_index, Kind, Link, Question};
use crate::cli::{Preset, UsageError};
use crate::core::model::config::{
    validate_app_name, validate_secret_arn, validate_startup_command, validate_tag,
    APP_IMAGE_PLACEHOLDER, SITES,
};
use crate::core::{render, Artifact, Config, ConfigError, Field, LaunchType};
use crate::output::safe::printable;

/// The message while "another version…" has nothing typed yet.
pub const TYPE_A_VERSION: &str = "type a version, e.g. 7.17.1";
/// The message while "secret ARN…" has nothing typed yet.
pub const TYPE_AN_ARN: &str = "paste the secret's ARN, or choose \"placeholder, I'll fill it in\"";

#[derive(Debug, Clone)]
pub struct Answers {
    config: Config,
    preset: Preset,
    /// What each text-taking question's field holds, by question index.
    texts: [String; Question::ALL.len()],
    /// For a choice-or-text question: its typed answer is the chosen one.
    typed: [bool; Question::ALL.len()],
    /// Each question whose answer is not usable, with why; kept up to date
    /// by every change.
    problems: Vec<(Question, String)>,
    /// For each question in `problems`, the artifacts its answer changes,
    /// for the config it was worked out for.
    affected: Vec<(Question, Vec<Artifact>)>,
    affected_for: Option<Config>,
}

impl Answers {
    /// The answers the flags give, checked (a bad flag is a usage error
    /// naming it), with defaults for the rest.
    pub fn from_preset(preset: &Preset) -> Result<Answers, UsageError> {
        let config = preset.to_config()?;
        Ok(Answers::new(config, preset.clone()))
    }

    /// Answers starting from `config`; `preset` says which were given as
    /// flags.
    pub fn new(config: Config, preset: Preset) -> Answers {
        let mut texts: [String; Question::ALL.len()] = Default::default();
        let mut typed = [false; Question::ALL.len()];
        if listed_version_index(&config.agent_version).is_none() {
            texts[Question::AgentVersion.index()] = config.agent_version.to_string();
            typed[Question::AgentVersion.index()] = true;
        }
        texts[Question::StartupCommand.index()].clone_from(&config.startup_command);
        texts[Question::AppName.index()].clone_from(&config.app_name);
        if config.app_image != APP_IMAGE_PLACEHOLDER {
            texts[Question::AppImage.index()].clone_from(&config.app_image);
        }
        for (q, tag) in [
            (Question::Service, &config.tags.service),
            (Question::Env, &config.tags.env),
            (Question::ServiceVersion, &config.tags.version),
        ] {
            texts[q.index()] = tag.clone().unwrap_or_default();
        }
        if let Some(arn) = &config.api_key_secret_arn {
            texts[Question::ApiKey.index()].clone_from(arn);
            typed[Question::ApiKey.index()] = true;
        }
        let mut answers = Answers {
            config,
            preset,
            texts,
            typed,
            problems: Vec::new(),
            affected: Vec::new(),
            affected_for: None,
        };
        answers.refresh();
        answers
    }

    pub fn config(&self) -> &Config {
        &self.config
    }

    /// The flag that answered `q`, when one did.
    pub fn given_by(&self, q: Question) -> Option<&'static str> {
        let p = &self.preset;
        let given = match q {
            Question::LaunchType => p.launch_type.is_some(),
            Question::AgentVersion => p.agent_version.is_some(),
            Question::Language => p.language.is_some(),
            Question::Connection => {
                p.imds.is_some()
                    || p.transport.is_some_and(|t| {
                        t == crate::core::Transport::Uds
                            || self.config.launch_type != LaunchType::Ec2
                    })
            }
            Question::StartupCommand => p.startup_command.is_some(),
            Question::AppName => p.app_name.is_some(),
            Question::AppImage => p.app_image.is_some(),
            Question::Service => p.service.is_some(),
            Question::Env => p.env.is_some(),
            Question::ServiceVersion => p.service_version.is_some(),
            Question::Site => p.site.is_some(),
            Question::ApiKey => p.api_key_secret_arn.is_some(),
        };
        given.then(|| q.flag())
    }

    /// Why `q` does not apply to the answers so far, when it does not.
    pub fn not_needed(&self, q: Question) -> Option<&'static str> {
        q.not_needed(&self.config)
    }

    /// The links offered: those of the launch type, narrowed to the
    /// transport a flag gave.
    fn links(&self) -> Vec<Link> {
        let all = Link::offered(self.config.launch_type);
        let narrowed: Vec<Link> = all
            .iter()
            .copied()
            .filter(|l| self.preset.transport.is_none_or(|t| l.transport() == t))
            .collect();
        if narrowed.is_empty() {
            all
        } else {
            narrowed
        }
    }

    /// The choices of a list question, as offered now.
    pub fn choices(&self, q: Question) -> Vec<super::question::Choice> {
        if q == Question::Connection {
            let mut choices = q.choices(&self.config);
            let offered = Link::offered(self.config.launch_type);
            let keep = self.links();
            let mut i = 0;
            choices.retain(|_| {
                let kept = keep.contains(&offered[i]);
                i += 1;
                kept
            });
            return choices;
        }
        q.choices(&self.config)
    }

    /// The index of the current answer among [`choices`](Self::choices).
    pub fn selected(&self, q: Question) -> usize {
        let c = &self.config;
        match q {
            Question::LaunchType => LaunchType::ALL
                .iter()
                .position(|t| *t == c.launch_type)
                .unwrap_or(0),
            Question::AgentVersion if self.is_typed(q) => 3,
            Question::AgentVersion => listed_version_index(&c.agent_version).unwrap_or(0),
            Question::Language => crate::core::Language::ALL
                .iter()
                .position(|l| *l == c.language)
                .unwrap_or(0),
            Question::Connection => self
                .links()
                .iter()
                .position(|l| *l == Link::of(c))
                .unwrap_or(0),
            Question::Site => SITES.iter().position(|s| *s == c.site).unwrap_or(0),
            Question::ApiKey => usize::from(!self.is_typed(q)),
            _ => 0,
        }
    }

    /// Chooses the `index`th choice of `q` (clamped to the list).
    pub fn select(&mut self, q: Question, index: usize) {
        let count = self.choices(q).len();
        let index = index.min(count.saturating_sub(1));
        match q {
            Question::LaunchType => {
                let launch_type = LaunchType::ALL[index];
                if launch_type != self.config.launch_type {
                    self.config.launch_type = launch_type;
                    self.config.transport = self
                        .preset
                        .transport
                        .unwrap_or(launch_type.default_transport());
                }
            }
            Question::AgentVersion => match listed_version(index) {
                Some(version) => {
                    self.typed[q.index()] = false;
                    self.config.agent_version = version;
                }
                None => {
                    self.typed[q.index()] = true;
                    self.take_text(q);
                }
            },
            Question::Language => {
                let language = crate::core::Language::ALL[index];
                let old = self.config.language;
                let command = &mut self.texts[Question::StartupCommand.index()];
                // A command the user never edited follows the language.
                if language != old && command == old.default_startup_command() {
                    *command = language.default_startup_command().to_owned();
                }
                self.config.language = language;
                self.take_text(Question::StartupCommand);
            }
            Question::Connection => {
                if let Some(link) = self.links().get(index) {
                    link.apply(&mut self.config);
                }
            }
            Question::Site => self.config.site = SITES[index].to_owned(),
            Question::ApiKey => {
                self.typed[q.index()] = index == 0;
                if index == 0 {
                    self.take_text(q);
                } else {
                    self.config.api_key_secret_arn = None;
                }
            }
            _ => {}
        }
        self.refresh();
    }

    /// Whether `q` takes text right now: a text question, or a list whose
    /// chosen answer is typed.
    pub fn wants_text(&self, q: Question) -> bool {
        match q.kind() {
            Kind::Text => true,
            Kind::ChoiceOrText => self.is_typed(q),
            Kind::Choice => false,
        }
    }

    fn is_typed(&self, q: Question) -> bool {
        self.typed[q.index()]
    }

    /// What `q`'s field holds.
    pub fn text(&self, q: Question) -> &str {
        &self.texts[q.index()]
    }

    /// Puts `text` in `q`'s field; the config takes it when it is valid.
    pub fn set_text(&mut self, q: Question, text: &str) {
        if self.texts[q.index()] == text {
            return;
        }
        text.clone_into(&mut self.texts[q.index()]);
        self.take_text(q);
        self.refresh();
    }

    /// Whether `text` would be a usable answer to `q` on its own (what a
    /// line prompt checks before taking it).
    pub fn check_text(&self, q: Question, text: &str) -> Result<(), String> {
        let mut scratch = self.config.clone();
        text_into(q, text, &mut scratch)
    }

    /// Copies `q`'s text into the config when it is a valid answer.
    fn take_text(&mut self, q: Question) {
        let mut candidate = self.config.clone();
        if text_into(q, &self.texts[q.index()], &mut candidate).is_ok() {
            self.config = candidate;
        }
    }

    /// Why the answer to `q` cannot be used, when it cannot.
    pub fn problem(&self, q: Question) -> Option<&str> {
        self.problems
            .iter()
            .find(|(p, _)| *p == q)
            .map(|(_, why)| why.as_str())
    }

    /// Every unusable answer, in question order.
    pub fn problems(&self) -> &[(Question, String)] {
        &self.problems
    }

    /// Answers that are each valid but do not fit together, charged to the
    /// question the core names.
    pub fn conflict(&self) -> Option<(Question, String)> {
        self.config
            .validate()
            .err()
            .map(|e| (question_of(&e), e.to_string()))
    }

    /// Why `artifact` cannot be shown or used now: an answer it depends on
    /// is not valid, or the answers conflict.
    pub fn blocked(&self, artifact: Artifact) -> Option<String> {
        let affects = |q: Question| {
            self.affected
                .iter()
                .find(|(a, _)| *a == q)
                .is_none_or(|(_, artifacts)| artifacts.contains(&artifact))
        };
        self.problems
            .iter()
            .find(|(q, _)| affects(*q))
            .map(|(q, why)| format!("{}: {why}", q.label()))
    }

    /// Works out the problems, and what each one blocks.
    fn refresh(&mut self) {
        let mut problems = Vec::new();
        let conflict = self.conflict();
        for q in Question::ALL {
            if self.not_needed(q).is_some() {
                continue;
            }
            let text_problem = if self.wants_text(q) {
                self.check_text(q, &self.texts[q.index()]).err()
            } else {
                None
            };
            let why = text_problem.or_else(|| {
                conflict
                    .as_ref()
                    .filter(|(cq, _)| *cq == q)
                    .map(|(_, why)| why.clone())
            });
            if let Some(why) = why {
                problems.push((q, why));
            }
        }
        if self.affected_for.as_ref() != Some(&self.config) {
            self.affected.clear();
            self.affected_for = Some(self.config.clone());
        }
        for (q, _) in &problems {
            // A conflict blocks everything: no entry means "all".
            let is_conflict = conflict.as_ref().is_some_and(|(cq, _)| cq == q);
            if is_conflict || self.affected.iter().any(|(a, _)| a == q) {
                continue;
            }
            let artifacts = artifacts_changed_by(*q, &self.config);
            self.affected.push((*q, artifacts));
        }
        if let Some((cq, _)) = &conflict {
            self.affected.retain(|(q, _)| q != cq);
        }
        self.problems = problems;
    }

    /// The current answer to `q` as text to show (control characters made
    /// visible).
    pub fn answer(&self, q: Question) -> String {
        let c = &self.config;
        let text = match q {
            Question::LaunchType => c.launch_type.label().to_owned(),
            Question::AgentVersion if self.problem(q).is_some() && self.is_typed(q) => {
                self.text(q).to_owned()
            }
            Question::AgentVersion if c.agent_version.is_legacy() => {
                format!("{} (+ the 2 APM env vars)", c.agent_version)
            }
            Question::AgentVersion => c.agent_version.to_string(),
            Question::Language => c.language.label().to_owned(),
            Question::Connection => Link::of(c).label().to_owned(),
            Question::StartupCommand => c.startup_command.clone(),
            Question::AppName => c.app_name.clone(),
            Question::AppImage => c.app_image.clone(),
            Question::Service => tag(&c.tags.service),
            Question::Env => tag(&c.tags.env),
            Question::ServiceVersion => tag(&c.tags.version),
            Question::Site => c.site.clone(),
            Question::ApiKey => match &c.api_key_secret_arn {
                Some(arn) => arn.clone(),
                None => format!(
                    "placeholder {}",
                    crate::core::model::datadog::API_KEY_PLACEHOLDER
                ),
            },
        };
        printable(&text).into_owned()
    }

    /// Whether the answer to `q` leaves a placeholder in the files.
    pub fn is_placeholder(&self, q: Question) -> bool {
        match q {
            Question::AppImage => self.config.app_image == APP_IMAGE_PLACEHOLDER,
            Question::ApiKey => self.config.api_key_secret_arn.is_none(),
            _ => false,
        }
    }

    /// The answers as flags: `generate` with this preset gives what the
    /// wizard shows.
    pub fn to_preset(&self) -> Preset {
        let c = &self.config;
        let wraps = c.wraps_entrypoint();
        Preset {
            launch_type: Some(c.launch_type),
            transport: Some(c.transport),
            language: Some(c.language),
            imds: wraps.then_some(c.imds),
            agent_version: Some(c.agent_version.clone()),
            startup_command: wraps.then(|| c.startup_command.clone()),
            app_name: Some(c.app_name.clone()),
            app_image: Some(c.app_image.clone()),
            service: c.tags.service.clone(),
            env: c.tags.env.clone(),
            service_version: c.tags.version.clone(),
            site: Some(c.site.clone()),
            api_key_secret_arn: c.api_key_secret_arn.clone(),
        }
    }
}

fn tag(value: &Option<String>) -> String {
    value.clone().unwrap_or_else(|| "unset".to_owned())
}

/// Checks `text` as the answer to `q` and writes it into `config`.
fn text_into(q: Question, text: &str, config: &mut Config) -> Result<(), String> {
    let message = |e: ConfigError| e.to_string();
    let optional_tag = |field: Field, target: &mut Option<String>| -> Result<(), String> {
        if text.is_empty() {
            *target = None;
        } else {
            validate_tag(field, text).map_err(message)?;
            *target = Some(text.to_owned());
        }
        Ok(())
    };
    match q {
        Question::AgentVersion if text.is_empty() => return Err(TYPE_A_VERSION.to_owned()),
        Question::AgentVersion => config.agent_version = text.parse().map_err(message)?,
        Question::StartupCommand => {
            validate_startup_command(text).map_err(message)?;
            text.clone_into(&mut config.startup_command);
        }
        Question::AppName => {
            validate_app_name(text).map_err(message)?;
            text.clone_into(&mut config.app_name);
        }
        Question::AppImage if text.is_empty() => {
            APP_IMAGE_PLACEHOLDER.clone_into(&mut config.app_image);
        }
        Question::AppImage => {
            // The same rule as the core's check of --app-image.
            if text.chars().any(char::is_whitespace) {
                return Err(ConfigError::Invalid {
                    field: Field::AppImage,
                    value: text.to_owned(),
                    expected: "an image reference without spaces".to_owned(),
                }
                .to_string());
            }
            text.clone_into(&mut config.app_image);
        }
        Question::Service => optional_tag(Field::Service, &mut config.tags.service)?,
        Question::Env => optional_tag(Field::Env, &mut config.tags.env)?,
        Question::ServiceVersion => optional_tag(Field::ServiceVersion, &mut config.tags.version)?,
        Question::ApiKey if text.is_empty() => return Err(TYPE_AN_ARN.to_owned()),
        Question::ApiKey => {
            validate_secret_arn(text).map_err(message)?;
            config.api_key_secret_arn = Some(text.to_owned());
        }
        Question::LaunchType | Question::Language | Question::Connection | Question::Site => {}
    }
    Ok(())
}

/// The question a core validation error is about.
fn question_of(error: &ConfigError) -> Question {
    match error.field() {
        Field::Transport | Field::Imds => Question::Connection,
        Field::AgentVersion => Question::AgentVersion,
        Field::Language => Question::Language,
        Field::StartupCommand => Question::StartupCommand,
        Field::AppName => Question::AppName,
        Field::AppImage => Question::AppImage,
        Field::Site => Question::Site,
        Field::ApiKeySecretArn => Question::ApiKey,
        Field::Service => Question::Service,
        Field::Env => Question::Env,
        Field::ServiceVersion => Question::ServiceVersion,
        Field::LaunchType | Field::Artifact => Question::LaunchType,
    }
}

/// The artifacts whose text depends on the answer to `q`.
fn artifacts_changed_by(q: Question, config: &Config) -> Vec<Artifact> {
    let alternative = q.alternative(config);
    Artifact::ALL
        .into_iter()
        .filter(|a| render(config, *a).ok() != render(&alternative, *a).ok())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::{AgentVersion, Imds, Language, Transport};

    fn answers() -> Answers {
        Answers::from_preset(&Preset::default()).unwrap()
    }

    #[test]
    fn accepting_every_default_is_the_default_config() {
        let a = answers();
        assert_eq!(*a.config(), Config::default());
        assert!(a.problems().is_empty());
        for q in Question::ALL {
            if a.choices(q).is_empty() {
                continue;
            }
            let mut b = a.clone();
            b.select(q, a.selected(q));
            assert_eq!(b.config(), a.config(), "{q:?}");
        }
    }

    #[test]
    fn another_version_starts_empty_and_blocks_only_the_agent() {
        let mut a = answers();
        a.select(Question::AgentVersion, 3);
        assert_eq!(a.text(Question::AgentVersion), "");
        assert_eq!(a.problem(Question::AgentVersion), Some(TYPE_A_VERSION));
        assert_eq!(a.config().agent_version, AgentVersion::Latest);
        let blocked = a.blocked(Artifact::AgentContainer).unwrap();
        assert_eq!(blocked, format!("Agent version: {TYPE_A_VERSION}"));
        assert_eq!(a.blocked(Artifact::AppContainer), None);
        a.set_text(Question::AgentVersion, "7.15.2");
        assert_eq!(a.config().agent_version, "7.15.2".parse().unwrap());
        assert!(a.problems().is_empty());
        assert_eq!(a.blocked(Artifact::AgentContainer), None);
        a.set_text(Question::AgentVersion, "7.177.15.2");
        assert!(a
            .problem(Question::AgentVersion)
            .unwrap()
            .contains("invalid agent version"));
        assert!(a.blocked(Artifact::AgentTaskDefinition).is_some());
    }

    #[test]
    fn an_invalid_tag_blocks_the_app_not_the_agent() {
        let mut a = answers();
        a.set_text(Question::Env, "prod eu");
        assert!(a
            .blocked(Artifact::AppContainer)
            .unwrap()
            .starts_with("Env: invalid env"));
        assert!(a.blocked(Artifact::AppTaskDefinition).is_some());
        assert_eq!(a.blocked(Artifact::AgentContainer), None);
        a.set_text(Question::Env, "");
        assert_eq!(a.config().tags.env, None);
        assert!(a.problems().is_empty());
    }

    #[test]
    fn the_socket_with_an_old_agent_is_a_conflict_that_blocks_everything() {
        let mut a = answers();
        a.select(Question::AgentVersion, 3);
        a.set_text(Question::AgentVersion, "6.12");
        a.select(Question::Connection, 1);
        assert_eq!(a.config().transport, Transport::Uds);
        let (q, why) = a.conflict().unwrap();
        assert_eq!(q, Question::AgentVersion);
        assert!(
            why.contains("do not listen on the APM Unix socket"),
            "{why}"
        );
        assert!(a.problem(Question::AgentVersion).is_some());
        assert!(a.blocked(Artifact::Apache).is_some());
        a.select(Question::Connection, 0);
        assert!(a.problems().is_empty());
    }

    #[test]
    fn the_language_brings_its_command_unless_it_was_edited() {
        let mut a = answers();
        a.select(Question::Language, 1);
        assert_eq!(
            a.text(Question::StartupCommand),
            Language::Nodejs.default_startup_command()
        );
        a.set_text(Question::StartupCommand, "node server.js --port 8080");
        a.select(Question::Language, 2);
        assert_eq!(a.config().startup_command, "node server.js --port 8080");
    }

    #[test]
    fn launch_types_bring_their_transport_and_links() {
        let mut a = answers();
        a.select(Question::LaunchType, 2);
        assert_eq!(a.config().transport, Transport::Uds);
        assert!(a.not_needed(Question::Connection).is_some());
        assert!(a.not_needed(Question::StartupCommand).is_some());
        a.select(Question::LaunchType, 1);
        assert_eq!(a.config().transport, Transport::Tcp);
        let labels: Vec<&str> = a
            .choices(Question::Connection)
            .iter()
            .map(|c| c.label)
            .collect();
        assert_eq!(labels, ["localhost (TCP)", "Unix socket"]);
        a.select(Question::LaunchType, 0);
        a.select(Question::Connection, 3);
        assert_eq!(a.config().imds, Imds::MetadataFile);
    }

    #[test]
    fn a_transport_flag_narrows_the_connection_and_answers_it_where_it_decides() {
        let preset = Preset {
            transport: Some(Transport::Tcp),
            ..Preset::default()
        };
        let a = Answers::from_preset(&preset).unwrap();
        assert_eq!(a.choices(Question::Connection).len(), 4);
        assert_eq!(
            a.given_by(Question::Connection),
            None,
            "the IMDS source is still open"
        );
        let preset = Preset {
            transport: Some(Transport::Uds),
            ..Preset::default()
        };
        let a = Answers::from_preset(&preset).unwrap();
        assert_eq!(a.given_by(Question::Connection), Some("--transport/--imds"));
    }

    #[test]
    fn the_api_key_is_a_placeholder_until_an_arn_is_typed() {
        let mut a = answers();
        assert!(a.is_placeholder(Question::ApiKey));
        a.select(Question::ApiKey, 0);
        assert_eq!(a.problem(Question::ApiKey), Some(TYPE_AN_ARN));
        a.set_text(
            Question::ApiKey,
            "arn:aws:ssm:eu-west-1:123456789012:parameter/dd",
        );
        assert!(!a.is_placeholder(Question::ApiKey));
        assert!(a.problems().is_empty());
        a.select(Question::ApiKey, 1);
        assert_eq!(a.config().api_key_secret_arn, None);
        assert_eq!(
            a.text(Question::ApiKey),
            "arn:aws:ssm:eu-west-1:123456789012:parameter/dd"
        );
    }

    #[test]
    fn to_preset_gives_back_the_config() {
        let mut a = answers();
        a.select(Question::Language, 6);
        a.set_text(Question::AppName, "web");
        a.set_text(Question::AppImage, "nginx:1");
        a.set_text(Question::Service, "checkout");
        a.select(Question::Site, 3);
        assert_eq!(a.to_preset().to_config().unwrap(), *a.config());
        a.select(Question::Connection, 1);
        assert_eq!(a.to_preset().to_config().unwrap(), *a.config());
    }
}
