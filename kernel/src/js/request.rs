//! `serverRespond`, `serverPeer` and `serverInject`: one request's calls from JavaScript.

use bytes::Bytes;
use neon::prelude::*;
use neon::types::buffer::TypedArray;

use super::server::Server;
use super::{coded_error, throw};
use crate::body::{Pipe, Write};
use crate::bridge::{JsReply, ReplyBody, lock};
use crate::{inject, runtime};

pub(super) fn server_respond(mut cx: FunctionContext) -> JsResult<JsBoolean> {
    let this: Server = cx.argument(0)?;
    let id = cx.argument::<JsNumber>(1)?.value(&mut cx) as u64;
    let status = cx.argument::<JsNumber>(2)?.value(&mut cx);
    let headers = cx.argument::<JsString>(3)?.value(&mut cx);
    let body_arg = cx.argument::<JsValue>(4)?;
    let body = body_from_js(&mut cx, body_arg);
    // Out of range is a bug in JavaScript; the client gets a 500 rather than a broken status line.
    let status = if (100.0..=999.0).contains(&status) {
        status as u16
    } else {
        500
    };
    let sent = this.bridge.respond(
        id,
        JsReply {
            status,
            headers,
            body: ReplyBody::Whole(body),
        },
    );
    Ok(cx.boolean(sent))
}

/// The status JavaScript gave, or 500 outside 100..=999 (the kernel refuses it as a head anyway).
fn status_of(status: f64) -> u16 {
    if (100.0..=999.0).contains(&status) {
        status as u16
    } else {
        500
    }
}

/// `serverRespondStream(h, id, status, headers)`: answers request `id` with a body JavaScript writes next
/// (`serverStreamWrite`, then `serverStreamEnd`). False when the request is gone (nothing to write to).
pub(super) fn server_respond_stream(mut cx: FunctionContext) -> JsResult<JsBoolean> {
    let this: Server = cx.argument(0)?;
    let id = cx.argument::<JsNumber>(1)?.value(&mut cx) as u64;
    let status = status_of(cx.argument::<JsNumber>(2)?.value(&mut cx));
    let headers = cx.argument::<JsString>(3)?.value(&mut cx);
    let pipe = std::sync::Arc::new(Pipe::default());
    lock(&this.kernel.pipes).insert(id, pipe.clone());
    let sent = this.bridge.respond(
        id,
        JsReply {
            status,
            headers,
            body: ReplyBody::Pipe(pipe),
        },
    );
    if !sent {
        lock(&this.kernel.pipes).remove(&id);
    }
    Ok(cx.boolean(sent))
}

/// `serverRespondFile(h, id, status, headers, path, start, length)`: answers request `id` with `length`
/// bytes of the file at `path` from `start`, read by the kernel. False when the request is gone.
pub(super) fn server_respond_file(mut cx: FunctionContext) -> JsResult<JsBoolean> {
    let this: Server = cx.argument(0)?;
    let id = cx.argument::<JsNumber>(1)?.value(&mut cx) as u64;
    let status = status_of(cx.argument::<JsNumber>(2)?.value(&mut cx));
    let headers = cx.argument::<JsString>(3)?.value(&mut cx);
    let path = cx.argument::<JsString>(4)?.value(&mut cx);
    let start = cx.argument::<JsNumber>(5)?.value(&mut cx).max(0.0) as u64;
    let len = cx.argument::<JsNumber>(6)?.value(&mut cx).max(0.0) as u64;
    let sent = this.bridge.respond(
        id,
        JsReply {
            status,
            headers,
            body: ReplyBody::File { path, start, len },
        },
    );
    Ok(cx.boolean(sent))
}

/// `serverStreamWrite(h, id, chunk)`: 0 written, 1 written and the pipe is full (wait for the drain
/// event), 2 the reply is gone (stop).
pub(super) fn server_stream_write(mut cx: FunctionContext) -> JsResult<JsNumber> {
    let this: Server = cx.argument(0)?;
    let id = cx.argument::<JsNumber>(1)?.value(&mut cx) as u64;
    let chunk_arg = cx.argument::<JsValue>(2)?;
    let chunk = body_from_js(&mut cx, chunk_arg);
    let pipe = lock(&this.kernel.pipes).get(&id).cloned();
    let outcome = pipe.map_or(Write::Gone, |p| p.write(chunk));
    if outcome == Write::Gone {
        lock(&this.kernel.pipes).remove(&id);
    }
    Ok(cx.number(outcome.code() as f64))
}

