//! An AWS call that failed, as the one line the contract asks for: the call's
//! name and the AWS error code (`DescribeServices failed: ClusterNotFoundException:
//! Cluster not found.`), or what kept the request from getting an answer.

use std::error::Error;
use std::fmt::Debug;

use aws_sdk_ecs::config::http::HttpResponse;
use aws_sdk_ecs::error::{DisplayErrorContext, ProvideErrorMetadata, SdkError};
use thiserror::Error;

use ddecs_wizard::output::safe::printable;

/// A failed AWS call: exit code 1.
#[derive(Debug, Error)]
#[error("{call} failed: {reason}")]
pub struct AwsError {
    /// The API operation, as AWS names it (`RegisterTaskDefinition`).
    pub call: &'static str,
    /// The AWS error code and message, or why there was no answer; one line,
    /// safe to print.
    pub reason: String,
}

impl AwsError {
    pub fn new(call: &'static str, reason: impl AsRef<str>) -> Self {
        AwsError {
            call,
            reason: one_line(reason.as_ref()),
        }
    }

    /// The AWS error code, when the service answered with one.
    pub fn code(&self) -> Option<&str> {
        self.reason
            .split_once(':')
            .map(|(code, _)| code)
            .filter(|code| !code.contains(' '))
    }
}

/// Turns the SDK's error for `call` into an [`AwsError`].
pub fn failed<E>(call: &'static str, error: SdkError<E, HttpResponse>) -> AwsError
where
    E: ProvideErrorMetadata + Error + Send + Sync + 'static,
{
    let reason = match (error.code(), error.message()) {
        (Some(code), Some(message)) => format!("{code}: {message}"),
        (Some(code), None) => code.to_owned(),
        _ => match &error {
            // An answer without an AWS error code: a proxy, a load balancer
            // or an endpoint that does not implement the call.
            SdkError::ServiceError(_) | SdkError::ResponseError(_) => {
                let status = error.raw_response().map(|r| r.status().as_u16());
                match status {
                    Some(status) => format!("HTTP {status} without an AWS error code from the endpoint (does it implement {call}?)"),
                    None => DisplayErrorContext(&error).to_string(),
                }
            }
            SdkError::TimeoutError(_) => "timed out waiting for the endpoint".to_owned(),
            _ => DisplayErrorContext(&error).to_string(),
        },
    };
    AwsError::new(call, reason)
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
    }
}
