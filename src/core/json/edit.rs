//! Changing a JSON text by editing it in place, not by re-serialising it.
//!
//! People keep task definitions in git and review a patch as a diff, so a
//! patched file must differ from the original only where its value does.
//! [`edit`] compares the value the text holds with the value wanted and
//! rewrites only the subtrees that differ: everything else is copied byte
//! for byte (indentation, spacing around `:`, blank lines, line ends,
//! numbers as written such as `-0`, `1E2` or 2^64, which a round trip
//! through `f64` would change). Items that are new follow the style of
//! their siblings: on their own lines at the siblings' indentation, or on
//! one line in a container written on one line, and in the spacing the
//! document uses.
//!
//! Why not the CST editor of `jsonc-parser` (Deno, dprint): inserting into
//! an object there always makes the object multi-line, new members are
//! always written `"key": value`, and insertion trims blank lines at the
//! start and end of the container; it also parses JSONC (comments, trailing
//! commas), which `register-task-definition` does not take. Splicing on the
//! spans [`syntax`] records keeps all of that, in about as much code as
//! driving the CST would take.
//!
//! New text is assembled from pieces, each scalar and key written by
//! serde_json: a format-preserving editor must place separators and
//! indentation itself, which is exactly what a serializer cannot do.

use std::collections::HashMap;
use std::ops::Range;

use serde_json::{Map, Value};

use crate::core::json::syntax::{self, Kind, Member, Node};

/// How new lines are written where the text itself gives no example.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Style<'a> {
    /// One level of indentation.
    pub unit: &'a str,
    /// `"\n"` or `"\r\n"`.
    pub newline: &'a str,
}

/// Returns `text` changed so that the value at JSON pointer `base` becomes
/// `target`; `None` when `text` is not JSON or `base` is not in it.
///
/// With a `base` other than `""` the result is that value alone, cut out of
/// the document (describe output unwrapped): its lines keep the depth they
/// had, and its closing bracket moves out to where the document's was.
pub fn edit(text: &str, base: &str, target: &Value, style: Style) -> Option<String> {
    let root = syntax::parse(text).ok()?;
    let value: Value = serde_json::from_str(text).ok()?;
    let node = root.pointer(base)?;
    let old = value.pointer(base)?;
    let editor = Editor::new(text, &root, style);
    let mut body = editor.emit(node, old, target, &editor.colon, false);
    if !base.is_empty() {
        outdent_closing_line(&mut body, line_indent(text, root.span.start));
    }
    let mut out = String::with_capacity(text.len() + body.len());
    out.push_str(&text[..root.span.start]);
    out.push_str(&body);
    out.push_str(&text[root.span.end..]);
    Some(out)
}

/// Puts the closing bracket of `body`, when it is alone on its last line,
/// at `indent`.
fn outdent_closing_line(body: &mut String, indent: &str) {
    let Some(newline) = body.rfind('\n') else {
        return;
    };
    let last = &body[newline + 1..];
    if last.trim_start().len() == 1 {
        let close = last.trim_start().to_owned();
        body.truncate(newline + 1);
        body.push_str(indent);
        body.push_str(&close);
    }
}

/// What new items look like when no sibling shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Form {
    ListOfScalars,
    ListOfContainers,
    RecordOfScalars,
    RecordOfContainers,
}

fn form_of_value(value: &Value) -> Option<Form> {
    let is_container = |v: &Value| v.is_object() || v.is_array();
    match value {
        Value::Array(items) if items.is_empty() => None,
        Value::Array(items) if items.iter().any(is_container) => Some(Form::ListOfContainers),
        Value::Array(_) => Some(Form::ListOfScalars),
        Value::Object(map) if map.is_empty() => None,
        Value::Object(map) if map.values().any(is_container) => Some(Form::RecordOfContainers),
        Value::Object(_) => Some(Form::RecordOfScalars),
        _ => None,
    }
}

fn form_of_node(node: &Node) -> Option<Form> {
    let is_container = |n: &Node| !matches!(n.kind, Kind::Scalar);
    match &node.kind {
        Kind::Array(items) if items.is_empty() => None,
        Kind::Array(items) if items.iter().any(is_container) => Some(Form::ListOfContainers),
        Kind::Array(_) => Some(Form::ListOfScalars),
        Kind::Object(members) if members.is_empty() => None,
        Kind::Object(members) if members.iter().any(|m| is_container(&m.value)) => {
            Some(Form::RecordOfContainers)
        }
        Kind::Object(_) => Some(Form::RecordOfScalars),
        Kind::Scalar => None,
    }
}

/// One item of a container being rebuilt.
enum Slot<'v> {
    /// Original item `index`, as it is to be written.
    Kept(usize, String),
    /// A new item: a member (with its key) or an element.
    New(Option<&'v str>, &'v Value),
}

