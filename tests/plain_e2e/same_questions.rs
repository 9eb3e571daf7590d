//! Both front ends ask the questions of the one model, in its order: the
//! full-screen wizard (driven in-process, Enter after Enter) and `--plain`
//! (in a terminal, taking every default) go through the same list.

use ddecs_wizard::core::model::given::Given;
use ddecs_wizard::tui::state::App;
use ddecs_wizard::tui::theme::Theme;
use ddecs_wizard::tui::update;
use ddecs_wizard::wizard::{Answers, Question, Step};
use ratatui::crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};

use crate::prompts::{last_line, TERMINAL};
use crate::tmux::Pane;

/// The questions the model asks with every default taken.
fn model_order() -> Vec<Question> {
    let answers = Answers::from_given(&Given::default()).expect("defaults");
    Step::ALL
        .iter()
        .flat_map(|s| s.questions())
        .filter(|q| answers.not_needed(*q).is_none())
        .collect()
}

/// The questions the full-screen wizard focuses, Enter after Enter.
fn tui_order() -> Vec<Question> {
    let mut app = App::from_given(&Given::default(), Theme::MONO).expect("defaults");
    let mut asked = Vec::new();
    while app.step != Step::Review {
        asked.extend(app.focus);
        let enter = Event::Key(KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE));
        update::on_event(&mut app, &enter);
        assert!(asked.len() <= Question::ALL.len(), "Enter loops: {asked:?}");
    }
    asked
}

#[test]
fn both_front_ends_ask_the_model_s_questions_in_its_order() {
    let model = model_order();
    assert_eq!(tui_order(), model);

    let Some(pane) = Pane::start(TERMINAL, &["--plain"], &[("TERM", "dumb")]) else {
        return;
    };
    // Enter takes each default; the menu after the questions ends it.
    let mut entered = 0;
    loop {
        let text = pane.wait_until("a question", |text| {
            let last = last_line(text);
            last.starts_with("choose 1-")
                || Question::ALL
                    .iter()
                    .any(|q| last.starts_with(q.text_prompt()))
        });
        if text.contains("What now?") {
            break;
        }
        let filled = |text: &str| text.lines().filter(|l| !l.trim().is_empty()).count();
        let before = filled(&text);
        pane.press(&["Enter"]);
        pane.wait_until("the next question", |now| filled(now) > before);
        entered += 1;
        assert!(
            entered <= Question::ALL.len(),
            "too many questions:\n{text}"
        );
    }
    let history = pane.history();
    let mut from = 0;
    for q in &model {
        let at = history[from..]
            .find(q.prompt())
            .unwrap_or_else(|| panic!("{:?} not asked after byte {from}:\n{history}", q.prompt()));
        from += at + q.prompt().len();
    }
    assert_eq!(entered, model.len(), "{history}");
}
