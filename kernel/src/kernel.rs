//! One server's state, shared by its connections, its injected requests and JavaScript:
//! limits, the bridges (one per JavaScript thread answering), drain, the route table, the request
//! counters and the health probes.

use std::sync::atomic::{AtomicBool, AtomicU32, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock, RwLock};

use bytes::Bytes;
use hyper::Response;
use rustc_hash::FxHashMap;
use tokio::sync::Notify;

use crate::body::{KernelBody, Pipe};
use crate::bridge::{Bridge, lock};
use crate::drain::Drain;
use crate::error::KernelError;
use crate::limits::Limits;
use crate::router::{RouteInfo, Router};
use crate::stats::{Snapshot, Stats};
use crate::{problem, wire};

/// A response as the kernel builds it: whole bytes, a pipe JavaScript writes into, or a file (body.rs).
pub(crate) type Reply = Response<KernelBody>;

/// Everything one server shares between its connections, injected requests and JavaScript.
pub(crate) struct Kernel {
    pub(crate) limits: Limits,
    /// The JavaScript threads taking requests from sockets, the creating thread's first; each request goes
    /// to the one with the fewest in flight. Worker threads enlist once their app is listening.
    bridges: RwLock<Vec<Arc<Bridge>>>,
    next_bridge: AtomicU32,
    pub(crate) drain: Drain,
    /// Routes being declared; taken and frozen into `router` by `ready`.
    building: Mutex<Option<Router>>,
    /// Set once, by `ready`: lookups on the request path then take no lock.
    pub(crate) router: OnceLock<Router>,
    /// Send 404/405 to JavaScript (app-wide hooks exist) instead of answering here.
    pub(crate) dispatch_unmatched: AtomicBool,
    request_id_prefix: String,
    pub(crate) next_id: AtomicU64,
    /// Requests queued for or running in JavaScript, and requests reading their body (`Slot` in dispatch.rs).
    pub(crate) in_js: AtomicUsize,
    pub(crate) body_readers: AtomicUsize,
    /// The readiness and liveness paths (empty: none), set by `ready`: the kernel answers them itself.
    pub(crate) probes: OnceLock<[String; 2]>,
    /// What readiness answers; JavaScript keeps it in step with the lifecycle (ready or listening).
    pub(crate) serving: AtomicBool,
    /// The readiness checks' JSON object (`{"db":{"status":"up",...}}`), when the app registered any: the
    /// probe's body carries it as `checks`, ready or not.
    pub(crate) checks: RwLock<Option<Bytes>>,
    /// Connections, refusals and timeouts, for `serverStats`.
    pub(crate) stats: Stats,
    /// The pipes of streamed replies JavaScript is writing, by request id (`serverStreamWrite`).
    pub(crate) pipes: Mutex<FxHashMap<u64, Arc<Pipe>>>,
    /// The pull signals of streamed request bodies JavaScript is reading, by request id (`serverBodyPull`).
    pub(crate) pulls: Mutex<FxHashMap<u64, Arc<Notify>>>,
}

impl Kernel {
    /// A server with no bridge yet: `enlist` the creating thread's (id `bridge_id()` = 0) next.
    pub(crate) fn new(limits: Limits, request_id_prefix: String) -> Self {
        Self {
            limits,
            bridges: RwLock::default(),
            next_bridge: AtomicU32::new(0),
            drain: Drain::default(),
            building: Mutex::new(Some(Router::new())),
            router: OnceLock::new(),
            dispatch_unmatched: AtomicBool::new(false),
            request_id_prefix,
            next_id: AtomicU64::new(1),
            in_js: AtomicUsize::new(0),
            body_readers: AtomicUsize::new(0),
            probes: OnceLock::new(),
            serving: AtomicBool::new(false),
            checks: RwLock::new(None),
            stats: Stats::default(),
            pipes: Mutex::default(),
            pulls: Mutex::default(),
        }
    }

    /// The id of the next bridge made for this server.
    pub(crate) fn bridge_id(&self) -> u32 {
        self.next_bridge.fetch_add(1, Ordering::Relaxed)
    }

    /// Puts a JavaScript thread's bridge in the rotation: requests from sockets may go to it from now on.
    pub(crate) fn enlist(&self, bridge: Arc<Bridge>) {
        let mut bridges = self.bridges.write().unwrap_or_else(|e| e.into_inner());
        if !bridges.iter().any(|b| b.id == bridge.id) {
            bridges.push(bridge);
        }
    }

    /// Takes bridge `id` out of the list (its thread is gone); None if it was not in it.
    pub(crate) fn remove(&self, id: u32) -> Option<Arc<Bridge>> {
        let mut bridges = self.bridges.write().unwrap_or_else(|e| e.into_inner());
        let at = bridges.iter().position(|b| b.id == id)?;
        Some(bridges.remove(at))
    }

    /// The bridge a request from a socket goes to: the accepting one with the fewest requests in flight
    /// (the first of equals, so an idle server keeps using the creating thread). None when none accepts.
    pub(crate) fn pick(&self) -> Option<Arc<Bridge>> {
        let bridges = self.bridges.read().unwrap_or_else(|e| e.into_inner());
        if let [only] = bridges.as_slice() {
            return only.is_accepting().then(|| only.clone());
        }
        bridges
            .iter()
            .filter(|b| b.is_accepting())
            .min_by_key(|b| b.in_flight())
            .cloned()
    }

    /// Adds a route while the table is still being built.
    pub(crate) fn add_route(
        &self,
        method: &str,
        pattern: &str,
        info: RouteInfo,
    ) -> Result<(), KernelError> {
        let mut building = lock(&self.building);
        building
            .as_mut()
            .ok_or(KernelError::RoutesFrozen)?
            .insert(method, pattern, info)
    }

    /// Freezes the route table; until then every request is answered 503 (shutting down).
    pub(crate) fn ready(&self, dispatch_unmatched: bool, probes: [String; 2]) {
        self.dispatch_unmatched
            .store(dispatch_unmatched, Ordering::Relaxed);
        let _ = self.probes.set(probes);
        if let Some(router) = lock(&self.building).take() {
            let _ = self.router.set(router);
        }
    }

    /// What `serverStats` reports now.
    pub(crate) fn stats(&self) -> Snapshot {
        let requests = self.next_id.load(Ordering::Relaxed) - 1;
        self.stats.snapshot(
            requests,
            self.in_js.load(Ordering::Relaxed),
            self.body_readers.load(Ordering::Relaxed),
            self.drain.is_draining(),
            self.drain.aborted_total(),
        )
    }

    /// The id JavaScript shows as `req.id`: `<prefix>-<n in base 36>`.
    pub(crate) fn request_id(&self, n: u64) -> String {
        let digits = wire::base36(n);
        let mut id = String::with_capacity(self.request_id_prefix.len() + 1 + digits.len());
        id.push_str(&self.request_id_prefix);
        id.push('-');
        id.push_str(&digits);
        id
    }

    /// The kernel's own problem+json reply to request `n`.
    pub(crate) fn problem(&self, error: &KernelError, path: &str, n: u64) -> Reply {
        problem::response(error, path, &self.request_id(n))
    }
}
