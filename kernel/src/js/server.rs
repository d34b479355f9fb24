//! `serverNew`, `serverRoute`, `serverReady`, `serverServing`, `serverListen`, `serverClose`, and the handle
//! JavaScript holds: the kernel plus what keeps Node's event loop alive for it.

use std::sync::{Arc, Mutex, Weak};
use std::time::Duration;

use bytes::Bytes;
use neon::prelude::*;

use super::throw;
use crate::bridge::{Bridge, lock};
use crate::kernel::Kernel;
use crate::limits::{Limits, count, millis};
use crate::router::RouteInfo;
use crate::{runtime, server};

/// The servers of this process by number, for worker threads to attach to (`serverAttach`, js/worker.rs);
/// weak: a closed, collected server is gone.
static SERVERS: Mutex<Vec<Weak<Kernel>>> = Mutex::new(Vec::new());

/// Numbers a new server; the number is what `serverId` answers.
fn number(kernel: &Arc<Kernel>) -> u32 {
    let mut servers = lock(&SERVERS);
    servers.push(Arc::downgrade(kernel));
    (servers.len() - 1) as u32
}

/// Server `id` of this process, while it exists.
pub(super) fn numbered(id: u32) -> Option<Arc<Kernel>> {
    lock(&SERVERS).get(id as usize).and_then(Weak::upgrade)
}

/// The JavaScript handle of one server, on one JavaScript thread: the creating thread's (`serverNew`), or a
/// worker thread's (`serverAttach`, js/worker.rs). Each has its own bridge; every call answers through it.
pub(super) struct ServerBox {
    pub(super) kernel: Arc<Kernel>,
    /// This thread's bridge: the requests it answers, the jobs it runs.
    pub(super) bridge: Arc<Bridge>,
    /// The number worker threads attach by (`serverId`).
    pub(super) server_id: u32,
    /// Referenced while listening or while injected requests are running.
    liveness: Mutex<Liveness>,
}

/// The channels a server sends on are unref'd, so an idle server never keeps Node alive; this
/// one is referenced while the kernel has work JavaScript waits for, and unref'd again after.
struct Liveness {
    channel: Channel,
    holds: usize,
}

impl Finalize for ServerBox {}

pub(super) type Server<'a> = Handle<'a, JsBox<ServerBox>>;

impl ServerBox {
    /// A handle for the current JavaScript thread: `dispatch`, `abort` and `stream` are its callbacks.
    pub(super) fn on_this_thread(
        cx: &mut FunctionContext,
        kernel: Arc<Kernel>,
        server_id: u32,
        [dispatch, abort, stream]: [Root<JsFunction>; 3],
    ) -> Self {
        let mut channel = cx.channel();
        channel.unref(cx);
        let mut liveness = cx.channel();
        liveness.unref(cx);
        let bridge = Arc::new(Bridge::new(
            kernel.bridge_id(),
            channel,
            dispatch,
            abort,
            stream,
        ));
        Self {
            kernel,
            bridge,
            server_id,
            liveness: Mutex::new(Liveness {
                channel: liveness,
                holds: 0,
            }),
        }
    }

    /// Keeps Node alive while the kernel has work JavaScript waits for (JS thread only).
    pub(super) fn hold<'a, C: Context<'a>>(&self, cx: &mut C) {
        let mut l = lock(&self.liveness);
        l.holds += 1;
        if l.holds == 1 {
            l.channel.reference(cx);
        }
    }

    pub(super) fn release<'a, C: Context<'a>>(&self, cx: &mut C) {
        let mut l = lock(&self.liveness);
        l.holds = l.holds.saturating_sub(1);
        if l.holds == 0 {
            l.channel.unref(cx);
        }
    }

    /// After drain: nothing of this server keeps Node alive any more.
    pub(super) fn release_all<'a, C: Context<'a>>(&self, cx: &mut C) {
        let mut l = lock(&self.liveness);
        l.holds = 0;
        l.channel.unref(cx);
    }
}

