/**
 * @module internal/native — the typed boundary to the Rust kernel (kernel/src/js/: the neon functions).
 *
 * Everything that crosses into Rust goes through the functions typed here. Keep this file in step with
 * kernel/src/js/*.rs; the wire constants below are checked against kernel/src/wire.rs by `cargo test`.
 * The kernel is never imported anywhere else.
 */
import { createRequire } from 'node:module'

/** Opaque handle to one kernel server (a neon JsBox). */
export interface ServerHandle {
  readonly __brand: 'vectora.server'
}

/** Limits and tuning handed to `serverNew`. All durations in milliseconds, sizes in bytes; 0 disables a limit. */
export interface KernelOptions {
  bodyLimit: number
  requestTimeout: number
  headerReadTimeout: number
  /** Whole-body deadline, and the longest gap between two body chunks; past either, 408 and the connection closes. */
  bodyReadTimeout: number
  bodyIdleTimeout: number
  keepAliveTimeout: number
  maxHeaderSize: number
  /** Header fields per request at most (1-10 000; the kernel clamps); past it, 431. */
  maxHeaderCount: number
  maxConnections: number
  maxPending: number
  /** Requests reading their body at most; they take a `maxPending` place only once the body is read. */
  maxBodyReaders: number
  threads: number
  requestIdPrefix: string
}

/**
 * Called by the kernel (batched: many calls per event-loop wake-up) for each request JS must answer.
 * - `routeId` >= 0: a registered route; ROUTE_NOT_FOUND (-1): no route matched (404); ROUTE_METHOD_NOT_ALLOWED
 *   (-2): the path matched but not the method (405, `params[0]` is the Allow header value). Unmatched requests reach JS only when `serverReady(h, true)`.
 * - `method`: index into METHODS; 7 = another method whose name is in `otherMethod`.
 * - `headers`: the request header block, `name:value` lines joined by `\n`, names lower-case.
 * - `params`: raw (still percent-encoded) path parameter values in pattern order, or undefined.
 * JS must answer each id exactly once with `serverRespond` (or the deadline answers for it).
 */
export type DispatchFn = (
  id: number,
  routeId: number,
  method: number,
  url: string,
  headers: string,
  body: Buffer | undefined,
  params: string[] | undefined,
  otherMethod: string | undefined,
  /** True for a `body: 'stream'` route's request with a body: it is not in `body`, JS pulls it (`serverBodyPull`). */
  streamed?: boolean,
) => void

/** The route ids of unmatched requests (the kernel's router sends them; kernel/src keeps the same values). */
export const ROUTE_NOT_FOUND = -1
export const ROUTE_METHOD_NOT_ALLOWED = -2

/** Why a request ended without JS answering it: the client went away, the deadline passed, or drain force-closed it. */
export const ABORT_CLIENT = 0
export const ABORT_DEADLINE = 1
export const ABORT_DRAIN = 2
export type AbortFn = (id: number, reason: number) => void

/**
 * Events of streamed bodies (kernel/src/bridge.rs `StreamEvent`), batched like requests:
 * - STREAM_DRAIN: a reply pipe that `serverStreamWrite` reported full has room again;
 * - STREAM_DONE: a streamed or file reply ended, `data` true when every byte was handed to the socket, false when
 *   it was cut (client gone, drain deadline, a file that could not be read);
 * - STREAM_BODY_CHUNK / STREAM_BODY_END / STREAM_BODY_ERROR: the next chunk (a Buffer) of a streamed request body,
 *   its end, or its failure (`data` the kernel's code: VEC_ERR_BODY_TOO_LARGE, VEC_ERR_BODY_TIMEOUT, VEC_ERR_BAD_REQUEST).
 */
export const STREAM_DRAIN = 0
export const STREAM_DONE = 1
export const STREAM_BODY_CHUNK = 2
export const STREAM_BODY_END = 3
export const STREAM_BODY_ERROR = 4
/** The client went away mid-body: the request is aborted (`req.signal`), the body stream destroyed with an AbortError. */
export const STREAM_BODY_ABORTED = 5
export type StreamFn = (id: number, kind: number, data: Buffer | string | boolean | undefined) => void

/** What `serverStreamWrite` answers: written; written and the pipe is full (wait for STREAM_DRAIN); the reply is gone. */
export const WRITE_ACCEPTED = 0
export const WRITE_FULL = 1
export const WRITE_GONE = 2

/** Method codes used on the wire between Rust and JS. */
export const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const

export interface ListenResult {
  address: string
  port: number
}
export interface DrainResult {
  completed: number
  aborted: number
}

