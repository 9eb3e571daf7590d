//! One delivery case, end to end: generate the task definition, build the
//! app's image and the task's volumes, start the sandbox with the intake
//! where the generated agent listens (and the mock IMDS where EC2 has it),
//! start the app exactly as the generated container says, hit it once, and
//! collect what reached the intake.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::os::unix::net::UnixListener;
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Stdio};
use std::sync::OnceLock;
use std::thread;
use std::time::{Duration, Instant};

use super::apps::{self, Lang, APP_PORT};
use super::intake::{Intake, Span, SETTLE};
use super::runtimes;
use super::sandbox::{Layout, Sandbox, Volume};
use super::taskdef::{generate, Container, TaskDef, WIZARD};

/// What the user answered for unified service tagging.
pub const SERVICE: &str = "checkout";
pub const ENV: &str = "delivery-test";
pub const VERSION: &str = "1.2.3";

/// The EC2 host's private IP in the sandbox, which the IMDS mock (or the
/// ECS metadata file) gives out and the intake listens on.
const HOST_IP: &str = "10.199.0.7";
const IMDS_IP: &str = "169.254.169.254";

/// How long one run may take before it counts as hung: generous, since
/// python with ddtrace starts in about a second alone but the suite shares
/// two cores.
const DEADLINE: Duration = Duration::from_secs(60);

const MOCK_IMDS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/support/mock_imds.py");

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Imds {
    V2,
    V1,
    MetadataFile,
    Auto,
}

