//! RFC 9457 problem+json replies for the requests the kernel answers by itself.
//!
//! Every problem body the kernel sends is written here; the codes, statuses and details come
//! from `KernelError` (error.rs).

use std::fmt::Write;

use bytes::Bytes;
use hyper::{Response, StatusCode, header};

use crate::body::KernelBody;
use crate::error::KernelError;

const CONTENT_TYPE: &str = "application/problem+json";

/// The JSON body. `request` is the request path (as `instance`) and the request id; a connection
/// refused before any request was read has neither. Written into one buffer sized up front: the
/// kernel's 404 is on the hot path of every scanner and misrouted client.
pub(crate) fn body(error: &KernelError, request: Option<(&str, &str)>) -> String {
    let status = status(error);
    let code = error.code();
    let detail = error.to_string();
    let extra = request.map_or(0, |(instance, id)| instance.len() + id.len() + 32);
    let mut out =
        String::with_capacity(DOCS_BASE.len() + 2 * code.len() + detail.len() + extra + 80);
    out.push_str(r#"{"type":""#);
    push_docs_url(&mut out, code);
    out.push_str(r#"","title":""#);
    out.push_str(status.canonical_reason().unwrap_or("Error"));
    out.push_str(r#"","status":"#);
    out.push_str(status.as_str());
    out.push_str(r#","detail":""#);
    escape_into(&mut out, &detail);
    out.push('"');
    if let Some((instance, _)) = request {
        out.push_str(r#","instance":""#);
        escape_into(&mut out, instance);
        out.push('"');
    }
    out.push_str(r#","code":""#);
    out.push_str(code);
    out.push('"');
    if let Some((_, id)) = request {
        out.push_str(r#","requestId":""#);
        escape_into(&mut out, id);
        out.push('"');
    }
    out.push('}');
    out
}

/// A complete response; `Retry-After` is added for 503s, `Connection: close` for 408s.
pub(crate) fn response(
    error: &KernelError,
    instance: &str,
    request_id: &str,
) -> Response<KernelBody> {
    let mut res = Response::new(KernelBody::whole(Bytes::from(body(
        error,
        Some((instance, request_id)),
    ))));
    *res.status_mut() = status(error);
    let headers = res.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        header::HeaderValue::from_static(CONTENT_TYPE),
    );
    match status(error) {
        StatusCode::SERVICE_UNAVAILABLE => {
            headers.insert(header::RETRY_AFTER, header::HeaderValue::from_static("1"))
        }
        // A body that did not arrive in time is left unread: the connection cannot carry another request.
        StatusCode::REQUEST_TIMEOUT => headers.insert(
            header::CONNECTION,
            header::HeaderValue::from_static("close"),
        ),
        _ => None,
    };
    res
}

/// The whole HTTP/1.1 response, head and body, for a connection refused before hyper serves it
/// (no request, so no instance or request id), followed by closing the connection.
pub(crate) fn raw_http1(error: &KernelError) -> String {
    let status = status(error);
    let body = body(error, None);
    let retry_after = if status == StatusCode::SERVICE_UNAVAILABLE {
        "retry-after: 1\r\n"
    } else {
        ""
    };
    format!(
        "HTTP/1.1 {} {}\r\ncontent-type: {CONTENT_TYPE}\r\n{retry_after}connection: close\r\ncontent-length: {}\r\n\r\n{body}",
        status.as_u16(),
        status.canonical_reason().unwrap_or("Error"),
        body.len()
    )
}

const DOCS_BASE: &str = "https://vectora.dev/docs/errors#";

/// The problem `type`: the code's entry in docs/errors.md (the same URL the TypeScript side uses).
fn push_docs_url(out: &mut String, code: &str) {
    out.push_str(DOCS_BASE);
    out.extend(code.chars().map(|c| c.to_ascii_lowercase()));
}

/// Only the kernel's own replies come here; anything else would be a kernel bug, answered as a 500.
fn status(error: &KernelError) -> StatusCode {
    error.status().unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
}

/// Minimal JSON string escaping (the inputs are paths and fixed texts), appended to `out`: runs of
/// plain characters are copied whole. Only ASCII bytes are escaped, so the cuts fall on char boundaries.
fn escape_into(out: &mut String, s: &str) {
    let mut plain = 0;
    for (i, b) in s.bytes().enumerate() {
        if b != b'"' && b != b'\\' && b >= 0x20 {
            continue;
        }
        out.push_str(&s[plain..i]);
        match b {
            b'"' => out.push_str("\\\""),
            b'\\' => out.push_str("\\\\"),
            // Writing to a String cannot fail.
            _ => {
                let _ = write!(out, "\\u{:04x}", b);
            }
        }
        plain = i + 1;
    }
    out.push_str(&s[plain..]);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn problem_body_is_escaped_json_with_code_and_request_id() {
        let body = body(&KernelError::NotFound, Some(("/a\"b\\c\n", "abc-1")));
        assert_eq!(
            body,
            r#"{"type":"https://vectora.dev/docs/errors#vec_err_not_found","title":"Not Found","status":404,"detail":"No route matches this path.","instance":"/a\"b\\c\u000a","code":"VEC_ERR_NOT_FOUND","requestId":"abc-1"}"#
        );
    }

    #[test]
    fn service_unavailable_replies_carry_retry_after() {
        let res = response(&KernelError::Overloaded, "/", "x-1");
        assert_eq!(res.status(), 503);
        assert_eq!(res.headers()["retry-after"], "1");
        assert_eq!(res.headers()["content-type"], "application/problem+json");
    }

    #[test]
    fn a_body_timeout_closes_the_connection() {
        let res = response(&KernelError::BodyTimeout, "/upload", "x-1");
        assert_eq!(res.status(), 408);
        assert_eq!(res.headers()["connection"], "close");
        assert!(!res.headers().contains_key("retry-after"));
    }

    #[test]
    fn a_refused_connection_gets_a_503_problem_without_instance_or_request_id() {
        let body = r#"{"type":"https://vectora.dev/docs/errors#vec_err_too_many_connections","title":"Service Unavailable","status":503,"detail":"The server has too many open connections; retry later.","code":"VEC_ERR_TOO_MANY_CONNECTIONS"}"#;
        let head = format!(
            "HTTP/1.1 503 Service Unavailable\r\ncontent-type: application/problem+json\r\nretry-after: 1\r\nconnection: close\r\ncontent-length: {}\r\n\r\n",
            body.len()
        );
        assert_eq!(raw_http1(&KernelError::TooManyConnections), head + body);
    }
}
