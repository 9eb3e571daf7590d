//! The `ddecs-wizard` command lines the docs show, read by rule, shared by
//! the offline test (`tests/docs_commands.rs`, this package) and the AWS
//! one (`aws/tests/docs_commands.rs`), so both see the same lines.
//!
//! The rules, in order:
//!
//! 1. The docs are README.md, ARCHITECTURE.md, CONTRIBUTING.md and
//!    docs/*.md.
//! 2. Code is a fenced block (```` ``` ````) or an indented block (lines of
//!    4 spaces after a blank line or another such line, outside a fence).
//! 3. A code line is shell, read by `core::shell`, after a leading `$ `
//!    prompt; in a `yaml` block only the value of a `run:` key is shell.
//!    A line that ends in `&&`, `|` or `\` goes on with the next one.
//! 4. It is a command line when one of its simple commands has the program
//!    word `ddecs-wizard`. Output in a block (`ddecs-wizard: 1 file ...`,
//!    `plan: ...`) has no such word, nor prose; comments are no words.
//! 5. Every argument is a literal word: placeholders (`[--flag ...]`,
//!    `FILE`-style words the shell would expand) are not allowed, so the
//!    docs show commands that run as written. A redirection's target may be
//!    `~/...` or one `$NAME` (a file the reader's shell names, such as
//!    PowerShell's `$PROFILE`): the runners put both under a temporary HOME.

#![allow(dead_code)]

use std::path::{Path, PathBuf};

use ddecs_wizard::core::shell;

/// The program whose commands the docs must show as they run.
pub const PROGRAM: &str = "ddecs-wizard";

/// The commands that need an AWS account, run by `ddecs-wizard-aws`.
pub const AWS_COMMANDS: [&str; 4] = ["pull", "apply", "register", "doctor"];

/// One command line of the docs.
#[derive(Debug, Clone)]
pub struct Line {
    /// The doc's path from the workspace root, as in messages.
    pub file: String,
    /// The 1-based line the command starts on.
    pub line: usize,
    /// The shell text, continuation lines joined.
    pub text: String,
    /// Its simple commands in order.
    pub commands: Vec<Command>,
}

/// One simple command of a line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Command {
    /// The program and its arguments, unquoted.
    pub argv: Vec<String>,
    /// `(operator, target as written)`: `>`, `>>` or `<`.
    pub redirections: Vec<(String, String)>,
    /// The operator after it: `|`, `&&`, ... or `None` at the end.
    pub then: Option<String>,
}

impl Command {
    pub fn is_ours(&self) -> bool {
        self.argv.first().map(String::as_str) == Some(PROGRAM)
    }

    /// Whether this is one of ours that needs AWS.
    pub fn is_aws(&self) -> bool {
        self.is_ours()
            && self
                .argv
                .get(1)
                .is_some_and(|sub| AWS_COMMANDS.contains(&sub.as_str()))
    }

    /// Where its stdout goes, if redirected.
    pub fn stdout_target(&self) -> Option<(&str, &str)> {
        self.redirections
            .iter()
            .find(|(op, _)| op == ">" || op == ">>")
            .map(|(op, target)| (op.as_str(), target.as_str()))
    }

    /// The file its stdin comes from, if redirected.
    pub fn stdin_source(&self) -> Option<&str> {
        self.redirections
            .iter()
            .find(|(op, _)| op == "<")
            .map(|(_, target)| target.as_str())
    }
}

impl Line {
    /// `file:line`, the place every failure names.
    pub fn place(&self) -> String {
        format!("{}:{}", self.file, self.line)
    }

    /// Whether any of its commands needs AWS: the whole line then runs in
    /// the AWS test, which has the account.
    pub fn needs_aws(&self) -> bool {
        self.commands.iter().any(Command::is_aws)
    }
}

/// The workspace root, from a package's manifest directory.
pub fn workspace_root(manifest_dir: &str) -> PathBuf {
    let dir = Path::new(manifest_dir);
    if dir.join("aws").is_dir() {
        dir.to_path_buf()
    } else {
        dir.parent().expect("aws/ has a parent").to_path_buf()
    }
}

