//! The one plan table `apply --all-services` shows before it writes: a row
//! per family with the revision it patches, what the patch changes, and
//! the services it rolls. No I/O.

use serde_json::Value;

use ddecs_wizard::output::safe::printable;

/// What happens to one family.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    /// A new revision, with what the patch changes.
    Register(Vec<String>),
    /// The latest revision is patched already; some services run an older
    /// one and are pointed at it.
    PointOnly,
    UpToDate,
    /// Cannot be patched as asked: why.
    Cannot(String),
}

/// A row of the plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    pub family: String,
    /// `family:revision` patched (the latest ACTIVE one).
    pub from: String,
    pub change: Change,
    /// Each service with the revision it runs now (`family:revision`).
    pub services: Vec<(String, String)>,
}

/// How many service names a row shows before "and N more".
const SHOWN_SERVICES: usize = 3;

impl Row {
    fn change_text(&self) -> String {
        match &self.change {
            Change::Register(what) if what.is_empty() => "new revision".to_owned(),
            Change::Register(what) => format!("new revision: {}", what.join("; ")),
            Change::PointOnly => "none (patched already): roll the services".to_owned(),
            Change::UpToDate => "up to date".to_owned(),
            Change::Cannot(why) => format!("cannot patch: {why}"),
        }
    }

    fn services_text(&self) -> String {
        let mut shown: Vec<String> = self
            .services
            .iter()
            .take(SHOWN_SERVICES)
            .map(|(name, runs)| {
                if *runs == self.from {
                    name.clone()
                } else {
                    format!("{name} ({runs})")
                }
            })
            .collect();
        if self.services.len() > SHOWN_SERVICES {
            shown.push(format!("and {} more", self.services.len() - SHOWN_SERVICES));
        }
        shown.join(", ")
    }
}

/// The table, aligned, every cell made printable.
pub fn table(rows: &[Row]) -> String {
    let cells: Vec<[String; 4]> = rows
        .iter()
        .map(|row| {
            [
                printable(&row.family).into_owned(),
                printable(&row.from).into_owned(),
                printable(&row.change_text()).into_owned(),
                printable(&row.services_text()).into_owned(),
            ]
        })
        .collect();
    let head = [
        "FAMILY".to_owned(),
        "FROM".to_owned(),
        "CHANGE".to_owned(),
        "SERVICES".to_owned(),
    ];
    let mut widths = [0usize; 3];
    for row in std::iter::once(&head).chain(&cells) {
        for (width, cell) in widths.iter_mut().zip(row.iter()) {
            *width = (*width).max(cell.chars().count());
        }
    }
    let mut text = String::new();
    for row in std::iter::once(&head).chain(&cells) {
        for (i, cell) in row.iter().enumerate().take(3) {
            text.push_str(cell);
            text.push_str(&" ".repeat(widths[i] - cell.chars().count() + 2));
        }
        text.push_str(&row[3]);
        text.push('\n');
    }
    text
}

/// What the patch changes in a task definition, briefly: each container's
/// changed fields (`app: entryPoint, command`), containers added, and the
/// task's own fields.
pub fn changes(old: &Value, new: &Value) -> Vec<String> {
    let containers = |v: &Value| -> Vec<Value> {
        v["containerDefinitions"]
            .as_array()
            .cloned()
            .unwrap_or_default()
    };
    let (before, after) = (containers(old), containers(new));
    let mut out = Vec::new();
    for container in &after {
        let name = container["name"].as_str().unwrap_or("(unnamed)");
        match before.iter().find(|c| c["name"] == container["name"]) {
            None => out.push(format!("+{name} container")),
            Some(was) => {
                let fields = changed_keys(was, container);
                if !fields.is_empty() {
                    out.push(format!("{name}: {}", fields.join(", ")));
                }
            }
        }
    }
    let mut task = changed_keys(old, new);
    task.retain(|k| k != "containerDefinitions");
    if !task.is_empty() {
        out.push(format!("task: {}", task.join(", ")));
    }
    out
}

fn changed_keys(old: &Value, new: &Value) -> Vec<String> {
    let (Some(old), Some(new)) = (old.as_object(), new.as_object()) else {
        return Vec::new();
    };
    let mut keys: Vec<String> = new
        .iter()
        .filter(|(k, v)| old.get(*k) != Some(v))
        .map(|(k, _)| k.clone())
        .collect();
    keys.extend(
        old.keys()
            .filter(|k| !new.contains_key(*k))
            .map(|k| format!("-{k}")),
    );
    keys
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn changes_name_containers_and_fields() {
        let old = json!({"family": "web", "containerDefinitions": [
            {"name": "app", "image": "x", "command": ["run"]}]});
        let new = json!({"family": "web", "volumes": [], "containerDefinitions": [
            {"name": "app", "image": "x", "entryPoint": ["sh", "-c", "exec run"]},
            {"name": "datadog-agent", "image": "public.ecr.aws/datadog/agent:7"}]});
        assert_eq!(
            changes(&old, &new),
            [
                "app: entryPoint, -command",
                "+datadog-agent container",
                "task: volumes"
            ]
        );
        assert!(changes(&old, &old).is_empty());
    }

    #[test]
    fn the_table_aligns_and_shortens_long_service_lists() {
        let rows = [
            Row {
                family: "web".into(),
                from: "web:3".into(),
                change: Change::Register(vec!["app: entryPoint".into()]),
                services: vec![
                    ("a".into(), "web:3".into()),
                    ("b".into(), "web:2".into()),
                    ("c".into(), "web:3".into()),
                    ("d".into(), "web:3".into()),
                ],
            },
            Row {
                family: "api\u{1b}".into(),
                from: "api:1".into(),
                change: Change::UpToDate,
                services: vec![("api".into(), "api:1".into())],
            },
        ];
        let text = table(&rows);
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[0].find("FROM"), lines[1].find("web:3"));
        assert!(lines[1].ends_with("a, b (web:2), c, and 1 more"), "{text}");
        assert!(lines[2].starts_with("api\\u{1b}"), "{text}");
        assert!(!text.contains('\u{1b}'));
    }
}
