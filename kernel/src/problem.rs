//! RFC 9457 problem+json replies for the requests the kernel answers by itself.
//!
//! Every problem body the kernel sends is written here; the codes, statuses and details come
//! from `KernelError` (error.rs).

use std::fmt::Write;

use bytes::Bytes;
use http_body_util::Full;
use hyper::{Response, StatusCode, header};

use crate::error::KernelError;

const CONTENT_TYPE: &str = "application/problem+json";

/// The JSON body. `request` is the request path (as `instance`) and the request id; a connection
/// refused before any request was read has neither.
pub(crate) fn body(error: &KernelError, request: Option<(&str, &str)>) -> String {
    let status = status(error);
    let title = status.canonical_reason().unwrap_or("Error");
    let code = error.code();
    let mut out = format!(
        r#"{{"type":"{}","title":"{title}","status":{},"detail":"{}""#,
        docs_url(code),
        status.as_u16(),
        escape(&error.to_string()),
    );
    // Writing to a String cannot fail.
    let _ = match request {
        Some((instance, id)) => {
            write!(out, r#","instance":"{}","code":"{code}","requestId":"{}"}}"#, escape(instance), escape(id))
        }
        None => write!(out, r#","code":"{code}"}}"#),
    };
    out
}

/// A complete response; `Retry-After` is added for 503s, `Connection: close` for 408s.
pub(crate) fn response(error: &KernelError, instance: &str, request_id: &str) -> Response<Full<Bytes>> {
    let mut res = Response::new(Full::new(Bytes::from(body(error, Some((instance, request_id))))));
    *res.status_mut() = status(error);
    let headers = res.headers_mut();
    headers.insert(header::CONTENT_TYPE, header::HeaderValue::from_static(CONTENT_TYPE));
    match status(error) {
        StatusCode::SERVICE_UNAVAILABLE => headers.insert(header::RETRY_AFTER, header::HeaderValue::from_static("1")),
        // A body that did not arrive in time is left unread: the connection cannot carry another request.
        StatusCode::REQUEST_TIMEOUT => headers.insert(header::CONNECTION, header::HeaderValue::from_static("close")),
        _ => None,
    };
    res
}

/// The whole HTTP/1.1 response, head and body, for a connection refused before hyper serves it
/// (no request, so no instance or request id), followed by closing the connection.
pub(crate) fn raw_http1(error: &KernelError) -> String {
    let status = status(error);
    let body = body(error, None);
    let retry_after = if status == StatusCode::SERVICE_UNAVAILABLE { "retry-after: 1\r\n" } else { "" };
    format!(
        "HTTP/1.1 {} {}\r\ncontent-type: {CONTENT_TYPE}\r\n{retry_after}connection: close\r\ncontent-length: {}\r\n\r\n{body}",
        status.as_u16(),
        status.canonical_reason().unwrap_or("Error"),
        body.len()
    )
}

/// The problem `type`: the code's entry in docs/errors.md (the same URL the TypeScript side uses).
pub(crate) fn docs_url(code: &str) -> String {
    format!("https://vectora.dev/docs/errors#{}", code.to_ascii_lowercase())
}

/// Only the kernel's own replies come here; anything else would be a kernel bug, answered as a 500.
fn status(error: &KernelError) -> StatusCode {
    error.status().unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
}

/// Minimal JSON string escaping (the inputs are paths and fixed texts).
fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out
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
