//! Turns an [`Action`] into a state change. Pure: anything that touches the
//! outside world (writing files, the clipboard, clearing the screen) comes
//! back as an [`Effect`] for the event loop to perform, and its result is fed
//! back through `on_saved` / `on_copied`. Tests drive this with key events
//! and look at the resulting state.

use std::path::{Path, PathBuf};

use ratatui::crossterm::event::Event;
use ratatui::layout::{Rect, Size};

use super::draw::{help, layout};
use super::keys::{self, Action, Context};
use super::state::{AgentChoice, App, Overlay, SaveDialog, StatusKind, Step};
use super::strings;
use super::text_input::{clean_paste, TextInput};
use crate::core::{Imds, Language};
use crate::output::clipboard::{Copied, CopyError};
use crate::output::files::WriteError;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    Save { dir: PathBuf, force: bool },
    Copy(String),
    ClearScreen,
}

/// Handles one terminal event.
pub fn on_event(app: &mut App, event: &Event) -> Option<Effect> {
    match event {
        Event::Key(key) => keys::action(app.context(), key).and_then(|a| update(app, a)),
        Event::Paste(text) => update(app, Action::Paste(text.clone())),
        Event::Resize(w, h) => {
            app.size = Size::new(*w, *h);
            clamp_scroll(app);
            None
        }
        _ => None,
    }
}

pub fn update(app: &mut App, action: Action) -> Option<Effect> {
    let effect = match app.context() {
        Context::Help => on_help(app, action),
        Context::Confirm => on_confirm(app, action),
        Context::SaveDialog => on_save_dialog(app, action),
        Context::Choice | Context::Text => on_step(app, action),
    };
    if app.preview.refresh(&app.config) {
        app.touch();
        reveal_changes(app);
    }
    clamp_scroll(app);
    effect
}

fn on_help(app: &mut App, action: Action) -> Option<Effect> {
    let page = usize::from(app.size.height.saturating_sub(6)).max(1);
    match action {
        Action::ForceQuit => app.quit = true,
        Action::Redraw => return Some(Effect::ClearScreen),
        Action::PageUp | Action::PageDown => {
            let max = help::max_scroll(app, screen(app));
            if let Some(Overlay::Help { scroll }) = &mut app.overlay {
                *scroll = if action == Action::PageUp {
                    scroll.saturating_sub(page)
                } else {
                    (*scroll + page).min(max)
                };
            }
        }
        _ => app.overlay = None,
    }
    None
}

fn on_confirm(app: &mut App, action: Action) -> Option<Effect> {
    match (&mut app.overlay, action) {
        (_, Action::ForceQuit) => app.quit = true,
        (_, Action::Redraw) => return Some(Effect::ClearScreen),
        (Some(Overlay::ConfirmQuit), Action::Yes) => app.quit = true,
        (Some(Overlay::ConfirmQuit), Action::No | Action::Cancel) => app.overlay = None,
        (Some(Overlay::Save(dialog)), Action::Yes) => {
            return Some(Effect::Save {
                dir: expand_home(dialog.dir.text()),
                force: true,
            })
        }
        (Some(Overlay::Save(dialog)), Action::No | Action::Cancel) => dialog.overwrite = None,
        _ => {}
    }
    None
}

fn on_save_dialog(app: &mut App, action: Action) -> Option<Effect> {
    let Some(Overlay::Save(dialog)) = &mut app.overlay else {
        return None;
    };
    match action {
        Action::ForceQuit => app.quit = true,
        Action::Redraw => return Some(Effect::ClearScreen),
        Action::Cancel => app.overlay = None,
        Action::Submit => {
            let dir = dialog.dir.text().trim();
            if dir.is_empty() {
                dialog.error = Some("type a directory".to_owned());
            } else {
                return Some(Effect::Save {
                    dir: expand_home(dir),
                    force: false,
                });
            }
        }
        Action::Edit(edit) => {
            dialog.dir.edit(edit);
            dialog.error = None;
        }
        Action::Insert(c) => {
            dialog.dir.insert(c.encode_utf8(&mut [0; 4]));
            dialog.error = None;
        }
        Action::Paste(text) => {
            dialog.dir.insert(&clean_paste(&text).0);
            dialog.error = None;
        }
        _ => {}
    }
    None
}

