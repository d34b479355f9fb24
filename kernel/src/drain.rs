//! Drain: stop accepting, let in-flight requests finish, close keep-alive connections
//! after their current response, force-close at the deadline, and count what happened.
//!
//! Shape of hyper-util's graceful-shutdown example, plus the deadline it leaves out:
//! `graceful` tells the accept loop and every connection to wind down; `force` cuts
//! whatever is still open when the deadline passes.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Duration;

use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;

/// Shared by the accept loop, connections, injected requests and `close`.
#[derive(Default)]
pub(crate) struct Drain {
    pub(crate) graceful: CancellationToken,
    pub(crate) force: CancellationToken,
    /// Connection tasks and injected requests.
    pub(crate) tasks: TaskTracker,
    draining: AtomicBool,
    forcing: AtomicBool,
    completed: AtomicU64,
    aborted: AtomicU64,
}

/// What a drain did, for JavaScript (`{ completed, aborted }`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct DrainReport {
    pub(crate) completed: u64,
    pub(crate) aborted: u64,
}

impl Drain {
    pub(crate) fn is_draining(&self) -> bool {
        self.draining.load(Ordering::Acquire)
    }

    /// True while the deadline is cutting connections: an abort then is the drain's doing.
    pub(crate) fn is_forcing(&self) -> bool {
        self.forcing.load(Ordering::Acquire)
    }

    pub(crate) fn count_completed(&self) {
        self.completed.fetch_add(1, Ordering::Relaxed);
    }

    pub(crate) fn count_aborted(&self) {
        self.aborted.fetch_add(1, Ordering::Relaxed);
    }

    /// Requests handed to JavaScript that ended before it answered (client gone, or a drain's deadline),
    /// since the server started (`serverStats`).
    pub(crate) fn aborted_total(&self) -> u64 {
        self.aborted.load(Ordering::Relaxed)
    }

    /// Runs the drain once; later calls wait for the same outcome window and report it again.
    pub(crate) async fn run(&self, deadline: Duration) -> DrainReport {
        let completed_before = self.completed.load(Ordering::Relaxed);
        let aborted_before = self.aborted.load(Ordering::Relaxed);
        self.draining.store(true, Ordering::Release);
        self.graceful.cancel();
        self.tasks.close();
        if tokio::time::timeout(deadline, self.tasks.wait())
            .await
            .is_err()
        {
            self.forcing.store(true, Ordering::Release);
            self.force.cancel();
            self.tasks.wait().await;
        }
        DrainReport {
            completed: self.completed.load(Ordering::Relaxed) - completed_before,
            aborted: self.aborted.load(Ordering::Relaxed) - aborted_before,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn drain_waits_for_tasks_then_reports_counts() {
        let drain = std::sync::Arc::new(Drain::default());
        let d = drain.clone();
        drain.tasks.spawn(async move {
            d.graceful.cancelled().await;
            tokio::time::sleep(Duration::from_millis(20)).await;
            d.count_completed();
        });
        let report = drain.run(Duration::from_secs(5)).await;
        assert_eq!(
            report,
            DrainReport {
                completed: 1,
                aborted: 0
            }
        );
        assert!(!drain.is_forcing());
    }

    #[tokio::test]
    async fn drain_forces_hung_tasks_at_the_deadline() {
        let drain = std::sync::Arc::new(Drain::default());
        let d = drain.clone();
        drain.tasks.spawn(async move {
            tokio::select! {
                _ = std::future::pending::<()>() => d.count_completed(),
                _ = d.force.cancelled() => d.count_aborted(),
            }
        });
        let report = drain.run(Duration::from_millis(50)).await;
        assert_eq!(
            report,
            DrainReport {
                completed: 0,
                aborted: 1
            }
        );
        assert!(drain.is_forcing());
    }
}
