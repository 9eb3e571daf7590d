//! `patch` and `check` on the project's own task definitions in
//! `tests/fixtures` (written for these tests; see its README): every input
//! shape the tool reads or refuses, so that a fresh clone with nothing
//! beside it tests all of it. `tests/patch_corpus.rs` runs the same checks
//! on real-world files when they are there.
//!
//! Every valid fixture is patched, and then must hold exactly the patched
//! value, change only the lines of the fields tracing needs (the rest stays
//! byte for byte), run the same start command and not change when patched
//! again; or it is refused on purpose. Every invalid fixture is refused
//! with exit 2, a one-line message and no file written.

// Shared with patch_corpus and aws_api, which use other parts of them.
#[allow(dead_code)]
#[path = "common/cases.rs"]
mod cases;
#[allow(dead_code)]
#[path = "common/corpus.rs"]
mod corpus;
#[path = "common/minimal_diff.rs"]
mod minimal_diff;
#[path = "common/same_behaviour.rs"]
mod same_behaviour;
// This suite needs the paths, not just the yes/no.
#[allow(dead_code)]
#[path = "common/tools.rs"]
mod tools;

use std::fs;
use std::path::{Path, PathBuf};

use cases::{case, read, tagged, with, Case, Expect};
use ddecs_wizard::core::lint::check;
use ddecs_wizard::core::patch::{patch, remove, Injection, Note, PatchOptions, TracerPlan};
use ddecs_wizard::core::taskdef::container;
use ddecs_wizard::core::taskdef::document;
use ddecs_wizard::core::taskdef::document::Document;
use ddecs_wizard::core::Transport;
use ddecs_wizard::output::diff;
use serde_json::Value;

use Expect::{Patched as P, Refused as R};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

const NO_CMD: &str =
    "has no entryPoint or command; the image's CMD is unknown here: pass --startup-command";
const NGINX: &str = "nginx -g 'daemon off;'";

/// What patch must do with each valid fixture.
const CASES: &[Case] = &[
    case("agent-daemon-only.json", P(&[])),
    case(
        "as-written-numbers-colons-blank-lines.json",
        P(&[("app", "./app")]),
    ),
    case(
        "awsvpc-ec2-app.json",
        P(&[("ledger", "/usr/local/bin/ledger --listen :9000")]),
    ),
    case(
        "bare-array-app-and-agent.json",
        P(&[("api", "java -jar /srv/api.jar")]),
    ),
    case("bom-crlf-register.json", P(&[("app", "./app")])),
    case(
        "compact-hugging-command.json",
        P(&[("cleanup", "find /data -mtime +7 -delete && echo done")]),
    ),
    case("compact-one-line.json", P(&[("app", "./app --serve")])),
    case(
        "crlf-bare-array-no-final-newline.json",
        P(&[("app", "bin/app serve")]),
    ),
    case(
        "describe-unwrapped-nulls.json",
        P(&[("api", "node server.js")]),
    ),
    case(
        "describe-wrapped-read-only-tags.json",
        P(&[("worker", "bundle exec sidekiq -C config/sidekiq.yml")]),
    ),
    tagged(
        "empty-environment-and-labels.json",
        ["prod", "orders", "12"],
        P(&[("orders", "./orders")]),
    ),
    case(
        "fargate-agent-only.json",
        R("this Fargate task holds only the Datadog agent"),
    ),
    // The agent sidecar is on localhost: nothing to wrap.
    case("fargate-app-and-agent-sidecar.json", P(&[])),
    // Refused without the flags that would add the agent sidecar.
    case("fargate-without-agent.json", R("Fargate")),
    case("network-none.json", R("networkMode is \"none\"")),
    case("no-start-command.json", R(NO_CMD)),
    with(
        "no-start-command.json",
        &[],
        Some(NGINX),
        P(&[("nginx", NGINX)]),
    ),
    case(
        "register-bridge-app-and-agent.json",
        P(&[(
            "web",
            "python -m gunicorn shop.wsgi:app --bind 0.0.0.0:8000",
        )]),
    ),
    case(
        "several-apps.json",
        R("several app containers: frontend, api;"),
    ),
    with(
        "several-apps.json",
        &["frontend", "api"],
        None,
        P(&[("frontend", "npm start"), ("api", "./api --port 8080")]),
    ),
    case(
        "single-container.json",
        P(&[("app", "bundle exec puma -C config/puma.rb")]),
    ),
    case(
        "start-command-awk-quotes.json",
        P(&[(
            "probe",
            r#"echo 'x "y" z' | awk '{print $3" "$1}' | grep -q '^z x$' && exit 42 || exit 1"#,
        )]),
    ),
    case(
        "start-command-dollar-paren.json",
        P(&[(
            "probe",
            r#"[ "$(echo 'a  b' | sed 's/  */-/')" = "a-b" ] && exit 42 || exit 1"#,
        )]),
    ),
    case(
        "start-command-regex-backslashes.json",
        P(&[(
            "probe",
            r#"echo 'v1.2.3' | egrep -q "^v[0-9]+\.[0-9]+\.[0-9]+$" && echo matched && exit 42 || exit 1"#,
        )]),
    ),
    case(
        "tabs-host-mode-app.json",
        P(&[("proxy", "edge-proxy --port 80")]),
    ),
    case("tabs-legacy-agent.json", P(&[])),
    case(
        "windows-app.json",
        R("container site is a Windows container"),
    ),
];

