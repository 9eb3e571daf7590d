//! The wizard's state machine, driven by key events as a user would type
//! them (each followed by a frame, as in the event loop): which step and
//! config result, what is refused and why, and what is asked.

mod tui_support;

use ddecs_wizard::core::generate::files::artifact_files;
use ddecs_wizard::core::model::field::Field;
use ddecs_wizard::core::model::given::Given;
use ddecs_wizard::core::{render, Artifact, Config, Language, LaunchType};
use ddecs_wizard::tui::draw::footer;
use ddecs_wizard::tui::keys::Context;
use ddecs_wizard::tui::preview::{Content, Tab, SHOWN_PER_LINE};
use ddecs_wizard::tui::state::{App, Overlay, StatusKind};
use ddecs_wizard::tui::strings;
use ddecs_wizard::tui::theme::Theme;
use ddecs_wizard::tui::update::{self, Effect};
use ddecs_wizard::tui::Outcome;
use ddecs_wizard::wizard::{Question, Step};
use ratatui::crossterm::event::{KeyCode, KeyModifiers};
use tui_support::*;

use KeyCode::{BackTab, Backspace, Char, Down, Enter, Esc, Left, PageDown, PageUp, Right, Up};

fn default_app() -> App {
    wizard(&Given::default(), Theme::MONO)
}

fn php_v1_717() -> Given {
    Given::default()
        .with(Field::Language, "php")
        .with(Field::Imds, "v1")
        .with(Field::AgentVersion, "7.17")
}

fn status(app: &App) -> (StatusKind, String) {
    let s = app.status.as_ref().expect("a status message");
    (s.kind, s.text.clone())
}

/// Enter through every question with its current answer, to Review.
fn enter_to_review(app: &mut App) {
    for _ in 0..2 * Question::ALL.len() {
        if app.step == Step::Review {
            return;
        }
        press(app, Enter);
    }
    panic!("Enter did not reach Review: {:?}", app.step);
}

#[test]
fn accepting_every_default_saves_the_default_config() {
    let mut app = default_app();
    assert_eq!(app.step, Step::LaunchType);
    let mut enters = 0;
    while app.step != Step::Review {
        press(&mut app, Enter);
        enters += 1;
    }
    let asked = Question::ALL
        .iter()
        .filter(|q| q.not_needed(&Config::default()).is_none())
        .count();
    assert_eq!(enters, asked, "one Enter per question asked");
    assert_eq!(*app.config(), Config::default());
    assert_eq!(press(&mut app, Enter), None);
    assert_eq!(app.context(), Context::SaveDialog);
    assert_eq!(
        press(&mut app, Enter),
        Some(Effect::Save {
            dir: strings::DEFAULT_SAVE_DIR.into(),
            force: false
        })
    );
}

#[test]
fn tab_skips_the_rest_of_a_step() {
    let mut app = default_app();
    for _ in 0..(Step::ALL.len() - 1) {
        press(&mut app, KeyCode::Tab);
    }
    assert_eq!(app.step, Step::Review);
    assert_eq!(*app.config(), Config::default());
}

#[test]
fn choosing_php_v1_717_by_keys_gives_the_preset_config() {
    let mut app = default_app();
    press(&mut app, Enter);
    keys(&mut app, &[Down, Down, Enter]);
    for _ in 0..6 {
        press(&mut app, Down);
    }
    press(&mut app, Enter);
    assert_eq!(app.step, Step::Tracer);
    keys(&mut app, &[Enter, Enter, Enter]);
    assert_eq!(app.step, Step::Connection);
    keys(&mut app, &[Down, Down, Enter]);
    assert_eq!(app.step, Step::StartupCommand);
    assert_eq!(*app.config(), php_v1_717().config().unwrap());
    assert_eq!(
        app.inputs[Question::StartupCommand.index()].text(),
        "php-fpm -F"
    );
}

