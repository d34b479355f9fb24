//! The functions JavaScript calls (typed in kernel/ts/internal/native.ts) and the
//! mapping of kernel failures to stable `VEC_ERR_*` codes at this boundary.

use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex};

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::Request;
use neon::prelude::*;
use neon::types::buffer::TypedArray;

use crate::bridge::{Bridge, JsReply, body_from_js, lock};
use crate::dispatch::Kernel;
use crate::limits::{Limits, count, millis};
use crate::router::{RouteError, RouteInfo};
use crate::{runtime, server};

/// The JavaScript handle: the kernel plus what keeps Node's event loop alive for it.
struct ServerBox {
    kernel: Arc<Kernel>,
    /// Referenced while listening or while injected requests are running.
    liveness: Mutex<Liveness>,
}

struct Liveness {
    channel: Channel,
    holds: usize,
}

impl Finalize for ServerBox {}

type Handle_<'a> = Handle<'a, JsBox<ServerBox>>;

pub(crate) fn register(cx: &mut ModuleContext) -> NeonResult<()> {
    cx.export_function("serverNew", server_new)?;
    cx.export_function("serverRoute", server_route)?;
    cx.export_function("serverReady", server_ready)?;
    cx.export_function("serverListen", server_listen)?;
    cx.export_function("serverRespond", server_respond)?;
    cx.export_function("serverPeer", server_peer)?;
    cx.export_function("serverInject", server_inject)?;
    cx.export_function("serverClose", server_close)?;
    Ok(())
}

/// An Error with a stable `code` property.
fn coded_error<'a, C: Context<'a>>(cx: &mut C, code: &str, message: &str) -> JsResult<'a, JsError> {
    let err = cx.error(format!("{code}: {message}"))?;
    let code = cx.string(code);
    err.set(cx, "code", code)?;
    Ok(err)
}

fn throw_coded<'a, T>(cx: &mut FunctionContext<'a>, code: &str, message: &str) -> NeonResult<T> {
    let err = coded_error(cx, code, message)?;
    cx.throw(err)
}

fn num_opt(cx: &mut FunctionContext, obj: Handle<JsObject>, key: &str) -> NeonResult<f64> {
    let v: Handle<JsValue> = obj.get_value(cx, key)?;
    Ok(v.downcast::<JsNumber, _>(cx).map(|n| n.value(cx)).unwrap_or(0.0))
}

fn server_new(mut cx: FunctionContext) -> JsResult<JsBox<ServerBox>> {
    let opts = cx.argument::<JsObject>(0)?;
    let dispatch = cx.argument::<JsFunction>(1)?.root(&mut cx);
    let abort = cx.argument::<JsFunction>(2)?.root(&mut cx);
    let limits = Limits {
        body_limit: num_opt(&mut cx, opts, "bodyLimit")?.max(0.0) as u64,
        request_timeout: millis(num_opt(&mut cx, opts, "requestTimeout")?),
        header_read_timeout: millis(num_opt(&mut cx, opts, "headerReadTimeout")?),
        keep_alive_timeout: millis(num_opt(&mut cx, opts, "keepAliveTimeout")?),
        max_header_size: (num_opt(&mut cx, opts, "maxHeaderSize")?.max(0.0) as usize).max(1024),
        max_connections: count(num_opt(&mut cx, opts, "maxConnections")?),
        max_pending: count(num_opt(&mut cx, opts, "maxPending")?),
        threads: num_opt(&mut cx, opts, "threads")?.max(0.0) as usize,
    };
    let prefix_value: Handle<JsValue> = opts.get_value(&mut cx, "requestIdPrefix")?;
    let prefix = prefix_value.downcast::<JsString, _>(&mut cx).map(|s| s.value(&mut cx)).unwrap_or_else(|_| "req".into());
    runtime(limits.threads);

    let mut channel = cx.channel();
    channel.unref(&mut cx);
    let mut liveness = cx.channel();
    liveness.unref(&mut cx);
    let kernel = Arc::new(Kernel::new(limits, Bridge::new(channel, dispatch, abort), prefix));
    Ok(cx.boxed(ServerBox { kernel, liveness: Mutex::new(Liveness { channel: liveness, holds: 0 }) }))
}

impl ServerBox {
    /// Keeps Node alive while the kernel has work JavaScript waits for (JS thread only).
    fn hold<'a, C: Context<'a>>(&self, cx: &mut C) {
        let mut l = lock(&self.liveness);
        l.holds += 1;
        if l.holds == 1 {
            l.channel.reference(cx);
        }
    }

    fn release<'a, C: Context<'a>>(&self, cx: &mut C) {
        let mut l = lock(&self.liveness);
        l.holds = l.holds.saturating_sub(1);
        if l.holds == 0 {
            l.channel.unref(cx);
        }
    }
}

