//! The generated entryPoint script, run by real `dash` and busybox `ash`
//! against a mock IMDS and real metadata files.
//!
//! Unit tests can only look at the script's text; what ECS users depend on
//! is what a shell does with it: which address ends up exported, how long
//! the app waits when IMDS misbehaves, whether a 401 page can leak into
//! DD_AGENT_HOST, and whether the script is clean for shellcheck (signals
//! are in entrypoint_signals.rs). Every case here runs the
//! shipped text with only the IMDS URL swapped for the mock's (checked by
//! `local_script`), and one case runs it unchanged against 169.254.169.254
//! in a private network namespace.

mod support;

use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::thread;
use std::time::Duration;

use ddecs_wizard::core::generate::entrypoint::build_script;
use ddecs_wizard::core::{shell, Imds};
use serde_json::json;

use support::{
    can_unshare, have, local_script, python3, run, run_all, Mock, Shell, Toolbox, DEADLINE,
    SHOW_HOST, TEST_GIVE_UP,
};

/// The promise: an app that cannot get an address starts within the bound,
/// plus time for process start-up on a busy machine (the cases run side by
/// side, on as few as 2 cores).
fn bound() -> Duration {
    TEST_GIVE_UP.bound() + Duration::from_secs(3)
}

/// The tools in the image the script runs in. None of them has jq.
#[derive(Debug, Clone, Copy)]
enum Image {
    Debian,
    DebianWithoutCurl,
    Alpine,
    AlpineWithoutCurl,
}

impl Image {
    /// The images whose tools are installed here (all of them under CI).
    fn available(images: &[Image]) -> Vec<Image> {
        let busybox = || have("busybox", "busybox");
        images
            .iter()
            .copied()
            .filter(|image| matches!(image, Image::Debian | Image::DebianWithoutCurl) || busybox())
            .collect()
    }

    fn toolbox(self) -> Toolbox {
        let toolbox = match self {
            Image::Debian => Toolbox::debian(),
            Image::DebianWithoutCurl => Toolbox::debian_without_curl(),
            Image::Alpine => Toolbox::busybox(true),
            Image::AlpineWithoutCurl => Toolbox::busybox(false),
        };
        assert!(!toolbox.contains("jq"), "the script must not need jq");
        toolbox
    }
}

