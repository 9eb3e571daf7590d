//! Running independent AWS calls at the same time, a bounded number at once.
//!
//! The bound keeps a large cluster from tripping ECS's request throttling
//! (the SDK retries throttled calls, but each retry waits); results come
//! back in input order so that reports do not depend on timing.

use std::future::Future;

use tokio::task::JoinSet;

/// How many calls run at once: enough to hide the round trip, well under
/// the burst rates ECS and EC2 allow for describe and list calls.
pub const LIMIT: usize = 8;

/// Runs every job, at most `limit` at a time, and returns their outputs in
/// the order of `jobs`.
pub async fn run_all<T, F>(jobs: Vec<F>, limit: usize) -> Vec<T>
where
    F: Future<Output = T> + Send + 'static,
    T: Send + 'static,
{
    let total = jobs.len();
    let mut results: Vec<Option<T>> = (0..total).map(|_| None).collect();
    let mut pending = jobs.into_iter().enumerate();
    let mut running = JoinSet::new();
    loop {
        while running.len() < limit.max(1) {
            let Some((index, job)) = pending.next() else {
                break;
            };
            running.spawn(async move { (index, job.await) });
        }
        let Some(joined) = running.join_next().await else {
            break;
        };
        match joined {
            Ok((index, output)) => results[index] = Some(output),
            // A panic in a job is a bug of ours: let it surface as one.
            Err(error) => std::panic::resume_unwind(error.into_panic()),
        }
    }
    results
        .into_iter()
        .map(|r| r.expect("every job ran to completion"))
        .collect()
}

/// Splits `items` into batches of at most `size`, the most one call takes.
pub fn batches<T: Clone>(items: &[T], size: usize) -> Vec<Vec<T>> {
    items.chunks(size.max(1)).map(<[T]>::to_vec).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Arc;

    #[test]
    fn results_keep_input_order_and_the_bound_holds() {
        let running = Arc::new(AtomicUsize::new(0));
        let most = Arc::new(AtomicUsize::new(0));
        let jobs: Vec<_> = (0..20u64)
            .map(|i| {
                let running = Arc::clone(&running);
                let most = Arc::clone(&most);
                async move {
                    let now = running.fetch_add(1, Ordering::SeqCst) + 1;
                    most.fetch_max(now, Ordering::SeqCst);
                    // Later jobs finish first, so order comes from the index.
                    for _ in 0..(20 - i) {
                        tokio::task::yield_now().await;
                    }
                    running.fetch_sub(1, Ordering::SeqCst);
                    i
                }
            })
            .collect();
        let out = crate::runtime::block_on(run_all(jobs, 3)).unwrap();
        assert_eq!(out, (0..20).collect::<Vec<_>>());
        assert_eq!(most.load(Ordering::SeqCst), 3);
    }

    #[test]
    fn batches_respect_the_size() {
        let items: Vec<u32> = (0..205).collect();
        let sizes: Vec<usize> = batches(&items, 100).iter().map(Vec::len).collect();
        assert_eq!(sizes, [100, 100, 5]);
        assert!(batches::<u32>(&[], 100).is_empty());
    }
}
