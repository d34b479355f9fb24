//! Zero-network dispatch (`app.inject()`): a request built from JavaScript's parts goes through
//! the same `Kernel::handle` as a socket's, and its response comes back flattened to the wire format.

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::{Request, StatusCode, header};

use crate::bridge::Bridge;
use crate::error::KernelError;
use crate::kernel::Kernel;
use crate::wire;

/// An injected request, whole, as hyper would have parsed it from a socket.
pub(crate) type Injection = Request<Full<Bytes>>;

/// An injected request's response: status, header block and the whole body.
pub(crate) struct Injected {
    pub(crate) status: u16,
    pub(crate) headers: String,
    pub(crate) body: Bytes,
}

/// Builds the request from JavaScript's parts: `headers` is a header block, and a body without a
/// `content-length` gets one, as a real client would send.
pub(crate) fn request(
    kernel: &Kernel,
    method: &str,
    url: &str,
    headers: &str,
    body: Bytes,
) -> Result<Injection, KernelError> {
    if kernel.drain.is_draining() {
        return Err(KernelError::InjectAfterClose);
    }
    let mut builder = Request::builder().method(method).uri(url);
    for line in wire::header_lines(headers) {
        let (name, value) = line.map_err(|line| {
            KernelError::InvalidInject(format!("header line without a colon: {line:?}"))
        })?;
        // Spaces around a name are forgiven here (they always were); names in JavaScript's replies must be exact.
        builder = builder.header(name.trim(), value);
    }
    let len = body.len();
    let has_length = builder
        .headers_ref()
        .is_some_and(|h| h.contains_key(header::CONTENT_LENGTH));
    if len > 0 && !has_length {
        builder = builder.header(header::CONTENT_LENGTH, len);
    }
    builder
        .body(Full::new(body))
        .map_err(|e| KernelError::InvalidInject(format!("invalid request: {e}")))
}

/// The peer an injected request appears to come from (`remoteAddress`), when it is an IP address.
pub(crate) fn peer(remote: &str) -> Option<SocketAddr> {
    remote
        .parse::<IpAddr>()
        .ok()
        .map(|ip| SocketAddr::new(ip, 0))
}

/// Dispatches the request to the JavaScript thread of `bridge` (the one that injected it); fails only
/// when drain's deadline cuts it.
pub(crate) async fn run(
    kernel: Arc<Kernel>,
    bridge: Arc<Bridge>,
    request: Injection,
    peer: Option<SocketAddr>,
) -> Result<Injected, KernelError> {
    let reply = tokio::select! {
        reply = kernel.handle(request, peer, Some(bridge)) => reply,
        _ = kernel.drain.force.cancelled() => return Err(KernelError::InjectCut),
    };
    let (mut parts, body) = reply.into_parts();
    let body = body
        .collect()
        .await
        .map(|c| c.to_bytes())
        .unwrap_or_default();
    // What hyper adds on the wire, so injected and real responses look alike.
    let status = parts.status;
    let bodiless = status.is_informational()
        || status == StatusCode::NO_CONTENT
        || status == StatusCode::NOT_MODIFIED;
    if !bodiless && !parts.headers.contains_key(header::CONTENT_LENGTH) {
        parts
            .headers
            .insert(header::CONTENT_LENGTH, body.len().into());
    }
    Ok(Injected {
        status: status.as_u16(),
        headers: wire::encode_headers(&parts.headers),
        body,
    })
}
