//! Response bodies: whole bytes (what most replies are), a pipe JavaScript writes chunks into (streamed
//! replies), or a file the kernel reads itself (`reply.file`: the bytes never enter JavaScript).
//!
//! A pipe holds at most about `HIGH_WATER` bytes: past it `write` answers `Full` and JavaScript stops
//! producing until the body, polled by hyper as the socket takes bytes, goes under `LOW_WATER` and sends
//! it a `Drain` event. Neither side queues without bound. Streamed and file bodies tell JavaScript how they
//! ended (`Done`: every byte handed to hyper, or cut — the client went away, the drain's deadline), so
//! onResponse runs after the last byte or the abort.

use std::collections::VecDeque;
use std::io;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, Waker};

use bytes::{Bytes, BytesMut};
use hyper::body::{Body, Frame, SizeHint};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncSeekExt};

use crate::bridge::{Bridge, Job, StreamEvent, lock};

/// Bytes a pipe holds before `write` answers `Full`.
pub(crate) const HIGH_WATER: usize = 64 * 1024;
/// Bytes under which a `Full` pipe asks JavaScript for more.
const LOW_WATER: usize = 16 * 1024;
/// Most bytes one frame joins from queued chunks (small writes, SSE events, leave as one socket write).
const MAX_FRAME: usize = 64 * 1024;
/// Bytes read from a file per frame.
const FILE_CHUNK: usize = 64 * 1024;

/// The body of every response the kernel sends.
pub(crate) enum KernelBody {
    Whole(Option<Bytes>),
    Pipe(PipeBody),
    File(FileBody),
}

impl KernelBody {
    pub(crate) fn whole(bytes: Bytes) -> Self {
        Self::Whole((!bytes.is_empty()).then_some(bytes))
    }

    pub(crate) fn empty() -> Self {
        Self::Whole(None)
    }

    /// Drops a body that is not sent (the answer to a HEAD request): a streamed or file body reports that
    /// it ended as delivered, and a pipe refuses further writes.
    pub(crate) fn discard(self) {
        match self {
            Self::Whole(_) => {}
            Self::Pipe(mut pipe) => pipe.notice.finish(true),
            Self::File(mut file) => file.notice.finish(true),
        }
    }
}

impl Body for KernelBody {
    type Data = Bytes;
    type Error = io::Error;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, io::Error>>> {
        match self.get_mut() {
            Self::Whole(bytes) => Poll::Ready(bytes.take().map(|b| Ok(Frame::data(b)))),
            Self::Pipe(pipe) => pipe.poll(cx),
            Self::File(file) => file.poll(cx),
        }
    }

    fn is_end_stream(&self) -> bool {
        match self {
            Self::Whole(bytes) => bytes.is_none(),
            Self::Pipe(_) => false,
            Self::File(file) => file.remaining == 0,
        }
    }

    fn size_hint(&self) -> SizeHint {
        match self {
            Self::Whole(bytes) => {
                SizeHint::with_exact(bytes.as_ref().map_or(0, |b| b.len() as u64))
            }
            Self::Pipe(pipe) => pipe
                .length
                .map_or_else(SizeHint::default, SizeHint::with_exact),
            Self::File(file) => SizeHint::with_exact(file.remaining),
        }
    }
}

/// Tells JavaScript, once, how a streamed or file body ended; dropped unsent, it reports a cut.
pub(crate) struct EndNotice {
    id: u64,
    bridge: Arc<Bridge>,
    sent: bool,
}

impl EndNotice {
    pub(crate) fn new(id: u64, bridge: Arc<Bridge>) -> Self {
        Self {
            id,
            bridge,
            sent: false,
        }
    }

    fn finish(&mut self, completed: bool) {
        if !std::mem::replace(&mut self.sent, true) {
            self.bridge.push(Job::Stream {
                id: self.id,
                event: StreamEvent::Done(completed),
            });
        }
    }
}

impl Drop for EndNotice {
    fn drop(&mut self) {
        self.finish(false);
    }
}

/// What `Pipe::write` did with a chunk (`WRITE_*` in internal/native.ts).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Write {
    /// Queued; write more.
    Accepted,
    /// Queued, and the pipe is full: wait for the `Drain` event.
    Full,
    /// The body is gone (client left, drain cut it): stop producing.
    Gone,
}

