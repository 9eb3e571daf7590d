//! Where each part of the screen goes. Drawing records the result in
//! [`crate::tui::state::Drawn`], which is how `update` knows the sizes for
//! paging and scroll limits.
//!
//! Wide (≥ 100 columns): question left, preview right. Narrow: the question
//! on top, the preview below. Frameless, with one rule row that also holds
//! the preview tabs, because at the 60x16 minimum every row counts.

use ratatui::layout::Rect;

pub const MIN_WIDTH: u16 = 60;
pub const MIN_HEIGHT: u16 = 16;
pub const WIDE_WIDTH: u16 = 100;
/// The narrow layout keeps at least this many preview rows.
const MIN_PREVIEW_ROWS: u16 = 4;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Areas {
    pub wide: bool,
    pub progress: Rect,
    /// The rule left of the tabs (wide only; empty otherwise).
    pub rule: Rect,
    pub tabs: Rect,
    pub question: Rect,
    /// The vertical line between question and preview (wide only).
    pub separator: Rect,
    pub preview: Rect,
    pub status: Rect,
    pub footer: Rect,
}

pub fn too_small(area: Rect) -> bool {
    area.width < MIN_WIDTH || area.height < MIN_HEIGHT
}

/// The width the question pane gets in the wide layout.
fn left_width(width: u16) -> u16 {
    (width * 2 / 5).clamp(36, 48)
}

/// The width the question pane gets at this screen size.
pub fn question_width(area: Rect) -> u16 {
    if area.width >= WIDE_WIDTH {
        left_width(area.width).saturating_sub(2)
    } else {
        area.width.saturating_sub(2)
    }
}

/// The areas for a question pane of `question_lines` lines.
pub fn areas(area: Rect, question_lines: usize) -> Areas {
    let (x, y, w, h) = (area.x, area.y, area.width, area.height);
    let row = |y: u16| Rect::new(x, y, w, 1);
    let main_h = h.saturating_sub(4);
    if w >= WIDE_WIDTH {
        let left = left_width(w);
        let right_x = x + left + 1;
        let right_w = w.saturating_sub(left + 1);
        Areas {
            wide: true,
            progress: row(y),
            rule: Rect::new(x, y + 1, left + 1, 1),
            tabs: Rect::new(right_x, y + 1, right_w, 1),
            question: Rect::new(x + 1, y + 2, left.saturating_sub(2), main_h),
            separator: Rect::new(x + left, y + 2, 1, main_h),
            preview: Rect::new(right_x, y + 2, right_w, main_h),
            status: row(y + h.saturating_sub(2)),
            footer: row(y + h.saturating_sub(1)),
        }
    } else {
        let inner_w = w.saturating_sub(2);
        let room = main_h;
        let wanted = u16::try_from(question_lines).unwrap_or(u16::MAX);
        let question_h = wanted.min(room.saturating_sub(MIN_PREVIEW_ROWS));
        let preview_h = room.saturating_sub(question_h);
        Areas {
            wide: false,
            progress: row(y),
            rule: Rect::new(x, y + 1 + question_h, 0, 1),
            tabs: Rect::new(x, y + 1 + question_h, w, 1),
            question: Rect::new(x + 1, y + 1, inner_w, question_h),
            separator: Rect::new(x, y, 0, 0),
            preview: Rect::new(x, y + 2 + question_h, w, preview_h),
            status: row(y + h.saturating_sub(2)),
            footer: row(y + h.saturating_sub(1)),
        }
    }
}
