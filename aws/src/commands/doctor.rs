//! `ddecs-wizard doctor`: read-only. Reads each cluster asked for (its
//! agent DAEMON service or Managed Instances daemons, container instances
//! and their EC2 metadata options, every service's live task definition,
//! what the agent needs from IAM and ECR), in one region or many, prints
//! one report, and exits 1 when something in it would keep traces from
//! arriving.

use std::io::Write;

use anyhow::Result;
use thiserror::Error;

use crate::fleet::doctor::{examine, Outcome};
use crate::runtime;
use ddecs_wizard::cli::{DoctorArgs, DoctorFormat};
use ddecs_wizard::output::safe::printable;

/// Problems that stop traces were found: exit 1, after the report.
#[derive(Debug, Error)]
#[error("{where_}: {errors} problem{} would keep traces from arriving", if *.errors == 1 { "" } else { "s" })]
pub struct TracesBlocked {
    /// `cluster prod`, or `3 of 30 clusters`.
    pub where_: String,
    pub errors: usize,
}

pub fn run(args: &DoctorArgs, out: &mut dyn Write) -> Result<()> {
    let mut examined = runtime::block_on(examine(args))??;
    // One cluster that could not be read fails as any AWS call does.
    if examined.single {
        if let [Outcome::NotExamined { .. }] = examined.outcomes.as_slice() {
            if let Some(Outcome::NotExamined { error, .. }) = examined.outcomes.pop() {
                return Err(error.into());
            }
        }
    }
    match args.format {
        DoctorFormat::Text => out.write_all(examined.to_text().as_bytes())?,
        DoctorFormat::Json => {
            writeln!(
                out,
                "{}",
                serde_json::to_string_pretty(&examined.to_json())?
            )?;
        }
        DoctorFormat::Sarif => {
            writeln!(
                out,
                "{}",
                serde_json::to_string_pretty(&examined.to_sarif())?
            )?;
        }
    }
    out.flush()?;
    let totals = examined.totals();
    if totals.errors > 0 {
        let where_ = match (examined.single, examined.outcomes.first()) {
            (true, Some(Outcome::Judged(d))) => format!("cluster {}", printable(&d.cluster)),
            _ => format!("{} of {} clusters", totals.blocked, totals.clusters),
        };
        return Err(TracesBlocked {
            where_,
            errors: totals.errors,
        }
        .into());
    }
    Ok(())
}
