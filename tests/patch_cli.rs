//! The `patch` and `check` commands as a user runs them: where output goes,
//! what is written (and what never is), exit codes, and that no secret and
//! no escape code reaches the terminal.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use serde_json::{json, Value};

const ESC: u8 = 0x1b;

fn run(args: &[&str]) -> Output {
    run_with_stdin(args, None)
}

fn run_with_stdin(args: &[&str], stdin: Option<&[u8]>) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_ddecs-wizard"))
        .args(args)
        .env_remove("NO_COLOR")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    {
        let mut input = child.stdin.take().unwrap();
        if let Some(bytes) = stdin {
            // The program may exit before reading (a usage error).
            let _ = input.write_all(bytes);
        }
    }
    let output = child.wait_with_output().unwrap();
    assert!(
        !output.stdout.contains(&ESC) && !output.stderr.contains(&ESC),
        "escape codes printed"
    );
    output
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// An EC2 task with one app and the agent, in a temp dir.
fn task_file(dir: &Path) -> PathBuf {
    let task = json!({
        "family": "web",
        "containerDefinitions": [
            {
                "name": "app",
                "image": "web:1",
                "command": ["gunicorn", "app:app"],
                "environment": [
                    {"name": "DB_PASSWORD", "value": "hunter2-correct-horse"},
                    {"name": "DD_AGENT_HOST", "value": "10.0.0.5"},
                    {"name": "API_TOKEN", "value": "tok"}
                ]
            },
            {"name": "datadog-agent", "image": "public.ecr.aws/datadog/agent:7"}
        ]
    });
    let path = dir.join("task.json");
    fs::write(&path, serde_json::to_string_pretty(&task).unwrap() + "\n").unwrap();
    path
}

