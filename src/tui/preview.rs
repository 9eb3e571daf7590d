//! The live preview: every tab's text rendered by the core, kept until the
//! answers change (rendering is cheap, but a frame should not redo it), the
//! lines that changed since the user entered the current step, and the
//! wrapping of long lines into screen rows at word and token boundaries.
//!
//! While an answer is invalid, every tab whose text depends on it shows why
//! instead of text: a preview of the last valid value would look like the
//! answer on screen, and could be copied.

use std::borrow::Cow;

use similar::{ChangeTag, TextDiff};
use unicode_segmentation::UnicodeSegmentation;
use unicode_width::UnicodeWidthStr;

use crate::core::generate::entrypoint::build_script;
use crate::core::{render, Artifact, Config};
use crate::wizard::{Answers, Question};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tab {
    AgentTaskDefinition,
    AgentContainer,
    AppTaskDefinition,
    AppContainer,
    TracerInit,
    Script,
    Dockerfile,
    Apache,
    PhpFpm,
    TracerCode,
}

impl Tab {
    pub const ALL: [Tab; 10] = [
        Tab::AgentTaskDefinition,
        Tab::AgentContainer,
        Tab::AppTaskDefinition,
        Tab::AppContainer,
        Tab::TracerInit,
        Tab::Script,
        Tab::Dockerfile,
        Tab::Apache,
        Tab::PhpFpm,
        Tab::TracerCode,
    ];

    pub fn index(self) -> usize {
        self as usize
    }

    pub fn label(self) -> &'static str {
        match self {
            Tab::AgentTaskDefinition => "Agent task def",
            Tab::AgentContainer => "Agent",
            Tab::AppTaskDefinition => "App task def",
            Tab::AppContainer => "App",
            Tab::TracerInit => "Init",
            Tab::Script => "Script",
            Tab::Dockerfile => "Dockerfile",
            Tab::Apache => "Apache",
            Tab::PhpFpm => "PHP-FPM",
            Tab::TracerCode => "Code",
        }
    }

    /// The `generate --output` artifact behind the tab; the script tab
    /// shows part of the entryPoint.
    pub fn artifact(self) -> Artifact {
        match self {
            Tab::AgentTaskDefinition => Artifact::AgentTaskDefinition,
            Tab::AgentContainer => Artifact::AgentContainer,
            Tab::AppTaskDefinition => Artifact::AppTaskDefinition,
            Tab::AppContainer => Artifact::AppContainer,
            Tab::TracerInit => Artifact::TracerInitContainer,
            Tab::Script => Artifact::Entrypoint,
            Tab::Dockerfile => Artifact::Dockerfile,
            Tab::Apache => Artifact::Apache,
            Tab::PhpFpm => Artifact::PhpFpm,
            Tab::TracerCode => Artifact::TracerCode,
        }
    }

    pub fn cycle(self, forward: bool) -> Tab {
        let n = Tab::ALL.len();
        let i = self.index();
        Tab::ALL[if forward {
            (i + 1) % n
        } else {
            (i + n - 1) % n
        }]
    }

    /// The tab's text for `config`, or `None` where it does not apply.
    pub fn text(self, config: &Config) -> Option<String> {
        match self {
            Tab::Script => {
                self.artifact().applies_to(config).ok()?;
                Some(build_script(config.imds, &config.startup_command))
            }
            tab => render(config, tab.artifact()).ok(),
        }
    }
}

/// One tab's content.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Content {
    Text {
        /// Exactly what `generate` prints (or the script), for copying.
        text: String,
        /// The same text split into lines made safe to draw: tabs expanded,
        /// control characters shown as symbols.
        lines: Vec<String>,
        json: bool,
    },
    NotApplicable {
        /// The answer that rules it out, as a flag or value.
        to: String,
        why: &'static str,
    },
    /// An answer this tab depends on is invalid: the reason.
    Blocked(String),
}