impl Imds {
    fn flag(self) -> &'static str {
        match self {
            Imds::V2 => "v2",
            Imds::V1 => "v1",
            Imds::MetadataFile => "metadata-file",
            Imds::Auto => "auto",
        }
    }

    /// The mock's mode: the strictest service each source must cope with.
    /// IMDSv2 required for v2; IMDSv1 only (no token endpoint) for v1 and
    /// for auto, which must fall back to it; none at all for the metadata
    /// file, which must not need IMDS.
    fn mock_mode(self) -> Option<&'static str> {
        match self {
            Imds::V2 => Some("v2-only"),
            Imds::V1 | Imds::Auto => Some("v1"),
            Imds::MetadataFile => None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Launch {
    Ec2,
    Fargate,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Transport {
    Tcp(Option<Imds>),
    Uds,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tracer {
    /// The image has the tracer and starts it (today's generate).
    Present,
    /// The image has none; the init container's volume brings it.
    Inject,
}

#[derive(Debug, Clone, Copy)]
pub struct Case {
    pub lang: Lang,
    pub launch: Launch,
    pub transport: Transport,
    pub tracer: Tracer,
}

/// One change to the generated app container: the companion runs that show
/// a case can fail remove a piece; the others set a tracer option.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    Nothing,
    /// Remove this variable from the environment.
    DropVar(&'static str),
    /// Remove the mount of this containerPath.
    DropMount(&'static str),
    /// Remove the mount of the init container's library volume.
    DropLibraryMount,
    /// Remove the entryPoint (and command): the image's CMD runs as before
    /// ddecs-wizard, without the script that sets DD_AGENT_HOST.
    DropEntryPoint,
    /// Add (or replace) this variable.
    SetVar(&'static str, &'static str),
}

impl Case {
    pub fn name(&self) -> String {
        let transport = match self.transport {
            Transport::Tcp(Some(imds)) => format!("tcp imds={}", imds.flag()),
            Transport::Tcp(None) => "tcp".to_owned(),
            Transport::Uds => "uds".to_owned(),
        };
        format!(
            "{} {:?} {} {:?}",
            self.lang.flag(),
            self.launch,
            transport,
            self.tracer
        )
        .to_lowercase()
    }

    fn generate_args(&self) -> Vec<String> {
        let mut args: Vec<String> = [
            "--launch-type",
            match self.launch {
                Launch::Ec2 => "ec2",
                Launch::Fargate => "fargate",
            },
            "--transport",
            match self.transport {
                Transport::Tcp(_) => "tcp",
                Transport::Uds => "uds",
            },
            "--language",
            self.lang.flag(),
            "--service",
            SERVICE,
            "--env",
            ENV,
            "--service-version",
            VERSION,
        ]
        .map(str::to_owned)
        .to_vec();
        if let Transport::Tcp(Some(imds)) = self.transport {
            args.extend(["--imds".to_owned(), imds.flag().to_owned()]);
            // Only the entryPoint script takes a start command.
            let start = self.lang.start_command(self.tracer == Tracer::Present);
            args.extend(["--startup-command".to_owned(), start.to_owned()]);
        }
        if tracer_flag_accepted() {
            let mode = match self.tracer {
                Tracer::Present => "present",
                Tracer::Inject => "inject",
            };
            args.extend(["--tracer".to_owned(), mode.to_owned()]);
        }
        args
    }
}

/// Whether `generate` takes `--tracer` yet (issue 16): until it does, the
/// inject cases skip with a note and the present cases run against today's
/// behaviour, which is `present`.
pub fn tracer_flag_accepted() -> bool {
    static ACCEPTED: OnceLock<bool> = OnceLock::new();
    *ACCEPTED.get_or_init(|| {
        std::process::Command::new(WIZARD)
            .args([
                "generate",
                "--tracer",
                "present",
                "--output",
                "app-container",
            ])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|status| status.success())
    })
}

/// The generated JSON of a case.
#[derive(Debug, Clone)]
pub struct Generated {
    /// `--output app-container`
    pub app: Container,
    /// `--output app-task-definition`
    pub task: TaskDef,
    /// The task definition with the agent: the daemon's on EC2, the app's
    /// own on Fargate.
    pub agent_task: TaskDef,
}

impl Generated {
    pub fn of(case: &Case) -> Generated {
        let args = case.generate_args();
        let app = Container::from_json(&generate(&args, "app-container"));
        let task = TaskDef::from_json(&generate(&args, "app-task-definition"));
        let in_task = task
            .container(&app.name)
            .unwrap_or_else(|| panic!("no container {:?} in the app task definition", app.name));
        assert_eq!(
            format!("{in_task:?}"),
            format!("{app:?}"),
            "app-container differs from the app in app-task-definition"
        );
        let agent_task = match case.launch {
            Launch::Ec2 => TaskDef::from_json(&generate(&args, "agent-task-definition")),
            Launch::Fargate => task.clone(),
        };
        Generated {
            app,
            task,
            agent_task,
        }
    }

    /// The init container that copies the tracer (`dd-lib-<lang>-init`).
    pub fn init_container(&self) -> Option<&Container> {
        self.task
            .containers
            .iter()
            .find(|c| c.image.contains("/dd-lib-") && c.image.contains("-init"))
    }
}

/// Where the agent takes traces, read from its generated container.
#[derive(Debug, Clone)]
enum Endpoint {
    Tcp {
        address: &'static str,
        port: u16,
    },
    /// The socket, on the emulated host.
    Unix {
        host_path: PathBuf,
    },
}

/// What one run produced.
#[derive(Debug)]
pub struct Outcome {
    pub lang: Lang,
    pub spans: Vec<Span>,
    /// When the app process was started.
    pub started: Instant,
    /// When the app first accepted a connection, if it did.
    pub listening: Option<Instant>,
    /// The app's answer to the one request.
    pub answer: Option<String>,
    pub exited: Option<std::process::ExitStatus>,
    /// When the app was seen to exit, if it did.
    pub ended: Option<Instant>,
    pub stdout: String,
    pub stderr: String,
    /// Everything the intake saw, for failure messages.
    pub intake: String,
    pub argv: Vec<String>,
}

/// The request's root span among `spans`, with the user's answers on it.
fn root_span(lang: Lang, spans: &[Span]) -> Option<&Span> {
    let name = match lang {
        Lang::Python => apps::PYTHON_SPAN,
        Lang::Node => "web.request",
    };
    spans.iter().find(|span| {
        span.parent_id == 0
            && span.name == name
            && span.service == SERVICE
            && span.tag("env") == Some(ENV)
            && span.tag("version") == Some(VERSION)
    })
}

impl Outcome {
    /// The request's root span, with the user's answers on it: the app's
    /// own span in Python, dd-trace's http server span in Node.js.
    pub fn delivered(&self) -> Option<&Span> {
        root_span(self.lang, &self.spans)
    }

    pub fn answered(&self) -> bool {
        self.answer
            .as_deref()
            .is_some_and(|answer| answer.starts_with("HTTP/1.") && answer.contains(" 200 "))
    }

    /// Seconds from the app's start to its exit, if it exited.
    pub fn seconds_to_exit(&self) -> Option<f64> {
        self.ended
            .map(|at| at.duration_since(self.started).as_secs_f64())
    }

    /// Seconds from the app's start to the span's arrival.
    pub fn seconds_to_span(&self, span: &Span) -> f64 {
        span.received.duration_since(self.started).as_secs_f64()
    }

    pub fn report(&self) -> String {
        format!(
            "argv: {:?}\nanswer: {:?}\nexit: {:?}\nstdout: {}\nstderr: {}\nintake: {}",
            self.argv
                .iter()
                .map(|a| a.chars().take(120).collect::<String>())
                .collect::<Vec<_>>(),
            self.answer,
            self.exited,
            self.stdout,
            self.stderr,
            self.intake
        )
    }
}

/// Runs `case` with `change` made to the generated app container.
pub fn run(case: &Case, change: Change) -> Outcome {
    let generated = Generated::of(case);
    let dir = tempfile::tempdir().expect("temp dir for the case");
    let image = apps::image(case.lang, case.tracer == Tracer::Present, dir.path());
    let app = broken(&generated, change);

    // The task's volumes on this emulated instance, and the library the
    // init container copies into its volume before the app may start.
    let volume_dir = |task: &TaskDef, name: &str| -> PathBuf {
        match task.volumes.get(name) {
            Some(Some(host_path)) => dir
                .path()
                .join("host")
                .join(host_path.trim_start_matches('/')),
            Some(None) => dir.path().join("task-volumes").join(name),
            None => panic!("mount of the undeclared volume {name:?}"),
        }
    };
    if case.tracer == Tracer::Inject {
        fill_library_volume(
            case,
            &generated,
            &volume_dir(&generated.task, library_volume(&generated)),
        );
    }
    let mut layout = Layout {
        host_paths: image.host_paths.clone(),
        workdir: image.workdir.display().to_string(),
        ..Layout::default()
    };
    for mount in &app.mounts {
        let host_dir = volume_dir(&generated.task, &mount.volume);
        std::fs::create_dir_all(&host_dir).expect("create a volume");
        layout.volumes.push(Volume {
            host_dir,
            container_path: mount.container_path.clone(),
            read_only: mount.read_only,
        });
    }
    let endpoint = agent_endpoint(case, &generated, &volume_dir);
    let mut runtime_env = Vec::new();
    if case.launch == Launch::Ec2 {
        layout.addresses.push(HOST_IP.to_owned());
    }
    if let Transport::Tcp(Some(imds)) = case.transport {
        layout.addresses.push(IMDS_IP.to_owned());
        if imds == Imds::MetadataFile {
            runtime_env.push(metadata_file(dir.path(), &mut layout));
        }
    }

    let sandbox = Sandbox::start(&layout);
    let intake = match &endpoint {
        Endpoint::Tcp { address, port } => {
            let listener = sandbox.in_network(|| TcpListener::bind((*address, *port)));
            Intake::serve(listener.expect("bind the intake in the sandbox"))
        }
        Endpoint::Unix { host_path, .. } => {
            std::fs::create_dir_all(host_path.parent().expect("a socket dir")).expect("socket dir");
            Intake::serve(UnixListener::bind(host_path).expect("bind the intake's socket"))
        }
    };
    let _imds = match case.transport {
        Transport::Tcp(Some(imds)) => imds.mock_mode().map(|mode| MockImds::start(&sandbox, mode)),
        _ => None,
    };

    let mut env_below = image.env.clone();
    env_below.extend(runtime_env);
    let env = app.env(&env_below);
    let argv = app.argv(&image.cmd);
    let started = Instant::now();
    let mut child = sandbox
        .command(&argv, &env)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start the app in the sandbox");
    let stdout = drain(child.stdout.take().expect("piped stdout"));
    let stderr = drain(child.stderr.take().expect("piped stderr"));
    let (listening, answer) = sandbox.in_network(|| hit_once(&mut child, started + DEADLINE));
    let exited = wait(&mut child, started + DEADLINE);
    let ended = exited.map(|_| Instant::now());
    // The tracers flush before they exit, but the intake may still be
    // decoding the last payload: wait for the span, at most SETTLE (which a
    // run that must deliver nothing waits in full).
    let settled = Instant::now() + SETTLE;
    while Instant::now() < settled && root_span(case.lang, &intake.spans()).is_none() {
        thread::sleep(Duration::from_millis(10));
    }
    Outcome {
        lang: case.lang,
        spans: intake.spans(),
        started,
        listening,
        answer,
        exited,
        ended,
        stdout: stdout.join().unwrap_or_default(),
        stderr: stderr.join().unwrap_or_default(),
        intake: intake.summary(),
        argv,
    }
}

fn broken(generated: &Generated, change: Change) -> Container {
    let mut app = generated.app.clone();
    match change {
        Change::Nothing => {}
        Change::DropVar(name) => {
            assert!(app.var(name).is_some(), "the generated app has no {name}");
            app.environment.retain(|(key, _)| key != name);
        }
        Change::DropMount(path) => {
            let before = app.mounts.len();
            app.mounts.retain(|mount| mount.container_path != path);
            assert!(
                app.mounts.len() < before,
                "the generated app mounts nothing at {path}"
            );
        }
        Change::SetVar(name, value) => {
            app.environment.retain(|(key, _)| key != name);
            app.environment.push((name.to_owned(), value.to_owned()));
        }
        Change::DropLibraryMount => {
            let volume = library_volume(generated);
            let before = app.mounts.len();
            app.mounts.retain(|mount| mount.volume != volume);
            assert!(app.mounts.len() < before, "the app does not mount {volume}");
        }
        Change::DropEntryPoint => {
            assert!(
                app.entry_point.is_some(),
                "the generated app has no entryPoint"
            );
            app.entry_point = None;
            app.command = None;
        }
    }
    app
}

/// The volume the init container writes the library into.
fn library_volume(generated: &Generated) -> &str {
    let init = generated
        .init_container()
        .expect("--tracer inject generates an init container (dd-lib-<language>-init)");
    &init
        .mounts
        .first()
        .unwrap_or_else(|| panic!("the init container {:?} mounts no volume", init.name))
        .volume
}

/// Does what the init container does before the app may start: copies the
/// image's library package into the directory its command names, which
/// must be its mount of the library volume. The image's copy script itself
/// is not public; the package is the registry's, laid out as the image
/// holds it (runtimes.rs).
fn fill_library_volume(case: &Case, generated: &Generated, volume: &Path) {
    let init = generated.init_container().expect("an init container");
    let mount = init.mounts.first().expect("the init container's mount");
    let target = init
        .argv(&[])
        .last()
        .cloned()
        .expect("the init container names where to copy");
    assert_eq!(
        target, mount.container_path,
        "the init container copies to {target}, not into its volume at {}",
        mount.container_path
    );
    assert!(!mount.read_only, "the init container's volume is read-only");
    let waits = generated
        .app
        .depends_on
        .iter()
        .any(|(name, condition)| *name == init.name && condition == "SUCCESS");
    assert!(waits, "the app does not wait for {} to succeed", init.name);
    let package = match case.lang {
        Lang::Python => runtimes::python_package(),
        Lang::Node => runtimes::node_package(),
    };
    std::fs::create_dir_all(volume.parent().expect("a parent")).expect("volume parent");
    runtimes::copy_tree(package, volume);
}

/// Where the generated agent takes traces, on this emulated instance.
fn agent_endpoint(
    case: &Case,
    generated: &Generated,
    volume_dir: &dyn Fn(&TaskDef, &str) -> PathBuf,
) -> Endpoint {
    let task = &generated.agent_task;
    let agent = task.agent().expect("a datadog agent container");
    match case.transport {
        Transport::Tcp(_) => {
            assert!(
                agent.var("DD_APM_RECEIVER_PORT").is_none(),
                "the agent moved its trace port"
            );
            assert!(
                agent.port_mappings.contains(&8126),
                "the agent maps no port 8126: {:?}",
                agent.port_mappings
            );
            let address = match case.launch {
                // The daemon's host port, on the instance's private IP.
                Launch::Ec2 => HOST_IP,
                // A sidecar shares the task's localhost.
                Launch::Fargate => "127.0.0.1",
            };
            Endpoint::Tcp {
                address,
                port: 8126,
            }
        }
        Transport::Uds => {
            let agent_path = agent
                .var("DD_APM_RECEIVER_SOCKET")
                .expect("the agent's DD_APM_RECEIVER_SOCKET")
                .to_owned();
            let mount = agent
                .mounts
                .iter()
                .find(|m| Path::new(&agent_path).starts_with(&m.container_path))
                .unwrap_or_else(|| {
                    panic!("the agent's socket {agent_path} is in none of its volumes")
                });
            assert!(!mount.read_only, "the agent's socket volume is read-only");
            let inside = Path::new(&agent_path)
                .strip_prefix(&mount.container_path)
                .expect("under the mount");
            Endpoint::Unix {
                host_path: volume_dir(task, &mount.volume).join(inside),
            }
        }
    }
}

/// The ECS container metadata file, where the ECS agent puts it when
/// ECS_ENABLE_CONTAINER_METADATA is on: mounted into the container, named
/// by ECS_CONTAINER_METADATA_FILE.
fn metadata_file(dir: &Path, layout: &mut Layout) -> (&'static str, String) {
    let host_dir = dir.join("ecs-metadata");
    std::fs::create_dir_all(&host_dir).expect("metadata dir");
    let file = serde_json::json!({
        "Cluster": "delivery",
        "ContainerName": "app",
        "TaskARN": "arn:aws:ecs:us-east-1:123456789012:task/delivery/0123456789abcdef",
        "HostPrivateIPv4Address": HOST_IP,
        "MetadataFileStatus": "READY",
    });
    std::fs::write(
        host_dir.join("ecs-container-metadata.json"),
        file.to_string(),
    )
    .expect("write the metadata file");
    let inside = "/opt/ecs/metadata/0123456789abcdef";
    layout.volumes.push(Volume {
        host_dir,
        container_path: inside.to_owned(),
        read_only: true,
    });
    (
        "ECS_CONTAINER_METADATA_FILE",
        format!("{inside}/ecs-container-metadata.json"),
    )
}

/// The mock IMDS on 169.254.169.254:80 in the sandbox's network.
struct MockImds {
    child: Child,
    _stdin: ChildStdin,
}

impl MockImds {
    fn start(sandbox: &Sandbox, mode: &str) -> MockImds {
        let python = runtimes::python();
        let argv: Vec<String> = [
            python.exe.display().to_string(),
            MOCK_IMDS.to_owned(),
            "--bind".to_owned(),
            IMDS_IP.to_owned(),
            "--port".to_owned(),
            "80".to_owned(),
            "--mode".to_owned(),
            mode.to_owned(),
            "--ip".to_owned(),
            HOST_IP.to_owned(),
            "--exit-on-stdin-eof".to_owned(),
        ]
        .to_vec();
        let mut child = sandbox
            .network_command(&argv)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .expect("start the mock IMDS");
        let stdin = child.stdin.take().expect("piped stdin");
        let mut port = String::new();
        let _ = BufReader::new(child.stdout.take().expect("piped stdout")).read_line(&mut port);
        assert_eq!(port.trim(), "80", "the mock IMDS did not start");
        MockImds {
            child,
            _stdin: stdin,
        }
    }
}

impl Drop for MockImds {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Connects to the app until it listens (or exits, or time runs out), then
/// sends one GET and reads the answer.
fn hit_once(child: &mut Child, deadline: Instant) -> (Option<Instant>, Option<String>) {
    let address = ("127.0.0.1", APP_PORT);
    loop {
        if Instant::now() > deadline || child.try_wait().ok().flatten().is_some() {
            return (None, None);
        }
        let Ok(mut stream) = TcpStream::connect(address) else {
            thread::sleep(Duration::from_millis(10));
            continue;
        };
        let listening = Instant::now();
        let _ = stream.set_read_timeout(Some(Duration::from_secs(20)));
        let request = "GET /hello HTTP/1.1\r\nHost: app\r\nConnection: close\r\n\r\n";
        let mut answer = String::new();
        let sent = stream.write_all(request.as_bytes()).is_ok();
        let read = sent && stream.read_to_string(&mut answer).is_ok();
        return (Some(listening), read.then_some(answer));
    }
}

fn wait(child: &mut Child, deadline: Instant) -> Option<std::process::ExitStatus> {
    loop {
        if let Some(status) = child.try_wait().expect("wait for the app") {
            return Some(status);
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            return None;
        }
        thread::sleep(Duration::from_millis(10));
    }
}

fn drain(mut pipe: impl Read + Send + 'static) -> thread::JoinHandle<String> {
    thread::spawn(move || {
        let mut bytes = Vec::new();
        let _ = pipe.read_to_end(&mut bytes);
        String::from_utf8_lossy(&bytes).into_owned()
    })
}
