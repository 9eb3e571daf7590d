//! Shell text: the one audited quoting function, the check that decides
//! whether a startup command can be `exec`ed, and the readers `check` uses
//! to tell whether a script ends by handing over to its app.
//!
//! Everything that puts a user's string into a shell script goes through
//! [`quote`]; the startup command itself is shell text the user wrote and is
//! passed through untouched, so only [`exec_form`] looks inside it.

/// Quotes `word` so that a POSIX shell reads it back as exactly one word with
/// exactly these bytes. Words made only of characters no shell treats
/// specially are left bare so that the result stays readable.
pub fn quote(word: &str) -> String {
    let is_plain = |c: char| c.is_ascii_alphanumeric() || "@%+=:,./_-".contains(c);
    if !word.is_empty() && word.chars().all(is_plain) && !word.starts_with('=') {
        return word.to_owned();
    }
    // Inside single quotes nothing is special except the closing quote, so a
    // quote in the word ends the quoting, adds an escaped quote and reopens.
    let mut out = String::with_capacity(word.len() + 2);
    out.push('\'');
    for c in word.chars() {
        if c == '\'' {
            out.push_str("'\\''");
        } else {
            out.push(c);
        }
    }
    out.push('\'');
    out
}

/// Joins an argv into one shell command line that runs exactly that argv.
pub fn join(argv: &[String]) -> String {
    argv.iter()
        .enumerate()
        .map(|(i, arg)| {
            let quoted = quote(arg);
            // As the first word a bare `A=b` is an assignment and a bare
            // `if` a keyword: quoting makes each a program name again.
            let misread = is_assignment(arg) || RESERVED.contains(&arg.as_str());
            if i == 0 && quoted == *arg && misread {
                format!("'{arg}'")
            } else {
                quoted
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// Words that start a compound command or change how the rest is read; such
/// a command cannot follow `exec`.
const RESERVED: &[&str] = &[
    "if", "then", "else", "elif", "fi", "case", "esac", "for", "while", "until", "do", "done", "{",
    "}", "!", "function", "select", "[[",
];

/// Builtins of dash and busybox ash that either do not exist as programs or
/// behave differently as programs; `exec`ing them would fail, change the
/// output or end the container.
const BUILTINS: &[&str] = &[
    ".", ":", "alias", "bg", "break", "cd", "chdir", "command", "continue", "echo", "eval", "exec",
    "exit", "export", "false", "fg", "getopts", "hash", "help", "history", "jobs", "kill", "let",
    "local", "printf", "pwd", "read", "readonly", "return", "set", "shift", "source", "test", "[",
    "times", "trap", "true", "type", "ulimit", "umask", "unalias", "unset", "wait",
];

/// Returns the startup command with `exec` put in front of its program when
/// the command is one simple command (a program, its arguments, redirections
/// and leading `NAME=value` assignments), so that the program replaces the
/// shell and receives ECS's SIGTERM. Returns `None` for anything else
/// (lists, pipelines, compound commands, builtins), and for a command that
/// starts with a redirection, where `exec` would turn any assignment after
/// it into the program's name: those run unchanged.
pub fn exec_form(command: &str) -> Option<String> {
    let words = simple_command_words(command)?;
    let (offset, first) = words.iter().find(|(_, word)| !is_assignment(word))?;
    if RESERVED.contains(&first.as_str()) || BUILTINS.contains(&first.as_str()) {
        return None;
    }
    if is_redirection(first) {
        return None;
    }
    // A function definition `name() ...` is not a program to run.
    if first.contains('(') {
        return None;
    }
    let mut out = String::with_capacity(command.len() + 5);
    out.push_str(&command[..*offset]);
    out.push_str("exec ");
    out.push_str(&command[*offset..]);
    Some(out)
}

fn is_assignment(word: &str) -> bool {
    match word.split_once('=') {
        Some((name, _)) => {
            !name.is_empty()
                && !name.starts_with(|c: char| c.is_ascii_digit())
                && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        }
        None => false,
    }
}

/// Whether a word starts with a redirection operator (`>f`, `2>&1`, `<in`).
fn is_redirection(word: &str) -> bool {
    word.trim_start_matches(|c: char| c.is_ascii_digit())
        .starts_with(['<', '>'])
}

/// Splits a command into its words (as raw source text with byte offsets)
/// when it is a single simple command, or returns `None` as soon as anything
/// would make it more than one: an unquoted `;`, `&`, `|`, parenthesis, a
/// word on a later line, or text the scanner does not fully understand.
/// Comments and line continuations are not words.
fn simple_command_words(command: &str) -> Option<Vec<(usize, String)>> {
    let bytes = command.as_bytes();
    let mut words = Vec::new();
    let mut current: Option<(usize, String)> = None;
    let mut past_first_line = false;
    let mut i = 0;
    while i < bytes.len() {
        let c = bytes[i];
        match c {
            b' ' | b'\t' | b'\n' => {
                words.extend(current.take());
                past_first_line |= c == b'\n';
                i += 1;
                continue;
            }
            b'#' if current.is_none() => {
                // A comment runs to the end of its line, not of the command.
                i = bytes[i..]
                    .iter()
                    .position(|&b| b == b'\n')
                    .map_or(bytes.len(), |end| i + end);
                continue;
            }
            b'\\' if bytes.get(i + 1) == Some(&b'\n') => {
                // A line continuation joins lines and is no text of its own.
                i += 2;
                continue;
            }
            _ if past_first_line => return None,
            b';' | b'|' | b'(' | b')' | b'`' => return None,
            b'&' => {
                // `>&` and `<&` duplicate descriptors; any other `&` is a list.
                let prev = current
                    .as_ref()
                    .and_then(|(_, w)| w.as_bytes().last().copied());
                if !matches!(prev, Some(b'>') | Some(b'<')) {
                    return None;
                }
            }
            _ => {}
        }
        let start = i;
        i = skip_word_part(command, i)?;
        let entry = current.get_or_insert_with(|| (start, String::new()));
        entry.1.push_str(&command[start..i]);
    }
    words.extend(current);
    if words.is_empty() {
        return None;
    }
    Some(words)
}

/// Returns the index just past one piece of a word starting at `i`: a quoted
/// string, an escape, a `$...` expansion or one ordinary byte.
fn skip_word_part(command: &str, i: usize) -> Option<usize> {
    let bytes = command.as_bytes();
    // Steps over the whole UTF-8 character at `at`, never into its middle.
    let char_end = |at: usize| command[at..].chars().next().map(|c| at + c.len_utf8());
    match bytes[i] {
        b'\\' => char_end(i + 1),
        b'\'' => bytes[i + 1..]
            .iter()
            .position(|&b| b == b'\'')
            .map(|end| i + 1 + end + 1),
        b'"' => {
            let mut j = i + 1;
            while j < bytes.len() {
                match bytes[j] {
                    b'\\' => j = char_end(j + 1)?,
                    b'"' => return Some(j + 1),
                    // Command substitution inside quotes can hide anything.
                    b'`' => return None,
                    b'$' if bytes.get(j + 1) == Some(&b'(') => return None,
                    b'$' if bytes.get(j + 1) == Some(&b'{') => j = skip_braced(bytes, j)?,
                    _ => j += 1,
                }
            }
            None
        }
        b'$' => match bytes.get(i + 1) {
            Some(b'(') => None,
            Some(b'{') => skip_braced(bytes, i),
            _ => Some(i + 1),
        },
        _ => char_end(i),
    }
}

/// Returns the index just past a `${...}` expansion starting at `i`. Quotes,
/// escapes and substitutions inside one follow rules of their own (a quoted
/// `}` does not close it), so the scanner gives up on them rather than
/// guess where the expansion ends.
fn skip_braced(bytes: &[u8], i: usize) -> Option<usize> {
    let end = i + 2 + bytes[i + 2..].iter().position(|&b| b == b'}')?;
    let inside = &bytes[i + 2..end];
    let tricky = inside
        .iter()
        .any(|b| matches!(b, b'\'' | b'"' | b'`' | b'\\'))
        || inside.windows(2).any(|w| matches!(w, b"$(" | b"${"));
    (!tricky).then_some(end + 1)
}

/// Whether one command hands the shell over to its program: it starts with
/// `exec`, after any leading `NAME=value` assignments.
pub fn is_execed(command: &str) -> bool {
    command.starts_with("exec ")
        || (command.split_whitespace().next().is_some_and(is_assignment)
            && command.contains(" exec "))
}

/// The last command of a script: the text after its last top-level `;`,
/// `&&`, `||`, `|`, `&` or line end, ignoring comments and quoted text.
pub fn last_command(script: &str) -> &str {
    let bytes = script.as_bytes();
    let mut commands = Vec::new();
    let mut start = 0;
    let mut depth = 0usize;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 1,
            b'\'' => {
                i += bytes[i + 1..]
                    .iter()
                    .position(|&b| b == b'\'')
                    .map_or(bytes.len(), |p| p + 1);
            }
            b'"' => {
                let mut j = i + 1;
                while j < bytes.len() && bytes[j] != b'"' {
                    j += if bytes[j] == b'\\' { 2 } else { 1 };
                }
                i = j;
            }
            b'#' if i == 0 || bytes[i - 1].is_ascii_whitespace() => {
                commands.push(&script[start..i]);
                let end = bytes[i..]
                    .iter()
                    .position(|&b| b == b'\n')
                    .map_or(bytes.len(), |p| i + p);
                i = end;
                start = end;
                continue;
            }
            b'(' => depth += 1,
            b')' => depth = depth.saturating_sub(1),
            b';' | b'&' | b'|' | b'\n' if depth == 0 => {
                commands.push(&script[start..i]);
                start = i + 1;
            }
            _ => {}
        }
        i += 1;
    }
    commands.push(&script[start.min(script.len())..]);
    commands
        .into_iter()
        .map(str::trim)
        .rfind(|c| !c.is_empty())
        .unwrap_or("")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn last_command_skips_quotes_comments_and_separators() {
        assert_eq!(last_command("a; b"), "b");
        assert_eq!(last_command("a && exec b 'x;y'"), "exec b 'x;y'");
        assert_eq!(last_command("a\nexec b # done\n\n"), "exec b");
        assert_eq!(last_command("if x; then y; fi"), "fi");
        assert_eq!(last_command("echo \"$(a; b)\""), "echo \"$(a; b)\"");
        assert_eq!(last_command("x=$(a; b) exec c"), "x=$(a; b) exec c");
        assert_eq!(last_command(""), "");
        assert_eq!(last_command("a 'unterminated"), "a 'unterminated");
    }

    #[test]
    fn execed_commands_start_with_exec_after_assignments() {
        assert!(is_execed("exec app"));
        assert!(is_execed("A=1 B=2 exec app"));
        assert!(!is_execed("app"));
        assert!(!is_execed("echo exec app"));
    }

    #[test]
    fn plain_words_stay_bare() {
        assert_eq!(quote("python"), "python");
        assert_eq!(
            quote("-javaagent:/x/dd-java-agent.jar"),
            "-javaagent:/x/dd-java-agent.jar"
        );
    }

    #[test]
    fn special_words_are_single_quoted() {
        assert_eq!(quote(""), "''");
        assert_eq!(quote("a b"), "'a b'");
        assert_eq!(quote("it's"), "'it'\\''s'");
        assert_eq!(quote("$HOME"), "'$HOME'");
        assert_eq!(quote("=x"), "'=x'");
        assert_eq!(quote("é"), "'é'");
    }

    #[test]
    fn join_quotes_each_word() {
        let argv = vec!["sh".to_owned(), "-c".to_owned(), "echo \"$X\"".to_owned()];
        assert_eq!(join(&argv), "sh -c 'echo \"$X\"'");
    }

    #[test]
    fn join_quotes_a_program_the_shell_would_misread() {
        let argv = |words: &[&str]| words.iter().map(|w| w.to_string()).collect::<Vec<_>>();
        assert_eq!(join(&argv(&["A=b", "A=b"])), "'A=b' A=b");
        assert_eq!(join(&argv(&["if", "then"])), "'if' then");
        assert_eq!(join(&argv(&["a=b=c"])), "'a=b=c'");
        assert_eq!(join(&argv(&["java", "-Da=b"])), "java -Da=b");
    }

    #[test]
    fn simple_commands_get_exec() {
        assert_eq!(
            exec_form("python app.py").as_deref(),
            Some("exec python app.py")
        );
        assert_eq!(
            exec_form("FOO=1 BAR='a b' java -jar x.jar").as_deref(),
            Some("FOO=1 BAR='a b' exec java -jar x.jar")
        );
        assert_eq!(
            exec_form("dotnet ${APP_PATH}").as_deref(),
            Some("exec dotnet ${APP_PATH}")
        );
        assert_eq!(
            exec_form("app 2>&1 >/dev/null").as_deref(),
            Some("exec app 2>&1 >/dev/null")
        );
        assert_eq!(
            exec_form("app 'a;b' \"c|d\"").as_deref(),
            Some("exec app 'a;b' \"c|d\"")
        );
        assert_eq!(
            exec_form("app # comment").as_deref(),
            Some("exec app # comment")
        );
        assert_eq!(exec_form("app\n").as_deref(), Some("exec app\n"));
        assert_eq!(
            exec_form("app # c\n\n# more\n").as_deref(),
            Some("exec app # c\n\n# more\n")
        );
        assert_eq!(
            exec_form("app \\\n  --flag").as_deref(),
            Some("exec app \\\n  --flag")
        );
        assert_eq!(exec_form("app 2>&1").as_deref(), Some("exec app 2>&1"));
        assert_eq!(
            exec_form("app ${PORT:-8080} \"${HOME}/x\"").as_deref(),
            Some("exec app ${PORT:-8080} \"${HOME}/x\"")
        );
        assert_eq!(
            exec_form("ünï \\é \"ç\"").as_deref(),
            Some("exec ünï \\é \"ç\"")
        );
    }

    #[test]
    fn anything_else_runs_unchanged() {
        for command in [
            "",
            "   ",
            "a; b",
            "a && b",
            "a || b",
            "a | b",
            "a &",
            "(a)",
            "a\nb",
            "if true; then a; fi",
            "cd /app",
            "exec app",
            "echo $(date)",
            "echo \"$(date)\"",
            "echo `date`",
            "X=1",
            "f() { a; }",
            "a 'unterminated",
            // A comment ends at its line; the next line is a second command.
            "a # comment\nb",
            "a\n\u{a0}",
            // Line continuations join lines: this is the builtin echo.
            "\\\necho hi",
            // `exec >/dev/null X=1 app` would run a program named `X=1`.
            ">/dev/null X=1 app",
            "2>/dev/null app",
            "X=1 >log Y=2 app",
            "let x=1",
            "chdir /",
            // The first `}` is quoted, so `;` is not: this is a list.
            "app ${U-'}'}; b \\'",
            "app \"${U-\"}\"}\"; b",
        ] {
            assert_eq!(exec_form(command), None, "{command:?}");
        }
    }
}
