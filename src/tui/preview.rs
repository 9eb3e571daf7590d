//! The live preview: every tab's text rendered by the core, kept until the
//! config changes (rendering is cheap, but a frame should not redo it), the
//! lines that changed since the user entered the current step, and the
//! wrapping of long lines into screen rows.

use std::borrow::Cow;

use similar::{ChangeTag, TextDiff};
use unicode_segmentation::UnicodeSegmentation;
use unicode_width::UnicodeWidthStr;

use crate::core::entrypoint::build_script;
use crate::core::{render, Artifact, Config};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tab {
    TaskDefinition,
    AgentContainer,
    AppContainer,
    Script,
    Apache,
    PhpFpm,
    TracerCode,
}

impl Tab {
    pub const ALL: [Tab; 7] = [
        Tab::TaskDefinition,
        Tab::AgentContainer,
        Tab::AppContainer,
        Tab::Script,
        Tab::Apache,
        Tab::PhpFpm,
        Tab::TracerCode,
    ];

    pub fn index(self) -> usize {
        Tab::ALL.iter().position(|t| *t == self).unwrap_or(0)
    }

    /// The tab bar label; short so all seven fit in 60 columns.
    pub fn label(self) -> &'static str {
        match self {
            Tab::TaskDefinition => "Task def",
            Tab::AgentContainer => "Agent",
            Tab::AppContainer => "App",
            Tab::Script => "Script",
            Tab::Apache => "Apache",
            Tab::PhpFpm => "PHP-FPM",
            Tab::TracerCode => "Code",
        }
    }

    /// The `generate --output` artifact shown; the script tab shows part of
    /// the app container instead.
    pub fn artifact(self) -> Option<Artifact> {
        Some(match self {
            Tab::TaskDefinition => Artifact::AgentTaskDefinition,
            Tab::AgentContainer => Artifact::AgentContainer,
            Tab::AppContainer => Artifact::AppContainer,
            Tab::Script => return None,
            Tab::Apache => Artifact::Apache,
            Tab::PhpFpm => Artifact::PhpFpm,
            Tab::TracerCode => Artifact::TracerCode,
        })
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
        language: &'static str,
        why: &'static str,
    },
}

impl Content {
    fn render(config: &Config, tab: Tab) -> Content {
        let (text, json) = match tab.artifact() {
            None => (build_script(config.imds, &config.startup_command), false),
            Some(artifact) => match render(config, artifact) {
                Ok(text) => (text, artifact.is_json()),
                Err(na) => {
                    return Content::NotApplicable {
                        language: config.language.label(),
                        why: na.why,
                    }
                }
            },
        };
        let lines = text.lines().map(display_line).collect();
        Content::Text { text, lines, json }
    }

    pub fn text(&self) -> Option<&str> {
        match self {
            Content::Text { text, .. } => Some(text),
            Content::NotApplicable { .. } => None,
        }
    }
}

/// Tabs expanded to 4-column stops and control characters made visible, so
/// the terminal never receives a raw tab or escape from preview text.
fn display_line(line: &str) -> String {
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
    /// The first row of its line (only those get the changed marker).
    pub first: bool,
}

/// Hard-wraps `lines` at `width` cells. Long JSON strings (the entryPoint
/// script) wrap anywhere, which keeps every character on screen exactly.
pub fn wrap(lines: &[String], width: usize) -> Vec<Row> {
    let width = width.max(1);
    let mut rows = Vec::with_capacity(lines.len());
    for (n, line) in lines.iter().enumerate() {
        let mut start = 0;
        let mut first = true;
        if line.is_ascii() {
            while first || start < line.len() {
                let end = (start + width).min(line.len());
                rows.push(Row {
                    line: n,
                    start,
                    end,
                    first,
                });
                first = false;
                start = end;
            }
            continue;
        }
        let mut col = 0;
        for (i, g) in line.grapheme_indices(true) {
            let w = g.width();
            if col + w > width && col > 0 {
                rows.push(Row {
                    line: n,
                    start,
                    end: i,
                    first,
                });
                first = false;
                start = i;
                col = 0;
            }
            col += w;
        }
        rows.push(Row {
            line: n,
            start,
            end: line.len(),
            first,
        });
    }
    rows
}

#[derive(Debug, Clone)]
pub struct Preview {
    pub tab: Tab,
    /// The first screen row shown.
    pub scroll: usize,
    rendered_for: Config,
    contents: Vec<Content>,
    baseline: Vec<Option<String>>,
    changed: Vec<Vec<bool>>,
}

