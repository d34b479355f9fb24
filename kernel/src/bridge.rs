//! The crossing into one JavaScript thread: one reused neon `Channel`, a queue drained per wake-up.
//!
//! tokio threads push jobs (requests to answer, aborts to signal); the first push after
//! the queue went empty schedules one callback on that JavaScript thread, which drains every
//! job queued by then — under load, one wake-up serves many requests. JavaScript answers
//! through `respond`, a direct synchronous call that completes the request's oneshot.
//!
//! A server has one bridge per JavaScript thread that answers its requests: Node's main thread,
//! and one per worker thread of `createApp({ workers })` (kernel.rs picks one per request).

use std::net::SocketAddr;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use bytes::Bytes;
use neon::prelude::*;
use rustc_hash::FxHashMap;
use tokio::sync::oneshot;

use crate::error::KernelError;
use crate::wire::AbortReason;

/// A request JavaScript must answer.
pub(crate) struct RequestJob {
    pub(crate) id: u64,
    /// Route id, or `ROUTE_NOT_FOUND` / `ROUTE_METHOD_NOT_ALLOWED` (wire.rs) for unmatched requests.
    pub(crate) route_id: i32,
    /// `wire::method_code`; `METHOD_OTHER` comes with the name in `other_method`.
    pub(crate) method: u8,
    pub(crate) other_method: Option<String>,
    pub(crate) url: String,
    pub(crate) headers: String,
    pub(crate) body: Option<Bytes>,
    pub(crate) params: Vec<String>,
    /// The body is not in `body`: it streams (`serverBodyPull`, `BodyChunk` events).
    pub(crate) streamed: bool,
}

/// What happened to a streamed body, for the request's JavaScript side (`StreamFn` in internal/native.ts).
pub(crate) enum StreamEvent {
    /// A full reply pipe went under its low-water mark: write again.
    Drain,
    /// A streamed or file reply ended: every byte handed to hyper (true), or cut (false).
    Done(bool),
    /// A chunk of a streamed request body, sent after a `serverBodyPull`.
    BodyChunk(Bytes),
    /// The streamed request body ended.
    BodyEnd,
    /// The streamed request body failed (too large, too slow, malformed).
    BodyError(KernelError),
    /// The client went away mid-body.
    BodyAborted,
}

impl StreamEvent {
    #[cfg(test)]
    pub(crate) fn kind_for_tests(&self) -> u8 {
        self.kind()
    }

    /// The event's number in JavaScript (`STREAM_*` in internal/native.ts).
    fn kind(&self) -> u8 {
        match self {
            Self::Drain => 0,
            Self::Done(_) => 1,
            Self::BodyChunk(_) => 2,
            Self::BodyEnd => 3,
            Self::BodyError(_) => 4,
            Self::BodyAborted => 5,
        }
    }
}

/// Work for the JavaScript thread.
pub(crate) enum Job {
    Request(RequestJob),
    Abort { id: u64, reason: AbortReason },
    Stream { id: u64, event: StreamEvent },
}

/// The body of JavaScript's answer.
pub(crate) enum ReplyBody {
    Whole(Bytes),
    /// Chunks JavaScript writes into the pipe (`serverRespondStream`).
    Pipe(std::sync::Arc<crate::body::Pipe>),
    /// `len` bytes of the file at `path` from `start`, read by the kernel (`serverRespondFile`).
    File {
        path: String,
        start: u64,
        len: u64,
    },
}

/// JavaScript's answer: status, a `name:value\n` header block and the body.
pub(crate) struct JsReply {
    pub(crate) status: u16,
    pub(crate) headers: String,
    pub(crate) body: ReplyBody,
}

struct Pending {
    tx: oneshot::Sender<JsReply>,
    peer: Option<SocketAddr>,
}

#[derive(Default)]
struct Queue {
    jobs: Vec<Job>,
    scheduled: bool,
}

/// One per JavaScript thread of a server: the channel, the two JS callbacks, the queue and the requests
/// awaiting an answer.
pub(crate) struct Bridge {
    /// 0 for the thread that created the server, then 1, 2, ... in the order worker threads attach.
    pub(crate) id: u32,
    channel: Channel,
    dispatch: Root<JsFunction>,
    abort: Root<JsFunction>,
    stream: Root<JsFunction>,
    queue: Mutex<Queue>,
    pending: Mutex<FxHashMap<u64, Pending>>,
    /// `pending.len()`, readable without the lock: the kernel sends a request to the bridge with the fewest.
    in_flight: AtomicUsize,
    /// Its JavaScript thread is leaving (`serverWithdraw`): it finishes what it holds, gets nothing new.
    withdrawn: AtomicBool,
    /// Its JavaScript thread is gone (it exited, or its channel refused a call): it gets no more requests.
    closed: AtomicBool,
}