#[test]
fn a_preset_prefills_answers_and_starts_at_the_first_open_step() {
    let app = wizard(&php_v1_717(), Theme::MONO);
    assert_eq!(app.step, Step::LaunchType);
    let preset = php_v1_717().with(Field::LaunchType, "ec2");
    let app = wizard(&preset, Theme::MONO);
    assert_eq!(app.step, Step::Tracer);
    assert_eq!(*app.config(), preset.config().unwrap());
    assert_eq!(
        app.visited,
        [true, true, true, true, true, false, false, false, false, false, false, false]
    );
    let preset = preset
        .with(Field::Tracer, "inject")
        .with(Field::BaseImage, "debian")
        .with(Field::TracerVersion, "v1");
    let app = wizard(&preset, Theme::MONO);
    assert_eq!(app.step, Step::StartupCommand);
}

#[test]
fn language_change_replaces_only_an_unedited_command() {
    let mut app = default_app();
    keys(&mut app, &[Enter, Enter, Down]);
    assert_eq!(app.config().language, Language::Nodejs);
    assert_eq!(app.config().startup_command, "node server.js");
    // Through the tracer step, choosing the image: the loader command.
    keys(&mut app, &[Enter, Down, Enter, Enter, Enter]);
    assert_eq!(
        app.config().startup_command,
        "node --require dd-trace/init server.js"
    );
    keys(&mut app, &[Enter, KeyCode::End]);
    type_text(&mut app, " --port 8080");
    keys(&mut app, &[Esc, Esc, Esc]);
    assert_eq!(app.step, Step::Language);
    press(&mut app, Down);
    assert_eq!(app.config().language, Language::Ruby);
    assert_eq!(
        app.config().startup_command,
        "node --require dd-trace/init server.js --port 8080"
    );
}

#[test]
fn another_version_starts_empty_so_typing_never_appends() {
    let mut app = default_app();
    press(&mut app, Enter);
    keys(&mut app, &[Down, Down, Down]);
    assert_eq!(app.context(), Context::Text);
    assert_eq!(app.inputs[Question::AgentVersion.index()].text(), "");
    type_text(&mut app, "7.15.2");
    assert_eq!(app.config().agent_version, "7.15.2".parse().unwrap());
    assert!(app.config().agent_version.is_legacy());
    press(&mut app, Enter);
    assert_eq!(app.step, Step::Language);
}

#[test]
fn an_invalid_version_blocks_preview_copy_and_save_of_what_it_changes() {
    let mut app = default_app();
    press(&mut app, Enter);
    keys(&mut app, &[Down, Down, Down]);
    type_text(&mut app, "7.177.15.2");
    assert_eq!(app.preview.tab, Tab::AgentContainer);
    let Content::Blocked(why) = app.preview.current() else {
        panic!("the preview shows {:?}", app.preview.current());
    };
    assert!(
        why.starts_with("Agent version: invalid agent version \"7.177.15.2\""),
        "{why}"
    );
    assert_eq!(ctrl(&mut app, 'y'), None, "copy refused");
    let (kind, text) = status(&app);
    assert_eq!(kind, StatusKind::Error);
    assert!(
        text.starts_with("cannot copy Agent: Agent version: invalid"),
        "{text}"
    );
    ctrl(&mut app, 's');
    assert!(app.overlay.is_none());
    assert!(status(&app)
        .1
        .starts_with("cannot save: Agent version: invalid"));
    assert!(!footer::items(&app).iter().any(|i| i.word == "save"));
    press(&mut app, Enter);
    assert_eq!(app.step, Step::AgentVersion, "Enter refused while invalid");
    // The app container does not depend on the agent version: it can be
    // copied, and shows what generate prints.
    while app.preview.tab != Tab::AppContainer {
        press_with(&mut app, Right, KeyModifiers::SHIFT);
    }
    let expected = render(app.config(), Artifact::AppContainer).unwrap();
    assert_eq!(ctrl(&mut app, 'y'), Some(Effect::Copy(expected)));
}

