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
/// (lists, pipelines, compound commands, builtins), for a program named by
/// an expansion (`$CMD` may name a builtin, which `exec` cannot run), and
/// for a command that starts with a redirection, where `exec` would turn
/// any assignment after it into the program's name: those run unchanged.
pub fn exec_form(command: &str) -> Option<String> {
    let words = simple_command_words(command)?;
    let first = words.iter().find(|word| !is_assignment(word.text))?;
    if is_redirection(first.text) {
        return None;
    }
    // Quotes do not stop `'cd'` from being the builtin cd.
    let name = literal(first.text)?;
    if RESERVED.contains(&name.as_str()) || BUILTINS.contains(&name.as_str()) {
        return None;
    }
    let mut out = String::with_capacity(command.len() + 5);
    out.push_str(&command[..first.at]);
    out.push_str("exec ");
    out.push_str(&command[first.at..]);
    Some(out)
}

/// The argv `command` runs without a shell to read it: `Some` only when it
/// is one simple command of literal words (no assignment, redirection,
/// expansion or pattern), which is what a Dockerfile's exec-form `CMD`
/// (no shell) can hold.
pub fn literal_argv(command: &str) -> Option<Vec<String>> {
    let words = simple_command_words(command)?;
    words
        .iter()
        .map(|word| {
            if is_assignment(word.text) || is_redirection(word.text) {
                None
            } else {
                literal(word.text)
            }
        })
        .collect()
}

/// The byte offset of the program's word in `command` (the first word that
/// is not an assignment) when `command` is one simple command, whatever that
/// word is. `exec_form` puts `exec ` there when it can.
pub fn command_word_offset(command: &str) -> Option<usize> {
    let words = simple_command_words(command)?;
    words
        .iter()
        .find(|word| !is_assignment(word.text))
        .map(|word| word.at)
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

/// Whether a word is a redirection operator alone (`>`, `2>>`), whose
/// target is the next word.
fn is_bare_redirection(word: &str) -> bool {
    is_redirection(word) && word.ends_with(['<', '>', '&', '|'])
}

/// The value of a word that has no expansion, pattern or substitution:
/// quotes and escapes removed. `None` when the shell would expand it.
fn literal(word: &str) -> Option<String> {
    let mut value = String::with_capacity(word.len());
    let mut chars = word.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => match chars.next() {
                Some('\n') => {}
                Some(escaped) => value.push(escaped),
                None => return None,
            },
            '\'' => {
                for quoted in chars.by_ref() {
                    if quoted == '\'' {
                        break;
                    }
                    value.push(quoted);
                }
            }
            '"' => loop {
                match chars.next()? {
                    '"' => break,
                    '$' | '`' => return None,
                    '\\' => match chars.next()? {
                        '\n' => {}
                        special @ ('$' | '`' | '"' | '\\') => value.push(special),
                        other => {
                            value.push('\\');
                            value.push(other);
                        }
                    },
                    other => value.push(other),
                }
            },
            '$' | '`' | '*' | '?' | '[' => return None,
            other => value.push(other),
        }
    }
    Some(value)
}

/// One word of shell text, as written (quotes and escapes included).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Word<'a> {
    text: &'a str,
    /// Byte offset of the word in the text.
    at: usize,
    /// False when the lexer cannot be sure what the word holds or where it
    /// ends: an unterminated quote, a command substitution (which can hide
    /// anything), or a `${...}` with quotes, escapes or expansions inside
    /// (those follow rules of their own: a quoted `}` does not close it).
    clear: bool,
}