struct Editor<'a> {
    text: &'a str,
    style: Style<'a>,
    /// The spacing around `:` most members of the document use.
    colon: String,
    /// What separates items written on one line, as most of the document does.
    inline_separator: String,
    /// Per form, whether the document mostly writes it on one line.
    compact: HashMap<Form, bool>,
    /// The whole document is on one line: so is everything new.
    one_line: bool,
    /// How the document writes an empty array and an empty object (`[ ]`).
    empty_array: String,
    empty_object: String,
}

impl<'a> Editor<'a> {
    fn new(text: &'a str, root: &Node, style: Style<'a>) -> Self {
        let mut survey = Survey::default();
        survey.walk(text, root);
        Editor {
            text,
            style,
            colon: survey
                .colons
                .most_common()
                .unwrap_or_else(|| ": ".to_owned()),
            inline_separator: survey
                .separators
                .most_common()
                .unwrap_or_else(|| ", ".to_owned()),
            compact: survey
                .layouts
                .into_iter()
                .map(|(form, (one_line, multi_line))| (form, one_line > multi_line))
                .collect(),
            one_line: !text[root.span.clone()].contains('\n'),
            empty_array: survey
                .empty_arrays
                .most_common()
                .unwrap_or_else(|| "[]".to_owned()),
            empty_object: survey
                .empty_objects
                .most_common()
                .unwrap_or_else(|| "{}".to_owned()),
        }
    }

    /// An empty container opened by `open`, as the document writes one.
    fn empty(&self, open: &str) -> String {
        if open == "[" {
            self.empty_array.clone()
        } else {
            self.empty_object.clone()
        }
    }

