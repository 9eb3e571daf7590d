//! An AWS call that failed, as the one line the contract asks for: the call's
//! name and the AWS error code (`DescribeServices failed: ClusterNotFoundException:
//! Cluster not found.`), or what kept the request from getting an answer
//! (`cannot connect to http://localhost:4566: connection refused`, `no answer
//! within --timeout 30s`), never a debug dump or an OS error number.
//!
//! Each failure also says whether the request may have been carried out:
//! a refusal (4xx) or a request that never left did nothing, but a server
//! error, a timeout or a broken connection leaves it unknown, and a write
//! must then be read back rather than sent again.

use std::error::Error;
use std::fmt::Debug;
use std::io;
use std::sync::OnceLock;
use std::time::Duration;

use aws_sdk_ecs::config::http::HttpResponse;
use aws_sdk_ecs::error::{ConnectorError, ProvideErrorMetadata, SdkError};
use thiserror::Error;

use ddecs_wizard::output::safe::printable;

/// Whether a failed request may have been carried out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Refused by the endpoint, or never sent: nothing was done.
    NotDone,
    /// No clear answer (a server error, a timeout, a broken connection):
    /// the endpoint may have done it.
    Unknown,
}

/// A failed AWS call: exit code 1.
#[derive(Debug, Error)]
#[error("{call} failed: {reason}")]
pub struct AwsError {
    /// The API operation, as AWS names it (`RegisterTaskDefinition`).
    pub call: &'static str,
    /// The AWS error code and message, or why there was no answer; one line,
    /// safe to print.
    pub reason: String,
    pub outcome: Outcome,
}

impl AwsError {
    /// A failure found on our side of a call that answered, or before it
    /// was sent.
    pub fn new(call: &'static str, reason: impl AsRef<str>) -> Self {
        AwsError {
            call,
            reason: one_line(reason.as_ref()),
            outcome: Outcome::NotDone,
        }
    }

    /// The AWS error code, when the service answered with one.
    pub fn code(&self) -> Option<&str> {
        self.reason
            .split_once(':')
            .map(|(code, _)| code)
            .filter(|code| !code.contains(' '))
    }

    /// The endpoint asked to slow down: the request was not carried out,
    /// and trying again later may work.
    pub fn is_throttling(&self) -> bool {
        matches!(
            self.code(),
            Some(
                "ThrottlingException"
                    | "Throttling"
                    | "TooManyRequestsException"
                    | "RequestLimitExceeded"
            )
        )
    }
}

/// What the messages say about where the calls go, set once per command by
/// `connect`: the SDK's errors name neither the endpoint nor the bound.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Context {
    pub timeout: Duration,
    /// AWS_ENDPOINT_URL, when set; otherwise AWS's own endpoints.
    pub endpoint: Option<String>,
}

static CONTEXT: OnceLock<Context> = OnceLock::new();

/// Records where this command's calls go (the first call wins: one
/// command runs per process).
pub fn set_context(context: Context) {
    let _ = CONTEXT.set(context);
}