/// A token of shell text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Token<'a> {
    Word(Word<'a>),
    /// `;`, `;;`, `&`, `&&`, `|`, `||`, `(`, `)` or a line end, at its
    /// byte offset.
    Operator(&'a str, usize),
}

/// Splits shell text into words and operators, the one reading of shell
/// syntax that every rule here shares. Comments and line continuations are
/// no tokens; a quoted or escaped operator is part of its word; `>&` and
/// `<&` are part of a redirection word. It never fails: what it cannot read
/// exactly becomes a word that is not `clear`.
fn tokens<'a>(text: &'a str) -> Vec<Token<'a>> {
    let bytes = text.as_bytes();
    let mut tokens = Vec::new();
    // The current word: where it starts, where it ends so far, and whether
    // it is clear.
    let mut word: Option<(usize, usize, bool)> = None;
    let flush = |word: &mut Option<(usize, usize, bool)>, tokens: &mut Vec<Token<'a>>| {
        if let Some((at, end, clear)) = word.take() {
            tokens.push(Token::Word(Word {
                text: &text[at..end],
                at,
                clear,
            }));
        }
    };
    let mut i = 0;
    while i < bytes.len() {
        let c = bytes[i];
        match c {
            b' ' | b'\t' => {
                flush(&mut word, &mut tokens);
                i += 1;
            }
            // A line continuation joins lines and is no text of its own.
            b'\\' if bytes.get(i + 1) == Some(&b'\n') => i += 2,
            // A comment runs to the end of its line, not of the text.
            b'#' if word.is_none() => {
                i = bytes[i..]
                    .iter()
                    .position(|&b| b == b'\n')
                    .map_or(bytes.len(), |end| i + end);
            }
            b'&' if word.is_some() && i > 0 && matches!(bytes[i - 1], b'>' | b'<') => {
                if let Some(word) = word.as_mut() {
                    word.1 = i + 1;
                }
                i += 1;
            }
            b'\n' | b';' | b'&' | b'|' | b'(' | b')' => {
                flush(&mut word, &mut tokens);
                let doubled = matches!(c, b';' | b'&' | b'|') && bytes.get(i + 1) == Some(&c);
                let end = i + 1 + usize::from(doubled);
                tokens.push(Token::Operator(&text[i..end], i));
                i = end;
            }
            _ => {
                let (end, clear) = word_part(text, i);
                let entry = word.get_or_insert((i, i, true));
                entry.1 = end;
                entry.2 &= clear;
                i = end;
            }
        }
    }
    flush(&mut word, &mut tokens);
    tokens
}

/// The end of one piece of a word starting at `i` (a quoted string, an
/// escape, a `$...` expansion, a substitution or one character), and whether
/// the piece was read exactly.
fn word_part(text: &str, i: usize) -> (usize, bool) {
    let bytes = text.as_bytes();
    match bytes[i] {
        b'\\' => char_end(text, i + 1).map_or((bytes.len(), false), |end| (end, true)),
        b'\'' => closing(bytes, i + 1, b'\''),
        b'"' => {
            let mut clear = true;
            let mut j = i + 1;
            while j < bytes.len() {
                match bytes[j] {
                    b'\\' => j = char_end(text, j + 1).unwrap_or(bytes.len()),
                    b'"' => return (j + 1, clear),
                    b'$' | b'`' => {
                        let (end, exact) = word_part(text, j);
                        clear &= exact;
                        j = end;
                    }
                    _ => j += 1,
                }
            }
            (bytes.len(), false)
        }
        b'$' => match bytes.get(i + 1) {
            Some(b'(') => (substitution_end(text, i + 2), false),
            Some(b'{') => braced(bytes, i),
            _ => (i + 1, true),
        },
        b'`' => {
            let mut j = i + 1;
            while j < bytes.len() && bytes[j] != b'`' {
                j += if bytes[j] == b'\\' { 2 } else { 1 };
            }
            ((j + 1).min(bytes.len()), false)
        }
        _ => char_end(text, i).map_or((bytes.len(), false), |end| (end, true)),
    }
}

/// The index just past the whole UTF-8 character at `at`, never inside it.
fn char_end(text: &str, at: usize) -> Option<usize> {
    text.get(at..)?.chars().next().map(|c| at + c.len_utf8())
}

/// The index just past the `quote` that closes a quoted string whose text
/// starts at `from`, and whether there was one.
fn closing(bytes: &[u8], from: usize, quote: u8) -> (usize, bool) {
    bytes[from..]
        .iter()
        .position(|&b| b == quote)
        .map_or((bytes.len(), false), |end| (from + end + 1, true))
}