#[test]
fn an_invalid_tag_blocks_the_app_and_then_recovers() {
    let mut app = default_app();
    press(&mut app, Char('8'));
    assert_eq!(app.step, Step::Tags);
    type_text(&mut app, "checkout");
    press(&mut app, Down);
    type_text(&mut app, "prod eu");
    assert_eq!(app.config().tags.service.as_deref(), Some("checkout"));
    assert!(app
        .answers
        .problem(Question::Env)
        .unwrap()
        .contains("invalid env \"prod eu\""));
    assert!(matches!(app.preview.current(), Content::Blocked(_)));
    press(&mut app, Enter);
    assert_eq!(app.focus, Some(Question::Env), "Enter refused");
    for _ in 0..3 {
        press(&mut app, Backspace);
    }
    let text = app.preview.current().text().expect("the preview is back");
    assert!(text.contains("\"value\": \"prod\""), "{text}");
    press(&mut app, Up);
    ctrl(&mut app, 'u');
    assert_eq!(
        app.config().tags.service,
        None,
        "emptied field unsets the tag"
    );
}

#[test]
fn a_default_in_a_field_is_selected_so_typing_replaces_it() {
    let mut app = default_app();
    press(&mut app, Char('7'));
    assert_eq!(app.focus, Some(Question::AppName));
    assert!(app.inputs[Question::AppName.index()].is_selected());
    type_text(&mut app, "checkout");
    assert_eq!(app.config().app_name, "checkout");
    press(&mut app, Enter);
    assert_eq!(app.focus, Some(Question::AppImage));
    type_text(&mut app, "nginx:1.27");
    assert_eq!(app.config().app_image, "nginx:1.27");
}

#[test]
fn a_multi_line_paste_into_the_command_is_joined_with_and_and_says_so() {
    let mut app = default_app();
    press(&mut app, Char('6'));
    paste(&mut app, "php artisan migrate --force\nphp-fpm -F\n");
    let joined = "php artisan migrate --force && php-fpm -F";
    assert_eq!(app.inputs[Question::StartupCommand.index()].text(), joined);
    assert_eq!(app.config().startup_command, joined);
    assert_eq!(status(&app), (StatusKind::Info, strings::pasted_joined(2)));
    let script = Tab::Script.text(app.config()).unwrap();
    assert!(
        script.ends_with(&format!("\n{joined}\n")) || script.ends_with(&format!("\n{joined}")),
        "{script}"
    );
    assert!(!script.contains("--force php-fpm"), "{script}");
}

#[test]
fn a_multi_line_paste_into_a_one_line_field_is_refused() {
    let mut app = default_app();
    press(&mut app, Char('7'));
    paste(&mut app, "web\napi");
    assert_eq!(app.config().app_name, "app");
    let (kind, text) = status(&app);
    assert_eq!(kind, StatusKind::Error);
    assert_eq!(
        text,
        "App name takes one line and the pasted text has 2: nothing pasted"
    );
    paste(&mut app, "web\n");
    assert_eq!(
        app.config().app_name,
        "web",
        "a trailing line break is not a line"
    );
}

#[test]
fn empty_startup_command_blocks_next_and_save() {
    let mut app = default_app();
    press(&mut app, Char('6'));
    ctrl(&mut app, 'u');
    assert_eq!(app.inputs[Question::StartupCommand.index()].text(), "");
    press(&mut app, Enter);
    assert_eq!(app.step, Step::StartupCommand);
    ctrl(&mut app, 's');
    assert!(app.overlay.is_none());
    let (kind, text) = status(&app);
    assert_eq!(kind, StatusKind::Error);
    assert!(text.contains("Startup command"), "{text}");
}

#[test]
fn letters_type_in_fields_and_command_elsewhere() {
    let mut app = default_app();
    press(&mut app, Char('6'));
    type_text(&mut app, "sq?c1");
    assert_eq!(app.inputs[Question::StartupCommand.index()].text(), "sq?c1");
    assert!(app.overlay.is_none() && !app.quit);
    keys(&mut app, &[Left, Left, Left]);
    ctrl(&mut app, 'k');
    ctrl(&mut app, 'a');
    type_text(&mut app, "é ");
    assert_eq!(app.config().startup_command, "é sq");
}

