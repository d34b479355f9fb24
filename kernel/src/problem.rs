//! RFC 9457 problem+json replies for the requests the kernel answers by itself.
//!
//! The codes are the `VEC_ERR_*` codes of the TypeScript catalogue (kernel/ts/errors.ts);
//! a test there keeps both in step. Rust error text is never part of the API.

use bytes::Bytes;
use http_body_util::Full;
use hyper::{Response, StatusCode, header};

/// A kernel-made error reply.
pub(crate) struct Problem {
    pub(crate) status: StatusCode,
    pub(crate) code: &'static str,
    pub(crate) detail: &'static str,
}

pub(crate) const NOT_FOUND: Problem =
    Problem { status: StatusCode::NOT_FOUND, code: "VEC_ERR_NOT_FOUND", detail: "No route matches this path." };
pub(crate) const METHOD_NOT_ALLOWED: Problem = Problem {
    status: StatusCode::METHOD_NOT_ALLOWED,
    code: "VEC_ERR_METHOD_NOT_ALLOWED",
    detail: "The path exists but not for this method; see the Allow header.",
};
pub(crate) const BODY_TOO_LARGE: Problem = Problem {
    status: StatusCode::PAYLOAD_TOO_LARGE,
    code: "VEC_ERR_BODY_TOO_LARGE",
    detail: "The request body is larger than this route accepts.",
};
pub(crate) const HEADERS_TOO_LARGE: Problem = Problem {
    status: StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE,
    code: "VEC_ERR_HEADERS_TOO_LARGE",
    detail: "The request head is larger than the server accepts.",
};
pub(crate) const BAD_REQUEST: Problem = Problem {
    status: StatusCode::BAD_REQUEST,
    code: "VEC_ERR_BAD_REQUEST",
    detail: "The request body could not be read.",
};
pub(crate) const REQUEST_TIMEOUT: Problem = Problem {
    status: StatusCode::SERVICE_UNAVAILABLE,
    code: "VEC_ERR_REQUEST_TIMEOUT",
    detail: "The handler did not answer before the request deadline.",
};
pub(crate) const OVERLOADED: Problem = Problem {
    status: StatusCode::SERVICE_UNAVAILABLE,
    code: "VEC_ERR_OVERLOADED",
    detail: "Too many requests are waiting for the application; retry later.",
};
pub(crate) const SHUTTING_DOWN: Problem = Problem {
    status: StatusCode::SERVICE_UNAVAILABLE,
    code: "VEC_ERR_SHUTTING_DOWN",
    detail: "The server is shutting down; retry on another instance.",
};
pub(crate) const INTERNAL: Problem = Problem {
    status: StatusCode::INTERNAL_SERVER_ERROR,
    code: "VEC_ERR_INTERNAL",
    detail: "Internal Server Error",
};

impl Problem {
    /// The JSON body, with the request path as `instance` and the request id.
    pub(crate) fn body(&self, instance: &str, request_id: &str) -> String {
        let status = self.status.as_u16();
        let title = self.status.canonical_reason().unwrap_or("Error");
        format!(
            r#"{{"type":"{}","title":"{title}","status":{status},"detail":"{}","instance":"{}","code":"{}","requestId":"{}"}}"#,
            docs_url(self.code),
            escape(self.detail),
            escape(instance),
            self.code,
            escape(request_id),
        )
    }

    /// A complete response; `Retry-After` is added for 503s.
    pub(crate) fn response(&self, instance: &str, request_id: &str) -> Response<Full<Bytes>> {
        let mut res = Response::new(Full::new(Bytes::from(self.body(instance, request_id))));
        *res.status_mut() = self.status;
        let headers = res.headers_mut();
        headers.insert(header::CONTENT_TYPE, header::HeaderValue::from_static("application/problem+json"));
        if self.status == StatusCode::SERVICE_UNAVAILABLE {
            headers.insert(header::RETRY_AFTER, header::HeaderValue::from_static("1"));
        }
        res
    }
}

/// The problem `type`: the code's entry in docs/errors.md (the same URL the TypeScript side uses).
pub(crate) fn docs_url(code: &str) -> String {
    format!("https://vectora.dev/docs/errors#{}", code.to_ascii_lowercase())
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
        let body = NOT_FOUND.body("/a\"b\\c\n", "abc-1");
        assert_eq!(
            body,
            r#"{"type":"https://vectora.dev/docs/errors#vec_err_not_found","title":"Not Found","status":404,"detail":"No route matches this path.","instance":"/a\"b\\c\u000a","code":"VEC_ERR_NOT_FOUND","requestId":"abc-1"}"#
        );
    }

    #[test]
    fn service_unavailable_replies_carry_retry_after() {
        let res = OVERLOADED.response("/", "x-1");
        assert_eq!(res.status(), 503);
        assert_eq!(res.headers()["retry-after"], "1");
        assert_eq!(res.headers()["content-type"], "application/problem+json");
    }
}