/// What each invalid fixture must be refused for, and where.
const INVALID: &[(&str, &str)] = &[
    (
        "batch-job-definition.json",
        ": not a task definition: this is an AWS Batch job definition",
    ),
    (
        "cloudformation-template.json",
        ": not a task definition: this is a CloudFormation template",
    ),
    (
        "command-as-string.json",
        ":5:16: [0].command must be an array of strings",
    ),
    (
        "duplicate-key.json",
        ":8:7: duplicate key \"memory\" (first at 7:7)",
    ),
    (
        "empty-container-definitions.json",
        ": not a task definition: containerDefinitions is empty",
    ),
    ("empty.json", ": the file is empty"),
    (
        "environment-value-number.json",
        ":6:33: [0].environment[0].value must be a string",
    ),
    (
        "go-template.json",
        ":6:16: template placeholder {{ must_env `IMAGE` }} in containerDefinitions[0].image",
    ),
    (
        "jinja-block.json",
        ":1:2: not valid JSON: key must be a string; this looks like a Jinja or Go template",
    ),
    (
        "json-then-commands.json",
        ":5:1: not valid JSON: trailing characters; there is more text after the JSON",
    ),
    ("latin1.json", ":1:15: not UTF-8 text"),
    (
        "missing-comma.json",
        ":6:7: not valid JSON: expected `,` or `}`",
    ),
    (
        "shell-prompt-then-json.json",
        ":1:1: not valid JSON: it does not start with { or [; remove the pasted shell prompt",
    ),
    (
        "task-definition.yaml",
        ":1:1: not valid JSON: it does not start with { or [; this looks like YAML",
    ),
    (
        "terraform-template.json",
        ":4:14: template placeholder ${app_image} in [0].image",
    ),
    (
        "trailing-comma-tabs.json",
        ":7:3: not valid JSON: trailing comma",
    ),
    (
        "unquoted-placeholder.json",
        ":8:41: not valid JSON: expected value; an unquoted placeholder",
    ),
    ("utf16.json", ": the file is UTF-16 text"),
];

#[test]
fn every_valid_fixture_is_patched_or_refused_on_purpose() {
    let changed = cases::run_valid(&fixtures(), CASES);
    // How many lines each patch changed (removed, added), to review.
    insta::assert_snapshot!("changed_lines", changed);
}

#[test]
fn every_valid_fixture_can_be_checked() {
    cases::check_every_valid_file(&fixtures());
}

#[test]
fn every_invalid_fixture_is_refused_and_nothing_is_written() {
    cases::assert_invalid_refused(&fixtures(), INVALID);
}

/// The input and output of patching a fixture with default options.
fn patched(file: &str) -> (String, String) {
    let input = read(&fixtures().join("valid").join(file));
    let patched = patch(&input, &PatchOptions::default()).unwrap();
    let output = document::write(&input, &patched.value);
    (input.source.text, output)
}

#[test]
fn numbers_spacing_and_blank_lines_stay_as_written() {
    let (before, after) = patched("as-written-numbers-colons-blank-lines.json");
    for kept in [
        "\"family\" : \"as-written\",\n  \"networkMode\": \"bridge\",\n\n",
        "\"cpu\": -0,",
        "{\"name\": \"nofile\", \"softLimit\": 1E2, \"hardLimit\": 18446744073709551616}",
        "\n  ],\n\n  \"volumes\": [\n    {\n      \"name\" : \"data\",\n      \"host\": { \"sourcePath\": \"/srv/data\" }\n",
    ] {
        assert!(before.contains(kept) && after.contains(kept), "{kept:?}");
    }
    assert!(after.ends_with("}\n\n"), "the trailing blank line went");
    assert_eq!(after.lines().count(), before.lines().count());
}

