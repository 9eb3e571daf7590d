//! The progress strip: every step always visible, marked done (●), current
//! (◉), needing a fix (✗), not needed for these answers (–) or not yet seen
//! (○). The marker carries the meaning; colour only repeats it.

use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

use crate::tui::state::App;
use crate::tui::strings;
use crate::wizard::Step;

fn marker(app: &App, step: Step) -> &'static str {
    if app.step_problem(step).is_some() && (app.visited[step.index()] || step == app.step) {
        "✗"
    } else if step == app.step {
        "◉"
    } else if step != Step::Review && app.open_questions(step).is_empty() {
        "–"
    } else if app.visited[step.index()] {
        "●"
    } else {
        "○"
    }
}

/// The strip at the most detailed form that fits `width`: with the app
/// name, with full step titles, with short titles, or markers only with
/// the current step named.
fn strip(app: &App, width: usize) -> Line<'static> {
    let t = app.theme;
    let build = |name: bool,
                 title: &dyn Fn(Step) -> &'static str,
                 sep: &'static str,
                 only_current: bool| {
        let mut spans = Vec::new();
        if name {
            spans.push(Span::styled(format!(" {} ", strings::APP_NAME), t.title()));
            spans.push(Span::raw(" "));
        } else {
            spans.push(Span::raw(" "));
        }
        for (i, step) in Step::ALL.into_iter().enumerate() {
            if i > 0 {
                spans.push(Span::styled(sep, t.dim()));
            }
            let style = if step == app.step {
                t.step_current()
            } else if marker(app, step) == "✗" {
                t.error()
            } else if app.visited[step.index()] {
                t.step_done()
            } else {
                t.dim()
            };
            let text = if only_current && step != app.step {
                marker(app, step).to_owned()
            } else {
                format!("{} {}", marker(app, step), title(step))
            };
            spans.push(Span::styled(text, style));
        }
        Line::from(spans)
    };
    let candidates = [
        build(true, &Step::title, " ─ ", false),
        build(false, &Step::title, " ─ ", false),
        build(false, &Step::short_title, "  ", false),
        build(false, &Step::short_title, " ", false),
        build(false, &Step::title, " ", true),
    ];
    let last = candidates.len() - 1;
    candidates
        .into_iter()
        .enumerate()
        .find(|(i, line)| line.width() <= width || *i == last)
        .map(|(_, line)| line)
        .unwrap_or_default()
}

pub fn render(frame: &mut Frame, app: &App, area: Rect) {
    frame.render_widget(Paragraph::new(strip(app, usize::from(area.width))), area);
}
