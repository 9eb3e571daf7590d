//! Everything the wizard knows between two key presses. The [`Config`] is the
//! single source of truth for answers; list selections are read from it, and
//! text fields write into it whenever what they hold is valid.

use std::path::PathBuf;

use ratatui::layout::Size;

use super::keys::Context;
use super::preview::{Preview, Tab};
use super::strings;
use super::text_input::TextInput;
use super::theme::Theme;
use crate::cli::Preset;
use crate::core::config::{validate_startup_command, validate_tag};
use crate::core::{AgentVersion, Config, Imds, Language};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    AgentVersion,
    Language,
    Imds,
    StartupCommand,
    Tags,
    Review,
}

impl Step {
    pub const ALL: [Step; 6] = [
        Step::AgentVersion,
        Step::Language,
        Step::Imds,
        Step::StartupCommand,
        Step::Tags,
        Step::Review,
    ];

    pub fn index(self) -> usize {
        Step::ALL.iter().position(|s| *s == self).unwrap_or(0)
    }

    pub fn title(self) -> &'static str {
        match self {
            Step::AgentVersion => "Agent version",
            Step::Language => "Language",
            Step::Imds => "IMDS version",
            Step::StartupCommand => "Startup command",
            Step::Tags => "Tags",
            Step::Review => "Review",
        }
    }

    pub fn short_title(self) -> &'static str {
        match self {
            Step::AgentVersion => "Agent",
            Step::Language => "Language",
            Step::Imds => "IMDS",
            Step::StartupCommand => "Command",
            Step::Tags => "Tags",
            Step::Review => "Review",
        }
    }

    pub fn question(self) -> &'static str {
        match self {
            Step::AgentVersion => strings::Q_AGENT,
            Step::Language => strings::Q_LANGUAGE,
            Step::Imds => strings::Q_IMDS,
            Step::StartupCommand => strings::Q_COMMAND,
            Step::Tags => strings::Q_TAGS,
            Step::Review => strings::Q_REVIEW,
        }
    }

    pub fn next(self) -> Option<Step> {
        Step::ALL.get(self.index() + 1).copied()
    }

    pub fn prev(self) -> Option<Step> {
        self.index().checked_sub(1).map(|i| Step::ALL[i])
    }

    /// The preview tab that shows what this step's answer changes.
    pub fn suggested_tab(self) -> Option<Tab> {
        match self {
            Step::AgentVersion => Some(Tab::AgentContainer),
            Step::Language | Step::Tags => Some(Tab::AppContainer),
            Step::Imds | Step::StartupCommand => Some(Tab::Script),
            Step::Review => None,
        }
    }
}

/// The agent version answers offered as a list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AgentChoice {
    Latest,
    Major7,
    Legacy,
    Other,
}

impl AgentChoice {
    pub const ALL: [AgentChoice; 4] = [
        AgentChoice::Latest,
        AgentChoice::Major7,
        AgentChoice::Legacy,
        AgentChoice::Other,
    ];

    pub fn label_and_hint(self) -> (&'static str, &'static str) {
        match self {
            AgentChoice::Latest => strings::AGENT_LATEST,
            AgentChoice::Major7 => strings::AGENT_MAJOR_7,
            AgentChoice::Legacy => strings::AGENT_LEGACY,
            AgentChoice::Other => strings::AGENT_OTHER,
        }
    }