    fn slice(&self, span: Range<usize>) -> &'a str {
        &self.text[span]
    }

    /// The text of `node` (which holds `old`) changed to hold `new`;
    /// `inline` when the container around it is written on one line.
    fn emit(&self, node: &Node, old: &Value, new: &Value, colon: &str, inline: bool) -> String {
        if same(old, new) {
            return self.slice(node.span.clone()).to_owned();
        }
        match (&node.kind, old, new) {
            (Kind::Object(members), Value::Object(old), Value::Object(new)) => {
                self.object(node, members, old, new, colon, inline)
            }
            (Kind::Array(items), Value::Array(old), Value::Array(new)) => {
                self.array(node, items, old, new, colon, inline)
            }
            _ => {
                let same_form =
                    form_of_node(node).is_some() && form_of_node(node) == form_of_value(new);
                let hint = if inline {
                    Some(true)
                } else {
                    same_form.then(|| self.is_one_line(node))
                };
                self.render(new, line_indent(self.text, node.span.start), hint, colon)
            }
        }
    }

    fn is_one_line(&self, node: &Node) -> bool {
        !self.slice(node.span.clone()).contains('\n')
    }

    /// The spacing around `:` of `member`, as written.
    fn colon_of(&self, member: &Member) -> &'a str {
        self.slice(member.key_span.end..member.value.span.start)
    }

    fn object(
        &self,
        node: &Node,
        members: &[Member],
        old: &Map<String, Value>,
        new: &Map<String, Value>,
        colon: &str,
        inline: bool,
    ) -> String {
        let inner_inline = self.is_one_line(node);
        let colon = members.last().map_or(colon, |m| self.colon_of(m));
        let original: Vec<Option<usize>> = new
            .keys()
            .map(|key| members.iter().position(|m| m.key == *key))
            .collect();
        // Members that keep their place; one that moved is written anew
        // where the new value has it.
        let kept = longest_increasing(&original);
        let plan = new
            .iter()
            .zip(&original)
            .enumerate()
            .map(
                |(slot, ((key, value), index))| match (index, old.get(key)) {
                    (Some(index), Some(old_value)) if kept.contains(&slot) => {
                        let member = &members[*index];
                        let mut text = self
                            .slice(member.key_span.start..member.value.span.start)
                            .to_owned();
                        text.push_str(&self.emit(
                            &member.value,
                            old_value,
                            value,
                            colon,
                            inner_inline,
                        ));
                        Slot::Kept(*index, text)
                    }
                    _ => Slot::New(Some(key.as_str()), value),
                },
            )
            .collect();
        let values: Vec<&Node> = members.iter().map(|m| &m.value).collect();
        self.assemble(node, &node.item_spans(), &values, plan, colon, inline)
    }

    fn array(
        &self,
        node: &Node,
        items: &[Node],
        old: &[Value],
        new: &[Value],
        colon: &str,
        inline: bool,
    ) -> String {
        let inner_inline = self.is_one_line(node);
        let colon = items
            .iter()
            .rev()
            .find_map(|item| match &item.kind {
                Kind::Object(members) => members.last().map(|m| self.colon_of(m)),
                _ => None,
            })
            .unwrap_or(colon);
        // Equal items stay; between them, items at the same place are
        // edited one into the other (a changed environment entry keeps its
        // line), the rest are removed or added.
        let matched = common_subsequence(old, new);
        let mut plan = Vec::with_capacity(new.len());
        let (mut i, mut j) = (0, 0);
        for (mi, mj) in matched.into_iter().chain([(old.len(), new.len())]) {
            while j < mj {
                if i < mi && i < items.len() {
                    let item = self.emit(&items[i], &old[i], &new[j], colon, inner_inline);
                    plan.push(Slot::Kept(i, item));
                    i += 1;
                } else {
                    plan.push(Slot::New(None, &new[j]));
                }
                j += 1;
            }
            if mi < old.len() && mi < items.len() {
                plan.push(Slot::Kept(
                    mi,
                    self.slice(items[mi].span.clone()).to_owned(),
                ));
            }
            i = mi + 1;
            j = mj + 1;
        }
        let values: Vec<&Node> = items.iter().collect();
        self.assemble(node, &node.item_spans(), &values, plan, colon, inline)
    }

    /// Writes a container from its plan: original items with the text
    /// around them as it was, new ones in the style of their siblings.
    fn assemble(
        &self,
        node: &Node,
        spans: &[Range<usize>],
        values: &[&Node],
        plan: Vec<Slot>,
        colon: &str,
        inline: bool,
    ) -> String {
        let text = self.text;
        let open = &text[node.span.start..node.span.start + 1];
        let close = &text[node.span.end - 1..node.span.end];
        let indent = line_indent(text, node.span.start);
        if plan.is_empty() {
            return self.emptied(node, spans, open, close);
        }
        let Some(last) = spans.last() else {
            let inner = &text[node.span.start + 1..node.span.end - 1];
            return self.fill_empty(open, close, indent, inner, plan, colon, inline);
        };
        let own_lines = starts_line(text, last.start);
        let item_indent = line_indent(text, last.start);
        let gap = |k: usize| &text[spans[k].end..spans[k + 1].start];
        let n = spans.len();
        let typical = if own_lines {
            format!(",{}{item_indent}", self.style.newline)
        } else if n >= 2 && !gap(n - 2).contains('\n') {
            gap(n - 2).to_owned()
        } else {
            self.inline_separator.clone()
        };
        // Inside a container written on one line, new items go on that line.
        let compact = (!own_lines && self.is_one_line(node)).then_some(true);
        let mut out = String::from(open);
        out.push_str(&text[node.span.start + 1..spans[0].start]);
        // The original index of the slot written last, if it was kept.
        let mut previous: Option<usize> = None;
        for (position, slot) in plan.into_iter().enumerate() {
            // An original item keeps the text before it, so that its line
            // stays as it was whatever went before it; new ones get the
            // separator their siblings have. Around a new item on its own
            // line, each original line keeps its end (trailing blanks
            // included) and the next one its start.
            let this = match &slot {
                Slot::Kept(index, _) => Some(*index),
                Slot::New(..) => None,
            };
            if position > 0 {
                match (previous, this) {
                    (None, Some(b)) if b > 0 => match comma_line(gap(b - 1)) {
                        Some((_, start)) => {
                            out.push(',');
                            out.push_str(start);
                        }
                        None => out.push_str(gap(b - 1)),
                    },
                    (Some(_), Some(b)) if b > 0 => out.push_str(gap(b - 1)),
                    (Some(a), None) if a + 1 < n => match comma_line(gap(a)) {
                        Some((end, start)) => {
                            out.push_str(end);
                            out.push_str(line_break(start));
                            out.push_str(item_indent);
                        }
                        None => out.push_str(&typical),
                    },
                    _ => out.push_str(&typical),
                }
            }
            previous = this;
            match slot {
                Slot::Kept(_, item) => out.push_str(&item),
                Slot::New(key, value) => {
                    let hint = compact.or_else(|| sibling_layout(self, values, value));
                    out.push_str(&self.item(key, value, item_indent, hint, colon));
                }
            }
        }
        out.push_str(&text[last.end..node.span.end - 1]);
        out.push_str(close);
        out
    }

    /// A container whose items are all gone: written on one line, it keeps
    /// the blanks inside its brackets (`[ 2 ]` becomes `[ ]`); otherwise it
    /// is written as the document writes empty containers.
    fn emptied(&self, node: &Node, spans: &[Range<usize>], open: &str, close: &str) -> String {
        let text = self.text;
        if let (Some(first), Some(last)) = (spans.first(), spans.last()) {
            let before = &text[node.span.start + 1..first.start];
            let after = &text[last.end..node.span.end - 1];
            if !before.is_empty() && before == after && !before.contains('\n') {
                return format!("{open}{before}{close}");
            }
        }
        self.empty(open)
    }

    /// Items for a container that had none.
    #[allow(clippy::too_many_arguments)]
    fn fill_empty(
        &self,
        open: &str,
        close: &str,
        indent: &str,
        inner: &str,
        plan: Vec<Slot>,
        colon: &str,
        inline: bool,
    ) -> String {
        let new: Vec<(Option<&str>, &Value)> = plan
            .into_iter()
            .filter_map(|slot| match slot {
                Slot::New(key, value) => Some((key, value)),
                Slot::Kept(..) => None,
            })
            .collect();
        let form = if new.first().is_some_and(|(key, _)| key.is_some()) {
            let map: Map<String, Value> = new
                .iter()
                .map(|(k, v)| (k.unwrap_or_default().to_owned(), (*v).clone()))
                .collect();
            form_of_value(&Value::Object(map))
        } else {
            form_of_value(&Value::Array(
                new.iter().map(|(_, v)| (*v).clone()).collect(),
            ))
        };
        if self.writes_compact(form, inline.then_some(true)) {
            let items: Vec<String> = new
                .iter()
                .map(|(key, value)| self.item(*key, value, indent, Some(true), colon))
                .collect();
            // The blanks inside `[ ]` stay on both sides of the items.
            let pad = if inner.contains('\n') { "" } else { inner };
            return format!(
                "{open}{pad}{}{pad}{close}",
                items.join(&self.inline_separator)
            );
        }
        let inner = format!("{indent}{}", self.style.unit);
        let newline = self.style.newline;
        let items: Vec<String> = new
            .iter()
            .map(|(key, value)| self.item(*key, value, &inner, None, colon))
            .collect();
        format!(
            "{open}{newline}{inner}{}{newline}{indent}{close}",
            items.join(&format!(",{newline}{inner}"))
        )
    }

    /// A new member (`"key": value`) or element whose line is at `indent`.
    fn item(
        &self,
        key: Option<&str>,
        value: &Value,
        indent: &str,
        hint: Option<bool>,
        colon: &str,
    ) -> String {
        let value = self.render(value, indent, hint, colon);
        match key {
            Some(key) => format!("{}{colon}{value}", json(&Value::from(key))),
            None => value,
        }
    }

    fn writes_compact(&self, form: Option<Form>, hint: Option<bool>) -> bool {
        self.one_line
            || hint
                .or_else(|| form.and_then(|f| self.compact.get(&f).copied()))
                .unwrap_or(false)
    }

    /// `value` written anew, starting on a line indented by `indent`;
    /// `hint` says whether to write it on one line, when a sibling shows.
    fn render(&self, value: &Value, indent: &str, hint: Option<bool>, colon: &str) -> String {
        let (open, close, items): (&str, &str, Vec<(Option<&str>, &Value)>) = match value {
            Value::Array(items) if !items.is_empty() => {
                ("[", "]", items.iter().map(|v| (None, v)).collect())
            }
            Value::Object(map) if !map.is_empty() => (
                "{",
                "}",
                map.iter().map(|(k, v)| (Some(k.as_str()), v)).collect(),
            ),
            Value::Array(_) => return self.empty("["),
            Value::Object(_) => return self.empty("{"),
            _ => return json(value),
        };
        if self.writes_compact(form_of_value(value), hint) {
            let items: Vec<String> = items
                .into_iter()
                .map(|(key, item)| self.item(key, item, indent, Some(true), colon))
                .collect();
            return format!("{open}{}{close}", items.join(&self.inline_separator));
        }
        let inner = format!("{indent}{}", self.style.unit);
        let newline = self.style.newline;
        let items: Vec<String> = items
            .into_iter()
            .map(|(key, item)| self.item(key, item, &inner, None, colon))
            .collect();
        format!(
            "{open}{newline}{inner}{}{newline}{indent}{close}",
            items.join(&format!(",{newline}{inner}"))
        )
    }
}