#[test]
fn compact_files_stay_compact() {
    let (before, after) = patched("compact-one-line.json");
    assert!(!after.contains('\n'), "{after}");
    assert!(after.starts_with(r##"{"family":"one-line","containerDefinitions":[{"name":"app","image":"example/app:2","essential":true,"memory":128,"entryPoint":["sh","-c","#"##));
    assert!(after.ends_with(
        r#""portMappings":[{"containerPort":8125,"protocol":"udp"},{"hostPort":8126,"protocol":"tcp","containerPort":8126}]}]}"#
    ));
    assert!(!before.ends_with('\n'));
    let (before, after) = patched("compact-hugging-command.json");
    assert_eq!(after.lines().count(), before.lines().count());
    assert!(after.contains("  \"containerDefinitions\": [{\n"));
    assert!(after.contains("\n    \"entryPoint\": [\"sh\", \"-c\", \"# Datadog"));
    assert!(after.ends_with("\"]\n  }]\n}\n"));
}

#[test]
fn line_ends_indentation_and_byte_order_marks() {
    let (_, after) = patched("crlf-bare-array-no-final-newline.json");
    assert!(!after.replace("\r\n", "").contains('\n'), "a bare LF");
    assert!(after.ends_with("\r\n]"), "a final newline appeared");
    assert!(after.contains("\r\n    \"entryPoint\": [\r\n      \"sh\",\r\n      \"-c\",\r\n"));
    let (_, after) = patched("bom-crlf-register.json");
    assert!(after.starts_with("{\r\n  \"family\""), "the BOM stayed");
    assert!(!after.replace("\r\n", "").contains('\n'), "a bare LF");
    let (_, after) = patched("tabs-legacy-agent.json");
    assert!(after.contains("\n\t\t\t\"portMappings\": [\n\t\t\t\t{\n\t\t\t\t\t\"hostPort\": 8126,"));
    assert!(!after.contains("\n "), "an indent with spaces");
}

/// The review the suites run flags what a re-serialising patch did: a
/// compact container spread over lines, `"name" : ` respaced.
#[test]
fn the_line_review_catches_a_rewritten_file() {
    let input = read(&fixtures().join("valid/as-written-numbers-colons-blank-lines.json"));
    let patched = patch(&input, &PatchOptions::default()).unwrap();
    let rewritten = document::render(&patched.value, &input.layout);
    let strays = minimal_diff::review(&input, &rewritten, &[0]).strays;
    assert!(
        strays.iter().any(|s| s.contains("\"name\" : \"data\"")),
        "{strays:#?}"
    );
    let edited = document::write(&input, &patched.value);
    assert_eq!(
        minimal_diff::review(&input, &edited, &[0]).strays,
        Vec::<String>::new()
    );
}

/// The unified diff of one patched fixture, with the entryPoint script
/// (snapshotted with the script's own tests) shown as `<script>`.
fn diff_of(file: &str, case: &Case) -> String {
    let input = read(&fixtures().join("valid").join(file));
    let patched = patch(&input, &cases::options(case)).unwrap();
    let text = document::write(&input, &patched.value);
    let after = document::read(text.as_bytes()).unwrap();
    let mut secrets = container::secret_values(&input.value);
    secrets.extend(container::secret_values(&patched.value));
    let mut shown = diff::unified(&input.source.text, &text, file, &secrets);
    for container in after.containers() {
        if let Some(Value::String(script)) = container.pointer("/entryPoint/2") {
            let escaped = serde_json::to_string(script).unwrap();
            shown = shown.replace(&escaped[1..escaped.len() - 1], "<script>");
        }
    }
    shown
}

#[test]
fn diffs_show_only_what_tracing_needs() {
    for file in [
        "as-written-numbers-colons-blank-lines.json",
        "bare-array-app-and-agent.json",
        "compact-hugging-command.json",
        "describe-unwrapped-nulls.json",
        "describe-wrapped-read-only-tags.json",
        "empty-environment-and-labels.json",
        "register-bridge-app-and-agent.json",
        "tabs-legacy-agent.json",
    ] {
        let case = CASES.iter().find(|c| c.file == file).unwrap();
        let name = format!("diff-{}", file.trim_end_matches(".json"));
        insta::assert_snapshot!(name, diff_of(file, case));
    }
}

#[cfg(unix)]
#[test]
fn patched_start_commands_behave_like_the_originals() {
    for file in [
        "start-command-awk-quotes.json",
        "start-command-dollar-paren.json",
        "start-command-regex-backslashes.json",
    ] {
        same_behaviour::assert_same_exit_and_output(&fixtures().join("valid").join(file));
    }
}

/// Every valid fixture, and every valid corpus file when the corpus is
/// there (its suite says so when it is not).
fn mangle_sources() -> Vec<PathBuf> {
    let mut files = cases::files(&fixtures(), "valid");
    if let Some(corpus) = corpus::dir_quietly() {
        files.extend(cases::files(&corpus, "valid"));
    }
    files
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(256))]

    /// Bad input of every kind is refused, never a panic: files with bytes
    /// cut out, or JSON punctuation and placeholders put in. What is still
    /// a task definition patches into text that holds the patched value.
    #[test]
    fn mangled_files_never_panic(
        file in 0usize..1000,
        at in 0.0f64..1.0,
        cut in 0usize..40,
        insert in proptest::sample::select(vec!["", "{", "}", "[", "]", ",", ":", "\"", "\\", "${x}", "<X>", "null", "\u{FEFF}", "é", "\r\n", "-0", "1E2"]),
    ) {
        let files = mangle_sources();
        let mut bytes = fs::read(&files[file % files.len()]).unwrap();
        let start = ((bytes.len() as f64) * at) as usize;
        let end = (start + cut).min(bytes.len());
        bytes.splice(start..end, insert.bytes());
        if let Ok(document) = document::read(&bytes) {
            let _ = check(&document).to_text("x");
            if let Ok(patched) = patch(&document, &PatchOptions::default()) {
                let text = document::write(&document, &patched.value);
                let reread: Value = serde_json::from_str(&text).unwrap();
                proptest::prop_assert_eq!(
                    serde_json::to_string(&reread).unwrap(),
                    serde_json::to_string(&patched.value).unwrap()
                );
            }
            let first = container::name(&document.containers()[0]).to_owned();
            let _ = patch(&document, &cases::options_for(&[&first], Some("./run")));
        }
    }
}

