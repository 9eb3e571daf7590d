//! The ground floor: the answers ([`config::Config`] and its closed sets),
//! what can be wrong with them, per-language defaults, Datadog's
//! constants and its tracer-injection facts. Everything above builds on this; this imports nothing above.

pub mod agent_settings;
pub mod choices;
pub mod config;
pub mod datadog;
pub mod error;
pub mod features;
pub mod field;
pub mod given;
pub mod language;
pub mod logs;
pub mod socket;
pub mod tracer;
