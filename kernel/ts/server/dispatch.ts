/** @module server/dispatch — the hot path: the DispatchFn and AbortFn handed to the kernel. */
import { isThenable } from '../base/check.js'
import { abortFlow, disposeScope, runFlow, unmatchedError, type Sender } from '../pipeline/run.js'
import { ABORT_CLIENT, ABORT_DEADLINE, ABORT_DRAIN, type AbortFn, type DispatchFn, type ServerHandle, type StreamFn } from '../internal/native.js'
import type { Logger } from '../base/logger.js'
import type { CompiledPipeline } from '../pipeline/compile.js'
import { toProblem } from '../http/problem.js'
import { resolveFileReply } from '../http/file.js'
import { Reply, toWire, type Wire } from '../http/reply.js'
import { abortRequest, scopeOf, type VectoraRequest, type RequestContext } from '../http/request.js'
import { invokerOf, noResponse } from '../routing/invoke.js'
import type { Route } from '../routing/route.js'
import { createStreams } from './stream.js'

/** What the dispatcher reads from its app. `handle` is set right after `serverNew` returns. */
export interface DispatchState extends RequestContext {
  handle: ServerHandle
  routes: readonly Route[]
  development: boolean
  log: Logger
  /** Requests whose handler returned a thenable (or run a pipeline) not settled yet: the only ones abort can reach. */
  readonly pending: Map<number, VectoraRequest<object>>
  /** The app's request class (VectoraRequest plus plugin decorations). */
  RequestClass: typeof VectoraRequest
  /** The pipeline of unmatched requests (app-wide hooks), or null: then the kernel answers 404/405 itself. */
  unmatched: CompiledPipeline | null
}

const NO_DEPS: Record<string, never> = Object.freeze({})
const FALLBACK_HEADERS = 'content-type:application/problem+json\n'
const FALLBACK_BODY = '{"type":"https://vectora.dev/docs/errors#vec_err_internal","title":"Internal Server Error","status":500,"code":"VEC_ERR_INTERNAL"}'

/**
 * Builds the kernel callbacks for one app. A handler that returns synchronously is answered inside the
 * same call with one `serverRespond` and never touches `pending`; a thenable is tracked until it settles.
 * Nothing thrown here reaches the kernel: every user call is inside try/catch or a rejection handler.
 *
 * @example
 * const { dispatch, abort } = createDispatcher(state)
 * state.handle = kernel.serverNew(kernelOptions, dispatch, abort)
 */