/// `serverStreamEnd(h, id, failed)`: no more chunks; `failed` cuts the response instead of ending it.
pub(super) fn server_stream_end(mut cx: FunctionContext) -> JsResult<JsUndefined> {
    let this: Server = cx.argument(0)?;
    let id = cx.argument::<JsNumber>(1)?.value(&mut cx) as u64;
    let failed = cx.argument::<JsBoolean>(2)?.value(&mut cx);
    if let Some(pipe) = lock(&this.kernel.pipes).remove(&id) {
        pipe.end(failed);
    }
    Ok(cx.undefined())
}

/// `serverBodyPull(h, id)`: send the next chunk of request `id`'s streamed body (a `BodyChunk` event, or
/// `BodyEnd` / `BodyError`). A no-op once the body ended or the request is gone.
pub(super) fn server_body_pull(mut cx: FunctionContext) -> JsResult<JsUndefined> {
    let this: Server = cx.argument(0)?;
    let id = cx.argument::<JsNumber>(1)?.value(&mut cx) as u64;
    if let Some(pull) = lock(&this.kernel.pulls).get(&id) {
        pull.notify_one();
    }
    Ok(cx.undefined())
}

/// A reply body: a string, a Buffer/Uint8Array, or nothing.
fn body_from_js<'a>(cx: &mut FunctionContext<'a>, value: Handle<'a, JsValue>) -> Bytes {
    if let Ok(s) = value.downcast::<JsString, _>(cx) {
        return Bytes::from(s.value(cx));
    }
    if let Ok(b) = value.downcast::<JsTypedArray<u8>, _>(cx) {
        return Bytes::copy_from_slice(b.as_slice(cx));
    }
    Bytes::new()
}

pub(super) fn server_peer(mut cx: FunctionContext) -> JsResult<JsValue> {
    let this: Server = cx.argument(0)?;
    let id = cx.argument::<JsNumber>(1)?.value(&mut cx) as u64;
    Ok(match this.bridge.peer(id) {
        Some(addr) => cx.string(addr.ip().to_string()).upcast(),
        None => cx.undefined().upcast(),
    })
}

/// Resolves `[status, headerBlock, body]`.
pub(super) fn server_inject(mut cx: FunctionContext) -> JsResult<JsPromise> {
    let this: Server = cx.argument(0)?;
    let method = cx.argument::<JsString>(1)?.value(&mut cx);
    let url = cx.argument::<JsString>(2)?.value(&mut cx);
    let headers = cx.argument::<JsString>(3)?.value(&mut cx);
    let body_arg = cx.argument::<JsValue>(4)?;
    let body = match body_arg.downcast::<JsTypedArray<u8>, _>(&mut cx) {
        Ok(b) => Bytes::copy_from_slice(b.as_slice(&cx)),
        Err(_) => Bytes::new(),
    };
    let remote = cx.argument::<JsString>(5)?.value(&mut cx);
    let request = match inject::request(&this.kernel, &method, &url, &headers, body) {
        Ok(r) => r,
        Err(e) => return throw(&mut cx, e),
    };
    let peer = inject::peer(&remote);

    let (deferred, promise) = cx.promise();
    let channel = cx.channel();
    // Node must not exit while an injected request is in flight, even with no socket open.
    this.hold(&mut cx);
    let server = this.root(&mut cx);
    let kernel = this.kernel.clone();
    let bridge = this.bridge.clone();
    this.kernel.drain.tasks.spawn_on(
        async move {
            let outcome = inject::run(kernel, bridge, request, peer).await;
            deferred.settle_with(&channel, move |mut cx| {
                server.into_inner(&mut cx).release(&mut cx);
                let injected = match outcome {
                    Ok(injected) => injected,
                    Err(e) => {
                        let err = coded_error(&mut cx, &e)?;
                        return cx.throw(err);
                    }
                };
                let out = JsArray::new(&mut cx, 3);
                let status = cx.number(injected.status);
                let headers = cx.string(injected.headers);
                let body = JsBuffer::from_slice(&mut cx, &injected.body)?;
                out.set(&mut cx, 0, status)?;
                out.set(&mut cx, 1, headers)?;
                out.set(&mut cx, 2, body)?;
                Ok(out)
            });
        },
        runtime(0).handle(),
    );
    Ok(promise)
}
