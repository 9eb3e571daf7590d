//! The preview: the tab bar (on the rule row), the selected artifact's
//! text with a one-column gutter (▌ changed line, ↪ continued line), and the
//! scroll position shown in the status line. Only the rows on screen are
//! highlighted and built, whatever the length of the text.

use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;
use unicode_width::UnicodeWidthStr;

use super::text::wrap_words;
use crate::tui::highlight;
use crate::tui::preview::{Content, Row, Tab};
use crate::tui::state::App;
use crate::tui::strings;

/// The tab bar. When the tabs do not all fit, a window of them around the
/// selected one shows, with ‹ or › where more are hidden.
pub fn render_tabs(frame: &mut Frame, app: &App, area: Rect) {
    let t = app.theme;
    let width = usize::from(area.width);
    let label = |tab: Tab| format!(" {} ", tab.label());
    let widths: Vec<usize> = Tab::ALL.iter().map(|tab| label(*tab).width() + 1).collect();
    let selected = app.preview.tab.index();
    // Widen the window from the selected tab while it fits, leaving room
    // for the two arrows.
    let (mut first, mut last) = (selected, selected);
    let mut used = widths[selected];
    loop {
        let grew_right = last + 1 < Tab::ALL.len() && used + widths[last + 1] + 2 <= width;
        if grew_right {
            last += 1;
            used += widths[last];
        }
        let grew_left = first > 0 && used + widths[first - 1] + 2 <= width;
        if grew_left {
            first -= 1;
            used += widths[first];
        }
        if !grew_right && !grew_left {
            break;
        }
    }
    let mut spans = vec![Span::styled(if first > 0 { "‹" } else { "─" }, t.dim())];
    for tab in &Tab::ALL[first..=last] {
        let style = if *tab == app.preview.tab {
            t.selected()
        } else if !app.preview.available(*tab) {
            t.dim()
        } else {
            t.plain()
        };
        spans.push(Span::styled(label(*tab), style));
        spans.push(Span::styled("─", t.dim()));
    }
    let used: usize = spans.iter().map(Span::width).sum();
    let more = if last + 1 < Tab::ALL.len() {
        "›"
    } else {
        "─"
    };
    if used < width {
        spans.push(Span::styled("─".repeat(width - used - 1), t.dim()));
        spans.push(Span::styled(more, t.dim()));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}

/// The current tab's text, `rows` being its rows at this width.
pub fn render(frame: &mut Frame, app: &App, rows: &[Row], area: Rect) {
    if area.is_empty() {
        return;
    }
    let t = app.theme;
    let text_w = usize::from(area.width.saturating_sub(1));
    let height = usize::from(area.height);
    let message = |title: String, why: &str, style| {
        let mut out = vec![Line::styled(title, t.bold())];
        for line in wrap_words(why, text_w) {
            out.push(Line::styled(format!(" {line}"), style));
        }
        out
    };
    let lines: Vec<Line> = match app.preview.current() {
        Content::NotApplicable { to, why } => message(
            format!(" {} ({to}):", strings::PREVIEW_NOT_APPLICABLE),
            why,
            t.hint(),
        ),
        Content::Blocked(why) => message(
            format!(" {}:", strings::PREVIEW_BLOCKED),
            &format!("✗ {why}"),
            t.error(),
        ),
        Content::Text { lines, json, .. } => {
            let top = app.preview.scroll.min(rows.len().saturating_sub(height));
            let mut cache: Option<(usize, Vec<highlight::Segment>)> = None;
            rows[top..]
                .iter()
                .take(height)
                .map(|row| {
                    let line = &lines[row.line];
                    let gutter = if !row.first {
                        Span::styled("↪", t.dim())
                    } else if app.preview.is_changed(row.line) {
                        Span::styled("▌", t.changed_marker())
                    } else {
                        Span::raw(" ")
                    };
                    let mut spans = vec![gutter];
                    if row.indent > 0 {
                        spans.push(Span::raw(" ".repeat(row.indent)));
                    }
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
pub fn position(app: &App, rows: &[Row], area: Rect) -> Option<String> {
    let rows = rows.len();
    let height = usize::from(area.height);
    if rows <= height || height == 0 {
        return None;
    }
    let top = app.preview.scroll.min(rows - height);
    Some(format!("{}–{}/{rows}", top + 1, top + height))
}