fn on_step(app: &mut App, action: Action) -> Option<Effect> {
    match action {
        Action::ForceQuit => app.quit = true,
        Action::Quit => {
            if app.has_unsaved_work() {
                app.overlay = Some(Overlay::ConfirmQuit);
            } else {
                app.quit = true;
            }
        }
        Action::Next => next(app),
        Action::Back => match app.step.prev() {
            Some(step) => go_to(app, step),
            None => app.set_status(strings::FIRST_STEP, StatusKind::Info),
        },
        Action::Jump(i) => {
            if let Some(step) = Step::ALL.get(i) {
                go_to(app, *step);
            }
        }
        Action::Up | Action::Down => choose(app, action == Action::Down),
        Action::PrevTab | Action::NextTab => {
            app.preview.tab = app.preview.tab.cycle(action == Action::NextTab);
            app.preview.scroll = 0;
        }
        Action::PageUp => {
            let page = preview_page(app);
            app.preview.scroll = app.preview.scroll.saturating_sub(page);
        }
        Action::PageDown => app.preview.scroll += preview_page(app),
        Action::Top => app.preview.scroll = 0,
        Action::Bottom => app.preview.scroll = usize::MAX,
        Action::Copy => return copy(app),
        Action::Save => open_save(app),
        Action::Help => app.overlay = Some(Overlay::Help { scroll: 0 }),
        Action::Redraw => return Some(Effect::ClearScreen),
        Action::Edit(edit) => {
            if let Some(field) = focused_field(app) {
                field.edit(edit);
                app.sync_fields();
            }
        }
        Action::Insert(c) => {
            if let Some(field) = focused_field(app) {
                field.insert(c.encode_utf8(&mut [0; 4]));
                app.sync_fields();
            }
        }
        Action::Paste(text) => paste(app, &text),
        Action::CloseHelp | Action::Submit | Action::Cancel | Action::Yes | Action::No => {}
    }
    None
}

fn next(app: &mut App) {
    app.touch();
    if let Some(problem) = app.problem(app.step) {
        app.set_status(strings::fix_before_next(&problem), StatusKind::Error);
        return;
    }
    match app.step.next() {
        Some(step) => go_to(app, step),
        None => open_save(app),
    }
}

fn go_to(app: &mut App, step: Step) {
    if step == app.step {
        return;
    }
    app.step = step;
    app.visited[step.index()] = true;
    // A complaint about the step just left no longer applies.
    if app
        .status
        .as_ref()
        .is_some_and(|s| s.kind == StatusKind::Error)
    {
        app.status = None;
    }
    app.preview.set_baseline();
    if let Some(tab) = step.suggested_tab() {
        if tab != app.preview.tab {
            app.preview.tab = tab;
            app.preview.scroll = 0;
        }
    }
}

/// Up/Down: the previous/next answer in a list, or the previous/next field.
fn choose(app: &mut App, down: bool) {
    let step_by = |i: usize, n: usize| {
        if down {
            (i + 1).min(n - 1)
        } else {
            i.saturating_sub(1)
        }
    };
    match app.step {
        Step::AgentVersion => {
            let all = AgentChoice::ALL;
            let i = all.iter().position(|c| *c == app.agent_choice).unwrap_or(0);
            app.agent_choice = all[step_by(i, all.len())];
            // Start "another version" from the one just above it in the
            // list (7.17), which is easy to turn into 7.17.1.
            if app.agent_choice == AgentChoice::Other && app.agent_input.text().is_empty() {
                app.agent_input = TextInput::new(&app.config.agent_version.to_string());
            }
            app.sync_fields();
        }
        Step::Language => {
            let all = Language::ALL;
            let i = all
                .iter()
                .position(|l| *l == app.config.language)
                .unwrap_or(0);
            app.set_language(all[step_by(i, all.len())]);
        }
        Step::Imds => {
            let all = Imds::ALL;
            let i = all.iter().position(|m| *m == app.config.imds).unwrap_or(0);
            app.set_imds(all[step_by(i, all.len())]);
        }
        Step::Tags => app.tag_focus = step_by(app.tag_focus, app.tags.len()),
        Step::StartupCommand | Step::Review => {}
    }
}

fn focused_field(app: &mut App) -> Option<&mut TextInput> {
    match app.step {
        Step::AgentVersion if app.agent_choice == AgentChoice::Other => Some(&mut app.agent_input),
        Step::StartupCommand => Some(&mut app.command),
        Step::Tags => Some(&mut app.tags[app.tag_focus]),
        _ => None,
    }
}

fn paste(app: &mut App, text: &str) {
    let (clean, joined) = clean_paste(text);
    if let Some(field) = focused_field(app) {
        field.insert(&clean);
        app.sync_fields();
        if joined {
            app.set_status(strings::PASTE_JOINED, StatusKind::Info);
        }
    }
}

