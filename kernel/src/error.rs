//! The kernel's one error type, and the one map from it to the stable `VEC_ERR_*` codes.
//!
//! The codes are those of the TypeScript catalogue (`errorCatalogue`, generated into
//! docs/errors.md); the tests below read it as text and keep both in step. Clients and
//! JavaScript match on the code and the status: the message text is never an API.

use std::fmt;

use hyper::StatusCode;

/// Everything the kernel reports: to a client as problem+json (`problem.rs`), to JavaScript as a
/// thrown `Error` with a `code` (`js/`), or on stderr.
#[derive(Debug)]
pub(crate) enum KernelError {
    // Answered by the kernel itself; the message is the problem's `detail`.
    NotFound,
    MethodNotAllowed,
    BodyTooLarge,
    HeadersTooLarge,
    BadRequest,
    InvalidHost,
    BodyTimeout,
    RequestTimeout,
    Overloaded,
    TooManyBodyReaders,
    NotReady,
    TooManyConnections,
    ShuttingDown,
    /// The worker thread a request was handed to exited before it answered.
    WorkerExited,
    Internal,
    // Thrown into JavaScript.
    RoutesFrozen,
    UnknownMethod(String),
    RouteConflict {
        method: String,
        pattern: String,
        cause: String,
    },
    /// A pattern the router cannot take (`cause` says why), refused before matchit sees it.
    InvalidPattern {
        method: String,
        pattern: String,
        cause: String,
    },
    InvalidPort,
    ListenAfterClose,
    InjectAfterClose,
    /// `port` as JavaScript passed it, so the message shows what the caller wrote.
    Bind {
        host: String,
        port: f64,
        cause: std::io::Error,
    },
    Listen(std::io::Error),
    InvalidInject(String),
    InjectCut,
    /// The JavaScript dispatcher catches everything itself; reaching this is a framework bug.
    DispatcherThrew(String),
    /// A worker thread asked to attach to a server that does not exist (any more) in this process.
    NoSuchServer(u32),
}

impl KernelError {
    /// The stable `VEC_ERR_*` code: the one place the kernel writes one.
    pub(crate) fn code(&self) -> &'static str {
        self.entry().0
    }

    /// The status of the kernel's own reply; None for what is thrown into JavaScript or logged.
    pub(crate) fn status(&self) -> Option<StatusCode> {
        self.entry().1
    }

    /// The map: each error's code, and the status when the kernel answers it by itself.
    fn entry(&self) -> (&'static str, Option<StatusCode>) {
        let reply = |code, status| (code, Some(status));
        match self {
            Self::NotFound => reply("VEC_ERR_NOT_FOUND", StatusCode::NOT_FOUND),
            Self::MethodNotAllowed => {
                reply("VEC_ERR_METHOD_NOT_ALLOWED", StatusCode::METHOD_NOT_ALLOWED)
            }
            Self::BodyTooLarge => reply("VEC_ERR_BODY_TOO_LARGE", StatusCode::PAYLOAD_TOO_LARGE),
            Self::HeadersTooLarge => reply(
                "VEC_ERR_HEADERS_TOO_LARGE",
                StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE,
            ),
            Self::BadRequest | Self::InvalidHost => {
                reply("VEC_ERR_BAD_REQUEST", StatusCode::BAD_REQUEST)
            }
            Self::BodyTimeout => reply("VEC_ERR_BODY_TIMEOUT", StatusCode::REQUEST_TIMEOUT),
            Self::RequestTimeout => {
                reply("VEC_ERR_REQUEST_TIMEOUT", StatusCode::SERVICE_UNAVAILABLE)
            }
            Self::Overloaded => reply("VEC_ERR_OVERLOADED", StatusCode::SERVICE_UNAVAILABLE),
            Self::TooManyBodyReaders => reply(
                "VEC_ERR_TOO_MANY_BODY_READERS",
                StatusCode::SERVICE_UNAVAILABLE,
            ),
            Self::NotReady => reply("VEC_ERR_NOT_READY", StatusCode::SERVICE_UNAVAILABLE),
            Self::TooManyConnections => reply(
                "VEC_ERR_TOO_MANY_CONNECTIONS",
                StatusCode::SERVICE_UNAVAILABLE,
            ),
            Self::ShuttingDown => reply("VEC_ERR_SHUTTING_DOWN", StatusCode::SERVICE_UNAVAILABLE),
            Self::WorkerExited => reply("VEC_ERR_WORKER_EXITED", StatusCode::INTERNAL_SERVER_ERROR),
            Self::Internal => reply("VEC_ERR_INTERNAL", StatusCode::INTERNAL_SERVER_ERROR),
            Self::RoutesFrozen => ("VEC_ERR_APP_READY", None),
            Self::UnknownMethod(_) | Self::InvalidPattern { .. } => ("VEC_ERR_ROUTE_INVALID", None),
            Self::RouteConflict { .. } => ("VEC_ERR_ROUTE_DUPLICATE", None),
            Self::InvalidPort => ("VEC_ERR_INVALID_OPTION", None),
            Self::ListenAfterClose | Self::InjectAfterClose => ("VEC_ERR_APP_CLOSED", None),
            Self::Bind { .. } | Self::Listen(_) => ("VEC_ERR_LISTEN_FAILED", None),
            Self::InvalidInject(_) => ("VEC_ERR_INVALID_INJECT", None),
            Self::InjectCut => ("VEC_ERR_SHUTTING_DOWN", None),
            Self::DispatcherThrew(_) => ("VEC_ERR_INTERNAL", None),
            Self::NoSuchServer(_) => ("VEC_ERR_WORKER_START", None),
        }
    }
}

