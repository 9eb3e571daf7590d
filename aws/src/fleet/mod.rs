//! The fleet-wide commands: `doctor` over many clusters and regions, and
//! `apply --all-services` over every family a cluster's services run.

pub mod apply;
pub mod doctor;
pub mod plan;
pub mod report;
