//! Vectora kernel: the HTTP engine of the Vectora framework, bound to Node.js with neon.
//!
//! It does three things only: connection handling (`server`), dispatch into JavaScript
//! (`dispatch`, `bridge`) and drain (`drain`). Everything else — hooks, plugins,
//! serialization, validation — lives in TypeScript. This file creates the tokio runtime
//! once per process and registers the exports (`js`).

mod bridge;
mod dispatch;
mod drain;
mod error;
mod inject;
mod js;
mod kernel;
mod limits;
mod problem;
mod router;
mod server;
#[cfg(test)]
mod ts_source;
mod wire;

use std::sync::OnceLock;

static RUNTIME: OnceLock<tokio::runtime::Runtime> = OnceLock::new();

/// The process-wide multi-thread runtime. The first server decides the worker count
/// (`threads`; 0 = one per core but one, which stays for Node's main thread, at least one);
/// `VECTORA_THREADS` overrides it.
pub(crate) fn runtime(threads: usize) -> &'static tokio::runtime::Runtime {
    RUNTIME.get_or_init(|| {
        let from_env = std::env::var("VECTORA_THREADS").ok().and_then(|v| v.parse().ok());
        let workers = from_env
            .or((threads > 0).then_some(threads))
            .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get().saturating_sub(1)));
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(workers.max(1))
            .thread_name("vectora-kernel")
            .enable_all()
            .build()
            .expect("the tokio runtime could not start")
    })
}

#[neon::main]
fn main(mut cx: neon::context::ModuleContext) -> neon::result::NeonResult<()> {
    js::register(&mut cx)
}