/// How the ECS container metadata file behaves during the run.
#[derive(Debug, Clone)]
enum MetadataFile {
    /// ECS_CONTAINER_METADATA_FILE is not set at all.
    Unset,
    /// Set, but the file never appears.
    Never,
    /// There from the start with this content.
    Now(String),
    /// Missing (`None`) or with the first content, then replaced after the
    /// delay, the way the ECS agent writes it a moment after start.
    Later(Option<String>, Duration, String),
    /// A FIFO that nobody writes to: opening it for reading blocks forever.
    Fifo,
    /// The variable names this existing file, such as /dev/zero.
    Existing(&'static str),
}

impl MetadataFile {
    fn label(&self) -> String {
        match self {
            MetadataFile::Unset => "unset".to_owned(),
            MetadataFile::Never => "never".to_owned(),
            MetadataFile::Later(first, after, _) => {
                format!("later(first={}, {after:?})", first.is_some())
            }
            MetadataFile::Now(content) if content.len() > 200 => {
                format!("now({} bytes)", content.len())
            }
            MetadataFile::Now(content) => format!("now({content:?})"),
            MetadataFile::Fifo => "fifo".to_owned(),
            MetadataFile::Existing(path) => (*path).to_owned(),
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Expect {
    /// DD_AGENT_HOST is exported with this value.
    Host(String),
    /// DD_AGENT_HOST stays unset and the one stderr line contains this.
    Unset(&'static str),
}

#[derive(Debug, Clone)]
struct Case {
    shell: Shell,
    imds: Imds,
    image: Image,
    /// The mock IMDS mode, or no mock.
    mode: Option<&'static str>,
    file: MetadataFile,
    env: Vec<(&'static str, String)>,
    command: &'static str,
    expect: Expect,
    /// Run under the memory cap, measuring the largest process.
    capped: bool,
}

impl Case {
    fn new(shell: Shell, imds: Imds, mode: Option<&'static str>, expect: Expect) -> Case {
        Case {
            shell,
            imds,
            image: Image::Debian,
            mode,
            file: MetadataFile::Unset,
            env: Vec::new(),
            command: SHOW_HOST,
            expect,
            capped: false,
        }
    }

    fn name(&self) -> String {
        format!(
            "{:?} {:?} image={:?} mode={:?} file={} env={:?}",
            self.shell,
            self.imds,
            self.image,
            self.mode,
            self.file.label(),
            self.env.iter().map(|(k, _)| k).collect::<Vec<_>>()
        )
    }
}

/// The address a mock serves in a case: distinct per case so that an answer
/// can never be mistaken for another case's.
fn address(n: usize) -> String {
    format!("10.{}.{}.{}", 20 + n / 200, n % 200, 7 + n % 5)
}

/// What a run left behind for case-specific checks.
struct Outcome {
    run: support::Run,
    requests: Vec<support::Request>,
    /// The largest resident set of any process of a capped run, in KiB.
    peak_rss_kib: Option<u64>,
}

/// Runs a case and checks what every case must satisfy: the app ran, with
/// DD_AGENT_HOST as expected, the one stderr line when unset, in time.
fn exercise(case: &Case) -> Result<Outcome, String> {
    let ip = match &case.expect {
        Expect::Host(ip) => ip.clone(),
        Expect::Unset(_) => "10.99.99.99".to_owned(),
    };
    let mock = case.mode.map(|mode| Mock::start(mode, &ip));
    let base_url = mock
        .as_ref()
        .map_or_else(|| "http://127.0.0.1:9/latest/".to_owned(), Mock::base_url);
    let script = local_script(case.imds, case.command, &base_url);
    let toolbox = case.image.toolbox();
    let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
    let file = dir.path().join("ecs-metadata.json");
    let mut env = case.env.clone();
    match case.file {
        MetadataFile::Unset => {}
        MetadataFile::Existing(path) => env.push(("ECS_CONTAINER_METADATA_FILE", path.to_owned())),
        _ => env.push(("ECS_CONTAINER_METADATA_FILE", file.display().to_string())),
    }
    let writer = match case.file.clone() {
        MetadataFile::Unset | MetadataFile::Never | MetadataFile::Existing(_) => None,
        MetadataFile::Fifo => {
            let made = Command::new("mkfifo")
                .arg(&file)
                .status()
                .map_err(|e| e.to_string())?;
            if !made.success() {
                return Err(format!("mkfifo {} failed", file.display()));
            }
            None
        }
        MetadataFile::Now(content) => {
            write_atomically(&file, &content);
            None
        }
        MetadataFile::Later(first, after, then) => {
            if let Some(first) = first {
                write_atomically(&file, &first);
            }
            let file = file.clone();
            let (cancel, cancelled) = mpsc::channel::<()>();
            // A write due after the script gave up is cancelled rather than
            // waited for.
            let writer = thread::spawn(move || {
                if cancelled.recv_timeout(after) == Err(RecvTimeoutError::Timeout) {
                    write_atomically(&file, &then);
                }
            });
            Some((cancel, writer))
        }
    };
    let rss_file = dir.path().join("peak-rss");
    let command = if case.capped {
        support::capped_command(&case.shell.argv(&script), &rss_file)
    } else {
        case.shell.command(&script)
    };
    let run = run(command, toolbox.path(), &env, DEADLINE);
    let peak_rss_kib = case
        .capped
        .then(|| std::fs::read_to_string(&rss_file).ok())
        .flatten()
        .and_then(|text| text.trim().parse().ok());
    if let Some((cancel, writer)) = writer {
        drop(cancel);
        writer.join().map_err(|_| "metadata file writer panicked")?;
    }
    let requests = mock.as_ref().map(Mock::requests).unwrap_or_default();
    if run.timed_out {
        return Err(format!("still running after {DEADLINE:?}: {run:?}"));
    }
    if run.code() != Some(0) {
        return Err(format!("exit status {:?}: {run:?}", run.status));
    }
    if case.command == SHOW_HOST {
        let shown = match &case.expect {
            Expect::Host(ip) => ip.as_str(),
            Expect::Unset(_) => "<unset>",
        };
        if run.stdout != format!("host={shown}\n") {
            return Err(format!("expected host={shown}: {run:?}"));
        }
    }
    match &case.expect {
        Expect::Host(_) if !run.stderr.is_empty() => {
            return Err(format!("stderr is not empty: {run:?}"));
        }
        Expect::Host(_) => {}
        Expect::Unset(why) => {
            let lines = run.stderr_lines();
            let ok = lines.len() == 1
                && lines[0].starts_with("datadog: ")
                && lines[0].contains(why)
                && lines[0].ends_with("; starting without DD_AGENT_HOST");
            if !ok {
                return Err(format!("expected one stderr line about {why:?}: {run:?}"));
            }
            if run.elapsed > bound() {
                return Err(format!("app started after {:?}: {run:?}", run.elapsed));
            }
        }
    }
    if case.capped && peak_rss_kib.is_none() {
        return Err(format!("no peak RSS measured: {run:?}"));
    }
    Ok(Outcome {
        run,
        requests,
        peak_rss_kib,
    })
}

fn write_atomically(path: &Path, content: &str) {
    let tmp = path.with_extension("tmp");
    std::fs::write(&tmp, content).expect("write the metadata file");
    std::fs::rename(&tmp, path).expect("move the metadata file in place");
}

fn check(case: &Case) -> Result<(), String> {
    exercise(case).map(|_| ())
}

/// A metadata file as the ECS agent writes it once the container is running
/// (the documented example), with other addresses around the one we want.
fn metadata_json(host_ip: &str) -> serde_json::Value {
    json!({
        "Cluster": "default",
        "ContainerInstanceARN": "arn:aws:ecs:us-west-2:012345678910:container-instance/default/1f73d099-b914-411c-a9ff-81633b7741dd",
        "TaskARN": "arn:aws:ecs:us-west-2:012345678910:task/default/2b88376d-aba3-4950-9ddf-bcb0f388a40c",
        "TaskDefinitionFamily": "console-sample-app-static",
        "TaskDefinitionRevision": "1",
        "ContainerID": "aec2557997f4eed9b280c2efd7afccdcedfda4ac399f7480cae870cfc7e163fd",
        "ContainerName": "simple-app",
        "DockerContainerName": "/ecs-console-sample-app-static-1-simple-app-e4e8e495e8baa5de1a00",
        "ImageID": "sha256:2ae34abc2ed0a22e280d17e13f9c01aaf725688b09b7a1525d1a2750e2c0d1de",
        "ImageName": "httpd:2.4",
        "PortMappings": [
            {"ContainerPort": 80, "HostPort": 80, "BindIp": "0.0.0.0", "Protocol": "tcp"}
        ],
        "Networks": [
            {"NetworkMode": "bridge", "IPv4Addresses": ["172.17.0.2"]}
        ],
        "MetadataFileStatus": "READY",
        "AvailabilityZone": "us-west-2b",
        "HostPrivateIPv4Address": host_ip,
        "HostPublicIPv4Address": "203.0.113.7"
    })
}

/// The file as it is right after the container starts: no host address yet.
fn pending_metadata_json() -> String {
    let pending = json!({
        "Cluster": "default",
        "ContainerInstanceARN": "arn:aws:ecs:us-west-2:012345678910:container-instance/default/1f73d099-b914-411c-a9ff-81633b7741dd",
        "TaskARN": "arn:aws:ecs:us-west-2:012345678910:task/default/2b88376d-aba3-4950-9ddf-bcb0f388a40c",
        "ContainerName": "simple-app",
        "MetadataFileStatus": "PENDING"
    });
    serde_json::to_string_pretty(&pending).expect("JSON value serializes")
}

fn pretty(value: &serde_json::Value) -> String {
    serde_json::to_string_pretty(value).expect("JSON value serializes")
}

#[test]
fn each_source_exports_the_hosts_address_in_debian_and_alpine_images() {
    let mut cases = Vec::new();
    for shell in Shell::available() {
        for image in Image::available(&[Image::Debian, Image::Alpine]) {
            let sources = [
                (Imds::V1, Some("v1"), MetadataFile::Unset),
                // IMDSv1 still works where tokens are optional (EC2's default).
                (Imds::V1, Some("v2"), MetadataFile::Unset),
                (Imds::V2, Some("v2"), MetadataFile::Unset),
                (Imds::V2, Some("v2-only"), MetadataFile::Unset),
                (Imds::MetadataFile, None, MetadataFile::Unset),
            ];
            for (imds, mode, file) in sources {
                let ip = address(cases.len());
                let file = match (imds, file) {
                    (Imds::MetadataFile, _) => MetadataFile::Now(pretty(&metadata_json(&ip))),
                    (_, file) => file,
                };
                cases.push(Case {
                    image,
                    file,
                    // A simple command, so it is exec'ed: env shows what the
                    // app really inherits.
                    command: "env",
                    ..Case::new(shell, imds, mode, Expect::Host(ip))
                });
            }
        }
    }
    run_all(&cases, Case::name, |case| {
        let outcome = exercise(case)?;
        let Expect::Host(ip) = &case.expect else {
            unreachable!("every case here expects an address")
        };
        let env: Vec<&str> = outcome.run.stdout.lines().collect();
        if !env.contains(&format!("DD_AGENT_HOST={ip}").as_str()) {
            return Err(format!("DD_AGENT_HOST={ip} not exported: {env:?}"));
        }
        if let Some(leak) = env.iter().find(|line| line.starts_with("dd_")) {
            return Err(format!(
                "the script's own variable {leak:?} reached the app"
            ));
        }
        check_requests(case.imds, &outcome.requests)
    });
}

/// IMDSv2 must be asked for a token with the 6-hour TTL and then asked for
/// the address with that token; IMDSv1 must be asked once, with no token.
fn check_requests(imds: Imds, requests: &[support::Request]) -> Result<(), String> {
    let shape: Vec<(&str, &str)> = requests
        .iter()
        .map(|r| (r.method.as_str(), r.path.as_str()))
        .collect();
    let address = ("GET", "/latest/meta-data/local-ipv4");
    match imds {
        Imds::Auto => {}
        Imds::MetadataFile => {
            if !requests.is_empty() {
                return Err(format!("metadata-file source called IMDS: {shape:?}"));
            }
        }
        Imds::V1 => {
            if shape != [address] || requests[0].headers.contains_key("x-aws-ec2-metadata-token") {
                return Err(format!("expected one token-less GET: {requests:?}"));
            }
        }
        Imds::V2 => {
            if shape != [("PUT", "/latest/api/token"), address] {
                return Err(format!("expected PUT token then GET: {shape:?}"));
            }
            let ttl = requests[0]
                .headers
                .get("x-aws-ec2-metadata-token-ttl-seconds");
            let token = requests[1].headers.get("x-aws-ec2-metadata-token");
            if ttl.map(String::as_str) != Some("21600") {
                return Err(format!("token TTL header is {ttl:?}, not 21600"));
            }
            if token.is_none_or(|t| t.len() < 20) {
                return Err(format!("no token sent with the GET: {requests:?}"));
            }
        }
    }
    if let Some(r) = requests
        .iter()
        .find(|r| r.headers.contains_key("x-forwarded-for"))
    {
        return Err(format!("request went through a proxy: {r:?}"));
    }
    Ok(())
}

#[test]
fn error_pages_and_garbage_never_become_the_address() {
    let mut cases = Vec::new();
    for shell in Shell::available() {
        for (imds, mode) in [
            // An IMDSv2-only instance answers v1 with a 401 HTML page.
            (Imds::V1, "v2-only"),
            (Imds::V1, "garbage"),
            (Imds::V1, "html200"),
            (Imds::V2, "garbage"),
            (Imds::V2, "html200"),
            // No token endpoint: a 404 HTML page, then no token to send.
            (Imds::V2, "v1"),
        ] {
            cases.push(Case::new(
                shell,
                imds,
                Some(mode),
                Expect::Unset("gave no IPv4 address within"),
            ));
        }
        let garbage = [
            "",
            "10.0.0.1; echo pwned",
            "10.0.0.256",
            "10.0.0",
            "10.0.0.1.5",
            "<html>401</html>",
            "$(echo 10.0.0.1)",
        ];
        for value in garbage {
            let content = format!("{{\"HostPrivateIPv4Address\": \"{value}\"}}");
            cases.push(Case {
                file: MetadataFile::Now(content),
                ..Case::new(
                    shell,
                    Imds::MetadataFile,
                    None,
                    Expect::Unset("no HostPrivateIPv4Address in"),
                )
            });
        }
    }
    run_all(&cases, Case::name, |case| {
        let outcome = exercise(case)?;
        let stdout = &outcome.run.stdout;
        if stdout.contains("pwned") || (stdout.contains('<') && stdout != "host=<unset>\n") {
            return Err(format!("an answer leaked: {stdout:?}"));
        }
        Ok(())
    });
}

#[test]
fn an_unreachable_imds_delays_the_app_by_at_most_the_bound() {
    let mut cases = Vec::new();
    for shell in Shell::available() {
        for imds in [Imds::V1, Imds::V2] {
            for mode in ["down-after-start", "hang", "slow:8"] {
                cases.push(Case::new(
                    shell,
                    imds,
                    Some(mode),
                    Expect::Unset("gave no IPv4 address within"),
                ));
            }
        }
        // IMDSv2 with hop limit 1: the token answer never reaches the container.
        cases.push(Case::new(
            shell,
            Imds::V2,
            Some("hop-limit-1"),
            Expect::Unset("is the instance metadata hop limit 2?"),
        ));
        // A value left in the task definition is not an address from IMDS.
        cases.push(Case {
            env: vec![("DD_AGENT_HOST", "10.0.0.99".to_owned())],
            ..Case::new(
                shell,
                Imds::V2,
                Some("down-after-start"),
                Expect::Unset("gave no IPv4 address within"),
            )
        });
        // Slow, but within what the script waits for: still an address.
        for imds in [Imds::V1, Imds::V2] {
            let ip = address(cases.len());
            cases.push(Case::new(shell, imds, Some("slow:0.2"), Expect::Host(ip)));
        }
    }
    run_all(&cases, Case::name, check);
}

#[test]
fn the_metadata_file_is_awaited_and_read_without_jq() {
    let mut cases = Vec::new();
    for shell in Shell::available() {
        for image in Image::available(&[Image::Debian, Image::Alpine, Image::AlpineWithoutCurl]) {
            let ip = address(cases.len());
            let mut push = |file: MetadataFile, expect: Expect| {
                cases.push(Case {
                    image,
                    file,
                    ..Case::new(shell, Imds::MetadataFile, None, expect)
                });
            };
            let full = metadata_json(&ip);
            push(MetadataFile::Now(pretty(&full)), Expect::Host(ip.clone()));
            push(
                MetadataFile::Now(full.to_string()),
                Expect::Host(ip.clone()),
            );
            push(
                MetadataFile::Later(None, Duration::from_secs(2), full.to_string()),
                Expect::Host(ip.clone()),
            );
            push(
                MetadataFile::Later(
                    Some(pending_metadata_json()),
                    Duration::from_secs(2),
                    pretty(&full),
                ),
                Expect::Host(ip.clone()),
            );
            push(
                MetadataFile::Never,
                Expect::Unset("no HostPrivateIPv4Address in /"),
            );
            push(
                MetadataFile::Later(
                    Some(pending_metadata_json()),
                    TEST_GIVE_UP.bound() + Duration::from_secs(2),
                    pretty(&full),
                ),
                Expect::Unset("no HostPrivateIPv4Address in /"),
            );
            push(
                MetadataFile::Unset,
                Expect::Unset("ECS_CONTAINER_METADATA_FILE is not set"),
            );
        }
    }
    run_all(&cases, Case::name, |case| {
        let outcome = exercise(case)?;
        let elapsed = outcome.run.elapsed;
        match &case.file {
            // It must have waited for the file, not found it by luck.
            MetadataFile::Later(_, after, _)
                if matches!(case.expect, Expect::Host(_)) && elapsed < *after =>
            {
                return Err(format!("done after {elapsed:?}, before the file was ready"));
            }
            // Nothing to wait for when the variable is not even set.
            MetadataFile::Unset if elapsed > Duration::from_secs(1) => {
                return Err(format!("waited {elapsed:?} for nothing"));
            }
            _ => {}
        }
        Ok(())
    });
}

#[test]
fn without_curl_the_app_starts_at_once_and_says_why() {
    let mut cases = Vec::new();
    for shell in Shell::available() {
        for image in Image::available(&[Image::DebianWithoutCurl, Image::AlpineWithoutCurl]) {
            for imds in [Imds::V1, Imds::V2] {
                cases.push(Case {
                    image,
                    ..Case::new(
                        shell,
                        imds,
                        Some("v2"),
                        Expect::Unset("curl is not installed"),
                    )
                });
            }
        }
    }
    run_all(&cases, Case::name, |case| {
        let outcome = exercise(case)?;
        if outcome.run.elapsed > Duration::from_secs(1) {
            return Err(format!("waited {:?} without curl", outcome.run.elapsed));
        }
        if !outcome.requests.is_empty() {
            return Err(format!("something reached IMDS: {:?}", outcome.requests));
        }
        Ok(())
    });
}

/// Real IMDS is link-local and must never be asked through a proxy: an
/// image that sets http_proxy for its own traffic must still get an address.
#[test]
fn proxy_variables_do_not_reach_imds() {
    if !have("curl", "curl") {
        return;
    }
    let refusing = Mock::start("down-after-start", "10.1.2.3");
    let dead_proxy = format!("http://127.0.0.1:{}", refusing.port);
    // The test means something only if curl would otherwise use the proxy.
    let mock = Mock::start("v1", "10.1.2.3");
    let plain = Command::new("curl")
        .args(["-fs", "--max-time", "2"])
        .arg(format!("{}meta-data/local-ipv4", mock.base_url()))
        .env("http_proxy", &dead_proxy)
        .output()
        .expect("run curl");
    assert!(
        !plain.status.success(),
        "curl ignored http_proxy={dead_proxy}, so this test cannot fail"
    );

    let env: Vec<(&str, String)> = [
        "http_proxy",
        "HTTP_PROXY",
        "https_proxy",
        "HTTPS_PROXY",
        "all_proxy",
        "ALL_PROXY",
    ]
    .into_iter()
    .map(|name| (name, dead_proxy.clone()))
    .collect();
    let mut cases = Vec::new();
    for shell in Shell::available() {
        for (imds, mode) in [(Imds::V1, "v2"), (Imds::V2, "v2-only")] {
            let ip = address(cases.len());
            cases.push(Case {
                env: env.clone(),
                ..Case::new(shell, imds, Some(mode), Expect::Host(ip))
            });
        }
    }
    run_all(&cases, Case::name, |case| {
        let outcome = exercise(case)?;
        check_requests(case.imds, &outcome.requests)
    });
}

/// A ~/.curlrc in the image is for the app's own curl calls: options such as
/// `include` (headers in the output) must not reach the IMDS requests.
#[test]
fn a_curlrc_in_the_image_is_ignored() {
    let home = tempfile::tempdir().expect("temp dir for HOME");
    std::fs::write(
        home.path().join(".curlrc"),
        "include\nwrite-out = \"\\n%{http_code}\"\nfail-with-body\n",
    )
    .expect("write .curlrc");
    let env = vec![("HOME", home.path().display().to_string())];
    let mut cases = Vec::new();
    for shell in Shell::available() {
        for (imds, mode) in [(Imds::V1, "v1"), (Imds::V2, "v2-only")] {
            let ip = address(cases.len());
            cases.push(Case {
                env: env.clone(),
                ..Case::new(shell, imds, Some(mode), Expect::Host(ip))
            });
        }
    }
    run_all(&cases, Case::name, check);
}

/// Startup commands that are themselves clean for shellcheck, so that any
/// finding is about the generated part.
const SHELLCHECK_COMMANDS: &[&str] = &[
    "python app.py",
    "FOO=1 BAR='a b' exec-me --flag=\"$HOME\" 2>&1",
    "java \"-Dx=a 'b' \\$c \\\\d\" -jar app.jar é",
    "java -Dmsg='it'\\''s \"ok\"' -jar app.jar 'ünï cödé' \\$",
    "cd /app && ./run --port 8080",
    "if [ -f /app/pre.sh ]; then sh /app/pre.sh; fi\nexec node server.js",
    SHOW_HOST,
];

#[test]
fn scripts_are_shellcheck_clean() {
    if !have("shellcheck", "shellcheck") {
        return;
    }
    // Each command alone first: a finding must be about the generated part.
    let mut scripts: Vec<(String, String)> = SHELLCHECK_COMMANDS
        .iter()
        .map(|command| (format!("{command:?} alone"), (*command).to_owned()))
        .collect();
    for command in SHELLCHECK_COMMANDS {
        for imds in Imds::ALL {
            scripts.push((
                format!("{imds:?} with {command:?}"),
                build_script(imds, command),
            ));
        }
    }
    run_all(
        &scripts,
        |(name, _)| name.clone(),
        |(_, script)| match shellcheck(script) {
            findings if findings.is_empty() => Ok(()),
            findings => Err(findings),
        },
    );
}

fn shellcheck(script: &str) -> String {
    let mut child = Command::new("shellcheck")
        .args(["--shell=sh", "--norc", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("run shellcheck");
    let mut stdin = child.stdin.take().expect("piped stdin");
    std::io::Write::write_all(&mut stdin, script.as_bytes()).expect("feed shellcheck");
    drop(stdin);
    let out = child.wait_with_output().expect("wait for shellcheck");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The exact shipped script, unchanged, against a mock listening on
/// 169.254.169.254:80 in a private network namespace, with dead proxies set.
#[test]
fn the_shipped_script_reaches_169_254_169_254() {
    if !can_unshare_network() {
        return;
    }
    let shells = Shell::available();
    let toolbox = Toolbox::debian();
    let dir = tempfile::tempdir().expect("temp dir");
    let mut cases = Vec::new();
    for shell in &shells {
        for (imds, mode) in [(Imds::V1, "v2"), (Imds::V2, "v2-only"), (Imds::Auto, "v1")] {
            cases.push((*shell, imds, mode));
        }
    }
    // The trap stops a mock left behind by a failing step: it would keep the
    // namespace, and the test, alive.
    let mut driver = String::from(
        "set -eu\nmock=\ntrap '[ -z \"$mock\" ] || kill \"$mock\" 2>/dev/null' EXIT\n\
         ip link set lo up\nip addr add 169.254.169.254/32 dev lo\n",
    );
    for (n, (shell, imds, mode)) in cases.iter().enumerate() {
        let argv = shell.argv(&build_script(*imds, SHOW_HOST));
        let log = dir.path().join(format!("{n}.log"));
        let ready = dir.path().join(format!("{n}.ready"));
        let mock = shell::join(&[
            python3().display().to_string(),
            support::MOCK_IMDS.to_owned(),
            "--bind".to_owned(),
            "169.254.169.254".to_owned(),
            "--port".to_owned(),
            "80".to_owned(),
            "--mode".to_owned(),
            (*mode).to_owned(),
            "--ip".to_owned(),
            "10.200.0.1".to_owned(),
            "--log".to_owned(),
            log.display().to_string(),
        ]);
        let ready = shell::quote(&ready.display().to_string());
        driver.push_str(&format!(
            "{mock} >{ready} &\nmock=$!\n\
             n=0; until [ -s {ready} ]; do n=$((n+1)); [ $n -lt 200 ]; sleep 0.05; done\n\
             printf '%s\\n' '--- {n}'\n\
             PATH={path} http_proxy=http://127.0.0.1:9 all_proxy=http://127.0.0.1:9 {argv} || echo \"status $?\"\n\
             kill $mock; wait $mock || true; mock=\n",
            path = shell::quote(&toolbox.path().display().to_string()),
            argv = shell::join(&argv),
        ));
    }
    let out = Command::new("unshare")
        .args(["--net", "sh", "-c", &driver])
        .stdin(Stdio::null())
        .output()
        .expect("run unshare");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{out:?}");
    let expected: String = (0..cases.len())
        .map(|n| format!("--- {n}\nhost=10.200.0.1\n"))
        .collect();
    assert_eq!(
        stdout,
        expected,
        "stderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    for (n, (shell, imds, _)) in cases.iter().enumerate() {
        let text = std::fs::read_to_string(dir.path().join(format!("{n}.log"))).expect("mock log");
        let has = |needle: &str| text.contains(needle);
        assert!(
            has("\"Host\": \"169.254.169.254\""),
            "{shell:?} {imds:?}: {text}"
        );
        if *imds == Imds::V2 {
            assert!(
                has("\"X-aws-ec2-metadata-token-ttl-seconds\": \"21600\"")
                    && has("\"X-aws-ec2-metadata-token\": "),
                "{shell:?}: {text}"
            );
        }
    }
}

fn can_unshare_network() -> bool {
    have("ip", "iproute2") && can_unshare(&["--net"])
}

// ------------------------------------------------------------ hostile input

/// The most memory any process of a hostile run may hold: curl with its TLS
/// libraries is about 11 MiB; a shell holding a 40 MB answer would be far
/// above this.
const PEAK_RSS_KIB: u64 = 40 * 1024;

/// What every hostile case must show besides `exercise`'s checks: the app
/// started within the bound, nothing hit argv ("Argument list too long"
/// would be a second stderr line, which `exercise` refuses), and the
/// largest process stayed small under the memory cap.
fn check_hostile(case: &Case, outcome: &Outcome) -> Result<(), String> {
    let elapsed = outcome.run.elapsed;
    let rss = outcome.peak_rss_kib.unwrap_or_default();
    // The figures the README quotes: `cargo test --test entrypoint_shell
    // hostile -- --nocapture`.
    eprintln!(
        "figure: {} -> app after {:.2} s, largest process {} KiB",
        case.name(),
        elapsed.as_secs_f64(),
        rss
    );
    if elapsed > bound() {
        return Err(format!("app started after {elapsed:?}"));
    }
    if rss > PEAK_RSS_KIB {
        return Err(format!("a process of the script reached {rss} KiB"));
    }
    Ok(())
}

/// The answers of the adversarial pass, from an IMDS that is hostile or
/// broken, each under a memory cap: a 40 MB address streamed without a
/// length, a 301 whose body is an address, a zero-padded address, an answer
/// cut short by the timeout whose prefix is an address, a 4 MB token and a
/// token with a header line in it.
#[test]
fn hostile_imds_answers_never_become_the_address_or_hold_up_the_app() {
    if !have("prlimit", "util-linux") {
        return;
    }
    let mut cases = Vec::new();
    // Every source reads IMDS through the same request function, so each
    // hostile answer is tried on one source or two, and the 40 MB one on all.
    let unset = || Expect::Unset("IPv4 address within");
    for shell in Shell::available() {
        for image in Image::available(&[Image::Debian, Image::Alpine]) {
            let mut push = |imds: Imds, mode: &'static str, expect: Option<Expect>| {
                let expect = expect.unwrap_or_else(|| Expect::Host(address(cases.len())));
                cases.push(Case {
                    image,
                    capped: true,
                    ..Case::new(shell, imds, Some(mode), expect)
                });
            };
            for imds in [Imds::V1, Imds::V2, Imds::Auto] {
                push(imds, "huge:40000000", Some(unset()));
            }
            push(Imds::V1, "redirect", Some(unset()));
            push(Imds::V2, "leading-zeros", Some(unset()));
            push(Imds::Auto, "trickle", Some(unset()));
            for mode in ["huge-token:4000000", "crlf-token"] {
                push(Imds::V2, mode, Some(unset()));
                // auto then asks IMDSv1, which this IMDS answers.
                push(Imds::Auto, mode, None);
            }
        }
    }
    run_all(&cases, Case::name, |case| {
        let outcome = exercise(case)?;
        check_hostile(case, &outcome)?;
        // A refused token is never sent, so it can add no header.
        let sent_token = outcome.requests.iter().find(|r| {
            r.headers.contains_key("x-injected")
                || r.headers.contains_key("x-aws-ec2-metadata-token")
        });
        match sent_token {
            Some(r) if case.mode.is_some_and(|m| m.contains("token")) => {
                Err(format!("the refused token was sent: {r:?}"))
            }
            _ => Ok(()),
        }
    });
}

/// A metadata file from a hostile or broken host: only a regular file is
/// read, only its first 64 KiB, and only the first HostPrivateIPv4Address.
#[test]
fn hostile_metadata_files_are_read_only_as_far_as_needed() {
    if !have("prlimit", "util-linux") {
        return;
    }
    let entry = |value: &str| format!("\"HostPrivateIPv4Address\": \"{value}\"");
    let huge = "1.".repeat(20_000_000);
    let mut cases = Vec::new();
    for shell in Shell::available() {
        for imds in [Imds::MetadataFile, Imds::Auto] {
            // auto's IMDS refuses at once, so that only the file can answer.
            let mode = (imds == Imds::Auto).then_some("down-after-start");
            let unset = Expect::Unset("no HostPrivateIPv4Address in");
            let ip = address(cases.len());
            let files = [
                (format!("{{{}}}", entry(&huge)), unset.clone()),
                (
                    format!("{{{}, \"Junk\": \"{huge}\"}}", entry(&ip)),
                    Expect::Host(ip.clone()),
                ),
                // Past the first 64 KiB: never read.
                (
                    format!("{{\"Pad\": \"{}\",\n{}}}", " ".repeat(70_000), entry(&ip)),
                    unset.clone(),
                ),
                (format!("{{{}}}", entry("010.000.000.001")), unset.clone()),
                (format!("{{{}}}", entry(&format!("{ip}\r"))), unset.clone()),
                // The first one wins, nested or not, on one line or many.
                (
                    format!(
                        "{{\"Labels\": {{{}}}, {}}}",
                        entry(&ip),
                        entry("10.66.66.66")
                    ),
                    Expect::Host(ip.clone()),
                ),
                (
                    format!("{{\n  {},\n  {}\n}}", entry(&ip), entry("10.66.66.66")),
                    Expect::Host(ip.clone()),
                ),
            ];
            for (content, expect) in files {
                cases.push(Case {
                    file: MetadataFile::Now(content),
                    capped: true,
                    ..Case::new(shell, imds, mode, expect)
                });
            }
            for file in [
                MetadataFile::Fifo,
                MetadataFile::Existing("/dev/zero"),
                MetadataFile::Existing("/dev/urandom"),
            ] {
                cases.push(Case {
                    file,
                    capped: true,
                    ..Case::new(shell, imds, mode, unset.clone())
                });
            }
        }
    }
    run_all(&cases, Case::name, |case| {
        let outcome = exercise(case)?;
        check_hostile(case, &outcome)
    });
}

/// Item 8 of the adversarial pass: with CMD=cd, `$CMD /` works under
/// `sh -c`; `exec $CMD /` would fail with "exec: cd: not found".
#[test]
fn a_command_named_by_an_expansion_is_not_execed() {
    let mut cases = Vec::new();
    for shell in Shell::available() {
        let ip = address(cases.len());
        cases.push(Case {
            env: vec![("CMD", "cd".to_owned())],
            command: "$CMD /",
            ..Case::new(shell, Imds::V2, Some("v2"), Expect::Host(ip))
        });
    }
    run_all(&cases, Case::name, check);
}

// -------------------------------------------------------------- imds auto

/// `--imds auto`: the metadata file when ECS names one, else IMDSv2, else
/// IMDSv1, within the same bound as every other source.
#[test]
fn auto_takes_the_file_then_imdsv2_then_imdsv1() {
    #[derive(Debug, Clone, Copy)]
    enum Asked {
        Nothing,
        TokenThenAddress,
        RefusedTokenThenAddressWithout,
        Anything,
    }
    let mut cases: Vec<(Case, Asked, Option<Duration>)> = Vec::new();
    for shell in Shell::available() {
        for image in Image::available(&[Image::Debian, Image::Alpine]) {
            let mut push = |file: MetadataFile,
                            mode: Option<&'static str>,
                            expect: Option<Expect>,
                            asked: Asked,
                            not_before: Option<Duration>| {
                let expect = expect.unwrap_or_else(|| Expect::Host(address(cases.len())));
                let case = Case {
                    image,
                    file,
                    ..Case::new(shell, Imds::Auto, mode, expect)
                };
                cases.push((case, asked, not_before));
            };
            // File ready: IMDS, which would answer too, is not asked.
            push(
                MetadataFile::Now(String::new()),
                Some("v2"),
                None,
                Asked::Nothing,
                None,
            );
            // File late, IMDS down: the file is waited for.
            let late = Duration::from_millis(1500);
            for first in [None, Some(pending_metadata_json())] {
                push(
                    MetadataFile::Later(first, late, String::new()),
                    Some("down-after-start"),
                    None,
                    Asked::Anything,
                    Some(late),
                );
            }
            // No file: IMDSv2 where it is required, IMDSv1 where there is
            // no token endpoint.
            push(
                MetadataFile::Unset,
                Some("v2-only"),
                None,
                Asked::TokenThenAddress,
                None,
            );
            push(
                MetadataFile::Unset,
                Some("v1"),
                None,
                Asked::RefusedTokenThenAddressWithout,
                None,
            );
            // A file that never comes: IMDS after two steps of the bound.
            push(
                MetadataFile::Never,
                Some("v2-only"),
                None,
                Asked::TokenThenAddress,
                Some(TEST_GIVE_UP.steps(2)),
            );
            // All down.
            let nothing = "ECS_CONTAINER_METADATA_FILE is not set; neither IMDSv2 nor IMDSv1";
            let never = "no HostPrivateIPv4Address in /";
            for (file, mode, why) in [
                (MetadataFile::Unset, "hang", nothing),
                (MetadataFile::Unset, "down-after-start", nothing),
                (MetadataFile::Unset, "hop-limit-1", nothing),
                (MetadataFile::Never, "hang", never),
                (MetadataFile::Never, "down-after-start", never),
            ] {
                push(
                    file,
                    Some(mode),
                    Some(Expect::Unset(why)),
                    Asked::Anything,
                    None,
                );
            }
        }
    }
    // The files get their content now that each case's address is known.
    for (case, _, _) in &mut cases {
        if let Expect::Host(ip) = &case.expect {
            match &mut case.file {
                MetadataFile::Now(content) | MetadataFile::Later(_, _, content) => {
                    *content = pretty(&metadata_json(ip));
                }
                _ => {}
            }
        }
    }
    run_all(
        &cases,
        |(case, _, _)| case.name(),
        |(case, asked, not_before)| {
            let outcome = exercise(case)?;
            let elapsed = outcome.run.elapsed;
            eprintln!(
                "figure: {} -> app after {:.2} s",
                case.name(),
                elapsed.as_secs_f64()
            );
            if elapsed > bound() {
                return Err(format!("app started after {elapsed:?}"));
            }
            if not_before.is_some_and(|at| elapsed < at) {
                return Err(format!("done after {elapsed:?}, before {not_before:?}"));
            }
            let shape: Vec<(&str, &str, bool)> = outcome
                .requests
                .iter()
                .map(|r| {
                    let token = r.headers.contains_key("x-aws-ec2-metadata-token");
                    (r.method.as_str(), r.path.as_str(), token)
                })
                .collect();
            let put = ("PUT", "/latest/api/token", false);
            let expected: &[(&str, &str, bool)] = match asked {
                Asked::Nothing => &[],
                Asked::TokenThenAddress => &[put, ("GET", "/latest/meta-data/local-ipv4", true)],
                Asked::RefusedTokenThenAddressWithout => {
                    &[put, ("GET", "/latest/meta-data/local-ipv4", false)]
                }
                Asked::Anything => return Ok(()),
            };
            if shape != expected {
                return Err(format!("asked {shape:?}, expected {expected:?}"));
            }
            Ok(())
        },
    );
}
