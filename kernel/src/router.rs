//! The route table: method + path pattern -> route id, with 404 and 405 decided here.
//!
//! Patterns use matchit syntax (`/users/{id}`, `/files/{*rest}`); the TypeScript side
//! converts `:id` and a trailing `*` before registering. HEAD falls back to GET.

use std::time::Duration;

use crate::error::KernelError;
use crate::wire::{METHOD_NAMES, METHOD_OTHER, method_code};

/// Indices of the two methods the router treats apart, in `METHOD_NAMES`.
const GET: usize = 0;
const HEAD: usize = 1;

/// The most params (catch-alls aside) a pattern may have: matchit's limit.
const MAX_PARAMS: usize = 25;

/// The params (catch-alls aside) in a matchit pattern, counted as matchit reads it: `{{` and `}}`
/// are escaped braces, any other `{` opens a param. Never fewer than matchit counts.
fn param_count(pattern: &str) -> usize {
    let b = pattern.as_bytes();
    let (mut i, mut n) = (0, 0);
    while i < b.len() {
        match (b[i], b.get(i + 1)) {
            (b'{', Some(b'{')) | (b'}', Some(b'}')) => i += 1,
            (b'{', next) => n += usize::from(next != Some(&b'*')),
            _ => {}
        }
        i += 1;
    }
    n
}

/// What a route overrides of the server-wide limits.
#[derive(Debug, Clone)]
pub(crate) struct RouteInfo {
    pub(crate) id: u32,
    pub(crate) body_limit: Option<u64>,
    pub(crate) timeout: Option<Duration>,
    /// The route reads its body as a stream (`body: 'stream'`): chunks go to JavaScript as they arrive.
    pub(crate) stream_body: bool,
}

/// The outcome of a lookup.
#[derive(Debug)]
pub(crate) enum Lookup<'r> {
    Found {
        route: &'r RouteInfo,
        params: Vec<String>,
    },
    MethodNotAllowed {
        allow: String,
    },
    NotFound,
}

/// One matchit tree per method code.
#[derive(Default)]
pub(crate) struct Router {
    trees: [matchit::Router<RouteInfo>; METHOD_NAMES.len()],
    used: [bool; METHOD_NAMES.len()],
}

impl Router {
    pub(crate) fn new() -> Self {
        Self::default()
    }

    /// Adds `pattern` for `method`; a pattern that overlaps an existing one is a conflict.
    pub(crate) fn insert(
        &mut self,
        method: &str,
        pattern: &str,
        info: RouteInfo,
    ) -> Result<(), KernelError> {
        let code = method_code(method);
        if code == METHOD_OTHER {
            return Err(KernelError::UnknownMethod(method.to_owned()));
        }
        // matchit 0.9 renames a pattern's params `a` to `z` and panics on the 26th ("Too many route
        // parameters"): such a pattern is refused here, before it gets there.
        if param_count(pattern) > MAX_PARAMS {
            return Err(KernelError::InvalidPattern {
                method: method.to_owned(),
                pattern: pattern.to_owned(),
                cause: format!("more than {MAX_PARAMS} parameters"),
            });
        }
        let i = code as usize;
        self.trees[i]
            .insert(pattern, info)
            .map_err(|e| KernelError::RouteConflict {
                method: method.to_owned(),
                pattern: pattern.to_owned(),
                cause: e.to_string(),
            })?;
        self.used[i] = true;
        Ok(())
    }