#[test]
fn on_fargate_the_startup_command_is_not_needed() {
    let mut app = default_app();
    keys(&mut app, &[Down, Enter, Enter, Enter, Enter, Enter, Enter]);
    assert_eq!(app.config().launch_type, LaunchType::Fargate);
    assert_eq!(app.step, Step::Connection);
    let labels: Vec<&str> = app
        .answers
        .choices(Question::Connection)
        .iter()
        .map(|c| c.label)
        .collect();
    assert_eq!(labels, ["localhost (TCP)", "Unix socket"]);
    press(&mut app, Enter);
    assert_eq!(app.step, Step::StartupCommand);
    assert_eq!(app.focus, None);
    assert_eq!(app.context(), Context::Choice);
    press(&mut app, Enter);
    assert_eq!(app.step, Step::App);
}

#[test]
fn any_step_can_be_revisited() {
    let mut app = default_app();
    enter_to_review(&mut app);
    press(&mut app, Char('3'));
    assert_eq!(app.step, Step::Language);
    press_with(&mut app, BackTab, KeyModifiers::SHIFT);
    assert_eq!(app.step, Step::AgentVersion);
    keys(&mut app, &[Esc, Esc]);
    assert_eq!(app.step, Step::LaunchType);
    assert_eq!(status(&app).1, strings::FIRST_STEP);
    press(&mut app, Char('0'));
    assert_eq!(app.step, Step::Features, "0 is the tenth step");
}

#[test]
fn quit_asks_only_when_there_is_unsaved_work() {
    let mut app = default_app();
    press(&mut app, Char('q'));
    assert!(app.quit, "nothing done yet: quits at once");

    let mut app = default_app();
    press(&mut app, Enter);
    press(&mut app, Char('q'));
    assert!(!app.quit);
    assert_eq!(app.overlay, Some(Overlay::ConfirmQuit));
    press(&mut app, Char('n'));
    assert_eq!(app.overlay, None);
    press(&mut app, Char('q'));
    press(&mut app, Char('y'));
    assert!(app.quit);
}

#[test]
fn ctrl_c_quits_from_everywhere() {
    let setups: [&dyn Fn(&mut App); 4] = [
        &|_| {},
        &|a| {
            press(a, Char('5'));
        },
        &|a| {
            press(a, Char('s'));
        },
        &|a| {
            press(a, Char('?'));
        },
    ];
    for setup in setups {
        let mut app = default_app();
        press(&mut app, Down);
        setup(&mut app);
        let context = app.context();
        assert_eq!(
            ctrl(&mut app, 'c'),
            Some(Effect::Interrupted),
            "{context:?}"
        );
        assert!(app.quit, "{context:?}");
    }
}

#[test]
fn saving_asks_before_overwriting_and_writes_what_generate_writes() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let mut app = wizard(&php_v1_717(), Theme::MONO);
    enter_to_review(&mut app);
    press(&mut app, Enter);
    ctrl(&mut app, 'u');
    type_text(&mut app, out.to_str().unwrap());
    let Some(Effect::Save { dir: target, force }) = press(&mut app, Enter) else {
        panic!("Enter in the dialog saves");
    };
    assert_eq!((target.as_path(), force), (out.as_path(), false));
    perform_save(&mut app, &target, force);
    assert!(app.overlay.is_none());
    assert!(!app.has_unsaved_work());
    let expected = artifact_files(&php_v1_717().config().unwrap());
    assert_eq!(app.saved.len(), expected.len());
    for path in &app.saved {
        let name = path.file_name().unwrap().to_str().unwrap();
        let (_, text) = expected.iter().find(|(n, _)| *n == name).unwrap();
        assert_eq!(&std::fs::read_to_string(path).unwrap(), text, "{name}");
    }
    assert!(status(&app)
        .1
        .starts_with(&format!("saved {} files in", expected.len())));

    press(&mut app, Char('s'));
    let effect = press(&mut app, Enter);
    let Some(Effect::Save { dir, force: false }) = effect else {
        panic!("{effect:?}")
    };
    perform_save(&mut app, &dir, false);
    assert_eq!(app.context(), Context::Confirm);
    let Some(Overlay::Save(dialog)) = &app.overlay else {
        panic!("dialog stays open")
    };
    assert_eq!(
        dialog.overwrite.as_ref().map(Vec::len),
        Some(expected.len())
    );
    press(&mut app, Char('n'));
    assert_eq!(app.context(), Context::SaveDialog);
    press(&mut app, Enter);
    perform_save(&mut app, &dir, false);
    assert_eq!(
        press(&mut app, Char('y')),
        Some(Effect::Save { dir, force: true })
    );
}