fn copy(app: &mut App) -> Option<Effect> {
    match app.preview.current().text() {
        Some(text) => Some(Effect::Copy(text.to_owned())),
        None => {
            let tab = app.preview.tab.label();
            app.set_status(
                format!(
                    "{}: {tab} is not used for this app",
                    strings::NOTHING_TO_COPY
                ),
                StatusKind::Error,
            );
            None
        }
    }
}

fn open_save(app: &mut App) {
    if let Some((step, problem)) = app.first_problem() {
        app.set_status(
            strings::cannot_save(step.title(), &problem),
            StatusKind::Error,
        );
        return;
    }
    app.overlay = Some(Overlay::Save(SaveDialog {
        dir: TextInput::new(&app.save_dir),
        overwrite: None,
        error: None,
    }));
}

/// `~/x` as the shell would read it; nothing else is expanded.
fn expand_home(dir: &str) -> PathBuf {
    match (dir.strip_prefix("~/"), std::env::var_os("HOME")) {
        (Some(rest), Some(home)) => Path::new(&home).join(rest),
        _ => PathBuf::from(dir),
    }
}

/// The outcome of an [`Effect::Save`].
pub fn on_saved(app: &mut App, result: Result<Vec<PathBuf>, WriteError>) {
    let Some(Overlay::Save(dialog)) = &mut app.overlay else {
        return;
    };
    match result {
        Ok(paths) => {
            let dir = dialog.dir.text().trim().to_owned();
            app.overlay = None;
            app.set_status(strings::saved(paths.len(), &dir), StatusKind::Info);
            app.save_dir = dir;
            app.mark_saved(paths);
        }
        Err(WriteError::Exists(paths)) => {
            dialog.error = None;
            dialog.overwrite = Some(paths);
        }
        Err(e @ WriteError::Io { .. }) => {
            dialog.overwrite = None;
            dialog.error = Some(e.to_string());
        }
    }
}

/// The outcome of an [`Effect::Copy`].
pub fn on_copied(app: &mut App, result: Result<Copied, CopyError>) {
    match result {
        Ok(copied) => app.set_status(copied.to_string(), StatusKind::Info),
        Err(e) => app.set_status(format!("{e}; s saves the files instead"), StatusKind::Error),
    }
}

fn screen(app: &App) -> Rect {
    Rect::from((ratatui::layout::Position::ORIGIN, app.size))
}

/// Rows the preview shows at the current size.
fn preview_area(app: &App) -> Rect {
    layout::areas(app, screen(app)).preview
}

fn preview_page(app: &App) -> usize {
    usize::from(preview_area(app).height.saturating_sub(1)).max(1)
}

/// The largest useful scroll for the current tab at the current size.
pub fn max_scroll(app: &App) -> usize {
    let area = preview_area(app);
    let rows = app.preview.rows(layout::preview_text_width(area)).len();
    rows.saturating_sub(usize::from(area.height))
}

fn clamp_scroll(app: &mut App) {
    app.preview.scroll = app.preview.scroll.min(max_scroll(app));
}

/// After an answer changed the preview: if no changed line is on screen,
/// scroll so the first one is, with a little context above it.
fn reveal_changes(app: &mut App) {
    let area = preview_area(app);
    let rows = app.preview.rows(layout::preview_text_width(area));
    let changed_rows: Vec<usize> = rows
        .iter()
        .enumerate()
        .filter(|(_, r)| r.first && app.preview.is_changed(r.line))
        .map(|(i, _)| i)
        .collect();
    let top = app.preview.scroll;
    let bottom = top + usize::from(area.height);
    if let Some(first) = changed_rows.first() {
        if !changed_rows.iter().any(|r| (top..bottom).contains(r)) {
            app.preview.scroll = first.saturating_sub(2);
        }
    }
}

/// Whether `action` does something right now (the footer lists only those).
pub fn is_available(app: &App, action: &Action) -> bool {
    match action {
        Action::Back => app.step.prev().is_some(),
        Action::Up | Action::Down => matches!(
            app.step,
            Step::AgentVersion | Step::Language | Step::Imds | Step::Tags
        ),
        Action::PageUp | Action::PageDown => max_scroll(app) > 0,
        Action::Copy => app.preview.current().text().is_some(),
        Action::Save => app.first_problem().is_none(),
        Action::Next => app.problem(app.step).is_none(),
        _ => true,
    }
}