/// The index just past the `)` that closes a `$(` or `$((` whose text
/// starts at `from`, skipping quoted text and nested parentheses.
fn substitution_end(text: &str, from: usize) -> usize {
    let bytes = text.as_bytes();
    let mut depth = 1usize;
    let mut j = from;
    while j < bytes.len() {
        match bytes[j] {
            b'(' => depth += 1,
            b')' => {
                depth -= 1;
                if depth == 0 {
                    return j + 1;
                }
            }
            b'\\' | b'\'' | b'"' | b'`' => {
                j = word_part(text, j).0;
                continue;
            }
            _ => {}
        }
        j += 1;
    }
    bytes.len()
}

/// The index just past a `${...}` expansion starting at `i`, and whether it
/// was read exactly (see [`Word::clear`]).
fn braced(bytes: &[u8], i: usize) -> (usize, bool) {
    let Some(end) = bytes[i + 2..].iter().position(|&b| b == b'}') else {
        return (bytes.len(), false);
    };
    let end = i + 2 + end;
    let inside = &bytes[i + 2..end];
    let tricky = inside
        .iter()
        .any(|b| matches!(b, b'\'' | b'"' | b'`' | b'\\'))
        || inside.windows(2).any(|w| matches!(w, b"$(" | b"${"));
    (end + 1, !tricky)
}

/// The words of `command` when it is a single simple command whose every
/// word is clear; `None` as soon as anything would make it more than one:
/// an operator, a word on a later line, or text the lexer cannot read
/// exactly.
fn simple_command_words(command: &str) -> Option<Vec<Word<'_>>> {
    let mut words = Vec::new();
    let mut past_first_line = false;
    for token in tokens(command) {
        match token {
            Token::Operator("\n", _) => past_first_line = true,
            Token::Operator(..) => return None,
            Token::Word(word) if past_first_line || !word.clear => return None,
            Token::Word(word) => words.push(word),
        }
    }
    (!words.is_empty()).then_some(words)
}

/// Whether the shell, once this command has run, has nothing of its own
/// left running: the command hands the shell over to a program (`exec
/// PROGRAM`, after any `NAME=value` assignments; `exec` with only
/// redirections runs nothing) or ends it (`exit`), as a script that reports
/// its own status does (`check && exit 42 || exit 1`).
pub fn is_execed(command: &str) -> bool {
    let mut words = tokens(command)
        .into_iter()
        .map_while(|token| match token {
            Token::Word(word) => Some(word.text),
            Token::Operator(..) => None,
        })
        .skip_while(|word| is_assignment(word));
    match words.next() {
        Some("exit") => true,
        Some("exec") => {
            while let Some(word) = words.next() {
                if !is_redirection(word) {
                    return true;
                }
                if is_bare_redirection(word) {
                    words.next();
                }
            }
            false
        }
        _ => false,
    }
}

/// The last command of a script: the text of its last top-level command
/// (outside parentheses) after `;`, `&&`, `||`, `|`, `&` or a line end,
/// without comments; quoted text and substitutions are part of their word.
pub fn last_command(script: &str) -> &str {
    let mut depth = 0usize;
    let mut current: Option<(usize, usize)> = None;
    let mut last = None;
    for token in tokens(script) {
        let (text, at) = match token {
            Token::Word(word) => (word.text, word.at),
            Token::Operator(op, at) => (op, at),
        };
        match token {
            Token::Operator("(", _) => depth += 1,
            Token::Operator(")", _) => depth = depth.saturating_sub(1),
            Token::Operator(..) if depth == 0 => {
                last = current.take().or(last);
                continue;
            }
            _ => {}
        }
        let start = current.map_or(at, |(start, _)| start);
        current = Some((start, at + text.len()));
    }
    current
        .or(last)
        .map_or("", |(start, end)| &script[start..end])
}

/// One simple command of a list or pipeline, as [`commands`] reads it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SimpleCommand<'a> {
    /// Its words as written (quotes and escapes kept; [`unquote`] reads
    /// one), redirections apart.
    pub words: Vec<&'a str>,
    /// Its redirections in order: the operator (`>`, `>>`, `<`, `2>&`) and
    /// its target as written.
    pub redirections: Vec<(&'a str, &'a str)>,
    /// The operator after it (`|`, `&&`, `||`, `;`, `&` or a line end),
    /// `None` after the last command.
    pub then: Option<&'a str>,
}

