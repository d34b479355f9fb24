//! Dispatch: one request from a socket or from `inject` through the router, the limits
//! and the bridge into JavaScript, and back as a response. Both paths share this code,
//! so tests through `app.inject()` exercise the real dispatch.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock};

use bytes::Bytes;
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::Body;
use hyper::header::{self, HeaderName, HeaderValue};
use hyper::{Method, Request, Response, StatusCode};

use crate::bridge::{AbortReason, Bridge, Job, JsReply, RequestJob};
use crate::drain::Drain;
use crate::limits::Limits;
use crate::problem::{self, Problem};
use crate::router::{self, Lookup, METHOD_OTHER, Router};

/// Everything one server shares between its connections, injected requests and JavaScript.
pub(crate) struct Kernel {
    pub(crate) limits: Limits,
    pub(crate) bridge: Arc<Bridge>,
    pub(crate) drain: Drain,
    /// Routes being declared; taken and frozen into `router` by `ready`.
    pub(crate) building: Mutex<Option<Router>>,
    pub(crate) router: OnceLock<Router>,
    /// Send 404/405 to JavaScript (app-wide hooks exist) instead of answering here.
    pub(crate) dispatch_unmatched: AtomicBool,
    pub(crate) request_id_prefix: String,
    next_id: AtomicU64,
    /// Requests queued for or running in JavaScript.
    in_js: AtomicUsize,
}

pub(crate) type Reply = Response<Full<Bytes>>;

impl Kernel {
    pub(crate) fn new(limits: Limits, bridge: Bridge, request_id_prefix: String) -> Self {
        Self {
            limits,
            bridge: Arc::new(bridge),
            drain: Drain::default(),
            building: Mutex::new(Some(Router::new())),
            router: OnceLock::new(),
            dispatch_unmatched: AtomicBool::new(false),
            request_id_prefix,
            next_id: AtomicU64::new(1),
            in_js: AtomicUsize::new(0),
        }
    }

    /// The id JavaScript shows as `req.id`: `<prefix>-<n in base 36>`.
    pub(crate) fn request_id(&self, n: u64) -> String {
        format!("{}-{}", self.request_id_prefix, base36(n))
    }

    /// Handles one request; never fails (every failure is an HTTP reply).
    pub(crate) async fn handle<B>(self: &Arc<Self>, req: Request<B>, peer: Option<SocketAddr>) -> Reply
    where
        B: Body<Data = Bytes>,
        B::Error: std::error::Error + Send + Sync + 'static,
    {
        let n = self.next_id.fetch_add(1, Ordering::Relaxed);
        let is_head = req.method() == Method::HEAD;
        let mut reply = self.answer(n, req, peer).await;
        if is_head {
            strip_body(&mut reply);
        }
        reply
    }

    async fn answer<B>(self: &Arc<Self>, n: u64, req: Request<B>, peer: Option<SocketAddr>) -> Reply
    where
        B: Body<Data = Bytes>,
        B::Error: std::error::Error + Send + Sync + 'static,
    {
        let Some(router) = self.router.get() else {
            return self.problem(&problem::SHUTTING_DOWN, req.uri().path(), n);
        };
        if head_size(&req) > self.limits.max_header_size {
            return self.problem(&problem::HEADERS_TOO_LARGE, req.uri().path(), n);
        }
        let method = method_code(req.method());
        let unmatched_to_js = self.dispatch_unmatched.load(Ordering::Relaxed);
        let (route_id, body_limit, timeout, params) = match router.lookup(method, req.uri().path()) {
            Lookup::Found { route, params } => (
                route.id as i32,
                route.body_limit.unwrap_or(self.limits.body_limit),
                route.timeout.or(self.limits.request_timeout),
                params,
            ),
            Lookup::NotFound if !unmatched_to_js => return self.problem(&problem::NOT_FOUND, req.uri().path(), n),
            Lookup::MethodNotAllowed { allow } if !unmatched_to_js => {
                let mut res = self.problem(&problem::METHOD_NOT_ALLOWED, req.uri().path(), n);
                if let Ok(v) = HeaderValue::from_str(&allow) {
                    res.headers_mut().insert(header::ALLOW, v);
                }
                return res;
            }
            Lookup::NotFound => (-1, self.limits.body_limit, self.limits.request_timeout, Vec::new()),
            Lookup::MethodNotAllowed { allow } => (-2, self.limits.body_limit, self.limits.request_timeout, vec![allow]),
        };

        // Backpressure before buffering anything: a bounded number of requests wait for JavaScript.
        let Some(slot) = JsSlot::take(self) else {
            return self.problem(&problem::OVERLOADED, req.uri().path(), n);
        };

        let (parts, body) = req.into_parts();
        let declared = parts.headers.get(header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()?.parse::<u64>().ok());
        if declared.is_some_and(|len| len > body_limit) {
            return self.problem(&problem::BODY_TOO_LARGE, parts.uri.path(), n);
        }
        let body = match read_body(body, body_limit).await {
            Ok(b) => b,
            Err(BodyError::TooLarge) => return self.problem(&problem::BODY_TOO_LARGE, parts.uri.path(), n),
            Err(BodyError::Broken) => return self.problem(&problem::BAD_REQUEST, parts.uri.path(), n),
        };

        let url = parts.uri.path_and_query().map_or_else(|| parts.uri.path().to_owned(), |pq| pq.as_str().to_owned());
        let rx = self.bridge.register(n, peer);
        let mut guard = InFlight { kernel: self, id: n, done: false, _slot: slot };
        self.bridge.push(Job::Request(RequestJob {
            id: n,
            route_id,
            method,
            other_method: (method == METHOD_OTHER).then(|| parts.method.as_str().to_owned()),
            url,
            headers: header_block(&parts.headers),
            body,
            params,
        }));

        let answer = match timeout {
            Some(t) => tokio::time::timeout(t, rx).await.ok(),
            None => Some(rx.await),
        };
        guard.done = true;
        match answer {
            Some(Ok(reply)) => {
                self.drain.count_completed();
                to_response(reply).unwrap_or_else(|| self.problem(&problem::INTERNAL, parts.uri.path(), n))
            }
            // The deadline passed: answer 503 and tell JavaScript, unless it answered meanwhile.
            None => {
                if self.bridge.forget(n) {
                    self.bridge.push(Job::Abort { id: n, reason: AbortReason::Deadline });
                }
                self.drain.count_completed();
                self.problem(&problem::REQUEST_TIMEOUT, parts.uri.path(), n)
            }
            // The sender vanished without an answer (the server is going away).
            Some(Err(_)) => self.problem(&problem::SHUTTING_DOWN, parts.uri.path(), n),
        }
    }

