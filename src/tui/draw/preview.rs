//! The preview: the tab bar (on the rule row), the selected artifact's
//! text with changed lines marked in a one-column gutter, and the scroll
//! position shown in the status line. Only the rows on screen are
//! highlighted and built, whatever the length of the text.

use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

use super::layout::preview_text_width;
use super::text::wrap_words;
use crate::tui::highlight;
use crate::tui::preview::{Content, Tab};
use crate::tui::state::App;
use crate::tui::strings;

pub fn render_tabs(frame: &mut Frame, app: &App, area: Rect) {
    let t = app.theme;
    let mut spans = Vec::new();
    for (i, tab) in Tab::ALL.into_iter().enumerate() {
        if i > 0 {
            spans.push(Span::styled("─", t.dim()));
        }
        let style = if tab == app.preview.tab {
            t.selected()
        } else if app.preview.content(tab).text().is_none() {
            t.dim()
        } else {
            t.plain()
        };
        spans.push(Span::styled(format!(" {} ", tab.label()), style));
    }
    let width = usize::from(area.width);
    let used: usize = spans.iter().map(Span::width).sum();
    if used < width {
        spans.insert(0, Span::styled("─", t.dim()));
        spans.push(Span::styled("─".repeat(width - used - 1), t.dim()));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}

pub fn render(frame: &mut Frame, app: &App, area: Rect) {
    if area.is_empty() {
        return;
    }
    let t = app.theme;
    let text_w = preview_text_width(area);
    let height = usize::from(area.height);
    let lines: Vec<Line> = match app.preview.current() {
        Content::NotApplicable { language, why } => {
            let mut out = vec![Line::styled(
                format!(" {} ({language}):", strings::PREVIEW_NOT_APPLICABLE),
                t.bold(),
            )];
            for line in wrap_words(why, text_w) {
                out.push(Line::styled(format!(" {line}"), t.hint()));
            }
            out
        }
        Content::Text { lines, json, .. } => {
            let rows = app.preview.rows(text_w);
            let top = app.preview.scroll.min(rows.len().saturating_sub(height));
            let mut cache: Option<(usize, Vec<highlight::Segment>)> = None;
            rows[top..]
                .iter()
                .take(height)
                .map(|row| {
                    let line = &lines[row.line];
                    let marker = if row.first && app.preview.is_changed(row.line) {
                        Span::styled("▌", t.changed_marker())
                    } else {
                        Span::raw(" ")
                    };
                    let mut spans = vec![marker];
                    if *json && t.colour {
                        if cache.as_ref().map(|c| c.0) != Some(row.line) {
                            cache = Some((row.line, highlight::json_line(line, &t)));
                        }
                        let segments = cache.as_ref().map(|c| c.1.as_slice()).unwrap_or(&[]);
                        for (s, e, style) in segments {
                            let (s, e) = ((*s).max(row.start), (*e).min(row.end));
                            if s < e {
                                spans.push(Span::styled(line[s..e].to_owned(), *style));
                            }
                        }
                    } else {
                        spans.push(Span::raw(line[row.start..row.end].to_owned()));
                    }
                    Line::from(spans)
                })
                .collect()
        }
    };
    frame.render_widget(Paragraph::new(lines), area);
}

/// "12–35/74": the rows on screen and the total, when the text does not
/// fit; `None` when it does.
pub fn position(app: &App, area: Rect) -> Option<String> {
    let rows = app.preview.rows(preview_text_width(area)).len();
    let height = usize::from(area.height);
    if rows <= height || height == 0 {
        return None;
    }
    let top = app.preview.scroll.min(rows - height);
    Some(format!("{}–{}/{rows}", top + 1, top + height))
}
