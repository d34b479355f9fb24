//! What the kernel counts for `serverStats` (metrics plugins read it): gauges of what is open or waiting
//! now, and counters of what was accepted, answered and refused since the server started. Relaxed atomics
//! on paths that already do atomic work: a read is a snapshot, not a transaction.

use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};

/// One server's counts; `Kernel` holds it, the connection and dispatch paths update it.
#[derive(Default)]
pub(crate) struct Stats {
    /// Connections open now.
    pub(crate) connections: AtomicUsize,
    /// Connections accepted since start (refused ones included).
    pub(crate) accepted: AtomicU64,
    /// Connections answered 503 past `maxConnections`.
    pub(crate) refused_connections: AtomicU64,
    /// Requests answered 503 past `maxPending`.
    pub(crate) refused_overloaded: AtomicU64,
    /// Requests answered 503 past `maxBodyReaders`.
    pub(crate) refused_body_readers: AtomicU64,
    /// Requests answered 503 at their deadline (`requestTimeout`).
    pub(crate) timed_out: AtomicU64,
}

/// A snapshot, in the order `serverStats` hands it to JavaScript.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Snapshot {
    pub(crate) connections: u64,
    pub(crate) accepted: u64,
    pub(crate) requests: u64,
    pub(crate) queued_or_running: u64,
    pub(crate) reading_bodies: u64,
    pub(crate) refused_connections: u64,
    pub(crate) refused_overloaded: u64,
    pub(crate) refused_body_readers: u64,
    pub(crate) timed_out: u64,
    /// 1 from the start of a drain (`close()`) on, else 0.
    pub(crate) draining: u64,
    /// Requests handed to JavaScript that ended before it answered (client gone, drain deadline) since start.
    pub(crate) aborted: u64,
}

impl Stats {
    pub(crate) fn bump(counter: &AtomicU64) {
        counter.fetch_add(1, Ordering::Relaxed);
    }

    /// The counts now; `requests`, `in_js`, `body_readers` `draining` and `aborted` are the kernel's own.
    pub(crate) fn snapshot(
        &self,
        requests: u64,
        in_js: usize,
        body_readers: usize,
        draining: bool,
        aborted: u64,
    ) -> Snapshot {
        let get = |c: &AtomicU64| c.load(Ordering::Relaxed);
        Snapshot {
            connections: self.connections.load(Ordering::Relaxed) as u64,
            accepted: get(&self.accepted),
            requests,
            queued_or_running: in_js as u64,
            reading_bodies: body_readers as u64,
            refused_connections: get(&self.refused_connections),
            refused_overloaded: get(&self.refused_overloaded),
            refused_body_readers: get(&self.refused_body_readers),
            timed_out: get(&self.timed_out),
            draining: u64::from(draining),
            aborted,
        }
    }
}
