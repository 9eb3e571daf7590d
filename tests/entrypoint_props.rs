//! Property tests: whatever the startup command, the entryPoint script runs
//! it exactly as `sh -c COMMAND` would, and `shell::quote` gives back every
//! word byte for byte.
//!
//! The script appends the user's command after its own lines, sometimes with
//! `exec` in front (chosen by `shell::exec_form`, a small scanner of shell
//! syntax). Any word the scanner misreads, or any `exec` put in front of a
//! list, shows up as different output between the script and the command run
//! directly, so random commands full of shell syntax are compared both ways
//! under dash and busybox.

mod support;

use std::path::Path;
use std::time::Duration;

use ddecs_wizard::core::{shell, Imds};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};

use support::{have, local_script, run, Mock, Run, Shell, Tool, Toolbox};

const ADDRESS: &str = "10.3.3.3";

/// Everything a case needs, set up once per test: an IMDS that answers at
/// once, a metadata file, an image's tools and a working directory with a
/// few files for globs to match.
struct Fixture {
    mock: Mock,
    toolbox: Toolbox,
    dir: tempfile::TempDir,
    shells: Vec<Shell>,
}

impl Fixture {
    fn new() -> Option<Fixture> {
        let shells = Shell::available();
        if shells.is_empty() || !have("curl", "curl") {
            return None;
        }
        let dir = tempfile::tempdir().expect("temp dir");
        for name in ["a.txt", "b c.txt", "metadata.json"] {
            let content = format!("{{\"HostPrivateIPv4Address\": \"{ADDRESS}\"}}");
            std::fs::write(dir.path().join(name), content).expect("write a fixture file");
        }
        Some(Fixture {
            mock: Mock::start("v2", ADDRESS),
            toolbox: Toolbox::new(&[
                Tool::Host("curl"),
                Tool::Host("head"),
                Tool::Host("sed"),
                Tool::Host("sleep"),
                Tool::Host("env"),
                Tool::Host("cat"),
                Tool::Host("printf"),
            ]),
            dir,
            shells,
        })
    }

    /// Runs `script` with the image's PATH and a fixed environment; the
    /// direct run gets DD_AGENT_HOST as the script would have exported it.
    fn run(&self, shell: Shell, script: &str, with_host: bool) -> Run {
        let mut env = vec![
            ("HOME", "/home/app".to_owned()),
            // A builtin behind an expansion: `$CMD /` must not be exec'ed.
            ("CMD", "cd".to_owned()),
            (
                "ECS_CONTAINER_METADATA_FILE",
                self.dir.path().join("metadata.json").display().to_string(),
            ),
        ];
        if with_host {
            env.push(("DD_AGENT_HOST", ADDRESS.to_owned()));
        }
        let mut command = shell.command(script);
        command.current_dir(self.dir.path());
        run(command, self.toolbox.path(), &env, Duration::from_secs(20))
    }

    /// Runs the command through the script and directly under each shell,
    /// fails on any difference in stdout or exit status, and returns each
    /// shell's stdout. The runs are independent, so they overlap.
    fn compare(&self, imds: Imds, command: &str) -> Result<Vec<(Shell, String)>, TestCaseError> {
        let script = local_script(imds, command, &self.mock.base_url());
        let runs: Vec<(Shell, Run, Run)> = std::thread::scope(|scope| {
            let handles: Vec<_> = self
                .shells
                .iter()
                .map(|&shell| {
                    let script = &script;
                    let through = scope.spawn(move || self.run(shell, script, false));
                    let direct = scope.spawn(move || self.run(shell, command, true));
                    (shell, through, direct)
                })
                .collect();
            handles
                .into_iter()
                .map(|(shell, through, direct)| {
                    let join = |h: std::thread::ScopedJoinHandle<Run>| {
                        h.join().expect("a shell run panicked")
                    };
                    (shell, join(through), join(direct))
                })
                .collect()
        });
        let mut outputs = Vec::new();
        for (shell, through, direct) in runs {
            prop_assert!(
                !through.timed_out && !direct.timed_out,
                "{through:?} {direct:?}"
            );
            prop_assert_eq!(
                (&through.stdout, through.code()),
                (&direct.stdout, direct.code()),
                "{:?} {:?}: script vs direct for {:?}\nscript stderr: {}",
                shell,
                imds,
                command,
                through.stderr
            );
            outputs.push((shell, through.stdout));
        }
        Ok(outputs)
    }
}

/// A runner for `cases` cases, or as many as PROPTEST_CASES says for a
/// longer hunt.
fn runner(cases: u32) -> TestRunner {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(cases);
    TestRunner::new(Config {
        cases,
        // Cases are whole shell runs: shrinking must stay affordable.
        max_shrink_iters: 200,
        failure_persistence: None,
        ..Config::default()
    })
}

