//! `serverRespond`, `serverPeer` and `serverInject`: one request's calls from JavaScript.

use bytes::Bytes;
use neon::prelude::*;
use neon::types::buffer::TypedArray;

use super::server::Server;
use super::{coded_error, throw};
use crate::bridge::JsReply;
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
            body,
        },
    );
    Ok(cx.boolean(sent))
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