/// Whether the last original sibling of the same form as `value` is on one
/// line; `None` when there is none.
fn sibling_layout(editor: &Editor, siblings: &[&Node], value: &Value) -> Option<bool> {
    let form = form_of_value(value)?;
    siblings
        .iter()
        .rev()
        .find(|node| form_of_node(node) == Some(form))
        .map(|node| editor.is_one_line(node))
}

fn json(value: &Value) -> String {
    serde_json::to_string(value).expect("a Value always serializes")
}

/// Equal, and for objects in the same order too: a member that moved is a
/// change the text must show.
fn same(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .zip(y)
                    .all(|((ka, va), (kb, vb))| ka == kb && same(va, vb))
        }
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(a, b)| same(a, b))
        }
        _ => a == b,
    }
}

/// The pairs (index in `old`, index in `new`) of a longest common
/// subsequence of equal items, in order.
fn common_subsequence(old: &[Value], new: &[Value]) -> Vec<(usize, usize)> {
    // Edits are mostly appends and changes in place: equal ends are matched
    // at once, so the quadratic table only spans what lies between.
    let prefix = old.iter().zip(new).take_while(|(a, b)| same(a, b)).count();
    let suffix = old[prefix..]
        .iter()
        .rev()
        .zip(new[prefix..].iter().rev())
        .take_while(|(a, b)| same(a, b))
        .count();
    let middle = middle_subsequence(
        &old[prefix..old.len() - suffix],
        &new[prefix..new.len() - suffix],
    );
    (0..prefix)
        .map(|i| (i, i))
        .chain(middle.into_iter().map(|(i, j)| (prefix + i, prefix + j)))
        .chain((0..suffix).map(|k| (old.len() - suffix + k, new.len() - suffix + k)))
        .collect()
}

