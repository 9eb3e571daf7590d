//! Reading a task definition as people actually keep it, and writing it back
//! the way they wrote it.
//!
//! Real files come as `register-task-definition` input, as
//! `describe-task-definition` output (wrapped in `{"taskDefinition": ...}`,
//! with read-only fields that `register` rejects), as a bare
//! `containerDefinitions` array (Terraform), or as one container object
//! (what `generate --output app-container` prints). They carry a byte order
//! mark, tabs, CRLF, no final newline, or are templates or not JSON at all.
//! [`read`] accepts every real shape, turns describe output into input that
//! registers, and rejects the rest with a message that says where and what
//! to do (the line:column of every value comes from [`position`], on the
//! JSON walk the syntax tree is built from too); [`write()`] puts a changed
//! value back into the text it came from, editing only what changed
//! ([`edit`]), so that a diff of the result shows the change and not a
//! reformatting.

use serde_json::ser::PrettyFormatter;
use serde_json::{Map, Value};
use thiserror::Error;

use crate::core::json::edit::{self, Style};
use crate::core::json::position::{self, push_index, push_token, Position, Positions};
use crate::core::taskdef::placeholder;
use crate::core::taskdef::read_note::ReadNote;

/// Fields `describe-task-definition` returns that `register-task-definition`
/// rejects as unknown parameters.
pub const READ_ONLY_FIELDS: [&str; 8] = [
    "taskDefinitionArn",
    "revision",
    "status",
    "requiresAttributes",
    "compatibilities",
    "registeredAt",
    "registeredBy",
    "deregisteredAt",
];

/// What the file holds, which is also what is written back.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    /// A task definition object (register input; describe output arrives
    /// here after unwrapping).
    Task,
    /// A bare `containerDefinitions` array.
    Containers,
    /// One container definition object.
    Container,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Indent {
    Spaces(usize),
    Tab,
}

/// How the input was laid out, so that the output can match it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Layout {
    pub indent: Indent,
    /// Extra spaces before every line inside the outer brackets: files cut
    /// out of a deeper document (the inside of describe output) keep the
    /// depth they had there.
    pub offset: usize,
    pub final_newline: bool,
    pub crlf: bool,
}

impl Default for Layout {
    fn default() -> Self {
        Layout {
            indent: Indent::Spaces(2),
            offset: 0,
            final_newline: true,
            crlf: false,
        }
    }
}

/// A task definition read from a file, ready to patch or check.
#[derive(Debug, Clone)]
pub struct Document {
    /// The JSON in the shape it is written back in.
    pub value: Value,
    pub shape: Shape,
    pub layout: Layout,
    /// What reading changed on the way (BOM, unwrapping, dropped fields),
    /// one note each, for stderr.
    pub notes: Vec<ReadNote>,
    /// How many null fields reading dropped (see `drop_nulls`).
    pub null_fields: usize,
    /// The text read, for [`write()`] to edit.
    pub source: Source,
    /// The JSON pointer, in the file, of the first null field dropped.
    pub first_null: Option<String>,
    /// Where each value starts in the file, by JSON pointer into the file.
    pub positions: Positions,
}

/// The text a document was read from (without its byte order mark), and
/// the JSON pointer of the document's value in it: `/taskDefinition` for
/// describe output, else the whole text.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Source {
    pub text: String,
    pub pointer: String,
}

impl Document {
    /// The task-level fields; `None` for the container-only shapes.
    pub fn task(&self) -> Option<&Map<String, Value>> {
        match self.shape {
            Shape::Task => self.value.as_object(),
            Shape::Containers | Shape::Container => None,
        }
    }

    /// Mutable task-level fields; `None` for the container-only shapes.
    pub fn task_mut(&mut self) -> Option<&mut Map<String, Value>> {
        match self.shape {
            Shape::Task => self.value.as_object_mut(),
            Shape::Containers | Shape::Container => None,
        }
    }

    /// Appends a container definition; false for a single-container file,
    /// which has nowhere to put it.
    pub fn push_container(&mut self, container: Value) -> bool {
        let list = match self.shape {
            Shape::Task => self.value.as_object_mut().and_then(|task| {
                crate::core::taskdef::container::array_field(task, "containerDefinitions")
            }),
            Shape::Containers => self.value.as_array_mut(),
            Shape::Container => None,
        };
        match list {
            Some(list) => {
                list.push(container);
                true
            }
            None => false,
        }
    }

    /// Removes the container definition at `index`; whether there was one
    /// to remove (a single-container file keeps its one).
    pub fn remove_container(&mut self, index: usize) -> bool {
        let list = match self.shape {
            Shape::Task => self
                .value
                .get_mut("containerDefinitions")
                .and_then(Value::as_array_mut),
            Shape::Containers => self.value.as_array_mut(),
            Shape::Container => None,
        };
        match list {
            Some(list) if index < list.len() => {
                list.remove(index);
                true
            }
            _ => false,
        }
    }

