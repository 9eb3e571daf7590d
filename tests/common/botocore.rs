//! botocore's ECS model as the judge of what registers: the validation
//! `aws ecs register-task-definition --cli-input-json` runs before it sends
//! anything, plus the model's enum values (tests/support/validate_ecs.py).

use std::io::Write;
use std::process::{Command, Stdio};

use serde_json::{Map, Value};

/// Problems that come from the input itself, which patch keeps as it is:
/// (file, text in the problem).
const INPUT_PROBLEMS: &[(&str, &str)] = &[
    // An ECS agent test fixture: its harness fills in $$$NETWORK_MODE$$$.
    (
        "entrypoint-sh-c-plus-command-script.json",
        "'$$$NETWORK_MODE$$$'",
    ),
    // `1E2`, which patch must keep as written (the file is about that), is
    // a float to botocore, not the integer ECS takes.
    ("as-written-numbers-colons-blank-lines.json", "softLimit"),
];

/// Every problem `operation` (RegisterTaskDefinition,
/// RegisterDaemonTaskDefinition) has with the named documents (parameters,
/// or the text of a file), as `name: [problems]` lines, less the known
/// problems of inputs; `None` when botocore is not installed outside CI.
pub fn problems(operation: &str, documents: &Map<String, Value>) -> Option<Vec<String>> {
    let import = Command::new("python3")
        .args(["-c", "import botocore"])
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !import {
        assert!(
            std::env::var_os("CI").is_none(),
            "botocore is required for this test in CI: python3 -m pip install botocore"
        );
        eprintln!("note: skipping, botocore is not installed (python3 -m pip install botocore)");
        return None;
    }
    let mut child = Command::new("python3")
        .args(["tests/support/validate_ecs.py", operation])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let input = serde_json::to_vec(documents).unwrap();
    child.stdin.take().unwrap().write_all(&input).unwrap();
    let output = child.wait_with_output().unwrap();
    assert!(output.status.success(), "the validator failed");
    let results: Map<String, Value> = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(results.len(), documents.len());
    Some(
        results
            .iter()
            .filter_map(|(name, found)| {
                let found: Vec<&str> = found
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|p| p.as_str().unwrap())
                    .filter(|p| {
                        !INPUT_PROBLEMS
                            .iter()
                            .any(|(f, text)| f == name && p.contains(text))
                    })
                    .collect();
                (!found.is_empty()).then(|| format!("{name}: {found:?}"))
            })
            .collect(),
    )
}

/// Fails with every problem `operation` has with the documents.
pub fn assert_all_valid(operation: &str, documents: &Map<String, Value>) {
    if let Some(problems) = problems(operation, documents) {
        assert!(problems.is_empty(), "{}", problems.join("\n"));
    }
}