export function createDispatcher(state: DispatchState): {
  dispatch: DispatchFn
  abort: AbortFn
  stream: StreamFn
  abortPending: (reason: number) => number
} {
  const kernel = state.kernel
  // One response buffer, filled and sent synchronously (JS is single-threaded), so no per-request object.
  const wire: Wire = { status: 200, headers: '', body: undefined }
  const streams = createStreams(
    () => state,
    (id) => abort(id, ABORT_CLIENT),
  )

  /** Sends `wire`: true/false (sent, or the request was gone) for bytes; for a streamed or file body, a Promise of whether it was sent whole. */
  function send(req: VectoraRequest<object>): boolean | Promise<boolean> {
    const { status, headers, body } = wire
    wire.body = undefined
    streams.forget(req)
    try {
      if (typeof body === 'object' && !Buffer.isBuffer(body)) return streams.send(req, status, headers, body) ?? false
      return kernel.serverRespond(state.handle, req.rawId, status, headers, body)
    } catch (error) {
      // The kernel refused the response (it validates too): say so, then answer with a fixed 500.
      logError(req, error, 'the kernel refused a response')
      try {
        return kernel.serverRespond(state.handle, req.rawId, 500, FALLBACK_HEADERS, FALLBACK_BODY)
      } catch {
        return false
      }
    }
  }

  /** What a pipeline run (pipeline/run.ts) sends through and logs to. */
  const host: Sender = {
    get development() {
      return state.development
    },
    get log() {
      return state.log
    },
    send(req, reply) {
      wire.status = reply.status
      wire.headers = reply.toHeaderBlock()
      wire.body = reply.body
      return send(req)
    },
    sendValue(req, value) {
      toWire(value, wire) // throws before anything is sent
      return send(req) !== false ? wire.status : 0
    },
  }

  /** A request's scope is disposed when it ends; on the fast path only if the handler created one. */
  function endFastPath(req: VectoraRequest<object>): void {
    if (scopeOf(req) !== undefined) void disposeScope(req, host)
  }

  // The handler slot of each route's pipeline, compiled once (after the route steps ran at ready).
  const invokers = state.routes.map((route) => (route.pipeline === null ? undefined : invokerOf(route)))

  function runPipeline(req: VectoraRequest<object>, pipeline: CompiledPipeline, invoke: (req: VectoraRequest<object>) => unknown): void {
    const rest = runFlow(req, pipeline, invoke, host)
    // A request that finished synchronously cannot have been aborted meanwhile: only an async one is tracked.
    if (rest === undefined) return
    const id = req.rawId
    state.pending.set(id, req)
    void rest.then(() => state.pending.delete(id))
  }

  function fail(req: VectoraRequest<object>, error: unknown): void {
    try {
      if (toProblem(error, req, state.development, wire)) logError(req, error, 'request failed')
    } catch (inner) {
      logError(req, inner, 'building the error reply failed')
      wire.status = 500
      wire.headers = FALLBACK_HEADERS
      wire.body = FALLBACK_BODY
    }
    send(req)
  }

  function respond(req: VectoraRequest<object>, value: unknown): void {
    try {
      toWire(value instanceof Reply ? resolveFileReply(value, req) : value, wire)
    } catch (error) {
      fail(req, error)
      return
    }
    send(req)
    endFastPath(req)
  }

  function logError(req: VectoraRequest<object>, error: unknown, message: string): void {
    try {
      state.log.error(message, { requestId: req.id, method: req.method, path: req.path, err: error })
    } catch {}
  }

  function track(req: VectoraRequest<object>, thenable: PromiseLike<unknown>, route: Route): void {
    const id = req.rawId
    state.pending.set(id, req)
    // Promise.resolve adopts a native promise as is, and turns a misbehaving thenable into a rejection.
    Promise.resolve(thenable).then(
      (value) => {
        state.pending.delete(id)
        if (req.aborted) return
        if (value === undefined) {
          fail(req, noResponse(route))
          endFastPath(req)
        } else respond(req, value)
      },
      (error: unknown) => {
        state.pending.delete(id)
        if (!req.aborted) fail(req, error)
        else if (!isAbortError(error)) logError(req, error, 'request failed after it was aborted')
        endFastPath(req)
      },
    )
  }

  const dispatch: DispatchFn = (id, routeId, method, url, headers, body, params, otherMethod, streamed) => {
    const route = routeId >= 0 ? state.routes[routeId] : undefined
    const req = new state.RequestClass<object>(state, id, method, url, headers, body, params, route, otherMethod)
    if (streamed === true) streams.incoming(req)
    if (route === undefined) {
      // Unmatched requests reach JS only when app-wide hooks exist (CORS, logs and metrics see them).
      // (Without them the kernel answers 404/405 itself; the fallback below keeps JS correct regardless.)
      const allow = params?.[0]
      if (state.unmatched !== null)
        runPipeline(req, state.unmatched, () => {
          throw unmatchedError(routeId, allow)
        })
      else fail(req, unmatchedError(routeId, allow))
      return
    }
    if (route.pipeline !== null) {
      runPipeline(req, route.pipeline, invokers[routeId]!)
      return
    }
    // The fast path: no hooks, no guards, no contract, no injection; a sync handler is answered right here.
    let result: unknown
    try {
      result = route.handler(req, NO_DEPS)
      if (isThenable(result)) {
        track(req, result, route)
        return
      }
      if (result === undefined) throw noResponse(route)
    } catch (error) {
      fail(req, error)
      endFastPath(req)
      return
    }
    respond(req, result)
  }

  const abort: AbortFn = (id, reason) => {
    const req = state.pending.get(id)
    if (req === undefined) return
    state.pending.delete(id)
    streams.forget(req)
    try {
      abortRequest(req, abortReason(reason))
    } catch (error) {
      logError(req, error, 'an abort listener threw')
    }
    const timedOut = reason === ABORT_DEADLINE
    abortFlow(req, timedOut ? 'timed_out' : 'aborted', timedOut ? 503 : 0, host)
  }

  /**
   * Aborts every request JavaScript still owes an answer, with `reason`, and returns how many. Drain calls it
   * once the kernel's drain resolved: the kernel's own abort messages travel through the bridge and may land
   * after that, so without this a handler cut at the deadline would see `req.signal` fire only after close()
   * resolved, when the process may already be exiting.
   */
  const abortPending = (reason: number): number => {
    const ids = [...state.pending.keys()]
    for (const id of ids) abort(id, reason)
    return ids.length
  }

  return { dispatch, abort, stream: streams.events, abortPending }
}

function abortReason(reason: number): DOMException {
  if (reason === ABORT_DEADLINE) return new DOMException('request deadline passed', 'TimeoutError')
  if (reason === ABORT_DRAIN) return new DOMException('server draining', 'AbortError')
  return new DOMException('client closed', 'AbortError')
}

function isAbortError(error: unknown): boolean {
  return error instanceof Error && (error.name === 'AbortError' || error.name === 'TimeoutError')
}
