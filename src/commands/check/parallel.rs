//! Checking files on every core while the output keeps the walk's order:
//! workers take files from a queue, and results are handed on in sequence.
//! At most a small window of files is in flight, so memory does not grow
//! with the number of files.

use std::collections::BTreeMap;
use std::sync::mpsc::{channel, Receiver, Sender};
use std::sync::{Arc, Mutex};
use std::thread::Scope;

/// Files in flight per worker: enough to keep each busy while the main
/// thread writes, few enough to keep memory flat.
const WINDOW_PER_WORKER: usize = 8;

/// `items` mapped through `work`, in order. With one worker (or one core)
/// no thread is started.
pub fn ordered_map<'scope, I, T, R, F>(
    scope: &'scope Scope<'scope, '_>,
    items: I,
    workers: usize,
    work: &'scope F,
) -> Box<dyn Iterator<Item = R> + 'scope>
where
    I: Iterator<Item = T> + 'scope,
    T: Send + 'scope,
    R: Send + 'scope,
    F: Fn(T) -> R + Sync,
{
    if workers <= 1 {
        return Box::new(items.map(work));
    }
    let (jobs, queue) = channel::<(usize, T)>();
    let queue = Arc::new(Mutex::new(queue));
    let (results, done) = channel::<(usize, R)>();
    for _ in 0..workers {
        let queue = Arc::clone(&queue);
        let results = results.clone();
        scope.spawn(move || loop {
            // The lock is held only while taking a job, not while working.
            let job = match queue.lock() {
                Ok(queue) => queue.recv(),
                Err(_) => return,
            };
            let Ok((sequence, item)) = job else { return };
            if results.send((sequence, work(item))).is_err() {
                return;
            }
        });
    }
    Box::new(Ordered {
        items,
        jobs: Some(jobs),
        done,
        sent: 0,
        next: 0,
        waiting: BTreeMap::new(),
        window: workers * WINDOW_PER_WORKER,
    })
}

struct Ordered<I, T, R> {
    items: I,
    /// Dropped once the items run out, which lets the workers finish.
    jobs: Option<Sender<(usize, T)>>,
    done: Receiver<(usize, R)>,
    sent: usize,
    next: usize,
    /// Results that arrived before their turn.
    waiting: BTreeMap<usize, R>,
    window: usize,
}

impl<I: Iterator<Item = T>, T, R> Iterator for Ordered<I, T, R> {
    type Item = R;

    fn next(&mut self) -> Option<R> {
        loop {
            while self.sent - self.next < self.window {
                let Some(jobs) = &self.jobs else { break };
                match self.items.next() {
                    Some(item) => {
                        if jobs.send((self.sent, item)).is_err() {
                            self.jobs = None;
                            break;
                        }
                        self.sent += 1;
                    }
                    None => self.jobs = None,
                }
            }
            if let Some(result) = self.waiting.remove(&self.next) {
                self.next += 1;
                return Some(result);
            }
            if self.next == self.sent {
                return None;
            }
            let (sequence, result) = self.done.recv().ok()?;
            self.waiting.insert(sequence, result);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn results_come_in_order_whatever_the_workers_do() {
        let slow_first = |n: u64| {
            if n.is_multiple_of(7) {
                std::thread::sleep(std::time::Duration::from_millis(2));
            }
            n * 2
        };
        for workers in [1, 2, 4] {
            let out: Vec<u64> = std::thread::scope(|scope| {
                ordered_map(scope, 0..100u64, workers, &slow_first).collect()
            });
            assert_eq!(
                out,
                (0..100).map(|n| n * 2).collect::<Vec<_>>(),
                "{workers}"
            );
        }
    }

    #[test]
    fn stopping_early_lets_the_workers_finish() {
        let double = |n: u64| n * 2;
        let first: Vec<u64> =
            std::thread::scope(|scope| ordered_map(scope, 0.., 2, &double).take(3).collect());
        assert_eq!(first, [0, 2, 4]);
    }
}
