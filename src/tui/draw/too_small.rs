//! Below the minimum size the wizard shows only what size it needs; it
//! keeps running and comes back when the terminal grows. Meanwhile keys
//! only quit (`update` ignores the others), and the quit question shows
//! here.

use ratatui::layout::{Alignment, Rect};
use ratatui::text::Line;
use ratatui::widgets::Paragraph;
use ratatui::Frame;

use super::layout::{MIN_HEIGHT, MIN_WIDTH};
use super::text::wrap_words;
use crate::tui::state::{App, Overlay};
use crate::tui::strings;

pub fn render(frame: &mut Frame, app: &App, area: Rect) {
    let message = strings::too_small(MIN_WIDTH, MIN_HEIGHT, area.width, area.height);
    let mut lines: Vec<Line> = wrap_words(&message, usize::from(area.width))
        .into_iter()
        .map(|l| Line::styled(l, app.theme.bold()))
        .collect();
    // Quitting is the one thing keys do at this size; its question, when
    // answers are unsaved, must show here to be answered.
    if app.overlay == Some(Overlay::ConfirmQuit) {
        lines.extend(
            wrap_words(strings::QUIT_QUESTION, usize::from(area.width))
                .into_iter()
                .map(Line::raw),
        );
    }
    let height = u16::try_from(lines.len()).unwrap_or(u16::MAX);
    let top = area.height.saturating_sub(height) / 2;
    let rect = Rect::new(area.x, area.y + top, area.width, area.height - top);
    frame.render_widget(Paragraph::new(lines).alignment(Alignment::Center), rect);
}
