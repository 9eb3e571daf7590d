//! Proof that traces arrive: real tracers from the package registries
//! (Python's ddtrace from PyPI, Node.js's dd-trace from npm), each in a tiny
//! web app started exactly as the generated container says (its entryPoint
//! and command, or the image's; its environment; its mounts at their
//! containerPath) inside network and mount namespaces, send their spans to a
//! trace intake of ours listening where the generated agent listens: the
//! host's private IP that the entryPoint script learns from the mock IMDS
//! (EC2, tcp), the socket in the shared volume (uds), localhost (Fargate).
//! Each case asserts that a span arrives with the service, env and version
//! answered; its companion removes one generated piece and asserts that
//! none does.
//!
//! `--tracer inject` runs the app from an image without any tracer, with the
//! library volume filled as the init container fills it. Until `generate`
//! takes `--tracer`, those cases skip with a note.
//!
//! The figures the README quotes: `cargo test --test delivery -- --nocapture
//! --test-threads=1 2>&1 | grep figure:`.

#[path = "delivery/apps.rs"]
mod apps;
#[path = "delivery/cases.rs"]
mod cases;
#[path = "delivery/intake.rs"]
mod intake;
#[path = "delivery/needs.rs"]
mod needs;
#[path = "delivery/runtimes.rs"]
mod runtimes;
#[path = "delivery/sandbox.rs"]
mod sandbox;
#[path = "delivery/taskdef.rs"]
mod taskdef;

use apps::Lang;
use cases::{run, tracer_flag_accepted, Case, Change, Imds, Launch, Outcome, Tracer, Transport};
use needs::{require, Need};

const PY: Lang = Lang::Python;
const NODE: Lang = Lang::Node;
const EC2: Launch = Launch::Ec2;
const FARGATE: Launch = Launch::Fargate;
const UDS: Transport = Transport::Uds;
const PRESENT: Tracer = Tracer::Present;
const INJECT: Tracer = Tracer::Inject;

const fn tcp(imds: Imds) -> Transport {
    Transport::Tcp(Some(imds))
}

/// Fargate's tcp: no address to look up.
const LOCAL: Transport = Transport::Tcp(None);

const fn case(lang: Lang, launch: Launch, transport: Transport, tracer: Tracer) -> Case {
    Case {
        lang,
        launch,
        transport,
        tracer,
    }
}

/// The one call that says what a case needs (and skips or fails without).
fn ready(case: &Case) -> bool {
    let mut needs = vec![Need::Namespaces];
    needs.push(match case.lang {
        Lang::Python => Need::PythonTracer,
        Lang::Node => Need::Node,
    });
    if matches!(case.transport, Transport::Tcp(Some(_))) {
        needs.push(Need::Shell);
    }
    if !require(&needs) {
        return false;
    }
    if case.tracer == Tracer::Inject && !tracer_flag_accepted() {
        eprintln!(
            "note: skipping {}, `generate` does not take --tracer yet",
            case.name()
        );
        return false;
    }
    true
}

/// The variable that loads the injected library.
fn loader_var(lang: Lang) -> &'static str {
    match lang {
        Lang::Python => "PYTHONPATH",
        Lang::Node => "NODE_OPTIONS",
    }
}

/// A span with the user's service, env and version arrives, and the
/// tracer's automatic instrumentation was on (the loader ran).
fn delivers(case: Case) {
    delivers_with(case, Change::Nothing);
}