/// A number option, 0 when absent or not a number (0 disables a limit).
fn num_opt(cx: &mut FunctionContext, obj: Handle<JsObject>, key: &str) -> NeonResult<f64> {
    let v: Handle<JsValue> = obj.get_value(cx, key)?;
    Ok(v.downcast::<JsNumber, _>(cx)
        .map(|n| n.value(cx))
        .unwrap_or(0.0))
}

pub(super) fn server_new(mut cx: FunctionContext) -> JsResult<JsBox<ServerBox>> {
    let opts = cx.argument::<JsObject>(0)?;
    let dispatch = cx.argument::<JsFunction>(1)?.root(&mut cx);
    let abort = cx.argument::<JsFunction>(2)?.root(&mut cx);
    let stream = cx.argument::<JsFunction>(3)?.root(&mut cx);
    let limits = Limits {
        body_limit: num_opt(&mut cx, opts, "bodyLimit")?.max(0.0) as u64,
        request_timeout: millis(num_opt(&mut cx, opts, "requestTimeout")?),
        header_read_timeout: millis(num_opt(&mut cx, opts, "headerReadTimeout")?),
        body_read_timeout: millis(num_opt(&mut cx, opts, "bodyReadTimeout")?),
        body_idle_timeout: millis(num_opt(&mut cx, opts, "bodyIdleTimeout")?),
        keep_alive_timeout: millis(num_opt(&mut cx, opts, "keepAliveTimeout")?),
        max_header_size: (num_opt(&mut cx, opts, "maxHeaderSize")?.max(0.0) as usize).max(1024),
        // hyper reserves two slots per allowed field for each head it parses: bounded here, whatever JavaScript says.
        max_header_count: (num_opt(&mut cx, opts, "maxHeaderCount")?.max(0.0) as usize)
            .clamp(1, 10_000),
        max_connections: count(num_opt(&mut cx, opts, "maxConnections")?),
        max_pending: count(num_opt(&mut cx, opts, "maxPending")?),
        max_body_readers: count(num_opt(&mut cx, opts, "maxBodyReaders")?),
        threads: num_opt(&mut cx, opts, "threads")?.max(0.0) as usize,
    };
    let prefix_value: Handle<JsValue> = opts.get_value(&mut cx, "requestIdPrefix")?;
    let prefix = prefix_value
        .downcast::<JsString, _>(&mut cx)
        .map(|s| s.value(&mut cx))
        .unwrap_or_else(|_| "req".into());
    // The first server decides the runtime's worker count.
    runtime(limits.threads);

    let kernel = Arc::new(Kernel::new(limits, prefix));
    let server_id = number(&kernel);
    let this = ServerBox::on_this_thread(&mut cx, kernel, server_id, [dispatch, abort, stream]);
    // The creating thread takes requests from the start (worker threads enlist when they listen).
    this.kernel.enlist(this.bridge.clone());
    Ok(cx.boxed(this))
}

pub(super) fn server_route(mut cx: FunctionContext) -> JsResult<JsUndefined> {
    let this: Server = cx.argument(0)?;
    let method = cx.argument::<JsString>(1)?.value(&mut cx);
    let pattern = cx.argument::<JsString>(2)?.value(&mut cx);
    let id = cx.argument::<JsNumber>(3)?.value(&mut cx);
    let body_limit = cx.argument::<JsNumber>(4)?.value(&mut cx);
    let timeout = cx.argument::<JsNumber>(5)?.value(&mut cx);
    let stream_body = match cx.argument_opt(6) {
        Some(v) => v
            .downcast::<JsBoolean, _>(&mut cx)
            .is_ok_and(|b| b.value(&mut cx)),
        None => false,
    };
    let info = RouteInfo {
        stream_body,
        id: id as u32,
        // -1 inherits the server's limit; a timeout of 0 means none, even if the server has one.
        body_limit: (body_limit >= 0.0).then_some(body_limit as u64),
        timeout: if timeout < 0.0 {
            None
        } else {
            millis(timeout).or(Some(Duration::MAX))
        },
    };
    match this.kernel.add_route(&method, &pattern, info) {
        Ok(()) => Ok(cx.undefined()),
        Err(e) => throw(&mut cx, e),
    }
}