/// The simple commands of shell text in order, for readers that run them
/// without a shell (the docs' command lines, in the tests): the same
/// reading as every rule here, so comments, quotes and line continuations
/// mean what they mean to `sh`. Parentheses are no commands of their own.
pub fn commands(text: &str) -> Vec<SimpleCommand<'_>> {
    let mut commands = Vec::new();
    let mut current = SimpleCommand {
        words: Vec::new(),
        redirections: Vec::new(),
        then: None,
    };
    let mut target_of: Option<&str> = None;
    for token in tokens(text) {
        match token {
            Token::Word(word) => {
                if let Some(operator) = target_of.take() {
                    current.redirections.push((operator, word.text));
                } else if is_redirection(word.text) {
                    let split = redirection_operator_len(word.text);
                    let (operator, target) = word.text.split_at(split);
                    if target.is_empty() {
                        target_of = Some(operator);
                    } else {
                        current.redirections.push((operator, target));
                    }
                } else {
                    current.words.push(word.text);
                }
            }
            Token::Operator("(" | ")", _) => {}
            Token::Operator(operator, _) => {
                if !current.words.is_empty() || !current.redirections.is_empty() {
                    current.then = Some(operator);
                    commands.push(std::mem::replace(
                        &mut current,
                        SimpleCommand {
                            words: Vec::new(),
                            redirections: Vec::new(),
                            then: None,
                        },
                    ));
                }
            }
        }
    }
    if !current.words.is_empty() || !current.redirections.is_empty() {
        commands.push(current);
    }
    commands
}

/// The length of the operator at the start of a redirection word: its file
/// descriptor digits, `<`/`>` (doubled or not) and a trailing `&`.
fn redirection_operator_len(word: &str) -> usize {
    let digits = word.len() - word.trim_start_matches(|c: char| c.is_ascii_digit()).len();
    let rest = &word[digits..];
    let arrows = rest.len() - rest.trim_start_matches(['<', '>']).len();
    let amp = usize::from(rest[arrows..].starts_with('&'));
    digits + arrows + amp
}

/// The value of one word as the shell would pass it, quotes and escapes
/// removed; `None` when the shell would expand it (`$NAME`, a pattern, a
/// substitution). A leading `~` is kept: expanding it needs the
/// environment.
pub fn unquote(word: &str) -> Option<String> {
    literal(word)
}

#[cfg(test)]
mod tests {
    #[test]
    fn commands_split_lists_pipelines_and_redirections() {
        let read =
            commands("a x 'y z' > out.json && \\\n  b - <in | c >>~/log 2>&1 # note | d\ne \"$P\"");
        let words: Vec<_> = read.iter().map(|c| c.words.clone()).collect();
        assert_eq!(
            words,
            [
                vec!["a", "x", "'y z'"],
                vec!["b", "-"],
                vec!["c"],
                vec!["e", "\"$P\""]
            ]
        );
        assert_eq!(read[0].redirections, [(">", "out.json")]);
        assert_eq!(read[0].then, Some("&&"));
        assert_eq!(read[1].redirections, [("<", "in")]);
        assert_eq!(read[1].then, Some("|"));
        assert_eq!(read[2].redirections, [(">>", "~/log"), ("2>&", "1")]);
        assert_eq!(read[2].then, Some("\n"));
        assert_eq!(read[3].then, None);
        assert!(commands("# only a comment\n\n").is_empty());
    }

    #[test]
    fn unquote_reads_literal_words_only() {
        assert_eq!(unquote("'y z'").as_deref(), Some("y z"));
        assert_eq!(unquote("~/a\\ b").as_deref(), Some("~/a b"));
        assert_eq!(unquote("$PROFILE"), None);
    }

    use super::*;

