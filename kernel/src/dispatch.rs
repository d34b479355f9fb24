//! Dispatch: one request from a socket or from `inject` through the router, the limits
//! and the bridge into JavaScript, and back as a response. Both paths share this code,
//! so tests through `app.inject()` exercise the real dispatch. The health probes are
//! answered here, before any queue.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

use bytes::Bytes;
use http_body_util::{BodyExt, LengthLimitError, Limited};
use hyper::body::Body;
use hyper::header::{self, HeaderName, HeaderValue};
use hyper::{Method, Request, Response, StatusCode};

use crate::body::{EndNotice, FileBody, KernelBody, PipeBody};
use crate::bridge::{Bridge, Job, JsReply, ReplyBody, RequestJob, lock};
use crate::error::KernelError;
use crate::kernel::{Kernel, Reply};
use crate::limits::Limits;
use crate::problem;
use crate::router::Lookup;
use crate::stats::Stats;
use crate::upload;
use crate::wire::{self, AbortReason, METHOD_OTHER, ROUTE_METHOD_NOT_ALLOWED, ROUTE_NOT_FOUND};

impl Kernel {
    /// Handles one request; never fails (every failure is an HTTP reply). `to` is the JavaScript thread that
    /// must answer it (an injected request goes to the thread that injected it); None picks one.
    pub(crate) async fn handle<B>(
        self: &Arc<Self>,
        req: Request<B>,
        peer: Option<SocketAddr>,
        to: Option<Arc<Bridge>>,
    ) -> Reply
    where
        B: Body<Data = Bytes>,
        B::Error: std::error::Error + Send + Sync + 'static,
    {
        let n = self.next_id.fetch_add(1, Ordering::Relaxed);
        let is_head = req.method() == Method::HEAD;
        let mut reply = self.answer(n, req, peer, to).await;
        if is_head {
            strip_body(&mut reply);
        }
        reply
    }

