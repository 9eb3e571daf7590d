//! The help overlay: every binding from the key table, grouped, so the
//! list cannot drift from what the keys do.

use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};
use ratatui::Frame;

use super::centered;
use super::text::wrap_words;
use crate::tui::keys::{Section, BINDINGS};
use crate::tui::state::App;
use crate::tui::strings;

/// The overlay's lines at `width`.
pub fn lines(app: &App, width: usize) -> Vec<Line<'static>> {
    let t = app.theme;
    let mut out = Vec::new();
    for section in Section::ALL {
        out.push(Line::styled(section.title(), t.title()));
        for b in BINDINGS.iter().filter(|b| b.section == section) {
            if let Some(help) = b.help {
                out.push(Line::from(vec![
                    Span::styled(format!("  {:<12}", b.shown), t.key()),
                    Span::raw(help),
                ]));
            }
        }
        out.push(Line::default());
    }
    for note in [strings::HELP_CHANGED, strings::PREVIEW_SCRIPT_NOTE] {
        for line in wrap_words(note, width) {
            out.push(Line::styled(line, t.hint()));
        }
    }
    out
}

pub fn render(frame: &mut Frame, app: &App, scroll: usize) {
    let area = frame.area();
    let popup = centered(area, 76, area.height.saturating_sub(2));
    if popup.width < 3 || popup.height < 3 {
        return;
    }
    let inner_w = usize::from(popup.width - 2);
    let inner_h = usize::from(popup.height - 2);
    let all = lines(app, inner_w);
    let top = scroll.min(all.len().saturating_sub(inner_h));
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(app.theme.border())
        .title(strings::HELP_TITLE)
        .title_bottom(Line::from(format!(" {} ", strings::HELP_CLOSE)));
    frame.render_widget(Clear, popup);
    frame.render_widget(
        Paragraph::new(all.into_iter().skip(top).collect::<Vec<_>>()).block(block),
        popup,
    );
}
