//! The wizard's state machine, driven by key events as a user would type
//! them: which step and config result, what is refused, and what is asked.

mod tui_support;

use ddecs_wizard::cli::Preset;
use ddecs_wizard::commands::generate::artifact_files;
use ddecs_wizard::core::{render, AgentVersion, Artifact, Config, Imds, Language};
use ddecs_wizard::tui::draw::footer;
use ddecs_wizard::tui::keys::Context;
use ddecs_wizard::tui::preview::Tab;
use ddecs_wizard::tui::state::{App, Overlay, StatusKind, Step};
use ddecs_wizard::tui::strings;
use ddecs_wizard::tui::theme::Theme;
use ddecs_wizard::tui::update::{self, Effect};
use ratatui::crossterm::event::{KeyCode, KeyModifiers};
use tui_support::*;

use KeyCode::{BackTab, Char, Down, Enter, Esc, Left, PageDown, PageUp, Right, Tab as TabKey, Up};

fn default_app() -> App {
    wizard(&Preset::default(), Theme::MONO)
}

fn php_v1_717() -> Preset {
    Preset {
        language: Some(Language::Php),
        imds: Some(Imds::V1),
        agent_version: Some("7.17".parse().unwrap()),
        ..Preset::default()
    }
}

fn status(app: &App) -> (StatusKind, String) {
    let s = app.status.as_ref().expect("a status message");
    (s.kind, s.text.clone())
}

