//! The answers as a front end collects them: the [`Config`] they make, the
//! text typed into each field (valid or not), which list answer asks for
//! text, and what is wrong. Front ends call `select` and `set_text` and read
//! everything else from here, so they behave the same.
//!
//! The config only ever takes valid values: while a field holds invalid text
//! the config keeps the last good one, and [`Answers::blocked`] says which
//! artifacts that text would change, so that no front end shows, copies or
//! saves output that does not match what is on screen.
//!
//! Nothing here knows a particular question: every behaviour comes from
//! the question's row.

use super::question::{Choice, Kind, Question};
use crate::core::model::error::ConfigError;
use crate::core::model::field::SETTINGS;
use crate::core::model::given::{Given, GivenError};
use crate::core::{render, Artifact, Config};
use crate::output::safe::printable;

#[derive(Debug, Clone)]
pub struct Answers {
    config: Config,
    /// What the flags gave: those answers stay as given whatever else
    /// changes.
    given: Given,
    /// What each text-taking question's field holds, by question index.
    texts: [String; Question::ALL.len()],
    /// For a choice-or-text question: its typed answer is the chosen one.
    typed: [bool; Question::ALL.len()],
    /// The user typed into the field: its text no longer follows the
    /// config (a new language brings its start command only until then).
    edited: [bool; Question::ALL.len()],
    /// Each question whose answer is not usable, with why; kept up to date
    /// by every change.
    problems: Vec<(Question, String)>,
    /// For each question in `problems`, the artifacts its answer changes,
    /// for the config it was worked out for.
    affected: Vec<(Question, Vec<Artifact>)>,
    affected_for: Option<Config>,
}

impl Answers {
    /// The answers the flags give, checked (a bad flag is an error naming
    /// it), with defaults for the rest.
    pub fn from_given(given: &Given) -> Result<Answers, GivenError> {
        let config = given.config()?;
        Ok(Answers::new(config, given.clone()))
    }