pub(super) fn server_ready(mut cx: FunctionContext) -> JsResult<JsUndefined> {
    let this: Server = cx.argument(0)?;
    let unmatched = cx.argument::<JsBoolean>(1)?.value(&mut cx);
    let ready = cx.argument::<JsString>(2)?.value(&mut cx);
    let live = cx.argument::<JsString>(3)?.value(&mut cx);
    this.kernel.ready(unmatched, [ready, live]);
    Ok(cx.undefined())
}

/// What the readiness probe answers from now on: 200 while `serving`, else 503; `checks` (optional, a JSON
/// object as text) is the readiness checks' report the probe's body carries.
pub(super) fn server_serving(mut cx: FunctionContext) -> JsResult<JsUndefined> {
    let this: Server = cx.argument(0)?;
    let serving = cx.argument::<JsBoolean>(1)?.value(&mut cx);
    let checks = match cx.argument_opt(2) {
        Some(v) if v.is_a::<JsString, _>(&mut cx) => Some(Bytes::from(
            v.downcast_or_throw::<JsString, _>(&mut cx)?.value(&mut cx),
        )),
        _ => None,
    };
    *this
        .kernel
        .checks
        .write()
        .unwrap_or_else(|e| e.into_inner()) = checks;
    this.kernel
        .serving
        .store(serving, std::sync::atomic::Ordering::Release);
    Ok(cx.undefined())
}

/// `serverStats(h)`: the kernel's gauges and counters now (kernel/src/stats.rs), one plain object.
pub(super) fn server_stats(mut cx: FunctionContext) -> JsResult<JsObject> {
    let this: Server = cx.argument(0)?;
    let s = this.kernel.stats();
    let out = cx.empty_object();
    let fields = [
        ("connections", s.connections),
        ("accepted", s.accepted),
        ("requests", s.requests),
        ("queuedOrRunning", s.queued_or_running),
        ("readingBodies", s.reading_bodies),
        ("refusedConnections", s.refused_connections),
        ("refusedOverloaded", s.refused_overloaded),
        ("refusedBodyReaders", s.refused_body_readers),
        ("timedOut", s.timed_out),
        ("draining", s.draining),
        ("aborted", s.aborted),
    ];
    for (name, value) in fields {
        let v = cx.number(value as f64);
        out.set(&mut cx, name, v)?;
    }
    Ok(out)
}

pub(super) fn server_listen(mut cx: FunctionContext) -> JsResult<JsPromise> {
    let this: Server = cx.argument(0)?;
    let host = cx.argument::<JsString>(1)?.value(&mut cx);
    let port = cx.argument::<JsNumber>(2)?.value(&mut cx);
    let addr = match server::listen(&this.kernel, &host, port) {
        Ok(addr) => addr,
        Err(e) => return throw(&mut cx, e),
    };
    this.hold(&mut cx);

    let (deferred, promise) = cx.promise();
    let result = cx.empty_object();
    let address = cx.string(addr.ip().to_string());
    let port = cx.number(addr.port());
    result.set(&mut cx, "address", address)?;
    result.set(&mut cx, "port", port)?;
    deferred.resolve(&mut cx, result);
    Ok(promise)
}

pub(super) fn server_close(mut cx: FunctionContext) -> JsResult<JsPromise> {
    let this: Server = cx.argument(0)?;
    let deadline = cx.argument::<JsNumber>(1)?.value(&mut cx).max(0.0);
    let (deferred, promise) = cx.promise();
    let channel = cx.channel();
    let server = this.root(&mut cx);
    let kernel = this.kernel.clone();
    runtime(0).spawn(async move {
        let report = kernel
            .drain
            .run(Duration::from_millis(deadline as u64))
            .await;
        deferred.settle_with(&channel, move |mut cx| {
            server.into_inner(&mut cx).release_all(&mut cx);
            let out = cx.empty_object();
            let completed = cx.number(report.completed as f64);
            let aborted = cx.number(report.aborted as f64);
            out.set(&mut cx, "completed", completed)?;
            out.set(&mut cx, "aborted", aborted)?;
            Ok(out)
        });
    });
    Ok(promise)
}