/**
 * The kernel's gauges (now) and counters (since the server started), from `serverStats`. Counts cover
 * every JavaScript thread of the server (createApp({ workers })).
 */
export interface KernelStats {
  /** Connections open now. */
  connections: number
  /** Connections accepted since start, refused ones included. */
  accepted: number
  /** Requests the kernel handled since start (sockets and inject; probes and kernel-answered 404s included). */
  requests: number
  /** Requests queued for or running in JavaScript now (what `maxPending` bounds). */
  queuedOrRunning: number
  /** Requests reading their body now (what `maxBodyReaders` bounds). */
  readingBodies: number
  /** Connections answered 503 VEC_ERR_TOO_MANY_CONNECTIONS past `maxConnections`. */
  refusedConnections: number
  /** Requests answered 503 VEC_ERR_OVERLOADED past `maxPending`. */
  refusedOverloaded: number
  /** Requests answered 503 VEC_ERR_TOO_MANY_BODY_READERS past `maxBodyReaders`. */
  refusedBodyReaders: number
  /** Requests answered 503 VEC_ERR_REQUEST_TIMEOUT at their deadline. */
  timedOut: number
  /** 1 once a drain (`app.close()`, SIGTERM) started: the server accepts no new connections; else 0. */
  draining: number
  /** Requests handed to JavaScript that ended before it answered since start: the client went away, or a drain's deadline cut them. */
  aborted: number
}

export interface NativeKernel {
  serverNew(options: KernelOptions, dispatch: DispatchFn, abort: AbortFn, stream: StreamFn): ServerHandle
  /**
   * Adds a route before ready. bodyLimit/timeout -1 = inherit the server's; `streamBody` hands its request
   * bodies to JS as they arrive instead of whole. Throws VEC_ERR_ROUTE_* errors.
   */
  serverRoute(h: ServerHandle, method: string, pattern: string, routeId: number, bodyLimit: number, timeout: number, streamBody: boolean): void
  /**
   * Freezes the route table; `dispatchUnmatched` sends 404/405 to JS instead of answering in Rust. The kernel
   * answers GET/HEAD on `readyPath` and `livePath` ('' = none) itself, ahead of any queue: readiness from
   * `serverServing`, liveness always 200.
   */
  serverReady(h: ServerHandle, dispatchUnmatched: boolean, readyPath: string, livePath: string): void
  /**
   * What readiness answers from now on: 200 while `serving` (the app is ready or listening and its critical
   * checks are up), else 503 VEC_ERR_NOT_READY; `checks` (JSON object text), when given, is the body's `checks` member.
   */
  serverServing(h: ServerHandle, serving: boolean, checks?: string): void
  serverListen(h: ServerHandle, host: string, port: number): Promise<ListenResult>
  /**
   * Answers request `id`; `headers` uses the same block format, one `name:value\n` line per field (JS always
   * ends each line with `\n`, so the kernel must ignore the empty tail). Names are lower-case and validated
   * in JS. Returns false when the request is already gone (aborted, timed out, drained).
   */
  serverRespond(h: ServerHandle, id: number, status: number, headers: string, body: string | Buffer | undefined): boolean
  /** Answers request `id` with a body written next through `serverStreamWrite` / `serverStreamEnd` (chunked unless `headers` has a content-length). False when the request is gone. */
  serverRespondStream(h: ServerHandle, id: number, status: number, headers: string): boolean
  /** Answers request `id` with `length` bytes of the file at `path` from `start`, read by the kernel; STREAM_DONE reports the end. False when the request is gone. */
  serverRespondFile(h: ServerHandle, id: number, status: number, headers: string, path: string, start: number, length: number): boolean
  /** Writes a chunk of request `id`'s streamed reply: WRITE_ACCEPTED, WRITE_FULL or WRITE_GONE. */
  serverStreamWrite(h: ServerHandle, id: number, chunk: string | Buffer): number
  /** Ends request `id`'s streamed reply; `failed` cuts it (the client sees an incomplete response) instead. */
  serverStreamEnd(h: ServerHandle, id: number, failed: boolean): void
  /** Asks for the next chunk of request `id`'s streamed body (one STREAM_BODY_* event answers). */
  serverBodyPull(h: ServerHandle, id: number): void
  /** The peer address (`ip`) of a request still pending, or undefined. */
  serverPeer(h: ServerHandle, id: number): string | undefined
  /** Zero-network dispatch through the same router and limits. Resolves [status, headerBlock, body]. */
  serverInject(
    h: ServerHandle,
    method: string,
    url: string,
    headers: string,
    body: Buffer | undefined,
    remoteAddress: string,
  ): Promise<[number, string, Buffer]>
  /** Drain: stop accepting, finish in-flight requests, force-close at `deadlineMs`. */
  serverClose(h: ServerHandle, deadlineMs: number): Promise<DrainResult>
  /** The kernel's gauges and counters now: cheap (a few atomic loads), for metrics scrapes. */
  serverStats(h: ServerHandle): KernelStats
  /** The number a worker thread attaches to this server by (kernel/src/js/worker.rs). */
  serverId(h: ServerHandle): number
  /**
   * On a worker thread: a handle on server `serverId` (created by another thread of this process) whose
   * requests this thread answers through `dispatch` / `abort`. Not enlisted yet. Throws VEC_ERR_WORKER_START.
   */
  serverAttach(serverId: number, dispatch: DispatchFn, abort: AbortFn, stream: StreamFn): ServerHandle
  /** This thread takes requests from sockets from now on; returns its bridge id (what `serverDetach` takes). */
  serverEnlist(h: ServerHandle): number
  /** This thread takes no more requests; resolves once what it holds is answered, or at the deadline. */
  serverWithdraw(h: ServerHandle, deadlineMs: number): Promise<DrainResult>
  /** On the creating thread: worker `bridgeId` is gone; its requests end with 500 VEC_ERR_WORKER_EXITED. Returns how many. */
  serverDetach(h: ServerHandle, bridgeId: number): number
}

