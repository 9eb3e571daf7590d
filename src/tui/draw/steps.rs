//! The question pane: one builder per step, each producing lines plus the
//! line that must stay visible (the selected answer or the field being
//! typed in) and where the cursor goes. Building lines first lets the
//! narrow layout size the pane before anything is drawn.

use ratatui::layout::{Position, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;
use unicode_width::UnicodeWidthStr;

use super::text::wrap_words;
use crate::cli::generate_command;
use crate::core::shell::{self, exec_form};
use crate::core::{Artifact, Imds, Language};
use crate::tui::preview::truncate;
use crate::tui::state::{AgentChoice, App, Step};
use crate::tui::strings;
use crate::tui::text_input::TextInput;
use crate::tui::theme::Theme;

/// The pane's lines, the line to keep in view, and the cursor as (line,
/// column) when a field is being typed in.
pub struct Pane {
    pub lines: Vec<Line<'static>>,
    pub focus: usize,
    pub cursor: Option<(usize, u16)>,
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
            },
        }
    }

    fn push(&mut self, line: Line<'static>) {
        self.pane.lines.push(line);
    }

    fn blank(&mut self) {
        self.push(Line::default());
    }

    fn prose(&mut self, text: &str, style: ratatui::style::Style, indent: usize) {
        let pad = " ".repeat(indent);
        for line in wrap_words(text, self.width.saturating_sub(indent)) {
            self.push(Line::styled(format!("{pad}{line}"), style));
        }
    }

    fn heading(&mut self, step: Step) {
        let t = self.theme;
        self.push(Line::from(vec![Span::styled(
            format!("{}/{} {}", step.index() + 1, Step::ALL.len(), step.title()),
            t.title(),
        )]));
        self.prose(step.question(), t.bold(), 0);
        self.blank();
    }

    /// A list of answers: `▶` and reverse video mark the selected one, and
    /// its line becomes the focus. A hint follows the label when it fits,
    /// else it goes on the next line.
    fn choices(&mut self, items: &[(&str, &str)], selected: usize) {
        let t = self.theme;
        for (i, (label, hint)) in items.iter().enumerate() {
            let chosen = i == selected;
            let marker = if chosen { "▶ " } else { "  " };
            let head = format!("{marker}{label}");
            let tail = if hint.is_empty() {
                String::new()
            } else {
                format!(" — {hint}")
            };
            if chosen {
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
            if chosen {
                spans.push(Span::raw(" ".repeat(self.width.saturating_sub(used))));
                self.push(Line::from(spans).style(t.selected()));
            } else {
                self.push(Line::from(spans));
            }
            if !same_line && !hint.is_empty() {
                let text = truncate(hint, self.width.saturating_sub(4)).into_owned();
                self.push(Line::styled(format!("    {text}"), t.hint()));
            }
        }
    }

    /// A text field after `prefix`, underlined (or shaded) to its full
    /// width; the cursor is placed in it when `focused`.
    fn field(
        &mut self,
        prefix: Line<'static>,
        input: &TextInput,
        placeholder: &str,
        focused: bool,
    ) {
        let t = self.theme;
        let prefix_w = prefix.width();
        let room = self.width.saturating_sub(prefix_w);
        let room16 = u16::try_from(room).unwrap_or(u16::MAX);
        let view = input.view(room16);
        let mut spans = prefix.spans;
        if input.text().is_empty() && !placeholder.is_empty() {
            let shown = truncate(placeholder, room).into_owned();
            let pad = room.saturating_sub(shown.width());
            spans.push(Span::styled(shown, t.field().patch(t.dim())));
            spans.push(Span::styled(" ".repeat(pad), t.field()));
        } else {
            let pad = room.saturating_sub(view.text.width());
            spans.push(Span::styled(view.text, t.field()));
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
    b.heading(app.step);
    match app.step {
        Step::AgentVersion => agent_version(app, &mut b),
        Step::Language => language(app, &mut b),
        Step::Imds => imds(app, &mut b),
        Step::StartupCommand => startup_command(app, &mut b),
        Step::Tags => tags(app, &mut b),
        Step::Review => review(app, &mut b),
    }
    // Trailing blank lines only push the preview down in the narrow layout.
    while b.pane.lines.len() > b.pane.focus + 1
        && b.pane.lines.last().is_some_and(|l| l.width() == 0)
    {
        b.pane.lines.pop();
    }
    b.pane
}

/// Lines the pane wants at `width`.
pub fn height(app: &App, width: u16) -> usize {
    pane(app, width).lines.len()
}

fn agent_version(app: &App, b: &mut Builder) {
    let items: Vec<(&str, &str)> = AgentChoice::ALL
        .iter()
        .map(|c| c.label_and_hint())
        .collect();
    let selected = AgentChoice::ALL
        .iter()
        .position(|c| *c == app.agent_choice)
        .unwrap_or(0);
    b.choices(&items, selected);
    if app.agent_choice == AgentChoice::Other {
        b.field(
            Line::raw("    > "),
            &app.agent_input,
            "e.g. 7.17.1",
            app.overlay.is_none(),
        );
        let verdict = match app.problem(Step::AgentVersion) {
            Some(problem) => Err(problem),
            None => {
                let v = &app.config.agent_version;
                let mut text = format!("image tag {}", v.image_tag());
                if v.is_legacy() {
                    text = format!("{text}; {}", strings::AGENT_LEGACY_NOTE);
                }
                Ok(text)
            }
        };
        b.verdict(verdict, 4);
    }
    b.blank();
    b.prose(app.agent_choice.why(), b.theme.hint(), 0);
}

fn language(app: &App, b: &mut Builder) {
    let items: Vec<(&str, &str)> = Language::ALL.iter().map(|l| (l.label(), "")).collect();
    let selected = Language::ALL
        .iter()
        .position(|l| *l == app.config.language)
        .unwrap_or(0);
    b.choices(&items, selected);
    b.blank();
    b.prose(
        &strings::language_why(app.config.language),
        b.theme.hint(),
        0,
    );
}

fn imds(app: &App, b: &mut Builder) {
    let items: Vec<(&str, &str)> = Imds::ALL.iter().map(|i| strings::imds_choice(*i)).collect();
    let selected = Imds::ALL
        .iter()
        .position(|i| *i == app.config.imds)
        .unwrap_or(0);
    b.choices(&items, selected);
    b.blank();
    b.prose(strings::imds_why(app.config.imds), b.theme.hint(), 0);
}

fn startup_command(app: &App, b: &mut Builder) {
    b.field(Line::raw("> "), &app.command, "", app.overlay.is_none());
    let verdict = match app.problem(Step::StartupCommand) {
        Some(problem) => Err(problem),
        None if exec_form(app.command.text()).is_some() => Ok(format!(
            "{} exec {}",
            strings::COMMAND_EXEC,
            app.command.text()
        )),
        None => Err(strings::COMMAND_NOT_EXEC.to_owned()),
    };
    b.verdict(verdict, 2);
    b.blank();
    let language = app.config.language;
    b.prose(
        &format!(
            "{} {}: {}",
            strings::COMMAND_DEFAULT,
            language.label(),
            language.default_startup_command()
        ),
        b.theme.hint(),
        0,
    );
    b.prose(strings::COMMAND_WHY, b.theme.hint(), 0);
}

fn tags(app: &App, b: &mut Builder) {
    let t = b.theme;
    for (i, input) in app.tags.iter().enumerate() {
        let focused = i == app.tag_focus;
        let marker = if focused { "▶ " } else { "  " };
        let label = format!("{marker}{:<8}", strings::TAG_LABELS[i]);
        let prefix = Line::from(Span::styled(
            label,
            if focused { t.bold() } else { t.plain() },
        ));
        b.field(
            prefix,
            input,
            strings::TAG_ENV_VARS[i],
            focused && app.overlay.is_none(),
        );
    }
    for (_, problem) in app.tag_problems() {
        b.verdict(Err(problem), 2);
    }
    b.blank();
    b.prose(strings::TAGS_WHY, t.hint(), 0);
}

fn review(app: &App, b: &mut Builder) {
    let t = b.theme;
    let c = &app.config;
    let tags: Vec<String> = [
        ("service", &c.tags.service),
        ("env", &c.tags.env),
        ("version", &c.tags.version),
    ]
    .iter()
    .filter_map(|(k, v)| v.as_ref().map(|v| format!("{k}={v}")))
    .collect();
    let version = if c.agent_version.is_legacy() {
        format!("{} (+ APM env vars)", c.agent_version)
    } else {
        c.agent_version.to_string()
    };
    let files = Artifact::applicable(c)
        .into_iter()
        .filter(|a| a.file_name(c.language).is_some())
        .count();
    let rows = [
        (Step::AgentVersion.title(), version),
        (Step::Language.title(), c.language.label().to_owned()),
        (
            Step::Imds.title(),
            strings::imds_choice(c.imds).0.to_owned(),
        ),
        (Step::StartupCommand.title(), c.startup_command.clone()),
        (
            Step::Tags.title(),
            if tags.is_empty() {
                strings::UNSET.to_owned()
            } else {
                tags.join(" ")
            },
        ),
        ("App container", format!("{} · {}", c.app_name, c.app_image)),
        ("Site", c.site.clone()),
        (
            "API key",
            c.api_key_secret_arn
                .clone()
                .unwrap_or_else(|| "placeholder value".to_owned()),
        ),
    ];
    let label_w = 16;
    let value_w = b.width.saturating_sub(label_w);
    for (label, value) in rows {
        let value = truncate(&value.replace(char::is_control, " "), value_w).into_owned();
        b.push(Line::from(vec![
            Span::styled(format!("{label:<label_w$}"), t.hint()),
            Span::raw(value),
        ]));
    }
    b.blank();
    let problems: Vec<(Step, String)> = Step::ALL
        .into_iter()
        .filter_map(|s| app.problem(s).map(|p| (s, p)))
        .collect();
    if problems.is_empty() {
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
    } else {
        for (step, problem) in problems {
            b.verdict(
                Err(format!("{} {}: {problem}", step.index() + 1, step.title())),
                0,
            );
        }
    }
    b.prose(strings::REVIEW_PRESET_HINT, t.hint(), 0);
    b.blank();
    let command = shell::join(&generate_command(c));
    b.prose(
        &format!("{} {command}", strings::REVIEW_SAME_AS),
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
    };
    for (i, line) in pane.lines.into_iter().enumerate() {
        if i == pane.focus {
            out.focus = out.lines.len();
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

pub fn render(frame: &mut Frame, app: &App, area: Rect) {
    if area.is_empty() {
        return;
    }
    let height = usize::from(area.height);
    let pane = compact(pane(app, area.width), height);
    // Keep the focus line in view, with the line after it when there is one
    // (a field's verdict).
    let want = (pane.focus + 2).min(pane.lines.len());
    let top = want.saturating_sub(height);
    let lines: Vec<Line> = pane.lines.into_iter().skip(top).take(height).collect();
    frame.render_widget(Paragraph::new(lines), area);
    if let Some((line, x)) = pane.cursor {
        if line >= top && line < top + height && x < area.width {
            let y = area.y + u16::try_from(line - top).unwrap_or(0);
            frame.set_cursor_position(Position::new(area.x + x, y));
        }
    }
}
