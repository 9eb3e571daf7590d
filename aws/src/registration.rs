//! Registering a new revision of a family so that it happens once, and so
//! that what is reported is what happened.
//!
//! RegisterTaskDefinition is not idempotent: each call that reaches ECS
//! makes a revision, and there is no client token. So:
//!
//! - Right before registering, the family is read again: when a revision
//!   newer than the one the plan was made from already holds the new
//!   content (another run registered the same patch while this one waited
//!   at its question), it is used and nothing is registered; when it holds
//!   something else, nothing is registered, since the plan no longer shows
//!   what would change.
//! - The call is sent once (no SDK retries; a throttled call, which ECS
//!   did not carry out, is sent again after a pause). When its answer is
//!   lost (a server error, a timeout, a broken connection), the revisions
//!   registered since are read back and compared with what was sent, and
//!   the result says whether it registered, and as which revision.
//! - After registering, a newer revision with the same content (another run
//!   racing this one) is the one to use, so that racing runs leave their
//!   services on the same, newest revision.
//!
//! Used by `apply` (one family) and `register`; a fleet-wide apply calls
//! [`register_revision`] once per family.

use std::io::{self, Write};
use std::time::Duration;

use aws_sdk_ecs::types::{SortOrder, TaskDefinitionStatus};
use serde_json::Value;

use crate::call::{failed, AwsError, Outcome};
use crate::{names, raw, survey};
use ddecs_wizard::output::safe::printable;

/// How the content of a revision is compared with what is registered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Match {
    /// Both come from ECS (`apply` patches a described revision): the same
    /// fields with the same values.
    Same,
    /// A file against what ECS keeps, which fills in defaults the file
    /// leaves out (`essential`, `cpu`, `protocol`, empty lists): the
    /// revision has every field the file sets, with its value.
    Holds,
}

impl Match {
    pub fn matches(self, revision: &Value, input: &Value) -> bool {
        match self {
            Match::Same => holds_content(revision, input) && holds_content(input, revision),
            Match::Holds => holds_content(revision, input),
        }
    }
}

/// Whether `revision` (register input as read back) holds everything
/// `input` sets. Tags are compared whole: a file without tags would
/// register a revision without them.
pub fn holds_content(revision: &Value, input: &Value) -> bool {
    let tags = |v: &Value| v.get("tags").cloned().unwrap_or(Value::Array(Vec::new()));
    let without_tags = |v: &Value| {
        let mut v = v.clone();
        if let Some(object) = v.as_object_mut() {
            object.remove("tags");
        }
        v
    };
    holds(&tags(revision), &tags(input)) && holds(&without_tags(revision), &without_tags(input))
}

/// `have` holds `want`: every field of `want` is in `have` with an equal
/// value, lists item by item; an empty value (null, "", [] or {}) stands
/// for a missing one.
fn holds(have: &Value, want: &Value) -> bool {
    match (have, want) {
        (Value::Object(have), Value::Object(want)) => want.iter().all(|(key, want)| {
            have.get(key)
                .map_or_else(|| is_empty(want), |have| holds(have, want))
        }),
        (Value::Array(have), Value::Array(want)) => {
            have.len() == want.len() && have.iter().zip(want).all(|(h, w)| holds(h, w))
        }
        (Value::Number(have), Value::Number(want)) => have.as_f64() == want.as_f64(),
        (have, want) => have == want || (is_empty(have) && is_empty(want)),
    }
}

fn is_empty(value: &Value) -> bool {
    match value {
        Value::Null => true,
        Value::String(s) => s.is_empty(),
        Value::Array(a) => a.is_empty(),
        Value::Object(o) => o.is_empty(),
        _ => false,
    }
}

