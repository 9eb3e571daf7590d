//! Drawing: a pure function of the [`App`] onto a ratatui frame. Nothing
//! here changes state, so what a test renders on a `TestBackend` is what
//! the terminal shows; what it laid out comes back as [`Drawn`] for the
//! event loop to record. One module per area of the screen.

pub mod ascii;
pub mod dialog;
pub mod footer;
pub mod help;
pub mod layout;
pub mod preview;
pub mod progress;
pub mod steps;
pub mod text;
pub mod too_small;

use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::Paragraph;
use ratatui::Frame;

use super::state::{App, Drawn, Overlay};

/// Draws the whole screen; the areas it used.
pub fn render(frame: &mut Frame, app: &App) -> Drawn {
    let drawn = render_screen(frame, app);
    if app.theme.ascii {
        ascii::downgrade(frame.buffer_mut());
    }
    drawn
}

fn render_screen(frame: &mut Frame, app: &App) -> Drawn {
    let area = frame.area();
    let mut drawn = Drawn {
        screen: area,
        preview: Rect::default(),
        help_max_scroll: 0,
        help_page: 1,
    };
    if layout::too_small(area) {
        too_small::render(frame, app, area);
        return drawn;
    }
    // The question pane is built once: its height sizes the narrow layout.
    let pane = steps::pane(app, layout::question_width(area));
    let areas = layout::areas(area, pane.lines.len());
    drawn.preview = areas.preview;
    let t = app.theme;
    progress::render(frame, app, areas.progress);
    if areas.wide {
        let rule = format!(
            "{}┬",
            "─".repeat(usize::from(areas.rule.width.saturating_sub(1)))
        );
        frame.render_widget(Paragraph::new(Line::styled(rule, t.dim())), areas.rule);
        let bar: Vec<Line> = (0..areas.separator.height)
            .map(|_| Line::styled("│", t.dim()))
            .collect();
        frame.render_widget(Paragraph::new(bar), areas.separator);
    }
    steps::render(frame, pane, areas.question);
    preview::render_tabs(frame, app, areas.tabs);
    let rows = app
        .preview
        .rows(usize::from(areas.preview.width.saturating_sub(1)));
    preview::render(frame, app, &rows, areas.preview);
    footer::render_status(
        frame,
        app,
        areas.status,
        preview::position(app, &rows, areas.preview),
    );
    footer::render(frame, app, areas.footer);
    match &app.overlay {
        Some(Overlay::Help { scroll }) => {
            let (max, page) = help::render(frame, app, *scroll);
            drawn.help_max_scroll = max;
            drawn.help_page = page;
        }
        Some(Overlay::Save(dialog)) => dialog::render_save(frame, app, dialog),
        Some(Overlay::ConfirmQuit) => dialog::render_quit(frame, app),
        None => {}
    }
    drawn
}

/// A `width` x `height` rectangle centred in `area`, shrunk to fit.
pub fn centered(area: Rect, width: u16, height: u16) -> Rect {
    let w = width.min(area.width);
    let h = height.min(area.height);
    Rect::new(
        area.x + (area.width - w) / 2,
        area.y + (area.height - h) / 2,
        w,
        h,
    )
}
