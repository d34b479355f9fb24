//! Connection handling: bind, accept, serve HTTP/1.1 with keep-alive, and the
//! connection-level limits (header read timeout, header size and count, idle keep-alive, max connections).
//!
//! The accept loop has the shape of hyper-util's graceful-shutdown example: `select!` on accept
//! or drain, back off on accept errors, every connection tracked by drain.

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::io::AsyncWriteExt;
use tokio::net::{TcpListener, TcpStream};

use crate::error::KernelError;
use crate::kernel::Kernel;
use crate::stats::Stats;
use crate::{problem, runtime};

/// The header fields hyper's parser has room for without a heap allocation (its `DEFAULT_MAX_HEADERS`).
const HYPER_DEFAULT_MAX_HEADERS: usize = 100;

/// Starts serving on `host:port` and returns the bound address (`port` 0 picks a free one).
/// Binding is synchronous so that its errors reach the caller of `listen`.
pub(crate) fn listen(
    kernel: &Arc<Kernel>,
    host: &str,
    port: f64,
) -> Result<SocketAddr, KernelError> {
    if !(0.0..=65535.0).contains(&port) || port.fract() != 0.0 {
        return Err(KernelError::InvalidPort);
    }
    if kernel.drain.is_draining() {
        return Err(KernelError::ListenAfterClose);
    }
    let std_listener = bind(host, port as u16).map_err(|cause| KernelError::Bind {
        host: host.to_owned(),
        port,
        cause,
    })?;
    let addr = std_listener.local_addr();
    let rt = runtime(0);
    // `from_std` registers the socket with the current runtime's reactor (and panics outside one).
    let listener = {
        let _enter = rt.enter();
        TcpListener::from_std(std_listener)
    };
    let (listener, addr) = match (listener, addr) {
        (Ok(l), Ok(a)) => (l, a),
        (Err(e), _) | (_, Err(e)) => return Err(KernelError::Listen(e)),
    };
    kernel
        .drain
        .tasks
        .spawn_on(serve(kernel.clone(), listener), rt.handle());
    Ok(addr)
}

/// Resolves `host` and binds a non-blocking std listener, for tokio to adopt.
fn bind(host: &str, port: u16) -> std::io::Result<std::net::TcpListener> {
    use std::net::ToSocketAddrs;
    let addr = (host, port).to_socket_addrs()?.next().ok_or_else(|| {
        std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            "host resolves to no address",
        )
    })?;
    let listener = std::net::TcpListener::bind(addr)?;
    listener.set_nonblocking(true)?;
    Ok(listener)
}

/// The accept loop: runs until drain starts, then drops the listener so new connections are refused.
async fn serve(kernel: Arc<Kernel>, listener: TcpListener) {
    loop {
        let accepted = tokio::select! {
            biased;
            _ = kernel.drain.graceful.cancelled() => break,
            accepted = listener.accept() => accepted,
        };
        match accepted {
            Ok((stream, peer)) => {
                let k = kernel.clone();
                Stats::bump(&kernel.stats.accepted);
                kernel.drain.tasks.spawn(async move {
                    let open = &k.stats.connections;
                    let count = open.fetch_add(1, Ordering::AcqRel) + 1;
                    if k.limits.max_connections.is_some_and(|max| count > max) {
                        Stats::bump(&k.stats.refused_connections);
                        refuse(stream).await;
                    } else {
                        connection(k.clone(), stream, peer).await;
                    }
                    k.stats.connections.fetch_sub(1, Ordering::AcqRel);
                });
            }
            // Out of file descriptors and the like: back off instead of spinning.
            Err(_) => tokio::time::sleep(Duration::from_millis(10)).await,
        }
    }
}

/// Answers a connection over the limit with 503 and closes it, before reading anything.
async fn refuse(mut stream: TcpStream) {
    let _ = stream
        .write_all(problem::raw_http1(&KernelError::TooManyConnections).as_bytes())
        .await;
    let _ = stream.shutdown().await;
}