impl Write {
    /// The number `serverStreamWrite` answers.
    pub(crate) fn code(self) -> i64 {
        match self {
            Self::Accepted => 0,
            Self::Full => 1,
            Self::Gone => 2,
        }
    }
}

#[derive(Default)]
struct PipeState {
    chunks: VecDeque<Bytes>,
    queued: usize,
    ended: bool,
    failed: bool,
    gone: bool,
    /// `write` answered Full and JavaScript waits for `Drain`.
    blocked: bool,
    waker: Option<Waker>,
}

/// The shared end of a streamed reply: JavaScript writes (through `serverStreamWrite`), the body reads.
#[derive(Default)]
pub(crate) struct Pipe {
    state: Mutex<PipeState>,
}

impl Pipe {
    pub(crate) fn write(&self, chunk: Bytes) -> Write {
        let waker = {
            let mut s = lock(&self.state);
            if s.gone || s.ended {
                return Write::Gone;
            }
            if chunk.is_empty() {
                return if s.blocked {
                    Write::Full
                } else {
                    Write::Accepted
                };
            }
            s.queued += chunk.len();
            s.chunks.push_back(chunk);
            if s.queued >= HIGH_WATER {
                s.blocked = true;
            }
            s.waker.take()
        };
        if let Some(w) = waker {
            w.wake();
        }
        if lock(&self.state).blocked {
            Write::Full
        } else {
            Write::Accepted
        }
    }

    /// No more chunks: the body ends after the queued ones (or fails, cutting the response, when `failed`).
    pub(crate) fn end(&self, failed: bool) {
        let waker = {
            let mut s = lock(&self.state);
            s.ended = true;
            s.failed |= failed;
            s.waker.take()
        };
        if let Some(w) = waker {
            w.wake();
        }
    }
}

/// The response side of a pipe.
pub(crate) struct PipeBody {
    pipe: Arc<Pipe>,
    notice: EndNotice,
    /// A length JavaScript declared (`Content-Length`), else chunked.
    length: Option<u64>,
    /// hyper may hold bytes of this reply it has not flushed (the head, a data frame since the last wait): a
    /// failure then waits one poll, so they reach the client before the cut.
    unflushed: bool,
}

impl PipeBody {
    pub(crate) fn new(pipe: Arc<Pipe>, notice: EndNotice, length: Option<u64>) -> Self {
        Self {
            pipe,
            notice,
            length,
            unflushed: true,
        }
    }

    fn poll(&mut self, cx: &mut Context<'_>) -> Poll<Option<Result<Frame<Bytes>, io::Error>>> {
        let mut s = lock(&self.pipe.state);
        if let Some(first) = s.chunks.pop_front() {
            let frame = if s.chunks.is_empty() || first.len() >= MAX_FRAME {
                first
            } else {
                let mut joined = BytesMut::with_capacity(MAX_FRAME.min(s.queued));
                joined.extend_from_slice(&first);
                while let Some(next) = s.chunks.front() {
                    if joined.len() + next.len() > MAX_FRAME {
                        break;
                    }
                    joined.extend_from_slice(next);
                    s.chunks.pop_front();
                }
                joined.freeze()
            };
            s.queued -= frame.len();
            let drained = s.blocked && s.queued <= LOW_WATER;
            if drained {
                s.blocked = false;
            }
            drop(s);
            if drained {
                self.notice.bridge.push(Job::Stream {
                    id: self.notice.id,
                    event: StreamEvent::Drain,
                });
            }
            self.unflushed = true;
            return Poll::Ready(Some(Ok(Frame::data(frame))));
        }
        if s.failed {
            drop(s);
            if std::mem::take(&mut self.unflushed) {
                // hyper drops what it has buffered when the body fails: yield once (it flushes on Pending), so the
                // head and the chunks JavaScript wrote before the failure reach the client; fail on the next poll.
                cx.waker().wake_by_ref();
                return Poll::Pending;
            }
            self.notice.finish(false);
            return Poll::Ready(Some(Err(io::Error::other("the reply's stream failed"))));
        }
        if s.ended {
            drop(s);
            self.notice.finish(true);
            return Poll::Ready(None);
        }
        self.unflushed = false;
        s.waker = Some(cx.waker().clone());
        Poll::Pending
    }
}