    async fn answer<B>(
        self: &Arc<Self>,
        n: u64,
        req: Request<B>,
        peer: Option<SocketAddr>,
        to: Option<Arc<Bridge>>,
    ) -> Reply
    where
        B: Body<Data = Bytes>,
        B::Error: std::error::Error + Send + Sync + 'static,
    {
        let Some(router) = self.router.get() else {
            return self.problem(&KernelError::ShuttingDown, req.uri().path(), n);
        };
        if head_size(&req) > self.limits.max_header_size
            || req.headers().len() > self.limits.max_header_count
        {
            return self.problem(&KernelError::HeadersTooLarge, req.uri().path(), n);
        }
        if !valid_host(&req) {
            return self.problem(&KernelError::InvalidHost, req.uri().path(), n);
        }
        if let Some(reply) = self.probe(&req, n) {
            return reply;
        }
        let method = wire::method_code(req.method().as_str());
        let unmatched_to_js = self.dispatch_unmatched.load(Ordering::Relaxed);
        let mut stream_body = false;
        let (route_id, body_limit, timeout, params) = match router.lookup(method, req.uri().path())
        {
            Lookup::Found { route, params } => {
                stream_body = route.stream_body;
                (
                    route.id as i32,
                    route.body_limit.unwrap_or(self.limits.body_limit),
                    route.timeout.or(self.limits.request_timeout),
                    params,
                )
            }
            Lookup::NotFound if !unmatched_to_js => {
                return self.problem(&KernelError::NotFound, req.uri().path(), n);
            }
            Lookup::MethodNotAllowed { allow } if !unmatched_to_js => {
                let mut res = self.problem(&KernelError::MethodNotAllowed, req.uri().path(), n);
                if let Ok(v) = HeaderValue::from_str(&allow) {
                    res.headers_mut().insert(header::ALLOW, v);
                }
                return res;
            }
            Lookup::NotFound => (
                ROUTE_NOT_FOUND,
                self.limits.body_limit,
                self.limits.request_timeout,
                Vec::new(),
            ),
            Lookup::MethodNotAllowed { allow } => (
                ROUTE_METHOD_NOT_ALLOWED,
                self.limits.body_limit,
                self.limits.request_timeout,
                vec![allow],
            ),
        };

        // 0 is "no limit" (createApp's and the route's `bodyLimit`).
        let body_limit = if body_limit == 0 {
            u64::MAX
        } else {
            body_limit
        };
        let (parts, body) = req.into_parts();
        let declared = parts
            .headers
            .get(header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok()?.parse::<u64>().ok());
        if declared.is_some_and(|len| len > body_limit) {
            return self.problem(&KernelError::BodyTooLarge, parts.uri.path(), n);
        }
        // Bodies are read under a bound of their own, before the request takes a place in the queue for
        // JavaScript: clients trickling bodies must not fill that queue and starve every route. A streamed
        // body keeps its reader's place while JavaScript reads it.
        let mut streamed = None;
        let body = if body.is_end_stream() {
            None
        } else {
            let Some(reading) = Slot::take(&self.body_readers, self.limits.max_body_readers) else {
                Stats::bump(&self.stats.refused_body_readers);
                return self.problem(&KernelError::TooManyBodyReaders, parts.uri.path(), n);
            };
            if stream_body {
                streamed = Some((body, reading));
                None
            } else {
                match read_body(body, body_limit, &self.limits).await {
                    Ok(b) => b,
                    Err(e) => return self.problem(&e, parts.uri.path(), n),
                }
            }
        };
        // Backpressure: a bounded number of requests, read whole, wait for JavaScript.
        let Some(slot) = Slot::take(&self.in_js, self.limits.max_pending) else {
            Stats::bump(&self.stats.refused_overloaded);
            return self.problem(&KernelError::Overloaded, parts.uri.path(), n);
        };

        let Some(bridge) = to.or_else(|| self.pick()) else {
            return self.problem(&KernelError::ShuttingDown, parts.uri.path(), n);
        };
        let url = parts
            .uri
            .path_and_query()
            .map_or_else(|| parts.uri.path().to_owned(), |pq| pq.as_str().to_owned());
        let rx = bridge.register(n, peer);
        let mut guard = InFlight {
            kernel: self,
            bridge: &bridge,
            id: n,
            done: false,
            _slot: slot,
        };
        bridge.push(Job::Request(RequestJob {
            id: n,
            route_id,
            method,
            other_method: (method == METHOD_OTHER).then(|| parts.method.as_str().to_owned()),
            url,
            headers: wire::encode_headers(&parts.headers),
            body,
            params,
            streamed: streamed.is_some(),
        }));

        let waiting = async {
            match timeout {
                Some(t) => tokio::time::timeout(t, rx).await.ok(),
                None => Some(rx.await),
            }
        };
        let answer = match streamed {
            None => waiting.await,
            Some((body, _reading)) => {
                // The body is fed to JavaScript while its answer is awaited; an answer ends the feeding.
                let pull = Arc::new(tokio::sync::Notify::new());
                lock(&self.pulls).insert(n, pull.clone());
                let _forget = Forget(|| {
                    lock(&self.pulls).remove(&n);
                });
                let feeding = upload::pump(body, body_limit, &self.limits, n, &bridge, &pull);
                tokio::pin!(waiting, feeding);
                let mut fed = false;
                loop {
                    tokio::select! {
                        answer = &mut waiting => break answer,
                        () = &mut feeding, if !fed => fed = true,
                    }
                }
            }
        };
        guard.done = true;
        match answer {
            Some(Ok(reply)) => {
                self.drain.count_completed();
                self.reply_of(reply, n, &bridge, parts.uri.path())
                    .await
                    .unwrap_or_else(|| self.problem(&KernelError::Internal, parts.uri.path(), n))
            }
            // The deadline passed: answer 503 and tell JavaScript, unless it answered meanwhile.
            None => {
                if bridge.forget(n) {
                    bridge.push(Job::Abort {
                        id: n,
                        reason: AbortReason::Deadline,
                    });
                }
                self.drain.count_completed();
                Stats::bump(&self.stats.timed_out);
                self.problem(&KernelError::RequestTimeout, parts.uri.path(), n)
            }
            // The sender vanished without an answer: its JavaScript thread is gone (a worker thread exited),
            // or the whole server is.
            Some(Err(_)) if bridge.id != 0 && !self.drain.is_forcing() => {
                self.problem(&KernelError::WorkerExited, parts.uri.path(), n)
            }
            Some(Err(_)) => self.problem(&KernelError::ShuttingDown, parts.uri.path(), n),
        }
    }

