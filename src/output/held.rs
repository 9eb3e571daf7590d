//! Writes that a stopping signal waits for. A file or a set of files is put
//! in place by several system calls (a set by one rename per file); a
//! process ended between two of them would leave a mix of old and new
//! files and its staging directory. So while a write is under way:
//!
//! - SIGINT, SIGTERM, SIGHUP and SIGQUIT are blocked in the writing thread.
//!   Where nothing handles them (`generate`, `patch`), the kernel keeps
//!   them pending and their default action ends the process the moment
//!   the write is done and they are unblocked.
//! - A lock is held that every path ending the process on another thread
//!   (the wizards' signal watchers, the hang-up watcher) takes first, with
//!   [`finish_writes`]: it waits for the write in progress, and no other
//!   starts after it.
//!
//! SIGKILL cannot be blocked: it, a crash or a power cut can still leave
//! the staging directory (`.ddecs-wizard-*`) behind.

use std::sync::{Mutex, MutexGuard, PoisonError};

use nix::sys::signal::{SigSet, SigmaskHow, Signal};

static WRITING: Mutex<()> = Mutex::new(());

/// Blocks the stopping signals in this thread until dropped, and holds the
/// write lock as long.
pub struct Held {
    /// The thread's signal mask before, put back first when dropped, so
    /// that a pending signal acts before the lock goes.
    before: Option<SigSet>,
    _lock: MutexGuard<'static, ()>,
}

fn stopping() -> SigSet {
    let mut set = SigSet::empty();
    for signal in [
        Signal::SIGINT,
        Signal::SIGTERM,
        Signal::SIGHUP,
        Signal::SIGQUIT,
    ] {
        set.add(signal);
    }
    set
}

/// Holds off the stopping signals until the returned value is dropped.
pub fn hold() -> Held {
    let lock = WRITING.lock().unwrap_or_else(PoisonError::into_inner);
    let mut before = SigSet::empty();
    let blocked = nix::sys::signal::pthread_sigmask(
        SigmaskHow::SIG_BLOCK,
        Some(&stopping()),
        Some(&mut before),
    );
    Held {
        before: blocked.is_ok().then_some(before),
        _lock: lock,
    }
}

impl Drop for Held {
    fn drop(&mut self) {
        if let Some(before) = &self.before {
            let _ = nix::sys::signal::pthread_sigmask(SigmaskHow::SIG_SETMASK, Some(before), None);
        }
    }
}

/// For a thread about to end the process: waits until a write in progress
/// is done, and keeps any other from starting for the rest of the
/// process's life.
pub fn finish_writes() {
    std::mem::forget(WRITING.lock().unwrap_or_else(PoisonError::into_inner));
}

/// Waits until a write in progress is done, without keeping others off.
pub fn wait_for_writes() {
    drop(WRITING.lock().unwrap_or_else(PoisonError::into_inner));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn blocked_now() -> SigSet {
        SigSet::thread_get_mask().unwrap()
    }

    #[test]
    fn the_signals_are_blocked_while_held_and_given_back_after() {
        assert!(!blocked_now().contains(Signal::SIGTERM));
        {
            let _held = hold();
            for signal in stopping().iter() {
                assert!(blocked_now().contains(signal), "{signal:?}");
            }
        }
        assert!(!blocked_now().contains(Signal::SIGTERM));
        assert!(!blocked_now().contains(Signal::SIGINT));
    }
}
