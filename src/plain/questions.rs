//! The wizard's questions, one per line, exactly as the question model
//! lists them: the same steps, questions, choices and checks as the
//! full-screen wizard. A question a flag answered, or that the answers so
//! far make unnecessary, is not asked; the answer or the reason is shown.

use anyhow::Result;

use super::prompt::Prompter;
use crate::output::safe::printable;
use crate::wizard::review::{self, Note};
use crate::wizard::{Answers, Choice, Kind, Question, Step};

/// Asks every open question, in the model's order.
pub fn ask(ui: &Prompter, answers: &mut Answers) -> Result<()> {
    for step in Step::ALL {
        for q in step.questions() {
            ask_one(ui, answers, q)?;
        }
    }
    Ok(())
}

/// The line that stands for a question not asked.
pub fn not_asked(answers: &Answers, q: Question) -> Option<String> {
    if let Some(why) = answers.not_needed(q) {
        return Some(format!("{}: not needed ({why})", q.label()));
    }
    answers
        .given_by(q)
        .map(|flag| format!("{}: {} (from {flag})", q.label(), answers.answer(q)))
}

fn ask_one(ui: &Prompter, answers: &mut Answers, q: Question) -> Result<()> {
    if let Some(line) = not_asked(answers, q) {
        return ui.say(&line);
    }
    loop {
        if q.kind() != Kind::Text {
            let labels: Vec<String> = answers.choices(q).iter().map(choice_label).collect();
            let index = ui.select(q.prompt(), &labels, answers.selected(q))?;
            answers.select(q, index);
        }
        if answers.wants_text(q) {
            ask_text(ui, answers, q)?;
        }
        // Answers asked before were fine together; a conflict now comes from
        // this one, so it is asked again.
        match answers.conflict() {
            Some((with, why)) => ui.say(&format!(
                "that does not fit {}: {why}; choose again",
                with.label()
            ))?,
            None => return Ok(()),
        }
    }
}

fn choice_label(choice: &Choice) -> String {
    if choice.hint.is_empty() {
        choice.label.to_owned()
    } else {
        format!("{} ({})", choice.label, choice.hint)
    }
}

fn ask_text(ui: &Prompter, answers: &mut Answers, q: Question) -> Result<()> {
    let current = answers.text(q).to_owned();
    let prompt = match (current.is_empty(), q.example()) {
        (true, example) if !example.is_empty() => format!("{} ({example})", q.text_prompt()),
        _ => q.text_prompt().to_owned(),
    };
    let default = (!current.is_empty()).then_some(current.as_str());
    let checked = &*answers;
    let text = ui.input(&prompt, default, |text| checked.check_text(q, text))?;
    answers.set_text(q, &text);
    Ok(())
}

/// Every answer, and every placeholder the files would still hold.
pub fn review(ui: &Prompter, answers: &Answers) -> Result<()> {
    ui.say("Review:")?;
    let rows = review::rows(answers);
    let width = rows
        .iter()
        .map(|r| r.question.label().chars().count())
        .max()
        .unwrap_or(0);
    for row in rows {
        let label = row.question.label();
        let line = format!("  {label:<width$}  {}", row.value);
        match row.note {
            Note::Placeholder => ui.warn(&format!("{line}  ! placeholder"))?,
            Note::Flag(flag) => ui.say(&format!("{line}  (from {flag})"))?,
            Note::Problem(why) => ui.warn(&format!("{line}  ! {why}"))?,
            Note::Answered | Note::NotNeeded(_) => ui.say(&line)?,
        }
    }
    let left = review::placeholders(answers.config());
    if !left.is_empty() {
        ui.warn("Placeholders left in the files:")?;
        for placeholder in left {
            ui.warn(&format!("  ! {}", printable(&placeholder.describe())))?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::model::field::Field;
    use crate::core::model::given::Given;

    #[test]
    fn answers_not_asked_say_why() {
        let given = Given::default()
            .with(Field::Language, "php")
            .with(Field::Transport, "uds");
        let answers = Answers::from_given(&given).unwrap();
        assert_eq!(
            not_asked(&answers, Question::Language).as_deref(),
            Some("Language: PHP (from --language)")
        );
        let line = not_asked(&answers, Question::StartupCommand).unwrap();
        assert!(
            line.starts_with("Startup command: not needed (with the Unix socket"),
            "{line}"
        );
        assert_eq!(not_asked(&answers, Question::AppName), None);
    }

    /// dialoguer redraws a list by counting lines, so an item that wraps
    /// leaves debris behind: every choice fits an 80-column terminal.
    #[test]
    fn choices_fit_80_columns() {
        let config = crate::core::Config::default();
        for q in Question::ALL {
            for choice in q.choices(&config) {
                let label = choice_label(&choice);
                assert!(
                    label.chars().count() <= crate::plain::prompt::MAX_ITEM_WIDTH,
                    "{label}"
                );
            }
        }
    }
}