#[test]
fn accepting_every_default_reaches_the_save_dialog_in_six_keys() {
    let mut app = default_app();
    assert_eq!(app.step, Step::AgentVersion);
    keys(&mut app, &[Enter, Enter, Enter, Enter, Enter]);
    assert_eq!(app.step, Step::Review);
    assert_eq!(app.config, Config::default());
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
fn choosing_php_v1_717_by_keys_gives_the_preset_config() {
    let mut app = default_app();
    keys(&mut app, &[Down, Down, Enter]);
    for _ in 0..6 {
        press(&mut app, Down);
    }
    keys(&mut app, &[Enter, Down, Enter]);
    assert_eq!(app.step, Step::StartupCommand);
    assert_eq!(app.config, php_v1_717().to_config().unwrap());
    assert_eq!(app.command.text(), "php-fpm -F");
}

#[test]
fn a_preset_prefills_answers_and_starts_at_the_first_open_step() {
    let app = wizard(&php_v1_717(), Theme::MONO);
    assert_eq!(app.step, Step::StartupCommand);
    assert_eq!(app.config, php_v1_717().to_config().unwrap());
    assert_eq!(app.visited, [true, true, true, true, false, false]);
    let all = Preset {
        startup_command: Some("php-fpm -F -R".into()),
        env: Some("prod".into()),
        ..php_v1_717()
    };
    let app = wizard(&all, Theme::MONO);
    assert_eq!(app.step, Step::Review);
}

#[test]
fn language_change_replaces_only_an_unedited_command() {
    let mut app = default_app();
    keys(&mut app, &[Enter, Down]);
    assert_eq!(app.config.language, Language::Nodejs);
    assert_eq!(
        app.config.startup_command,
        "node --require dd-trace/init server.js"
    );
    keys(&mut app, &[Enter, Enter]);
    type_text(&mut app, " --port 8080");
    keys(&mut app, &[Esc, Esc]);
    assert_eq!(app.step, Step::Language);
    press(&mut app, Down);
    assert_eq!(app.config.language, Language::Ruby);
    assert_eq!(
        app.config.startup_command,
        "node --require dd-trace/init server.js --port 8080"
    );
}

#[test]
fn typed_agent_version_is_validated_as_you_type() {
    let mut app = default_app();
    keys(&mut app, &[Down, Down, Down]);
    assert_eq!(app.context(), Context::Text);
    ctrl(&mut app, 'u');
    assert_eq!(
        app.problem(Step::AgentVersion).unwrap(),
        strings::AGENT_TYPE_A_VERSION
    );
    assert_eq!(app.config.agent_version, "7.17".parse().unwrap());
    type_text(&mut app, "7.17.1");
    assert_eq!(app.config.agent_version, "7.17.1".parse().unwrap());
    assert!(app.config.agent_version.is_legacy());
    type_text(&mut app, ".");
    assert!(app
        .problem(Step::AgentVersion)
        .unwrap()
        .contains("invalid agent version"));
    assert_eq!(
        app.config.agent_version,
        "7.17.1".parse().unwrap(),
        "last good value kept"
    );
    press(&mut app, Enter);
    assert_eq!(app.step, Step::AgentVersion, "Enter refused while invalid");
    assert_eq!(status(&app).0, StatusKind::Error);
    press(&mut app, KeyCode::Backspace);
    press(&mut app, Enter);
    assert_eq!(app.step, Step::Language);
}

#[test]
fn other_version_starts_from_the_chosen_one() {
    let mut app = default_app();
    keys(&mut app, &[Down, Down, Down]);
    assert_eq!(app.agent_input.text(), "7.17");
    type_text(&mut app, ".3");
    assert_eq!(
        app.config.agent_version,
        AgentVersion::Version {
            major: 7,
            minor: Some(17),
            patch: Some(3)
        }
    );
    keys(&mut app, &[Up]);
    assert_eq!(app.config.agent_version, "7.17".parse().unwrap());
}

#[test]
fn empty_startup_command_blocks_next_and_save() {
    let mut app = default_app();
    keys(&mut app, &[Enter, Enter, Enter]);
    assert_eq!(app.step, Step::StartupCommand);
    ctrl(&mut app, 'u');
    assert_eq!(app.command.text(), "");
    assert_eq!(
        app.config.startup_command,
        Language::Python.default_startup_command()
    );
    press(&mut app, Enter);
    assert_eq!(app.step, Step::StartupCommand);
    ctrl(&mut app, 's');
    assert!(app.overlay.is_none());
    let (kind, text) = status(&app);
    assert_eq!(kind, StatusKind::Error);
    assert!(text.contains("Startup command"), "{text}");
    assert!(!footer::items(&app).iter().any(|i| i.word == "save"));
}

#[test]
fn letters_type_in_fields_and_command_elsewhere() {
    let mut app = default_app();
    keys(&mut app, &[Enter, Enter, Enter]);
    ctrl(&mut app, 'u');
    type_text(&mut app, "sq?c1");
    assert_eq!(app.command.text(), "sq?c1");
    assert!(app.overlay.is_none() && !app.quit);
    keys(&mut app, &[Left, Left, Left]);
    ctrl(&mut app, 'k');
    ctrl(&mut app, 'a');
    type_text(&mut app, "é ");
    assert_eq!(app.command.text(), "é sq");
    assert_eq!(app.config.startup_command, "é sq");
}

#[test]
fn paste_goes_into_the_field_as_one_line() {
    let mut app = default_app();
    keys(&mut app, &[Enter, Enter, Enter]);
    ctrl(&mut app, 'u');
    paste(&mut app, "java -jar 'my app.jar' \"$X\" ünï\n");
    assert_eq!(
        app.config.startup_command,
        "java -jar 'my app.jar' \"$X\" ünï"
    );
    assert!(app.status.is_none());
    paste(&mut app, "\ncd /app\n./run");
    assert!(app.command.text().ends_with("ünï cd /app ./run"));
    assert_eq!(status(&app).1, strings::PASTE_JOINED);
}

#[test]
fn tags_are_optional_and_checked() {
    let mut app = default_app();
    keys(&mut app, &[Enter, Enter, Enter, Enter]);
    assert_eq!(app.step, Step::Tags);
    type_text(&mut app, "checkout");
    press(&mut app, Down);
    type_text(&mut app, "prod eu");
    assert_eq!(app.config.tags.service.as_deref(), Some("checkout"));
    assert!(app
        .problem(Step::Tags)
        .unwrap()
        .contains("invalid env \"prod eu\""));
    assert_eq!(
        app.config.tags.env.as_deref(),
        Some("prod"),
        "last good value kept"
    );
    press(&mut app, Enter);
    assert_eq!(app.step, Step::Tags);
    for _ in 0..3 {
        press(&mut app, KeyCode::Backspace);
    }
    assert_eq!(app.config.tags.env.as_deref(), Some("prod"));
    press(&mut app, Up);
    ctrl(&mut app, 'u');
    assert_eq!(
        app.config.tags.service, None,
        "emptied field unsets the tag"
    );
    press(&mut app, Enter);
    assert_eq!(app.step, Step::Review);
}

#[test]
fn any_step_can_be_revisited() {
    let mut app = default_app();
    keys(&mut app, &[TabKey, TabKey, TabKey, TabKey, TabKey]);
    assert_eq!(app.step, Step::Review);
    press(&mut app, Char('2'));
    assert_eq!(app.step, Step::Language);
    press_with(&mut app, BackTab, KeyModifiers::SHIFT);
    assert_eq!(app.step, Step::AgentVersion);
    press(&mut app, Esc);
    assert_eq!(app.step, Step::AgentVersion);
    assert_eq!(status(&app).1, strings::FIRST_STEP);
    press(&mut app, Char('6'));
    assert_eq!(app.step, Step::Review);
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
            keys(a, &[Enter, Enter, Enter]);
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
        ctrl(&mut app, 'c');
        assert!(app.quit, "{:?}", app.context());
    }
}