    pub(crate) fn problem(&self, p: &Problem, path: &str, n: u64) -> Reply {
        p.response(path, &self.request_id(n))
    }
}

/// A place among the requests JavaScript is handling, given back on drop.
struct JsSlot<'k> {
    kernel: &'k Kernel,
}

impl<'k> JsSlot<'k> {
    fn take(kernel: &'k Kernel) -> Option<Self> {
        let before = kernel.in_js.fetch_add(1, Ordering::AcqRel);
        if kernel.limits.max_pending.is_some_and(|max| before >= max) {
            kernel.in_js.fetch_sub(1, Ordering::AcqRel);
            return None;
        }
        Some(Self { kernel })
    }
}

impl Drop for JsSlot<'_> {
    fn drop(&mut self) {
        self.kernel.in_js.fetch_sub(1, Ordering::AcqRel);
    }
}

/// Watches a request handed to JavaScript: if its future is dropped before an answer
/// (the client went away, or drain cut the connection), JavaScript hears of it.
struct InFlight<'k> {
    kernel: &'k Arc<Kernel>,
    id: u64,
    done: bool,
    _slot: JsSlot<'k>,
}

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        if self.done || !self.kernel.bridge.forget(self.id) {
            return;
        }
        let reason = if self.kernel.drain.is_forcing() { AbortReason::Drain } else { AbortReason::Client };
        self.kernel.drain.count_aborted();
        self.kernel.bridge.push(Job::Abort { id: self.id, reason });
    }
}

enum BodyError {
    TooLarge,
    Broken,
}

/// Reads the whole body, never buffering past `limit` (chunked bodies are counted as they come).
async fn read_body<B>(body: B, limit: u64) -> Result<Option<Bytes>, BodyError>
where
    B: Body<Data = Bytes>,
    B::Error: std::error::Error + Send + Sync + 'static,
{
    if body.is_end_stream() {
        return Ok(None);
    }
    let limit = usize::try_from(limit).unwrap_or(usize::MAX);
    match Limited::new(body, limit).collect().await {
        Ok(collected) => {
            let bytes = collected.to_bytes();
            Ok((!bytes.is_empty()).then_some(bytes))
        }
        Err(e) if e.is::<http_body_util::LengthLimitError>() => Err(BodyError::TooLarge),
        Err(_) => Err(BodyError::Broken),
    }
}

fn method_code(m: &Method) -> u8 {
    match *m {
        Method::GET => 0,
        Method::HEAD => 1,
        Method::POST => 2,
        Method::PUT => 3,
        Method::PATCH => 4,
        Method::DELETE => 5,
        Method::OPTIONS => 6,
        _ => router::METHOD_OTHER,
    }
}

/// The size of the request head as sent: request line and `name: value` lines.
fn head_size<B>(req: &Request<B>) -> usize {
    let line = req.method().as_str().len() + req.uri().path_and_query().map_or(1, |pq| pq.as_str().len()) + 12;
    req.headers().iter().fold(line, |sum, (name, value)| sum + name.as_str().len() + value.len() + 4)
}

/// The request head as `name:value` lines joined by `\n` (names are lower-case already).
fn header_block(headers: &hyper::HeaderMap) -> String {
    let mut out = String::with_capacity(headers.len() * 32);
    for (name, value) in headers {
        out.push_str(name.as_str());
        out.push(':');
        // Header values are bytes; non-UTF-8 ones are passed on lossily.
        out.push_str(&String::from_utf8_lossy(value.as_bytes()));
        out.push('\n');
    }
    out
}