fn files_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn stdout_by_default_and_notes_on_stderr() {
    let dir = tempfile::tempdir().unwrap();
    let path = task_file(dir.path());
    let output = run(&["patch", path.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let patched: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(patched["containerDefinitions"][0]["entryPoint"][0], "sh");
    let notes = stderr(&output);
    assert!(
        notes.lines().all(|l| l.starts_with("ddecs-wizard: ")),
        "{notes}"
    );
    assert!(
        notes.contains("added the 8126/tcp host port mapping to datadog-agent"),
        "{notes}"
    );
    assert!(
        notes.contains("removed the fixed DD_AGENT_HOST of app"),
        "{notes}"
    );
    assert!(
        !notes.contains("10.0.0.5"),
        "an env value in a note: {notes}"
    );
}

#[test]
fn output_file_gets_what_stdout_would() {
    let dir = tempfile::tempdir().unwrap();
    let path = task_file(dir.path());
    let out = dir.path().join("patched.json");
    let output = run(&["patch", path.to_str().unwrap(), "-o", out.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(output.stdout.is_empty());
    assert!(stderr(&output).contains(&format!("wrote {}", out.display())));
    let printed = run(&["patch", path.to_str().unwrap()]).stdout;
    assert_eq!(fs::read(&out).unwrap(), printed);
    assert_eq!(files_in(dir.path()), ["patched.json", "task.json"]);
}

#[cfg(unix)]
#[test]
fn in_place_is_atomic_keeps_permissions_and_is_stable() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let path = task_file(dir.path());
    fs::set_permissions(&path, fs::Permissions::from_mode(0o640)).unwrap();
    let output = run(&["patch", "--in-place", path.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(output.stdout.is_empty());
    let once = fs::read(&path).unwrap();
    let patched: Value = serde_json::from_slice(&once).unwrap();
    assert!(patched["containerDefinitions"][0].get("command").is_none());
    assert_eq!(
        fs::metadata(&path).unwrap().permissions().mode() & 0o777,
        0o640
    );
    assert_eq!(
        files_in(dir.path()),
        ["task.json"],
        "a temporary file was left"
    );
    let again = run(&["patch", "--in-place", path.to_str().unwrap()]);
    assert_eq!(again.status.code(), Some(0));
    assert!(stderr(&again).contains("left"), "{}", stderr(&again));
    assert_eq!(fs::read(&path).unwrap(), once);
}

#[cfg(unix)]
#[test]
fn in_place_through_a_symlink_updates_the_target() {
    let dir = tempfile::tempdir().unwrap();
    let path = task_file(dir.path());
    let link = dir.path().join("link.json");
    std::os::unix::fs::symlink(&path, &link).unwrap();
    let output = run(&["patch", "--in-place", link.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(fs::symlink_metadata(&link)
        .unwrap()
        .file_type()
        .is_symlink());
    let patched: Value = serde_json::from_slice(&fs::read(&path).unwrap()).unwrap();
    assert_eq!(patched["containerDefinitions"][0]["entryPoint"][0], "sh");
}

#[test]
fn diff_writes_nothing_and_masks_secrets() {
    let dir = tempfile::tempdir().unwrap();
    let path = task_file(dir.path());
    let before = fs::read(&path).unwrap();
    let output = run(&["patch", "--diff", path.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let diff = stdout(&output);
    let shown = path.to_str().unwrap().trim_start_matches('/');
    assert!(
        diff.starts_with(&format!("--- a/{shown}\n+++ b/{shown}\n")),
        "{diff}"
    );
    assert!(
        diff.contains("-          \"value\": \"10.0.0.5\""),
        "{diff}"
    );
    assert!(diff.contains(" \"value\": \"********\""), "{diff}");
    for secret in ["hunter2", "\"tok\""] {
        assert!(!diff.contains(secret), "{secret} shown in:\n{diff}");
    }
    assert_eq!(fs::read(&path).unwrap(), before);
    assert_eq!(files_in(dir.path()), ["task.json"]);
    let patched = dir.path().join("patched.json");
    run(&[
        "patch",
        path.to_str().unwrap(),
        "-o",
        patched.to_str().unwrap(),
    ]);
    let none = run(&["patch", "--diff", patched.to_str().unwrap()]);
    assert_eq!((none.status.code(), stdout(&none).as_str()), (Some(0), ""));
}

#[test]
fn bom_is_stripped_and_said() {
    let dir = tempfile::tempdir().unwrap();
    let path = task_file(dir.path());
    let mut bytes = b"\xEF\xBB\xBF".to_vec();
    bytes.extend(fs::read(&path).unwrap());
    fs::write(&path, bytes).unwrap();
    let output = run(&["patch", path.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(
        stderr(&output).contains("stripped the UTF-8 byte order mark"),
        "{}",
        stderr(&output)
    );
    assert_eq!(output.stdout.first(), Some(&b'{'));
}

#[test]
fn layout_is_kept_crlf_tabs_and_no_final_newline() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("t.json");
    let text = "{\r\n\t\"containerDefinitions\": [\r\n\t\t{\"name\": \"app\", \"command\": [\"./run\"]}\r\n\t]\r\n}";
    fs::write(&path, text).unwrap();
    let output = run(&["patch", path.to_str().unwrap()]);
    let out = stdout(&output);
    // The container written on one line stays on its line.
    assert!(
        out.starts_with(
            "{\r\n\t\"containerDefinitions\": [\r\n\t\t{\"name\": \"app\", \"entryPoint\": [\"sh\", \"-c\", "
        ),
        "{out:?}"
    );
    assert!(out.ends_with("\"]}\r\n\t]\r\n}"), "{out:?}");
    assert!(out.ends_with("\r\n}"), "{out:?}");
    assert!(
        !out.replace("\r\n", "").contains('\n'),
        "a bare LF: {out:?}"
    );
}

#[test]
fn standard_input_is_read_with_a_dash() {
    let task = br#"[{"name": "app", "image": "x", "command": ["./run"]}]"#;
    let output = run_with_stdin(&["patch", "-"], Some(task));
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let patched: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert!(patched[0]["entryPoint"][2]
        .as_str()
        .unwrap()
        .ends_with("\nexec ./run"));
    let output = run_with_stdin(&["patch", "--in-place", "-"], Some(task));
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("--in-place needs a file"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn patch_exit_codes() {
    let dir = tempfile::tempdir().unwrap();
    let path = task_file(dir.path());
    let file = path.to_str().unwrap();
    let two_apps = dir.path().join("two.json");
    fs::write(
        &two_apps,
        r#"[{"name": "a", "command": ["x"]}, {"name": "b", "command": ["y"]}]"#,
    )
    .unwrap();
    let missing_dir = dir.path().join("no/such/dir/out.json");
    let cases: [(&[&str], i32, &str); 7] = [
        (
            &["patch", two_apps.to_str().unwrap()],
            2,
            "several app containers: a, b",
        ),
        (
            &["patch", "missing.json"],
            2,
            "cannot read missing.json: no such file",
        ),
        (
            &["patch", file, "--language", "java"],
            2,
            "unexpected argument '--language'",
        ),
        (
            &["patch", file, "--container", "nope"],
            2,
            "no container named \"nope\"; the containers are: app, datadog-agent",
        ),
        (&["patch", file, "--imds", "v3"], 2, "invalid imds \"v3\""),
        (
            &["patch", file, "--in-place", "--diff"],
            2,
            "cannot be used with",
        ),
        (
            &["patch", file, "-o", missing_dir.to_str().unwrap()],
            1,
            "cannot write",
        ),
    ];
    for (args, code, message) in cases {
        let output = run(args);
        let err = stderr(&output);
        assert_eq!(output.status.code(), Some(code), "{args:?}: {err}");
        let last = err.lines().last().unwrap_or("");
        assert!(last.contains(message), "{args:?}: {err}");
        assert!(last.starts_with("ddecs-wizard: "), "{err}");
    }
}

#[test]
fn errors_never_show_environment_values() {
    let dir = tempfile::tempdir().unwrap();
    let cases = [
        r#"{"containerDefinitions": [{"name": "a", "environment": [{"name": "DD_API_KEY", "value": "supersecret-value"}], "image": ${IMAGE}}]}"#,
        r#"{"containerDefinitions": [{"name": "a", "environment": [{"name": "DD_API_KEY", "value": 123456789}]}]}"#,
        r#"{"containerDefinitions": [{"name": "a", "environment": [{"name": "DD_API_KEY", "value": "supersecret-value"}]}], "x": [1,]}"#,
    ];
    for (i, text) in cases.iter().enumerate() {
        let path = dir.path().join(format!("{i}.json"));
        fs::write(&path, text).unwrap();
        for command in ["patch", "check"] {
            let output = run(&[command, path.to_str().unwrap()]);
            let err = stderr(&output);
            assert_eq!(output.status.code(), Some(2), "{err}");
            assert!(
                !err.contains("supersecret") && !err.contains("123456789"),
                "{err}"
            );
        }
    }
}

#[test]
fn check_text_json_and_exit_codes() {
    let dir = tempfile::tempdir().unwrap();
    let path = task_file(dir.path());
    let file = path.to_str().unwrap();
    let output = run(&["check", file]);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let text = stdout(&output);
    assert!(text.contains(": error DDECS001: datadog-agent: "), "{text}");
    assert_eq!(text.lines().count(), 2, "{text}");
    assert!(
        stderr(&output).contains("1 file checked: 1 error, 1 warning, 0 info"),
        "{}",
        stderr(&output)
    );

    let output = run(&["check", "--format", "json", file]);
    assert_eq!(output.status.code(), Some(1));
    let log: Value = serde_json::from_slice(&output.stdout).unwrap();
    let report = &log["files"][0];
    assert_eq!(report["file"], file);
    assert_eq!(
        report["summary"],
        json!({"errors": 1, "warnings": 1, "info": 0})
    );
    let finding = &report["findings"][1];
    assert_eq!(
        (
            &finding["rule"],
            &finding["severity"],
            &finding["container"]
        ),
        (&json!("DDECS001"), &json!("error"), &json!("datadog-agent"))
    );
    assert_eq!(
        finding["message"],
        "no 8126/tcp host port: apps reach the agent at the host's IP, so their traces are refused"
    );

    let patched = dir.path().join("patched.json");
    run(&["patch", file, "-o", patched.to_str().unwrap()]);
    let output = run(&["check", patched.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(0), "{}", stdout(&output));

    let output = run(&["check", "missing.json"]);
    assert_eq!(output.status.code(), Some(2));
    let output = run(&["check", "--format", "yaml", file]);
    assert_eq!(output.status.code(), Some(2));
}

fn write_task(dir: &Path, task: &Value) -> PathBuf {
    let path = dir.join("task.json");
    fs::write(&path, serde_json::to_string_pretty(task).unwrap()).unwrap();
    path
}

/// Each way `--transport uds` would lose traces without a word is refused
/// with exit 2 and one line naming what is wrong, and the file is left.
#[test]
fn uds_refuses_what_would_lose_traces_in_one_line() {
    let app = json!({"name": "web", "image": "x", "command": ["python", "app.py"]});
    let agent = |env: Value, image: &str| json!({"name": "datadog-agent", "image": image, "environment": env});
    let cases = [
        (
            json!({"family": "web", "containerDefinitions": [app],
                   "volumes": [{"name": "dd-sockets", "host": {"sourcePath": "/opt/dd"}}]}),
            "volume dd-sockets maps the host directory /opt/dd",
        ),
        (
            json!({"family": "web", "containerDefinitions": [app, agent(json!([]), "fluent/fluent-bit:2")]}),
            "container datadog-agent is named like the Datadog agent but runs fluent/fluent-bit:2",
        ),
        (
            json!({"family": "web", "containerDefinitions": [app, agent(
                json!([{"name": "DD_APM_RECEIVER_SOCKET", "value": "/opt/apm.sock"}]),
                "public.ecr.aws/datadog/agent:7")]}),
            "the agent datadog-agent sets DD_APM_RECEIVER_SOCKET to /opt/apm.sock",
        ),
    ];
    for (task, said) in cases {
        let dir = tempfile::tempdir().unwrap();
        let path = write_task(dir.path(), &task);
        let before = fs::read(&path).unwrap();
        let out = run(&[
            "patch",
            "--transport",
            "uds",
            "--in-place",
            path.to_str().unwrap(),
        ]);
        assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
        let err = stderr(&out);
        assert_eq!(err.lines().count(), 1, "{err}");
        let named = format!("ddecs-wizard: {}: {said}", path.display());
        assert!(err.starts_with(&named), "{err}");
        assert_eq!(fs::read(&path).unwrap(), before);
    }
}

/// A CI job that patches on every push: the same command on its own
/// output succeeds and changes nothing.
#[test]
fn the_sidecar_command_run_twice_succeeds_the_second_time() {
    let dir = tempfile::tempdir().unwrap();
    let task = json!({"family": "web", "requiresCompatibilities": ["FARGATE"], "networkMode": "awsvpc",
        "containerDefinitions": [{"name": "web", "image": "x", "command": ["node", "s.js"]}]});
    let path = write_task(dir.path(), &task);
    let arn = "arn:aws:secretsmanager:us-east-1:123456789012:secret:dd";
    let args = [
        "patch",
        "--api-key-secret-arn",
        arn,
        "--in-place",
        path.to_str().unwrap(),
    ];
    let first = run(&args);
    assert!(first.status.success(), "{}", stderr(&first));
    let patched = fs::read(&path).unwrap();
    let second = run(&args);
    assert!(second.status.success(), "{}", stderr(&second));
    assert_eq!(fs::read(&path).unwrap(), patched);
    assert!(
        stderr(&second).contains("nothing to change"),
        "{}",
        stderr(&second)
    );
    let other = run(&[
        "patch",
        "--api-key-secret-arn",
        "arn:aws:secretsmanager:us-east-1:111111111111:secret:x",
        path.to_str().unwrap(),
    ]);
    assert_eq!(other.status.code(), Some(2));
    assert!(
        stderr(&other).contains(&format!(
            "differs from the secret the agent datadog-agent reads DD_API_KEY from ({arn})"
        )),
        "{}",
        stderr(&other)
    );
}

/// An EC2 bridge task whose app runs `command` with `env`, and the agent.
fn app_task(image: &str, command: Value, env: Value) -> Value {
    json!({"family": "web", "containerDefinitions": [
        {"name": "web", "image": image, "command": command, "environment": env},
        {"name": "datadog-agent", "image": "public.ecr.aws/datadog/agent:7", "portMappings": [{"containerPort": 8126, "hostPort": 8126, "protocol": "tcp"}]}
    ]})
}

fn env_of(task: &Value, name: &str) -> Option<String> {
    task["containerDefinitions"][0]["environment"]
        .as_array()?
        .iter()
        .find(|e| e["name"] == name)
        .map(|e| e["value"].as_str().unwrap().to_owned())
}

/// `--tracer inject` adds Datadog's layout to a task as it is, merging the
/// loader variable into the app's own value; run again it changes no byte;
/// `--remove` gives back the file as it was.
#[test]
fn inject_merges_is_stable_and_remove_gives_the_file_back() {
    let dir = tempfile::tempdir().unwrap();
    let task = app_task(
        "shop:1",
        json!(["gunicorn", "app:app"]),
        json!([{"name": "PYTHONPATH", "value": "/app"}]),
    );
    let path = write_task(dir.path(), &task);
    let original = fs::read(&path).unwrap();
    let file = path.to_str().unwrap();
    let args = [
        "patch",
        "--tracer",
        "inject",
        "--transport",
        "uds",
        "--in-place",
        file,
    ];
    let first = run(&args);
    assert!(first.status.success(), "{}", stderr(&first));
    let err = stderr(&first);
    assert!(
        err.contains(
            "injecting the Python tracer: the language is read from its start command (gunicorn)"
        ),
        "{err}"
    );
    assert!(err.contains("added the datadog-tracer init container (public.ecr.aws/datadog/dd-lib-python-init:v4)"), "{err}");
    let patched = fs::read(&path).unwrap();
    let value: Value = serde_json::from_slice(&patched).unwrap();
    assert_eq!(
        env_of(&value, "PYTHONPATH").as_deref(),
        Some("/app:/datadog-lib")
    );
    let app = &value["containerDefinitions"][0];
    assert!(app["dependsOn"]
        .as_array()
        .unwrap()
        .contains(&json!({"containerName": "datadog-tracer", "condition": "SUCCESS"})));
    assert!(app["mountPoints"].as_array().unwrap().contains(&json!({"sourceVolume": "datadog-tracer", "containerPath": "/datadog-lib", "readOnly": false})));
    assert_eq!(value["containerDefinitions"][2]["name"], "datadog-tracer");
    assert!(value["volumes"]
        .as_array()
        .unwrap()
        .contains(&json!({"name": "datadog-tracer"})));

    let check = run(&["check", file]);
    assert_eq!(check.status.code(), Some(0), "{}", stdout(&check));

    let second = run(&args);
    assert!(second.status.success(), "{}", stderr(&second));
    assert_eq!(
        fs::read(&path).unwrap(),
        patched,
        "a second patch changed the file"
    );

    let removed = run(&["patch", "--remove", "--in-place", file]);
    assert!(removed.status.success(), "{}", stderr(&removed));
    assert!(
        stderr(&removed).contains("removed the injected tracer"),
        "{}",
        stderr(&removed)
    );
    assert_eq!(
        String::from_utf8(fs::read(&path).unwrap()).unwrap(),
        String::from_utf8(original).unwrap()
    );
    let again = run(&["patch", "--remove", file]);
    assert!(
        stderr(&again).contains("nothing to change"),
        "{}",
        stderr(&again)
    );
}

/// The language comes from the app; each one gets its own init image and
/// variables, and `--tracer-version` picks the image tag.
#[test]
fn each_language_gets_its_image_and_variables() {
    let cases = [
        (
            "node:22",
            json!(["npm", "start"]),
            "dd-lib-js-init:v5",
            "NODE_OPTIONS",
            "--require /datadog-lib/node_modules/dd-trace/init.js",
        ),
        (
            "eclipse-temurin:21",
            json!(["java", "-jar", "a.jar"]),
            "dd-lib-java-init:v1",
            "JAVA_TOOL_OPTIONS",
            "-javaagent:/datadog-lib/dd-java-agent.jar -XX:+IgnoreUnrecognizedVMOptions",
        ),
        (
            "shop:1",
            json!(["bundle", "exec", "puma"]),
            "dd-lib-ruby-init:v2",
            "RUBYOPT",
            "-r/datadog-lib/auto_inject",
        ),
        (
            "mcr.microsoft.com/dotnet/aspnet:8.0",
            json!(["dotnet", "Shop.dll"]),
            "dd-lib-dotnet-init:v3",
            "CORECLR_PROFILER_PATH",
            "/datadog-lib/Datadog.Trace.ClrProfiler.Native.so",
        ),
        (
            "php:8.3-fpm-alpine",
            json!(["php-fpm", "-F"]),
            "dd-lib-php-init:v1",
            "PHP_INI_SCAN_DIR",
            ":/datadog-lib/linux-musl/loader",
        ),
    ];
    for (image, command, init, var, value) in cases {
        let dir = tempfile::tempdir().unwrap();
        let path = write_task(dir.path(), &app_task(image, command, json!([])));
        let out = run(&[
            "patch",
            "--tracer",
            "inject",
            "--transport",
            "uds",
            path.to_str().unwrap(),
        ]);
        assert!(out.status.success(), "{image}: {}", stderr(&out));
        let task: Value = serde_json::from_slice(&out.stdout).unwrap();
        let image_written = task["containerDefinitions"][2]["image"].as_str().unwrap();
        assert_eq!(
            image_written,
            format!("public.ecr.aws/datadog/{init}"),
            "{image}"
        );
        assert_eq!(env_of(&task, var).as_deref(), Some(value), "{image}");
    }
    let dir = tempfile::tempdir().unwrap();
    let path = write_task(
        dir.path(),
        &app_task("x", json!(["dotnet", "A.dll"]), json!([])),
    );
    let file = path.to_str().unwrap();
    let out = run(&[
        "patch",
        "--tracer",
        "inject",
        "--tracer-version",
        "3.10.0",
        "--transport",
        "uds",
        "--in-place",
        file,
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let out = run(&[
        "patch",
        "--tracer",
        "inject",
        "--tracer-version",
        "v3",
        "--transport",
        "uds",
        file,
    ]);
    let task: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        task["containerDefinitions"][2]["image"],
        "public.ecr.aws/datadog/dd-lib-dotnet-init:v3"
    );
    assert!(
        stderr(&out).contains(
            "set the image of datadog-tracer to public.ecr.aws/datadog/dd-lib-dotnet-init:v3"
        ),
        "{}",
        stderr(&out)
    );
}

/// What injection cannot do is refused with exit 2, one line saying why,
/// and the file left as it was.
#[test]
fn inject_refusals_are_one_line_and_write_nothing() {
    let cases = [
        (
            app_task("shop:1", json!(["./server"]), json!([])),
            &[][..],
            "cannot tell which language container web runs",
        ),
        (
            app_task("golang:1.22", json!(["./server"]), json!([])),
            &[][..],
            "Go is compiled in",
        ),
        (
            app_task(
                "ruby:3.3-alpine",
                json!(["bundle", "exec", "puma"]),
                json!([]),
            ),
            &[][..],
            "does not support musl",
        ),
        (
            app_task("shop:1", json!(["ruby", "app.rb"]), json!([])),
            &["--base-image", "alpine"][..],
            "does not support musl",
        ),
        (
            app_task("shop:1", json!(["dotnet", "A.dll"]), json!([])),
            &["--tracer-version", "2.49.0"][..],
            "before 3.0",
        ),
        (
            app_task(
                "shop:1",
                json!(["dotnet", "A.dll"]),
                json!([{"name": "CORECLR_PROFILER_PATH", "value": "/opt/other.so"}]),
            ),
            &[][..],
            "CORECLR_PROFILER_PATH is already set to \"/opt/other.so\"",
        ),
        (
            app_task(
                "shop:1",
                json!(["python", "a.py"]),
                json!([{"name": "PYTHONPATH", "value": "/a"}, {"name": "PYTHONPATH", "value": "/b"}]),
            ),
            &[][..],
            "sets PYTHONPATH twice",
        ),
    ];
    let mut all = cases.to_vec();
    let mut secret = app_task("shop:1", json!(["node", "s.js"]), json!([]));
    secret["containerDefinitions"][0]["secrets"] =
        json!([{"name": "NODE_OPTIONS", "valueFrom": "arn:aws:ssm:us-east-1:1:parameter/n"}]);
    all.push((
        secret,
        &[][..],
        "container web takes NODE_OPTIONS from secrets",
    ));
    let mut arm = app_task("shop:1", json!(["dotnet", "A.dll"]), json!([]));
    arm["runtimePlatform"] = json!({"cpuArchitecture": "ARM64"});
    all.push((arm, &[][..], "cannot serve ARM64 tasks"));
    for (task, extra, said) in all {
        let dir = tempfile::tempdir().unwrap();
        let path = write_task(dir.path(), &task);
        let before = fs::read(&path).unwrap();
        let mut args = vec![
            "patch",
            "--tracer",
            "inject",
            "--transport",
            "uds",
            "--in-place",
            path.to_str().unwrap(),
        ];
        args.extend_from_slice(extra);
        let out = run(&args);
        assert_eq!(out.status.code(), Some(2), "{said}: {}", stderr(&out));
        let err = stderr(&out);
        assert_eq!(err.lines().count(), 1, "{err}");
        assert!(err.contains(said), "{said}: {err}");
        assert_eq!(fs::read(&path).unwrap(), before);
    }
}

/// Flags that patch would ignore are usage errors: `--tracer image` (patch
/// does not build images), a version or base image without `--tracer
/// inject`, settings beside `--remove`. `--tracer present` adds nothing.
#[test]
fn tracer_flags_that_do_not_apply_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = write_task(
        dir.path(),
        &app_task("shop:1", json!(["python", "a.py"]), json!([])),
    );
    let file = path.to_str().unwrap();
    for (args, said) in [
        (
            &["--tracer", "image"][..],
            "--tracer does not apply: patch cannot put the tracer into the image",
        ),
        (
            &["--tracer-version", "4"][..],
            "--tracer-version does not apply",
        ),
        (
            &["--base-image", "alpine"][..],
            "--base-image does not apply",
        ),
        (
            &["--tracer", "present", "--tracer-version", "4"][..],
            "--tracer-version does not apply",
        ),
        (
            &["--remove", "--transport", "uds"][..],
            "--remove takes out everything",
        ),
    ] {
        let mut all = vec!["patch", file];
        all.extend_from_slice(args);
        let out = run(&all);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
        assert!(stderr(&out).contains(said), "{args:?}: {}", stderr(&out));
    }
    let plain = run(&["patch", "--transport", "uds", file]);
    let present = run(&["patch", "--tracer", "present", "--transport", "uds", file]);
    assert!(present.status.success(), "{}", stderr(&present));
    assert_eq!(present.stdout, plain.stdout);
    assert!(
        stderr(&present).contains("--tracer present: the image of web has its tracer"),
        "{}",
        stderr(&present)
    );
}
