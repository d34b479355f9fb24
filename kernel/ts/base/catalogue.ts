/** @module base/catalogue — every VEC_ERR_* code the framework and the Rust kernel emit, with status and advice. */

/** One catalogue entry. `status` is null for boot and configuration errors, which are thrown, never sent. */
export interface ErrorEntry {
  /** HTTP status of the problem+json reply, or null when the error is thrown at the call site. */
  readonly status: number | null
  /** Who raises it: the Rust kernel (answers by itself), the JS request path, JS at boot/call time, the process-level error policy (a log line), or the `vectora` CLI (one line on stderr and an exit code, docs/cli.md). */
  readonly raisedBy: 'kernel' | 'request' | 'boot' | 'process' | 'cli'
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
    status: 404,
    raisedBy: 'kernel',
    title: 'Route not found',
    message: 'No route matches this path.',
    hint: 'Check the path and the routes registered on the app (a trailing slash is a different path).',
  },
  VEC_ERR_METHOD_NOT_ALLOWED: {
    status: 405,
    raisedBy: 'kernel',
    title: 'Method not allowed',
    message: 'The path exists but not for this method.',
    hint: 'Use one of the methods listed in the Allow header, or register a route for this method.',
  },
  VEC_ERR_BODY_TOO_LARGE: {
    status: 413,
    raisedBy: 'kernel',
    title: 'Request body too large',
    message: 'The request body is larger than the limit for this route.',
    hint: 'Send a smaller body, or raise `bodyLimit` in createApp() or in the route options.',
  },
  VEC_ERR_HEADERS_TOO_LARGE: {
    status: 431,
    raisedBy: 'kernel',
    title: 'Request headers too large',
    message: 'The request headers are larger than the server accepts.',
    meaning:
      'The request head has more bytes than `maxHeaderSize` or more fields than `maxHeaderCount`. Past twice either limit the parser refuses the head before any request exists, with a bare 431 (no problem body).',
    hint: 'Send fewer or smaller headers (often cookies), or raise `maxHeaderSize` / `maxHeaderCount` in createApp().',
  },
  VEC_ERR_BODY_TIMEOUT: {
    status: 408,
    raisedBy: 'kernel',
    title: 'Request body timed out',
    message: 'The request body did not arrive in time.',
    meaning:
      'The client took longer than `bodyReadTimeout` to send the whole body, or paused longer than `bodyIdleTimeout` between two parts of it (or between the head and the body). The reply carries `Connection: close` and the connection is closed: the rest of the body is never read.',
    hint: 'Clients: send the body promptly, or retry on a better connection. Operators: raise `bodyReadTimeout` / `bodyIdleTimeout` for routes taking slow uploads.',
  },
  VEC_ERR_REQUEST_TIMEOUT: {
    status: 503,
    raisedBy: 'kernel',
    title: 'Request timed out',
    message: 'The handler did not answer before the request deadline.',
    hint: 'Make the handler faster or raise `requestTimeout` (app) or `timeout` (route); handlers should honour req.signal.',
  },
  VEC_ERR_OVERLOADED: {
    status: 503,
    raisedBy: 'kernel',
    title: 'Server overloaded',
    message: 'Too many requests are waiting for JavaScript; retry later.',
    hint: 'Clients: retry after the Retry-After delay. Operators: add capacity or raise `maxPending`.',
  },
  VEC_ERR_TOO_MANY_BODY_READERS: {
    status: 503,
    raisedBy: 'kernel',
    title: 'Too many bodies in flight',
    message: 'Too many requests are sending their bodies; retry later.',
    meaning:
      'More than `maxBodyReaders` requests are sending their bodies at once. Bodies are read before a request queues for JavaScript, under this bound of their own, so slow uploads cannot fill the `maxPending` queue.',
    hint: 'Clients: retry after the Retry-After delay. Operators: raise `maxBodyReaders`, or lower `bodyReadTimeout` / `bodyIdleTimeout` so stalled uploads give their places back sooner.',
  },
  VEC_ERR_TOO_MANY_CONNECTIONS: {
    status: 503,
    raisedBy: 'kernel',
    title: 'Too many connections',
    message: 'The server has reached its connection limit.',
    hint: 'Clients: retry later and reuse connections. Operators: raise `maxConnections` or add instances.',
  },
  VEC_ERR_SHUTTING_DOWN: {
    status: 503,
    raisedBy: 'kernel',
    title: 'Server shutting down',
    message: 'The server is draining and accepts no new requests.',
    hint: 'Clients: retry against another instance. This is expected during a deploy or app.close().',
  },
  VEC_ERR_WORKER_EXITED: {
    status: 500,
    raisedBy: 'kernel',
    title: 'Worker thread exited',
    message: 'The worker thread answering this request exited before it answered.',
    meaning:
      'With `createApp({ workers })`, the worker thread this request was handed to died (an uncaught error, `process.exit()` in the worker, out of memory). The main thread logs the exit with this code (`worker`, `exitCode`, `err`, `lost`: how many requests it held) and starts a replacement; the other threads keep serving.',
    hint: 'Find the worker exit in the log and fix its cause. Clients: the request may or may not have taken effect; retry only if it is idempotent.',
  },
  VEC_ERR_BAD_REQUEST: {
    status: 400,
    raisedBy: 'kernel',
    title: 'Bad request',
    message: 'The request is malformed.',
    meaning: 'Also answered to an HTTP/1.1 request without a Host header, with more than one, or with an invalid Host value (RFC 9112 §3.2).',
    hint: 'Fix the request: its start line, headers or framing are not valid HTTP/1.1.',
  },
  VEC_ERR_INTERNAL: {
    status: 500,
    raisedBy: 'request',
    title: 'Internal server error',
    message: 'Internal Server Error',
    meaning: 'A handler threw or rejected with something that is not an HttpError (details stay in the server log).',
    hint: 'Find the error in the server log by its requestId and fix it; throw HttpError for expected failures.',
  },
  VEC_ERR_UNSUPPORTED_MEDIA_TYPE: {
    status: 415,
    raisedBy: 'request',
    title: 'Unsupported media type',
    message: 'The request body has a content type this route cannot read.',
    hint: 'Send `content-type: application/json` (or a +json type) for req.json(), text/* or JSON for req.text(), in utf-8.',
  },
  VEC_ERR_MALFORMED_JSON: {
    status: 400,
    raisedBy: 'request',
    title: 'Malformed JSON',
    message: 'The request body is not valid JSON.',
    hint: 'Send a valid JSON document (RFC 8259) in utf-8.',
  },
  VEC_ERR_EMPTY_BODY: {
    status: 400,
    raisedBy: 'request',
    title: 'Empty body',
    message: 'The request body is empty but this route reads JSON.',
    hint: 'Send a JSON body, or do not call req.json() on requests that may have none.',
  },
  VEC_ERR_BAD_PATH_PARAM: {
    status: 400,
    raisedBy: 'request',
    title: 'Bad path parameter',
    message: 'A path parameter has a malformed percent-encoding.',
    hint: 'Percent-encode path parameters correctly (e.g. encodeURIComponent) before sending.',
  },
  VEC_ERR_SERIALIZE: {
    status: 500,
    raisedBy: 'request',
    title: 'Response not serializable',
    message: 'The response body could not be serialized to JSON.',
    hint: 'Return JSON-safe values: no BigInt (convert to string), no cycles, no functions or symbols at the top level.',
  },
  VEC_ERR_NO_RESPONSE: {
    status: 500,
    raisedBy: 'request',
    title: 'Handler returned nothing',
    message: 'The route handler returned undefined. Return a value, or `reply.empty()` for a 204 with no body.',
    meaning:
      'Vectora does not guess a status for `undefined` (a lookup that found nothing, an async handler that forgot its `return`): it answers 500 and logs the route. In development the detail names the route.',
    hint: 'Return the value to send; throw `new HttpError(404)` for a missing resource; `return reply.empty()` for 204 No Content.',
  },
  VEC_ERR_WORKER_START: {
    status: null,
    raisedBy: 'boot',
    title: 'Worker thread did not start',
    message: 'A worker thread of createApp({ workers }) could not start.',
    meaning:
      "The worker thread's run of the app module threw, exited, or did not call `app.listen()` within `workerStartTimeout`; or its routes differ from the main thread's (every thread must declare the same routes in the same order); or it could not attach to the main thread's server. `app.listen()` on the main thread rejects with it when a first worker fails; a replacement that fails is logged with it and tried again later.",
    hint: "Run the app module once with workers: 1 to see its own error; make route declarations independent of the thread (no `if (isMainThread)` around routes); raise `workerStartTimeout` if the module's start is slow.",
  },
  VEC_ERR_UNCAUGHT: {
    status: null,
    raisedBy: 'process',
    title: 'Error outside any request',
    message: 'An error was thrown outside any request (a timer or event callback, an unhandled rejection).',
    meaning:
      'Logged (with `origin` and `err`) by the process-level error policy (`handleUncaught`, on by default once the app listens): the app stops accepting, drains its in-flight requests within `drainTimeout`, then the process exits 1. Never sent to a client.',
    hint: "Fix the throwing callback, or catch inside it; await or .catch() every promise. To keep Node's default (exit at once), createApp({ handleUncaught: false }).",
  },
  VEC_ERR_INVALID_HEADER: {
    status: null,
    raisedBy: 'boot',
    title: 'Invalid header',
    message: 'A header name or value is not valid HTTP.',
    hint: "Names are tokens (letters, digits, !#$%&'*+-.^_`|~); values have no CR, LF, NUL or characters above \\xFF; framing headers (content-length, transfer-encoding, connection) are set by Vectora.",
  },
  VEC_ERR_INVALID_OPTION: {
    status: null,
    raisedBy: 'boot',
    title: 'Invalid option',
    message: 'An option has the wrong type or range.',
    hint: 'Fix the named option; the message says the expected type. createApp() options are in the table of the vectora package README (kernel/README.md in the repository), under "createApp(options?)"; a plugin\'s options are in that plugin\'s README.',
  },
  VEC_ERR_ROUTE_INVALID: {
    status: null,
    raisedBy: 'boot',
    title: 'Invalid route',
    message: 'A route path, method or handler is not valid.',
    hint: 'Paths start with `/`; `:name` fills a whole segment and matches [A-Za-z_][A-Za-z0-9_]*; `*` only as the whole last segment; names are unique.',
  },
  VEC_ERR_ROUTE_DUPLICATE: {
    status: null,
    raisedBy: 'boot',
    title: 'Duplicate route',
    message: 'Two routes match the same method and path.',
    hint: 'Remove one of the two routes, or merge them (routes that differ only by parameter names are the same route).',
  },
  VEC_ERR_APP_READY: {
    status: null,
    raisedBy: 'boot',
    title: 'App already ready',
    message: 'Routes, hooks, plugins and services cannot change once app.ready(), app.listen() or app.inject() has started the app.',
    hint: "Declare them before the app starts: at module load, or in a plugin's setup.",
  },
  VEC_ERR_ALREADY_LISTENING: {
    status: null,
    raisedBy: 'boot',
    title: 'Already listening',
    message: 'app.listen() was called twice.',
    hint: 'Call listen() once per app; create a second app to serve another port.',
  },
  VEC_ERR_APP_CLOSED: {
    status: null,
    raisedBy: 'boot',
    title: 'App closed',
    message: 'The app is closed or closing.',
    hint: 'Create a new app; close() is final.',
  },
  VEC_ERR_INVALID_INJECT: {
    status: null,
    raisedBy: 'kernel',
    title: 'Invalid injected request',
    message: 'app.inject() was given a request the kernel cannot build.',
    hint: 'Give inject() a valid method, a url starting with "/", and valid header names and values.',
  },
  VEC_ERR_KERNEL_NOT_FOUND: {
    status: null,
    raisedBy: 'boot',
    title: 'Kernel binary not found',
    message: 'No Vectora kernel binary could be loaded for this platform.',
    meaning:
      'The message says which case it is: the platform package (@vectora/kernel-<platform>, an optional dependency) is not installed, it is installed but does not load, the platform has no prebuilt binary yet, or VECTORA_KERNEL_PATH points at something that is not a kernel.',
    hint: 'Install the package the message names (`npm install @vectora/kernel-<platform>`; npm skips optional dependencies with --omit=optional), or set VECTORA_KERNEL_PATH to a kernel built from the Vectora repository (`npm run build:kernel`).',
  },
  VEC_ERR_LISTEN_FAILED: {
    status: null,
    raisedBy: 'boot',
    title: 'Listen failed',
    message: 'The server could not listen on the address.',
    hint: 'Pick a free port (port 0 lets the system choose), a local address, and check permissions for ports below 1024.',
  },
  VEC_ERR_VALIDATION: {
    status: 400,
    raisedBy: 'request',
    title: 'Validation failed',
    message: 'The request does not match the route contract.',
    meaning:
      'Params, query, headers or body failed the route schema; the `errors` member lists every failing value (`in`, `path`, `expected`, `actual`, `message`).',
    hint: 'Fix each value listed in `errors`; path params, query values and headers that should be numbers or booleans must be written as such (`42`, `true`).',
  },
  VEC_ERR_RESPONSE_INVALID: {
    status: 500,
    raisedBy: 'request',
    title: 'Response does not match contract',
    message: 'The handler returned a value that does not match the route response schema.',
    meaning:
      'The value is never sent as returned (it may hold what the contract leaves out). In development the reply lists the mismatches in `errors`; in production the reply is a plain 500 and the mismatches are in the error log only (the `cause` of the logged error).',
    hint: 'Fix the handler or the route `response` schema so they agree.',
  },
  VEC_ERR_CONTRACT_INVALID: {
    status: null,
    raisedBy: 'boot',
    title: 'Invalid route contract',
    message: 'A route schema is not valid.',
    hint: 'The schema keys are params, query, headers, body and response, each an arktype Type (`type({ ... })`) defined at module load; params only names parameters of the path; header names are lower-case.',
  },
  VEC_ERR_DI_DUPLICATE: {
    status: null,
    raisedBy: 'boot',
    title: 'Duplicate service',
    message: 'Two plugins (or a plugin and the app) provide the same service token.',
    hint: 'Keep one provider: rename one token, drop one of the plugins, or configure the plugin not to provide it.',
  },
  VEC_ERR_DI_MISSING: {
    status: null,
    raisedBy: 'boot',
    title: 'Missing service',
    message: 'A route, plugin or service needs a service token that nothing provides.',
    hint: 'Provide the token (app.provide() or the plugin that provides it), or fix its spelling; the message names who needs it (and, between services, the resolution path).',
  },
  VEC_ERR_DI_CYCLE: {
    status: null,
    raisedBy: 'boot',
    title: 'Service dependency cycle',
    message: 'Services depend on each other in a cycle.',
    hint: 'Break the cycle shown in the message: move the shared part into a third service both depend on, or pass the value as a method argument.',
  },
  VEC_ERR_DI_LIFETIME: {
    status: null,
    raisedBy: 'boot',
    title: 'Service lifetime mismatch',
    message: 'A service depends on a shorter-lived one, or a scoped service was resolved outside a request.',
    meaning:
      "A singleton would capture one request's scoped value (or one transient instance) forever; a scoped service would capture one transient instance. Scoped services exist only inside a request scope.",
    hint: 'Make the dependent service as short-lived as its dependency (e.g. scoped), make the dependency longer-lived, or pass per-request data as a method argument; resolve scoped services through handler deps.',
  },
  VEC_ERR_DI_INVALID: {
    status: null,
    raisedBy: 'boot',
    title: 'Invalid service definition',
    message: 'A service definition cannot work as written.',
    hint: 'Transient services cannot have `dispose` (nothing keeps their instances: make them scoped); factories must return synchronously (build the client in the factory, then resolve it in onReady and await its connect()).',
  },
  VEC_ERR_DI_FACTORY_FAILED: {
    status: null,
    raisedBy: 'boot',
    title: 'Service factory failed',
    message: 'The factory of a service threw while it was being created.',
    meaning:
      "Raised where the service was resolved: at onReady for plugin setup, or in a request (which then answers 500 VEC_ERR_INTERNAL). The factory's error is the `cause`.",
    hint: 'Fix the factory named in the message; its original error is in `cause`.',
  },
  VEC_ERR_DI_SCOPE_DISPOSED: {
    status: null,
    raisedBy: 'boot',
    title: 'Request scope disposed',
    message: 'A service was resolved from a request scope after the request ended.',
    hint: 'Resolve services while the request runs; work that outlives the response must capture the values it needs or use singleton services.',
  },
  VEC_ERR_DI_DISPOSE_FAILED: {
    status: null,
    raisedBy: 'boot',
    title: 'Service disposer failed',
    message: 'The dispose function of a service threw or rejected.',
    meaning:
      "Returned (never thrown) by scope and app disposal, which still run the other disposers; the framework logs it. The disposer's error is the `cause`.",
    hint: 'Fix the disposer named in the message; make disposers tolerate being called on a half-closed resource.',
  },
  VEC_ERR_NOT_READY: {
    status: 503,
    raisedBy: 'kernel',
    title: 'Not ready',
    message: 'The app is not ready to take traffic.',
    meaning:
      'The readiness probe answers it while the app starts (onReady hooks running) and from the moment shutdown begins, so load balancers stop sending requests before the server stops accepting them. The kernel answers the probe itself, ahead of any queued request.',
    hint: 'Load balancers and orchestrators: route traffic elsewhere and probe again (Retry-After). Operators: if it lasts, look for an onReady hook that does not finish.',
  },
  VEC_ERR_LIFECYCLE_HOOK_FAILED: {
    status: null,
    raisedBy: 'boot',
    title: 'Lifecycle hook failed',
    message: 'An onReady or onClose hook threw or rejected.',
    meaning:
      "At start it rejects app.ready()/listen() (later onReady hooks do not run); at shutdown it is an entry of the shutdown report and the other onClose hooks still run. The hook's error is the `cause`.",
    hint: 'Fix the hook of the plugin named in the message; its original error is in `cause`.',
  },
  VEC_ERR_LIFECYCLE_HOOK_TIMEOUT: {
    status: null,
    raisedBy: 'boot',
    title: 'Lifecycle hook timed out',
    message: 'An onReady or onClose hook (or the drain or dispose step) did not settle in time.',
    meaning:
      'The step is abandoned, not cancelled: at start the app does not become ready; at shutdown the sequence goes on and the report records it, so the process still exits before the orchestrator kills it.',
    hint: 'Make the hook named in the message finish (await every promise, close what it opened, time out its own I/O), or give it a larger `timeout` (or raise `hookTimeout`).',
  },
  VEC_ERR_CONTROLLER_INVALID: {
    status: null,
    raisedBy: 'boot',
    title: 'Invalid controller',
    message: 'A class given to app.controller() is not a usable controller.',
    hint: 'Decorate the class with @Controller(prefix), give it at least one instance method decorated with @Get/@Post/…, and do not decorate static or private methods.',
  },
  VEC_ERR_FORBIDDEN: {
    status: 403,
    raisedBy: 'request',
    title: 'Forbidden',
    message: 'A guard denied this request.',
    hint: 'The caller lacks the permission a route guard checks; authenticate as a user allowed to do this.',
  },
  VEC_ERR_HOOK_TIMEOUT: {
    status: 503,
    raisedBy: 'request',
    title: 'Hook timed out',
    message: 'A pipeline hook did not finish within its timeout.',
    hint: 'The problem body and the log name the plugin and hook; make it faster or raise its `timeout` option.',
  },
  VEC_ERR_HOOK_INVALID: {
    status: null,
    raisedBy: 'boot',
    title: 'Invalid hook',
    message: 'A hook was added with an unknown phase, a non-function, or an invalid option.',
    hint: 'Use addHook(phase, fn, { before, after, stage, timeout }) with a phase from docs/pipeline.md.',
  },
  VEC_ERR_HOOK_ORDER_UNKNOWN: {
    status: null,
    raisedBy: 'boot',
    title: 'Hook ordered against an unknown plugin',
    message: 'A hook names a plugin in `before`/`after` that the app does not have.',
    hint: 'Register that plugin first, or fix the name in before/after.',
  },
  VEC_ERR_HOOK_ORDER_CYCLE: {
    status: null,
    raisedBy: 'boot',
    title: 'Hook order cycle',
    message: 'before/after constraints between hooks of one phase form a cycle.',
    hint: 'The message lists the cycle; remove one of its constraints.',
  },
  VEC_ERR_PLUGIN_INVALID: {
    status: null,
    raisedBy: 'boot',
    title: 'Invalid plugin',
    message: 'A plugin definition or registration is malformed.',
    hint: 'Build plugins with definePlugin({ name, version, setup }) and pass them to register().',
  },
  VEC_ERR_PLUGIN_DUPLICATE: {
    status: null,
    raisedBy: 'boot',
    title: 'Plugin registered twice with other options',
    message: 'A plugin without `multiple: true` is registered again in one scope chain (the same scope, an enclosing or a nested group) with other options.',
    hint:
      'Pass equal options each time (deduplicated: functions, stores and other objects must be the same instances), or register ' +
      'it in one scope only: a nested group inherits the plugins around it, so only sibling groups can configure it differently. ' +
      'Plugin authors: set `multiple: true` in definePlugin() to allow stacked instances.',
  },
  VEC_ERR_PLUGIN_MISSING_DEPENDENCY: {
    status: null,
    raisedBy: 'boot',
    title: 'Plugin dependency missing',
    message: 'A plugin needs another plugin that is not registered before it.',
    hint: 'Register the named dependency before the plugin that needs it (in the same scope or an enclosing one).',
  },
  VEC_ERR_GUARD_PLUGIN_MISSING: {
    status: null,
    raisedBy: 'boot',
    title: 'Guard needs a plugin that is not registered',
    message: "A guard on this route needs a plugin that is not registered in the route's scope chain.",
    meaning:
      'A route, group or controller guard declared with defineGuard(fn, { requires }) (requireAuth, can()) needs a plugin that is not registered app-wide or in a group enclosing the route. Without it the guard could only answer every request wrongly (a 401 nobody can pass, a 500), so app.ready() refuses to start.',
    hint: "Register the named plugin app-wide, or in a group that encloses every route the guard is on (a sibling group does not count), or take the guard off the routes outside that plugin's scope.",
  },
  VEC_ERR_PLUGIN_SETUP_FAILED: {
    status: null,
    raisedBy: 'boot',
    title: 'Plugin setup failed',
    message: "A plugin's setup function threw or rejected.",
    hint: 'The message names the plugin and its error (kept as `cause`); fix its options or the plugin.',
  },
  VEC_ERR_DECORATION_CONFLICT: {
    status: null,
    raisedBy: 'boot',
    title: 'Request decoration conflict',
    message: 'A request decoration name is taken, invalid, or given a shared value.',
    hint: 'Pick another name, or an init function (per request) instead of an object.',
  },
  VEC_ERR_APP_NOT_READY: {
    status: null,
    raisedBy: 'boot',
    title: 'App not ready',
    message: 'This call needs the app to be ready.',
    hint: 'await app.ready() (or listen()) first.',
  },
  VEC_ERR_CLI_USAGE: {
    status: null,
    raisedBy: 'cli',
    title: 'CLI called wrong',
    message: 'An unknown command or flag, or a flag without its value.',
    hint: 'Run `vectora <command> --help` for the commands and flags.',
  },
  VEC_ERR_CLI_ENTRY_NOT_FOUND: {
    status: null,
    raisedBy: 'cli',
    title: 'CLI entry not found',
    message: 'The entry module given does not exist, or none was given and no default entry exists.',
    meaning:
      "Without an entry the CLI takes package.json's `main`, else the first of dist/main.js, src/main.ts, src/main.js (start) or src/main.ts, src/main.js, dist/main.js (dev, routes). A `main` that is missing usually means the app is not built yet.",
    hint: 'Pass the module that creates your app (`vectora start dist/main.js`), or set `main` in package.json.',
  },
  VEC_ERR_CLI_TSX_MISSING: {
    status: null,
    raisedBy: 'cli',
    title: 'tsx not installed',
    message: "The entry is TypeScript and tsx is not installed in the app's node_modules.",
    hint: 'Install it in the app (`npm install -D tsx`), or build the app and run the compiled .js entry.',
  },
  VEC_ERR_CLI_NO_APP: {
    status: null,
    raisedBy: 'cli',
    title: 'No app in the entry',
    message: 'The entry loaded without creating an app or exporting one.',
    hint: 'Point the command at the module that calls createApp() (your main), or export the app from it (`export default app`).',
  },
  VEC_ERR_CLI_CHECK_FAILED: {
    status: null,
    raisedBy: 'cli',
    title: 'A doctor check failed',
    message: '`vectora doctor` found a check that fails (the kernel binary, the port, a configured service).',
    hint: 'Fix each check marked FAIL (its line says how), then run `vectora doctor` again.',
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
