//! `ddecs-wizard doctor --cluster NAME`: read-only. Reads the cluster (its
//! agent DAEMON service, container instances and their EC2 metadata
//! options, every service's live task definition), prints one report, and
//! exits 1 when something in it would keep traces from arriving.

use std::io::Write;

use anyhow::Result;
use thiserror::Error;

use crate::connect::connect;
use crate::diagnosis::diagnose;
use crate::{runtime, survey};
use ddecs_wizard::cli::{DoctorArgs, DoctorFormat, UsageError};
use ddecs_wizard::output::safe::printable;

/// Problems that stop traces were found: exit 1, after the report.
#[derive(Debug, Error)]
#[error("cluster {cluster}: {errors} problem{} would keep traces from arriving", if *.errors == 1 { "" } else { "s" })]
pub struct TracesBlocked {
    pub cluster: String,
    pub errors: usize,
}

pub fn run(args: &DoctorArgs, out: &mut dyn Write) -> Result<()> {
    if args.cluster.trim().is_empty() {
        return Err(UsageError("--cluster: the cluster name is empty".to_owned()).into());
    }
    let facts = runtime::block_on(async {
        let clients = connect(&args.aws).await?;
        survey::ensure_cluster(&clients, &args.cluster).await?;
        anyhow::Ok(survey::survey(&clients, &args.cluster).await?)
    })??;
    let diagnosis = diagnose(&facts);
    match args.format {
        DoctorFormat::Text => out.write_all(diagnosis.to_text().as_bytes())?,
        DoctorFormat::Json => {
            let json = serde_json::to_string_pretty(&diagnosis.to_json())?;
            writeln!(out, "{json}")?;
        }
    }
    out.flush()?;
    if diagnosis.errors() > 0 {
        return Err(TracesBlocked {
            cluster: printable(&args.cluster).into_owned(),
            errors: diagnosis.errors(),
        }
        .into());
    }
    Ok(())
}
