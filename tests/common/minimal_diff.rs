//! Which lines `patch` changed, and whether each is one it may change.
//!
//! `patch` edits the text in place, so its diff may touch only the lines
//! of the fields tracing needs: the patched app containers' entryPoint,
//! command, environment, dockerLabels and mountPoints, any app's dependsOn
//! (on a sidecar), the agent's portMappings, environment and mountPoints,
//! a container it adds whole, the null and
//! read-only fields it drops, and the wrapper of describe output it
//! unwraps. A line beside an added or removed member may change by its
//! trailing comma only. Any other changed line is a stray.

use std::collections::BTreeSet;
use std::ops::Range;

use ddecs_wizard::core::json::syntax::{self, Kind, Node};
use ddecs_wizard::core::taskdef::container::{self, Role};
use ddecs_wizard::core::taskdef::document::{self, Document, Shape, READ_ONLY_FIELDS};
use similar::{DiffOp, TextDiff};

const APP_FIELDS: [&str; 6] = [
    "dependsOn",
    "entryPoint",
    "command",
    "environment",
    "dockerLabels",
    "mountPoints",
];
const AGENT_FIELDS: [&str; 3] = ["portMappings", "environment", "mountPoints"];
/// An app that is not patched may still learn to wait for its sidecar.
const OTHER_APP_FIELDS: [&str; 1] = ["dependsOn"];

/// The changed lines of one patch, and those it had no business changing.
#[derive(Debug)]
pub struct Review {
    pub removed: usize,
    pub added: usize,
    pub strays: Vec<String>,
}

/// Reviews `output`, the text `patch` wrote for `input`, where the app
/// containers at `targets` (indices) were patched.
pub fn review(input: &Document, output: &str, targets: &[usize]) -> Review {
    let original = input.source.text.as_str();
    let after = document::read(output.as_bytes()).expect("the output reads back");
    let old_root = syntax::parse(original).expect("the input scans");
    let new_root = syntax::parse(output).expect("the output scans");
    let old_allowed = lines_touched(original, &allowed_before(input, &old_root, targets));
    let new_allowed = lines_touched(output, &allowed_after(input, &after, &new_root, targets));
    let diff = TextDiff::from_lines(original, output);
    let old_lines: Vec<&str> = diff.old_slices().to_vec();
    let new_lines: Vec<&str> = diff.new_slices().to_vec();
    let mut review = Review {
        removed: 0,
        added: 0,
        strays: Vec::new(),
    };
    for op in diff.ops() {
        let (old, new) = match *op {
            DiffOp::Equal { .. } => continue,
            DiffOp::Delete {
                old_index,
                old_len,
                new_index,
            } => (old_index..old_index + old_len, new_index..new_index),
            DiffOp::Insert {
                old_index,
                new_index,
                new_len,
            } => (old_index..old_index, new_index..new_index + new_len),
            DiffOp::Replace {
                old_index,
                old_len,
                new_index,
                new_len,
            } => (
                old_index..old_index + old_len,
                new_index..new_index + new_len,
            ),
        };
        review.removed += old.len();
        review.added += new.len();
        // A line that only gained or lost its trailing comma: the diff may
        // show it beside its old self, or just before or after it.
        let near = |range: &Range<usize>, len: usize| {
            range.start.saturating_sub(1)..(range.end + 1).min(len)
        };
        let comma_only = |line: &str, others: &[&str], range: Range<usize>| {
            others[range]
                .iter()
                .any(|other| *other != line && without_comma(other) == without_comma(line))
        };
        for i in old.clone() {
            if !old_allowed.contains(&i)
                && !comma_only(old_lines[i], &new_lines, near(&new, new_lines.len()))
            {
                review
                    .strays
                    .push(format!("-{}: {}", i + 1, old_lines[i].trim_end()));
            }
        }
        for j in new.clone() {
            if !new_allowed.contains(&j)
                && !comma_only(new_lines[j], &old_lines, near(&old, old_lines.len()))
            {
                review
                    .strays
                    .push(format!("+{}: {}", j + 1, new_lines[j].trim_end()));
            }
        }
    }
    review
}