fn server_route(mut cx: FunctionContext) -> JsResult<JsUndefined> {
    let this: Handle_ = cx.argument(0)?;
    let method = cx.argument::<JsString>(1)?.value(&mut cx);
    let pattern = cx.argument::<JsString>(2)?.value(&mut cx);
    let id = cx.argument::<JsNumber>(3)?.value(&mut cx);
    let body_limit = cx.argument::<JsNumber>(4)?.value(&mut cx);
    let timeout = cx.argument::<JsNumber>(5)?.value(&mut cx);
    let info = RouteInfo {
        id: id as u32,
        body_limit: (body_limit >= 0.0).then_some(body_limit as u64),
        timeout: if timeout < 0.0 { None } else { millis(timeout).or(Some(std::time::Duration::MAX)) },
    };
    let result = match lock(&this.kernel.building).as_mut() {
        Some(router) => router.insert(&method, &pattern, info),
        None => return throw_coded(&mut cx, "VEC_ERR_APP_READY", "routes are frozen once the app is ready; add routes before ready(), listen() or inject()"),
    };
    match result {
        Ok(()) => Ok(cx.undefined()),
        Err(RouteError::UnknownMethod(m)) => throw_coded(&mut cx, "VEC_ERR_ROUTE_INVALID", &format!("unsupported method {m}")),
        Err(RouteError::Conflict(e)) => {
            throw_coded(&mut cx, "VEC_ERR_ROUTE_DUPLICATE", &format!("{method} {pattern} overlaps an existing route ({e})"))
        }
    }
}

fn server_ready(mut cx: FunctionContext) -> JsResult<JsUndefined> {
    let this: Handle_ = cx.argument(0)?;
    let unmatched = cx.argument::<JsBoolean>(1)?.value(&mut cx);
    this.kernel.dispatch_unmatched.store(unmatched, Ordering::Relaxed);
    if let Some(router) = lock(&this.kernel.building).take() {
        let _ = this.kernel.router.set(router);
    }
    Ok(cx.undefined())
}

fn server_listen(mut cx: FunctionContext) -> JsResult<JsPromise> {
    let this: Handle_ = cx.argument(0)?;
    let host = cx.argument::<JsString>(1)?.value(&mut cx);
    let port = cx.argument::<JsNumber>(2)?.value(&mut cx);
    if !(0.0..=65535.0).contains(&port) || port.fract() != 0.0 {
        return throw_coded(&mut cx, "VEC_ERR_INVALID_OPTION", "port must be an integer from 0 to 65535");
    }
    if this.kernel.drain.is_draining() {
        return throw_coded(&mut cx, "VEC_ERR_APP_CLOSED", "the app is closed; create a new app to listen again");
    }
    let std_listener = match server::bind(&host, port as u16) {
        Ok(l) => l,
        Err(e) => return throw_coded(&mut cx, "VEC_ERR_LISTEN_FAILED", &format!("cannot listen on {host}:{port}: {e}")),
    };
    let addr = std_listener.local_addr().map_err(|e| e.to_string());
    let rt = runtime(0);
    let listener = {
        let _enter = rt.enter();
        tokio::net::TcpListener::from_std(std_listener)
    };
    let (listener, addr) = match (listener, addr) {
        (Ok(l), Ok(a)) => (l, a),
        (Err(e), _) => return throw_coded(&mut cx, "VEC_ERR_LISTEN_FAILED", &e.to_string()),
        (_, Err(e)) => return throw_coded(&mut cx, "VEC_ERR_LISTEN_FAILED", &e),
    };
    this.hold(&mut cx);
    this.kernel.drain.tasks.spawn_on(server::serve(this.kernel.clone(), listener), rt.handle());

    let (deferred, promise) = cx.promise();
    let result = cx.empty_object();
    let address = cx.string(addr.ip().to_string());
    let port = cx.number(addr.port());
    result.set(&mut cx, "address", address)?;
    result.set(&mut cx, "port", port)?;
    deferred.resolve(&mut cx, result);
    Ok(promise)
}

fn server_respond(mut cx: FunctionContext) -> JsResult<JsBoolean> {
    let this: Handle_ = cx.argument(0)?;
    let id = cx.argument::<JsNumber>(1)?.value(&mut cx) as u64;
    let status = cx.argument::<JsNumber>(2)?.value(&mut cx);
    let headers = cx.argument::<JsString>(3)?.value(&mut cx);
    let body_arg = cx.argument::<JsValue>(4)?;
    let body = body_from_js(&mut cx, body_arg)?;
    let status = if (100.0..=999.0).contains(&status) { status as u16 } else { 500 };
    let sent = this.kernel.bridge.respond(id, JsReply { status, headers, body });
    Ok(cx.boolean(sent))
}

fn server_peer(mut cx: FunctionContext) -> JsResult<JsValue> {
    let this: Handle_ = cx.argument(0)?;
    let id = cx.argument::<JsNumber>(1)?.value(&mut cx) as u64;
    Ok(match this.kernel.bridge.peer(id) {
        Some(addr) => cx.string(addr.ip().to_string()).upcast(),
        None => cx.undefined().upcast(),
    })
}

