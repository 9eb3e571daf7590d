//! A trace intake of our own: the part of the Datadog agent's HTTP API that
//! real tracers talk to, on a TCP or Unix socket, keeping every span it is
//! sent so that a test can ask what arrived.
//!
//! What the tracers expect was read from their own sources (dd-trace-py's
//! writer and encoders, dd-trace-js's agent exporter, the agent's
//! `pkg/trace/api` and the dd-apm-test-agent):
//! - `GET /info` lists the endpoints the agent serves; tracers read it to
//!   choose the trace API version and to switch features on. We list the
//!   endpoints we answer and claim no client-side stats (`client_drop_p0s`
//!   false), so a tracer never drops a trace expecting us to count it.
//! - `PUT`/`POST /v0.4/traces`: msgpack, an array of traces, each an array of
//!   spans, each span a map keyed by field name.
//! - `PUT`/`POST /v0.5/traces`: msgpack `[strings, traces]`; every string in
//!   a span is an index into `strings`, and a span is a 12-element array
//!   (service, name, resource, trace_id, span_id, parent_id, start, duration,
//!   error, meta, metrics, type).
//! - Both answer `{"rate_by_service": ...}`, which the tracers feed to their
//!   priority sampler.
//! - Telemetry, remote configuration, DogStatsD over HTTP, profiling, the
//!   EVP proxy and the other endpoints get the harmless answer the agent
//!   gives when it has nothing to say, so no tracer retries or backs off.

use std::collections::BTreeMap;
use std::io::Read;
use std::sync::{Arc, Mutex};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use rmpv::Value;
use tiny_http::{Header, Listener, Request, Response, Server};

/// The endpoints `/info` lists: the trace APIs we decode and the others we
/// answer harmlessly, as the agent spells them.
const ENDPOINTS: &[&str] = &[
    "/v0.4/traces",
    "/v0.5/traces",
    "/v0.6/stats",
    "/v0.7/config",
    "/telemetry/proxy/",
    "/profiling/v1/input",
    "/dogstatsd/v1/proxy",
    "/dogstatsd/v2/proxy",
    "/evp_proxy/v2/",
    "/evp_proxy/v4/",
    "/debugger/v1/input",
    "/debugger/v1/diagnostics",
    "/tracer_flare/v1",
];

/// The largest body we read: a few spans are a few KiB; anything bigger
/// than this is a bug in a test, not a payload to decode.
const MAX_BODY: u64 = 16 << 20;

/// One span as the intake decoded it.
#[derive(Debug, Clone)]
pub struct Span {
    pub service: String,
    pub name: String,
    pub resource: String,
    pub trace_id: u64,
    pub parent_id: u64,
    pub meta: BTreeMap<String, String>,
    /// Which trace API brought it: "v0.4" or "v0.5".
    pub api: &'static str,
    /// The tracer's language, from the `Datadog-Meta-Lang` header.
    pub lang: String,
    /// When the payload holding it arrived.
    pub received: Instant,
}

impl Span {
    pub fn tag(&self, key: &str) -> Option<&str> {
        self.meta.get(key).map(String::as_str)
    }
}

/// One request the intake answered, for the failure messages.
#[derive(Debug, Clone)]
pub struct Hit {
    pub method: String,
    pub path: String,
    pub status: u16,
    /// Why a trace payload was refused, when it was.
    pub error: Option<String>,
}

#[derive(Default)]
struct Record {
    spans: Vec<Span>,
    hits: Vec<Hit>,
}

#[derive(Default)]
struct Shared {
    record: Mutex<Record>,
}

impl Shared {
    fn lock(&self) -> std::sync::MutexGuard<'_, Record> {
        self.record.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// A running intake, stopped when dropped.
pub struct Intake {
    server: Arc<Server>,
    shared: Arc<Shared>,
    thread: Option<JoinHandle<()>>,
}

impl Intake {
    /// Serves the agent API on `listener` (a bound `TcpListener` or
    /// `UnixListener`) until dropped.
    pub fn serve(listener: impl Into<Listener>) -> Intake {
        let server = Arc::new(Server::from_listener(listener, None).expect("serve the intake"));
        let shared = Arc::new(Shared::default());
        let thread = {
            let (server, shared) = (Arc::clone(&server), Arc::clone(&shared));
            thread::spawn(move || {
                for request in server.incoming_requests() {
                    answer(request, &shared);
                }
            })
        };
        Intake {
            server,
            shared,
            thread: Some(thread),
        }
    }

