//! What the AWS-connected commands (`pull`, `apply`, `register`, `doctor`)
//! share: the standard AWS configuration, one-line errors that name the
//! call, task definitions as the JSON the API speaks, the ECS and EC2 calls
//! they make (batched and concurrent where the API allows), and the
//! confirmation every write goes through.
//!
//! Built only with the `aws` feature. Nothing here runs at start-up: the
//! async runtime and the AWS configuration exist only while an AWS command
//! runs, so the offline commands start as fast as before.

pub mod call;
pub mod companion;
pub mod concurrent;
pub mod confirm;
pub mod connect;
pub mod daemon;
pub mod diagnosis;
pub mod ec2;
pub mod ecs;
pub mod names;
pub mod raw;
pub mod runtime;
pub mod survey;