const require = createRequire(import.meta.url)
let loaded: NativeKernel | undefined
let loadError: unknown

/**
 * Loads the kernel on first use and caches it (or the failure). Importing `vectora` for its types or
 * error classes never touches the binary; the first `app.ready()` does. A missing binary throws the
 * error built by load.cjs unchanged (code VEC_ERR_KERNEL_NOT_FOUND, message with the build command).
 */
export function loadNative(): NativeKernel {
  if (loaded !== undefined) return loaded
  if (loadError !== undefined) throw loadError
  try {
    loaded = require('../../load.cjs') as NativeKernel
  } catch (error) {
    loadError = error
    throw error
  }
  return loaded
}

/**
 * The kernel, loaded lazily: each call forwards to `loadNative()`. Hot paths call `loadNative()` once
 * and keep the object instead of going through this facade.
 */
export const native: NativeKernel = {
  serverNew: (options, dispatch, abort, stream) => loadNative().serverNew(options, dispatch, abort, stream),
  serverRoute: (h, method, pattern, routeId, bodyLimit, timeout, streamBody) =>
    loadNative().serverRoute(h, method, pattern, routeId, bodyLimit, timeout, streamBody),
  serverReady: (h, dispatchUnmatched, readyPath, livePath) => loadNative().serverReady(h, dispatchUnmatched, readyPath, livePath),
  serverServing: (h, serving, checks) => loadNative().serverServing(h, serving, checks),
  serverListen: (h, host, port) => loadNative().serverListen(h, host, port),
  serverRespond: (h, id, status, headers, body) => loadNative().serverRespond(h, id, status, headers, body),
  serverRespondStream: (h, id, status, headers) => loadNative().serverRespondStream(h, id, status, headers),
  serverRespondFile: (h, id, status, headers, path, start, length) => loadNative().serverRespondFile(h, id, status, headers, path, start, length),
  serverStreamWrite: (h, id, chunk) => loadNative().serverStreamWrite(h, id, chunk),
  serverStreamEnd: (h, id, failed) => loadNative().serverStreamEnd(h, id, failed),
  serverBodyPull: (h, id) => loadNative().serverBodyPull(h, id),
  serverPeer: (h, id) => loadNative().serverPeer(h, id),
  serverInject: (h, method, url, headers, body, remoteAddress) => loadNative().serverInject(h, method, url, headers, body, remoteAddress),
  serverClose: (h, deadlineMs) => loadNative().serverClose(h, deadlineMs),
  serverStats: (h) => loadNative().serverStats(h),
  serverId: (h) => loadNative().serverId(h),
  serverAttach: (serverId, dispatch, abort, stream) => loadNative().serverAttach(serverId, dispatch, abort, stream),
  serverEnlist: (h) => loadNative().serverEnlist(h),
  serverWithdraw: (h, deadlineMs) => loadNative().serverWithdraw(h, deadlineMs),
  serverDetach: (h, bridgeId) => loadNative().serverDetach(h, bridgeId),
}