#[test]
fn the_exit_report_lists_the_files_then_the_next_steps() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = default_app();
    press(&mut app, Char('7'));
    type_text(&mut app, "checkout");
    ctrl(&mut app, 's');
    let Some(Effect::Save { force, .. }) = press(&mut app, Enter) else {
        panic!("Enter in the dialog saves");
    };
    perform_save(&mut app, dir.path(), force);
    let outcome = Outcome {
        saved: app.saved.clone(),
        last_save: app.last_save.clone(),
    };
    let mut out = Vec::new();
    outcome.report(&mut out).unwrap();
    let out = String::from_utf8(out).unwrap();
    assert!(out.starts_with("wrote "), "{out}");
    let next = out.find("Next steps").expect("next steps");
    assert!(
        out[next..].contains("file://app-task-definition.json"),
        "{out}"
    );
    assert!(out[next..].contains("checkout"), "{out}");
    assert!(!out.contains('\u{1b}'));
}

#[cfg(unix)]
#[test]
fn a_failed_save_is_shown_in_the_dialog() {
    let dir = tempfile::tempdir().unwrap();
    let blocker = dir.path().join("file");
    std::fs::write(&blocker, "not a directory").unwrap();
    let mut app = default_app();
    press(&mut app, Char('s'));
    let target = blocker.join("out");
    perform_save(&mut app, &target, false);
    let Some(Overlay::Save(dialog)) = &app.overlay else {
        panic!("dialog stays open")
    };
    let error = dialog.error.as_deref().unwrap();
    assert!(error.starts_with("cannot write "), "{error}");
    assert!(app.saved.is_empty());
}

#[test]
fn copy_takes_the_previewed_text_or_says_why_not() {
    let mut app = default_app();
    press(&mut app, Enter);
    assert_eq!(app.preview.tab, Tab::AgentContainer);
    let expected = render(app.config(), Artifact::AgentContainer).unwrap();
    assert_eq!(press(&mut app, Char('c')), Some(Effect::Copy(expected)));
    while app.preview.tab != Tab::Apache {
        press(&mut app, Right);
    }
    assert_eq!(press(&mut app, Char('c')), None);
    let (kind, text) = status(&app);
    assert_eq!(kind, StatusKind::Error);
    assert_eq!(text, "cannot copy Apache: it is not used with python");
    assert!(!footer::items(&app).iter().any(|i| i.word == "copy"));
}

#[test]
fn entering_a_step_shows_where_its_answer_acts() {
    let mut app = default_app();
    press(&mut app, Char('6'));
    assert_eq!(app.preview.tab, Tab::Script);
    let shown = frame(&mut app, 120, 40);
    assert!(shown.contains("exec python my_app.py"), "{shown}");
    keys(&mut app, &[KeyCode::Tab, KeyCode::Tab, KeyCode::Tab]);
    assert_eq!(app.step, Step::Datadog);
    assert_eq!(app.preview.tab, Tab::AgentContainer);
    let shown = frame(&mut app, 120, 40);
    assert!(shown.contains("\"value\": \"datadoghq.com\""), "{shown}");
}