    /// The answer to a health probe, from the state JavaScript keeps current: it never waits behind
    /// queued requests and does not pass through JavaScript's hooks (docs/lifecycle.md).
    fn probe<B>(&self, req: &Request<B>, n: u64) -> Option<Reply> {
        let [ready, live] = self.probes.get()?;
        let path = req.uri().path();
        if !matches!(*req.method(), Method::GET | Method::HEAD) || (path != ready && path != live) {
            return None;
        }
        let checks = if path == ready {
            self.checks
                .read()
                .unwrap_or_else(|e| e.into_inner())
                .clone()
        } else {
            None
        };
        if path == ready && !self.serving.load(Ordering::Acquire) {
            let mut reply = self.problem(&KernelError::NotReady, path, n);
            if let Some(checks) = checks {
                // The problem body with the checks as an extension member: `{...,"checks":{...}}`.
                let body = problem::body(&KernelError::NotReady, Some((path, &self.request_id(n))));
                let mut out = Vec::with_capacity(body.len() + checks.len() + 12);
                out.extend_from_slice(&body.as_bytes()[..body.len() - 1]);
                out.extend_from_slice(br#","checks":"#);
                out.extend_from_slice(&checks);
                out.push(b'}');
                *reply.body_mut() = KernelBody::whole(Bytes::from(out));
            }
            return Some(reply);
        }
        let body = match (path == ready, checks) {
            (true, Some(checks)) => {
                let mut out = Vec::with_capacity(checks.len() + 32);
                out.extend_from_slice(br#"{"status":"ready","checks":"#);
                out.extend_from_slice(&checks);
                out.push(b'}');
                Bytes::from(out)
            }
            (true, None) => Bytes::from_static(br#"{"status":"ready"}"#),
            (false, _) => Bytes::from_static(br#"{"status":"live"}"#),
        };
        let headers = "content-type:application/json; charset=utf-8\n".to_owned();
        head(200, &headers).map(|res| res.map(|()| KernelBody::whole(body)))
    }

    /// The response of JavaScript's answer: its head, and its body — whole, the pipe JavaScript writes into,
    /// or the file opened now. None when the head is invalid; a file that cannot be opened (removed since
    /// JavaScript looked at it) is a 404, and JavaScript hears that the reply was cut.
    async fn reply_of(
        &self,
        reply: JsReply,
        n: u64,
        bridge: &Arc<Bridge>,
        path: &str,
    ) -> Option<Reply> {
        let res = head(reply.status, &reply.headers)?;
        let body = match reply.body {
            ReplyBody::Whole(bytes) => KernelBody::whole(bytes),
            ReplyBody::Pipe(pipe) => {
                KernelBody::Pipe(PipeBody::new(pipe, EndNotice::new(n, bridge.clone()), None))
            }
            ReplyBody::File {
                path: file,
                start,
                len,
            } => match FileBody::open(&file, start, len, EndNotice::new(n, bridge.clone())).await {
                Ok(file) => KernelBody::File(file),
                Err(_) => return Some(self.problem(&KernelError::NotFound, path, n)),
            },
        };
        Some(res.map(|()| body))
    }
}

/// Runs a closure when dropped (cleanup on every exit of a future, cancellation included).
struct Forget<F: FnMut()>(F);

impl<F: FnMut()> Drop for Forget<F> {
    fn drop(&mut self) {
        (self.0)();
    }
}

/// A place among at most `max` (JavaScript's queue, the body readers), given back on drop.
struct Slot<'k> {
    count: &'k AtomicUsize,
}

impl<'k> Slot<'k> {
    fn take(count: &'k AtomicUsize, max: Option<usize>) -> Option<Self> {
        let before = count.fetch_add(1, Ordering::AcqRel);
        if max.is_some_and(|max| before >= max) {
            count.fetch_sub(1, Ordering::AcqRel);
            return None;
        }
        Some(Self { count })
    }
}

impl Drop for Slot<'_> {
    fn drop(&mut self) {
        self.count.fetch_sub(1, Ordering::AcqRel);
    }
}

/// Watches a request handed to JavaScript: if its future is dropped before an answer
/// (the client went away, or drain cut the connection), JavaScript hears of it.
struct InFlight<'k> {
    kernel: &'k Arc<Kernel>,
    bridge: &'k Arc<Bridge>,
    id: u64,
    done: bool,
    _slot: Slot<'k>,
}

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        if self.done || !self.bridge.forget(self.id) {
            return;
        }
        let reason = if self.kernel.drain.is_forcing() {
            AbortReason::Drain
        } else {
            AbortReason::Client
        };
        self.kernel.drain.count_aborted();
        self.bridge.push(Job::Abort {
            id: self.id,
            reason,
        });
    }
}