impl Bridge {
    pub(crate) fn new(
        id: u32,
        channel: Channel,
        dispatch: Root<JsFunction>,
        abort: Root<JsFunction>,
        stream: Root<JsFunction>,
    ) -> Self {
        Self {
            id,
            channel,
            dispatch,
            abort,
            stream,
            queue: Mutex::default(),
            pending: Mutex::default(),
            in_flight: AtomicUsize::new(0),
            withdrawn: AtomicBool::new(false),
            closed: AtomicBool::new(false),
        }
    }

    /// Requests handed to this JavaScript thread and not answered yet.
    pub(crate) fn in_flight(&self) -> usize {
        self.in_flight.load(Ordering::Relaxed)
    }

    pub(crate) fn is_closed(&self) -> bool {
        self.closed.load(Ordering::Acquire)
    }

    /// Whether requests from sockets may go to it.
    pub(crate) fn is_accepting(&self) -> bool {
        !self.is_closed() && !self.withdrawn.load(Ordering::Acquire)
    }

    /// Its thread is leaving: no new requests from sockets (those it holds, and injections, still run).
    pub(crate) fn withdraw(&self) {
        self.withdrawn.store(true, Ordering::Release);
    }

    /// Registers a request awaiting JavaScript's answer; the receiver completes on `respond`.
    pub(crate) fn register(&self, id: u64, peer: Option<SocketAddr>) -> oneshot::Receiver<JsReply> {
        let (tx, rx) = oneshot::channel();
        let mut pending = lock(&self.pending);
        // Closed meanwhile (checked under the lock `close` takes): the sender drops, the request ends now.
        if self.is_closed() {
            return rx;
        }
        pending.insert(id, Pending { tx, peer });
        self.in_flight.store(pending.len(), Ordering::Relaxed);
        rx
    }

    fn take(&self, id: u64) -> Option<Pending> {
        let mut pending = lock(&self.pending);
        let taken = pending.remove(&id);
        self.in_flight.store(pending.len(), Ordering::Relaxed);
        taken
    }

    /// Forgets a request JavaScript did not answer; true when it was still pending.
    pub(crate) fn forget(&self, id: u64) -> bool {
        self.take(id).is_some()
    }

    /// Completes request `id` with JavaScript's answer; false when it is already gone.
    pub(crate) fn respond(&self, id: u64, reply: JsReply) -> bool {
        match self.take(id) {
            Some(p) => p.tx.send(reply).is_ok(),
            None => false,
        }
    }

    /// Its JavaScript thread is gone: no more jobs, and every request it held ends now (its receiver
    /// sees the sender dropped: dispatch answers 500 `VEC_ERR_WORKER_EXITED`). Returns how many.
    pub(crate) fn close(&self) -> usize {
        let lost = {
            let mut pending = lock(&self.pending);
            self.closed.store(true, Ordering::Release);
            self.in_flight.store(0, Ordering::Relaxed);
            std::mem::take(&mut *pending)
        };
        lock(&self.queue).jobs.clear();
        lost.len()
    }

    /// The peer address of a pending request.
    pub(crate) fn peer(&self, id: u64) -> Option<SocketAddr> {
        lock(&self.pending).get(&id).and_then(|p| p.peer)
    }

    /// Queues a job, waking the JavaScript thread only if no wake-up is already scheduled.
    pub(crate) fn push(self: &std::sync::Arc<Self>, job: Job) {
        if self.is_closed() {
            return;
        }
        let wake = {
            let mut q = lock(&self.queue);
            q.jobs.push(job);
            !std::mem::replace(&mut q.scheduled, true)
        };
        if wake {
            let me = self.clone();
            match tokio::runtime::Handle::try_current() {
                // Coalesce: wake JavaScript only after this worker has polled the other ready connections,
                // so the requests parsed in one scheduler tick share one wake-up (one eventfd write and one
                // context switch of Node's thread instead of one per request).
                Ok(handle) => {
                    handle.spawn(async move {
                        tokio::task::yield_now().await;
                        me.wake();
                    });
                }
                Err(_) => me.wake(),
            }
        }
    }