    #[test]
    fn literal_argv_is_the_words_of_one_literal_command() {
        let argv = |c| literal_argv(c);
        assert_eq!(
            argv("java -javaagent:'/a b.jar' -jar app.jar").unwrap(),
            ["java", "-javaagent:/a b.jar", "-jar", "app.jar"]
        );
        for shell_only in [
            "dotnet ${APP_PATH}",
            "A=1 app",
            "app > log",
            "a && b",
            "app *.py",
            "",
        ] {
            assert_eq!(argv(shell_only), None, "{shell_only:?}");
        }
    }

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
    fn last_command_keeps_substitutions_and_groups_whole() {
        assert_eq!(last_command("a; (b; c)"), "(b; c)");
        assert_eq!(last_command("a; x=`b; c` exec d"), "x=`b; c` exec d");
        assert_eq!(last_command("a;# c; d\nb"), "b");
        assert_eq!(last_command("a; b # c; d"), "b");
        assert_eq!(last_command("a # c; d\nb &"), "b");
        assert_eq!(last_command("a 2>&1 && exec b 2>&1"), "exec b 2>&1");
    }

    #[test]
    fn execed_commands_start_with_exec_after_assignments() {
        assert!(is_execed("exec app"));
        assert!(is_execed("A=1 B=2 exec app"));
        assert!(is_execed("A='x y' exec app"));
        assert!(is_execed("exec >log 2>&1 app"));
        assert!(is_execed("exec > log app"));
        assert!(!is_execed("app"));
        assert!(!is_execed("echo exec app"));
        assert!(!is_execed("A=1 echo exec x"));
        assert!(!is_execed("A='exec b' app"));
        assert!(!is_execed("'exec' app"));
        // Redirections alone change the shell's files and run nothing.
        assert!(!is_execed("exec >log 2>&1"));
        assert!(!is_execed("exec > log"));
    }

    /// DDECS030 asks `is_execed(last_command(script))`: a script that ends
    /// by exiting with a status of its own leaves nothing for ECS's SIGTERM
    /// to miss, so the rule stays quiet on it.
    #[test]
    fn a_script_that_ends_by_exiting_leaves_nothing_running() {
        let script = r#"egrep "nameserver\s+1\.2\.3\.4" /etc/resolv.conf && exit 42 || exit 1"#;
        assert_eq!(last_command(script), "exit 1");
        assert!(is_execed(last_command(script)));
        assert!(!is_execed(last_command("cd /app && ./run || echo failed")));
    }

    #[test]
    fn tokens_are_words_and_operators() {
        let words = |text| {
            tokens(text)
                .into_iter()
                .map(|token| match token {
                    Token::Word(word) => word.text,
                    Token::Operator(op, _) => op,
                })
                .collect::<Vec<_>>()
        };
        assert_eq!(
            words("a 'b c'&&d \\; e|f # g; h\n(i)"),
            ["a", "'b c'", "&&", "d", "\\;", "e", "|", "f", "\n", "(", "i", ")"]
        );
        assert_eq!(
            words("a 2>&1 >&2 <&0;;b"),
            ["a", "2>&1", ">&2", "<&0", ";;", "b"]
        );
        assert_eq!(
            words("x=\"$(a; b)\" `c; d` $((1+2))"),
            ["x=\"$(a; b)\"", "`c; d`", "$((1+2))"]
        );
        assert_eq!(words("a\\\nb c"), ["a\\\nb", "c"]);
    }

    proptest::proptest! {
        /// Whatever the text, the lexer ends, and every token is the text
        /// found at its offset, in order.
        #[test]
        fn tokens_are_slices_of_the_text_in_order(text in "[ -~\t\né😀]{0,40}") {
            let mut after = 0;
            for token in tokens(&text) {
                let (piece, at) = match token {
                    Token::Word(word) => (word.text, word.at),
                    Token::Operator(op, at) => (op, at),
                };
                proptest::prop_assert!(at >= after && !piece.is_empty());
                proptest::prop_assert_eq!(&text[at..at + piece.len()], piece);
                after = at + piece.len();
            }
        }
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
            // The program named by an expansion may be a builtin: with
            // CMD=cd, `exec $CMD /tmp` fails where `$CMD /tmp` works.
            "$CMD /tmp",
            "\"$CMD\" /tmp",
            "${CMD:-cd} /tmp",
            "X=1 $CMD",
            // Quotes and escapes do not stop a builtin from being one.
            "'cd' /tmp",
            "\"echo\" hi",
            "\\ec\\ho hi",
            "e\\\ncho hi",
            "c* /tmp",
            "[ -f x ]",
        ] {
            assert_eq!(exec_form(command), None, "{command:?}");
        }
    }
}
