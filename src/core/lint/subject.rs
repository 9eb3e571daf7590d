//! What the rules look at: the task as a whole and one container in it,
//! each knowing where it sits in the file, so that every finding can name
//! the JSON value it is about (and from that, its line and column).

use serde_json::Value;

use crate::core::lint::report::{Finding, Rule};
use crate::core::taskdef::container::{self, Role};
use crate::core::taskdef::context::TaskContext;
use crate::core::taskdef::document::{Document, Shape};

/// The task-level facts every rule may need.
pub struct Task<'a> {
    pub document: &'a Document,
    pub context: TaskContext,
    pub roles: Vec<Role>,
}

impl<'a> Task<'a> {
    pub fn of(document: &'a Document) -> Task<'a> {
        Task {
            document,
            context: TaskContext::of(document),
            roles: container::roles(document.containers()),
        }
    }

    /// Container `index` with its place in the file.
    pub fn subject(&self, index: usize) -> Subject<'a> {
        let within = match self.document.shape {
            Shape::Task => format!("/containerDefinitions/{index}"),
            Shape::Containers => format!("/{index}"),
            Shape::Container => String::new(),
        };
        Subject {
            value: &self.document.containers()[index],
            pointer: self.document.file_pointer(&within),
        }
    }

    /// Every container with the given role.
    pub fn with_role(&self, role: Role) -> impl Iterator<Item = Subject<'a>> + '_ {
        self.roles
            .iter()
            .enumerate()
            .filter(move |(_, r)| **r == role)
            .map(|(index, _)| self.subject(index))
    }

    /// A task-level field's pointer in the file, or the task's own when
    /// the field is absent.
    pub fn field(&self, key: &str) -> String {
        let present = self.document.task().is_some_and(|t| t.contains_key(key));
        self.document.file_pointer(&if present {
            format!("/{key}")
        } else {
            String::new()
        })
    }

    /// A finding about the task as a whole, with the rule's general fix.
    pub fn finding(&self, rule: &'static Rule, pointer: String, message: String) -> Finding {
        Finding {
            rule,
            container: None,
            pointer,
            at: None,
            message,
            fix: rule.help.to_owned(),
        }
    }
}

/// One container definition and its pointer in the file.
#[derive(Clone)]
pub struct Subject<'a> {
    pub value: &'a Value,
    pub pointer: String,
}

impl Subject<'_> {
    pub fn name(&self) -> &str {
        container::name(self.value)
    }

    /// A finding about `field` (a pointer inside the container, `""` for
    /// the container itself), with the rule's general fix.
    pub fn finding(&self, rule: &'static Rule, field: &str, message: impl Into<String>) -> Finding {
        self.finding_fixed(rule, field, message, rule.help)
    }

    /// A finding whose fix is more specific than the rule's.
    pub fn finding_fixed(
        &self,
        rule: &'static Rule,
        field: &str,
        message: impl Into<String>,
        fix: &str,
    ) -> Finding {
        Finding {
            rule,
            container: Some(self.name().to_owned()),
            pointer: format!("{}{field}", self.pointer),
            at: None,
            message: message.into(),
            fix: fix.to_owned(),
        }
    }

    /// `/key` when the container has that key, else `""` (the container).
    pub fn field(&self, key: &str) -> String {
        if self.value.get(key).is_some() {
            format!("/{key}")
        } else {
            String::new()
        }
    }

    /// Where variable `name` is set: its value in `environment`, its entry
    /// in `secrets`, or else the environment (or the container) as a whole.
    pub fn env_field(&self, name: &str) -> String {
        let entry = |list: &str| {
            self.value
                .get(list)
                .and_then(Value::as_array)?
                .iter()
                .position(|e| e.get("name").and_then(Value::as_str) == Some(name))
        };
        if let Some(index) = entry("environment") {
            let has_value = self.value["environment"][index].get("value").is_some();
            let value = if has_value { "/value" } else { "" };
            return format!("/environment/{index}{value}");
        }
        if let Some(index) = entry("secrets") {
            return format!("/secrets/{index}");
        }
        self.field("environment")
    }

    /// The pointer of item `index` of [`container::start_argv`]: in
    /// `entryPoint`, or in `command` after it.
    pub fn argv_field(&self, index: usize) -> String {
        let in_entry_point = container::argv(self.value, "entryPoint").map_or(0, |a| a.len());
        if index < in_entry_point {
            format!("/entryPoint/{index}")
        } else {
            format!("/command/{}", index - in_entry_point)
        }
    }

    /// The pointer of the shell script the container runs (`sh -c SCRIPT`),
    /// or of its start command when there is no script.
    pub fn script_field(&self) -> String {
        let argv = container::start_argv(self.value);
        if container::shell_script(&argv).is_some() {
            self.argv_field(2)
        } else if argv.is_empty() {
            String::new()
        } else {
            self.argv_field(0)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::taskdef::document;

    #[test]
    fn pointers_follow_the_file_shape() {
        let document = document::read(
            br#"{"taskDefinition": {"containerDefinitions": [{"name": "a"}, {"name": "b", "entryPoint": ["sh"], "command": ["-c", "x"], "environment": [{"name": "K"}], "secrets": [{"name": "S", "valueFrom": "arn"}]}]}}"#,
        )
        .unwrap();
        let task = Task::of(&document);
        let b = task.subject(1);
        assert_eq!(b.pointer, "/taskDefinition/containerDefinitions/1");
        assert_eq!(b.env_field("K"), "/environment/0");
        assert_eq!(b.env_field("S"), "/secrets/0");
        assert_eq!(b.env_field("X"), "/environment");
        assert_eq!(b.script_field(), "/command/1");
        assert_eq!(task.field("family"), "/taskDefinition");
        assert_eq!(task.subject(0).field("image"), "");
    }
}