/// Turns the SDK's error for `call` into an [`AwsError`].
pub fn failed<E>(call: &'static str, error: SdkError<E, HttpResponse>) -> AwsError
where
    E: ProvideErrorMetadata + Error + Send + Sync + 'static,
{
    let mut outcome = Outcome::Unknown;
    let reason = match (error.code(), error.message()) {
        (Some(code), Some(message)) => format!("{code}: {message}"),
        (Some(code), None) => code.to_owned(),
        _ => match &error {
            SdkError::ServiceError(_) | SdkError::ResponseError(_) => match error.raw_response() {
                Some(response) => unparsed_error(call, response),
                None => "the endpoint's answer could not be read".to_owned(),
            },
            SdkError::TimeoutError(_) => timed_out(),
            SdkError::DispatchFailure(failure) => {
                let (reason, not_sent) = match failure.as_connector_error() {
                    Some(connector) => not_reached(connector),
                    None => (causes(&error), false),
                };
                if not_sent {
                    outcome = Outcome::NotDone;
                }
                reason
            }
            SdkError::ConstructionFailure(_) => {
                outcome = Outcome::NotDone;
                causes(&error)
            }
            _ => causes(&error),
        },
    };
    if let SdkError::ServiceError(_) = &error {
        let status = error.raw_response().map(|r| r.status().as_u16());
        if status.is_some_and(|s| s < 500) {
            outcome = Outcome::NotDone;
        }
    }
    AwsError {
        outcome,
        ..AwsError::new(call, reason)
    }
}

fn timed_out() -> String {
    match CONTEXT.get() {
        Some(context) => format!(
            "no answer within --timeout {}",
            humantime::format_duration(context.timeout)
        ),
        None => "no answer in time".to_owned(),
    }
}

fn endpoint() -> String {
    CONTEXT
        .get()
        .and_then(|c| c.endpoint.clone())
        .unwrap_or_else(|| "the AWS endpoint".to_owned())
}

/// Whether a request failed before any connection was made (refused, no
/// such host): it never reached the endpoint.
pub fn never_connected(failure: &ConnectorError) -> bool {
    not_reached(failure).1
}

/// Why a request got no answer, and whether it is known never to have
/// reached the endpoint (no connection was made).
fn not_reached(failure: &ConnectorError) -> (String, bool) {
    let io = sources(failure).find_map(|e| e.downcast_ref::<io::Error>());
    let dns = sources(failure).any(|e| e.to_string().starts_with("dns error"));
    let refused = io.is_some_and(|e| {
        matches!(
            e.kind(),
            io::ErrorKind::ConnectionRefused
                | io::ErrorKind::AddrNotAvailable
                | io::ErrorKind::NetworkUnreachable
                | io::ErrorKind::HostUnreachable
        )
    });
    let why = match io {
        Some(e) if e.get_ref().is_none() => e.kind().to_string(),
        Some(e) => without_os_error(&e.to_string()),
        None if failure.is_timeout() => "timed out".to_owned(),
        None => without_os_error(&causes(failure)),
    };
    if refused || dns {
        (format!("cannot connect to {}: {why}", endpoint()), true)
    } else if failure.is_timeout() {
        (format!("no answer from {}: {why}", endpoint()), false)
    } else {
        (
            format!("the connection to {} failed: {why}", endpoint()),
            false,
        )
    }
}

/// An error answer the SDK could not read a code from: a proxy, a gateway,
/// an endpoint that does not implement the call, or an AWS error in
/// another shape than the SDK expects (EC2's `<Errors>` without
/// `<Response>`, the query protocols' `<ErrorResponse>`).
fn unparsed_error(call: &str, response: &HttpResponse) -> String {
    let status = response.status().as_u16();
    let body = response
        .body()
        .bytes()
        .map(String::from_utf8_lossy)
        .unwrap_or_default();
    if let Some((code, message)) = error_in_body(&body) {
        return match message {
            Some(message) => format!("{code}: {message}"),
            None => code,
        };
    }
    match status {
        404 | 405 | 501 => {
            format!("HTTP {status} from the endpoint, without an AWS error code (does it implement {call}?)")
        }
        500.. => format!(
            "HTTP {status} from the endpoint, without an AWS error code (a server or gateway error, or a call it does not implement)"
        ),
        _ => format!("HTTP {status} from the endpoint, without an AWS error code"),
    }
}

/// The AWS error code and message in a JSON (`__type`, `message`) or XML
/// (`<Code>`, `<Message>`) error body.
fn error_in_body(body: &str) -> Option<(String, Option<String>)> {
    if let Ok(json) = serde_json::from_str::<serde_json::Value>(body) {
        let field = |names: &[&str]| {
            names
                .iter()
                .find_map(|n| json.get(*n).and_then(|v| v.as_str()))
                .map(str::to_owned)
        };
        // `com.amazonaws.ecs#ClientException` or `ClientException:http://...`.
        let code = field(&["__type", "code", "Code"])?;
        let code = code.rsplit('#').next().unwrap_or(&code);
        let code = code.split(':').next().unwrap_or(code).to_owned();
        return Some((code, field(&["message", "Message"])));
    }
    let element = |name: &str| {
        let open = format!("<{name}>");
        let start = body.find(&open)? + open.len();
        let end = body[start..].find(&format!("</{name}>"))? + start;
        Some(xml_text(&body[start..end]))
    };
    let code = element("Code").filter(|c| !c.trim().is_empty())?;
    Some((code, element("Message")))
}

/// The text of an XML element, its five predefined entities decoded.
fn xml_text(raw: &str) -> String {
    raw.replace("&quot;", "\"")
        .replace("&apos;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

fn sources<'a>(
    error: &'a (dyn Error + 'static),
) -> impl Iterator<Item = &'a (dyn Error + 'static)> {
    std::iter::successors(Some(error), |e: &&'a (dyn Error + 'static)| (*e).source())
}