impl fmt::Display for KernelError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let text = match self {
            Self::NotFound => "No route matches this path.",
            Self::MethodNotAllowed => {
                "The path exists but not for this method; see the Allow header."
            }
            Self::BodyTooLarge => "The request body is larger than this route accepts.",
            Self::HeadersTooLarge => {
                "The request head is larger, or has more fields, than the server accepts."
            }
            Self::BadRequest => "The request body could not be read.",
            Self::InvalidHost => {
                "An HTTP/1.1 request needs exactly one Host header with a valid value."
            }
            Self::BodyTimeout => "The request body did not arrive in time.",
            Self::RequestTimeout => "The handler did not answer before the request deadline.",
            Self::Overloaded => "Too many requests are waiting for the application; retry later.",
            Self::TooManyBodyReaders => "Too many requests are sending their bodies; retry later.",
            Self::NotReady => "The app is not ready to take traffic.",
            Self::TooManyConnections => "The server has too many open connections; retry later.",
            Self::ShuttingDown => "The server is shutting down; retry on another instance.",
            Self::WorkerExited => {
                "The worker thread answering this request exited before it answered."
            }
            Self::Internal => "Internal Server Error",
            Self::RoutesFrozen => {
                "routes are frozen once the app is ready; add routes before ready(), listen() or inject()"
            }
            Self::UnknownMethod(m) => return write!(f, "unsupported method {m}"),
            Self::RouteConflict {
                method,
                pattern,
                cause,
            } => {
                return write!(f, "{method} {pattern} overlaps an existing route ({cause})");
            }
            Self::InvalidPattern {
                method,
                pattern,
                cause,
            } => {
                return write!(
                    f,
                    "{method} {pattern} is not a valid route pattern: {cause}"
                );
            }
            Self::InvalidPort => "port must be an integer from 0 to 65535",
            Self::ListenAfterClose => "the app is closed; create a new app to listen again",
            Self::InjectAfterClose => "the app is closed; inject() needs an open app",
            Self::Bind { host, port, cause } => {
                return write!(f, "cannot listen on {host}:{port}: {cause}");
            }
            Self::Listen(cause) => return write!(f, "{cause}"),
            Self::InvalidInject(message) => message,
            Self::InjectCut => "the injected request was cut by drain",
            Self::DispatcherThrew(message) => {
                return write!(f, "the JavaScript dispatcher threw: {message}");
            }
            Self::NoSuchServer(id) => {
                return write!(
                    f,
                    "no server {id} in this process to attach to (it was closed, or never created)"
                );
            }
        };
        f.write_str(text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ts_source::declaring;

    /// One of each variant. The match fails to compile when a variant is added and not listed here,
    /// so the catalogue tests below always see every code the kernel can write.
    fn one_of_each() -> Vec<KernelError> {
        let io = || std::io::Error::other("x");
        let all = vec![
            KernelError::NotFound,
            KernelError::MethodNotAllowed,
            KernelError::BodyTooLarge,
            KernelError::HeadersTooLarge,
            KernelError::BadRequest,
            KernelError::InvalidHost,
            KernelError::BodyTimeout,
            KernelError::RequestTimeout,
            KernelError::Overloaded,
            KernelError::TooManyBodyReaders,
            KernelError::NotReady,
            KernelError::TooManyConnections,
            KernelError::ShuttingDown,
            KernelError::WorkerExited,
            KernelError::Internal,
            KernelError::RoutesFrozen,
            KernelError::UnknownMethod("BREW".into()),
            KernelError::RouteConflict {
                method: "GET".into(),
                pattern: "/".into(),
                cause: "x".into(),
            },
            KernelError::InvalidPattern {
                method: "GET".into(),
                pattern: "/".into(),
                cause: "x".into(),
            },
            KernelError::InvalidPort,
            KernelError::ListenAfterClose,
            KernelError::InjectAfterClose,
            KernelError::Bind {
                host: "h".into(),
                port: 1.0,
                cause: io(),
            },
            KernelError::Listen(io()),
            KernelError::InvalidInject("x".into()),
            KernelError::InjectCut,
            KernelError::DispatcherThrew("x".into()),
            KernelError::NoSuchServer(1),
        ];
        for e in &all {
            match e {
                KernelError::NotFound
                | KernelError::MethodNotAllowed
                | KernelError::BodyTooLarge
                | KernelError::HeadersTooLarge
                | KernelError::BadRequest
                | KernelError::InvalidHost
                | KernelError::BodyTimeout
                | KernelError::RequestTimeout
                | KernelError::Overloaded
                | KernelError::TooManyBodyReaders
                | KernelError::NotReady
                | KernelError::TooManyConnections
                | KernelError::ShuttingDown
                | KernelError::WorkerExited
                | KernelError::Internal
                | KernelError::RoutesFrozen
                | KernelError::UnknownMethod(_)
                | KernelError::RouteConflict { .. }
                | KernelError::InvalidPattern { .. }
                | KernelError::InvalidPort
                | KernelError::ListenAfterClose
                | KernelError::InjectAfterClose
                | KernelError::Bind { .. }
                | KernelError::Listen(_)
                | KernelError::InvalidInject(_)
                | KernelError::InjectCut
                | KernelError::DispatcherThrew(_)
                | KernelError::NoSuchServer(_) => {}
            }
        }
        all
    }

    /// A catalogue entry as written: `  VEC_ERR_X: {` then `status: 404, raisedBy: 'kernel', ...`.
    struct Entry {
        code: String,
        status: Option<u16>,
        raised_by: String,
    }

    fn catalogue() -> (String, Vec<Entry>) {
        let (path, source) = declaring("export const errorCatalogue");
        let starts: Vec<(usize, &str)> = source
            .match_indices('\n')
            .map(|(i, _)| i + 1)
            .filter_map(|i| {
                let line = source[i..].lines().next()?.trim();
                let code = line.strip_suffix(": {")?;
                code.starts_with("VEC_ERR_").then_some((i, code))
            })
            .collect();
        let entries: Vec<Entry> = starts
            .iter()
            .enumerate()
            .map(|(k, (start, code))| {
                let text = &source[*start..starts.get(k + 1).map_or(source.len(), |next| next.0)];
                let field = |name: &str, end: char| {
                    let from = text
                        .find(name)
                        .unwrap_or_else(|| panic!("{code} in {path} has no {name}"))
                        + name.len();
                    text[from..from + text[from..].find(end).unwrap()].to_owned()
                };
                let status = field("status: ", ',').parse().ok();
                Entry {
                    code: (*code).to_owned(),
                    status,
                    raised_by: field("raisedBy: '", '\''),
                }
            })
            .collect();
        assert!(
            entries.len() > 20,
            "read only {} entries from {path}: has its format changed?",
            entries.len()
        );
        (path, entries)
    }

    #[test]
    fn every_kernel_code_is_in_the_catalogue_with_the_status_the_kernel_answers() {
        let (path, entries) = catalogue();
        for e in one_of_each() {
            let entry = entries.iter().find(|entry| entry.code == e.code());
            let entry = entry.unwrap_or_else(|| panic!("{} ({e:?}) is not in {path}", e.code()));
            if let Some(status) = e.status() {
                assert_eq!(
                    entry.status,
                    Some(status.as_u16()),
                    "status of {} in {path}",
                    e.code()
                );
            }
        }
    }

    #[test]
    fn every_code_the_catalogue_says_the_kernel_raises_is_written_by_the_kernel() {
        let (path, entries) = catalogue();
        let written: Vec<&str> = one_of_each().iter().map(KernelError::code).collect();
        let missing: Vec<&str> = entries
            .iter()
            .filter(|e| e.raised_by == "kernel" && !written.contains(&e.code.as_str()))
            .map(|e| e.code.as_str())
            .collect();
        assert!(
            missing.is_empty(),
            "{path} says the kernel raises {missing:?}, but error.rs has no such code"
        );
    }

    #[test]
    fn thrown_errors_keep_their_messages() {
        let e = KernelError::RouteConflict {
            method: "GET".into(),
            pattern: "/a".into(),
            cause: "c".into(),
        };
        assert_eq!(e.to_string(), "GET /a overlaps an existing route (c)");
        let bind = KernelError::Bind {
            host: "h".into(),
            port: 80.0,
            cause: std::io::Error::other("refused"),
        };
        assert_eq!(bind.to_string(), "cannot listen on h:80: refused");
        assert_eq!(
            KernelError::UnknownMethod("BREW".into()).code(),
            "VEC_ERR_ROUTE_INVALID"
        );
    }
}