fn middle_subsequence(old: &[Value], new: &[Value]) -> Vec<(usize, usize)> {
    let (n, m) = (old.len(), new.len());
    // lengths[i][j]: the longest common subsequence of old[i..] and new[j..].
    let mut lengths = vec![vec![0usize; m + 1]; n + 1];
    for i in (0..n).rev() {
        for j in (0..m).rev() {
            lengths[i][j] = if same(&old[i], &new[j]) {
                lengths[i + 1][j + 1] + 1
            } else {
                lengths[i + 1][j].max(lengths[i][j + 1])
            };
        }
    }
    let mut pairs = Vec::new();
    let (mut i, mut j) = (0, 0);
    while i < n && j < m {
        if same(&old[i], &new[j]) {
            pairs.push((i, j));
            i += 1;
            j += 1;
        } else if lengths[i + 1][j] >= lengths[i][j + 1] {
            i += 1;
        } else {
            j += 1;
        }
    }
    pairs
}

/// The positions in `sequence` of a longest strictly increasing run of its
/// `Some` values (the members that can stay where they are).
fn longest_increasing(sequence: &[Option<usize>]) -> Vec<usize> {
    let len = sequence.len();
    // best[i]: the longest increasing run ending at i; previous[i]: the
    // position before i in it.
    let mut best = vec![0usize; len];
    let mut previous = vec![None; len];
    for i in 0..len {
        let Some(value) = sequence[i] else { continue };
        best[i] = 1;
        for k in 0..i {
            if sequence[k].is_some_and(|v| v < value) && best[k] + 1 > best[i] {
                best[i] = best[k] + 1;
                previous[i] = Some(k);
            }
        }
    }
    let mut end = (0..len).filter(|&i| best[i] > 0).max_by_key(|&i| best[i]);
    let mut run = Vec::new();
    while let Some(i) = end {
        run.push(i);
        end = previous[i];
    }
    run.reverse();
    run
}

/// A separator between items on lines of their own, `,` then blanks to the
/// end of the line, split there: (the end of the line before, from the
/// comma on; the line break and the start of the line after).
fn comma_line(gap: &str) -> Option<(&str, &str)> {
    let (end, start) = blank_line_end(gap.strip_prefix(',')?)?;
    let comma_end = &gap[..end.len() + 1];
    Some((comma_end, start))
}

/// `text` split where its first line ends, when that line holds only
/// blanks: (the blanks, the line break and what follows).
fn blank_line_end(text: &str) -> Option<(&str, &str)> {
    let newline = text.find('\n')?;
    let cut = if text[..newline].ends_with('\r') {
        newline - 1
    } else {
        newline
    };
    let (end, start) = text.split_at(cut);
    end.bytes()
        .all(|b| b == b' ' || b == b'\t')
        .then_some((end, start))
}

/// The line break `text` starts with.
fn line_break(text: &str) -> &str {
    if text.starts_with("\r\n") {
        "\r\n"
    } else {
        "\n"
    }
}

/// The whitespace at the start of the line `offset` is on.
fn line_indent(text: &str, offset: usize) -> &str {
    let start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    let line = &text[start..];
    &line[..line.len() - line.trim_start_matches([' ', '\t']).len()]
}

/// Whether only whitespace precedes `offset` on its line.
fn starts_line(text: &str, offset: usize) -> bool {
    let start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    text[start..offset].bytes().all(|b| b == b' ' || b == b'\t')
}

/// Counts of the ways the document writes things, to follow its majority.
#[derive(Default)]
struct Survey {
    colons: Tally,
    separators: Tally,
    /// Per form: (written on one line, written on several).
    layouts: HashMap<Form, (usize, usize)>,
    /// Empty containers written on one line, as written (`[]`, `[ ]`).
    empty_arrays: Tally,
    empty_objects: Tally,
}

impl Survey {
    fn walk(&mut self, text: &str, node: &Node) {
        let spans = node.item_spans();
        for pair in spans.windows(2) {
            let gap = &text[pair[0].end..pair[1].start];
            if !gap.contains('\n') {
                self.separators.add(gap);
            }
        }
        if let Some(form) = form_of_node(node) {
            let counts = self.layouts.entry(form).or_default();
            if text[node.span.clone()].contains('\n') {
                counts.1 += 1;
            } else {
                counts.0 += 1;
            }
        }
        let written = &text[node.span.clone()];
        if !written.contains('\n') {
            match &node.kind {
                Kind::Array(items) if items.is_empty() => self.empty_arrays.add(written),
                Kind::Object(members) if members.is_empty() => self.empty_objects.add(written),
                _ => {}
            }
        }
        match &node.kind {
            Kind::Scalar => {}
            Kind::Object(members) => {
                for member in members {
                    self.colons
                        .add(&text[member.key_span.end..member.value.span.start]);
                    self.walk(text, &member.value);
                }
            }
            Kind::Array(items) => {
                for item in items {
                    self.walk(text, item);
                }
            }
        }
    }
}