impl Content {
    fn render(answers: &Answers, tab: Tab) -> Content {
        let config = answers.config();
        let artifact = tab.artifact();
        if let Err(na) = artifact.applies_to(config) {
            return Content::NotApplicable {
                to: na.to,
                why: na.why,
            };
        }
        if let Some(why) = answers.blocked(artifact) {
            return Content::Blocked(why);
        }
        let Some(text) = tab.text(config) else {
            return Content::Blocked(String::new());
        };
        let lines = text.lines().map(display_line).collect();
        Content::Text {
            text,
            lines,
            json: artifact.is_json() && tab != Tab::Script,
        }
    }

    pub fn text(&self) -> Option<&str> {
        match self {
            Content::Text { text, .. } => Some(text),
            Content::NotApplicable { .. } | Content::Blocked(_) => None,
        }
    }
}

/// The most characters of one line the preview shows. A start command of
/// 1 MiB is one line of the script and of the container's JSON: wrapped
/// whole it would be thousands of rows, laid out again at every width.
/// Copying and saving take the whole text.
pub const SHOWN_PER_LINE: usize = 8 * 1024;

/// A line as the preview shows it: at most [`SHOWN_PER_LINE`] characters,
/// then how many more there are.
fn display_line(line: &str) -> String {
    match line.char_indices().nth(SHOWN_PER_LINE) {
        None => visible(line),
        Some((at, _)) => {
            let more = line[at..].chars().count();
            format!(
                "{} ... {more} more characters (c copies the whole text)",
                visible(&line[..at])
            )
        }
    }
}

/// Tabs expanded to 4-column stops and control characters made visible, so
/// the terminal never receives a raw tab or escape from preview text.
fn visible(line: &str) -> String {
    if !line.chars().any(char::is_control) {
        return line.to_owned();
    }
    let mut out = String::with_capacity(line.len() + 8);
    let mut col = 0;
    for g in line.graphemes(true) {
        match g {
            "\t" => {
                let pad = 4 - col % 4;
                out.extend(std::iter::repeat_n(' ', pad));
                col += pad;
            }
            g if g.chars().any(char::is_control) => {
                for c in g.chars() {
                    let shown = match c {
                        '\u{0}'..='\u{1f}' => char::from_u32(0x2400 + c as u32).unwrap_or('?'),
                        c if c.is_control() => '�',
                        c => c,
                    };
                    out.push(shown);
                    col += 1;
                }
            }
            g => {
                out.push_str(g);
                col += g.width();
            }
        }
    }
    out
}

/// A screen row of the preview: part of one line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Row {
    pub line: usize,
    pub start: usize,
    pub end: usize,
    /// The first row of its line: only those get the changed marker; the
    /// others get the continuation mark.
    pub first: bool,
    /// Columns of indentation before a continuation row's text, so that it
    /// lines up under its line.
    pub indent: usize,
}

/// Whether a row may start at grapheme `g` after `prev`: at a word after a
/// space, after `,` or `;`, and after `&&`, `||` or `|` (never between the
/// two characters of an operator, never at a space).
fn may_break(prev: &str, g: &str) -> bool {
    match prev {
        " " => g != " ",
        "," | ";" | "&" | "|" => !matches!(g, " " | "&" | "|" | "," | ";"),
        _ => false,
    }
}