/// The error and its causes, each said once: the SDK's own display nests
/// the same message at several levels and appends a debug dump.
fn causes(error: &(dyn Error + 'static)) -> String {
    let mut said: Vec<String> = Vec::new();
    for cause in sources(error) {
        let text = cause.to_string();
        if !said.iter().any(|s| s.contains(&text)) {
            said.push(text);
        }
    }
    without_os_error(&said.join(": "))
}

/// Drops the ` (os error 111)` the standard library appends.
fn without_os_error(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find(" (os error ") {
        out.push_str(&rest[..at]);
        let after = &rest[at + " (os error ".len()..];
        match after.find(')') {
            Some(close) if after[..close].bytes().all(|b| b.is_ascii_digit()) => {
                rest = &after[close + 1..];
            }
            _ => {
                out.push_str(" (os error ");
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// Folds whitespace runs (newlines included) into single spaces and escapes
/// what could still reach the terminal, since AWS messages quote input back.
fn one_line(text: &str) -> String {
    let folded = text.split_whitespace().collect::<Vec<_>>().join(" ");
    printable(&folded).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reason_is_one_printable_line() {
        let error = AwsError::new(
            "DescribeServices",
            "ClientException: bad\nname \u{1b}]0;x\u{7}",
        );
        assert_eq!(
            error.to_string(),
            "DescribeServices failed: ClientException: bad name \\u{1b}]0;x\\u{7}"
        );
        assert_eq!(error.code(), Some("ClientException"));
    }

    #[test]
    fn no_code_when_the_reason_is_prose() {
        let error = AwsError::new("DescribeServices", "timed out waiting: for the endpoint");
        assert_eq!(error.code(), None);
        assert!(!error.is_throttling());
        assert!(AwsError::new(
            "RegisterTaskDefinition",
            "ThrottlingException: Rate exceeded"
        )
        .is_throttling());
    }

    #[test]
    fn os_error_numbers_are_dropped() {
        assert_eq!(
            without_os_error("tcp connect error: Connection refused (os error 111)"),
            "tcp connect error: Connection refused"
        );
        assert_eq!(without_os_error("odd (os error x)"), "odd (os error x)");
    }

    #[test]
    fn error_codes_are_found_in_other_shapes() {
        let query = "<ErrorResponse><Error><Code>AuthFailure</Code><Message>AWS &quot;key&quot; &amp; more</Message></Error></ErrorResponse>";
        assert_eq!(
            error_in_body(query),
            Some(("AuthFailure".into(), Some("AWS \"key\" & more".into())))
        );
        let json = r#"{"__type": "com.amazonaws.ecs#ServerException:http://x", "message": "boom"}"#;
        assert_eq!(
            error_in_body(json),
            Some(("ServerException".into(), Some("boom".into())))
        );
        assert_eq!(error_in_body("<html>Bad Gateway</html>"), None);
        assert_eq!(error_in_body(r#"{"ok": true}"#), None);
    }
}