impl Drop for PipeBody {
    fn drop(&mut self) {
        let mut s = lock(&self.pipe.state);
        s.gone = true;
        s.chunks.clear();
        s.queued = 0;
    }
}

/// A file region read by the kernel, `FILE_CHUNK` bytes per frame.
pub(crate) struct FileBody {
    file: tokio::io::Take<tokio::fs::File>,
    remaining: u64,
    notice: EndNotice,
}

impl FileBody {
    /// Opens `path` at `start` for `len` bytes.
    pub(crate) async fn open(
        path: &str,
        start: u64,
        len: u64,
        notice: EndNotice,
    ) -> io::Result<Self> {
        let mut file = tokio::fs::File::open(path).await?;
        if start > 0 {
            file.seek(io::SeekFrom::Start(start)).await?;
        }
        Ok(Self {
            file: file.take(len),
            remaining: len,
            notice,
        })
    }

    fn poll(&mut self, cx: &mut Context<'_>) -> Poll<Option<Result<Frame<Bytes>, io::Error>>> {
        if self.remaining == 0 {
            self.notice.finish(true);
            return Poll::Ready(None);
        }
        let want = FILE_CHUNK.min(usize::try_from(self.remaining).unwrap_or(FILE_CHUNK));
        let mut buf = BytesMut::zeroed(want);
        let mut read_buf = tokio::io::ReadBuf::new(&mut buf);
        match Pin::new(&mut self.file).poll_read(cx, &mut read_buf) {
            Poll::Pending => Poll::Pending,
            Poll::Ready(Err(e)) => {
                self.notice.finish(false);
                Poll::Ready(Some(Err(e)))
            }
            Poll::Ready(Ok(())) => {
                let n = read_buf.filled().len();
                if n == 0 {
                    // The file is shorter than JavaScript saw it: the response cannot be completed.
                    self.notice.finish(false);
                    return Poll::Ready(Some(Err(io::Error::new(
                        io::ErrorKind::UnexpectedEof,
                        "the file shrank while it was sent",
                    ))));
                }
                buf.truncate(n);
                self.remaining -= n as u64;
                if self.remaining == 0 {
                    self.notice.finish(true);
                }
                Poll::Ready(Some(Ok(Frame::data(buf.freeze()))))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ts_source::{const_number, declaring};

    #[test]
    fn write_outcomes_and_stream_events_equal_native_ts() {
        let (path, source) = declaring("export const STREAM_DRAIN =");
        let bridge = |event: StreamEvent| i64::from(event.kind_for_tests());
        let expected = [
            ("WRITE_ACCEPTED", Write::Accepted.code()),
            ("WRITE_FULL", Write::Full.code()),
            ("WRITE_GONE", Write::Gone.code()),
            ("STREAM_DRAIN", bridge(StreamEvent::Drain)),
            ("STREAM_DONE", bridge(StreamEvent::Done(true))),
            (
                "STREAM_BODY_CHUNK",
                bridge(StreamEvent::BodyChunk(Bytes::new())),
            ),
            ("STREAM_BODY_END", bridge(StreamEvent::BodyEnd)),
            (
                "STREAM_BODY_ERROR",
                bridge(StreamEvent::BodyError(
                    crate::error::KernelError::BadRequest,
                )),
            ),
            ("STREAM_BODY_ABORTED", bridge(StreamEvent::BodyAborted)),
        ];
        for (name, value) in expected {
            assert_eq!(const_number(&source, name), Some(value), "{name} in {path}");
        }
    }

    #[test]
    fn a_pipe_is_full_past_its_high_water_mark_and_gone_once_ended() {
        let pipe = Pipe::default();
        assert_eq!(
            pipe.write(Bytes::from(vec![0; HIGH_WATER - 1])),
            Write::Accepted
        );
        assert_eq!(pipe.write(Bytes::from_static(b"x")), Write::Full);
        pipe.end(false);
        assert_eq!(pipe.write(Bytes::from_static(b"y")), Write::Gone);
    }
}