/// Builds the response from JavaScript's answer; None when JavaScript sent an invalid head.
fn to_response(reply: JsReply) -> Option<Reply> {
    let mut res = Response::new(Full::new(reply.body));
    *res.status_mut() = StatusCode::from_u16(reply.status).ok()?;
    let headers = res.headers_mut();
    for line in reply.headers.split('\n').filter(|l| !l.is_empty()) {
        let (name, value) = line.split_once(':')?;
        let name = HeaderName::from_bytes(name.as_bytes()).ok()?;
        let value = HeaderValue::from_str(value.trim_start()).ok()?;
        headers.append(name, value);
    }
    Some(res)
}

/// HEAD answers keep the GET headers and the length of the body they do not send.
fn strip_body(res: &mut Reply) {
    let len = res.body().size_hint().exact().unwrap_or(0);
    if !res.headers().contains_key(header::CONTENT_LENGTH) {
        res.headers_mut().insert(header::CONTENT_LENGTH, HeaderValue::from(len));
    }
    *res.body_mut() = Full::new(Bytes::new());
}

fn base36(mut n: u64) -> String {
    const DIGITS: &[u8; 36] = b"0123456789abcdefghijklmnopqrstuvwxyz";
    let mut buf = [0u8; 13];
    let mut i = buf.len();
    loop {
        i -= 1;
        buf[i] = DIGITS[(n % 36) as usize];
        n /= 36;
        if n == 0 {
            break;
        }
    }
    String::from_utf8_lossy(&buf[i..]).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base36_matches_javascript_to_string_36() {
        assert_eq!(base36(0), "0");
        assert_eq!(base36(35), "z");
        assert_eq!(base36(36), "10");
        assert_eq!(base36(u64::MAX), "3w5e11264sgsf");
    }

    #[test]
    fn header_block_lists_every_value_on_its_own_line() {
        let mut h = hyper::HeaderMap::new();
        h.append("x-a", HeaderValue::from_static("1"));
        h.append("x-a", HeaderValue::from_static("2"));
        h.insert("host", HeaderValue::from_static("example"));
        let block = header_block(&h);
        assert!(block.contains("x-a:1\nx-a:2\n"));
        assert!(block.contains("host:example\n"));
    }

    #[test]
    fn js_reply_with_repeated_headers_becomes_a_response() {
        let res = to_response(JsReply {
            status: 201,
            headers: "content-type:text/plain\nset-cookie:a=1\nset-cookie:b=2\n".into(),
            body: Bytes::from_static(b"hi"),
        })
        .unwrap();
        assert_eq!(res.status(), 201);
        assert_eq!(res.headers().get_all("set-cookie").iter().count(), 2);
    }

    #[test]
    fn js_reply_with_a_broken_head_is_rejected() {
        let bad = |status, headers: &str| to_response(JsReply { status, headers: headers.into(), body: Bytes::new() });
        assert!(bad(200, "no colon here\n").is_none());
        assert!(bad(200, "bad name:x\n").is_none());
        assert!(bad(99, "").is_none());
    }

    /// A body that arrives in chunks and declares no length, like a chunked upload.
    fn chunked(chunks: &[&'static [u8]]) -> http_body_util::StreamBody<impl futures_util::Stream<Item = Result<hyper::body::Frame<Bytes>, std::io::Error>>> {
        let frames: Vec<Result<hyper::body::Frame<Bytes>, std::io::Error>> =
            chunks.iter().map(|c| Ok(hyper::body::Frame::data(Bytes::from_static(c)))).collect();
        http_body_util::StreamBody::new(futures_util::stream::iter(frames))
    }

    #[tokio::test]
    async fn chunked_body_within_the_limit_is_read_whole() {
        let body = read_body(chunked(&[b"abc", b"def"]), 6).await;
        assert!(matches!(body, Ok(Some(b)) if b == "abcdef"));
    }

    #[tokio::test]
    async fn chunked_body_past_the_limit_is_refused_while_counting() {
        assert!(matches!(read_body(chunked(&[b"abc", b"defg"]), 6).await, Err(BodyError::TooLarge)));
    }

    #[tokio::test]
    async fn empty_body_is_none() {
        assert!(matches!(read_body(Full::new(Bytes::new()), 10).await, Ok(None)));
    }

    #[test]
    fn head_size_counts_request_line_and_header_lines() {
        let req = Request::builder().uri("/abc").header("x-a", "12345").body(()).unwrap();
        // "GET /abc HTTP/1.1\r\n" (3 + 4 + 12) + "x-a: 12345\r\n" (3 + 5 + 4)
        assert_eq!(head_size(&req), 19 + 12);
    }

    #[test]
    fn head_replies_keep_the_length_without_the_body() {
        let mut res = Response::new(Full::new(Bytes::from_static(b"hello")));
        strip_body(&mut res);
        assert_eq!(res.headers()["content-length"], "5");
        assert_eq!(res.body().size_hint().exact(), Some(0));
    }
}
