/** @module error-catalogue — every VEC_ERR_* code the framework and the Rust kernel emit, with status and advice. */

/** One catalogue entry. `status` is null for boot and configuration errors, which are thrown, never sent. */
export interface ErrorEntry {
  /** HTTP status of the problem+json reply, or null when the error is thrown at the call site. */
  readonly status: number | null
  /** Who raises it: the Rust kernel (answers by itself), the JS request path, or JS at boot/call time. */
  readonly raisedBy: 'kernel' | 'request' | 'boot'
  /** Short name for docs and logs. */
  readonly title: string
  /** Default `detail` of the reply (or the start of the thrown message). */
  readonly message: string
  /** What it means, for the docs, when `message` does not say it. */
  readonly meaning?: string
  /** What to do about it. */
  readonly hint: string
}

/**
 * The one catalogue. The kernel writes the kernel codes into its own problem+json replies with exactly
 * these statuses; docs/errors.md is generated from this object (`renderErrorsDoc`).
 *
 * @example
 * import { errorCatalogue } from 'vectora'
 * errorCatalogue.VEC_ERR_BODY_TOO_LARGE.status // 413
 */
export const errorCatalogue = {
  VEC_ERR_NOT_FOUND: {
    status: 404, raisedBy: 'kernel', title: 'Route not found',
    message: 'No route matches this path.',
    hint: 'Check the path and the routes registered on the app (a trailing slash is a different path).',
  },
  VEC_ERR_METHOD_NOT_ALLOWED: {
    status: 405, raisedBy: 'kernel', title: 'Method not allowed',
    message: 'The path exists but not for this method.',
    hint: 'Use one of the methods listed in the Allow header, or register a route for this method.',
  },
  VEC_ERR_BODY_TOO_LARGE: {
    status: 413, raisedBy: 'kernel', title: 'Request body too large',
    message: 'The request body is larger than the limit for this route.',
    hint: 'Send a smaller body, or raise `bodyLimit` in createApp() or in the route options.',
  },
  VEC_ERR_HEADERS_TOO_LARGE: {
    status: 431, raisedBy: 'kernel', title: 'Request headers too large',
    message: 'The request headers are larger than the server accepts.',
    hint: 'Send fewer or smaller headers (often cookies), or raise `maxHeaderSize` in createApp().',
  },
  VEC_ERR_REQUEST_TIMEOUT: {
    status: 503, raisedBy: 'kernel', title: 'Request timed out',
    message: 'The handler did not answer before the request deadline.',
    hint: 'Make the handler faster or raise `requestTimeout` (app) or `timeout` (route); handlers should honour req.signal.',
  },
  VEC_ERR_OVERLOADED: {
    status: 503, raisedBy: 'kernel', title: 'Server overloaded',
    message: 'Too many requests are waiting for JavaScript; retry later.',
    hint: 'Clients: retry after the Retry-After delay. Operators: add capacity or raise `maxPending`.',
  },
  VEC_ERR_TOO_MANY_CONNECTIONS: {
    status: 503, raisedBy: 'kernel', title: 'Too many connections',
    message: 'The server has reached its connection limit.',
    hint: 'Clients: retry later and reuse connections. Operators: raise `maxConnections` or add instances.',
  },
  VEC_ERR_SHUTTING_DOWN: {
    status: 503, raisedBy: 'kernel', title: 'Server shutting down',
    message: 'The server is draining and accepts no new requests.',
    hint: 'Clients: retry against another instance. This is expected during a deploy or app.close().',
  },
  VEC_ERR_BAD_REQUEST: {
    status: 400, raisedBy: 'kernel', title: 'Bad request',
    message: 'The request is malformed.',
    hint: 'Fix the request: its start line, headers or framing are not valid HTTP/1.1.',
  },
  VEC_ERR_INTERNAL: {
    status: 500, raisedBy: 'request', title: 'Internal server error',
    message: 'Internal Server Error',
    meaning: 'A handler threw or rejected with something that is not an HttpError (details stay in the server log).',
    hint: 'Find the error in the server log by its requestId and fix it; throw HttpError for expected failures.',
  },
  VEC_ERR_UNSUPPORTED_MEDIA_TYPE: {
    status: 415, raisedBy: 'request', title: 'Unsupported media type',
    message: 'The request body has a content type this route cannot read.',
    hint: 'Send `content-type: application/json` (or a +json type) for req.json(), text/* or JSON for req.text(), in utf-8.',
  },
  VEC_ERR_MALFORMED_JSON: {
    status: 400, raisedBy: 'request', title: 'Malformed JSON',
    message: 'The request body is not valid JSON.',
    hint: 'Send a valid JSON document (RFC 8259) in utf-8.',
  },
  VEC_ERR_EMPTY_BODY: {
    status: 400, raisedBy: 'request', title: 'Empty body',
    message: 'The request body is empty but this route reads JSON.',
    hint: 'Send a JSON body, or do not call req.json() on requests that may have none.',
  },
  VEC_ERR_BAD_PATH_PARAM: {
    status: 400, raisedBy: 'request', title: 'Bad path parameter',
    message: 'A path parameter has a malformed percent-encoding.',
    hint: 'Percent-encode path parameters correctly (e.g. encodeURIComponent) before sending.',
  },
  VEC_ERR_SERIALIZE: {
    status: 500, raisedBy: 'request', title: 'Response not serializable',
    message: 'The response body could not be serialized to JSON.',
    hint: 'Return JSON-safe values: no BigInt (convert to string), no cycles, no functions or symbols at the top level.',
  },
  VEC_ERR_INVALID_HEADER: {
    status: null, raisedBy: 'boot', title: 'Invalid header',
    message: 'A header name or value is not valid HTTP.',
    hint: 'Names are tokens (letters, digits, !#$%&\'*+-.^_`|~); values have no CR, LF, NUL or characters above \\xFF; framing headers (content-length, transfer-encoding, connection) are set by Vectora.',
  },
  VEC_ERR_INVALID_OPTION: {
    status: null, raisedBy: 'boot', title: 'Invalid option',
    message: 'An option has the wrong type or range.',
    hint: 'Fix the named option; the message says the expected type. See the options table in the vectora README.',
  },
  VEC_ERR_ROUTE_INVALID: {
    status: null, raisedBy: 'boot', title: 'Invalid route',
    message: 'A route path, method or handler is not valid.',
    hint: 'Paths start with `/`; `:name` fills a whole segment and matches [A-Za-z_][A-Za-z0-9_]*; `*` only as the whole last segment; names are unique.',
  },
  VEC_ERR_ROUTE_DUPLICATE: {
    status: null, raisedBy: 'boot', title: 'Duplicate route',
    message: 'Two routes match the same method and path.',
    hint: 'Remove one of the two routes, or merge them (routes that differ only by parameter names are the same route).',
  },
  VEC_ERR_APP_READY: {
    status: null, raisedBy: 'boot', title: 'App already ready',
    message: 'Routes cannot change after app.ready(), app.listen() or app.inject().',
    hint: 'Register every route before the app starts.',
  },
  VEC_ERR_ALREADY_LISTENING: {
    status: null, raisedBy: 'boot', title: 'Already listening',
    message: 'app.listen() was called twice.',
    hint: 'Call listen() once per app; create a second app to serve another port.',
  },
  VEC_ERR_APP_CLOSED: {
    status: null, raisedBy: 'boot', title: 'App closed',
    message: 'The app is closed or closing.',
    hint: 'Create a new app; close() is final.',
  },
  VEC_ERR_INVALID_INJECT: {
    status: null, raisedBy: 'kernel', title: 'Invalid injected request',
    message: 'app.inject() was given a request the kernel cannot build.',
    hint: 'Give inject() a valid method, a url starting with "/", and valid header names and values.',
  },
  VEC_ERR_KERNEL_NOT_FOUND: {
    status: null, raisedBy: 'boot', title: 'Kernel binary not found',
    message: 'No Vectora kernel binary for this platform.',
    hint: 'Install the matching @vectora/kernel-<platform> package, or build it: `npm run build:native -w vectora`, or set VECTORA_KERNEL_PATH.',
  },
  VEC_ERR_LISTEN_FAILED: {
    status: null, raisedBy: 'boot', title: 'Listen failed',
    message: 'The server could not listen on the address.',
    hint: 'Pick a free port (port 0 lets the system choose), a local address, and check permissions for ports below 1024.',
  },
} as const satisfies Record<`VEC_ERR_${string}`, ErrorEntry>