    /// Every container definition, in file order.
    pub fn containers(&self) -> &[Value] {
        match self.shape {
            Shape::Task => self.value["containerDefinitions"]
                .as_array()
                .map_or(&[], Vec::as_slice),
            Shape::Containers => self.value.as_array().map_or(&[], Vec::as_slice),
            Shape::Container => std::slice::from_ref(&self.value),
        }
    }

    /// The pointer in the file of the value at `pointer` in [`Document::value`].
    pub fn file_pointer(&self, pointer: &str) -> String {
        format!("{}{pointer}", self.source.pointer)
    }

    /// Mutable access to every container definition, in file order.
    pub fn containers_mut(&mut self) -> &mut [Value] {
        match self.shape {
            Shape::Task => match self.value.get_mut("containerDefinitions") {
                Some(Value::Array(items)) => items,
                _ => &mut [],
            },
            Shape::Containers => match &mut self.value {
                Value::Array(items) => items,
                _ => &mut [],
            },
            Shape::Container => std::slice::from_mut(&mut self.value),
        }
    }
}

/// Why a file is not a task definition this tool can work on. Each message
/// says what is wrong and what to do; [`InputError::position`] says where.
#[derive(Debug, Clone, Error, PartialEq, Eq)]
pub enum InputError {
    #[error("the file is empty: expected a task definition in JSON")]
    Empty,
    #[error(
        "the file is UTF-16 text: save it as UTF-8 (in PowerShell: Set-Content -Encoding utf8)"
    )]
    Utf16,
    #[error("not UTF-8 text: save the file as UTF-8")]
    NotUtf8 { at: Position },
    #[error("not valid JSON: {message}{hint}")]
    Syntax {
        at: Position,
        message: String,
        hint: String,
    },
    #[error("duplicate key {key:?} (first at {first}): ECS would keep only the last one, so remove one of them")]
    DuplicateKey {
        key: String,
        first: Position,
        at: Position,
    },
    #[error("template placeholder {text} in {path}: this file is a template; render it first (terraform, envsubst, ecspresso render ...) and patch the result")]
    Template {
        text: String,
        path: String,
        at: Option<Position>,
    },
    #[error("not a task definition: {why}")]
    NotTaskDefinition { why: String },
    #[error("{path} {problem}")]
    BadField {
        path: String,
        problem: String,
        at: Option<Position>,
    },
}

impl InputError {
    /// Where in the file the problem is, when it is at one place.
    pub fn position(&self) -> Option<Position> {
        match self {
            InputError::NotUtf8 { at }
            | InputError::Syntax { at, .. }
            | InputError::DuplicateKey { at, .. } => Some(*at),
            InputError::Template { at, .. } | InputError::BadField { at, .. } => *at,
            InputError::Empty | InputError::Utf16 | InputError::NotTaskDefinition { .. } => None,
        }
    }
}

/// Reads a task definition from the bytes of a file.
pub fn read(bytes: &[u8]) -> Result<Document, InputError> {
    read_as(bytes, true)
}

/// Reads a task definition only to look at it (`check`): the layout, which
/// only matters for writing it back, is left at its default unread.
pub fn read_for_lint(bytes: &[u8]) -> Result<Document, InputError> {
    read_as(bytes, false)
}

fn read_as(bytes: &[u8], with_layout: bool) -> Result<Document, InputError> {
    let mut notes = Vec::new();
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        return Err(InputError::Utf16);
    }
    let bytes = match bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]) {
        Some(rest) => {
            notes.push(ReadNote::BomStripped);
            rest
        }
        None => bytes,
    };
    let text = std::str::from_utf8(bytes).map_err(|e| InputError::NotUtf8 {
        at: position_of_byte(bytes, e.valid_up_to()),
    })?;
    if text.trim().is_empty() {
        return Err(InputError::Empty);
    }
    let mut value: Value = serde_json::from_str(text).map_err(|e| syntax_error(text, &e))?;
    let positions = position::scan(text).map_err(|d| InputError::DuplicateKey {
        key: d.key,
        first: d.first,
        at: d.again,
    })?;
    if let Some(found) = placeholder::first_template(&value) {
        return Err(InputError::Template {
            text: found.text,
            path: display_path(&found.pointer),
            at: positions.of(&found.pointer),
        });
    }
    let (nulls, first_null) = drop_nulls(&mut value);
    if nulls > 0 {
        notes.push(ReadNote::NullsDropped { count: nulls });
    }
    let (value, shape, root) = normalize(value, &mut notes)?;
    let base = match shape {
        Shape::Task => format!("{root}/containerDefinitions"),
        Shape::Containers | Shape::Container => String::new(),
    };
    let document = Document {
        value,
        shape,
        layout: if with_layout {
            detect_layout(text)
        } else {
            Layout::default()
        },
        notes,
        null_fields: nulls,
        source: Source {
            text: text.to_owned(),
            pointer: root,
        },
        first_null,
        positions,
    };
    validate_containers(&document, &base, &document.positions)?;
    Ok(document)
}