fn without_comma(line: &str) -> &str {
    line.trim_end().trim_end_matches(',').trim_end()
}

/// The JSON pointer of each container of `document`, in its text.
fn container_pointers(document: &Document) -> Vec<String> {
    let base = &document.source.pointer;
    (0..document.containers().len())
        .map(|i| match document.shape {
            Shape::Task => format!("{base}/containerDefinitions/{i}"),
            Shape::Containers => format!("/{i}"),
            Shape::Container => String::new(),
        })
        .collect()
}

fn member_spans(node: &Node, keys: &[&str]) -> Vec<Range<usize>> {
    match &node.kind {
        Kind::Object(members) => members
            .iter()
            .filter(|m| keys.contains(&m.key.as_str()))
            .map(|m| m.span())
            .collect(),
        _ => Vec::new(),
    }
}

/// The fields tracing changes in one container, by its role.
fn fields(role: Role, target: bool) -> &'static [&'static str] {
    match (role, target) {
        (Role::Agent, _) => &AGENT_FIELDS,
        (_, true) => &APP_FIELDS,
        _ => &OTHER_APP_FIELDS,
    }
}

fn allowed_before(input: &Document, root: &Node, targets: &[usize]) -> Vec<Range<usize>> {
    let mut spans = Vec::new();
    for (i, pointer) in container_pointers(input).iter().enumerate() {
        let role = container::role(&input.containers()[i]);
        if let Some(node) = root.pointer(pointer) {
            spans.extend(member_spans(node, fields(role, targets.contains(&i))));
        }
    }
    nulls(&input.source.text, root, &mut spans);
    if let Some(task) = root.pointer(&input.source.pointer) {
        spans.extend(member_spans(task, &READ_ONLY_FIELDS));
        if !input.source.pointer.is_empty() {
            // Unwrapped: all around the inside goes, and its closing line.
            spans.push(root.span.start..task.span.start + 1);
            spans.push(task.span.end - 1..root.span.end);
        }
    }
    spans
}

/// Every member whose value is null: reading drops them.
fn nulls(text: &str, node: &Node, spans: &mut Vec<Range<usize>>) {
    match &node.kind {
        Kind::Scalar => {}
        Kind::Object(members) => {
            for member in members {
                if &text[member.value.span.clone()] == "null" {
                    spans.push(member.span());
                }
                nulls(text, &member.value, spans);
            }
        }
        Kind::Array(items) => items.iter().for_each(|item| nulls(text, item, spans)),
    }
}

fn allowed_after(
    input: &Document,
    after: &Document,
    root: &Node,
    targets: &[usize],
) -> Vec<Range<usize>> {
    let names: Vec<&str> = input.containers().iter().map(container::name).collect();
    let mut spans = Vec::new();
    for (container, pointer) in after.containers().iter().zip(container_pointers(after)) {
        let Some(node) = root.pointer(&pointer) else {
            continue;
        };
        match names.iter().position(|n| *n == container::name(container)) {
            Some(i) => {
                let role = container::role(&input.containers()[i]);
                spans.extend(member_spans(node, fields(role, targets.contains(&i))));
            }
            // A container patch added (the Fargate agent sidecar).
            None => spans.push(node.span.clone()),
        }
    }
    if !input.source.pointer.is_empty() {
        // Unwrapped: the tags beside taskDefinition move into it.
        spans.extend(member_spans(root, &["tags"]));
    }
    spans
}

/// The 0-based lines of `text` each span touches.
fn lines_touched(text: &str, spans: &[Range<usize>]) -> BTreeSet<usize> {
    let line_of = |offset: usize| text[..offset].matches('\n').count();
    spans
        .iter()
        .flat_map(|span| line_of(span.start)..=line_of(span.end.max(span.start + 1) - 1))
        .collect()
}