/** Every catalogued code. */
export type ErrorCode = keyof typeof errorCatalogue
/** Codes that become HTTP replies. */
export type HttpErrorCode = { [C in ErrorCode]: (typeof errorCatalogue)[C]['status'] extends number ? C : never }[ErrorCode]
/** Codes thrown as VectoraError at boot or at the call site. */
export type BootErrorCode = Exclude<ErrorCode, HttpErrorCode>

/** The documentation URL used as problem `type` for a catalogued code. */
export function errorDocsUrl(code: ErrorCode): string {
  return `https://vectora.dev/docs/errors#${code.toLowerCase()}`
}

/** True when `code` is a catalogued VEC_ERR_* code. */
export function isErrorCode(code: unknown): code is ErrorCode {
  return typeof code === 'string' && Object.hasOwn(errorCatalogue, code)
}

/**
 * A boot or configuration error (bad option, bad route, wrong lifecycle step). Thrown at the call site,
 * never sent to a client. `message` starts with the code and ends with what to do.
 *
 * @example
 * try { app.get('/a/:x/:x', h) } catch (e) { if (e instanceof VectoraError) console.log(e.code) } // VEC_ERR_ROUTE_INVALID
 */
export class VectoraError extends Error {
  readonly code: ErrorCode
  constructor(code: ErrorCode, detail: string, options?: { cause?: unknown }) {
    super(`${code}: ${detail} ${errorCatalogue[code].hint}`, options)
    this.code = code
  }

  static {
    this.prototype.name = 'VectoraError'
  }
}