/// The text of `document` changed to hold `value` (the document's value
/// patched): only what differs is rewritten; unwrapping describe output and
/// dropping null and read-only fields are changes too, and show as such.
pub fn write(document: &Document, value: &Value) -> String {
    let layout = &document.layout;
    let unit = match layout.indent {
        Indent::Tab => "\t".to_owned(),
        Indent::Spaces(n) => " ".repeat(n),
    };
    let style = Style {
        unit: &unit,
        newline: if layout.crlf { "\r\n" } else { "\n" },
    };
    let source = &document.source;
    // A document built in code, with no source text, is written whole.
    edit::edit(&source.text, &source.pointer, value, style).unwrap_or_else(|| render(value, layout))
}

/// Writes `value` as pretty JSON laid out like the input was.
pub fn render(value: &Value, layout: &Layout) -> String {
    let indent = match layout.indent {
        Indent::Tab => "\t".to_owned(),
        Indent::Spaces(n) => " ".repeat(n),
    };
    let mut out = Vec::new();
    let mut serializer = serde_json::Serializer::with_formatter(
        &mut out,
        PrettyFormatter::with_indent(indent.as_bytes()),
    );
    serde::Serialize::serialize(value, &mut serializer).expect("a Value always serializes");
    let mut text = String::from_utf8(out).expect("serde_json writes UTF-8");
    if layout.offset > 0 {
        text = with_offset(&text, layout.offset);
    }
    if layout.final_newline {
        text.push('\n');
    }
    // JSON strings escape their newlines, so every raw newline is layout.
    if layout.crlf {
        text = text.replace('\n', "\r\n");
    }
    text
}

