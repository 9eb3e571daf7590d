//! The question pane, drawn from the question model: each of the step's
//! questions as a list or a field, with its verdict and what it means. It is
//! built once per frame as lines plus the line that must stay visible (the
//! selected answer or the field being typed in) and where the cursor goes,
//! so that the narrow layout can size the pane before anything is drawn.

use ratatui::layout::{Position, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;
use unicode_width::UnicodeWidthStr;

use super::text::wrap_words;
use crate::core::generate::files::file_names;
use crate::core::model::given::generate_command;
use crate::core::shell;
use crate::output::safe::printable;
use crate::tui::preview::truncate;
use crate::tui::state::App;
use crate::tui::strings;
use crate::tui::text_input::TextInput;
use crate::tui::theme::Theme;
use crate::wizard::review::{self, Note};
use crate::wizard::{Choice, Kind, Question, Remark, Step};

/// The pane's lines, the line to keep in view, and the cursor as (line,
/// column) when a field is being typed in.
pub struct Pane {
    pub lines: Vec<Line<'static>>,
    pub focus: usize,
    pub cursor: Option<(usize, u16)>,
    /// Where what the focused answer means starts: kept in view under the
    /// questions when a long step scrolls.
    pub footer: Option<usize>,
}

struct Builder {
    width: usize,
    theme: Theme,
    pane: Pane,
}

impl Builder {
    fn new(width: u16, theme: Theme) -> Builder {
        Builder {
            width: usize::from(width),
            theme,
            pane: Pane {
                lines: Vec::new(),
                focus: 0,
                cursor: None,
                footer: None,
            },
        }
    }

    fn push(&mut self, line: Line<'static>) {
        self.pane.lines.push(line);
    }

    fn blank(&mut self) {
        self.push(Line::default());
    }

    fn prose(&mut self, text: &str, style: Style, indent: usize) {
        let pad = " ".repeat(indent);
        for line in wrap_words(text, self.width.saturating_sub(indent)) {
            self.push(Line::styled(format!("{pad}{line}"), style));
        }
    }

    fn heading(&mut self, step: Step, question: &str) {
        let t = self.theme;
        self.push(Line::from(vec![Span::styled(
            format!("{}/{} {}", step.index() + 1, Step::ALL.len(), step.title()),
            t.title(),
        )]));
        self.prose(question, t.bold(), 0);
        self.blank();
    }

    /// A list of answers: `▶` marks the selected one, in reverse video while
    /// the list has the focus, and its line becomes the focus. A hint
    /// follows the label when it fits, else it goes on the next line.
    fn choices(&mut self, items: &[Choice], selected: usize, focused: bool) {
        let t = self.theme;
        for (i, choice) in items.iter().enumerate() {
            let chosen = i == selected;
            let marker = if chosen { "▶ " } else { "  " };
            let head = format!("{marker}{}", choice.label);
            let tail = if choice.hint.is_empty() {
                String::new()
            } else {
                format!(" — {}", choice.hint)
            };
            if chosen && focused {
                self.pane.focus = self.pane.lines.len();
            }
            let same_line = head.width() + tail.width() <= self.width;
            let mut spans = vec![Span::raw(head.clone())];
            if same_line {
                spans.push(Span::styled(
                    tail.clone(),
                    if chosen { t.plain() } else { t.hint() },
                ));
            }
            let used = head.width() + if same_line { tail.width() } else { 0 };
            if chosen && focused {
                spans.push(Span::raw(" ".repeat(self.width.saturating_sub(used))));
                self.push(Line::from(spans).style(t.selected()));
            } else if chosen {
                self.push(Line::from(spans).style(t.bold()));
            } else {
                self.push(Line::from(spans));
            }
            if !same_line && !choice.hint.is_empty() {
                let text = truncate(choice.hint, self.width.saturating_sub(4)).into_owned();
                self.push(Line::styled(format!("    {text}"), t.hint()));
            }
        }
    }

    /// A text field after `prefix`, underlined (or shaded) to its full
    /// width; the cursor is placed in it when `focused`. Text the user did
    /// not type shows selected: typing replaces it.
    fn field(&mut self, prefix: Line<'static>, input: &TextInput, example: &str, focused: bool) {
        let t = self.theme;
        let prefix_w = prefix.width();
        let room = self.width.saturating_sub(prefix_w);
        let room16 = u16::try_from(room).unwrap_or(u16::MAX);
        let view = input.view(room16);
        let mut spans = prefix.spans;
        if input.text().is_empty() && !example.is_empty() {
            let shown = truncate(example, room).into_owned();
            let pad = room.saturating_sub(shown.width());
            spans.push(Span::styled(shown, t.field().patch(t.dim())));
            spans.push(Span::styled(" ".repeat(pad), t.field()));
        } else {
            let pad = room.saturating_sub(view.text.width());
            let style = if input.is_selected() {
                t.selected()
            } else {
                t.field()
            };
            spans.push(Span::styled(view.text, style));
            spans.push(Span::styled(" ".repeat(pad), t.field()));
        }
        if focused {
            let line = self.pane.lines.len();
            self.pane.focus = line;
            let x = u16::try_from(prefix_w).unwrap_or(0) + view.cursor_x;
            self.pane.cursor = Some((line, x));
        }
        self.push(Line::from(spans));
    }

    fn verdict(&mut self, ok: Result<String, String>, indent: usize) {
        let t = self.theme;
        match ok {
            Ok(text) => self.prose(&format!("✓ {text}"), t.ok(), indent),
            Err(text) => self.prose(&format!("✗ {text}"), t.error(), indent),
        }
    }
}

pub fn pane(app: &App, width: u16) -> Pane {
    let mut b = Builder::new(width, app.theme);
    let step = app.step;
    let questions = step.questions();
    let title = match questions[..] {
        [one] => one.prompt(),
        _ => step.intro().unwrap_or_default(),
    };
    b.heading(step, title);
    if step == Step::Review {
        review(app, &mut b);
    } else {
        for q in &questions {
            question(app, &mut b, *q, questions.len() > 1);
        }
        b.pane.footer = Some(b.pane.lines.len());
        explain(app, &mut b);
    }
    // Trailing blank lines only push the preview down in the narrow layout.
    while b.pane.lines.len() > b.pane.focus + 1
        && b.pane.lines.last().is_some_and(|l| l.width() == 0)
    {
        b.pane.lines.pop();
    }
    b.pane
}

/// One question: its list or field, and its verdict.
fn question(app: &App, b: &mut Builder, q: Question, several: bool) {
    let t = b.theme;
    let answers = &app.answers;
    if let Some(why) = answers.not_needed(q) {
        let label = if several { q.label() } else { "" };
        let text = format!("{label} {} {why}.", strings::NOT_NEEDED);
        b.prose(text.trim_start(), t.hint(), 0);
        return;
    }
    let focused = app.focus == Some(q) && app.overlay.is_none();
    let label_style = if focused { t.bold() } else { t.plain() };
    match q.kind() {
        Kind::Choice | Kind::ChoiceOrText => {
            if several {
                b.push(Line::styled(q.prompt(), label_style));
            }
            let items = answers.choices(q);
            b.choices(&items, answers.selected(q), focused);
            if answers.wants_text(q) {
                let input = &app.inputs[q.index()];
                b.field(Line::raw("    > "), input, q.example(), focused);
                if let Some(verdict) = verdict(app, q) {
                    b.verdict(verdict, 4);
                }
            }
        }
        Kind::Text => {
            let prefix = if several {
                let width = app
                    .step
                    .questions()
                    .iter()
                    .map(|q| q.prompt().width())
                    .max()
                    .unwrap_or(0);
                let marker = if focused { "▶ " } else { "  " };
                Line::styled(format!("{marker}{:<width$} ", q.prompt()), label_style)
            } else {
                Line::raw("> ")
            };
            b.field(prefix, &app.inputs[q.index()], q.example(), focused);
            if let Some(verdict) = verdict(app, q) {
                b.verdict(verdict, 2);
            }
        }
    }
    if focused {
        if let Some(flag) = answers.given_by(q) {
            b.prose(
                &format!("(given by {flag}; change it here if you like)"),
                t.hint(),
                2,
            );
        }
    }
    if several {
        b.blank();
    }
}

/// What a field's text means, or what is wrong with it.
fn verdict(app: &App, q: Question) -> Option<Result<String, String>> {
    let answers = &app.answers;
    if let Some(problem) = answers.problem(q) {
        return Some(Err(problem.to_owned()));
    }
    app.meaning(q).cloned()
}

/// Below the questions: what the focused answer means, and a conflict
/// between answers when the question it is charged to is on another step.
fn explain(app: &App, b: &mut Builder) {
    let t = b.theme;
    let answers = &app.answers;
    if let Some(q) = app.focus {
        let why = match q.kind() {
            Kind::Choice | Kind::ChoiceOrText => answers
                .choices(q)
                .get(answers.selected(q))
                .map(|c| c.why.clone())
                .unwrap_or_default(),
            Kind::Text => q.explain().to_owned(),
        };
        if !why.is_empty() {
            b.blank();
            b.prose(&why, t.hint(), 0);
        }
        for remark in (q.row().remarks)(app.config()) {
            match remark {
                Remark::Hint(text) => b.prose(&text, t.hint(), 0),
                Remark::Warning(text) => b.prose(&text, t.warn(), 0),
            }
        }
    }
    if let Some((q, why)) = answers.conflict() {
        if q.step() != app.step {
            b.blank();
            b.verdict(Err(format!("{} {} {why}", q.label(), strings::CONFLICT)), 0);
        }
    }
}

fn review(app: &App, b: &mut Builder) {
    let t = b.theme;
    let rows = review::rows(&app.answers);
    let label_w = rows
        .iter()
        .map(|r| r.question.label().width())
        .max()
        .unwrap_or(0)
        + 2;
    for row in &rows {
        let (value, style, note) = match &row.note {
            Note::Answered => (row.value.clone(), t.plain(), String::new()),
            Note::Flag(flag) => (row.value.clone(), t.plain(), format!(" ({flag})")),
            Note::NotNeeded(_) => (row.value.clone(), t.dim(), String::new()),
            Note::Placeholder => (row.value.clone(), t.warn(), " ! placeholder".to_owned()),
            Note::Problem(why) => (format!("✗ {why}"), t.error(), String::new()),
        };
        let room = b.width.saturating_sub(label_w + note.width());
        let value = truncate(&value, room).into_owned();
        b.push(Line::from(vec![
            Span::styled(format!("{:<label_w$}", row.question.label()), t.hint()),
            Span::styled(value, style),
            Span::styled(note, if style == t.warn() { t.warn() } else { t.dim() }),
        ]));
    }
    b.blank();
    let files = file_names(app.config()).len();
    match app.first_problem() {
        None => {
            let left = review::placeholders(app.config());
            if !left.is_empty() {
                b.prose(strings::REVIEW_PLACEHOLDERS, t.warn(), 0);
                for placeholder in left {
                    b.prose(&format!("! {}", placeholder.describe()), t.warn(), 2);
                }
                b.blank();
            }
            b.verdict(
                Ok(format!(
                    "{}: {files} file{} into {}",
                    strings::REVIEW_READY,
                    strings::plural(files),
                    app.save_dir
                )),
                0,
            );
            b.prose(strings::REVIEW_SAVE_HINT, t.plain(), 0);
        }
        Some(_) => {
            for (q, problem) in app.answers.problems() {
                b.verdict(
                    Err(format!(
                        "{} {} › {}: {problem}",
                        q.step().index() + 1,
                        q.step().title(),
                        q.label()
                    )),
                    0,
                );
            }
        }
    }
    b.blank();
    let command = shell::join(&generate_command(app.config()));
    b.prose(
        &format!("{} {}", strings::REVIEW_SAME_AS, printable(&command)),
        t.hint(),
        0,
    );
}

/// When the pane does not fit, blank lines go first: at the minimum size the
/// explanation is worth more than the spacing.
fn compact(pane: Pane, height: usize) -> Pane {
    if pane.lines.len() <= height {
        return pane;
    }
    let mut out = Pane {
        lines: Vec::with_capacity(pane.lines.len()),
        focus: 0,
        cursor: None,
        footer: None,
    };
    for (i, line) in pane.lines.into_iter().enumerate() {
        if i == pane.focus {
            out.focus = out.lines.len();
        }
        if Some(i) == pane.footer {
            out.footer = Some(out.lines.len());
        }
        if let Some((at, x)) = pane.cursor {
            if at == i {
                out.cursor = Some((out.lines.len(), x));
            }
        }
        if line.width() > 0 || i == pane.focus {
            out.lines.push(line);
        }
    }
    out
}

pub fn render(frame: &mut Frame, pane: Pane, area: Rect) {
    if area.is_empty() {
        return;
    }
    let height = usize::from(area.height);
    let mut pane = compact(pane, height);
    // A step too long for the pane scrolls its questions, and keeps what
    // the focused answer means in view below them (at most half the pane).
    let footer: Vec<Line> = match pane.footer {
        Some(at) if pane.lines.len() > height && at > pane.focus => {
            let mut footer = pane.lines.split_off(at);
            footer.truncate(height / 2);
            footer
        }
        _ => Vec::new(),
    };
    let body_height = height - footer.len();
    // Keep the focus line in view, with the line after it when there is one
    // (a field's verdict).
    let want = (pane.focus + 2).min(pane.lines.len());
    let top = want.saturating_sub(body_height);
    let mut lines: Vec<Line> = pane.lines.into_iter().skip(top).take(body_height).collect();
    lines.extend(footer);
    frame.render_widget(Paragraph::new(lines), area);
    if let Some((line, x)) = pane.cursor {
        if line >= top && line < top + body_height && x < area.width {
            let y = area.y + u16::try_from(line - top).unwrap_or(0);
            frame.set_cursor_position(Position::new(area.x + x, y));
        }
    }
}
