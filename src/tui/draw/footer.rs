//! The bottom two rows: the status line (the last copy/save result or
//! problem, and the preview's scroll position) and the footer, which lists
//! only the keys that do something right now, taken from the bindings.

use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;
use unicode_width::UnicodeWidthStr;

use crate::tui::keys::{Action, BINDINGS};
use crate::tui::preview::truncate;
use crate::tui::state::{App, StatusKind};
use crate::wizard::{Kind, Step};

pub fn render_status(frame: &mut Frame, app: &App, area: Rect, position: Option<String>) {
    let t = app.theme;
    let width = usize::from(area.width);
    let right = position.map(|p| format!(" {p} ")).unwrap_or_default();
    let room = width.saturating_sub(right.width() + 1);
    let mut spans = vec![Span::raw(" ")];
    let mut used = 1;
    if let Some(status) = &app.status {
        let (mark, style) = match status.kind {
            StatusKind::Info => ("✓ ", t.ok()),
            StatusKind::Error => ("✗ ", t.error()),
        };
        let text = truncate(&format!("{mark}{}", status.text), room.saturating_sub(1)).into_owned();
        used += text.width();
        spans.push(Span::styled(text, style));
    }
    if used + right.width() <= width {
        spans.push(Span::raw(" ".repeat(width - used - right.width())));
        spans.push(Span::styled(right, t.dim()));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}

/// A footer entry: keys, what they do, and how much it matters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Item {
    pub keys: &'static str,
    pub word: &'static str,
    keep: u8,
}

/// The keys that work now, in table order.
pub fn items(app: &App) -> Vec<Item> {
    let context = app.context();
    BINDINGS
        .iter()
        .filter_map(|b| {
            let footer = b.footer.as_ref()?;
            (footer.contexts.contains(&context) && app.can(&b.action)).then(|| Item {
                keys: footer_keys(b.shown),
                word: footer_word(app, &b.action, footer.word),
                keep: footer.keep,
            })
        })
        .collect()
}

/// The footer names only the first of a binding's keys; help lists all.
fn footer_keys(shown: &'static str) -> &'static str {
    shown.split(' ').next().unwrap_or(shown)
}

/// A few keys mean something more specific on some steps.
fn footer_word(app: &App, action: &Action, word: &'static str) -> &'static str {
    match (action, app.step) {
        (Action::Next, Step::Review) => "save",
        (Action::Up, _) if app.focus.is_some_and(|q| q.kind() == Kind::Text) => "field",
        _ => word,
    }
}

pub fn render(frame: &mut Frame, app: &App, area: Rect) {
    let t = app.theme;
    let width = usize::from(area.width);
    let mut items = items(app);
    let total = |items: &[Item]| -> usize {
        items
            .iter()
            .map(|i| i.keys.width() + i.word.width() + 3)
            .sum::<usize>()
            + 1
    };
    // Too narrow: drop the least useful first (scrolling before saving).
    while total(&items) > width && items.len() > 1 {
        let Some(drop) = items
            .iter()
            .enumerate()
            .min_by_key(|(i, item)| (item.keep, usize::MAX - i))
            .map(|(i, _)| i)
        else {
            break;
        };
        items.remove(drop);
    }
    let mut spans = vec![Span::raw(" ")];
    for item in items {
        spans.push(Span::styled(item.keys, t.key()));
        spans.push(Span::raw(format!(" {}  ", item.word)));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}