    pub fn spans(&self) -> Vec<Span> {
        self.shared.lock().spans.clone()
    }

    /// What arrived, in one paragraph for a failure message.
    pub fn summary(&self) -> String {
        let record = self.shared.lock();
        let hits: Vec<String> = record
            .hits
            .iter()
            .map(|hit| {
                let error = hit.error.as_deref().map(|e| format!(" ({e})"));
                format!(
                    "{} {} -> {}{}",
                    hit.method,
                    hit.path,
                    hit.status,
                    error.unwrap_or_default()
                )
            })
            .collect();
        let spans: Vec<String> = record
            .spans
            .iter()
            .map(|s| {
                format!(
                    "{}/{} service={:?} resource={:?} env={:?} version={:?}",
                    s.api,
                    s.name,
                    s.service,
                    s.resource,
                    s.tag("env"),
                    s.tag("version")
                )
            })
            .collect();
        format!(
            "requests: [{}]; spans: [{}]",
            hits.join(", "),
            spans.join(", ")
        )
    }
}

impl Drop for Intake {
    fn drop(&mut self) {
        self.server.unblock();
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

fn answer(mut request: Request, shared: &Shared) {
    let method = request.method().as_str().to_owned();
    let path = request.url().split('?').next().unwrap_or("").to_owned();
    let lang = header(&request, "Datadog-Meta-Lang").unwrap_or_default();
    let mut body = Vec::new();
    let read = request
        .as_reader()
        .take(MAX_BODY)
        .read_to_end(&mut body)
        .map_err(|e| format!("reading the body: {e}"));

    let trace_api = match path.as_str() {
        "/v0.4/traces" => Some("v0.4"),
        "/v0.5/traces" => Some("v0.5"),
        _ => None,
    };
    let (status, reply, error) = match (trace_api, method.as_str()) {
        (Some(api), "PUT" | "POST") => {
            let decoded = read.and_then(|_| decode(api, &body));
            match decoded {
                Ok(spans) => {
                    let mut record = shared.lock();
                    record.spans.extend(spans.into_iter().map(|mut span| {
                        span.lang.clone_from(&lang);
                        span
                    }));
                    (200, RATES.to_owned(), None)
                }
                Err(why) => (400, why.clone(), Some(why)),
            }
        }
        (None, "GET") if path == "/info" => (200, info(), None),
        (None, _) if is_harmless(&path) => (200, "{}".to_owned(), None),
        _ => (404, "404 page not found\n".to_owned(), None),
    };
    shared.lock().hits.push(Hit {
        method,
        path,
        status,
        error,
    });
    let content_type =
        Header::from_bytes("Content-Type", "application/json").expect("a valid header");
    let _ = request.respond(
        Response::from_string(reply)
            .with_status_code(status)
            .with_header(content_type),
    );
}

/// What the agent answers a trace payload before it knows any rates.
const RATES: &str = r#"{"rate_by_service":{"service:,env:":1}}"#;

fn info() -> String {
    serde_json::json!({
        "version": "7.99.0-intake",
        "endpoints": ENDPOINTS,
        "client_drop_p0s": false,
        "span_meta_structs": false,
        "long_running_spans": false,
        "config": { "statsd_port": 8125, "receiver_port": 8126 },
    })
    .to_string()
}

/// The endpoints besides the trace APIs that tracers send to, which the
/// agent accepts without an answer worth reading.
fn is_harmless(path: &str) -> bool {
    ENDPOINTS.iter().any(|endpoint| {
        path == *endpoint || (endpoint.ends_with('/') && path.starts_with(endpoint))
    }) || path.starts_with("/telemetry/proxy/")
        || path.starts_with("/evp_proxy/")
}

fn header(request: &Request, name: &'static str) -> Option<String> {
    request
        .headers()
        .iter()
        .find(|h| h.field.equiv(name))
        .map(|h| h.value.as_str().to_owned())
}

/// Decodes a `/v0.4/traces` or `/v0.5/traces` body into its spans.
pub fn decode(api: &'static str, body: &[u8]) -> Result<Vec<Span>, String> {
    let value =
        rmpv::decode::read_value(&mut &body[..]).map_err(|e| format!("not msgpack: {e}"))?;
    match api {
        "v0.4" => decode_v04(&value),
        _ => decode_v05(&value),
    }
}

fn decode_v04(value: &Value) -> Result<Vec<Span>, String> {
    let mut spans = Vec::new();
    for trace in array(value, "the payload")? {
        for span in array(trace, "a trace")? {
            let fields = span.as_map().ok_or("a span is not a map")?;
            let field = |name: &str| {
                fields
                    .iter()
                    .find(|(key, _)| key.as_str() == Some(name))
                    .map(|(_, value)| value)
            };
            let text = |name: &str| field(name).and_then(Value::as_str).unwrap_or("").to_owned();
            let id = |name: &str| field(name).and_then(Value::as_u64).unwrap_or(0);
            let mut meta = BTreeMap::new();
            if let Some(pairs) = field("meta").and_then(Value::as_map) {
                for (key, value) in pairs {
                    if let (Some(key), Some(value)) = (key.as_str(), value.as_str()) {
                        meta.insert(key.to_owned(), value.to_owned());
                    }
                }
            }
            spans.push(Span {
                service: text("service"),
                name: text("name"),
                resource: text("resource"),
                trace_id: id("trace_id"),
                parent_id: id("parent_id"),
                meta,
                api: "v0.4",
                lang: String::new(),
                received: Instant::now(),
            });
        }
    }
    Ok(spans)
}

fn decode_v05(value: &Value) -> Result<Vec<Span>, String> {
    let parts = array(value, "the payload")?;
    let [strings, traces] = parts.as_slice() else {
        return Err(format!(
            "a v0.5 payload is [strings, traces], not {} parts",
            parts.len()
        ));
    };
    let strings: Vec<&str> = array(strings, "the string table")?
        .iter()
        .map(|s| s.as_str().ok_or("a string table entry is not a string"))
        .collect::<Result<_, _>>()?;
    let string = |value: &Value| -> Result<String, String> {
        let index = value.as_u64().ok_or("a string reference is not an index")?;
        strings
            .get(index as usize)
            .map(|s| (*s).to_owned())
            .ok_or_else(|| format!("string index {index} is past the table"))
    };
    let mut spans = Vec::new();
    for trace in array(traces, "the traces")? {
        for span in array(trace, "a trace")? {
            let fields = array(span, "a span")?;
            if fields.len() != 12 {
                return Err(format!("a v0.5 span has 12 fields, not {}", fields.len()));
            }
            let mut meta = BTreeMap::new();
            for (key, value) in fields[9].as_map().ok_or("meta is not a map")? {
                meta.insert(string(key)?, string(value)?);
            }
            spans.push(Span {
                service: string(&fields[0])?,
                name: string(&fields[1])?,
                resource: string(&fields[2])?,
                trace_id: fields[3].as_u64().unwrap_or(0),
                parent_id: fields[5].as_u64().unwrap_or(0),
                meta,
                api: "v0.5",
                lang: String::new(),
                received: Instant::now(),
            });
        }
    }
    Ok(spans)
}

fn array<'a>(value: &'a Value, what: &str) -> Result<&'a Vec<Value>, String> {
    value
        .as_array()
        .ok_or_else(|| format!("{what} is not an array"))
}

/// How long a test waits at most for the span after the app has exited:
/// the tracers flush before their process ends, so this only covers the
/// intake decoding the last payload. A run that must deliver nothing waits
/// all of it.
pub const SETTLE: Duration = Duration::from_millis(500);
