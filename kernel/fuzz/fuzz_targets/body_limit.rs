//! The body limiter: a body arriving as arbitrary frames (data chunks, trailers, a read error)
//! against an arbitrary limit. Properties: nothing panics; a body within the limit is read whole
//! and unchanged (no body when it has no bytes); a body past the limit is refused as too large as
//! soon as the limit is passed and never handed on; a read error before that is a bad request;
//! trailers are not counted.
//!
//! The kernel's limiter is `read_body` in dispatch.rs, private to that module, which the fuzzing
//! module cannot reach. `read_limited` below is its counting loop as of the body-timeout work
//! (without the timers, which need a runtime). To fuzz the kernel's own function instead, make it
//! `pub(crate)`, add to `vectora_kernel::fuzzing` a wrapper that polls it with `Limits::default()`,
//! and call that in place of `read_limited`.
#![no_main]

use std::collections::VecDeque;
use std::pin::{Pin, pin};
use std::task::{Context, Poll, Waker};

use arbitrary::Arbitrary;
use bytes::Bytes;
use http_body_util::BodyExt;
use hyper::HeaderMap;
use hyper::body::{Body, Frame, SizeHint};
use libfuzzer_sys::fuzz_target;

#[derive(Arbitrary, Debug, Clone)]
enum Part {
    Data(Vec<u8>),
    Trailers,
    /// A read error: a cut connection, chunked framing that does not parse.
    Error,
}

#[derive(Arbitrary, Debug)]
struct Input {
    /// Small limits reach the boundary often; `big_limit` shifts them past any body here.
    limit: u16,
    big_limit: bool,
    parts: Vec<Part>,
    /// Declare the length up front, as a Content-Length body does.
    exact_hint: bool,
}

#[derive(Debug)]
struct ReadError;
impl std::fmt::Display for ReadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("read error")
    }
}
impl std::error::Error for ReadError {}

/// A body that yields its parts one frame at a time, like hyper's `Incoming`; it ends after an error.
struct Parts {
    parts: VecDeque<Part>,
    hint: Option<u64>,
}

impl Body for Parts {
    type Data = Bytes;
    type Error = ReadError;

    fn poll_frame(mut self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<Option<Result<Frame<Bytes>, ReadError>>> {
        Poll::Ready(self.parts.pop_front().map(|part| match part {
            Part::Data(bytes) => Ok(Frame::data(Bytes::from(bytes))),
            Part::Trailers => Ok(Frame::trailers(HeaderMap::new())),
            Part::Error => Err(ReadError),
        }))
    }

    fn is_end_stream(&self) -> bool {
        self.parts.is_empty()
    }

    fn size_hint(&self) -> SizeHint {
        self.hint.map_or_else(SizeHint::default, SizeHint::with_exact)
    }
}

#[derive(Debug, PartialEq)]
enum Outcome {
    Read(Option<Bytes>),
    TooLarge,
    Bad,
}

/// dispatch.rs's `read_body`, its timers aside: frames counted as they come, refused past `limit`.
async fn read_limited<B: Body<Data = Bytes>>(body: B, limit: u64) -> Outcome {
    let mut body = pin!(body);
    let (mut chunks, mut len) = (Vec::new(), 0u64);
    while let Some(frame) = body.frame().await {
        let Ok(frame) = frame else { return Outcome::Bad };
        if let Ok(data) = frame.into_data() {
            len += data.len() as u64;
            if len > limit {
                return Outcome::TooLarge;
            }
            chunks.push(data);
        }
    }
    Outcome::Read(match chunks.len() {
        0 => None,
        1 => chunks.pop().filter(|b| !b.is_empty()),
        _ => Some(Bytes::from(chunks.concat())).filter(|b| !b.is_empty()),
    })
}

fuzz_target!(|input: Input| {
    let limit = if input.big_limit { u64::from(input.limit) << 16 } else { u64::from(input.limit) };
    let parts: VecDeque<Part> = input.parts.into_iter().take(256).collect();
    let data_len = |p: &Part| if let Part::Data(d) = p { d.len() as u64 } else { 0 };
    let total: u64 = parts.iter().map(data_len).sum();
    // The expected outcome, walking the frames as they would arrive.
    let mut expected = None;
    let (mut seen, mut whole) = (0u64, Vec::new());
    for part in &parts {
        match part {
            Part::Error => {
                expected = Some(Outcome::Bad);
                break;
            }
            Part::Data(d) if seen + d.len() as u64 > limit => {
                expected = Some(Outcome::TooLarge);
                break;
            }
            Part::Data(d) => {
                seen += d.len() as u64;
                whole.extend_from_slice(d);
            }
            Part::Trailers => {}
        }
    }
    let expected = expected.unwrap_or_else(|| Outcome::Read((!whole.is_empty()).then(|| Bytes::from(whole))));

    let body = Parts { parts, hint: input.exact_hint.then_some(total) };
    let mut read = pin!(read_limited(body, limit));
    let Poll::Ready(outcome) = read.as_mut().poll(&mut Context::from_waker(Waker::noop())) else {
        panic!("a body whose frames are all ready is read in one poll");
    };
    if let Outcome::Read(Some(bytes)) = &outcome {
        assert!(bytes.len() as u64 <= limit, "{} bytes accepted against a limit of {limit}", bytes.len());
    }
    assert_eq!(outcome, expected, "limit {limit}, {total} bytes");
});
