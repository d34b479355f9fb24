//! The JavaScript wire codec, both ways.
//! - Decode (JavaScript's header blocks: replies, injected requests): arbitrary text never panics,
//!   every line is reported once, a name never holds a colon, no part holds a newline.
//! - Encode (request headers to JavaScript) then decode: a header list as hyper parses it from a
//!   socket (valid names; values without surrounding whitespace) comes back field for field, in
//!   map order, a non-UTF-8 value as its lossy text; and every decoded field is accepted again as
//!   a hyper header (what dispatch does with JavaScript's replies).
//! - base36 reads back as the number; method codes name their method.
#![no_main]

use arbitrary::{Arbitrary, Unstructured};
use hyper::HeaderMap;
use hyper::header::{HeaderName, HeaderValue};
use libfuzzer_sys::fuzz_target;
use vectora_kernel::fuzzing::{METHOD_NAMES, base36, encode_headers, header_lines, method_code};

fn decode_any(data: &[u8]) {
    let block = String::from_utf8_lossy(data);
    let lines = header_lines(&block);
    assert_eq!(lines.len(), block.split('\n').filter(|l| !l.is_empty()).count());
    for line in lines {
        match line {
            Ok((name, value)) => {
                assert!(!name.contains([':', '\n']) && !value.contains('\n'), "{name:?}: {value:?}");
                // What dispatch does with a reply's line: either a header or a refusal, never a panic.
                let _ = HeaderName::from_bytes(name.as_bytes()).map(|n| (n, HeaderValue::from_str(value)));
            }
            Err(line) => assert!(!line.is_empty() && !line.contains([':', '\n'])),
        }
    }
}

#[derive(Arbitrary, Debug)]
enum Name {
    Known(u8),
    Raw(Vec<u8>),
}

#[derive(Arbitrary, Debug)]
enum Value {
    /// Any characters (Unicode white space, controls, obs-text as UTF-8).
    Text(String),
    /// Any bytes (non-UTF-8 obs-text too).
    Bytes(Vec<u8>),
}

const KNOWN: [&str; 6] = ["host", "content-type", "cookie", "x-forwarded-for", "set-cookie", "accept"];

/// The headers hyper hands the kernel: valid names, and values it has trimmed of SP / HTAB.
fn parsed_headers(u: &mut Unstructured<'_>) -> arbitrary::Result<HeaderMap> {
    let mut map = HeaderMap::new();
    let fields: Vec<(Name, Value)> = Arbitrary::arbitrary(u)?;
    for (name, value) in fields.into_iter().take(64) {
        let name = match name {
            Name::Known(i) => HeaderName::from_static(KNOWN[usize::from(i) % KNOWN.len()]),
            Name::Raw(bytes) => match HeaderName::from_bytes(&bytes) {
                Ok(name) => name,
                Err(_) => continue,
            },
        };
        let bytes = match &value {
            Value::Text(text) => text.as_bytes(),
            Value::Bytes(bytes) => bytes.as_slice(),
        };
        let Ok(value) = HeaderValue::from_bytes(bytes.trim_ascii()) else { continue };
        map.append(name, value);
    }
    Ok(map)
}

fn round_trip(map: &HeaderMap) {
    let block = encode_headers(map);
    let decoded: Vec<(&str, &str)> = header_lines(&block).into_iter().map(|l| l.expect("an encoded line has a colon")).collect();
    let expected: Vec<(String, String)> =
        map.iter().map(|(n, v)| (n.as_str().to_owned(), String::from_utf8_lossy(v.as_bytes()).into_owned())).collect();
    let got: Vec<(String, String)> = decoded.iter().map(|(n, v)| ((*n).to_owned(), (*v).to_owned())).collect();
    assert_eq!(got, expected, "block {block:?}");
    for ((name, value), (original_name, original_value)) in decoded.into_iter().zip(map) {
        assert!(HeaderName::from_bytes(name.as_bytes()).is_ok_and(|n| n == original_name), "{name:?} reads back");
        let value = HeaderValue::from_str(value).expect("an encoded value reads back");
        if std::str::from_utf8(original_value.as_bytes()).is_ok() {
            assert_eq!(&value, original_value, "a UTF-8 value reads back byte for byte");
        }
    }
}

fuzz_target!(|data: &[u8]| {
    decode_any(data);
    let mut u = Unstructured::new(data);
    if let Ok(map) = parsed_headers(&mut u) {
        round_trip(&map);
    }
    if let Ok(n) = u64::arbitrary(&mut u) {
        assert_eq!(u64::from_str_radix(&base36(n), 36), Ok(n));
    }
    if let Ok(name) = <&str>::arbitrary(&mut u) {
        let code = method_code(name);
        assert!(code as usize <= METHOD_NAMES.len());
        if let Some(known) = METHOD_NAMES.get(code as usize) {
            assert_eq!(*known, name);
        }
    }
});