/// The option sets the round trip runs: what patch does by default, the
/// socket, the injected tracer, and both; the Fargate task without an agent
/// gets its sidecar (the secret is given).
fn round_trip_options() -> Vec<(&'static str, PatchOptions)> {
    let inject = Some(TracerPlan::Inject(Injection::default()));
    let arn = Some("arn:aws:secretsmanager:us-east-1:1:secret:dd".to_owned());
    let mut sets = Vec::new();
    for (label, transport, tracer) in [
        ("default", None, None),
        ("uds", Some(Transport::Uds), None),
        ("inject", None, inject),
        ("inject uds", Some(Transport::Uds), inject),
    ] {
        sets.push((
            label,
            PatchOptions {
                transport,
                tracer,
                ..PatchOptions::default()
            },
        ));
        sets.push((
            label,
            PatchOptions {
                transport,
                tracer,
                api_key_secret_arn: arn.clone(),
                ..PatchOptions::default()
            },
        ));
    }
    sets
}

/// The text as patch reads it, before any change: what `--remove` can
/// give back (a BOM, describe output's wrapper, nulls and read-only fields
/// are dropped on reading, by patch and so by remove).
fn as_read(input: &Document) -> String {
    document::write(input, &input.value)
}

/// Whether patch changed something the file had, rather than only
/// adding to it: `--remove` cannot tell such a change from the user's own
/// writing and leaves it (docs/patch.md, "What --remove leaves").
fn changes_what_was_there(note: &Note, notes: &[Note]) -> bool {
    use Note::*;
    // A wait on the agent is ours to take out when the agent is.
    let sidecar_added = notes.iter().any(|n| matches!(n, SidecarAdded { .. }));
    matches!(
        note,
        HostPortSet { .. }
            | HostPortMappingAdded { .. }
            | LegacyEnvAdded { .. }
            | LegacyEnvCorrected { .. }
            | FargateAgentEnvSet { .. }
            | ContainerPortAdded { .. }
            | MountMadeWritable { .. }
            | CommandRemoved { .. }
            | FixedAgentHostRemoved { .. }
            | OneLinerRemoved { .. }
            | LookupRemoved { .. }
            | AgentHostRemoved { .. }
            | TagsSet { .. }
            | SocketTakenOut { .. }
            | AgentSocketTakenOut { .. }
            | VolumeRemoved
    ) || (matches!(note, DependsOnAgent { .. }) && !sidecar_added)
}

