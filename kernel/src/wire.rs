//! The wire format between the kernel and JavaScript, each part written here once.
//!
//! JavaScript declares the same constants in `kernel/ts/internal/native.ts`; the tests below read
//! that file as text, so a change on one side that the other does not make fails `cargo test`.

use hyper::HeaderMap;

/// Methods with a code of their own, in wire order (`METHODS` in native.ts): a method's code is its index.
pub(crate) const METHOD_NAMES: [&str; 7] =
    ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"];
/// The code of any other method (its name travels apart, as `otherMethod`); no route has it.
pub(crate) const METHOD_OTHER: u8 = METHOD_NAMES.len() as u8;

/// The route id of a request no route matches (`ROUTE_NOT_FOUND` in native.ts).
pub(crate) const ROUTE_NOT_FOUND: i32 = -1;
/// The route id of a request whose path matches but not its method; the `Allow` value is its only
/// param (`ROUTE_METHOD_NOT_ALLOWED` in native.ts).
pub(crate) const ROUTE_METHOD_NOT_ALLOWED: i32 = -2;

/// Why a request ended before JavaScript answered it; the discriminant is the wire code (`ABORT_*`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum AbortReason {
    Client = 0,
    Deadline = 1,
    Drain = 2,
}

/// The code of a method name, case-sensitive as HTTP is (`METHOD_OTHER` when it has none).
pub(crate) fn method_code(name: &str) -> u8 {
    METHOD_NAMES
        .iter()
        .position(|m| *m == name)
        .map_or(METHOD_OTHER, |i| i as u8)
}

/// A header map as a block of `name:value` lines, each ended by `\n`, in map order (names are
/// lower-case already). JavaScript parses the block lazily, so a handler that reads no header pays
/// for one string instead of an object.
pub(crate) fn encode_headers(headers: &HeaderMap) -> String {
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

/// The lines of a header block as `(name, value)`, the value without its leading SP and HTAB
/// (HTTP's optional white space; other white space, such as U+00A0, is the value's own); a line
/// without a colon is `Err(line)`. Empty lines are skipped: JavaScript ends every line with `\n`,
/// which leaves an empty tail.
pub(crate) fn header_lines(block: &str) -> impl Iterator<Item = Result<(&str, &str), &str>> {
    block
        .split('\n')
        .filter(|line| !line.is_empty())
        .map(|line| {
            line.split_once(':')
                .map(|(name, value)| (name, value.trim_start_matches([' ', '\t'])))
                .ok_or(line)
        })
}

/// `n` in base 36, as JavaScript's `n.toString(36)`: JavaScript shows `req.id` as
/// `<prefix>-<id in base 36>`, and the kernel's own replies must carry the same id.
pub(crate) fn base36(mut n: u64) -> String {
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
    use crate::ts_source::{const_number, declaring};
    use hyper::header::HeaderValue;

    #[test]
    fn base36_matches_javascript_to_string_36() {
        assert_eq!(base36(0), "0");
        assert_eq!(base36(35), "z");
        assert_eq!(base36(36), "10");
        assert_eq!(base36(u64::MAX), "3w5e11264sgsf");
    }

    #[test]
    fn header_block_lists_every_value_on_its_own_line() {
        let mut h = HeaderMap::new();
        h.append("x-a", HeaderValue::from_static("1"));
        h.append("x-a", HeaderValue::from_static("2"));
        h.insert("host", HeaderValue::from_static("example"));
        let block = encode_headers(&h);
        assert!(block.contains("x-a:1\nx-a:2\n"));
        assert!(block.contains("host:example\n"));
    }

    #[test]
    fn header_lines_skip_the_empty_tail_and_report_a_line_without_a_colon() {
        let lines: Vec<_> = header_lines("a: 1\nb:x:y\n\nbroken\n").collect();
        assert_eq!(lines, vec![Ok(("a", "1")), Ok(("b", "x:y")), Err("broken")]);
    }

    /// Found by the wire_headers fuzz target (kernel/fuzz): `trim_start` took a value's leading U+0085.
    #[test]
    fn header_lines_trim_only_http_white_space_so_values_round_trip() {
        let mut h = HeaderMap::new();
        let values = ["\u{85} e", "\u{a0}x", "\u{3000}y"];
        for value in values {
            h.append("x-a", HeaderValue::from_bytes(value.as_bytes()).unwrap());
        }
        let block = encode_headers(&h);
        assert_eq!(
            header_lines(&block)
                .map(|l| l.unwrap().1)
                .collect::<Vec<_>>(),
            values
        );
        assert_eq!(
            header_lines("a: \t 1\n").collect::<Vec<_>>(),
            [Ok(("a", "1"))]
        );
    }

    #[test]
    fn method_codes_are_the_wire_order_and_other_methods_share_one_code() {
        assert_eq!(method_code("GET"), 0);
        assert_eq!(method_code("OPTIONS"), 6);
        assert_eq!(method_code("get"), METHOD_OTHER);
        assert_eq!(method_code("BREW"), METHOD_OTHER);
    }

    #[test]
    fn method_order_equals_native_ts() {
        let (path, source) = declaring("export const METHODS =");
        let start = source.find("export const METHODS =").unwrap();
        let list = &source[start..source[start..].find(']').map(|end| start + end).unwrap()];
        let names: Vec<&str> = list.split('\'').skip(1).step_by(2).collect();
        assert_eq!(names, METHOD_NAMES, "METHODS in {path}");
    }

    #[test]
    fn route_ids_and_abort_codes_equal_native_ts() {
        let (path, source) = declaring("export const METHODS =");
        let expected = [
            ("ROUTE_NOT_FOUND", i64::from(ROUTE_NOT_FOUND)),
            (
                "ROUTE_METHOD_NOT_ALLOWED",
                i64::from(ROUTE_METHOD_NOT_ALLOWED),
            ),
            ("ABORT_CLIENT", AbortReason::Client as i64),
            ("ABORT_DEADLINE", AbortReason::Deadline as i64),
            ("ABORT_DRAIN", AbortReason::Drain as i64),
        ];
        for (name, value) in expected {
            assert_eq!(const_number(&source, name), Some(value), "{name} in {path}");
        }
    }
}
