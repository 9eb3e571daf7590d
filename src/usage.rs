//! A mistake in how the tool was called, or input it cannot use: exit code
//! 2. The typed errors of the core ([`GivenError`](crate::core::model::given::GivenError),
//! [`NotApplicable`](crate::core::NotApplicable), the patch and input errors)
//! reach `main` as themselves; this carries the refusals that are a
//! sentence of their own.

/// A refusal: the whole message says what is wrong and what to do.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct UsageError(pub String);
