//! The help overlay: every binding from the key table, grouped, so the
//! list cannot drift from what the keys do.

use ratatui::layout::Rect;
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
    // Two spaces, the keys in 12 columns, then the text, wrapped under
    // itself.
    const INDENT: usize = 14;
    for section in Section::ALL {
        out.push(Line::styled(format!(" {}", section.title()), t.title()));
        for b in BINDINGS.iter().filter(|b| b.section == section) {
            let Some(help) = b.help else { continue };
            let wrapped = wrap_words(help, width.saturating_sub(INDENT + 1));
            for (i, text) in wrapped.into_iter().enumerate() {
                let keys = if i == 0 { b.shown } else { "" };
                out.push(Line::from(vec![
                    Span::styled(format!("  {keys:<12}"), t.key()),
                    Span::raw(text),
                ]));
            }
        }
        out.push(Line::default());
    }
    for note in [strings::HELP_CHANGED, strings::PREVIEW_SCRIPT_NOTE] {
        for line in wrap_words(note, width.saturating_sub(2)) {
            out.push(Line::styled(format!(" {line}"), t.hint()));
        }
    }
    out
}

fn popup(area: Rect) -> Rect {
    centered(area, 76, area.height.saturating_sub(2))
}

/// Draws the help scrolled to `scroll`; how far it can scroll at this size
/// and the rows of a page, for the keys that follow.
pub fn render(frame: &mut Frame, app: &App, scroll: usize) -> (usize, usize) {
    let area = frame.area();
    let popup = popup(area);
    if popup.width < 3 || popup.height < 3 {
        return (0, 1);
    }
    let all = lines(app, usize::from(popup.width - 2));
    let inner_h = usize::from(popup.height - 2);
    let max = all.len().saturating_sub(inner_h);
    let top = scroll.min(max);
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
    (max, inner_h.saturating_sub(1).max(1))
}