fn delivers_with(case: Case, change: Change) -> Option<&'static str> {
    if !ready(&case) {
        return None;
    }
    let outcome = run(&case, change);
    let name = case.name();
    assert!(
        outcome.answered(),
        "{name}: the app did not answer\n{}",
        outcome.report()
    );
    let span = outcome.delivered().unwrap_or_else(|| {
        panic!(
            "{name}: no span with service {}, env {}, version {}\n{}",
            cases::SERVICE,
            cases::ENV,
            cases::VERSION,
            outcome.report()
        )
    });
    assert_loader_ran(&case, &outcome, span);
    let listening = outcome
        .listening
        .map(|at| at.duration_since(outcome.started).as_secs_f64())
        .unwrap_or_default();
    if change == Change::Nothing {
        let exit = outcome.seconds_to_exit().unwrap_or_default();
        eprintln!(
            "figure: {name} -> span after {:.2} s (app listening after {listening:.2} s, exited after {exit:.2} s), {} {} traces",
            outcome.seconds_to_span(span),
            span.lang,
            span.api,
        );
    }
    Some(span.api)
}

/// ddtrace's sqlite3 integration traces only when the tracer was started by
/// its loader, not merely imported; dd-trace's http server span (which
/// `delivered` looks for) is its http integration's.
fn assert_loader_ran(case: &Case, outcome: &Outcome, root: &intake::Span) {
    let name = case.name();
    match case.lang {
        Lang::Python => assert!(
            outcome
                .spans
                .iter()
                .any(|s| s.name == "sqlite.query" && s.trace_id == root.trace_id),
            "{name}: no automatic sqlite.query span under the request: ddtrace was imported but \
             not started by its loader\n{}",
            outcome.report()
        ),
        Lang::Node => {}
    }
}

/// The same case with `change` made to the generated container: the app
/// still answers, and no span with the user's answers arrives.
fn fails_without(case: Case, change: Change) {
    if !ready(&case) {
        return;
    }
    let outcome = run(&case, change);
    let name = case.name();
    assert!(
        outcome.answered(),
        "{name} with {change:?}: the app did not answer\n{}",
        outcome.report()
    );
    assert!(
        outcome.delivered().is_none(),
        "{name} with {change:?}: the span still arrived, so the case proves nothing\n{}",
        outcome.report()
    );
}

#[test]
fn python_present_ec2_tcp_imds_v2() {
    delivers(case(PY, EC2, tcp(Imds::V2), PRESENT));
}

#[test]
fn python_present_ec2_tcp_imds_v1() {
    delivers(case(PY, EC2, tcp(Imds::V1), PRESENT));
}

#[test]
fn python_present_ec2_tcp_metadata_file() {
    delivers(case(PY, EC2, tcp(Imds::MetadataFile), PRESENT));
}

#[test]
fn python_present_ec2_tcp_imds_auto() {
    delivers(case(PY, EC2, tcp(Imds::Auto), PRESENT));
}

#[test]
fn python_present_ec2_uds() {
    delivers(case(PY, EC2, UDS, PRESENT));
}

#[test]
fn python_present_fargate_tcp() {
    delivers(case(PY, FARGATE, LOCAL, PRESENT));
}

#[test]
fn python_present_fargate_uds() {
    delivers(case(PY, FARGATE, UDS, PRESENT));
}

#[test]
fn python_inject_ec2_tcp_imds_v2() {
    delivers(case(PY, EC2, tcp(Imds::V2), INJECT));
}

#[test]
fn python_inject_ec2_tcp_imds_v1() {
    delivers(case(PY, EC2, tcp(Imds::V1), INJECT));
}

#[test]
fn python_inject_ec2_tcp_metadata_file() {
    delivers(case(PY, EC2, tcp(Imds::MetadataFile), INJECT));
}

#[test]
fn python_inject_ec2_tcp_imds_auto() {
    delivers(case(PY, EC2, tcp(Imds::Auto), INJECT));
}

#[test]
fn python_inject_ec2_uds() {
    delivers(case(PY, EC2, UDS, INJECT));
}

#[test]
fn python_inject_fargate_tcp() {
    delivers(case(PY, FARGATE, LOCAL, INJECT));
}

#[test]
fn python_inject_fargate_uds() {
    delivers(case(PY, FARGATE, UDS, INJECT));
}