/// Shapes where even an added-only patch does not come back byte for
/// byte, and why.
const NOT_EXACT: &[(&str, &str)] = &[(
    "describe-unwrapped-nulls.json",
    "an empty \"volumes\": [] as the task's last key looks exactly like the one patch creates there, so --remove drops it",
)];

/// `patch --remove` after `patch` (default, uds, inject, inject + uds)
/// gives back the file byte for byte wherever patch only added; where
/// patch changed what was there, what comes back patches to the same
/// result, and holds nothing of ours.
#[test]
fn remove_after_patch_gives_back_the_file() {
    let (mut exact, mut kept) = (0, 0);
    for path in cases::files(&fixtures(), "valid") {
        let file = path.file_name().unwrap().to_str().unwrap().to_owned();
        let input = read(&path);
        let original = as_read(&input);
        for (label, options) in round_trip_options() {
            let Ok(patched) = patch(&input, &options) else {
                continue;
            };
            let text = document::write(&input, &patched.value);
            let after = document::read(text.as_bytes()).unwrap();
            let removed = remove(&after).unwrap();
            let back = document::write(&after, &removed.value);
            let only_added = !patched
                .notes
                .iter()
                .any(|n| changes_what_was_there(n, &patched.notes))
                && !NOT_EXACT.iter().any(|(f, _)| *f == file);
            if only_added {
                assert_eq!(
                    back,
                    original,
                    "{file} [{label}]: patch only added, so --remove must give back the bytes:\n{}",
                    diff::unified(&original, &back, &file, &[])
                );
                exact += 1;
            } else {
                kept += 1;
            }
            let back_doc = document::read(back.as_bytes()).unwrap();
            for c in back_doc.containers() {
                assert!(
                    !container::is_tracer_init(c),
                    "{file} [{label}]: init container left"
                );
                let script = c.pointer("/entryPoint/2").and_then(Value::as_str);
                assert!(
                    !script.is_some_and(|s| s.contains("DD_AGENT_HOST")),
                    "{file} [{label}]: wrapper left"
                );
            }
            assert!(
                !back.contains("dd-sockets") || original.contains("dd-sockets"),
                "{file} [{label}]: socket left"
            );
            let again = patch(&back_doc, &options).unwrap();
            assert_eq!(
                again.value, patched.value,
                "{file} [{label}]: what --remove gave back does not patch to the same result"
            );
        }
    }
    // Regressions show as a count that drops (or a failure above).
    assert!(exact >= 18 && kept >= 35, "exact {exact}, kept {kept}");
}

/// `--tracer inject` on every fixture patch accepts: the init container and
/// the app's layout are there, `check` finds nothing wrong with the
/// injection (DDECS060-064), and patching the result again changes no
/// byte.
#[test]
fn injected_fixtures_pass_check_and_patch_again_unchanged() {
    let mut injected = 0;
    for path in cases::files(&fixtures(), "valid") {
        let file = path.display().to_string();
        let input = read(&path);
        for (label, options) in round_trip_options() {
            if options.tracer.is_none() {
                continue;
            }
            let Ok(patched) = patch(&input, &options) else {
                continue;
            };
            let text = document::write(&input, &patched.value);
            let after = document::read(text.as_bytes()).unwrap();
            assert!(
                after.containers().iter().any(container::is_tracer_init),
                "{file} [{label}]: no init container"
            );
            let injection_findings: Vec<String> = check(&after)
                .findings
                .iter()
                .filter(|f| f.rule.id.starts_with("DDECS06"))
                .map(|f| format!("{}: {}", f.rule.id, f.message))
                .collect();
            assert!(
                injection_findings.is_empty(),
                "{file} [{label}]: {injection_findings:#?}"
            );
            let again = patch(&after, &options).unwrap();
            assert_eq!(
                document::write(&after, &again.value),
                text,
                "{file} [{label}]: a second patch changed it"
            );
            assert!(!again.changed, "{file} [{label}]");
            injected += 1;
        }
    }
    assert!(injected >= 10, "only {injected} fixtures injected");
}