/// Reads the whole body, never buffering past `limit` (chunked bodies are counted as they come), within
/// `body_read_timeout` in all and `body_idle_timeout` between two chunks: a body trickled or stalled ends
/// in a 408, never in a connection (and a partial buffer) held for ever.
async fn read_body<B>(body: B, limit: u64, limits: &Limits) -> Result<Option<Bytes>, KernelError>
where
    B: Body<Data = Bytes>,
    B::Error: std::error::Error + Send + Sync + 'static,
{
    let started = Instant::now();
    let mut body = std::pin::pin!(Limited::new(
        body,
        usize::try_from(limit).unwrap_or(usize::MAX)
    ));
    let mut chunks = Vec::new();
    while !body.is_end_stream() {
        // A frame already in hyper's buffer is taken without arming the timer (`timeout` polls it first).
        let left = limits
            .body_read_timeout
            .map(|total| total.saturating_sub(started.elapsed()));
        let frame = match [left, limits.body_idle_timeout].into_iter().flatten().min() {
            Some(wait) => tokio::time::timeout(wait, body.frame())
                .await
                .map_err(|_| KernelError::BodyTimeout)?,
            None => body.frame().await,
        };
        let Some(frame) = frame else { break };
        // Past the limit, or a body that does not parse (a broken chunked one, say); trailers are not data.
        let frame = frame.map_err(|e| {
            if e.is::<LengthLimitError>() {
                KernelError::BodyTooLarge
            } else {
                KernelError::BadRequest
            }
        })?;
        chunks.extend(frame.into_data());
    }
    // One chunk (the usual small body) is handed on as it came, without a copy.
    let body = if chunks.len() == 1 {
        chunks.swap_remove(0)
    } else {
        Bytes::from(chunks.concat())
    };
    Ok((!body.is_empty()).then_some(body))
}

