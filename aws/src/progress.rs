//! A progress line for long AWS work (a fleet's doctor, deployments being
//! followed): one line on stderr, redrawn in place, and only when stderr is
//! a terminal, so that a pipe or a CI log never gets carriage returns or
//! escape codes. It is cleared before anything else is printed.

use std::io::{self, IsTerminal, Write};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::task::JoinHandle;

/// How often a ticking line is redrawn.
const TICK: Duration = Duration::from_millis(250);

/// Counters that work in progress bumps, shown by a [`Ticker`].
#[derive(Debug, Default)]
pub struct Counter {
    done: AtomicUsize,
    total: AtomicUsize,
}

impl Counter {
    pub fn new() -> Arc<Counter> {
        Arc::new(Counter::default())
    }

    pub fn add_total(&self, n: usize) {
        self.total.fetch_add(n, Ordering::Relaxed);
    }

    pub fn done_one(&self) {
        self.done.fetch_add(1, Ordering::Relaxed);
    }

    pub fn done(&self) -> usize {
        self.done.load(Ordering::Relaxed)
    }

    pub fn total(&self) -> usize {
        self.total.load(Ordering::Relaxed)
    }
}

/// Whether progress is drawn at all: stderr is a terminal.
pub fn wanted() -> bool {
    io::stderr().is_terminal()
}

/// Draws `text` as the progress line (no-op off a terminal).
pub fn draw(text: &str) {
    if wanted() {
        let mut err = io::stderr().lock();
        let _ = write!(err, "\r{text}\x1b[K");
        let _ = err.flush();
    }
}

/// Clears the progress line, so that the next output starts clean.
pub fn clear() {
    if wanted() {
        let mut err = io::stderr().lock();
        let _ = write!(err, "\r\x1b[K");
        let _ = err.flush();
    }
}

/// Redraws a line from shared state every quarter second until stopped.
pub struct Ticker {
    handle: Option<JoinHandle<()>>,
}

impl Ticker {
    /// Starts redrawing `line()` (nothing at all off a terminal).
    pub fn start<F>(line: F) -> Ticker
    where
        F: Fn() -> String + Send + 'static,
    {
        if !wanted() {
            return Ticker { handle: None };
        }
        let handle = tokio::spawn(async move {
            loop {
                draw(&line());
                tokio::time::sleep(TICK).await;
            }
        });
        Ticker {
            handle: Some(handle),
        }
    }

    /// A ticker that shows `label: DONE of TOTAL` from `counter`, where
    /// `label` can change as the work moves on.
    pub fn counting(label: Arc<Mutex<String>>, counter: Arc<Counter>) -> Ticker {
        Ticker::start(move || {
            let label = label.lock().map(|l| l.clone()).unwrap_or_default();
            format!("{label}: {} of {}", counter.done(), counter.total())
        })
    }

    pub fn stop(mut self) {
        self.halt();
    }

    fn halt(&mut self) {
        if let Some(handle) = self.handle.take() {
            handle.abort();
            clear();
        }
    }
}

impl Drop for Ticker {
    fn drop(&mut self) {
        self.halt();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counter_counts() {
        let counter = Counter::new();
        counter.add_total(3);
        counter.done_one();
        assert_eq!((counter.done(), counter.total()), (1, 3));
    }
}