fn server_inject(mut cx: FunctionContext) -> JsResult<JsPromise> {
    let this: Handle_ = cx.argument(0)?;
    let method = cx.argument::<JsString>(1)?.value(&mut cx);
    let url = cx.argument::<JsString>(2)?.value(&mut cx);
    let headers = cx.argument::<JsString>(3)?.value(&mut cx);
    let body_arg = cx.argument::<JsValue>(4)?;
    let body = match body_arg.downcast::<JsTypedArray<u8>, _>(&mut cx) {
        Ok(b) => Bytes::copy_from_slice(b.as_slice(&cx)),
        Err(_) => Bytes::new(),
    };
    let remote = cx.argument::<JsString>(5)?.value(&mut cx);
    if this.kernel.drain.is_draining() {
        return throw_coded(&mut cx, "VEC_ERR_APP_CLOSED", "the app is closed; inject() needs an open app");
    }
    let request = match build_request(&method, &url, &headers, body) {
        Ok(r) => r,
        Err(message) => return throw_coded(&mut cx, "VEC_ERR_INVALID_INJECT", &message),
    };
    let peer = remote.parse::<std::net::IpAddr>().ok().map(|ip| std::net::SocketAddr::new(ip, 0));

    let (deferred, promise) = cx.promise();
    let channel = cx.channel();
    this.hold(&mut cx);
    let server = this.root(&mut cx);
    let kernel = this.kernel.clone();
    let rt = runtime(0);
    this.kernel.drain.tasks.spawn_on(
        async move {
            let reply = tokio::select! {
                reply = kernel.handle(request, peer) => Some(reply),
                _ = kernel.drain.force.cancelled() => None,
            };
            let reply = match reply {
                Some(r) => {
                    let (mut parts, body) = r.into_parts();
                    let bytes = body.collect().await.map(|c| c.to_bytes()).unwrap_or_default();
                    // What hyper adds on the wire, so injected and real responses look alike.
                    let bodiless = parts.status.is_informational()
                        || parts.status == hyper::StatusCode::NO_CONTENT
                        || parts.status == hyper::StatusCode::NOT_MODIFIED;
                    if !bodiless && !parts.headers.contains_key(hyper::header::CONTENT_LENGTH) {
                        parts.headers.insert(hyper::header::CONTENT_LENGTH, bytes.len().into());
                    }
                    Some((parts, bytes))
                }
                None => None,
            };
            deferred.settle_with(&channel, move |mut cx| {
                let server = server.into_inner(&mut cx);
                server.release(&mut cx);
                let Some((parts, bytes)) = reply else {
                    let err = coded_error(&mut cx, "VEC_ERR_SHUTTING_DOWN", "the injected request was cut by drain")?;
                    return cx.throw(err);
                };
                let mut block = String::new();
                for (name, value) in &parts.headers {
                    block.push_str(name.as_str());
                    block.push(':');
                    block.push_str(&String::from_utf8_lossy(value.as_bytes()));
                    block.push('\n');
                }
                let out = JsArray::new(&mut cx, 3);
                let status = cx.number(parts.status.as_u16());
                let headers = cx.string(block);
                let body = JsBuffer::from_slice(&mut cx, &bytes)?;
                out.set(&mut cx, 0, status)?;
                out.set(&mut cx, 1, headers)?;
                out.set(&mut cx, 2, body)?;
                Ok(out)
            });
        },
        rt.handle(),
    );
    Ok(promise)
}

fn build_request(method: &str, url: &str, headers: &str, body: Bytes) -> Result<Request<Full<Bytes>>, String> {
    let mut builder = Request::builder().method(method).uri(url);
    for line in headers.split('\n').filter(|l| !l.is_empty()) {
        let (name, value) = line.split_once(':').ok_or_else(|| format!("header line without a colon: {line:?}"))?;
        builder = builder.header(name.trim(), value.trim_start());
    }
    let len = body.len();
    let has_length = builder.headers_ref().is_some_and(|h| h.contains_key(hyper::header::CONTENT_LENGTH));
    if len > 0 && !has_length {
        builder = builder.header(hyper::header::CONTENT_LENGTH, len);
    }
    builder.body(Full::new(body)).map_err(|e| format!("invalid request: {e}"))
}

fn server_close(mut cx: FunctionContext) -> JsResult<JsPromise> {
    let this: Handle_ = cx.argument(0)?;
    let deadline = cx.argument::<JsNumber>(1)?.value(&mut cx).max(0.0);
    let (deferred, promise) = cx.promise();
    let channel = cx.channel();
    let server = this.root(&mut cx);
    let kernel = this.kernel.clone();
    runtime(0).spawn(async move {
        let report = kernel.drain.run(std::time::Duration::from_millis(deadline as u64)).await;
        deferred.settle_with(&channel, move |mut cx| {
            let server = server.into_inner(&mut cx);
            // Drop the listening hold: nothing of this server keeps Node alive now.
            let mut l = lock(&server.liveness);
            l.holds = 0;
            l.channel.unref(&mut cx);
            drop(l);
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
