//! Everything the wizard knows between two key presses. The answers are the
//! front-end-neutral [`Answers`]; this adds what only a screen has: the step
//! and field in focus, the text fields' cursors, the preview, dialogs, the
//! status line, and what the last frame laid out.

use std::cell::OnceCell;
use std::path::PathBuf;

use ratatui::layout::Rect;

use super::keys::{Action, Context};
use super::preview::{first_difference, Preview, Tab};
use super::strings;
use super::text_input::TextInput;
use super::theme::Theme;
use crate::core::model::given::{Given, GivenError};
use crate::core::Config;
use crate::wizard::{Answers, Kind, Question, Step};

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

/// What the last frame laid out, recorded by drawing for the next key:
/// paging and scroll limits need the sizes the user actually sees, and
/// `update` must not lay out a screen itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Drawn {
    /// The whole screen.
    pub screen: Rect,
    /// The preview's text area (the marker column included).
    pub preview: Rect,
    /// Help lines that do not fit, and the rows a page of help scrolls.
    pub help_max_scroll: usize,
    pub help_page: usize,
}

impl Default for Drawn {
    fn default() -> Self {
        Drawn {
            screen: Rect::new(0, 0, 100, 30),
            preview: Rect::default(),
            help_max_scroll: 0,
            help_page: 1,
        }
    }
}

/// What was saved last: shown again with the next steps on exit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Saved {
    pub config: Config,
    pub dir: String,
    pub paths: Vec<PathBuf>,
}

#[derive(Debug, Clone)]
pub struct App {
    pub answers: Answers,
    pub step: Step,
    /// The question being answered on this step; `None` on Review or when
    /// nothing on the step is needed.
    pub focus: Option<Question>,
    /// Steps seen or answered by a flag: drawn as done in the strip.
    pub visited: [bool; Step::ALL.len()],
    /// The text field of each question that takes text, by question index.
    pub inputs: [TextInput; Question::ALL.len()],
    pub preview: Preview,
    pub overlay: Option<Overlay>,
    pub status: Option<Status>,
    status_serial: u64,
    /// The directory the save dialog offers.
    pub save_dir: String,
    /// Every file written this session, printed after the terminal is
    /// restored.
    pub saved: Vec<PathBuf>,
    /// The last save, for the next steps on exit.
    pub last_save: Option<Saved>,
    /// Whether the user did anything worth asking about before quitting.
    touched: bool,
    pub theme: Theme,
    pub drawn: Drawn,
    /// A preview line to scroll to once the preview's width is known.
    target_line: Option<usize>,
    pub quit: bool,
    /// A long field whose latest text the answers have not taken yet: they
    /// take it, and the preview follows, once no key is waiting
    /// (`update::settle`), so a key in a 1 MiB field costs what it costs in
    /// a short one.
    pub untaken: Option<Question>,
    /// What each field's answer means, worked out the first time a frame
    /// shows it after the answers change: for the start command that
    /// parses the whole command, which no frame should redo.
    meanings: Vec<OnceCell<Option<Result<String, String>>>>,
}

impl App {
    /// A wizard for `answers`; steps whose questions all have an answer
    /// from a flag are marked done, and the first step with an open
    /// question is shown (Review when none is).
    pub fn new(answers: Answers, theme: Theme) -> App {
        let answered = |step: Step| {
            step.questions()
                .into_iter()
                .all(|q| answers.given_by(q).is_some() || answers.not_needed(q).is_some())
        };
        let step = Step::ALL
            .into_iter()
            .find(|s| *s != Step::Review && !answered(*s))
            .unwrap_or(Step::Review);
        let mut visited = [false; Step::ALL.len()];
        for s in Step::ALL {
            visited[s.index()] = s != Step::Review && answered(s);
        }
        visited[step.index()] = true;
        let inputs = Question::ALL.map(|q| TextInput::selected(answers.text(q)));
        let mut app = App {
            preview: Preview::new(&answers, Tab::AgentContainer),
            answers,
            step,
            focus: None,
            visited,
            inputs,
            overlay: None,
            status: None,
            status_serial: 0,
            save_dir: strings::DEFAULT_SAVE_DIR.to_owned(),
            saved: Vec::new(),
            last_save: None,
            touched: false,
            theme,
            drawn: Drawn::default(),
            target_line: None,
            quit: false,
            untaken: None,
            meanings: unknown_meanings(),
        };
        app.focus = app.open_questions(step).first().copied();
        app.show_where_the_step_acts();
        app
    }

    /// The wizard pre-filled with the flags' answers; a bad flag is an
    /// error naming it.
    pub fn from_given(given: &Given, theme: Theme) -> Result<App, GivenError> {
        Ok(App::new(Answers::from_given(given)?, theme))
    }

    pub fn config(&self) -> &Config {
        self.answers.config()
    }

    /// The questions of `step` that apply to the answers so far.
    pub fn open_questions(&self, step: Step) -> Vec<Question> {
        step.questions()
            .into_iter()
            .filter(|q| self.answers.not_needed(*q).is_none())
            .collect()
    }

    pub fn context(&self) -> Context {
        match &self.overlay {
            Some(Overlay::Help { .. }) => Context::Help,
            Some(Overlay::Save(dialog)) if dialog.overwrite.is_some() => Context::Confirm,
            Some(Overlay::Save(_)) => Context::SaveDialog,
            Some(Overlay::ConfirmQuit) => Context::Confirm,
            None if self.typing() => Context::Text,
            None => Context::Choice,
        }
    }

