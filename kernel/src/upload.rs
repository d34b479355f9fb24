//! Streamed request bodies (`body: 'stream'` routes): chunks handed to JavaScript as they arrive, one per
//! pull, under the same limit and deadlines as a buffered body.
//!
//! JavaScript asks for the next chunk (`serverBodyPull`, from its Readable's `_read`), the pump reads one
//! frame from hyper and sends it as a `BodyChunk` event; hyper reads no further until the next pull, so a
//! slow consumer slows the client down (TCP backpressure) instead of filling memory: at most one chunk is
//! in flight. The body limit counts as the bytes come (413 mid-body); `body_read_timeout` bounds the time
//! spent waiting for the client in all, `body_idle_timeout` each wait — time JavaScript takes between two
//! pulls is not the client's and does not count.

use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::Bytes;
use http_body_util::{BodyExt, LengthLimitError, Limited};
use hyper::body::Body;
use tokio::sync::Notify;

use crate::bridge::{Bridge, Job, StreamEvent};
use crate::error::KernelError;
use crate::limits::Limits;

/// Feeds request `id`'s body to JavaScript, one frame per notification of `pull`; returns when it ended
/// (its end or its error was sent).
pub(crate) async fn pump<B>(
    body: B,
    limit: u64,
    limits: &Limits,
    id: u64,
    bridge: &Arc<Bridge>,
    pull: &Notify,
) where
    B: Body<Data = Bytes>,
    B::Error: std::error::Error + Send + Sync + 'static,
{
    let event = match read(body, limit, limits, id, bridge, pull).await {
        Ok(()) => StreamEvent::BodyEnd,
        Err(Ended::Client) => StreamEvent::BodyAborted,
        Err(Ended::Error(e)) => StreamEvent::BodyError(e),
    };
    bridge.push(Job::Stream { id, event });
}

/// Why a streamed body stopped early.
enum Ended {
    /// The connection closed mid-body: the client went away (not a bad request).
    Client,
    Error(KernelError),
}

impl From<KernelError> for Ended {
    fn from(e: KernelError) -> Self {
        Self::Error(e)
    }
}

async fn read<B>(
    body: B,
    limit: u64,
    limits: &Limits,
    id: u64,
    bridge: &Arc<Bridge>,
    pull: &Notify,
) -> Result<(), Ended>
where
    B: Body<Data = Bytes>,
    B::Error: std::error::Error + Send + Sync + 'static,
{
    let mut body = std::pin::pin!(Limited::new(
        body,
        usize::try_from(limit).unwrap_or(usize::MAX)
    ));
    let mut waited = Duration::ZERO;
    loop {
        pull.notified().await;
        // Frames until one carries data (trailers do not), or the end.
        loop {
            if body.is_end_stream() {
                return Ok(());
            }
            let left = limits
                .body_read_timeout
                .map(|total| total.saturating_sub(waited));
            let started = Instant::now();
            let frame = match [left, limits.body_idle_timeout].into_iter().flatten().min() {
                Some(wait) => tokio::time::timeout(wait, body.frame())
                    .await
                    .map_err(|_| KernelError::BodyTimeout)?,
                None => body.frame().await,
            };
            waited += started.elapsed();
            let Some(frame) = frame else { return Ok(()) };
            let frame = frame.map_err(|e| {
                if e.is::<LengthLimitError>() {
                    Ended::Error(KernelError::BodyTooLarge)
                } else if e
                    .downcast_ref::<hyper::Error>()
                    .is_some_and(|h| !h.is_parse())
                {
                    // Not a malformed body: the connection ended under it (reset, closed, incomplete).
                    Ended::Client
                } else {
                    Ended::Error(KernelError::BadRequest)
                }
            })?;
            if let Ok(data) = frame.into_data() {
                if !data.is_empty() {
                    bridge.push(Job::Stream {
                        id,
                        event: StreamEvent::BodyChunk(data),
                    });
                    break;
                }
            }
        }
    }
}