#[test]
fn preview_follows_every_keystroke() {
    let mut app = default_app();
    press(&mut app, Char('6'));
    press(&mut app, KeyCode::End);
    type_text(&mut app, " --debug");
    let script = app.preview.current().text().unwrap();
    assert!(script.ends_with("exec python my_app.py --debug"));
    let changed: Vec<bool> = app.preview.changed().to_vec();
    assert_eq!(changed.iter().filter(|c| **c).count(), 1);
    assert!(*changed.last().unwrap());
    assert!(app.max_scroll() > 0);
    assert!(app.preview.scroll > 0, "scrolled to show the changed line");
}

/// A key in a long field reaches the field at once and the answers only
/// once no key is waiting (the event loop's `settle`), so it costs what a
/// key in a short field costs; whatever else is pressed acts on the text
/// as the field shows it.
#[test]
fn a_long_field_is_taken_once_no_key_waits_and_before_any_other_key() {
    let mut app = default_app();
    press(&mut app, Char('6'));
    assert_eq!(app.focus, Some(Question::StartupCommand));
    let before = app.config().startup_command.clone();
    let long = format!("exec app {}", "x".repeat(update::TAKEN_LATER_FROM));
    ctrl(&mut app, 'u');
    let taken = |app: &App| app.answers.text(Question::StartupCommand).to_owned();
    assert_eq!(taken(&app), "", "a short text is taken at once");
    paste(&mut app, &long);
    type_text(&mut app, "yz");
    let typed = format!("{long}yz");
    assert_eq!(app.inputs[Question::StartupCommand.index()].text(), typed);
    assert_eq!(taken(&app), "", "taken later");
    assert_eq!(app.untaken, Some(Question::StartupCommand));
    assert!(update::settle(&mut app));
    assert_eq!(app.config().startup_command, typed);
    assert_eq!(app.untaken, None);
    assert!(!update::settle(&mut app), "nothing left to take");
    let Content::Text { text, lines, .. } = app.preview.current() else {
        panic!("the script tab shows text");
    };
    assert!(text.contains(&typed), "copying takes the whole command");
    let shown = lines
        .iter()
        .find(|l| l.contains("more characters"))
        .expect("the command's line is cut");
    assert!(
        shown.chars().count() < SHOWN_PER_LINE + 100,
        "{}",
        shown.len()
    );

    // All spaces: the field is empty as far as the answers go, and Enter,
    // pressed before any settle, is refused for it.
    ctrl(&mut app, 'u');
    paste(
        &mut app,
        &format!("a{}", " ".repeat(update::TAKEN_LATER_FROM)),
    );
    keys(&mut app, &[KeyCode::Home, KeyCode::Delete]);
    assert_eq!(app.untaken, Some(Question::StartupCommand));
    press(&mut app, Enter);
    assert_eq!(app.untaken, None);
    assert_eq!(app.step, Step::StartupCommand);
    assert_eq!(status(&app).0, StatusKind::Error);
    assert!(
        status(&app).1.contains("startup command must not be empty"),
        "{:?}",
        status(&app)
    );
    press(&mut app, KeyCode::End);
    ctrl(&mut app, 'u');
    type_text(&mut app, &before);
    assert_eq!(app.config().startup_command, before);
}

#[test]
fn preview_tabs_cycle_and_scroll_within_bounds() {
    let mut app = default_app();
    press(&mut app, Enter);
    assert_eq!(app.preview.tab, Tab::AgentContainer);
    press(&mut app, Left);
    assert_eq!(app.preview.tab, Tab::AgentTaskDefinition);
    press(&mut app, Left);
    assert_eq!(app.preview.tab, Tab::TracerCode);
    keys(&mut app, &[Right, Right, Right]);
    assert_eq!(app.preview.tab, Tab::AppTaskDefinition);
    let max = app.max_scroll();
    assert!(max > 0);
    for _ in 0..10 {
        press(&mut app, PageDown);
    }
    assert_eq!(app.preview.scroll, max);
    press(&mut app, PageUp);
    assert!(app.preview.scroll < max);
    press(&mut app, KeyCode::Home);
    assert_eq!(app.preview.scroll, 0);
    press(&mut app, KeyCode::End);
    assert_eq!(app.preview.scroll, max);
    resize(&mut app, 100, 200);
    assert_eq!(app.preview.scroll, 0, "everything fits: clamped");
}

