//! Turns an [`Action`] into a state change. Pure: anything that touches the
//! outside world (writing files, the clipboard, clearing the screen) comes
//! back as an [`Effect`] for the event loop to perform, and its result is fed
//! back through `on_saved` / `on_copied`. Sizes come from what the last frame
//! recorded ([`App::drawn`]): nothing here lays out or draws a screen.

use std::path::{Path, PathBuf};

use ratatui::crossterm::event::Event;

use super::draw::layout;
use super::keys::{self, Action, Context};
use super::state::{App, Drawn, Overlay, SaveDialog, StatusKind};
use super::strings;
use super::text_input::TextInput;
use crate::output::clipboard::{Copied, CopyError};
use crate::output::files::WriteError;
use crate::wizard::question::pasted_lines;
use crate::wizard::{Kind, Pasted, Question, Step};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    Save {
        dir: PathBuf,
        force: bool,
    },
    Copy(String),
    ClearScreen,
    /// Ctrl-C: quit at once, and exit as an interrupted program does (130).
    Interrupted,
}

/// Handles one terminal event.
pub fn on_event(app: &mut App, event: &Event) -> Option<Effect> {
    let action = match event {
        Event::Key(key) => keys::action(app.context(), key)?,
        Event::Paste(text) => Action::Paste(text.clone()),
        // The next frame lays out the new size and records it.
        _ => return None,
    };
    if too_small(app) && !acts_when_too_small(app, &action) {
        return None;
    }
    update(app, action)
}

/// The last frame was too small to show the wizard: it showed only the
/// size it needs.
fn too_small(app: &App) -> bool {
    layout::too_small(app.drawn.screen)
}

/// What a key may do while the screen shows only its size: quit (asking
/// first, on that screen, if answers are unsaved) and redraw. Anything
/// else would act where nobody can see it.
fn acts_when_too_small(app: &App, action: &Action) -> bool {
    match action {
        Action::ForceQuit | Action::Quit | Action::Redraw => true,
        Action::Yes | Action::No | Action::Cancel => app.overlay == Some(Overlay::ConfirmQuit),
        _ => false,
    }
}

/// Takes what a frame laid out, for the keys that follow it: a scroll
/// target waiting for the preview's size is placed, and scroll positions
/// are kept within what that frame can show. True when that changed what
/// the frame showed, so it should be drawn again.
pub fn on_drawn(app: &mut App, drawn: Drawn) -> bool {
    app.drawn = drawn;
    app.preview.rewrap(app.preview_text_width());
    let before = app.preview.scroll;
    app.scroll_to_target();
    clamp_scroll(app);
    if let Some(Overlay::Help { scroll }) = &mut app.overlay {
        *scroll = (*scroll).min(drawn.help_max_scroll);
    }
    app.preview.scroll != before
}

pub fn update(app: &mut App, action: Action) -> Option<Effect> {
    if action == Action::ForceQuit {
        app.quit = true;
        return Some(Effect::Interrupted);
    }
    if !matches!(
        action,
        Action::Edit(_) | Action::Insert(_) | Action::Paste(_)
    ) {
        // Anything but typing acts on the answers as they read on screen.
        settle(app);
    }
    let effect = match app.context() {
        Context::Help => on_help(app, action),
        Context::Confirm => on_confirm(app, action),
        Context::SaveDialog => on_save_dialog(app, action),
        Context::Choice | Context::Text => on_step(app, action),
    };
    if app.untaken.is_none() {
        follow_answers(app);
    }
    clamp_scroll(app);
    effect
}

/// Hands a long field's text to the answers, if typing into it left that
/// for later, and brings the preview up to date. The event loop calls it
/// once no key is waiting. True when it changed anything.
pub fn settle(app: &mut App) -> bool {
    let Some(q) = app.untaken.take() else {
        return false;
    };
    hand_over(app, q);
    follow_answers(app);
    clamp_scroll(app);
    true
}

