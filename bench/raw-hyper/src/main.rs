//! raw-hyper: the smallest useful hyper 1.x server, used by `npm run bench` as
//! the physical limit for the Vectora kernel on this machine.
//!
//! It implements the same four routes as every other bench server, by hand,
//! with no router, no JSON library and no middleware:
//!
//! - `GET /`           -> `{"hello":"world"}`
//! - `GET /users/:id`  -> `{"id":"<id>"}`
//! - `POST /echo`      -> the request body, collected and sent back as is
//! - anything else     -> 404
//!
//! It listens on `127.0.0.1:$PORT` (0 = any free port) and prints
//! `READY <port>` on stdout once it accepts connections.

use std::convert::Infallible;
use std::io::Write;
use std::net::SocketAddr;

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::header::{CONTENT_TYPE, HeaderValue};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Method, Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use tokio::net::TcpListener;

const JSON: &str = "application/json; charset=utf-8";
const HELLO: &[u8] = br#"{"hello":"world"}"#;
const NOT_FOUND: &[u8] = br#"{"error":"Not Found"}"#;
/// Upper bound for a collected `/echo` body.
const MAX_BODY: usize = 1024 * 1024;

fn json(status: StatusCode, body: impl Into<Bytes>) -> Response<Full<Bytes>> {
    let mut res = Response::new(Full::new(body.into()));
    *res.status_mut() = status;
    res.headers_mut()
        .insert(CONTENT_TYPE, HeaderValue::from_static(JSON));
    res
}

/// `{"id":"<id>"}` with the JSON string escapes the id may need.
fn user_body(id: &str) -> Vec<u8> {
    let mut out = Vec::with_capacity(id.len() + 10);
    out.extend_from_slice(br#"{"id":""#);
    for c in id.chars() {
        match c {
            '"' => out.extend_from_slice(br#"\""#),
            '\\' => out.extend_from_slice(br"\\"),
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => {
                let mut buf = [0u8; 4];
                out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
            }
        }
    }
    out.extend_from_slice(br#""}"#);
    out
}

async fn handle(req: Request<Incoming>) -> Result<Response<Full<Bytes>>, Infallible> {
    let path = req.uri().path();
    let res = match (req.method(), path) {
        (&Method::GET, "/") => json(StatusCode::OK, Bytes::from_static(HELLO)),
        (&Method::GET, p) if p.starts_with("/users/") => {
            let id = &p["/users/".len()..];
            if id.is_empty() || id.contains('/') {
                json(StatusCode::NOT_FOUND, Bytes::from_static(NOT_FOUND))
            } else {
                json(StatusCode::OK, user_body(id))
            }
        }
        (&Method::POST, "/echo") => {
            let limited = http_body_util::Limited::new(req.into_body(), MAX_BODY);
            match limited.collect().await {
                Ok(body) => json(StatusCode::OK, body.to_bytes()),
                Err(_) => json(
                    StatusCode::PAYLOAD_TOO_LARGE,
                    Bytes::from_static(br#"{"error":"Payload Too Large"}"#),
                ),
            }
        }
        _ => json(StatusCode::NOT_FOUND, Bytes::from_static(NOT_FOUND)),
    };
    Ok(res)
}

#[tokio::main(flavor = "multi_thread")]
async fn main() -> std::io::Result<()> {
    let port: u16 = std::env::var("PORT")
        .ok()
        .and_then(|p| p.parse().ok())
        .unwrap_or(0);
    let listener = TcpListener::bind(SocketAddr::from(([127, 0, 0, 1], port))).await?;
    let port = listener.local_addr()?.port();
    {
        let mut out = std::io::stdout().lock();
        writeln!(out, "READY {port}")?;
        out.flush()?;
    }

    loop {
        let (stream, _) = match listener.accept().await {
            Ok(conn) => conn,
            Err(_) => continue,
        };
        let _ = stream.set_nodelay(true);
        tokio::spawn(async move {
            // Keep-alive is hyper's default for HTTP/1.1.
            let _ = http1::Builder::new()
                .keep_alive(true)
                .serve_connection(TokioIo::new(stream), service_fn(handle))
                .await;
        });
    }
}