    fn wake(self: std::sync::Arc<Self>) {
        let me = self.clone();
        // Send fails only once the thread's environment is going away (Node exiting, a worker thread
        // ending): its requests cannot be answered there any more.
        let sent = self.channel.try_send(move |mut cx| {
            me.run_jobs(&mut cx);
            Ok(())
        });
        if sent.is_err() {
            self.close();
        }
    }

    /// On the JavaScript thread: run every queued job, until the queue stays empty.
    fn run_jobs(&self, cx: &mut TaskContext) {
        let mut batch = Vec::new();
        loop {
            {
                let mut q = lock(&self.queue);
                if q.jobs.is_empty() {
                    q.scheduled = false;
                    return;
                }
                std::mem::swap(&mut q.jobs, &mut batch);
            }
            for job in batch.drain(..) {
                // A fresh handle scope per job; a JS exception is reported, never unwound into Rust.
                let failure =
                    cx.execute_scoped(|mut cx| match cx.try_catch(|cx| self.call_js(cx, job)) {
                        Ok(()) => None,
                        Err(exception) => Some(KernelError::DispatcherThrew(exception_to_string(
                            &mut cx, exception,
                        ))),
                    });
                // The dispatcher catches everything itself; reaching here is a framework bug, so say so loudly.
                if let Some(error) = failure {
                    eprintln!("[vectora-kernel] {}: {error}", error.code());
                }
            }
        }
    }

    fn call_js<'a, C: Context<'a>>(&self, cx: &mut C, job: Job) -> NeonResult<()> {
        let undefined = cx.undefined();
        match job {
            Job::Request(r) => {
                let f = self.dispatch.to_inner(cx);
                let body: Handle<JsValue> = match r.body {
                    Some(b) => JsBuffer::from_slice(cx, &b)?.upcast(),
                    None => undefined.upcast(),
                };
                let params: Handle<JsValue> = if r.params.is_empty() {
                    undefined.upcast()
                } else {
                    let arr = JsArray::new(cx, r.params.len());
                    for (i, p) in r.params.iter().enumerate() {
                        let s = cx.string(p);
                        arr.set(cx, i as u32, s)?;
                    }
                    arr.upcast()
                };
                let other: Handle<JsValue> = match &r.other_method {
                    Some(m) => cx.string(m).upcast(),
                    None => undefined.upcast(),
                };
                let streamed: Handle<JsValue> = if r.streamed {
                    cx.boolean(true).upcast()
                } else {
                    undefined.upcast()
                };
                let args: [Handle<JsValue>; 9] = [
                    cx.number(r.id as f64).upcast(),
                    cx.number(r.route_id).upcast(),
                    cx.number(r.method).upcast(),
                    cx.string(&r.url).upcast(),
                    cx.string(&r.headers).upcast(),
                    body,
                    params,
                    other,
                    streamed,
                ];
                f.call(cx, undefined, args)?;
            }
            Job::Abort { id, reason } => {
                let f = self.abort.to_inner(cx);
                let args: [Handle<JsValue>; 2] = [
                    cx.number(id as f64).upcast(),
                    cx.number(reason as u8).upcast(),
                ];
                f.call(cx, undefined, args)?;
            }
            Job::Stream { id, event } => {
                let f = self.stream.to_inner(cx);
                let kind = cx.number(event.kind());
                let data: Handle<JsValue> = match event {
                    StreamEvent::Drain | StreamEvent::BodyEnd | StreamEvent::BodyAborted => {
                        undefined.upcast()
                    }
                    StreamEvent::Done(completed) => cx.boolean(completed).upcast(),
                    StreamEvent::BodyChunk(bytes) => JsBuffer::from_slice(cx, &bytes)?.upcast(),
                    StreamEvent::BodyError(error) => cx.string(error.code()).upcast(),
                };
                let args: [Handle<JsValue>; 3] =
                    [cx.number(id as f64).upcast(), kind.upcast(), data];
                f.call(cx, undefined, args)?;
            }
        }
        Ok(())
    }
}

fn exception_to_string<'a, C: Context<'a>>(cx: &mut C, exception: Handle<'a, JsValue>) -> String {
    exception
        .to_string(cx)
        .map(|s| s.value(cx))
        .unwrap_or_else(|_| "unknown JavaScript exception".into())
}

/// Locks a mutex, recovering from poisoning (a panic elsewhere must not wedge the server).
pub(crate) fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}
