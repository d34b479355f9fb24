//! Server-wide limits and tuning, read once from the options object JavaScript passes in.

use std::time::Duration;

/// Every limit the kernel enforces. A zero from JavaScript disables a limit (`None`).
#[derive(Debug, Clone, Default)]
pub(crate) struct Limits {
    /// Largest request body in bytes (routes may override).
    pub(crate) body_limit: u64,
    /// Deadline for JavaScript to answer a request; past it 503 and an abort in JS.
    pub(crate) request_timeout: Option<Duration>,
    /// Time a client has to send a complete request head (slowloris).
    pub(crate) header_read_timeout: Option<Duration>,
    /// Time a client has to send a whole body, and the longest gap between two of its chunks; past
    /// either, 408 and the connection closes (a body trickled or stalled must not hold it for ever).
    pub(crate) body_read_timeout: Option<Duration>,
    pub(crate) body_idle_timeout: Option<Duration>,
    /// How long an idle keep-alive connection stays open.
    pub(crate) keep_alive_timeout: Option<Duration>,
    /// Largest request head in bytes; past it 431.
    pub(crate) max_header_size: usize,
    /// Most header fields in a request head; past it 431.
    pub(crate) max_header_count: usize,
    /// Open connections at most; past it new ones get 503 and are closed.
    pub(crate) max_connections: Option<usize>,
    /// Requests queued for or running in JavaScript at most; past it 503 with Retry-After.
    pub(crate) max_pending: Option<usize>,
    /// Requests reading their body at most (queued for JavaScript only once read); past it 503 with Retry-After.
    pub(crate) max_body_readers: Option<usize>,
    /// tokio worker threads (0 = one per core).
    pub(crate) threads: usize,
}

pub(crate) fn millis(ms: f64) -> Option<Duration> {
    (ms > 0.0).then(|| Duration::from_millis(ms as u64))
}

pub(crate) fn count(n: f64) -> Option<usize> {
    (n > 0.0).then_some(n as usize)
}