/// `revision` with only the fields `input` sets (lists item by item, when
/// they have as many items): what a diff from the revision to a file
/// compares, without the defaults ECS filled in.
pub fn as_set_in(revision: &Value, input: &Value) -> Value {
    match (revision, input) {
        (Value::Object(have), Value::Object(want)) => Value::Object(
            have.iter()
                .filter(|(key, _)| want.contains_key(*key))
                .map(|(key, have)| (key.clone(), as_set_in(have, &want[key])))
                .collect(),
        ),
        (Value::Array(have), Value::Array(want)) if have.len() == want.len() => Value::Array(
            have.iter()
                .zip(want)
                .map(|(have, want)| as_set_in(have, want))
                .collect(),
        ),
        (have, _) => have.clone(),
    }
}

/// A registered revision: its ARN and its content as register input.
#[derive(Debug, Clone)]
pub struct Revision {
    pub arn: String,
    pub value: Value,
}

/// Describes `id` (a family, `family:revision` or an ARN) as register input.
pub async fn read_revision(ecs: &aws_sdk_ecs::Client, id: &str) -> Result<Revision, AwsError> {
    let described = raw::describe_task_definition(ecs, id).await?;
    let arn = described["taskDefinition"]["taskDefinitionArn"]
        .as_str()
        .unwrap_or(id)
        .to_owned();
    let document = survey::read(&described).map_err(|e| {
        AwsError::new(
            "DescribeTaskDefinition",
            format!("{} cannot be read: {e}", names::short_task_definition(&arn)),
        )
    })?;
    Ok(Revision {
        arn,
        value: document.value,
    })
}

/// What registering came to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Registration {
    /// The revision to run: the newest with the new content.
    pub arn: String,
    /// The revision this run registered, if it did.
    pub registered: Option<String>,
    /// What happened besides a plain registration, one line each: an
    /// answer that was lost and read back, a revision used instead.
    pub notes: Vec<String>,
}

