//! Vectora kernel: the HTTP engine of the Vectora framework, bound to Node.js with neon.
//!
//! It does three things only: connection handling (`server`), dispatch into JavaScript
//! (`dispatch`, `bridge`) and drain (`drain`). Everything else — hooks, plugins,
//! serialization, validation — lives in TypeScript. This file creates the tokio runtime
//! once per process and registers the exports (`js`).

mod body;
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
mod stats;
#[cfg(test)]
mod ts_source;
mod upload;
mod wire;

/// The kernel's pure parts, as the fuzz targets in kernel/fuzz reach them. Not an API: hidden,
/// and changed whenever the modules behind it change.
#[doc(hidden)]
pub mod fuzzing {
    use crate::{error::KernelError, problem, router, wire};

    /// The route table, routes known by id only.
    #[derive(Default)]
    pub struct Router(router::Router);

    /// A lookup's outcome, owned.
    #[derive(Debug, PartialEq, Eq)]
    pub enum Lookup {
        Found { id: u32, params: Vec<String> },
        MethodNotAllowed { allow: String },
        NotFound,
    }

    impl Router {
        /// `Err` carries the kernel's message (an unknown method, a conflict, a bad pattern).
        pub fn insert(&mut self, method: &str, pattern: &str, id: u32) -> Result<(), String> {
            let info = router::RouteInfo {
                id,
                body_limit: None,
                timeout: None,
                stream_body: false,
            };
            self.0
                .insert(method, pattern, info)
                .map_err(|e| e.to_string())
        }

        /// `method` is a wire method code (any byte: past the known ones is `METHOD_OTHER`).
        pub fn lookup(&self, method: u8, path: &str) -> Lookup {
            match self.0.lookup(method, path) {
                router::Lookup::Found { route, params } => Lookup::Found {
                    id: route.id,
                    params,
                },
                router::Lookup::MethodNotAllowed { allow } => Lookup::MethodNotAllowed { allow },
                router::Lookup::NotFound => Lookup::NotFound,
            }
        }
    }

    pub const METHOD_NAMES: [&str; 7] = wire::METHOD_NAMES;

    pub fn method_code(name: &str) -> u8 {
        wire::method_code(name)
    }

    pub fn encode_headers(headers: &hyper::HeaderMap) -> String {
        wire::encode_headers(headers)
    }

    pub fn header_lines(block: &str) -> Vec<Result<(&str, &str), &str>> {
        wire::header_lines(block).collect()
    }

    pub fn base36(n: u64) -> String {
        wire::base36(n)
    }

    /// A problem+json body whose `detail` is `detail` (an error that carries its own message).
    pub fn problem_body(detail: &str, request: Option<(&str, &str)>) -> String {
        problem::body(&KernelError::InvalidInject(detail.to_owned()), request)
    }
}

use std::sync::OnceLock;

static RUNTIME: OnceLock<tokio::runtime::Runtime> = OnceLock::new();

/// The process-wide multi-thread runtime. The first server decides the worker count
/// (`threads`; 0 = one per core but one, which stays for Node's main thread, at least one);
/// `VECTORA_THREADS` overrides it.
pub(crate) fn runtime(threads: usize) -> &'static tokio::runtime::Runtime {
    RUNTIME.get_or_init(|| {
        let from_env = std::env::var("VECTORA_THREADS")
            .ok()
            .and_then(|v| v.parse().ok());
        let workers = from_env
            .or((threads > 0).then_some(threads))
            .unwrap_or_else(|| {
                std::thread::available_parallelism().map_or(1, |n| n.get().saturating_sub(1))
            });
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