/// RFC 9112 §3.2: 400 to an HTTP/1.1 request without Host, to more than one Host line, to an invalid value
/// (uri-host [":" port]: RFC 3986 characters). hyper refuses differing Content-Length values (RFC 9112 §6.3)
/// and reads repeats of one as one (RFC 9110 §8.6). Other singleton fields (Content-Type, ...) RFC 9110
/// §5.3 forbids senders to repeat but asks nothing of recipients: they reach JavaScript joined.
fn valid_host<B>(req: &Request<B>) -> bool {
    let mut hosts = req.headers().get_all(header::HOST).iter();
    match (hosts.next(), hosts.next()) {
        (None, _) => req.version() < hyper::Version::HTTP_11,
        (Some(host), None) => host
            .as_bytes()
            .iter()
            .all(|b| b.is_ascii_alphanumeric() || b"-._~%!$&'()*+,;=:[]".contains(b)),
        (Some(_), Some(_)) => false,
    }
}

/// The size of the request head as sent: request line and `name: value` lines.
fn head_size<B>(req: &Request<B>) -> usize {
    let line = req.method().as_str().len()
        + req.uri().path_and_query().map_or(1, |pq| pq.as_str().len())
        + 12;
    req.headers().iter().fold(line, |sum, (name, value)| {
        sum + name.as_str().len() + value.len() + 4
    })
}

/// The head of JavaScript's answer (status and a `name:value\n` block); None when it is invalid.
fn head(status: u16, block: &str) -> Option<Response<()>> {
    let mut res = Response::new(());
    *res.status_mut() = StatusCode::from_u16(status).ok()?;
    let headers = res.headers_mut();
    for line in wire::header_lines(block) {
        let (name, value) = line.ok()?;
        headers.append(
            HeaderName::from_bytes(name.as_bytes()).ok()?,
            HeaderValue::from_str(value).ok()?,
        );
    }
    Some(res)
}

/// HEAD answers keep the GET headers and the length of the body they do not send (a streamed body has
/// none to give). The body is never read: a streamed or file reply ends as delivered.
fn strip_body(res: &mut Reply) {
    let len = res.body().size_hint().exact();
    if let Some(len) = len {
        if !res.headers().contains_key(header::CONTENT_LENGTH) {
            res.headers_mut()
                .insert(header::CONTENT_LENGTH, HeaderValue::from(len));
        }
    }
    std::mem::replace(res.body_mut(), KernelBody::empty()).discard();
}

#[cfg(test)]
mod tests {
    use super::*;
    use http_body_util::Full;

    #[test]
    fn js_reply_with_repeated_headers_becomes_a_response() {
        let res = head(
            201,
            "content-type:text/plain\nset-cookie:a=1\nset-cookie:b=2\n",
        )
        .unwrap();
        assert_eq!(res.status(), 201);
        assert_eq!(res.headers().get_all("set-cookie").iter().count(), 2);
    }

    #[test]
    fn js_reply_with_a_broken_head_is_rejected() {
        let bad = |status, headers: &str| head(status, headers);
        assert!(bad(200, "no colon here\n").is_none());
        assert!(bad(200, "bad name:x\n").is_none());
        assert!(bad(99, "").is_none());
    }