fn any_imds() -> impl Strategy<Value = Imds> {
    prop::sample::select(Imds::ALL.to_vec())
}

/// Pieces that are special to the shell somewhere, plus anything at all.
fn nasty_piece() -> BoxedStrategy<String> {
    prop_oneof![
        3 => prop::sample::select(vec![
            "'", "\"", "$", "`", "\\", "\n", "\t", " ", "*", "?", "[a]", "~", "#", ";", "|",
            "&", "&&", "<", ">", "(", ")", "{", "}", "!", "=", "%s", "%", "-n", "-e", "\\n",
            "\\c", "$(id)", "${HOME}", "$HOME", "$1", "$@", "'\\''", "é", "ünï", "😀",
            "\u{a0}", "\u{85}", "\u{2028}", "\r", "\x01", "\x7f",
        ])
        .prop_map(str::to_owned),
        1 => "[a-z0-9]{1,4}",
        1 => any::<char>()
            .prop_filter("argv cannot hold NUL", |c| *c != '\0')
            .prop_map(String::from),
    ]
    .boxed()
}

fn nasty_word() -> impl Strategy<Value = String> {
    prop::collection::vec(nasty_piece(), 0..6).prop_map(|pieces| pieces.concat())
}

/// `printf` as a builtin (run as is) and as a program (exec'ed), with and
/// without a leading assignment.
const PRINTERS: &[&str] = &[
    "printf '%s\\n'",
    "env printf '%s\\n'",
    "X=1 env printf '%s\\n'",
];

#[test]
fn quoted_argv_reaches_the_app_unchanged() {
    let Some(fixture) = Fixture::new() else {
        return;
    };
    let strategy = (
        any_imds(),
        prop::sample::select(PRINTERS.to_vec()),
        prop::collection::vec(nasty_word(), 0..5),
    );
    runner(64)
        .run(&strategy, |(imds, printer, argv)| {
            let command = format!("{printer} {}", shell::join(&argv));
            let expected: String = if argv.is_empty() {
                "\n".to_owned()
            } else {
                argv.iter().map(|arg| format!("{arg}\n")).collect()
            };
            prop_assert_eq!(
                shell::exec_form(&command).is_some(),
                printer.contains("env"),
                "exec chosen wrongly for {:?}",
                command
            );
            for (shell, stdout) in fixture.compare(imds, &command)? {
                prop_assert_eq!(&stdout, &expected, "{:?} changed argv {:?}", shell, argv);
            }
            Ok(())
        })
        .unwrap_or_else(|e| panic!("{e}"));
}

/// Words for the command grammar: quoting, expansions, and text that looks
/// like an operator but is quoted.
fn grammar_word() -> BoxedStrategy<String> {
    prop_oneof![
        2 => "[a-z]{1,4}",
        3 => prop::sample::select(vec![
            "'q s'", "\"d $HOME\"", "\\$x", "\"${DD_AGENT_HOST}\"", "$DD_AGENT_HOST",
            "$((1+2))", "${U-dflt}", "${U:-x y}", "\"${U-}\"", "${U-'}'}", "\"${U-'}'}\"",
            "é", "'\\'", "\"a\\\"b\"", "$?", "*", "~", "~/x", "a#b", "\"$(printf %s in)\"",
            "`echo bq`", "'a;b'", "\"c|d\"", "\\;", "\\&", "\\|", "'&&'", "$X", "\"$@\"",
            "$#", "\"\"", "''", "'#'", "\\#", "\\\n", "\"\n\"", "'it'\\''s'", "${#HOME}",
            "\\'", "\\\"", "${U-\"}\"}", "${U:-$HOME}",
        ])
        .prop_map(str::to_owned),
    ]
    .boxed()
}

/// One simple command: a printer or builtin with words and redirections,
/// some of them before the command name, or an assignment. Every command
/// exists, so that no "line N: not found" (N differs with the script's
/// length) reaches stdout through `2>&1`.
fn simple_command() -> BoxedStrategy<String> {
    let name = prop::sample::select(vec![
        "echo",
        "printf '%s|'",
        "env printf '%s|'",
        "X=1 env printf '%s|'",
        "X=2 Y='a b' env printf '%s|'",
        "2>/dev/null env printf '%s|'",
        "2>/dev/null X=3 env printf '%s|'",
        "true",
        "false",
        ":",
        "cat",
    ]);
    let redirection = prop::sample::select(vec!["", "", " 2>&1", " 2>/dev/null", " </dev/null"]);
    let with_arguments = (
        name,
        prop::collection::vec(grammar_word(), 0..4),
        redirection,
    )
        .prop_map(|(name, words, redirection)| {
            let mut command = name.to_owned();
            for word in words {
                command.push(' ');
                command.push_str(&word);
            }
            command.push_str(redirection);
            command
        });
    // An assignment alone sets a variable for the commands after it.
    let assignment = grammar_word().prop_map(|word| format!("X={word}"));
    prop_oneof![5 => with_arguments, 1 => assignment].boxed()
}

