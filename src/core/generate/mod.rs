//! Artifacts from a [`Config`](crate::core::Config): the agent's task
//! definition and container, the app's, the tracer's init container or
//! Dockerfile lines, the entryPoint script, PHP and tracer snippets and
//! NEXT-STEPS.md, each from Datadog's reference shapes
//! in `assets/`. Reads no task definition: that is [`taskdef`](crate::core::taskdef).

pub mod agent;
pub mod app;
pub mod app_task;
pub mod artifact;
pub mod dockerfile;
pub mod entrypoint;
pub mod files;
pub mod inject;
pub mod logs;
pub mod next_steps;
pub mod php;
pub mod tracer_code;