    /// A body that arrives in chunks and declares no length, like a chunked upload.
    fn chunked(
        chunks: &[&'static [u8]],
    ) -> http_body_util::StreamBody<
        impl futures_util::Stream<Item = Result<hyper::body::Frame<Bytes>, std::io::Error>>,
    > {
        let frames: Vec<Result<hyper::body::Frame<Bytes>, std::io::Error>> = chunks
            .iter()
            .map(|c| Ok(hyper::body::Frame::data(Bytes::from_static(c))))
            .collect();
        http_body_util::StreamBody::new(futures_util::stream::iter(frames))
    }

    #[tokio::test]
    async fn chunked_body_within_the_limit_is_read_whole() {
        let body = read_body(chunked(&[b"abc", b"def"]), 6, &Limits::default()).await;
        assert!(matches!(body, Ok(Some(b)) if b == "abcdef"));
    }

    #[tokio::test]
    async fn chunked_body_past_the_limit_is_refused_while_counting() {
        assert!(matches!(
            read_body(chunked(&[b"abc", b"defg"]), 6, &Limits::default()).await,
            Err(KernelError::BodyTooLarge)
        ));
    }

    #[tokio::test]
    async fn empty_body_is_none() {
        assert!(matches!(
            read_body(Full::new(Bytes::new()), 10, &Limits::default()).await,
            Ok(None)
        ));
    }

    #[tokio::test]
    async fn a_body_that_stops_arriving_ends_at_the_idle_gap() {
        let limits = Limits {
            body_idle_timeout: Some(std::time::Duration::from_millis(50)),
            ..Limits::default()
        };
        let stalled = http_body_util::StreamBody::new(futures_util::stream::pending::<
            Result<hyper::body::Frame<Bytes>, std::io::Error>,
        >());
        assert!(matches!(
            read_body(stalled, 10, &limits).await,
            Err(KernelError::BodyTimeout)
        ));
    }

    #[tokio::test]
    async fn a_body_that_trickles_ends_at_the_total_deadline() {
        let ms = std::time::Duration::from_millis;
        let limits = Limits {
            body_read_timeout: Some(ms(100)),
            body_idle_timeout: Some(ms(10_000)),
            ..Limits::default()
        };
        let trickle = futures_util::stream::unfold((), move |()| async move {
            tokio::time::sleep(ms(5)).await;
            Some((
                Ok::<_, std::io::Error>(hyper::body::Frame::data(Bytes::from_static(b"x"))),
                (),
            ))
        });
        assert!(matches!(
            read_body(http_body_util::StreamBody::new(trickle), 1 << 20, &limits).await,
            Err(KernelError::BodyTimeout)
        ));
    }

    #[test]
    fn host_is_one_valid_field_line_in_http_1_1() {
        let req = |version, hosts: &[&str]| {
            let builder = hosts
                .iter()
                .fold(Request::builder().version(version), |b, h| {
                    b.header("host", *h)
                });
            builder.body(()).unwrap()
        };
        for ok in ["a.example", "a.example:8080", "[::1]:3000", "10.0.0.1", ""] {
            assert!(valid_host(&req(hyper::Version::HTTP_11, &[ok])), "{ok:?}");
        }
        assert!(valid_host(&req(hyper::Version::HTTP_10, &[])));
        assert!(!valid_host(&req(hyper::Version::HTTP_11, &[])));
        assert!(!valid_host(&req(
            hyper::Version::HTTP_11,
            &["a.example", "b.example"]
        )));
        for bad in ["a.example/x", "user@a.example", "a b", "a?b"] {
            assert!(
                !valid_host(&req(hyper::Version::HTTP_11, &[bad])),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn slots_are_bounded_and_given_back_on_drop() {
        let count = AtomicUsize::new(0);
        let first = Slot::take(&count, Some(1));
        assert!(first.is_some());
        assert!(Slot::take(&count, Some(1)).is_none());
        drop(first);
        let unbounded = [Slot::take(&count, None), Slot::take(&count, None)];
        assert!(unbounded.iter().all(Option::is_some));
        assert_eq!(count.load(Ordering::Acquire), 2);
        drop(unbounded);
        assert_eq!(count.load(Ordering::Acquire), 0);
    }

    #[test]
    fn head_size_counts_request_line_and_header_lines() {
        let req = Request::builder()
            .uri("/abc")
            .header("x-a", "12345")
            .body(())
            .unwrap();
        // "GET /abc HTTP/1.1\r\n" (3 + 4 + 12) + "x-a: 12345\r\n" (3 + 5 + 4)
        assert_eq!(head_size(&req), 19 + 12);
    }

    #[test]
    fn head_replies_keep_the_length_without_the_body() {
        let mut res = Response::new(KernelBody::whole(Bytes::from_static(b"hello")));
        strip_body(&mut res);
        assert_eq!(res.headers()["content-length"], "5");
        assert_eq!(res.body().size_hint().exact(), Some(0));
    }
}
