//! `serverId`, `serverAttach`, `serverEnlist`, `serverWithdraw` and `serverDetach`: worker threads of
//! `createApp({ workers })` answering one server's requests.
//!
//! The main thread creates the server and tells each worker thread its number (`serverId`). The worker
//! thread, which loaded this same addon, attaches by that number: it gets a handle with a bridge of its
//! own and enlists it once its app is listening; from then on the kernel sends it requests (the thread
//! with the fewest in flight gets the next one). A worker leaving on purpose withdraws and finishes what it
//! holds; the main thread detaches a worker that exited, which ends the requests it held with 500
//! `VEC_ERR_WORKER_EXITED`.

use std::time::Duration;

use neon::prelude::*;

use super::server::{self, Server, ServerBox};
use super::throw;
use crate::error::KernelError;
use crate::runtime;

pub(super) fn server_id(mut cx: FunctionContext) -> JsResult<JsNumber> {
    let this: Server = cx.argument(0)?;
    Ok(cx.number(this.server_id))
}

/// `serverAttach(serverId, dispatch, abort)`: a handle on the current (worker) thread, not enlisted yet.
pub(super) fn server_attach(mut cx: FunctionContext) -> JsResult<JsBox<ServerBox>> {
    let id = cx.argument::<JsNumber>(0)?.value(&mut cx) as u32;
    let dispatch = cx.argument::<JsFunction>(1)?.root(&mut cx);
    let abort = cx.argument::<JsFunction>(2)?.root(&mut cx);
    let stream = cx.argument::<JsFunction>(3)?.root(&mut cx);
    let Some(kernel) = server::numbered(id).filter(|k| !k.drain.is_draining()) else {
        return throw(&mut cx, KernelError::NoSuchServer(id));
    };
    let this = ServerBox::on_this_thread(&mut cx, kernel, id, [dispatch, abort, stream]);
    Ok(cx.boxed(this))
}

/// `serverEnlist(h)`: this thread takes requests from sockets from now on. Resolves its bridge id, the
/// number the main thread detaches it by.
pub(super) fn server_enlist(mut cx: FunctionContext) -> JsResult<JsNumber> {
    let this: Server = cx.argument(0)?;
    if this.kernel.drain.is_draining() {
        return throw(&mut cx, KernelError::ListenAfterClose);
    }
    this.kernel.enlist(this.bridge.clone());
    // The bridge's channel is unref'd: while enlisted, this keeps the thread's event loop alive.
    this.hold(&mut cx);
    Ok(cx.number(this.bridge.id))
}

/// `serverWithdraw(h, deadlineMs)`: this thread takes no more requests; resolves `{ completed, aborted }`
/// once what it holds is answered, or at the deadline (what is left then ends with 500).
pub(super) fn server_withdraw(mut cx: FunctionContext) -> JsResult<JsPromise> {
    let this: Server = cx.argument(0)?;
    let deadline =
        Duration::from_millis(cx.argument::<JsNumber>(1)?.value(&mut cx).max(0.0) as u64);
    this.bridge.withdraw();
    let (deferred, promise) = cx.promise();
    let channel = cx.channel();
    let server = this.root(&mut cx);
    let bridge = this.bridge.clone();
    runtime(0).spawn(async move {
        let held = bridge.in_flight();
        let started = tokio::time::Instant::now();
        while bridge.in_flight() > 0 && started.elapsed() < deadline {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        let aborted = bridge.close();
        deferred.settle_with(&channel, move |mut cx| {
            server.into_inner(&mut cx).release_all(&mut cx);
            let out = cx.empty_object();
            let completed = cx.number(held.saturating_sub(aborted) as f64);
            let aborted = cx.number(aborted as f64);
            out.set(&mut cx, "completed", completed)?;
            out.set(&mut cx, "aborted", aborted)?;
            Ok(out)
        });
    });
    Ok(promise)
}

/// `serverDetach(h, bridgeId)`, on the main thread: worker thread `bridgeId` is gone. It takes no more
/// requests, and those it held end now with 500 `VEC_ERR_WORKER_EXITED`. Returns how many it held.
pub(super) fn server_detach(mut cx: FunctionContext) -> JsResult<JsNumber> {
    let this: Server = cx.argument(0)?;
    let id = cx.argument::<JsNumber>(1)?.value(&mut cx) as u32;
    let lost = this.kernel.remove(id).map_or(0, |bridge| bridge.close());
    Ok(cx.number(lost as f64))
}