/// The preview (and what the answers mean) for the answers as they are.
fn follow_answers(app: &mut App) {
    let refreshed = app.preview.refresh(&app.answers);
    app.preview.ensure(&app.answers);
    app.preview.rewrap(app.preview_text_width());
    if refreshed {
        app.forget_meanings();
        app.touch();
        reveal_changes(app);
    }
}

fn on_help(app: &mut App, action: Action) -> Option<Effect> {
    let page = app.drawn.help_page.max(1);
    let max = app.drawn.help_max_scroll;
    match action {
        Action::Redraw => return Some(Effect::ClearScreen),
        Action::PageUp | Action::PageDown => {
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
        Action::Paste(text) => match pasted_lines(&text).as_slice() {
            [] => {}
            [line] => {
                dialog.dir.insert(line);
                dialog.error = None;
            }
            _ => dialog.error = Some("a directory is one line: nothing pasted".to_owned()),
        },
        _ => {}
    }
    None
}

fn on_step(app: &mut App, action: Action) -> Option<Effect> {
    match action {
        Action::Quit => {
            if app.has_unsaved_work() {
                app.overlay = Some(Overlay::ConfirmQuit);
            } else {
                app.quit = true;
            }
        }
        Action::Next => next(app),
        Action::NextStep => next_step(app),
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
            let page = app.preview_page();
            app.preview.scroll = app.preview.scroll.saturating_sub(page);
        }
        Action::PageDown => app.preview.scroll += app.preview_page(),
        Action::Top => app.preview.scroll = 0,
        Action::Bottom => app.preview.scroll = usize::MAX,
        Action::Copy => return copy(app),
        Action::Save => open_save(app),
        Action::Help => app.overlay = Some(Overlay::Help { scroll: 0 }),
        Action::Redraw => return Some(Effect::ClearScreen),
        Action::Edit(edit) => {
            if let Some(q) = typing_into(app) {
                app.inputs[q.index()].edit(edit);
                take_field(app, q);
            }
        }
        Action::Insert(c) => {
            if let Some(q) = typing_into(app) {
                app.inputs[q.index()].insert(c.encode_utf8(&mut [0; 4]));
                take_field(app, q);
            }
        }
        Action::Paste(text) => paste(app, &text),
        Action::ForceQuit
        | Action::CloseHelp
        | Action::Submit
        | Action::Cancel
        | Action::Yes
        | Action::No => {}
    }
    None
}

/// The question whose field takes what is typed, if one does.
fn typing_into(app: &App) -> Option<Question> {
    app.focus.filter(|q| app.answers.wants_text(*q))
}

/// A field this long is handed to the answers only once no key is
/// waiting: the answers check it, and the preview renders it, in time that
/// grows with its length.
pub const TAKEN_LATER_FROM: usize = 64 * 1024;

/// Hands a field's text to the answers, at once if it is short.
fn take_field(app: &mut App, q: Question) {
    if app.inputs[q.index()].text().len() >= TAKEN_LATER_FROM {
        app.untaken = Some(q);
    } else {
        app.untaken = None;
        hand_over(app, q);
    }
}

/// The answers take the field's text as it is now.
fn hand_over(app: &mut App, q: Question) {
    let text = app.inputs[q.index()].text().to_owned();
    app.answers.set_text(q, &text);
}

/// Enter: the next field of the step, else the next step; refused while
/// the focused answer is not usable.
fn next(app: &mut App) {
    app.touch();
    if app.step == Step::Review {
        open_save(app);
        return;
    }
    if let Some(q) = app.focus {
        if let Some(problem) = app.answers.problem(q) {
            let message = strings::fix_before_next(problem);
            app.set_status(message, StatusKind::Error);
            return;
        }
        let open = app.open_questions(app.step);
        if let Some(at) = open.iter().position(|o| *o == q) {
            if let Some(following) = open.get(at + 1) {
                app.focus = Some(*following);
                return;
            }
        }
    }
    next_step(app);
}

