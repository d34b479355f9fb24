//! The route table: arbitrary patterns (matchit syntax, well-formed or not) are added, then
//! arbitrary paths are looked up. Properties: nothing panics; a registered literal path matches
//! its own route with no params; a path built from a parameterised pattern matches some route of
//! that method, when that method's routes are all of the shape Vectora registers (whole-segment
//! params, a last catch-all: `compilePath` in routing/route.ts) and none was refused as invalid
//! (for Vectora a refused route is fatal: `ready()` throws); a match is always a route of the method asked (or GET for HEAD); the method asked
//! is never in its own `Allow` list.
#![no_main]

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use vectora_kernel::fuzzing::{Lookup, METHOD_NAMES, Router};

const GET: u8 = 0;
const HEAD: u8 = 1;

#[derive(Arbitrary, Debug)]
enum Segment {
    /// Literal text; `/`, `{` and `}` are dropped so it stays one literal segment.
    Literal(String),
    Param,
    /// Only meaningful last, but allowed anywhere (matchit must refuse it, not panic).
    CatchAll,
    /// Anything at all, matchit syntax errors included.
    Raw(String),
}

#[derive(Arbitrary, Debug)]
struct Route {
    method: u8,
    segments: Vec<Segment>,
}

#[derive(Arbitrary, Debug)]
enum Probe {
    /// A registered route's pattern with its params filled in by these values.
    Filled { route: u8, values: Vec<String> },
    /// Any method byte, any path.
    Raw { method: u8, path: String },
}

#[derive(Arbitrary, Debug)]
struct Input {
    routes: Vec<Route>,
    probes: Vec<Probe>,
}

fn literal(s: &str) -> String {
    s.chars().filter(|c| !matches!(c, '/' | '{' | '}')).collect()
}

fn pattern(segments: &[Segment]) -> String {
    let mut out = String::new();
    for (i, s) in segments.iter().enumerate() {
        match s {
            Segment::Literal(text) => {
                out.push('/');
                out.push_str(&literal(text));
            }
            Segment::Param => out.push_str(&format!("/{{p{i}}}")),
            Segment::CatchAll => out.push_str(&format!("/{{*rest{i}}}")),
            Segment::Raw(text) => out.push_str(text),
        }
    }
    if out.is_empty() { "/".to_owned() } else { out }
}

/// The path `segments` describe with every param given a value (None for a raw segment).
fn fill(segments: &[Segment], values: &[String]) -> Option<String> {
    let mut out = String::new();
    let mut next = values.iter().cycle();
    for s in segments {
        out.push('/');
        match s {
            Segment::Literal(text) => out.push_str(&literal(text)),
            Segment::Param | Segment::CatchAll => {
                let mut v = next.next().cloned().unwrap_or_default();
                if matches!(s, Segment::Param) {
                    v.retain(|c| c != '/');
                }
                if v.is_empty() {
                    v.push('x');
                }
                out.push_str(&v);
            }
            Segment::Raw(_) => return None,
        }
    }
    Some(if out.is_empty() { "/".to_owned() } else { out })
}

fn check(router: &Router, method: u8, path: &str, registered: &[(u8, u32)]) -> Lookup {
    let found = router.lookup(method, path);
    assert_eq!(found, router.lookup(method, path), "lookup is deterministic");
    match &found {
        Lookup::Found { id, .. } => {
            let (m, _) = registered.iter().find(|(_, i)| i == id).expect("a found id was registered");
            assert!(*m == method || (method == HEAD && *m == GET), "{path}: route {id} is {m}, asked {method}");
        }
        Lookup::MethodNotAllowed { allow } => {
            assert!(!allow.is_empty());
            for name in allow.split(", ") {
                let code = METHOD_NAMES.iter().position(|m| *m == name).expect("Allow lists known methods");
                assert_ne!(code as u8, method, "{path}: {name} is in its own Allow ({allow})");
            }
        }
        Lookup::NotFound => {}
    }
    found
}

fuzz_target!(|input: Input| {
    let mut router = Router::default();
    // (method code, id) of each route added; patterns and segments by the same index.
    let mut registered: Vec<(u8, u32)> = Vec::new();
    let mut routes: Vec<(&Route, String, u32)> = Vec::new();
    // Methods with a route outside Vectora's shape, or an invalid route refused. matchit 0.9 does not
    // backtrack out of a param with a suffix (with `/{a}~/x` and `/{a}/{b}`, `/1~/2` finds nothing),
    // and a refused insert can leave part of its route in the tree (after `/{a}/{b}/{c}~/{*r}/{d}`
    // fails as InvalidCatchAll, `/1/2/{~/4` no longer finds `/{a}/{b}/{c}/{d}`). Vectora registers
    // neither, so paths are only promised a match where neither happened.
    let mut raw = [false; METHOD_NAMES.len() + 1];
    for (id, route) in input.routes.iter().take(64).enumerate() {
        let id = id as u32;
        let method = route.method % (METHOD_NAMES.len() as u8 + 1);
        let name = METHOD_NAMES.get(method as usize).copied().unwrap_or("BREW");
        let pattern = pattern(&route.segments);
        match router.insert(name, &pattern, id) {
            Ok(()) => {
                assert!((method as usize) < METHOD_NAMES.len(), "{name} must be refused");
                raw[method as usize] |= route.segments.iter().any(|s| matches!(s, Segment::Raw(_)));
                registered.push((method, id));
                routes.push((route, pattern, id));
            }
            // A conflict is found before the tree changes; anything else may have changed it.
            Err(e) => raw[method as usize] |= !e.contains("due to conflict with previously registered route"),
        }
    }
    for (route, pattern, id) in &routes {
        let method = route.method % (METHOD_NAMES.len() as u8 + 1);
        if !pattern.contains(['{', '}']) {
            let found = check(&router, method, pattern, &registered);
            assert_eq!(found, Lookup::Found { id: *id, params: vec![] }, "literal {pattern:?} matches itself");
        }
    }
    for probe in input.probes.iter().take(64) {
        match probe {
            Probe::Filled { route, values } => {
                let Some((route, pattern, _)) = routes.get(*route as usize % routes.len().max(1)) else { continue };
                let Some(path) = fill(&route.segments, values) else { continue };
                let method = route.method % (METHOD_NAMES.len() as u8 + 1);
                let found = check(&router, method, &path, &registered);
                if raw[method as usize] {
                    continue;
                }
                assert!(matches!(found, Lookup::Found { .. }), "{path:?} (from {pattern:?}) matches no route: {found:?}");
            }
            Probe::Raw { method, path } => {
                check(&router, *method, path, &registered);
            }
        }
    }
});