#[test]
fn footer_lists_only_keys_that_work_now() {
    let mut app = default_app();
    let words = |app: &App| {
        footer::items(app)
            .iter()
            .map(|i| i.word)
            .collect::<Vec<_>>()
    };
    let first = words(&app);
    assert!(!first.contains(&"back"), "{first:?}");
    assert!(first.contains(&"quit") && first.contains(&"help"));
    press(&mut app, Enter);
    assert!(words(&app).contains(&"back"));
    press(&mut app, Char('6'));
    let typing: Vec<(&str, &str)> = footer::items(&app)
        .iter()
        .map(|i| (i.keys, i.word))
        .collect();
    assert!(typing.contains(&("^S", "save")), "{typing:?}");
    assert!(typing.contains(&("F1", "help")), "{typing:?}");
    assert!(!typing.iter().any(|(k, _)| *k == "q" || *k == "?"));
}

#[test]
fn help_opens_scrolls_and_closes_on_any_key() {
    let mut app = default_app();
    press(&mut app, Char('?'));
    assert_eq!(app.context(), Context::Help);
    press(&mut app, PageDown);
    assert!(matches!(app.overlay, Some(Overlay::Help { scroll }) if scroll > 0));
    for _ in 0..20 {
        press(&mut app, PageDown);
    }
    for _ in 0..20 {
        press(&mut app, PageUp);
    }
    assert!(
        matches!(app.overlay, Some(Overlay::Help { scroll: 0 })),
        "scrolling stops at the ends: {:?}",
        app.overlay
    );
    press(&mut app, Char('x'));
    assert_eq!(app.overlay, None);
    press(&mut app, Char('6'));
    press(&mut app, KeyCode::F(1));
    assert_eq!(app.context(), Context::Help);
    press(&mut app, Esc);
    assert_eq!(app.step, Step::StartupCommand, "Esc only closed the help");
}

/// Below the minimum size only the size message shows, so nothing a key
/// would do can be seen: every key but quit (and redraw) is ignored.
#[test]
fn a_terminal_too_small_ignores_every_key_but_quit() {
    let mut app = default_app();
    resize(&mut app, 20, 5);
    let before = (app.step, app.config().clone(), app.overlay.clone());
    for _ in 0..40 {
        assert_eq!(press(&mut app, Enter), None);
    }
    for key in [
        Down,
        KeyCode::Tab,
        Char('s'),
        Char('5'),
        Char('?'),
        Right,
        Esc,
    ] {
        assert_eq!(press(&mut app, key), None, "{key:?}");
    }
    assert_eq!(ctrl(&mut app, 's'), None);
    assert_eq!(paste(&mut app, "x"), None);
    assert_eq!(
        (app.step, app.config().clone(), app.overlay.clone()),
        before,
        "a key acted on a screen too small to show it"
    );
    // Grown back, the same keys act again.
    resize(&mut app, 100, 30);
    press(&mut app, Enter);
    assert_ne!(app.step, Step::LaunchType);
}

#[test]
fn a_terminal_too_small_still_quits() {
    let mut app = default_app();
    resize(&mut app, 20, 5);
    press(&mut app, Char('q'));
    assert!(app.quit, "q quits an untouched wizard");

    // With answers unsaved, q asks; the question shows on the small
    // screen and y answers it.
    let mut app = default_app();
    press(&mut app, Down);
    resize(&mut app, 20, 5);
    press(&mut app, Char('q'));
    assert_eq!(app.overlay, Some(Overlay::ConfirmQuit));
    assert!(frame(&mut app, 30, 8).contains("Quit without"));
    press(&mut app, Char('n'));
    assert_eq!(app.overlay, None);
    press(&mut app, Char('q'));
    press(&mut app, Char('y'));
    assert!(app.quit);

    let mut app = default_app();
    press(&mut app, Down);
    resize(&mut app, 20, 5);
    ctrl(&mut app, 'c');
    assert!(app.quit, "Ctrl-C quits at once");
}