/// Wraps `lines` into rows of at most `width` cells, breaking at word and
/// token boundaries where it can and inside a token only when one is longer
/// than a row. Continuation rows are indented like their line (up to half
/// the width).
pub fn wrap(lines: &[String], width: usize) -> Vec<Row> {
    let width = width.max(1);
    let mut rows = Vec::with_capacity(lines.len());
    for (n, line) in lines.iter().enumerate() {
        if line.len() <= width || line.width() <= width {
            rows.push(Row {
                line: n,
                start: 0,
                end: line.len(),
                first: true,
                indent: 0,
            });
            continue;
        }
        let indent = (line.len() - line.trim_start_matches(' ').len()).min(width / 2);
        // Cells (byte offset, text, width): a byte each for ASCII, the
        // usual case, without segmenting it; graphemes otherwise.
        let graphemes: Vec<(usize, &str, usize)> = if line.is_ascii() {
            Vec::new()
        } else {
            line.grapheme_indices(true)
                .map(|(i, g)| (i, g, g.width()))
                .collect()
        };
        let count = if line.is_ascii() {
            line.len()
        } else {
            graphemes.len()
        };
        let cell = |k: usize| -> (usize, &str, usize) {
            if graphemes.is_empty() {
                (k, &line[k..=k], 1)
            } else {
                graphemes[k]
            }
        };
        let mut from = 0;
        while from < count {
            let first = from == 0;
            let room = if first { width } else { width - indent };
            let mut col = 0;
            let mut to = from;
            let mut last_break = None;
            while to < count {
                let (_, g, w) = cell(to);
                if to > from && may_break(cell(to - 1).1, g) {
                    last_break = Some(to);
                }
                if col + w > room && to > from {
                    break;
                }
                col += w;
                to += 1;
            }
            if to < count {
                to = last_break.unwrap_or(to);
            }
            rows.push(Row {
                line: n,
                start: cell(from).0,
                end: if to < count { cell(to).0 } else { line.len() },
                first,
                indent: if first { 0 } else { indent },
            });
            from = to;
        }
    }
    rows
}

/// What a tab shows before it was rendered for the current answers; never
/// drawn, since every change renders the tab on screen.
static STALE: Content = Content::Blocked(String::new());

/// The preview of every tab. Only the tab on screen is rendered when an
/// answer changes (a key press must stay cheap); another tab is rendered
/// when it is shown, and all of them when a step starts (for the "changed"
/// markers' reference).
#[derive(Debug, Clone)]
pub struct Preview {
    pub tab: Tab,
    /// The first screen row shown.
    pub scroll: usize,
    rendered_for: (Config, Vec<(Question, String)>),
    /// Each tab's content; `None` until rendered for the current answers.
    contents: Vec<Option<Content>>,
    /// Whether each tab has text for the current answers (it applies and
    /// nothing it depends on is invalid), known without rendering it.
    available: Vec<bool>,
    baseline: Vec<Option<String>>,
    changed: Vec<Vec<bool>>,
    /// The rows of one tab at one width, kept until the text changes: a
    /// key press and its frame need them several times.
    wrapped: Option<(Tab, usize, Vec<Row>)>,
}

impl Preview {
    pub fn new(answers: &Answers, tab: Tab) -> Preview {
        let mut preview = Preview {
            tab,
            scroll: 0,
            rendered_for: (answers.config().clone(), answers.problems().to_vec()),
            contents: vec![None; Tab::ALL.len()],
            available: availability(answers),
            baseline: vec![None; Tab::ALL.len()],
            changed: vec![Vec::new(); Tab::ALL.len()],
            wrapped: None,
        };
        preview.set_baseline(answers);
        preview
    }

    /// Takes new answers, when they differ from the ones last rendered (the
    /// config, or what is invalid): the tab on screen is rendered again,
    /// the others when they are shown. True when anything changed.
    pub fn refresh(&mut self, answers: &Answers) -> bool {
        if *answers.config() == self.rendered_for.0
            && answers.problems() == self.rendered_for.1.as_slice()
        {
            return false;
        }
        self.rendered_for = (answers.config().clone(), answers.problems().to_vec());
        self.contents.iter_mut().for_each(|c| *c = None);
        self.available = availability(answers);
        self.wrapped = None;
        self.ensure(answers);
        true
    }

    /// Renders the tab on screen if it is not yet rendered for `answers`.
    pub fn ensure(&mut self, answers: &Answers) {
        self.render(answers, self.tab);
    }

