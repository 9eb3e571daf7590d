//! Task definitions as the JSON the ECS API speaks, in and out.
//!
//! The SDK's typed task definition would lose what this tool is about: a
//! field newer than the SDK, or one it models differently, would vanish
//! between `pull` and `register`. ECS speaks JSON (awsJson 1.1), and that
//! JSON is exactly what `aws ecs describe-task-definition` prints and
//! `register-task-definition --cli-input-json` takes. So a describe keeps the
//! response body as it came, and a register sends the task definition's own
//! JSON as the request body; the SDK still does everything else (endpoint,
//! signing, which covers the body we send, retries, errors).

use std::sync::{Arc, Mutex};

use aws_sdk_ecs::config::http::HttpRequest;
use aws_sdk_ecs::config::interceptors::AfterDeserializationInterceptorContextRef;
use aws_sdk_ecs::config::retry::RetryConfig;
use aws_sdk_ecs::config::{ConfigBag, Intercept, RuntimeComponents};
use aws_sdk_ecs::error::BoxError;
use aws_sdk_ecs::types::TaskDefinitionField;
use aws_smithy_types::body::SdkBody;
use serde_json::Value;

use super::call::{failed, AwsError};

/// Keeps the body of a successful response.
#[derive(Debug, Clone, Default)]
struct KeepBody(Arc<Mutex<Option<Vec<u8>>>>);

impl Intercept for KeepBody {
    fn name(&self) -> &'static str {
        "KeepBody"
    }

    fn read_after_deserialization(
        &self,
        context: &AfterDeserializationInterceptorContextRef<'_>,
        _components: &RuntimeComponents,
        _cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        // By now the orchestrator has read the whole body into memory.
        if let Some(bytes) = context.response().body().bytes() {
            *self.0.lock().map_err(|_| "response body lock poisoned")? = Some(bytes.to_vec());
        }
        Ok(())
    }
}

/// `DescribeTaskDefinition` with its tags: the JSON object the API returned,
/// `{"taskDefinition": {...}, "tags": [...]}`. `id` is a family (its latest
/// ACTIVE revision), `family:revision` or an ARN.
pub async fn describe_task_definition(
    ecs: &aws_sdk_ecs::Client,
    id: &str,
) -> Result<Value, AwsError> {
    const CALL: &str = "DescribeTaskDefinition";
    let body = KeepBody::default();
    ecs.describe_task_definition()
        .task_definition(id)
        .include(TaskDefinitionField::Tags)
        .customize()
        .interceptor(body.clone())
        .send()
        .await
        .map_err(|e| failed(CALL, e))?;
    let bytes = body
        .0
        .lock()
        .ok()
        .and_then(|mut kept| kept.take())
        .ok_or_else(|| AwsError::new(CALL, "the response had no body"))?;
    serde_json::from_slice(&bytes)
        .map_err(|e| AwsError::new(CALL, format!("the response is not JSON: {e}")))
}

/// A revision that `RegisterTaskDefinition` created.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Registered {
    pub arn: String,
}

/// `RegisterTaskDefinition` with `input` (register input, tags included) as
/// the request body, sent once: a register is not idempotent, so whoever
/// calls this decides what to do when the answer is lost
/// (`registration::register_revision` reads the family back).
pub async fn register_task_definition(
    ecs: &aws_sdk_ecs::Client,
    input: &Value,
) -> Result<Registered, AwsError> {
    const CALL: &str = "RegisterTaskDefinition";
    let output = ecs
        .register_task_definition()
        .family(family_of(input))
        .customize()
        .config_override(sent_once())
        .mutate_request(with_body(input))
        .send()
        .await
        .map_err(|e| failed(CALL, e))?;
    let arn = output
        .task_definition()
        .and_then(|t| t.task_definition_arn())
        .ok_or_else(|| AwsError::new(CALL, "the response names no task definition ARN"))?;
    Ok(Registered {
        arn: arn.to_owned(),
    })
}

/// `RegisterDaemonTaskDefinition` (ECS Managed Instances daemons) with
/// `input` as the request body, sent once like a register.
pub async fn register_daemon_task_definition(
    ecs: &aws_sdk_ecs::Client,
    input: &Value,
) -> Result<Registered, AwsError> {
    const CALL: &str = "RegisterDaemonTaskDefinition";
    let output = ecs
        .register_daemon_task_definition()
        .family(family_of(input))
        .customize()
        .config_override(sent_once())
        .mutate_request(with_body(input))
        .send()
        .await
        .map_err(|e| failed(CALL, e))?;
    let arn = output
        .daemon_task_definition_arn()
        .ok_or_else(|| AwsError::new(CALL, "the response names no daemon task definition ARN"))?;
    Ok(Registered {
        arn: arn.to_owned(),
    })
}

/// No SDK retries: a register whose answer was lost may have registered,
/// and sending it again would register a second revision.
fn sent_once() -> aws_sdk_ecs::config::Builder {
    aws_sdk_ecs::config::Builder::default().retry_config(RetryConfig::disabled())
}

fn family_of(input: &Value) -> String {
    input["family"].as_str().unwrap_or_default().to_owned()
}

/// Replaces the body the SDK serialized (the family alone) with `input`.
/// It runs before signing, so the signature covers this body.
fn with_body(input: &Value) -> impl Fn(&mut HttpRequest) + Send + Sync + 'static {
    let body = input.to_string();
    move |request: &mut HttpRequest| {
        request
            .headers_mut()
            .insert("content-length", body.len().to_string());
        *request.body_mut() = SdkBody::from(body.clone());
    }
}