    pub fn why(self) -> &'static str {
        match self {
            AgentChoice::Latest => strings::AGENT_LATEST_WHY,
            AgentChoice::Major7 => strings::AGENT_MAJOR_7_WHY,
            AgentChoice::Legacy => strings::AGENT_LEGACY_WHY,
            AgentChoice::Other => strings::AGENT_OTHER_WHY,
        }
    }

    /// The version a fixed choice stands for; `Other` is typed.
    pub fn version(self) -> Option<AgentVersion> {
        match self {
            AgentChoice::Latest => Some(AgentVersion::Latest),
            AgentChoice::Major7 => Some(AgentVersion::Version {
                major: 7,
                minor: None,
                patch: None,
            }),
            AgentChoice::Legacy => Some(AgentVersion::Version {
                major: 7,
                minor: Some(17),
                patch: None,
            }),
            AgentChoice::Other => None,
        }
    }

    pub fn for_version(version: &AgentVersion) -> AgentChoice {
        AgentChoice::ALL
            .into_iter()
            .find(|c| c.version().as_ref() == Some(version))
            .unwrap_or(AgentChoice::Other)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SaveDialog {
    pub dir: TextInput,
    /// Files that exist already, while the overwrite question is open.
    pub overwrite: Option<Vec<PathBuf>>,
    pub error: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Overlay {
    Help { scroll: usize },
    Save(SaveDialog),
    ConfirmQuit,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatusKind {
    Info,
    Error,
}

/// A message in the status line. `serial` changes with every new message,
/// so the event loop can time each one out on its own.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Status {
    pub text: String,
    pub kind: StatusKind,
    pub serial: u64,
}

#[derive(Debug, Clone)]
pub struct App {
    pub config: Config,
    pub step: Step,
    /// Steps seen or answered by a preset: drawn as done in the strip.
    pub visited: [bool; 6],
    pub agent_choice: AgentChoice,
    pub agent_input: TextInput,
    pub command: TextInput,
    pub tags: [TextInput; 3],
    pub tag_focus: usize,
    pub preview: Preview,
    pub overlay: Option<Overlay>,
    pub status: Option<Status>,
    status_serial: u64,
    /// The directory the save dialog offers.
    pub save_dir: String,
    /// Every file written this session, printed after the terminal is
    /// restored.
    pub saved: Vec<PathBuf>,
    last_saved: Option<Config>,
    /// Whether the user did anything worth asking about before quitting.
    touched: bool,
    pub theme: Theme,
    /// The terminal size, for scroll limits and page sizes.
    pub size: Size,
    pub quit: bool,
}

impl App {
    /// A wizard for `config`; steps a preset answered are marked done and
    /// the first unanswered step is shown (Review when all are).
    pub fn new(config: Config, answered: [bool; 6], theme: Theme) -> App {
        let step = Step::ALL
            .into_iter()
            .find(|s| !answered[s.index()])
            .unwrap_or(Step::Review);
        let mut visited = answered;
        visited[step.index()] = true;
        let agent_choice = AgentChoice::for_version(&config.agent_version);
        let agent_input = TextInput::new(&if agent_choice == AgentChoice::Other {
            config.agent_version.to_string()
        } else {
            String::new()
        });
        let tag = |v: &Option<String>| TextInput::new(v.as_deref().unwrap_or(""));
        let tags = [
            tag(&config.tags.service),
            tag(&config.tags.env),
            tag(&config.tags.version),
        ];
        App {
            command: TextInput::new(&config.startup_command),
            preview: Preview::new(&config, step.suggested_tab().unwrap_or(Tab::TaskDefinition)),
            config,
            step,
            visited,
            agent_choice,
            agent_input,
            tags,
            tag_focus: 0,
            overlay: None,
            status: None,
            status_serial: 0,
            save_dir: strings::DEFAULT_SAVE_DIR.to_owned(),
            saved: Vec::new(),
            last_saved: None,
            touched: false,
            theme,
            size: Size::new(100, 30),
            quit: false,
        }
    }

    /// The wizard pre-filled from command-line presets; a bad preset value
    /// is an error naming its flag.
    pub fn from_preset(preset: &Preset, theme: Theme) -> Result<App, crate::cli::UsageError> {
        let config = preset.to_config()?;
        Ok(App::new(config, answered_by(preset), theme))
    }

    pub fn context(&self) -> Context {
        match &self.overlay {
            Some(Overlay::Help { .. }) => Context::Help,
            Some(Overlay::Save(dialog)) if dialog.overwrite.is_some() => Context::Confirm,
            Some(Overlay::Save(_)) => Context::SaveDialog,
            Some(Overlay::ConfirmQuit) => Context::Confirm,
            None if self.step_has_field(self.step) => Context::Text,
            None => Context::Choice,
        }
    }

    pub fn step_has_field(&self, step: Step) -> bool {
        match step {
            Step::AgentVersion => self.agent_choice == AgentChoice::Other,
            Step::StartupCommand | Step::Tags => true,
            Step::Language | Step::Imds | Step::Review => false,
        }
    }

    /// Why the answer on `step` cannot be used yet, if it cannot.
    pub fn problem(&self, step: Step) -> Option<String> {
        match step {
            Step::AgentVersion if self.agent_choice == AgentChoice::Other => {
                let typed = self.agent_input.text();
                if typed.is_empty() {
                    Some(strings::AGENT_TYPE_A_VERSION.to_owned())
                } else {
                    typed.parse::<AgentVersion>().err().map(|e| e.to_string())
                }
            }
            Step::StartupCommand => validate_startup_command(self.command.text())
                .err()
                .map(|e| e.to_string()),
            Step::Tags => self.tag_problems().into_iter().next().map(|(_, p)| p),
            _ => None,
        }
    }

    /// Each invalid tag field with its message.
    pub fn tag_problems(&self) -> Vec<(usize, String)> {
        self.tags
            .iter()
            .enumerate()
            .filter(|(_, t)| !t.text().is_empty())
            .filter_map(|(i, t)| {
                validate_tag(strings::TAG_WHAT[i], t.text())
                    .err()
                    .map(|e| (i, e.to_string()))
            })
            .collect()
    }

    /// The first step whose answer is not usable, with the reason.
    pub fn first_problem(&self) -> Option<(Step, String)> {
        Step::ALL
            .into_iter()
            .find_map(|s| self.problem(s).map(|p| (s, p)))
    }

    /// Copies valid field contents into the config. Invalid text stays in
    /// its field (with its message on screen) and the config keeps the last
    /// good value, so the preview never shows something `generate` would
    /// refuse.
    pub fn sync_fields(&mut self) {
        if self.agent_choice == AgentChoice::Other {
            if let Ok(version) = self.agent_input.text().parse() {
                self.config.agent_version = version;
            }
        } else if let Some(version) = self.agent_choice.version() {
            self.config.agent_version = version;
        }
        if validate_startup_command(self.command.text()).is_ok() {
            self.config.startup_command = self.command.text().to_owned();
        }
        let values: Vec<Option<String>> = self
            .tags
            .iter()
            .map(|t| (!t.text().is_empty()).then(|| t.text().to_owned()))
            .collect();
        let bad: Vec<usize> = self.tag_problems().into_iter().map(|(i, _)| i).collect();
        let targets = [
            &mut self.config.tags.service,
            &mut self.config.tags.env,
            &mut self.config.tags.version,
        ];
        for (i, target) in targets.into_iter().enumerate() {
            if !bad.contains(&i) {
                target.clone_from(&values[i]);
            }
        }
    }

    /// Picks a language; the startup command follows it unless the user
    /// changed it from the previous language's default.
    pub fn set_language(&mut self, language: Language) {
        let old = self.config.language;
        if old == language {
            return;
        }
        if self.command.text() == old.default_startup_command() {
            self.command.set(language.default_startup_command());
        }
        self.config.language = language;
        self.sync_fields();
    }

    pub fn set_imds(&mut self, imds: Imds) {
        self.config.imds = imds;
    }

    pub fn set_status(&mut self, text: impl Into<String>, kind: StatusKind) {
        self.status_serial += 1;
        self.status = Some(Status {
            text: text.into(),
            kind,
            serial: self.status_serial,
        });
    }

    pub fn touch(&mut self) {
        self.touched = true;
    }

    /// Answers exist that were never saved, or changed since the last save.
    pub fn has_unsaved_work(&self) -> bool {
        match &self.last_saved {
            Some(saved) => *saved != self.config,
            None => self.touched,
        }
    }

    pub fn mark_saved(&mut self, paths: Vec<PathBuf>) {
        self.last_saved = Some(self.config.clone());
        for path in paths {
            if !self.saved.contains(&path) {
                self.saved.push(path);
            }
        }
    }
}

/// Which steps the preset answers.
pub fn answered_by(preset: &Preset) -> [bool; 6] {
    [
        preset.agent_version.is_some(),
        preset.language.is_some(),
        preset.imds.is_some(),
        preset.startup_command.is_some(),
        preset.service.is_some() || preset.env.is_some() || preset.service_version.is_some(),
        false,
    ]
}
