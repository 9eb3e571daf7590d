//! The AWS-connected commands of ddecs-wizard (`pull`, `apply`, `register`,
//! `doctor`), in a package of their own: the AWS SDK is the largest part of
//! the build by far, and the wizard and the offline commands never run it,
//! so `cargo run --release` in the main package never compiles it.
//! `ddecs-wizard` hands these commands over to this package's program,
//! `ddecs-wizard-aws`, which takes the same command line.
//!
//! What the commands share: the standard AWS configuration, one-line errors
//! that name the call, task definitions as the JSON the API speaks, the ECS
//! and EC2 calls they make (batched and concurrent where the API allows),
//! and the confirmation every write goes through. The async runtime and the
//! AWS configuration exist only while a command runs.

pub mod call;
pub mod commands;
pub mod concurrent;
pub mod confirm;
pub mod connect;
pub mod daemon;
pub mod diagnosis;
pub mod ec2;
pub mod ecr;
pub mod ecs;
pub mod fleet;
pub mod iam;
pub mod names;
pub mod policy;
pub mod progress;
pub mod raw;
pub mod registration;
pub mod rollout;
pub mod runtime;
pub mod survey;
pub mod verify;