/// Activity of one connection, for the idle keep-alive timeout (see `connection`).
struct Activity {
    started: Instant,
    in_flight: AtomicUsize,
    last_done_ms: AtomicU64,
}

impl Activity {
    fn idle_for(&self) -> Option<Duration> {
        if self.in_flight.load(Ordering::Acquire) > 0 {
            return None;
        }
        let last = Duration::from_millis(self.last_done_ms.load(Ordering::Acquire));
        Some(self.started.elapsed().saturating_sub(last))
    }
}

async fn connection(kernel: Arc<Kernel>, stream: TcpStream, peer: SocketAddr) {
    let _ = stream.set_nodelay(true);
    let activity = Arc::new(Activity {
        started: Instant::now(),
        in_flight: AtomicUsize::new(0),
        last_done_ms: AtomicU64::new(0),
    });
    let svc = {
        let kernel = kernel.clone();
        let activity = activity.clone();
        service_fn(move |req| {
            let kernel = kernel.clone();
            let activity = activity.clone();
            async move {
                activity.in_flight.fetch_add(1, Ordering::AcqRel);
                let res = kernel.handle(req, Some(peer), None).await;
                activity.last_done_ms.store(
                    activity.started.elapsed().as_millis() as u64,
                    Ordering::Release,
                );
                activity.in_flight.fetch_sub(1, Ordering::AcqRel);
                Ok::<_, Infallible>(res)
            }
        })
    };
    let limits = &kernel.limits;
    let mut builder = http1::Builder::new();
    // The parser's own caps are twice the limits: heads between the two get a problem+json 431 from
    // dispatch; only heads past a cap meet hyper's bare 431, before any request exists.
    builder
        .timer(TokioTimer::new())
        .keep_alive(true)
        .max_header_size(limits.max_header_size.saturating_mul(2));
    // hyper parses into room for its field cap on every request: up to its default 100 on the stack, past it
    // on the heap. A cap of 4 000 (maxHeaderCount 2 000) cost a quarter of the hello throughput (bench/README.md).
    let header_cap = limits.max_header_count.saturating_mul(2);
    if header_cap > HYPER_DEFAULT_MAX_HEADERS {
        builder.max_headers(header_cap);
    }
    builder.header_read_timeout(limits.header_read_timeout);
    let conn = builder.serve_connection(TokioIo::new(stream), svc);
    tokio::pin!(conn);

    // hyper has no idle keep-alive timeout (hyperium/hyper#1628), and its header read timeout only
    // starts with the next request's first bytes, so an idle keep-alive connection would stay open
    // for ever. This loop is that timeout: it sleeps until the connection could have been idle for
    // `keep_alive_timeout`, looks again, and winds the connection down if no request ran meanwhile.
    // The same select carries drain: graceful lets hyper finish the current response, force cuts.
    // Child tokens: each connection waits on its own notifier, not on one shared by all connections.
    let graceful = kernel.drain.graceful.child_token();
    let force = kernel.drain.force.child_token();
    let idle_limit = limits.keep_alive_timeout;
    let mut winding_down = false;
    loop {
        let idle_check = async {
            match (idle_limit, winding_down) {
                (Some(limit), false) => {
                    let wait = activity
                        .idle_for()
                        .map_or(limit, |idle| limit.saturating_sub(idle));
                    tokio::time::sleep(wait.max(Duration::from_millis(5))).await;
                }
                _ => std::future::pending().await,
            }
        };
        tokio::select! {
            _ = conn.as_mut() => break,
            _ = graceful.cancelled(), if !winding_down => {
                // hyper finishes the current response with `Connection: close`, then closes.
                conn.as_mut().graceful_shutdown();
                winding_down = true;
            }
            _ = force.cancelled() => break,
            _ = idle_check => {
                if idle_limit.is_some_and(|limit| activity.idle_for().is_some_and(|idle| idle >= limit)) {
                    conn.as_mut().graceful_shutdown();
                    winding_down = true;
                }
            }
        }
    }
}