/// Tab: the next step, once every answer on this one is usable.
fn next_step(app: &mut App) {
    app.touch();
    if let Some((q, problem)) = app.step_problem(app.step) {
        let message = strings::fix_before_next(problem);
        app.focus = Some(q);
        app.set_status(message, StatusKind::Error);
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
    app.focus = app.open_questions(step).first().copied();
    // A complaint about the step just left no longer applies.
    if app
        .status
        .as_ref()
        .is_some_and(|s| s.kind == StatusKind::Error)
    {
        app.status = None;
    }
    app.preview.set_baseline(&app.answers);
    app.show_where_the_step_acts();
}

/// Up/Down: the previous/next answer in a list; past either end of the
/// list, or in a text field, the previous/next question of the step.
fn choose(app: &mut App, down: bool) {
    let Some(q) = app.focus else {
        return;
    };
    if q.kind() != Kind::Text {
        let count = app.answers.choices(q).len();
        let i = app.answers.selected(q);
        let moved = if down {
            (i + 1 < count).then_some(i + 1)
        } else {
            i.checked_sub(1)
        };
        if let Some(i) = moved {
            app.answers.select(q, i);
            app.sync_inputs();
            return;
        }
    }
    let open = app.open_questions(app.step);
    let at = open.iter().position(|o| *o == q).unwrap_or(0);
    let to = if down {
        open.get(at + 1)
    } else {
        at.checked_sub(1).and_then(|i| open.get(i))
    };
    if let Some(to) = to {
        app.focus = Some(*to);
    }
}

fn paste(app: &mut App, text: &str) {
    let Some(q) = typing_into(app) else {
        return;
    };
    match q.paste(text) {
        Pasted::Line(line) => {
            app.inputs[q.index()].insert(&line);
            take_field(app, q);
        }
        Pasted::Joined { text, lines } => {
            app.inputs[q.index()].insert(&text);
            take_field(app, q);
            app.set_status(strings::pasted_joined(lines), StatusKind::Info);
        }
        Pasted::Refused(why) => app.set_status(why, StatusKind::Error),
    }
}

fn copy(app: &mut App) -> Option<Effect> {
    let tab = app.preview.tab;
    let why = match app.preview.current() {
        super::preview::Content::Text { text, .. } => return Some(Effect::Copy(text.clone())),
        super::preview::Content::Blocked(why) => why.clone(),
        super::preview::Content::NotApplicable { to, .. } => format!("it is not used with {to}"),
    };
    app.set_status(strings::cannot_copy(tab.label(), &why), StatusKind::Error);
    None
}

fn open_save(app: &mut App) {
    if let Some((q, problem)) = app.first_problem() {
        let message = strings::cannot_save(q.label(), problem);
        app.set_status(message, StatusKind::Error);
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
            app.save_dir.clone_from(&dir);
            app.mark_saved(dir, paths);
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

/// Keeps the scroll within the text; a tab showing a message instead
/// keeps its place for when the text comes back.
fn clamp_scroll(app: &mut App) {
    if app.preview.current().text().is_some() {
        app.preview.scroll = app.preview.scroll.min(app.max_scroll());
    }
}

/// After an answer changed the preview: if no changed line is on screen,
/// scroll so the first one is, with a little context above it.
fn reveal_changes(app: &mut App) {
    let rows = app.preview.rows(app.preview_text_width());
    let changed_rows: Vec<usize> = rows
        .iter()
        .enumerate()
        .filter(|(_, r)| r.first && app.preview.is_changed(r.line))
        .map(|(i, _)| i)
        .collect();
    let top = app.preview.scroll;
    let bottom = top + usize::from(app.drawn.preview.height);
    if let Some(first) = changed_rows.first() {
        if !changed_rows.iter().any(|r| (top..bottom).contains(r)) {
            app.preview.scroll = first.saturating_sub(2);
        }
    }
}
