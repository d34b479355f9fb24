//! The boundary with JavaScript: the functions `kernel/ts/internal/native.ts` types.
//!
//! They decode their arguments, call into the kernel's modules and turn a `KernelError` into a
//! thrown `Error` with a stable `code`: the only place kernel failures become JavaScript values.

mod request;
mod server;
mod worker;

use neon::prelude::*;

use crate::error::KernelError;

pub(crate) fn register(cx: &mut ModuleContext) -> NeonResult<()> {
    cx.export_function("serverNew", server::server_new)?;
    cx.export_function("serverRoute", server::server_route)?;
    cx.export_function("serverReady", server::server_ready)?;
    cx.export_function("serverServing", server::server_serving)?;
    cx.export_function("serverListen", server::server_listen)?;
    cx.export_function("serverRespond", request::server_respond)?;
    cx.export_function("serverRespondStream", request::server_respond_stream)?;
    cx.export_function("serverRespondFile", request::server_respond_file)?;
    cx.export_function("serverStreamWrite", request::server_stream_write)?;
    cx.export_function("serverStreamEnd", request::server_stream_end)?;
    cx.export_function("serverBodyPull", request::server_body_pull)?;
    cx.export_function("serverPeer", request::server_peer)?;
    cx.export_function("serverInject", request::server_inject)?;
    cx.export_function("serverClose", server::server_close)?;
    cx.export_function("serverStats", server::server_stats)?;
    cx.export_function("serverId", worker::server_id)?;
    cx.export_function("serverAttach", worker::server_attach)?;
    cx.export_function("serverEnlist", worker::server_enlist)?;
    cx.export_function("serverWithdraw", worker::server_withdraw)?;
    cx.export_function("serverDetach", worker::server_detach)?;
    Ok(())
}

/// An `Error` whose message starts with the code, and whose `code` property is it.
fn coded_error<'a, C: Context<'a>>(cx: &mut C, error: &KernelError) -> JsResult<'a, JsError> {
    let code = error.code();
    let err = cx.error(format!("{code}: {error}"))?;
    let code = cx.string(code);
    err.set(cx, "code", code)?;
    Ok(err)
}

fn throw<'a, C: Context<'a>, T>(cx: &mut C, error: KernelError) -> NeonResult<T> {
    let err = coded_error(cx, &error)?;
    cx.throw(err)
}