/// Says what registering came to: the new ARN on stdout, anything unusual
/// (a lost answer read back, a revision used instead) on stderr.
pub fn report(
    registration: &Registration,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> io::Result<()> {
    for note in &registration.notes {
        writeln!(err, "ddecs-wizard: {note}")?;
    }
    if let Some(registered) = &registration.registered {
        writeln!(out, "registered {}", printable(registered))?;
    }
    out.flush()
}

/// Why nothing (or nothing known) was registered.
#[derive(Debug)]
pub enum RegisterError {
    /// The endpoint refused the call, or it never left: nothing registered.
    Refused(AwsError),
    /// The answer was lost, and reading the family back shows that nothing
    /// was registered.
    NotRegistered { error: AwsError, read_back: String },
    /// The answer was lost and the family could not be read back.
    Unknown {
        error: AwsError,
        read_back: AwsError,
        family: String,
    },
    /// A revision with other content was registered since the plan.
    Changed {
        planned_from: String,
        latest: String,
    },
    /// Reading the family again before registering failed.
    Check(AwsError),
}

impl RegisterError {
    /// The one line to end with, `untouched` saying what was left alone
    /// ("nothing was registered and no service was changed").
    pub fn into_error(self, untouched: &str) -> anyhow::Error {
        let with = |error: AwsError, reason: String| AwsError { reason, ..error };
        match self {
            RegisterError::Refused(error) | RegisterError::Check(error) => {
                let reason = format!("{} ({untouched})", error.reason);
                with(error, reason).into()
            }
            RegisterError::NotRegistered { error, read_back } => {
                let reason = format!("{} (read back: {read_back}, so {untouched})", error.reason);
                with(error, reason).into()
            }
            RegisterError::Unknown {
                error,
                read_back,
                family,
            } => {
                let reason = format!(
                    "{} (the answer was lost, and reading {} back failed too: {read_back}; whether it registered is unknown: ddecs-wizard pull {} shows the latest revision)",
                    error.reason,
                    printable(&family),
                    printable(&family)
                );
                with(error, reason).into()
            }
            RegisterError::Changed {
                planned_from,
                latest,
            } => anyhow::anyhow!(
                "{} was registered since the plan (made from {}) and holds other changes: {untouched}; run again to start from {}",
                printable(&latest),
                printable(&planned_from),
                printable(&latest)
            ),
        }
    }
}

/// How many times a throttled register is sent in all.
const ATTEMPTS: u32 = 3;

/// How many of the newest revisions are read back after a lost answer: the
/// ones registered in the seconds since the plan.
const READ_BACK: i32 = 10;

/// Registers `input` as a new revision of its family, unless a revision
/// registered since `planned_from` (the family's latest when the plan was
/// shown; `None` when it had none) already holds it. See the module docs.
pub async fn register_revision(
    ecs: &aws_sdk_ecs::Client,
    input: &Value,
    planned_from: Option<&str>,
    matching: Match,
) -> Result<Registration, RegisterError> {
    let family = input["family"].as_str().unwrap_or_default();
    let planned = planned_from.and_then(names::revision);
    let since = newer_revisions(ecs, family, planned)
        .await
        .map_err(RegisterError::Check)?;
    if let Some(latest) = since.first() {
        let revision = read_revision(ecs, latest)
            .await
            .map_err(RegisterError::Check)?;
        let latest = names::short_task_definition(latest).to_owned();
        if !matching.matches(&revision.value, input) {
            return Err(RegisterError::Changed {
                planned_from: planned_from.map_or_else(
                    || format!("no revision of {family}"),
                    |p| names::short_task_definition(p).to_owned(),
                ),
                latest,
            });
        }
        return Ok(Registration {
            arn: revision.arn,
            registered: None,
            notes: vec![format!(
                "{} was registered since the plan and already holds the new revision: nothing registered",
                printable(&latest)
            )],
        });
    }

    let mut notes = Vec::new();
    let registered = send(ecs, input, planned_from, matching, &mut notes).await?;
    let arn = newest_with_the_same_content(ecs, &registered, input, matching, &mut notes).await;
    Ok(Registration {
        arn,
        registered: Some(registered),
        notes,
    })
}

/// The register call itself: sent once, again only after throttling, read
/// back after a lost answer.
async fn send(
    ecs: &aws_sdk_ecs::Client,
    input: &Value,
    planned_from: Option<&str>,
    matching: Match,
    notes: &mut Vec<String>,
) -> Result<String, RegisterError> {
    let family = input["family"].as_str().unwrap_or_default();
    let mut attempt = 1;
    loop {
        let error = match raw::register_task_definition(ecs, input).await {
            Ok(registered) => return Ok(registered.arn),
            Err(error) => error,
        };
        if error.outcome == Outcome::NotDone {
            if error.is_throttling() && attempt < ATTEMPTS {
                tokio::time::sleep(Duration::from_secs(u64::from(attempt))).await;
                attempt += 1;
                continue;
            }
            return Err(RegisterError::Refused(error));
        }
        let planned = planned_from.and_then(names::revision);
        return match holding(ecs, family, planned, input, matching).await {
            Ok(Ok(found)) => {
                notes.push(format!(
                    "{}: the answer was lost ({}); read back: {} holds the new revision",
                    error.call,
                    error.reason,
                    printable(names::short_task_definition(&found))
                ));
                Ok(found)
            }
            Ok(Err(newest)) => Err(RegisterError::NotRegistered {
                read_back: match (newest, planned_from) {
                    (None, None) => format!("{} still has no revision", printable(family)),
                    (Some(newest), Some(planned)) if newest == planned => format!(
                        "{} is still the latest",
                        printable(names::short_task_definition(planned))
                    ),
                    (_, planned) => format!(
                        "no revision since {} holds it",
                        planned.map_or_else(
                            || "the plan".to_owned(),
                            |p| printable(names::short_task_definition(p)).into_owned()
                        )
                    ),
                },
                error,
            }),
            Err(read_back) => Err(RegisterError::Unknown {
                error,
                read_back,
                family: family.to_owned(),
            }),
        };
    }
}

/// The newest revision registered after `since` that holds `input`, or
/// else the family's newest revision, if any.
async fn holding(
    ecs: &aws_sdk_ecs::Client,
    family: &str,
    since: Option<u32>,
    input: &Value,
    matching: Match,
) -> Result<Result<String, Option<String>>, AwsError> {
    let newer = newer_revisions(ecs, family, since).await?;
    for arn in &newer {
        if matching.matches(&read_revision(ecs, arn).await?.value, input) {
            return Ok(Ok(arn.clone()));
        }
    }
    if let Some(newest) = newer.first() {
        return Ok(Err(Some(newest.clone())));
    }
    // Nothing newer: the newest is still the one the plan was made from.
    let newest = newer_revisions(ecs, family, None).await?;
    Ok(Err(newest.into_iter().next()))
}

/// `registered`, or a newer revision of its family with the same content
/// that a racing run registered. A failure to look is only a note: the
/// revision is registered either way.
async fn newest_with_the_same_content(
    ecs: &aws_sdk_ecs::Client,
    registered: &str,
    input: &Value,
    matching: Match,
    notes: &mut Vec<String>,
) -> String {
    let family = names::family(registered);
    let newest = match newer_revisions(ecs, family, names::revision(registered)).await {
        Ok(newer) => newer.into_iter().next(),
        Err(e) => {
            notes.push(format!("could not look for a newer revision: {e}"));
            None
        }
    };
    let Some(newest) = newest else {
        return registered.to_owned();
    };
    match read_revision(ecs, &newest).await {
        Ok(revision) if matching.matches(&revision.value, input) => {
            notes.push(format!(
                "{}, registered since with the same content, is used instead of {}",
                printable(names::short_task_definition(&newest)),
                printable(names::short_task_definition(registered))
            ));
            newest
        }
        Ok(_) => registered.to_owned(),
        Err(e) => {
            notes.push(format!("could not read the newer revision: {e}"));
            registered.to_owned()
        }
    }
}

/// The family's ACTIVE revisions newer than `since` (all when `None`), the
/// newest first, at most [`READ_BACK`].
async fn newer_revisions(
    ecs: &aws_sdk_ecs::Client,
    family: &str,
    since: Option<u32>,
) -> Result<Vec<String>, AwsError> {
    let listed = ecs
        .list_task_definitions()
        .family_prefix(family)
        .status(TaskDefinitionStatus::Active)
        .sort(SortOrder::Desc)
        .max_results(READ_BACK)
        .send()
        .await
        .map_err(|e| failed("ListTaskDefinitions", e))?;
    let mut newer: Vec<String> = listed
        .task_definition_arns()
        .iter()
        .filter(|arn| names::family(arn) == family)
        .filter(|arn| names::revision(arn) > since)
        .cloned()
        .collect();
    // Newest first, whatever order the endpoint keeps.
    newer.sort_by_key(|arn| std::cmp::Reverse(names::revision(arn)));
    Ok(newer)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_revision_holds_a_file_with_the_defaults_ecs_fills_in() {
        let file = json!({"family": "web", "containerDefinitions": [
            {"name": "app", "image": "x:1", "portMappings": [{"containerPort": 80}], "mountPoints": []}
        ]});
        let revision = json!({"family": "web", "containerDefinitions": [
            {"name": "app", "image": "x:1", "cpu": 0, "essential": true,
             "portMappings": [{"containerPort": 80, "hostPort": 80, "protocol": "tcp"}],
             "volumesFrom": []}
        ]});
        assert!(Match::Holds.matches(&revision, &file));
        assert!(!Match::Same.matches(&revision, &file));
        let mut changed = file.clone();
        changed["containerDefinitions"][0]["image"] = json!("x:2");
        assert!(!Match::Holds.matches(&revision, &changed));
    }

    #[test]
    fn tags_are_compared_whole_and_lists_item_by_item() {
        let tagged = json!({"family": "web", "tags": [{"key": "team", "value": "a"}]});
        let untagged = json!({"family": "web"});
        assert!(!Match::Holds.matches(&tagged, &untagged));
        assert!(Match::Holds.matches(&tagged, &tagged));
        let two =
            json!({"environment": [{"name": "A", "value": "1"}, {"name": "B", "value": "2"}]});
        let one = json!({"environment": [{"name": "A", "value": "1"}]});
        assert!(!Match::Holds.matches(&two, &one));
        assert!(Match::Same.matches(&json!({"memory": 256}), &json!({"memory": 256.0})));
    }
}