    fn render(&mut self, answers: &Answers, tab: Tab) {
        let i = tab.index();
        if self.contents[i].is_some() {
            return;
        }
        let content = Content::render(answers, tab);
        self.changed[i] = match (&self.baseline[i], content.text()) {
            (Some(old), Some(new)) => changed_lines(old, new),
            _ => Vec::new(),
        };
        self.contents[i] = Some(content);
    }

    /// Makes every tab's current text the reference for "changed" markers.
    pub fn set_baseline(&mut self, answers: &Answers) {
        for tab in Tab::ALL {
            self.render(answers, tab);
        }
        self.baseline = self
            .contents
            .iter()
            .map(|c| c.as_ref().and_then(Content::text).map(str::to_owned))
            .collect();
        for flags in &mut self.changed {
            flags.clear();
        }
    }

    /// The tab on screen.
    pub fn current(&self) -> &Content {
        self.contents[self.tab.index()].as_ref().unwrap_or(&STALE)
    }

    /// A tab's content, once rendered for the current answers.
    pub fn content(&self, tab: Tab) -> Option<&Content> {
        self.contents[tab.index()].as_ref()
    }

    /// Whether `tab` has text for the current answers.
    pub fn available(&self, tab: Tab) -> bool {
        self.available[tab.index()]
    }

    /// Per line of the current tab: changed since the baseline.
    pub fn changed(&self) -> &[bool] {
        &self.changed[self.tab.index()]
    }

    pub fn is_changed(&self, line: usize) -> bool {
        self.changed().get(line).copied().unwrap_or(false)
    }

    /// The rows of the current tab at `width` text columns.
    pub fn rows(&self, width: usize) -> Cow<'_, [Row]> {
        match &self.wrapped {
            Some((tab, w, rows)) if *tab == self.tab && *w == width => Cow::Borrowed(rows),
            _ => Cow::Owned(self.wrap_current(width)),
        }
    }

    /// Keeps the current tab's rows at `width` for the calls to come.
    pub fn rewrap(&mut self, width: usize) {
        if !matches!(&self.wrapped, Some((tab, w, _)) if *tab == self.tab && *w == width) {
            self.wrapped = Some((self.tab, width, self.wrap_current(width)));
        }
    }

    fn wrap_current(&self, width: usize) -> Vec<Row> {
        match self.current() {
            Content::Text { lines, .. } => wrap(lines, width),
            Content::NotApplicable { .. } | Content::Blocked(_) => Vec::new(),
        }
    }
}

/// Per tab: it applies to the answers and nothing it shows is invalid.
fn availability(answers: &Answers) -> Vec<bool> {
    Tab::ALL
        .iter()
        .map(|t| {
            let artifact = t.artifact();
            artifact.applies_to(answers.config()).is_ok() && answers.blocked(artifact).is_none()
        })
        .collect()
}

/// The first line where `tab` differs between two configs: where an answer
/// acts on that tab. A JSON line that only gains or loses its trailing
/// comma (because an item follows it now) is not where anything happens.
/// A tab the other answer does away with (the init container, without
/// injection) differs from its first line.
pub fn first_difference(tab: Tab, a: &Config, b: &Config) -> Option<usize> {
    let a = tab.text(a)?;
    let Some(b) = tab.text(b) else {
        return Some(0);
    };
    let same = |x: &str, y: &str| x.trim_end_matches(',') == y.trim_end_matches(',');
    let mut lines_b = b.lines();
    for (i, line) in a.lines().enumerate() {
        match lines_b.next() {
            Some(other) if same(line, other) => {}
            _ => return Some(i),
        }
    }
    lines_b.next().map(|_| a.lines().count())
}

fn changed_lines(old: &str, new: &str) -> Vec<bool> {
    let mut flags = vec![false; new.lines().count()];
    let diff = TextDiff::from_lines(old, new);
    for change in diff.iter_all_changes() {
        if change.tag() == ChangeTag::Insert {
            if let Some(flag) = change.new_index().and_then(|i| flags.get_mut(i)) {
                *flag = true;
            }
        }
    }
    flags
}