#[test]
fn saving_asks_before_overwriting_and_writes_what_generate_writes() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let mut app = wizard(&php_v1_717(), Theme::MONO);
    press(&mut app, Enter);
    keys(&mut app, &[Enter, Enter]);
    assert_eq!(app.step, Step::Review);
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
    assert_eq!(app.saved.len(), 7);
    let expected = artifact_files(&php_v1_717().to_config().unwrap());
    for path in &app.saved {
        let name = path.file_name().unwrap().to_str().unwrap();
        let (_, text) = expected.iter().find(|(n, _)| *n == name).unwrap();
        assert_eq!(&std::fs::read_to_string(path).unwrap(), text, "{name}");
    }
    assert!(status(&app).1.starts_with("saved 7 files in"));

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
    assert_eq!(dialog.overwrite.as_ref().map(Vec::len), Some(7));
    press(&mut app, Char('n'));
    assert_eq!(app.context(), Context::SaveDialog);
    press(&mut app, Enter);
    perform_save(&mut app, &dir, false);
    assert_eq!(
        press(&mut app, Char('y')),
        Some(Effect::Save { dir, force: true })
    );
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
    assert_eq!(app.preview.tab, Tab::AgentContainer);
    let expected = render(&app.config, Artifact::AgentContainer).unwrap();
    assert_eq!(press(&mut app, Char('c')), Some(Effect::Copy(expected)));
    while app.preview.tab != Tab::Apache {
        press(&mut app, Right);
    }
    assert_eq!(press(&mut app, Char('c')), None);
    let (kind, text) = status(&app);
    assert_eq!(kind, StatusKind::Error);
    assert!(text.contains("Apache is not used"), "{text}");
    assert!(!footer::items(&app).iter().any(|i| i.word == "copy"));
}

#[test]
fn preview_follows_every_keystroke() {
    let mut app = default_app();
    keys(&mut app, &[Enter, Enter, Enter]);
    assert_eq!(app.preview.tab, Tab::Script);
    type_text(&mut app, " --debug");
    let script = app.preview.current().text().unwrap();
    assert!(script.ends_with("exec ddtrace-run python my_app.py --debug"));
    let changed: Vec<bool> = app.preview.changed().to_vec();
    assert_eq!(changed.iter().filter(|c| **c).count(), 1);
    assert!(*changed.last().unwrap());
    assert!(update::max_scroll(&app) > 0);
    assert!(app.preview.scroll > 0, "scrolled to show the changed line");
}

#[test]
fn preview_tabs_cycle_and_scroll_within_bounds() {
    let mut app = default_app();
    press(&mut app, Left);
    assert_eq!(app.preview.tab, Tab::TaskDefinition);
    press(&mut app, Left);
    assert_eq!(app.preview.tab, Tab::TracerCode);
    press(&mut app, Right);
    press(&mut app, Right);
    assert_eq!(app.preview.tab, Tab::AgentContainer);
    press(&mut app, Left);
    let max = update::max_scroll(&app);
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
    keys(&mut app, &[Enter, Enter]);
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
    press(&mut app, PageUp);
    press(&mut app, PageUp);
    assert!(
        matches!(app.overlay, Some(Overlay::Help { scroll: 0 })),
        "scrolling stops at the end: {:?}",
        app.overlay
    );
    press(&mut app, Char('x'));
    assert_eq!(app.overlay, None);
    keys(&mut app, &[Enter, Enter, Enter]);
    press(&mut app, KeyCode::F(1));
    assert_eq!(app.context(), Context::Help);
    press(&mut app, Esc);
    assert_eq!(app.step, Step::StartupCommand, "Esc only closed the help");
}
