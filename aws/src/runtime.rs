//! The async runtime the AWS SDK needs, started by the AWS commands alone.
//!
//! One thread is enough: the work is waiting on the network, and the calls
//! that can overlap run as concurrent tasks on it (see `concurrent`).

use std::future::Future;

use anyhow::{Context, Result};

/// Runs `future` to completion on a fresh current-thread runtime.
pub fn block_on<F: Future>(future: F) -> Result<F::Output> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime for the AWS calls")?;
    Ok(runtime.block_on(future))
}
