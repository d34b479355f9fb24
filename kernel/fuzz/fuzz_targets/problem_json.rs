//! The problem+json writer: arbitrary `detail`, `instance` and request id strings always give a
//! JSON object that reads back to exactly those strings, with the status, title, type and code.
#![no_main]

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use serde_json::Value;
use vectora_kernel::fuzzing::problem_body;

#[derive(Arbitrary, Debug)]
struct Input<'a> {
    detail: &'a str,
    request: Option<(&'a str, &'a str)>,
}

fuzz_target!(|input: Input<'_>| {
    let body = problem_body(input.detail, input.request);
    let json: Value = serde_json::from_str(&body).unwrap_or_else(|e| panic!("not JSON ({e}): {body}"));
    let object = json.as_object().unwrap_or_else(|| panic!("not an object: {body}"));
    assert_eq!(object["detail"], input.detail, "{body}");
    assert_eq!(object["status"], 500);
    assert_eq!(object["title"], "Internal Server Error");
    let code = object["code"].as_str().expect("code is a string");
    assert!(code.starts_with("VEC_ERR_"));
    assert_eq!(object["type"].as_str(), Some(format!("https://vectora.dev/docs/errors#{}", code.to_ascii_lowercase()).as_str()));
    match input.request {
        Some((instance, id)) => {
            assert_eq!(object["instance"], instance, "{body}");
            assert_eq!(object["requestId"], id, "{body}");
            assert_eq!(object.len(), 7);
        }
        None => assert_eq!(object.len(), 5),
    }
});
