//! The Review step: every answer with where it came from, and every
//! placeholder the files would still hold. Both front ends print these rows.

use super::answers::Answers;
use super::question::Question;
use crate::core::generate::artifact::build_json;
use crate::core::model::config::APP_IMAGE_PLACEHOLDER;
use crate::core::model::datadog::API_KEY_PLACEHOLDER;
use crate::core::taskdef::placeholder::angle_placeholders;
use crate::core::{Artifact, Config};

/// How an answer on Review came about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Note {
    Answered,
    /// Given on the command line with this flag.
    Flag(String),
    /// The question does not apply, and why.
    NotNeeded(&'static str),
    /// The files hold a placeholder for it.
    Placeholder,
    /// Not usable yet, and why.
    Problem(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    pub question: Question,
    pub value: String,
    pub note: Note,
}

/// One row per question, in the order they are asked.
pub fn rows(answers: &Answers) -> Vec<Row> {
    Question::ALL
        .into_iter()
        .map(|q| {
            let note = if let Some(why) = answers.not_needed(q) {
                Note::NotNeeded(why)
            } else if let Some(problem) = answers.problem(q) {
                Note::Problem(problem.to_owned())
            } else if answers.is_placeholder(q) {
                Note::Placeholder
            } else if let Some(flag) = answers.given_by(q) {
                Note::Flag(flag)
            } else {
                Note::Answered
            };
            let value = match note {
                Note::NotNeeded(_) => "not needed".to_owned(),
                _ => answers.answer(q),
            };
            Row {
                question: q,
                value,
                note,
            }
        })
        .collect()
}

/// A placeholder left in the files.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Placeholder {
    pub text: String,
    /// The files that hold it, in artifact order.
    pub files: Vec<&'static str>,
    /// The question whose answer replaces it, if one does.
    pub filled_by: Option<Question>,
}

impl Placeholder {
    /// One line saying what to do about it.
    pub fn describe(&self) -> String {
        let how = match self.filled_by {
            Some(q) => format!("answer {} › {}", q.step().title(), q.label()),
            None => "replace it in the file".to_owned(),
        };
        format!("{} in {}: {how}", self.text, self.files.join(", "))
    }
}

/// Every `<...>` placeholder in the JSON files `config` would write, found
/// in the rendered files themselves so the list cannot miss one.
pub fn placeholders(config: &Config) -> Vec<Placeholder> {
    let mut found: Vec<Placeholder> = Vec::new();
    for artifact in Artifact::applicable(config) {
        let Some(file) = artifact.file_name(config.language) else {
            continue;
        };
        let Some(json) = build_json(config, artifact) else {
            continue;
        };
        for place in angle_placeholders(&json) {
            match found.iter_mut().find(|p| p.text == place.text) {
                Some(p) if !p.files.contains(&file) => p.files.push(file),
                Some(_) => {}
                None => found.push(Placeholder {
                    filled_by: match place.text.as_str() {
                        APP_IMAGE_PLACEHOLDER => Some(Question::AppImage),
                        API_KEY_PLACEHOLDER => Some(Question::ApiKey),
                        _ => None,
                    },
                    text: place.text,
                    files: vec![file],
                }),
            }
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::model::field::Field;
    use crate::core::model::given::Given;

    #[test]
    fn defaults_leave_the_image_and_the_api_key() {
        let texts: Vec<String> = placeholders(&Config::default())
            .iter()
            .map(Placeholder::describe)
            .collect();
        assert_eq!(
            texts,
            [
                "<YOUR_DATADOG_API_KEY> in agent-task-definition.json, agent-container.json: answer Datadog › API key",
                "<YOUR_APP_IMAGE> in app-task-definition.json, app-container.json: answer App › App image",
            ]
        );
    }

    #[test]
    fn a_secret_arn_leaves_the_execution_role_to_fill_in() {
        let config = Config {
            api_key_secret_arn: Some(
                "arn:aws:secretsmanager:us-east-1:123456789012:secret:dd".to_owned(),
            ),
            app_image: "web:1".to_owned(),
            ..Config::default()
        };
        let left = placeholders(&config);
        assert!(left.iter().all(|p| p.filled_by.is_none()), "{left:?}");
        assert!(!left.is_empty());
    }

    #[test]
    fn rows_say_where_each_answer_came_from() {
        let answers = Answers::from_given(&Given::default().with(Field::Language, "go")).unwrap();
        let rows = rows(&answers);
        assert_eq!(rows.len(), Question::ALL.len());
        let note = |q| rows.iter().find(|r| r.question == q).unwrap().note.clone();
        assert_eq!(
            note(Question::Language),
            Note::Flag("--language".to_owned())
        );
        assert_eq!(note(Question::AppImage), Note::Placeholder);
        assert_eq!(note(Question::ApiKey), Note::Placeholder);
        assert_eq!(note(Question::Site), Note::Answered);
    }
}