/// Indents every line but the outer brackets by `offset` more spaces.
fn with_offset(text: &str, offset: usize) -> String {
    let lines: Vec<&str> = text.split('\n').collect();
    let last = lines.len().saturating_sub(1);
    let pad = " ".repeat(offset);
    lines
        .iter()
        .enumerate()
        .map(|(i, line)| {
            if i == 0 || i == last {
                (*line).to_owned()
            } else {
                format!("{pad}{line}")
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// `/containerDefinitions/0/image` as `containerDefinitions[0].image`.
pub fn display_path(pointer: &str) -> String {
    let mut out = String::new();
    for token in pointer.split('/').skip(1) {
        let token = token.replace("~1", "/").replace("~0", "~");
        if !token.is_empty() && token.bytes().all(|b| b.is_ascii_digit()) {
            out.push_str(&format!("[{token}]"));
        } else {
            if !out.is_empty() {
                out.push('.');
            }
            out.push_str(&token);
        }
    }
    if out.is_empty() {
        out.push_str("the top level");
    }
    out
}

/// Finds the shape, unwraps describe output and drops its read-only fields.
/// Returns the value, its shape, and the JSON pointer of the value in the
/// original text (for positions in later messages, and for writing back).
fn normalize(
    value: Value,
    notes: &mut Vec<ReadNote>,
) -> Result<(Value, Shape, String), InputError> {
    match value {
        Value::Array(items) => {
            if items.is_empty() {
                return Err(not_task(
                    "the file is an empty array: there are no container definitions",
                ));
            }
            let containers = items
                .iter()
                .all(|c| c.get("name").is_some() || c.get("image").is_some());
            if !containers {
                return Err(not_task(
                    "the file is an array, but not of container definitions (objects with a name and an image)",
                ));
            }
            Ok((Value::Array(items), Shape::Containers, String::new()))
        }
        Value::Object(mut map) => {
            let mut base = String::new();
            if let Some(Value::Object(inner)) = map.get("taskDefinition") {
                let mut inner = inner.clone();
                unwrap_siblings(&mut map, &mut inner, notes);
                map = inner;
                base.push_str("/taskDefinition");
            }
            if map.contains_key("containerDefinitions") {
                drop_read_only(&mut map, notes);
                match map.get("containerDefinitions") {
                    Some(Value::Array(items)) if items.is_empty() => Err(not_task(
                        "containerDefinitions is empty: there is no container to work on",
                    )),
                    Some(Value::Array(_)) => Ok((Value::Object(map), Shape::Task, base)),
                    _ => Err(InputError::BadField {
                        path: display_path(&format!("{base}/containerDefinitions")),
                        problem: "is not an array of container definitions".to_owned(),
                        at: None,
                    }),
                }
            } else if base.is_empty() && map.get("image").is_some_and(Value::is_string) {
                Ok((Value::Object(map), Shape::Container, String::new()))
            } else {
                Err(not_task(what_else(&map)))
            }
        }
        other => Err(not_task(format!(
            "the file holds a JSON {}, not an object or an array",
            json_type(&other)
        ))),
    }
}

/// Moves what sits beside `taskDefinition` in describe output into it:
/// `tags` are a register parameter too; anything else cannot be registered.
fn unwrap_siblings(
    outer: &mut Map<String, Value>,
    inner: &mut Map<String, Value>,
    notes: &mut Vec<ReadNote>,
) {
    notes.push(ReadNote::Unwrapped);
    let mut dropped = Vec::new();
    for (key, value) in std::mem::take(outer) {
        match key.as_str() {
            "taskDefinition" => {}
            "tags" if value.as_array().is_some_and(|t| !t.is_empty()) => {
                if inner.contains_key("tags") {
                    dropped.push(key);
                } else {
                    inner.insert(key, value);
                    notes.push(ReadNote::TagsMoved);
                }
            }
            "tags" => {}
            _ => dropped.push(key),
        }
    }
    if !dropped.is_empty() {
        notes.push(ReadNote::SiblingsDropped { keys: dropped });
    }
}

/// Removes every object member whose value is null, at any depth, and
/// returns how many went and the pointer of the first. Console exports and
/// old describe output pad absent fields with nulls, which the ECS API's
/// parameter validation refuses ("Invalid type for parameter ..., value:
/// None").
fn drop_nulls(value: &mut Value) -> (usize, Option<String>) {
    let mut count = 0;
    let mut first: Option<String> = None;
    // The first null's pointer, built only on the way back from it.
    let mut note = |step: &dyn Fn(&mut String), (n, below): (usize, Option<String>)| {
        count += n;
        if let Some(below) = below.filter(|_| first.is_none()) {
            let mut pointer = String::new();
            step(&mut pointer);
            pointer.push_str(&below);
            first = Some(pointer);
        }
    };
    match value {
        Value::Object(map) => {
            for (key, v) in map.iter_mut() {
                let found = if v.is_null() {
                    (1, Some(String::new()))
                } else {
                    drop_nulls(v)
                };
                note(&|pointer| push_token(pointer, key), found);
            }
            map.retain(|_, v| !v.is_null());
        }
        Value::Array(items) => {
            for (index, item) in items.iter_mut().enumerate() {
                note(&|pointer| push_index(pointer, index), drop_nulls(item));
            }
        }
        _ => {}
    }
    (count, first)
}

fn drop_read_only(map: &mut Map<String, Value>, notes: &mut Vec<ReadNote>) {
    let dropped: Vec<&str> = READ_ONLY_FIELDS
        .into_iter()
        .filter(|field| map.shift_remove(*field).is_some())
        .collect();
    if !dropped.is_empty() {
        notes.push(ReadNote::ReadOnlyDropped { fields: dropped });
    }
}

/// Says what an object without containerDefinitions seems to be instead.
fn what_else(map: &Map<String, Value>) -> String {
    let has = |key: &str| map.contains_key(key);
    if has("ecsProperties") || has("containerProperties") || has("jobDefinitionName") {
        "this is an AWS Batch job definition (no containerDefinitions); patch an ECS task definition instead".to_owned()
    } else if has("AWSTemplateFormatVersion") || has("Resources") {
        "this is a CloudFormation template; patch the task definition JSON itself".to_owned()
    } else if has("apiVersion") && has("kind") {
        "this is a Kubernetes manifest; patch an ECS task definition instead".to_owned()
    } else {
        "no containerDefinitions: expected register-task-definition input, describe-task-definition output, a containerDefinitions array or one container definition".to_owned()
    }
}

fn not_task(why: impl Into<String>) -> InputError {
    InputError::NotTaskDefinition { why: why.into() }
}

fn json_type(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// Checks the container fields that patch and check rely on, so that they
/// can read them without guessing: a wrong type is reported at its place.
fn validate_containers(
    document: &Document,
    base: &str,
    positions: &Positions,
) -> Result<(), InputError> {
    for (index, container) in document.containers().iter().enumerate() {
        let pointer = match document.shape {
            Shape::Container => String::new(),
            Shape::Task | Shape::Containers => format!("{base}/{index}"),
        };
        let bad = |field: &str, problem: &str| {
            let field_pointer = if field.is_empty() {
                pointer.clone()
            } else {
                format!("{pointer}/{field}")
            };
            InputError::BadField {
                path: display_path(&field_pointer),
                problem: problem.to_owned(),
                at: positions.of(&field_pointer),
            }
        };
        let Some(map) = container.as_object() else {
            return Err(bad(
                "",
                "is not an object: each container definition is a JSON object",
            ));
        };
        match map.get("name") {
            Some(Value::String(_)) => {}
            Some(_) => return Err(bad("name", "must be a string")),
            None => return Err(bad("", "has no name: ECS requires one for every container")),
        }
        for field in ["entryPoint", "command"] {
            if !is_null_or_array_of(map.get(field), Value::is_string) {
                return Err(bad(field, "must be an array of strings"));
            }
        }
        if !is_null_or_array_of(map.get("portMappings"), Value::is_object) {
            return Err(bad("portMappings", "must be an array of objects"));
        }
        if !matches!(
            map.get("dockerLabels"),
            None | Some(Value::Null | Value::Object(_))
        ) {
            return Err(bad("dockerLabels", "must be an object"));
        }
        if !matches!(
            map.get("image"),
            None | Some(Value::Null | Value::String(_))
        ) {
            return Err(bad("image", "must be a string"));
        }
        validate_environment(map.get("environment"), &bad)?;
    }
    Ok(())
}

fn validate_environment(
    environment: Option<&Value>,
    bad: &dyn Fn(&str, &str) -> InputError,
) -> Result<(), InputError> {
    let entries = match environment {
        None | Some(Value::Null) => return Ok(()),
        Some(Value::Array(entries)) => entries,
        Some(_) => {
            return Err(bad(
                "environment",
                "must be an array of {\"name\", \"value\"} objects",
            ))
        }
    };
    for (index, entry) in entries.iter().enumerate() {
        let ok_name = entry.get("name").is_some_and(Value::is_string);
        if !ok_name {
            return Err(bad(
                &format!("environment/{index}"),
                "must be an object with a string name",
            ));
        }
        if !matches!(
            entry.get("value"),
            None | Some(Value::Null | Value::String(_))
        ) {
            return Err(bad(
                &format!("environment/{index}/value"),
                "must be a string: quote it (ECS environment values are strings)",
            ));
        }
    }
    Ok(())
}

fn is_null_or_array_of(value: Option<&Value>, item: fn(&Value) -> bool) -> bool {
    match value {
        None | Some(Value::Null) => true,
        Some(Value::Array(items)) => items.iter().all(item),
        Some(_) => false,
    }
}

/// Indentation from the first indented line; CRLF from the first line end;
/// the final newline from what follows the JSON.
fn detect_layout(text: &str) -> Layout {
    let spaces = |line: &str| line.len() - line.trim_start_matches(' ').len();
    let mut lines = text
        .lines()
        .map(|line| line.trim_end_matches('\r'))
        .filter(|line| !line.trim().is_empty());
    let first = lines.next();
    let mut first_indented = None;
    // How often each step is seen between a line and a more indented
    // next line: few distinct steps, so a short list serves.
    let mut steps: Vec<(usize, usize)> = Vec::new();
    let mut before = first.map_or(0, spaces);
    for line in lines {
        if first_indented.is_none() && line.starts_with([' ', '\t']) {
            first_indented = Some(line);
        }
        let after = spaces(line);
        if after > before {
            match steps.iter_mut().find(|(step, _)| *step == after - before) {
                Some((_, count)) => *count += 1,
                None => steps.push((after - before, 1)),
            }
        }
        before = after;
    }
    let (indent, offset) = match first_indented {
        None => (Indent::Spaces(2), 0),
        Some(line) if line.starts_with('\t') => (Indent::Tab, 0),
        Some(line) => {
            // The unit is the step seen most often (the smaller on a tie).
            let base = spaces(line);
            let unit = steps
                .iter()
                .max_by_key(|(step, count)| (*count, std::cmp::Reverse(*step)))
                .map_or(base, |(step, _)| *step)
                .clamp(1, 8);
            (Indent::Spaces(unit), base.saturating_sub(unit).min(16))
        }
    };
    let end = text.trim_end_matches([' ', '\t', '\r', '\n']).len();
    Layout {
        indent,
        offset,
        final_newline: text[end..].contains('\n'),
        crlf: text.find('\n').is_some_and(|i| text[..i].ends_with('\r')),
    }
}

/// Line and character column of a byte offset.
fn position_of_byte(bytes: &[u8], offset: usize) -> Position {
    let before = &bytes[..offset.min(bytes.len())];
    let line_start = before
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |i| i + 1);
    let column = String::from_utf8_lossy(&before[line_start..])
        .chars()
        .count()
        + 1;
    Position {
        line: 1 + before.iter().filter(|&&b| b == b'\n').count(),
        column,
    }
}

/// A serde_json error as a message with a character column and a hint for
/// the mistakes real files show.
fn syntax_error(text: &str, error: &serde_json::Error) -> InputError {
    let start = text.trim_start();
    if !start.starts_with(['{', '[']) {
        // serde_json would talk about whatever it made of the first word
        // ("trailing characters" after a prompt's digits): say what it is.
        return InputError::Syntax {
            at: position_of_byte(text.as_bytes(), text.len() - start.len()),
            message: "it does not start with { or [".to_owned(),
            hint: syntax_hint(text, error, None)
                .map(|h| format!("; {h}"))
                .unwrap_or_default(),
        };
    }
    let line_text = text
        .lines()
        .nth(error.line().saturating_sub(1))
        .unwrap_or("");
    // serde_json counts bytes up to and including the offending character.
    let mut byte_column = error.column().min(line_text.len());
    while !line_text.is_char_boundary(byte_column) {
        byte_column -= 1;
    }
    let seen = &line_text[..byte_column];
    let at = Position {
        line: error.line(),
        column: seen.chars().count().max(1),
    };
    let full = error.to_string();
    let suffix = format!(" at line {} column {}", error.line(), error.column());
    let message = full.strip_suffix(&suffix).unwrap_or(&full).to_owned();
    let hint = syntax_hint(text, error, seen.chars().last());
    InputError::Syntax {
        at,
        message,
        hint: hint.map(|h| format!("; {h}")).unwrap_or_default(),
    }
}

fn syntax_hint(
    text: &str,
    error: &serde_json::Error,
    offending: Option<char>,
) -> Option<&'static str> {
    let start = text.trim_start();
    let first_line = start.lines().next().unwrap_or("");
    if start.starts_with("{{") || start.starts_with("{%") {
        return Some("this looks like a Jinja or Go template: render it to JSON first");
    }
    if !start.starts_with(['{', '[']) {
        let prompt = ["$ ", "# ", "> ", "aws "]
            .iter()
            .any(|p| first_line.contains(p));
        if prompt {
            return Some("remove the pasted shell prompt or command before the JSON");
        }
        if start.starts_with("---")
            || first_line.trim_end().ends_with(':')
            || first_line.contains(": ")
        {
            return Some("this looks like YAML; patch reads JSON (convert it, e.g. yq -o=json)");
        }
        return Some("a task definition starts with { or [: remove the text before it");
    }
    let message = error.to_string();
    if message.starts_with("trailing characters") {
        return Some("there is more text after the JSON (pasted commands?): remove it");
    }
    if message.starts_with("trailing comma") {
        return Some("remove the comma before the closing bracket");
    }
    if error.is_eof() {
        return Some("the file ends before the JSON does: is it cut short?");
    }
    match offending {
        Some('$') => Some("an unquoted template placeholder: render the template first"),
        Some('<') => Some("an unquoted placeholder: replace it with a real, quoted value"),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn null_fields_are_dropped_at_every_depth_and_noted() {
        let doc = read(br#"{"family": "f", "cpu": null, "containerDefinitions": [{"name": "a", "image": "b", "command": null, "logConfiguration": {"logDriver": "awslogs", "options": null}}]}"#).unwrap();
        assert_eq!(
            doc.value,
            serde_json::json!({"family": "f", "containerDefinitions": [{"name": "a", "image": "b", "logConfiguration": {"logDriver": "awslogs"}}]})
        );
        assert!(
            doc.notes.contains(&ReadNote::NullsDropped { count: 3 }),
            "{:?}",
            doc.notes
        );
        assert_eq!(doc.first_null.as_deref(), Some("/cpu"));
        let wrapped = read(br#"{"taskDefinition": {"containerDefinitions": [{"name": "a", "links": [{"x": null}]}]}}"#).unwrap();
        assert_eq!(
            wrapped.first_null.as_deref(),
            Some("/taskDefinition/containerDefinitions/0/links/0/x")
        );
        assert_eq!(wrapped.file_pointer("/family"), "/taskDefinition/family");
    }
    use serde_json::json;

    fn err(text: &str) -> InputError {
        read(text.as_bytes()).unwrap_err()
    }

    #[test]
    fn register_input_is_read_as_is() {
        let doc =
            read(br#"{"family": "f", "containerDefinitions": [{"name": "app", "image": "x"}]}"#)
                .unwrap();
        assert_eq!(doc.shape, Shape::Task);
        assert_eq!(doc.containers().len(), 1);
        assert!(doc.notes.is_empty());
    }

    #[test]
    fn describe_output_is_unwrapped_with_its_tags() {
        let text = json!({
            "taskDefinition": {
                "taskDefinitionArn": "arn:aws:ecs:eu-west-1:1:task-definition/f:3",
                "family": "f",
                "containerDefinitions": [{"name": "app", "image": "x"}],
                "revision": 3,
                "status": "ACTIVE",
                "registeredAt": "2025-07-30T12:24:57.494000+02:00"
            },
            "tags": [{"key": "team", "value": "a"}]
        })
        .to_string();
        let doc = read(text.as_bytes()).unwrap();
        let keys: Vec<_> = doc.value.as_object().unwrap().keys().collect();
        assert_eq!(keys, ["family", "containerDefinitions", "tags"]);
        assert_eq!(
            doc.notes,
            [
                ReadNote::Unwrapped,
                ReadNote::TagsMoved,
                ReadNote::ReadOnlyDropped {
                    fields: vec!["taskDefinitionArn", "revision", "status", "registeredAt"]
                }
            ]
        );
    }

    #[test]
    fn empty_sibling_tags_are_dropped_quietly() {
        let text = r#"{"taskDefinition": {"containerDefinitions": [{"name": "a"}]}, "tags": []}"#;
        let doc = read(text.as_bytes()).unwrap();
        assert!(doc.value.get("tags").is_none());
        assert_eq!(doc.notes, [ReadNote::Unwrapped]);
    }

    #[test]
    fn bare_arrays_and_single_containers_are_accepted() {
        let doc = read(br#"[{"name": "a", "image": "x"}, {"name": "b", "image": "y"}]"#).unwrap();
        assert_eq!((doc.shape, doc.containers().len()), (Shape::Containers, 2));
        let doc = read(br#"{"name": "app", "image": "x", "essential": true}"#).unwrap();
        assert_eq!((doc.shape, doc.containers().len()), (Shape::Container, 1));
    }

    #[test]
    fn bom_is_stripped_and_noted() {
        let doc = read(b"\xEF\xBB\xBF[{\"name\": \"a\"}]").unwrap();
        assert_eq!(doc.notes, [ReadNote::BomStripped]);
        assert_eq!(
            doc.notes[0].to_string(),
            "stripped the UTF-8 byte order mark at the start of the file"
        );
        assert_eq!(err("\u{FEFF}\u{FEFF}[]").position().unwrap().line, 1);
        assert_eq!(read(b"\xFF\xFE[\x00]\x00").unwrap_err(), InputError::Utf16);
    }

    #[test]
    fn syntax_errors_carry_line_and_character_column() {
        let e = err("{\n  \"é\": 1,\n  \"b\": 2,\n}");
        assert_eq!(e.position(), Some(Position { line: 4, column: 1 }));
        assert!(e.to_string().contains("trailing comma"), "{e}");
        let e = err("[{\"name\": \"é\", \"value\": <API_KEY>}]");
        assert_eq!(
            e.position(),
            Some(Position {
                line: 1,
                column: 25
            })
        );
        assert!(e.to_string().contains("unquoted placeholder"), "{e}");
    }

    #[test]
    fn pasted_prompts_yaml_and_garbage_get_hints() {
        let prompt = err("host$ aws ecs describe-task-definition\n{}");
        assert_eq!(prompt.position(), Some(Position { line: 1, column: 1 }));
        assert_eq!(
            prompt.to_string(),
            "not valid JSON: it does not start with { or [; remove the pasted shell prompt or command before the JSON"
        );
        assert!(err("family: web\ncontainerDefinitions:\n")
            .to_string()
            .contains("YAML"));
        assert!(err("{\"containerDefinitions\": []}\naws ecs register")
            .to_string()
            .contains("more text after"));
        assert!(err("{\"a\": [1,").to_string().contains("cut short"));
        assert!(err("{% set x = 1 %}\n{}").to_string().contains("template"));
    }

    #[test]
    fn templates_are_refused_with_their_place() {
        let e = err(
            "{\"containerDefinitions\": [\n  {\"name\": \"app\", \"image\": \"${IMAGE_URL}\"}]}",
        );
        assert_eq!(
            e.position(),
            Some(Position {
                line: 2,
                column: 28
            })
        );
        assert_eq!(
            e.to_string(),
            "template placeholder ${IMAGE_URL} in containerDefinitions[0].image: this file is a template; render it first (terraform, envsubst, ecspresso render ...) and patch the result"
        );
    }

    #[test]
    fn duplicate_keys_are_refused() {
        let e = err("{\"family\": \"a\",\n \"family\": \"b\", \"containerDefinitions\": []}");
        assert_eq!(e.position(), Some(Position { line: 2, column: 2 }));
        assert!(
            e.to_string()
                .starts_with("duplicate key \"family\" (first at 1:2)"),
            "{e}"
        );
    }

    #[test]
    fn other_documents_are_named() {
        assert!(err(r#"{"jobDefinitionName": "j", "ecsProperties": {}}"#)
            .to_string()
            .contains("AWS Batch"));
        assert!(err(r#"{"Resources": {}}"#)
            .to_string()
            .contains("CloudFormation"));
        assert!(err(r#"{"family": "f"}"#)
            .to_string()
            .contains("no containerDefinitions"));
        assert!(err(r#"{"containerDefinitions": []}"#)
            .to_string()
            .contains("empty"));
        assert!(err("[1, 2]")
            .to_string()
            .contains("not of container definitions"));
        assert!(err("\"x\"").to_string().contains("JSON string"));
        assert_eq!(err(" \n"), InputError::Empty);
    }

    #[test]
    fn wrong_field_types_are_reported_at_their_place() {
        let e = err("[{\"name\": \"a\",\n  \"command\": \"python app.py\"}]");
        assert_eq!(e.to_string(), "[0].command must be an array of strings");
        assert_eq!(
            e.position(),
            Some(Position {
                line: 2,
                column: 14
            })
        );
        let e = err(r#"[{"name": "a", "environment": [{"name": "PORT", "value": 80}]}]"#);
        assert!(
            e.to_string()
                .starts_with("[0].environment[0].value must be a string"),
            "{e}"
        );
        let e = err(r#"{"containerDefinitions": [{"image": "x"}]}"#);
        assert_eq!(
            e.to_string(),
            "containerDefinitions[0] has no name: ECS requires one for every container"
        );
    }

    #[test]
    fn layout_is_detected_and_rendered_back() {
        let layout = |text: &str| read(text.as_bytes()).unwrap().layout;
        let tabs = layout("[\n\t{\"name\": \"a\"}\n]\n");
        assert_eq!(
            (tabs.indent, tabs.final_newline, tabs.crlf),
            (Indent::Tab, true, false)
        );
        let crlf = layout("[\r\n    {\"name\": \"a\"}\r\n]");
        assert_eq!(
            (crlf.indent, crlf.final_newline, crlf.crlf),
            (Indent::Spaces(4), false, true)
        );
        assert_eq!(layout("[{\"name\": \"a\"}]  \n ").indent, Indent::Spaces(2));
        let cut_out = detect_layout("{\n    \"a\": [\n      {\"name\": \"a\"}\n    ]\n}");
        assert_eq!((cut_out.indent, cut_out.offset), (Indent::Spaces(2), 2));
        assert_eq!(
            render(&json!({"a": [{"name": "a"}]}), &cut_out),
            "{\n    \"a\": [\n      {\n        \"name\": \"a\"\n      }\n    ]\n}"
        );
        let value = json!([{"name": "a", "x": []}]);
        assert_eq!(
            render(&value, &crlf),
            "[\r\n    {\r\n        \"name\": \"a\",\r\n        \"x\": []\r\n    }\r\n]"
        );
        assert_eq!(
            render(&value, &tabs),
            "[\n\t{\n\t\t\"name\": \"a\",\n\t\t\"x\": []\n\t}\n]\n"
        );
    }

    #[test]
    fn write_edits_the_text_that_was_read() {
        let text = "\u{FEFF}{\n  \"family\" : \"f\",\n  \"cpu\": null,\n  \"containerDefinitions\": [{\"name\": \"a\", \"memory\": 1E2}]\n}\n\n";
        let doc = read(text.as_bytes()).unwrap();
        assert_eq!(
            write(&doc, &doc.value),
            "{\n  \"family\" : \"f\",\n  \"containerDefinitions\": [{\"name\": \"a\", \"memory\": 1E2}]\n}\n\n"
        );
        let mut value = doc.value.clone();
        value["containerDefinitions"][0]["image"] = json!("x");
        assert_eq!(
            write(&doc, &value),
            "{\n  \"family\" : \"f\",\n  \"containerDefinitions\": [{\"name\": \"a\", \"memory\": 1E2, \"image\": \"x\"}]\n}\n\n"
        );
        let built = Document {
            source: Source::default(),
            ..doc
        };
        assert_eq!(write(&built, &value), render(&value, &built.layout));
    }

    #[test]
    fn paths_read_like_the_json() {
        assert_eq!(
            display_path("/containerDefinitions/0/image"),
            "containerDefinitions[0].image"
        );
        assert_eq!(display_path("/0/dockerLabels/a~1b"), "[0].dockerLabels.a/b");
        assert_eq!(display_path(""), "the top level");
    }
}