    /// Answers starting from `config`; `given` says which were given as
    /// flags.
    pub fn new(config: Config, given: Given) -> Answers {
        let mut texts: [String; Question::ALL.len()] = Default::default();
        let mut typed = [false; Question::ALL.len()];
        for q in Question::ALL {
            if let Some(text) = q.row().text {
                texts[q.index()] = (text.initial)(&config);
                typed[q.index()] = q.kind() == Kind::ChoiceOrText && (text.typed_in)(&config);
            }
        }
        let mut answers = Answers {
            config,
            given,
            texts,
            typed,
            edited: [false; Question::ALL.len()],
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

    pub fn given(&self) -> &Given {
        &self.given
    }

    /// The flags that answered `q`, when they did.
    pub fn given_by(&self, q: Question) -> Option<String> {
        q.given_by(&self.given, &self.config).then(|| q.flag())
    }

    /// Why `q` does not apply to the answers so far, when it does not.
    pub fn not_needed(&self, q: Question) -> Option<&'static str> {
        q.not_needed(&self.config)
    }

    /// The choices of a list question, as offered now.
    pub fn choices(&self, q: Question) -> Vec<Choice> {
        (q.row().choices)(&self.config, &self.given)
    }

    /// The index of the current answer among [`choices`](Self::choices).
    pub fn selected(&self, q: Question) -> usize {
        if self.is_typed(q) {
            if let Some(i) = self.choices(q).iter().position(|c| c.typed) {
                return i;
            }
        }
        (q.row().selected)(&self.config, &self.given)
    }

    /// Chooses the `index`th choice of `q` (clamped to the list).
    pub fn select(&mut self, q: Question, index: usize) {
        let choices = self.choices(q);
        let index = index.min(choices.len().saturating_sub(1));
        if choices.get(index).is_some_and(|c| c.typed) {
            self.typed[q.index()] = true;
            self.take_text(q);
        } else {
            self.typed[q.index()] = false;
            (q.row().select)(&mut self.config, &self.given, index);
            self.follow(q);
        }
        self.refresh();
    }

    /// After `q` changed the config: the flags' answers stay as given, and
    /// each text field either follows the config (never edited) or gives
    /// its text again (edited).
    fn follow(&mut self, q: Question) {
        for setting in SETTINGS {
            if q.row().fields.contains(&setting.field) {
                continue;
            }
            if let Some(text) = self.given.get(setting.field) {
                // Checked when the answers were made; a value that no longer
                // reads is left out rather than half applied.
                let mut candidate = self.config.clone();
                if (setting.set)(&mut candidate, text).is_ok() {
                    self.config = candidate;
                }
            }
        }
        for other in Question::ALL {
            let Some(text) = other.row().text else {
                continue;
            };
            if other == q {
                continue;
            }
            if self.edited[other.index()] {
                self.take_text(other);
            } else if !self.is_typed(other) {
                self.texts[other.index()] = (text.initial)(&self.config);
            }
        }
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
        self.edited[q.index()] = true;
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
    /// visible): what is typed while it is not usable, else the config's.
    pub fn answer(&self, q: Question) -> String {
        let text = if self.problem(q).is_some() && self.wants_text(q) {
            self.text(q).to_owned()
        } else {
            (q.row().answer)(&self.config)
        };
        printable(&text).into_owned()
    }

    /// Whether the answer to `q` leaves a placeholder in the files.
    pub fn is_placeholder(&self, q: Question) -> bool {
        (q.row().placeholder)(&self.config)
    }
}

/// Checks `text` as the answer to `q` and writes it into `config`, with the
/// reader of the setting it gives.
fn text_into(q: Question, text: &str, config: &mut Config) -> Result<(), String> {
    let Some(answer) = q.row().text else {
        return Ok(());
    };
    if text.is_empty() {
        if let Some(why) = answer.refuse_empty {
            return Err(why.to_owned());
        }
    }
    let setting = answer
        .field
        .setting()
        .expect("a text answer names a setting (tested)");
    (setting.set)(config, text).map_err(|e: ConfigError| e.to_string())
}

/// The question a core validation error is about: the one whose row gives
/// the setting the error names.
fn question_of(error: &ConfigError) -> Question {
    let field = error.field();
    Question::ALL
        .into_iter()
        .find(|q| q.row().fields.contains(&field))
        .unwrap_or(Question::LaunchType)
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
    use crate::core::model::field::Field;
    use crate::core::{AgentVersion, Imds, Language, Transport};

    const TYPE_A_VERSION: &str = "type a version, e.g. 7.17.1";
    const TYPE_AN_ARN: &str = "paste the secret's ARN, or choose \"placeholder, I'll fill it in\"";

    fn answers() -> Answers {
        Answers::from_given(&Given::default()).unwrap()
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
            Language::Nodejs.default_startup_command(a.config().tracer)
        );
        a.set_text(Question::StartupCommand, "node server.js --port 8080");
        a.select(Question::Language, 2);
        assert_eq!(a.config().startup_command, "node server.js --port 8080");
    }

    #[test]
    fn another_tracer_version_is_typed_and_blocks_what_it_changes() {
        let mut a = answers();
        a.select(Question::TracerVersion, 2);
        assert_eq!(
            a.problem(Question::TracerVersion),
            Some("type a version, e.g. 4.1.0")
        );
        assert!(a.blocked(Artifact::TracerInitContainer).is_some());
        assert_eq!(a.blocked(Artifact::AgentContainer), None);
        a.set_text(Question::TracerVersion, "4.1.0");
        assert_eq!(a.config().tracer_version, Some("v4.1.0".parse().unwrap()));
        assert!(a.problems().is_empty());
        a.select(Question::TracerVersion, 1);
        assert_eq!(a.config().tracer_version().image_tag(), "latest");
    }

    #[test]
    fn a_sample_rate_is_typed_and_checked() {
        let mut a = answers();
        a.select(Question::TraceSampleRate, 1);
        assert_eq!(
            a.problem(Question::TraceSampleRate),
            Some("type a rate from 0 to 1, e.g. 0.25")
        );
        a.set_text(Question::TraceSampleRate, "2");
        assert!(a.problem(Question::TraceSampleRate).is_some());
        a.set_text(Question::TraceSampleRate, "0.25");
        assert!(a.problems().is_empty());
        assert_eq!(
            a.config().features.sample_rate.as_ref().map(|r| r.as_str()),
            Some("0.25")
        );
        a.select(Question::TraceSampleRate, 0);
        assert_eq!(a.config().features.sample_rate, None);
    }

    #[test]
    fn ruby_on_alpine_is_a_conflict_on_the_base_image_unless_built_in() {
        let mut a = answers();
        a.select(Question::Language, 2);
        assert_eq!(a.config().language, Language::Ruby);
        a.select(Question::BaseImage, 1);
        let (q, why) = a.conflict().unwrap();
        assert_eq!(q, Question::BaseImage);
        assert!(why.contains("does not support musl"), "{why}");
        a.select(Question::Tracer, 1);
        assert!(a.conflict().is_none());
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
        let a = Answers::from_given(&Given::default().with(Field::Transport, "tcp")).unwrap();
        assert_eq!(a.choices(Question::Connection).len(), 4);
        assert_eq!(
            a.given_by(Question::Connection),
            None,
            "the IMDS source is still open"
        );
        let a = Answers::from_given(&Given::default().with(Field::Transport, "uds")).unwrap();
        assert_eq!(
            a.given_by(Question::Connection).as_deref(),
            Some("--transport/--imds")
        );
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
    fn a_key_typed_for_its_secret_is_answered_with_the_command_that_stores_it() {
        let mut a = answers();
        a.select(Question::ApiKey, 0);
        a.set_text(Question::ApiKey, "0123456789abcdef0123456789abcdef");
        let problem = a.problem(Question::ApiKey).expect("a key is not an ARN");
        assert!(
            problem.contains("aws secretsmanager create-secret"),
            "{problem}"
        );
        assert!(!problem.contains("0123456789abcdef"), "{problem}");
    }

    #[test]
    fn a_given_transport_survives_a_new_launch_type() {
        let mut a = Answers::from_given(&Given::default().with(Field::Transport, "uds")).unwrap();
        a.select(Question::LaunchType, 1);
        assert_eq!(a.config().transport, Transport::Uds);
        a.select(Question::LaunchType, 0);
        assert_eq!(a.config().transport, Transport::Uds);
    }

    #[test]
    fn a_given_startup_command_survives_a_new_language() {
        let given = Given::default().with(Field::StartupCommand, "python -m app");
        let mut a = Answers::from_given(&given).unwrap();
        a.select(Question::Language, 1);
        assert_eq!(a.config().startup_command, "python -m app");
        assert_eq!(a.text(Question::StartupCommand), "python -m app");
    }
}