/// The docs, in a fixed order.
pub fn doc_files(root: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = ["README.md", "ARCHITECTURE.md", "CONTRIBUTING.md"]
        .iter()
        .map(|name| root.join(name))
        .collect();
    let mut pages: Vec<PathBuf> = std::fs::read_dir(root.join("docs"))
        .expect("docs/ is readable")
        .map(|entry| entry.expect("docs/ entry").path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "md"))
        .collect();
    pages.sort();
    files.extend(pages);
    files
}

/// Every command line of every doc, in order.
pub fn all_lines(root: &Path) -> Vec<Line> {
    doc_files(root)
        .iter()
        .flat_map(|path| {
            let text = std::fs::read_to_string(path)
                .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
            let name = path
                .strip_prefix(root)
                .unwrap_or(path)
                .display()
                .to_string();
            command_lines(&name, &text)
        })
        .collect()
}

/// The code lines of a Markdown text: `(1-based line, shell text)`, rules
/// 2 and 3.
pub fn code_lines(markdown: &str) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    // The info string of the open fence, if one is open.
    let mut fence: Option<String> = None;
    let mut previous_blank = true;
    let mut in_indented = false;
    for (index, line) in markdown.lines().enumerate() {
        let number = index + 1;
        let trimmed = line.trim_start();
        if let Some(info) = trimmed.strip_prefix("```") {
            fence = match fence {
                Some(_) => None,
                None => Some(info.trim().to_owned()),
            };
            in_indented = false;
            previous_blank = false;
            continue;
        }
        if let Some(info) = &fence {
            let shell = if info == "yaml" {
                yaml_run_value(trimmed)
            } else {
                Some(trimmed)
            };
            if let Some(shell) = shell {
                out.push((number, shell.to_owned()));
            }
            continue;
        }
        let blank = line.trim().is_empty();
        if !blank {
            in_indented = line.starts_with("    ") && (previous_blank || in_indented);
            if in_indented {
                out.push((number, trimmed.to_owned()));
            }
        }
        previous_blank = blank;
    }
    out.into_iter()
        .map(|(number, text)| {
            let text = text.strip_prefix("$ ").map(str::to_owned).unwrap_or(text);
            (number, text)
        })
        .collect()
}

/// The shell of a YAML `run:` key (`- run: ddecs-wizard check .`).
fn yaml_run_value(line: &str) -> Option<&str> {
    let line = line.strip_prefix("- ").unwrap_or(line);
    line.strip_prefix("run:").map(str::trim_start)
}

/// The command lines of one doc (rules 3 to 5); a line that breaks rule 5
/// panics, naming its place.
pub fn command_lines(file: &str, markdown: &str) -> Vec<Line> {
    let mut lines = Vec::new();
    let mut pending: Option<(usize, String)> = None;
    for (number, text) in code_lines(markdown) {
        let (start, joined) = match pending.take() {
            Some((start, mut before)) => {
                before.push('\n');
                before.push_str(&text);
                (start, before)
            }
            None => (number, text),
        };
        let read = shell::commands(&joined);
        let open = joined.ends_with('\\')
            || read
                .last()
                .is_some_and(|last| matches!(last.then, Some("&&" | "||" | "|")));
        if open {
            pending = Some((start, joined));
            continue;
        }
        let commands: Vec<Command> = read
            .iter()
            .map(|command| read_command(file, start, command))
            .collect();
        if commands.iter().any(Command::is_ours) {
            lines.push(Line {
                file: file.to_owned(),
                line: start,
                text: joined,
                commands,
            });
        }
    }
    lines
}

fn read_command(file: &str, line: usize, command: &shell::SimpleCommand<'_>) -> Command {
    let ours = command.words.first() == Some(&PROGRAM);
    let argv = command
        .words
        .iter()
        .map(|word| match shell::unquote(word) {
            Some(value) => value,
            _ if ours => panic!(
                "{file}:{line}: `{word}` is no literal argument: show a command that runs as written"
            ),
            // Other programs' words (an `aws ...` feeding a pipe) are not run.
            _ => (*word).to_owned(),
        })
        .collect();
    Command {
        argv,
        redirections: command
            .redirections
            .iter()
            .map(|(op, target)| ((*op).to_owned(), (*target).to_owned()))
            .collect(),
        then: command.then.map(str::to_owned),
    }
}