impl Preview {
    pub fn new(config: &Config, tab: Tab) -> Preview {
        let contents: Vec<Content> = Tab::ALL
            .iter()
            .map(|t| Content::render(config, *t))
            .collect();
        let baseline = contents
            .iter()
            .map(|c| c.text().map(str::to_owned))
            .collect();
        let changed = contents.iter().map(|_| Vec::new()).collect();
        Preview {
            tab,
            scroll: 0,
            rendered_for: config.clone(),
            contents,
            baseline,
            changed,
        }
    }

    /// Re-renders when `config` differs from the one last rendered; true
    /// when it did.
    pub fn refresh(&mut self, config: &Config) -> bool {
        if *config == self.rendered_for {
            return false;
        }
        self.rendered_for = config.clone();
        for (i, tab) in Tab::ALL.iter().enumerate() {
            let content = Content::render(config, *tab);
            self.changed[i] = match (&self.baseline[i], content.text()) {
                (Some(old), Some(new)) => changed_lines(old, new),
                _ => Vec::new(),
            };
            self.contents[i] = content;
        }
        true
    }

    /// Makes the current texts the reference for "changed" markers.
    pub fn set_baseline(&mut self) {
        self.baseline = self
            .contents
            .iter()
            .map(|c| c.text().map(str::to_owned))
            .collect();
        for flags in &mut self.changed {
            flags.clear();
        }
    }

    pub fn current(&self) -> &Content {
        &self.contents[self.tab.index()]
    }

    pub fn content(&self, tab: Tab) -> &Content {
        &self.contents[tab.index()]
    }

    /// Per line of the current tab: changed since the baseline.
    pub fn changed(&self) -> &[bool] {
        &self.changed[self.tab.index()]
    }

    pub fn is_changed(&self, line: usize) -> bool {
        self.changed().get(line).copied().unwrap_or(false)
    }

    /// The rows of the current tab at `width`: text columns after the
    /// one-column changed marker.
    pub fn rows(&self, width: usize) -> Vec<Row> {
        match self.current() {
            Content::Text { lines, .. } => wrap(lines, width),
            Content::NotApplicable { .. } => Vec::new(),
        }
    }
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
    use crate::core::Language;

    #[test]
    fn preview_text_is_exactly_generate_output() {
        for language in Language::ALL {
            let config = Config::for_language(language);
            let preview = Preview::new(&config, Tab::TaskDefinition);
            for tab in Tab::ALL {
                match (tab.artifact(), preview.content(tab)) {
                    (Some(artifact), Content::Text { text, .. }) => {
                        assert_eq!(*text, render(&config, artifact).unwrap())
                    }
                    (Some(artifact), Content::NotApplicable { why, .. }) => {
                        assert_eq!(*why, render(&config, artifact).unwrap_err().why)
                    }
                    (None, content) => assert_eq!(
                        content.text(),
                        Some(build_script(config.imds, &config.startup_command).as_str())
                    ),
                }
            }
        }
    }

    #[test]
    fn refresh_marks_changed_lines_since_the_baseline() {
        let mut config = Config::default();
        let mut preview = Preview::new(&config, Tab::AgentContainer);
        assert!(!preview.refresh(&config));
        config.agent_version = "7.17".parse().unwrap();
        assert!(preview.refresh(&config));
        let changed: Vec<usize> = (0..preview.changed().len())
            .filter(|i| preview.is_changed(*i))
            .collect();
        let Content::Text { lines, .. } = preview.current() else {
            panic!("agent container applies")
        };
        let marked: Vec<&str> = changed.iter().map(|i| lines[*i].trim()).collect();
        assert!(
            marked.contains(&"\"image\": \"public.ecr.aws/datadog/agent:7.17\","),
            "{marked:?}"
        );
        assert!(
            marked.contains(&"\"name\": \"DD_APM_ENABLED\","),
            "{marked:?}"
        );
        preview.set_baseline();
        assert!(preview.changed().iter().all(|c| !c));
    }

    #[test]
    fn wrap_keeps_every_character() {
        let lines = vec!["abcdefghij".to_owned(), String::new(), "日本語x".to_owned()];
        let rows = wrap(&lines, 4);
        let pieces: Vec<&str> = rows
            .iter()
            .map(|r| &lines[r.line][r.start..r.end])
            .collect();
        assert_eq!(pieces, ["abcd", "efgh", "ij", "", "日本", "語x"]);
        assert_eq!(rows.iter().filter(|r| r.first).count(), 3);
    }

    #[test]
    fn tabs_and_controls_are_made_drawable() {
        assert_eq!(display_line("a\tb\u{1b}[31m"), "a   b␛[31m");
    }

    #[test]
    fn truncate_marks_the_cut() {
        assert_eq!(truncate("abcdef", 4), "abc…");
        assert_eq!(truncate("abc", 4), "abc");
        assert_eq!(truncate("日本語", 5), "日本…");
    }
}
