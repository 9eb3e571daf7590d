//! The save dialog (editable directory, overwrite question, errors) and the
//! quit question, drawn over the wizard.

use ratatui::layout::{Position, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};
use ratatui::Frame;
use unicode_width::UnicodeWidthStr;

use super::centered;
use super::text::wrap_words;
use crate::core::generate::files::file_names;
use crate::tui::preview::truncate;
use crate::tui::state::{App, SaveDialog};
use crate::tui::strings;

fn popup(
    frame: &mut Frame,
    app: &App,
    title: &'static str,
    width: u16,
    lines: Vec<Line<'static>>,
) -> Rect {
    let area = frame.area();
    let height = u16::try_from(lines.len() + 2).unwrap_or(u16::MAX);
    let rect = centered(area, width, height);
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(app.theme.border())
        .title(title);
    frame.render_widget(Clear, rect);
    frame.render_widget(Paragraph::new(lines).block(block), rect);
    rect
}

fn dialog_width(frame: &Frame, max: u16) -> u16 {
    frame.area().width.saturating_sub(4).min(max)
}

pub fn render_save(frame: &mut Frame, app: &App, dialog: &SaveDialog) {
    let t = app.theme;
    let width = dialog_width(frame, 72);
    let inner = usize::from(width.saturating_sub(4));
    let mut lines = vec![Line::raw(format!(" {}", strings::SAVE_DIR_LABEL))];
    let view = dialog
        .dir
        .view(u16::try_from(inner.saturating_sub(2)).unwrap_or(0));
    let pad = inner.saturating_sub(2 + view.text.width());
    let field_line = lines.len();
    lines.push(Line::from(vec![
        Span::raw(" > "),
        Span::styled(view.text.clone(), t.field()),
        Span::styled(" ".repeat(pad), t.field()),
    ]));
    lines.push(Line::default());
    let names = file_names(app.config());
    let writes = format!("{} {}", strings::SAVE_WILL_WRITE, names.join(", "));
    for line in wrap_words(&writes, inner) {
        lines.push(Line::styled(format!(" {line}"), t.hint()));
    }
    if let Some(existing) = &dialog.overwrite {
        let names: Vec<String> = existing
            .iter()
            .map(|p| {
                p.file_name().map_or_else(
                    || p.display().to_string(),
                    |n| n.to_string_lossy().into_owned(),
                )
            })
            .collect();
        lines.push(Line::default());
        let text = format!(
            "already in {}: {}",
            dialog.dir.text().trim(),
            names.join(", ")
        );
        for line in wrap_words(&text, inner) {
            lines.push(Line::styled(format!(" {line}"), t.error()));
        }
        lines.push(Line::styled(
            format!(" {}", strings::overwrite_question(existing.len())),
            t.bold(),
        ));
    } else if let Some(error) = &dialog.error {
        lines.push(Line::default());
        for line in wrap_words(&format!("✗ {error}"), inner) {
            lines.push(Line::styled(format!(" {line}"), t.error()));
        }
    }
    let rect = popup(frame, app, strings::SAVE_TITLE, width, lines);
    if dialog.overwrite.is_none() {
        let x = rect.x + 1 + 3 + view.cursor_x;
        let y = rect.y + 1 + u16::try_from(field_line).unwrap_or(0);
        if x < rect.right().saturating_sub(1) && y < rect.bottom().saturating_sub(1) {
            frame.set_cursor_position(Position::new(x, y));
        }
    }
}

pub fn render_quit(frame: &mut Frame, app: &App) {
    let t = app.theme;
    let width = dialog_width(frame, 56);
    let inner = usize::from(width.saturating_sub(4));
    let mut lines = vec![Line::styled(
        format!(" {}", truncate(strings::QUIT_QUESTION, inner)),
        t.bold(),
    )];
    for line in wrap_words(strings::QUIT_EXPLAIN, inner) {
        lines.push(Line::styled(format!(" {line}"), t.hint()));
    }
    popup(frame, app, strings::QUIT_TITLE, width, lines);
}