#[test]
fn python_present_ec2_tcp_fails_without_the_entrypoint() {
    fails_without(
        case(PY, EC2, tcp(Imds::V2), PRESENT),
        Change::DropEntryPoint,
    );
}

#[test]
fn python_present_ec2_uds_fails_without_the_socket_volume() {
    fails_without(
        case(PY, EC2, UDS, PRESENT),
        Change::DropMount("/var/run/datadog"),
    );
}

#[test]
fn python_present_fargate_tcp_fails_without_dd_service() {
    fails_without(
        case(PY, FARGATE, LOCAL, PRESENT),
        Change::DropVar("DD_SERVICE"),
    );
}

#[test]
fn python_present_fargate_uds_fails_without_the_socket_volume() {
    fails_without(
        case(PY, FARGATE, UDS, PRESENT),
        Change::DropMount("/var/run/datadog"),
    );
}

#[test]
fn python_inject_ec2_tcp_fails_without_the_loader_variable() {
    fails_without(
        case(PY, EC2, tcp(Imds::V2), INJECT),
        Change::DropVar(loader_var(PY)),
    );
}

#[test]
fn python_inject_ec2_uds_fails_without_the_loader_variable() {
    fails_without(case(PY, EC2, UDS, INJECT), Change::DropVar(loader_var(PY)));
}

#[test]
fn python_inject_fargate_tcp_fails_without_the_loader_variable() {
    fails_without(
        case(PY, FARGATE, LOCAL, INJECT),
        Change::DropVar(loader_var(PY)),
    );
}

#[test]
fn python_inject_fargate_uds_fails_without_the_library_volume() {
    fails_without(case(PY, FARGATE, UDS, INJECT), Change::DropLibraryMount);
}

#[test]
fn python_finds_the_default_socket_without_dd_trace_agent_url() {
    delivers_without(case(PY, FARGATE, UDS, PRESENT), "DD_TRACE_AGENT_URL");
}

#[test]
fn node_present_ec2_tcp_imds_v2() {
    delivers(case(NODE, EC2, tcp(Imds::V2), PRESENT));
}

#[test]
fn node_present_ec2_tcp_imds_v1() {
    delivers(case(NODE, EC2, tcp(Imds::V1), PRESENT));
}

#[test]
fn node_present_ec2_tcp_metadata_file() {
    delivers(case(NODE, EC2, tcp(Imds::MetadataFile), PRESENT));
}

#[test]
fn node_present_ec2_tcp_imds_auto() {
    delivers(case(NODE, EC2, tcp(Imds::Auto), PRESENT));
}

#[test]
fn node_present_ec2_uds() {
    delivers(case(NODE, EC2, UDS, PRESENT));
}

#[test]
fn node_present_fargate_tcp() {
    delivers(case(NODE, FARGATE, LOCAL, PRESENT));
}

#[test]
fn node_present_fargate_uds() {
    delivers(case(NODE, FARGATE, UDS, PRESENT));
}

#[test]
fn node_inject_ec2_tcp_imds_v2() {
    delivers(case(NODE, EC2, tcp(Imds::V2), INJECT));
}

#[test]
fn node_inject_ec2_tcp_imds_v1() {
    delivers(case(NODE, EC2, tcp(Imds::V1), INJECT));
}

#[test]
fn node_inject_ec2_tcp_metadata_file() {
    delivers(case(NODE, EC2, tcp(Imds::MetadataFile), INJECT));
}

#[test]
fn node_inject_ec2_tcp_imds_auto() {
    delivers(case(NODE, EC2, tcp(Imds::Auto), INJECT));
}

#[test]
fn node_inject_ec2_uds() {
    delivers(case(NODE, EC2, UDS, INJECT));
}

#[test]
fn node_inject_fargate_tcp() {
    delivers(case(NODE, FARGATE, LOCAL, INJECT));
}

#[test]
fn node_inject_fargate_uds() {
    delivers(case(NODE, FARGATE, UDS, INJECT));
}

