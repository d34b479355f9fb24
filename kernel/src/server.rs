//! Connection handling: bind, accept, serve HTTP/1.1 with keep-alive, and the
//! connection-level limits (header read timeout, header size, idle keep-alive, max connections).

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

use crate::dispatch::Kernel;

/// Binds synchronously (so errors surface at `listen`) with a deep accept backlog.
pub(crate) fn bind(host: &str, port: u16) -> std::io::Result<std::net::TcpListener> {
    use std::net::ToSocketAddrs;
    let addr = (host, port)
        .to_socket_addrs()?
        .next()
        .ok_or_else(|| std::io::Error::new(std::io::ErrorKind::InvalidInput, "host resolves to no address"))?;
    let listener = std::net::TcpListener::bind(addr)?;
    listener.set_nonblocking(true)?;
    Ok(listener)
}

/// The accept loop: runs until drain starts, then drops the listener so new connections are refused.
pub(crate) async fn serve(kernel: Arc<Kernel>, listener: TcpListener) {
    let open = Arc::new(AtomicUsize::new(0));
    loop {
        let accepted = tokio::select! {
            biased;
            _ = kernel.drain.graceful.cancelled() => break,
            accepted = listener.accept() => accepted,
        };
        match accepted {
            Ok((stream, peer)) => {
                let open = open.clone();
                let k = kernel.clone();
                kernel.drain.tasks.spawn(async move {
                    let count = open.fetch_add(1, Ordering::AcqRel) + 1;
                    if k.limits.max_connections.is_some_and(|max| count > max) {
                        refuse(stream).await;
                    } else {
                        connection(k, stream, peer).await;
                    }
                    open.fetch_sub(1, Ordering::AcqRel);
                });
            }
            // Out of file descriptors and the like: back off instead of spinning.
            Err(_) => tokio::time::sleep(Duration::from_millis(10)).await,
        }
    }
}

/// Answers a connection over the limit with 503 and closes it, before reading anything.
async fn refuse(mut stream: TcpStream) {
    // No request was read, so there is no instance or request id to report.
    let body = r#"{"type":"https://vectora.dev/docs/errors#vec_err_too_many_connections","title":"Service Unavailable","status":503,"detail":"The server has too many open connections; retry later.","code":"VEC_ERR_TOO_MANY_CONNECTIONS"}"#;
    let head = format!(
        "HTTP/1.1 503 Service Unavailable\r\ncontent-type: application/problem+json\r\nretry-after: 1\r\nconnection: close\r\ncontent-length: {}\r\n\r\n",
        body.len()
    );
    let _ = stream.write_all(head.as_bytes()).await;
    let _ = stream.write_all(body.as_bytes()).await;
    let _ = stream.shutdown().await;
}

/// Activity of one connection, for the idle keep-alive timeout.
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
    let activity = Arc::new(Activity { started: Instant::now(), in_flight: AtomicUsize::new(0), last_done_ms: AtomicU64::new(0) });
    let svc = {
        let kernel = kernel.clone();
        let activity = activity.clone();
        service_fn(move |req| {
            let kernel = kernel.clone();
            let activity = activity.clone();
            async move {
                activity.in_flight.fetch_add(1, Ordering::AcqRel);
                let res = kernel.handle(req, Some(peer)).await;
                activity.last_done_ms.store(activity.started.elapsed().as_millis() as u64, Ordering::Release);
                activity.in_flight.fetch_sub(1, Ordering::AcqRel);
                Ok::<_, Infallible>(res)
            }
        })
    };
    let limits = &kernel.limits;
    let mut builder = http1::Builder::new();
    // The parser's own cap is twice the limit: heads between the two get a problem+json 431 from
    // dispatch; only heads past the cap meet hyper's bare 431, before any request exists.
    builder.timer(TokioTimer::new()).keep_alive(true).max_header_size(limits.max_header_size.saturating_mul(2));
    builder.header_read_timeout(limits.header_read_timeout);
    let conn = builder.serve_connection(TokioIo::new(stream), svc);
    tokio::pin!(conn);

    // Child tokens: each connection waits on its own notifier, not on one shared by all connections.
    let graceful = kernel.drain.graceful.child_token();
    let force = kernel.drain.force.child_token();
    let idle_limit = limits.keep_alive_timeout;
    let mut winding_down = false;
    loop {
        let idle_check = async {
            match (idle_limit, winding_down) {
                (Some(limit), false) => {
                    let wait = activity.idle_for().map_or(limit, |idle| limit.saturating_sub(idle));
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