    /// Finds the route for `method` (a method code) and a raw, still percent-encoded `path`.
    pub(crate) fn lookup(&self, method: u8, path: &str) -> Lookup<'_> {
        let m = method as usize;
        if m < METHOD_NAMES.len() {
            if let Some(found) = self.find(m, path) {
                return found;
            }
            if m == HEAD {
                if let Some(found) = self.find(GET, path) {
                    return found;
                }
            }
        }
        let mut allow = String::new();
        for (i, name) in METHOD_NAMES.iter().enumerate() {
            let matched = self.used[i] && self.trees[i].at(path).is_ok();
            let head_from_get = i == HEAD && self.used[GET] && self.trees[GET].at(path).is_ok();
            if matched || head_from_get {
                if !allow.is_empty() {
                    allow.push_str(", ");
                }
                allow.push_str(name);
            }
        }
        if allow.is_empty() {
            Lookup::NotFound
        } else {
            Lookup::MethodNotAllowed { allow }
        }
    }

    fn find(&self, m: usize, path: &str) -> Option<Lookup<'_>> {
        if !self.used[m] {
            return None;
        }
        let matched = self.trees[m].at(path).ok()?;
        let params = matched.params.iter().map(|(_, v)| v.to_owned()).collect();
        Some(Lookup::Found {
            route: matched.value,
            params,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn info(id: u32) -> RouteInfo {
        RouteInfo {
            id,
            body_limit: None,
            timeout: None,
            stream_body: false,
        }
    }

    fn router() -> Router {
        let mut r = Router::new();
        r.insert("GET", "/", info(0)).unwrap();
        r.insert("GET", "/users/{id}", info(1)).unwrap();
        r.insert("POST", "/users", info(2)).unwrap();
        r.insert("DELETE", "/users/{id}", info(3)).unwrap();
        r.insert("GET", "/files/{*rest}", info(4)).unwrap();
        r.insert("HEAD", "/only-head", info(5)).unwrap();
        r
    }

    fn found(r: &Router, method: &str, path: &str) -> (u32, Vec<String>) {
        match r.lookup(method_code(method), path) {
            Lookup::Found { route, params } => (route.id, params),
            other => panic!("{method} {path}: expected a route, got {other:?}"),
        }
    }

    #[test]
    fn static_and_param_routes_match_with_params_in_order() {
        let r = router();
        assert_eq!(found(&r, "GET", "/"), (0, vec![]));
        assert_eq!(found(&r, "GET", "/users/7"), (1, vec!["7".to_owned()]));
        assert_eq!(
            found(&r, "DELETE", "/users/a%2Fb"),
            (3, vec!["a%2Fb".to_owned()])
        );
    }

    #[test]
    fn trailing_wildcard_captures_the_rest_of_the_path() {
        let r = router();
        assert_eq!(
            found(&r, "GET", "/files/a/b/c.txt"),
            (4, vec!["a/b/c.txt".to_owned()])
        );
    }

    #[test]
    fn head_is_served_by_the_get_route_unless_declared() {
        let r = router();
        assert_eq!(found(&r, "HEAD", "/users/1").0, 1);
        assert_eq!(found(&r, "HEAD", "/only-head").0, 5);
    }

    #[test]
    fn unknown_path_is_not_found() {
        let r = router();
        assert!(matches!(
            r.lookup(method_code("GET"), "/nope"),
            Lookup::NotFound
        ));
        assert!(matches!(
            r.lookup(method_code("GET"), "/users/1/extra"),
            Lookup::NotFound
        ));
    }

    #[test]
    fn known_path_with_other_method_lists_allowed_methods() {
        let r = router();
        match r.lookup(method_code("PUT"), "/users/1") {
            Lookup::MethodNotAllowed { allow } => assert_eq!(allow, "GET, HEAD, DELETE"),
            other => panic!("expected 405, got {other:?}"),
        }
        match r.lookup(method_code("BREW"), "/users") {
            Lookup::MethodNotAllowed { allow } => assert_eq!(allow, "POST"),
            other => panic!("expected 405, got {other:?}"),
        }
    }

    #[test]
    fn conflicting_patterns_are_rejected() {
        let mut r = router();
        assert!(matches!(
            r.insert("GET", "/users/{name}", info(9)),
            Err(KernelError::RouteConflict { .. })
        ));
        assert!(matches!(
            r.insert("GET", "/", info(9)),
            Err(KernelError::RouteConflict { .. })
        ));
        assert!(
            matches!(r.insert("BREW", "/", info(9)), Err(KernelError::UnknownMethod(m)) if m == "BREW")
        );
    }

    /// Found by the router fuzz target (kernel/fuzz): matchit panicked on the 26th param.
    #[test]
    fn a_pattern_past_matchits_param_limit_is_refused_not_a_panic() {
        let pattern =
            |n: usize| (0..n).map(|i| format!("/{{p{i}}}")).collect::<String>() + "/{*rest}";
        let mut r = Router::new();
        r.insert("GET", &pattern(25), info(1)).unwrap();
        let path = "/v".repeat(25) + "/tail";
        let params: Vec<String> = std::iter::repeat_n("v".to_owned(), 25)
            .chain(["tail".to_owned()])
            .collect();
        assert_eq!(found(&r, "GET", &path), (1, params));
        let refused = r.insert("POST", &pattern(26), info(2));
        let cause = match &refused {
            Err(KernelError::InvalidPattern { cause, .. }) => cause.as_str(),
            other => panic!("expected an invalid pattern, got {other:?}"),
        };
        assert_eq!(cause, "more than 25 parameters");
        assert!(matches!(
            r.lookup(method_code("POST"), &path),
            Lookup::MethodNotAllowed { .. }
        ));
        assert_eq!(param_count("/{a}/{{b}}/}}{{/{*c}"), 1);
    }
}