fn pipeline() -> BoxedStrategy<String> {
    prop_oneof![
        4 => simple_command(),
        1 => simple_command().prop_map(|c| format!("{c} | cat")),
        1 => (simple_command(), simple_command()).prop_map(|(a, b)| format!("{{ {a}; {b}; }}")),
        1 => simple_command().prop_map(|c| format!("( {c} )")),
        1 => (simple_command(), simple_command(), simple_command())
            .prop_map(|(a, b, c)| format!("if {a}; then {b}; else {c}; fi")),
        1 => simple_command().prop_map(|c| format!("for w in 1 2; do {c} \"$w\"; done")),
    ]
    .boxed()
}

/// A whole startup command: pipelines joined by list operators, newlines or
/// comments, with an optional trailing comment or blank lines.
fn command_text() -> impl Strategy<Value = String> {
    let separator = prop::sample::select(vec!["; ", " && ", " || ", "\n", " # c; d\n", "\n\n"]);
    let trailer = prop::sample::select(vec!["", "", "\n", "\n\n", " # the end", "  \t"]);
    (
        pipeline(),
        prop::collection::vec((separator, pipeline()), 0..3),
        trailer,
    )
        .prop_map(|(first, rest, trailer)| {
            let mut command = first;
            for (separator, pipeline) in rest {
                command.push_str(separator);
                command.push_str(&pipeline);
            }
            command.push_str(trailer);
            command
        })
}

#[test]
fn random_commands_run_as_if_given_to_sh_directly() {
    let Some(fixture) = Fixture::new() else {
        return;
    };
    runner(160)
        .run(&(any_imds(), command_text()), |(imds, command)| {
            fixture.compare(imds, &command).map(|_| ())
        })
        .unwrap_or_else(|e| panic!("{e}"));
}

/// Commands that once fooled the exec scanner, kept as fixed cases.
#[test]
fn known_tricky_commands_run_as_if_given_to_sh_directly() {
    let Some(fixture) = Fixture::new() else {
        return;
    };
    for command in [
        "env printf '%s\\n' a # comment\nprintf '%s\\n' b",
        "2>/dev/null X=3 env printf '%s|' \"$X\"",
        "env printf '%s\\n' a\n\u{a0}",
        "env printf '%s|' ${U-'}'}; echo \\'",
        "\\\necho '\\c' x",
        "$CMD /",
        "\"$CMD\" / 2>&1",
        "X=1 ${CMD} /",
        "'cd' /",
    ] {
        for imds in Imds::ALL {
            if let Err(e) = fixture.compare(imds, command) {
                panic!("{e}");
            }
        }
    }
}

#[test]
fn quote_round_trips_through_dash_and_busybox() {
    let shells = Shell::available();
    let path = Path::new("/nonexistent");
    let word = prop_oneof![nasty_word(), any::<String>()].prop_map(|w| w.replace('\0', ""));
    runner(192)
        .run(&word, |word| {
            for &shell in &shells {
                let command = format!("printf '%s' {}", shell::quote(&word));
                let out = run(shell.command(&command), path, &[], Duration::from_secs(10));
                prop_assert_eq!(out.code(), Some(0), "{:?}: {:?}", shell, out);
                prop_assert_eq!(&out.stdout, &word, "{:?} changed {:?}", shell, word);
            }
            Ok(())
        })
        .unwrap_or_else(|e| panic!("{e}"));
}

/// `join` must run the argv it is given even when the program's name, bare,
/// would be an assignment or a keyword: programs with such names are put on
/// PATH and must be the ones that run.
#[test]
fn join_runs_programs_with_names_the_shell_could_misread() {
    let dir = tempfile::tempdir().expect("temp dir");
    let names = ["A=b", "if", "do", "done", "é=1", "plain"];
    for name in names {
        let program = dir.path().join(name);
        std::fs::write(&program, "#!/bin/sh\nprintf '%s|' \"${0##*/}\" \"$@\"\n")
            .expect("write a program");
        let mut permissions = std::fs::metadata(&program).expect("stat").permissions();
        std::os::unix::fs::PermissionsExt::set_mode(&mut permissions, 0o755);
        std::fs::set_permissions(&program, permissions).expect("chmod");
    }
    for shell in Shell::available() {
        for name in names {
            let argv = vec![name.to_owned(), "A=b".to_owned(), "if".to_owned()];
            let command = shell::join(&argv);
            let out = run(
                shell.command(&command),
                dir.path(),
                &[],
                Duration::from_secs(10),
            );
            assert_eq!(
                (out.stdout.as_str(), out.code()),
                (format!("{name}|A=b|if|").as_str(), Some(0)),
                "{shell:?} ran {command:?}: {out:?}"
            );
        }
    }
}