/// Shortens `text` to `width` cells with a trailing `…`.
pub fn truncate(text: &str, width: usize) -> Cow<'_, str> {
    if text.width() <= width {
        return Cow::Borrowed(text);
    }
    let mut out = String::new();
    let mut col = 0;
    for g in text.graphemes(true) {
        let w = g.width();
        if col + w + 1 > width {
            break;
        }
        out.push_str(g);
        col += w;
    }
    if width > 0 {
        out.push('…');
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::model::field::Field;
    use crate::core::model::given::Given;
    use crate::core::Language;

    fn answers(language: Language) -> Answers {
        Answers::from_given(&Given::default().with(Field::Language, language.cli_name())).unwrap()
    }

    #[test]
    fn preview_text_is_exactly_generate_output() {
        for language in Language::ALL {
            let answers = answers(language);
            let config = answers.config();
            let preview = Preview::new(&answers, Tab::AgentContainer);
            for tab in Tab::ALL {
                match (tab, preview.content(tab).expect("rendered at the start")) {
                    (Tab::Script, content) => assert_eq!(
                        content.text(),
                        Some(build_script(config.imds, &config.startup_command).as_str())
                    ),
                    (tab, Content::Text { text, .. }) => {
                        assert_eq!(*text, render(config, tab.artifact()).unwrap())
                    }
                    (tab, Content::NotApplicable { why, .. }) => {
                        assert_eq!(*why, render(config, tab.artifact()).unwrap_err().why)
                    }
                    (tab, Content::Blocked(why)) => panic!("{tab:?} blocked: {why}"),
                }
            }
        }
    }

    #[test]
    fn refresh_marks_changed_lines_since_the_baseline() {
        let mut answers = answers(Language::Python);
        let mut preview = Preview::new(&answers, Tab::AgentContainer);
        assert!(!preview.refresh(&answers));
        answers.select(Question::AgentVersion, 2);
        assert!(preview.refresh(&answers));
        let Content::Text { lines, .. } = preview.current() else {
            panic!("agent container applies")
        };
        let marked: Vec<&str> = (0..lines.len())
            .filter(|i| preview.is_changed(*i))
            .map(|i| lines[i].trim())
            .collect();
        assert!(
            marked.contains(&"\"image\": \"public.ecr.aws/datadog/agent:7.17\","),
            "{marked:?}"
        );
        preview.set_baseline(&answers);
        assert!(preview.changed().iter().all(|c| !c));
    }

    #[test]
    fn an_invalid_answer_blocks_the_tabs_it_changes() {
        let mut answers = answers(Language::Python);
        let mut preview = Preview::new(&answers, Tab::AgentContainer);
        answers.select(Question::AgentVersion, 3);
        answers.set_text(Question::AgentVersion, "7.177.15.2");
        preview.refresh(&answers);
        assert!(
            matches!(preview.current(), Content::Blocked(why) if why.starts_with("Agent version: invalid agent version"))
        );
        assert!(preview.available(Tab::AppContainer));
        assert!(!preview.available(Tab::AgentContainer));
    }

    fn pieces(lines: &[String], width: usize) -> Vec<String> {
        wrap(lines, width)
            .iter()
            .map(|r| {
                let mark = if r.first { "" } else { "↪" };
                format!(
                    "{mark}{}{}",
                    " ".repeat(r.indent),
                    &lines[r.line][r.start..r.end]
                )
            })
            .collect()
    }

    #[test]
    fn wrap_breaks_between_words_and_tokens() {
        let lines = vec!["a && b || (IFS=. ; read x)".to_owned()];
        assert_eq!(
            pieces(&lines, 9),
            ["a && b ", "↪|| ", "↪(IFS=. ; ", "↪read x)"]
        );
        let lines = vec!["    \"value\": \"DD_ENV,DD_SERVICE\"".to_owned()];
        assert_eq!(
            pieces(&lines, 20),
            ["    \"value\": ", "↪    \"DD_ENV,", "↪    DD_SERVICE\""]
        );
    }

    #[test]
    fn wrap_keeps_every_character() {
        let lines = vec![
            "abcdefghij".to_owned(),
            String::new(),
            "日本語x".to_owned(),
            "set -e; if [ \"$a\" ] && [ -n \"$b\" ]; then exec app; fi".to_owned(),
        ];
        for width in 1..30 {
            let rows = wrap(&lines, width);
            for (n, line) in lines.iter().enumerate() {
                let joined: String = rows
                    .iter()
                    .filter(|r| r.line == n)
                    .map(|r| &line[r.start..r.end])
                    .collect();
                assert_eq!(&joined, line, "width {width}");
            }
            for r in &rows {
                let w = lines[r.line][r.start..r.end].width() + r.indent;
                assert!(w <= width.max(1) || r.end - r.start <= 4, "{width}: {r:?}");
            }
        }
    }

    #[test]
    fn first_difference_finds_where_an_answer_acts() {
        let a = Config::default();
        let b = Question::StartupCommand.alternative(&a);
        let script = Tab::Script.text(&a).unwrap();
        let line = first_difference(Tab::Script, &a, &b).unwrap();
        assert!(
            script
                .lines()
                .nth(line)
                .unwrap()
                .contains("exec python my_app.py"),
            "{line}"
        );
    }

    #[test]
    fn the_init_container_and_dockerfile_tabs_follow_the_tracer() {
        use crate::core::model::config::Tracer;
        let inject = Config::default();
        assert!(Tab::TracerInit
            .text(&inject)
            .unwrap()
            .contains("dd-lib-python-init:v4"));
        assert_eq!(Tab::Dockerfile.text(&inject), None);
        let image = Config {
            tracer: Tracer::Image,
            ..Config::default()
        };
        assert!(Tab::Dockerfile
            .text(&image)
            .unwrap()
            .contains("pip install"));
        assert_eq!(Tab::TracerInit.text(&image), None);
        let answers = Answers::new(image, Given::default());
        assert!(matches!(
            Content::render(&answers, Tab::TracerInit),
            Content::NotApplicable { why, .. } if why.contains("--tracer inject only")
        ));
    }

    #[test]
    fn a_tab_the_other_answer_removes_differs_from_the_top() {
        let a = Config::default();
        let b = Question::Tracer.alternative(&a);
        assert_eq!(first_difference(Tab::TracerInit, &a, &b), Some(0));
        assert_eq!(first_difference(Tab::Dockerfile, &a, &b), None);
    }

    #[test]
    fn tabs_and_controls_are_made_drawable() {
        assert_eq!(display_line("a\tb\u{1b}[31m"), "a   b␛[31m");
    }

    #[test]
    fn a_line_is_shown_up_to_its_limit_then_counted() {
        let exact = "é".repeat(SHOWN_PER_LINE);
        assert_eq!(display_line(&exact), exact);
        let long = format!("{exact}\u{1b}xyz");
        assert_eq!(
            display_line(&long),
            format!("{exact} ... 4 more characters (c copies the whole text)")
        );
        let cut_before_a_control = format!("{}\u{1b}", "a".repeat(SHOWN_PER_LINE - 1));
        assert_eq!(
            display_line(&cut_before_a_control),
            format!("{}␛", "a".repeat(SHOWN_PER_LINE - 1))
        );
    }

    #[test]
    fn truncate_marks_the_cut() {
        assert_eq!(truncate("abcdef", 4), "abc…");
        assert_eq!(truncate("abc", 4), "abc");
        assert_eq!(truncate("日本語", 5), "日本…");
    }
}