/// How often each spelling was seen, and which was seen first.
#[derive(Default)]
struct Tally {
    counts: Vec<(String, usize)>,
}

impl Tally {
    fn add(&mut self, seen: &str) {
        match self.counts.iter_mut().find(|(s, _)| s == seen) {
            Some((_, count)) => *count += 1,
            None => self.counts.push((seen.to_owned(), 1)),
        }
    }

    /// The most frequent spelling; the first seen among equals.
    fn most_common(&self) -> Option<String> {
        let best = self.counts.iter().map(|(_, c)| *c).max()?;
        self.counts
            .iter()
            .find(|(_, c)| *c == best)
            .map(|(s, _)| s.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use serde_json::json;

    const TWO: Style = Style {
        unit: "  ",
        newline: "\n",
    };

    /// Edits `text` to hold `target` and checks that the result holds
    /// exactly that, in order, and that editing it again changes nothing.
    fn apply_with(text: &str, base: &str, target: &Value, style: Style) -> String {
        let out = edit(text, base, target, style).unwrap();
        let parsed: Value = serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}"));
        assert!(same(&parsed, target), "{out}");
        assert_eq!(edit(&out, "", target, style).unwrap(), out);
        out
    }

    fn apply(text: &str, target: Value) -> String {
        apply_with(text, "", &target, TWO)
    }

    fn value(text: &str) -> Value {
        serde_json::from_str(text).unwrap()
    }

    #[test]
    fn an_unchanged_value_leaves_the_text_byte_for_byte() {
        for text in [
            "{\"a\" : -0, \"b\": 1E2, \"c\": 18446744073709551616}\n\n",
            "[\r\n\t1,\r\n\r\n\t\"\\u00e9\"\r\n]",
            " {} ",
        ] {
            assert_eq!(apply(text, value(text)), text);
        }
    }

    #[test]
    fn only_the_changed_value_is_rewritten() {
        let text = "{\n  \"a\" : -0,\n  \"b\":1E2,\n\n  \"c\": 18446744073709551616,\n  \"d\": \"x\"\n}\n\n";
        let mut target = value(text);
        target["d"] = json!("y");
        assert_eq!(
            apply(text, target),
            "{\n  \"a\" : -0,\n  \"b\":1E2,\n\n  \"c\": 18446744073709551616,\n  \"d\": \"y\"\n}\n\n"
        );
    }

    #[test]
    fn a_compact_container_stays_compact() {
        let text = "{\n  \"family\": \"f\",\n  \"containerDefinitions\": [{\n    \"name\": \"exit\",\n    \"command\": [\"sh\", \"-c\", \"exit 1\"]\n  }]\n}";
        let target = json!({"family": "f", "containerDefinitions": [
            {"name": "exit", "entryPoint": ["sh", "-c", "wrapped"]}
        ]});
        assert_eq!(
            apply(text, target),
            "{\n  \"family\": \"f\",\n  \"containerDefinitions\": [{\n    \"name\": \"exit\",\n    \"entryPoint\": [\"sh\", \"-c\", \"wrapped\"]\n  }]\n}"
        );
        let text = r#"[{"name":"a","environment":[{"name":"X","value":"1"}]}]"#;
        let target = json!([{"name": "a", "environment": [
            {"name": "X", "value": "1"}, {"name": "Y", "value": "2"}
        ], "dockerLabels": {"k": "v"}}]);
        assert_eq!(
            apply(text, target),
            r#"[{"name":"a","environment":[{"name":"X","value":"1"},{"name":"Y","value":"2"}],"dockerLabels":{"k":"v"}}]"#
        );
    }

    #[test]
    fn changed_items_inside_keep_their_lines() {
        let text = "{\"command\": [\n    \"sh\",\n    \"-c\",\n    \"old\"\n]}";
        let target = json!({"command": ["sh", "-c", "new"]});
        assert_eq!(
            apply(text, target),
            "{\"command\": [\n    \"sh\",\n    \"-c\",\n    \"new\"\n]}"
        );
    }

    #[test]
    fn new_members_follow_the_indentation_and_colon_of_their_siblings() {
        let text = "{\n\t\"volumes\": [\n\t\t{\n\t\t\t\"name\" : \"home\"\n\t\t}\n\t]\n}";
        let target = json!({"volumes": [{"name": "home", "host": {"sourcePath": "/mnt"}}]});
        assert_eq!(
            apply_with(
                text,
                "",
                &target,
                Style {
                    unit: "\t",
                    newline: "\n"
                }
            ),
            "{\n\t\"volumes\": [\n\t\t{\n\t\t\t\"name\" : \"home\",\n\t\t\t\"host\" : {\n\t\t\t\t\"sourcePath\" : \"/mnt\"\n\t\t\t}\n\t\t}\n\t]\n}"
        );
    }

    #[test]
    fn new_array_items_look_like_their_siblings() {
        // Environment entries written one per line: a new one is too.
        let text =
            "{\n    \"environment\": [\n        {\"name\": \"A\", \"value\": \"1\"}\n    ]\n}\n";
        let target = json!({"environment": [
            {"name": "A", "value": "1"}, {"name": "B", "value": "2"}
        ]});
        assert_eq!(
            apply(text, target),
            "{\n    \"environment\": [\n        {\"name\": \"A\", \"value\": \"1\"},\n        {\"name\": \"B\", \"value\": \"2\"}\n    ]\n}\n"
        );
        // Spread over lines: a new one is spread the same way.
        let text = "{\r\n  \"portMappings\": [\r\n    {\r\n      \"containerPort\": 80\r\n    }        \r\n  ]\r\n}";
        let target = json!({"portMappings": [{"containerPort": 80}, {"containerPort": 8126, "hostPort": 8126}]});
        assert_eq!(
            apply_with(
                text,
                "",
                &target,
                Style {
                    unit: "  ",
                    newline: "\r\n"
                }
            ),
            "{\r\n  \"portMappings\": [\r\n    {\r\n      \"containerPort\": 80\r\n    },\r\n    {\r\n      \"containerPort\": 8126,\r\n      \"hostPort\": 8126\r\n    }        \r\n  ]\r\n}"
        );
    }

    #[test]
    fn an_empty_container_gets_items_on_lines_of_their_own() {
        let text = "{\n  \"name\": \"a\",\n  \"mountPoints\": []\n}";
        let target = json!({"name": "a", "mountPoints": [{"sourceVolume": "dd", "containerPath": "/var/run/datadog"}]});
        assert_eq!(
            apply(text, target),
            "{\n  \"name\": \"a\",\n  \"mountPoints\": [\n    {\n      \"sourceVolume\": \"dd\",\n      \"containerPath\": \"/var/run/datadog\"\n    }\n  ]\n}"
        );
        let text = "{\"a\": {\"b\": []}, \"c\": 1}";
        let target = json!({"a": {"b": [1, 2]}, "c": 1});
        assert_eq!(apply(text, target), "{\"a\": {\"b\": [1, 2]}, \"c\": 1}");
    }

    #[test]
    fn removed_members_take_their_separator_with_them() {
        let text = "{\n  \"a\": 1,\n  \"b\": null,\n  \"c\": 3,\n  \"d\": null\n}";
        assert_eq!(
            apply(text, json!({"a": 1, "c": 3})),
            "{\n  \"a\": 1,\n  \"c\": 3\n}"
        );
        assert_eq!(apply(text, json!({"c": 3})), "{\n  \"c\": 3\n}");
        assert_eq!(apply(text, json!({})), "{}");
        assert_eq!(apply("[1, 2, 3]", json!([1, 3])), "[1, 3]");
    }

    #[test]
    fn long_arrays_match_their_equal_ends_first() {
        let before: Vec<Value> = (0..5000).map(Value::from).collect();
        let mut after = before.clone();
        after[2500] = json!("changed");
        after.push(json!(5000));
        let text = serde_json::to_string_pretty(&before).unwrap();
        let out = apply(&text, Value::Array(after));
        assert_eq!(out.lines().count(), text.lines().count() + 1);
        assert_eq!(
            common_subsequence(
                &[json!(1), json!(2), json!(3)],
                &[json!(2), json!(3), json!(4)]
            ),
            [(1, 0), (2, 1)]
        );
    }

    #[test]
    fn a_moved_member_is_written_where_the_value_has_it() {
        let text = "{\n  \"a\": 1,\n  \"b\": 2,\n  \"c\": 3\n}";
        assert_eq!(
            apply(text, json!({"b": 2, "c": 3, "a": 1})),
            "{\n  \"b\": 2,\n  \"c\": 3,\n  \"a\": 1\n}"
        );
    }

    #[test]
    fn a_whole_new_container_in_a_hugging_array() {
        let text = "{\n  \"containerDefinitions\": [{\n    \"name\": \"app\"\n  }]\n}";
        let target = json!({"containerDefinitions": [
            {"name": "app"}, {"name": "datadog-agent", "portMappings": [{"containerPort": 8126}]}
        ]});
        assert_eq!(
            apply(text, target),
            "{\n  \"containerDefinitions\": [{\n    \"name\": \"app\"\n  }, {\n    \"name\": \"datadog-agent\",\n    \"portMappings\": [\n      {\n        \"containerPort\": 8126\n      }\n    ]\n  }]\n}"
        );
    }

    #[test]
    fn describe_output_is_cut_out_at_the_depth_it_had() {
        let text = "{\n    \"taskDefinition\": {\n        \"family\": \"f\",\n        \"revision\": 3\n    },\n    \"tags\": []\n}\n";
        assert_eq!(
            apply_with(text, "/taskDefinition", &json!({"family": "f"}), TWO),
            "{\n        \"family\": \"f\"\n}\n"
        );
        assert_eq!(edit(text, "/nothing", &json!({}), TWO), None);
        assert_eq!(edit("{", "", &json!({}), TWO), None);
    }

    fn scalar() -> impl Strategy<Value = Value> {
        prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::from),
            (-3i64..300).prop_map(Value::from),
            prop::sample::select(vec!["", "x", "sh -c \"a\"", "é\n"]).prop_map(Value::from),
        ]
    }

    fn any_value() -> impl Strategy<Value = Value> {
        scalar().prop_recursive(4, 40, 4, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
                prop::collection::vec(
                    (prop::sample::select(vec!["a", "b", "c", "d"]), inner),
                    0..4
                )
                .prop_map(|members| Value::Object(
                    members
                        .into_iter()
                        .map(|(k, v)| (k.to_owned(), v))
                        .collect()
                )),
            ]
        })
    }

    /// Every line of `before` is in `after`, byte for byte, except those
    /// listed (by their text in `before`).
    fn assert_lines_kept(before: &str, after: &str, changed: &[&str]) {
        let after_lines: Vec<&str> = after.split('\n').collect();
        for line in before.split('\n') {
            if !changed.contains(&line) {
                assert!(after_lines.contains(&line), "{line:?} changed:\n{after}");
            }
        }
    }

    #[test]
    fn a_member_inserted_after_trailing_whitespace_leaves_that_line_alone() {
        let text = "{\n  \"name\": \"app\",  \n  \"image\": \"web:1\", \n  \"cpu\": 1\n}\n";
        let out = apply(
            text,
            json!({"name": "app", "image": "web:1", "new": true, "cpu": 1}),
        );
        assert_lines_kept(text, &out, &[]);
        assert_eq!(
            out,
            "{\n  \"name\": \"app\",  \n  \"image\": \"web:1\", \n  \"new\": true,\n  \"cpu\": 1\n}\n"
        );
        // The same with CRLF, two new members in a row.
        let text = "{\r\n  \"image\": \"web:1\", \r\n  \"cpu\": 1\r\n}";
        let target = json!({"image": "web:1", "a": 1, "b": 2, "cpu": 1});
        let crlf = Style {
            unit: "  ",
            newline: "\r\n",
        };
        assert_eq!(
            apply_with(text, "", &target, crlf),
            "{\r\n  \"image\": \"web:1\", \r\n  \"a\": 1,\r\n  \"b\": 2,\r\n  \"cpu\": 1\r\n}"
        );
    }

    #[test]
    fn empty_arrays_keep_their_spelling() {
        let text = "{\n  \"a\": [ ],\n  \"b\": [ ],\n  \"c\": [\"x\"]\n}\n";
        // Untouched beside a change.
        let out = apply(text, json!({"a": [], "b": [], "c": ["y"]}));
        assert_lines_kept(text, &out, &["  \"c\": [\"x\"]"]);
        // Emptied or written anew: as the document writes empty arrays.
        let out = apply(text, json!({"a": [], "b": [], "c": [], "d": []}));
        assert_eq!(
            out,
            "{\n  \"a\": [ ],\n  \"b\": [ ],\n  \"c\": [ ],\n  \"d\": [ ]\n}\n"
        );
        // Appended to on one line, the spaces inside stay.
        let text = r#"{"a": [ ], "b": [1]}"#;
        assert_eq!(
            apply(text, json!({"a": [2], "b": [1]})),
            r#"{"a": [ 2 ], "b": [1]}"#
        );
        // And the round trip gives the text back.
        assert_eq!(
            apply(r#"{"a": [ 2 ], "b": [1]}"#, json!({"a": [], "b": [1]})),
            text
        );
    }

    /// `value` written compact, pretty with spaces or tabs, or with CRLF.
    fn written(value: &Value, how: u8) -> String {
        let pretty = |indent: &[u8]| {
            let mut out = Vec::new();
            let formatter = serde_json::ser::PrettyFormatter::with_indent(indent);
            let mut serializer = serde_json::Serializer::with_formatter(&mut out, formatter);
            serde::Serialize::serialize(value, &mut serializer).unwrap();
            String::from_utf8(out).unwrap()
        };
        match how % 4 {
            0 => value.to_string(),
            1 => pretty(b"  "),
            2 => pretty(b"\t") + "\n",
            _ => pretty(b"    ").replace('\n', "\r\n"),
        }
    }

    proptest! {
        /// Whatever the text and whatever the target, the result holds the
        /// target exactly and a second edit changes nothing.
        #[test]
        fn any_edit_holds_exactly_the_target(
            before in any_value(),
            after in any_value(),
            how in 0u8..4,
        ) {
            let text = written(&before, how);
            apply(&text, after.clone());
            // Wrapped in an object, the result is the inside only.
            let wrapped = written(&json!({"taskDefinition": before, "x": 1}), how);
            apply_with(&wrapped, "/taskDefinition", &after, TWO);
        }
    }
}