#[test]
fn node_present_ec2_tcp_fails_without_the_entrypoint() {
    fails_without(
        case(NODE, EC2, tcp(Imds::V2), PRESENT),
        Change::DropEntryPoint,
    );
}

#[test]
fn node_present_ec2_uds_fails_without_the_socket_volume() {
    fails_without(
        case(NODE, EC2, UDS, PRESENT),
        Change::DropMount("/var/run/datadog"),
    );
}

#[test]
fn node_present_fargate_tcp_fails_without_dd_service() {
    fails_without(
        case(NODE, FARGATE, LOCAL, PRESENT),
        Change::DropVar("DD_SERVICE"),
    );
}

#[test]
fn node_present_fargate_uds_fails_without_the_socket_volume() {
    fails_without(
        case(NODE, FARGATE, UDS, PRESENT),
        Change::DropMount("/var/run/datadog"),
    );
}

#[test]
fn node_inject_ec2_tcp_fails_without_the_loader_variable() {
    fails_without(
        case(NODE, EC2, tcp(Imds::V2), INJECT),
        Change::DropVar(loader_var(NODE)),
    );
}

#[test]
fn node_inject_ec2_uds_fails_without_the_loader_variable() {
    fails_without(
        case(NODE, EC2, UDS, INJECT),
        Change::DropVar(loader_var(NODE)),
    );
}

#[test]
fn node_inject_fargate_tcp_fails_without_the_loader_variable() {
    fails_without(
        case(NODE, FARGATE, LOCAL, INJECT),
        Change::DropVar(loader_var(NODE)),
    );
}

/// Node.js refuses to start when NODE_OPTIONS requires a file that is not
/// there: without the volume (or before the init container has copied into
/// it, hence dependsOn SUCCESS) the app does not run at all.
#[test]
fn node_inject_fargate_uds_does_not_start_without_the_library_volume() {
    let case = case(NODE, FARGATE, UDS, INJECT);
    if !ready(&case) {
        return;
    }
    let outcome = run(&case, Change::DropLibraryMount);
    assert!(
        !outcome.answered()
            && outcome.exited.is_some_and(|status| !status.success())
            && outcome.stderr.contains("Cannot find module"),
        "{}",
        outcome.report()
    );
    assert!(outcome.delivered().is_none(), "{}", outcome.report());
}

#[test]
fn node_finds_the_default_socket_without_dd_trace_agent_url() {
    delivers_without(case(NODE, FARGATE, UDS, PRESENT), "DD_TRACE_AGENT_URL");
}

/// With the socket mounted at /var/run/datadog, both tracers find
/// apm.socket there by themselves: DD_TRACE_AGENT_URL is what makes a
/// socket elsewhere work and what says so in the task definition, which is
/// why the uds companions remove the volume instead.
fn delivers_without(case: Case, var: &'static str) {
    if !ready(&case) {
        return;
    }
    let outcome = run(&case, Change::DropVar(var));
    assert!(
        outcome.delivered().is_some(),
        "{} without {var}: {}",
        case.name(),
        outcome.report()
    );
}

/// Each tracer's other trace API reaches the intake too: ddtrace sends
/// v0.5 unless told otherwise, dd-trace v0.4.
#[test]
fn python_over_the_v04_trace_api() {
    let api = delivers_with(
        case(PY, FARGATE, LOCAL, PRESENT),
        Change::SetVar("DD_TRACE_API_VERSION", "v0.4"),
    );
    assert!(matches!(api, None | Some("v0.4")), "{api:?}");
}

#[test]
fn node_over_the_v05_trace_api() {
    let api = delivers_with(
        case(NODE, FARGATE, LOCAL, PRESENT),
        Change::SetVar("DD_TRACE_AGENT_PROTOCOL_VERSION", "0.5"),
    );
    assert!(matches!(api, None | Some("v0.5")), "{api:?}");
}
