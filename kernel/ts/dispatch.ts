/** @module dispatch — the hot path: the DispatchFn and AbortFn handed to the kernel. */
import { httpError } from './errors.js'
import {
  ABORT_DEADLINE, ABORT_DRAIN, type AbortFn, type DispatchFn, type ServerHandle,
} from './internal/native.js'
import type { Logger } from './logger.js'
import { toProblem } from './problem.js'
import { toWire, type Wire } from './reply.js'
import { abortRequest, VectoraRequest, type RequestContext } from './request.js'
import type { Route } from './route.js'

/** What the dispatcher reads from its app. `handle` is set right after `serverNew` returns. */
export interface DispatchState extends RequestContext {
  handle: ServerHandle
  routes: readonly Route[]
  development: boolean
  log: Logger
  /** Requests whose handler returned a thenable that has not settled yet: the only ones abort can reach. */
  readonly pending: Map<number, VectoraRequest<object>>
}

const NO_PARAMS: readonly string[] = []
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
export function createDispatcher(state: DispatchState): { dispatch: DispatchFn; abort: AbortFn } {
  const kernel = state.kernel
  // One response buffer, filled and sent synchronously (JS is single-threaded), so no per-request object.
  const wire: Wire = { status: 200, headers: '', body: undefined }

  function send(req: VectoraRequest<object>): void {
    const { status, headers, body } = wire
    wire.body = undefined
    try {
      kernel.serverRespond(state.handle, req.rawId, status, headers, body)
    } catch (error) {
      // The kernel refused the response (it validates too): say so, then answer with a fixed 500.
      logError(req, error, 'the kernel refused a response')
      try {
        kernel.serverRespond(state.handle, req.rawId, 500, FALLBACK_HEADERS, FALLBACK_BODY)
      } catch {}
    }
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
      toWire(value, wire)
    } catch (error) {
      fail(req, error)
      return
    }
    send(req)
  }

  function logError(req: VectoraRequest<object>, error: unknown, message: string): void {
    try {
      state.log.error(message, { requestId: req.id, method: req.method, path: req.path, err: error })
    } catch {}
  }

  function track(req: VectoraRequest<object>, thenable: PromiseLike<unknown>): void {
    const id = req.rawId
    state.pending.set(id, req)
    // Promise.resolve adopts a native promise as is, and turns a misbehaving thenable into a rejection.
    Promise.resolve(thenable).then(
      (value) => {
        state.pending.delete(id)
        if (!req.aborted) respond(req, value)
      },
      (error: unknown) => {
        state.pending.delete(id)
        if (!req.aborted) fail(req, error)
        else if (!isAbortError(error)) logError(req, error, 'request failed after it was aborted')
      },
    )
  }

  const dispatch: DispatchFn = (id, routeId, method, url, headers, body, params, otherMethod) => {
    const route = routeId >= 0 ? state.routes[routeId] : undefined
    const req = new VectoraRequest<object>(
      state, id, method, url, headers, body, params, route === undefined ? NO_PARAMS : route.paramNames, otherMethod,
    )
    let result: unknown
    try {
      if (route === undefined) {
        const allow = params?.[0] ?? ''
        throw routeId === -2
          ? httpError('VEC_ERR_METHOD_NOT_ALLOWED', undefined, { headers: { allow } })
          : httpError('VEC_ERR_NOT_FOUND')
      }
      // route.hooks !== null is where the pipeline runner (plugin host) takes over; null is this fast path.
      result = route.handler(req)
      if (isThenable(result)) {
        track(req, result)
        return
      }
    } catch (error) {
      fail(req, error)
      return
    }
    respond(req, result)
  }

  const abort: AbortFn = (id, reason) => {
    const req = state.pending.get(id)
    if (req === undefined) return
    state.pending.delete(id)
    try {
      abortRequest(req, abortReason(reason))
    } catch (error) {
      logError(req, error, 'an abort listener threw')
    }
  }

  return { dispatch, abort }
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (typeof value === 'object' && value !== null || typeof value === 'function') &&
    typeof (value as { then?: unknown }).then === 'function'
}

function abortReason(reason: number): DOMException {
  if (reason === ABORT_DEADLINE) return new DOMException('request deadline passed', 'TimeoutError')
  if (reason === ABORT_DRAIN) return new DOMException('server draining', 'AbortError')
  return new DOMException('client closed', 'AbortError')
}

function isAbortError(error: unknown): boolean {
  return error instanceof Error && (error.name === 'AbortError' || error.name === 'TimeoutError')
}