    /// Whether the focused question takes text now.
    pub fn typing(&self) -> bool {
        self.focus.is_some_and(|q| self.answers.wants_text(q))
    }

    /// The first problem on `step`, with its question.
    pub fn step_problem(&self, step: Step) -> Option<(Question, &str)> {
        step.questions()
            .into_iter()
            .find_map(|q| self.answers.problem(q).map(|p| (q, p)))
    }

    /// The first question whose answer is not usable, with the reason.
    pub fn first_problem(&self) -> Option<(Question, &str)> {
        self.answers
            .problems()
            .first()
            .map(|(q, why)| (*q, why.as_str()))
    }

    /// Text fields follow the answers where the model changed them (a new
    /// language brings its default command): the new text is selected.
    pub fn sync_inputs(&mut self) {
        for q in Question::ALL {
            if q.kind() != Kind::Choice && self.inputs[q.index()].text() != self.answers.text(q) {
                self.inputs[q.index()] = TextInput::selected(self.answers.text(q));
            }
        }
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

    /// What `q`'s answer means for the current answers (None where the
    /// question says nothing).
    pub fn meaning(&self, q: Question) -> Option<&Result<String, String>> {
        self.meanings[q.index()]
            .get_or_init(|| (q.row().meaning)(self.config()))
            .as_ref()
    }

    /// The answers changed: every meaning is worked out again when shown.
    pub fn forget_meanings(&mut self) {
        self.meanings = unknown_meanings();
    }

    /// Answers exist that were never saved, or changed since the last save.
    pub fn has_unsaved_work(&self) -> bool {
        match &self.last_save {
            Some(saved) => saved.config != *self.config(),
            None => self.touched,
        }
    }

    pub fn mark_saved(&mut self, dir: String, paths: Vec<PathBuf>) {
        for path in &paths {
            if !self.saved.contains(path) {
                self.saved.push(path.clone());
            }
        }
        self.last_save = Some(Saved {
            config: self.config().clone(),
            dir,
            paths,
        });
    }

    /// Text columns in the preview as last drawn: one column is the
    /// changed-line marker.
    pub fn preview_text_width(&self) -> usize {
        usize::from(self.drawn.preview.width.saturating_sub(1))
    }

    /// Rows a page of the preview scrolls.
    pub fn preview_page(&self) -> usize {
        usize::from(self.drawn.preview.height.saturating_sub(1)).max(1)
    }

    /// The largest useful scroll of the current tab, at the size last drawn.
    pub fn max_scroll(&self) -> usize {
        let rows = self.preview.rows(self.preview_text_width()).len();
        rows.saturating_sub(usize::from(self.drawn.preview.height))
    }

    /// Shows the tab where the focused question acts, scrolled to the
    /// first line a different answer would change (so entering a step
    /// brings what it changes into view).
    pub fn show_where_the_step_acts(&mut self) {
        let Some(q) = self.focus else {
            return;
        };
        let config = self.config().clone();
        let other = q.alternative(&config);
        let candidates = tabs_for(self.step)
            .iter()
            .copied()
            .chain(Tab::ALL)
            .filter(|t| self.preview.available(*t));
        let Some((tab, line)) = candidates
            .filter_map(|t| first_difference(t, &config, &other).map(|line| (t, line)))
            .next()
        else {
            return;
        };
        self.preview.tab = tab;
        self.preview.ensure(&self.answers);
        self.target_line = Some(line);
        self.scroll_to_target();
    }

    /// Scrolls to the target line, with two rows of context above it, once
    /// a frame has given the preview a width.
    pub fn scroll_to_target(&mut self) {
        if self.drawn.preview.width == 0 {
            return;
        }
        if let Some(line) = self.target_line.take() {
            self.preview.rewrap(self.preview_text_width());
            let rows = self.preview.rows(self.preview_text_width());
            let row = rows.iter().position(|r| r.line == line).unwrap_or(0);
            self.preview.scroll = row.saturating_sub(2);
        }
    }

    /// Whether `action` does something right now (the footer lists only
    /// those).
    pub fn can(&self, action: &Action) -> bool {
        match action {
            Action::Back => self.step.prev().is_some(),
            Action::Up | Action::Down => self.focus.is_some(),
            Action::PageUp | Action::PageDown => self.max_scroll() > 0,
            Action::Copy => self.preview.current().text().is_some(),
            Action::Save => self.first_problem().is_none(),
            Action::Next => self.focus.is_none_or(|q| self.answers.problem(q).is_none()),
            Action::NextStep => self.step_problem(self.step).is_none(),
            _ => true,
        }
    }
}

/// A meaning per question, none worked out yet.
fn unknown_meanings() -> Vec<OnceCell<Option<Result<String, String>>>> {
    Question::ALL.iter().map(|_| OnceCell::new()).collect()
}

/// The preview tabs that show a step's answer best, in order; any other
/// tab where the answer acts comes after them.
fn tabs_for(step: Step) -> &'static [Tab] {
    match step {
        Step::LaunchType => &[Tab::AppTaskDefinition],
        Step::AgentVersion | Step::Datadog => &[Tab::AgentContainer, Tab::AppTaskDefinition],
        Step::Connection | Step::StartupCommand => &[Tab::Script, Tab::AppContainer],
        Step::Language | Step::App | Step::Tags | Step::Features => &[Tab::AppContainer],
        Step::Collection => &[Tab::AppTaskDefinition, Tab::AgentContainer],
        Step::Tracer => &[Tab::TracerInit, Tab::Dockerfile, Tab::AppContainer],
        Step::Review => &[],
    }
}
