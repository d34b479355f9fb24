/**
 * @module pipeline/run — one request through a compiled pipeline: phases, handler, onError, onSend, the send, then
 * onResponse with the outcome and the disposal of the request's service scope.
 *
 * Exactly one of two paths ends a request: this flow (it sends the reply), or the kernel's abort (client
 * gone, deadline, drain), which reaches `abortFlow`. Whichever comes first runs onResponse; the other finds
 * the request finished and only cleans up.
 */
import { isThenable } from '../base/check.js'
import { httpError } from '../http/errors.js'
import type { Logger } from '../base/logger.js'
import { pluginOf, type CompiledPipeline, type Outcome, type ResponseInfo } from './compile.js'
import { problemOf } from '../http/problem.js'
import { isStreamSource } from '../http/body.js'
import { resolveFileReply } from '../http/file.js'
import { Reply } from '../http/reply.js'
import { flowSlot, scopeOf, type VectoraRequest } from '../http/request.js'
import { ROUTE_METHOD_NOT_ALLOWED } from '../internal/native.js'

type Req = VectoraRequest<any>

/** What the flow needs from the dispatcher. */
export interface Sender {
  development: boolean
  log: Logger
  /**
   * Sends a reply; false when the kernel no longer waits for it (the request was aborted meanwhile). A streamed
   * or file body answers a Promise: true once its last byte went out, false when it was cut.
   */
  send(req: Req, reply: Reply): boolean | Promise<boolean>
  /**
   * Sends a handler-style value that is not a Reply (JSON, text, bytes) without building one: the status sent,
   * or 0 when the kernel no longer waits. Throws (VEC_ERR_SERIALIZE) before anything is sent.
   */
  sendValue(req: Req, value: unknown): number
}

interface FlowState {
  readonly started: number
  readonly pipeline: CompiledPipeline
  readonly handler: (req: Req) => unknown
  readonly host: Sender
  finished: boolean
}

const ABORTED: unique symbol = Symbol('aborted')

/**
 * Runs `handler` for `req` through `pipeline`. Never rejects and never throws: every failure becomes a
 * reply or a log line. Synchronous until something returns a thenable: when every hook and the handler
 * answer synchronously, the whole request (send, onResponse, scope disposal) is done when this returns
 * undefined; otherwise it returns the Promise of the rest.
 *
 * @example
 * const rest = runFlow(req, route.pipeline, invoke, sender)
 * if (rest !== undefined) pending.set(req.rawId, req) // only an async request can be aborted meanwhile
 */
export function runFlow(req: Req, pipeline: CompiledPipeline, handler: (req: Req) => unknown, host: Sender): Promise<void> | undefined {
  // The clock is read only when an onResponse observer will get the duration.
  const state: FlowState = { started: pipeline.onResponse === null ? 0 : performance.now(), pipeline, handler, host, finished: false }
  flowSlot(req, state)
  let rest: unknown
  try {
    let first: unknown
    try {
      first = requestPhases(req, state, 0)
      // Synchronous answers go on without a closure; a thenable settles into the same two paths.
      rest = isThenable(first)
        ? Promise.resolve(first).then(
            (answer) => answered(req, state, answer),
            (error: unknown) => failed(req, state, error),
          )
        : answered(req, state, first)
    } catch (error) {
      rest = failed(req, state, error)
    }
  } catch (error) {
    // Only a bug of this module lands here: log it, and still end the request.
    host.log.error('the pipeline runner failed', { requestId: req.id, err: error })
  }
  // Also after an abort by the kernel: a scope created meanwhile (a hook still running resolved a service)
  // is disposed here. Disposal is idempotent.
  if (isThenable(rest)) return Promise.resolve(rest).then(settleScope(req, host), settleScope(req, host))
  return disposeScope(req, host)
}

/**
 * The kernel ended `req` first (client gone, deadline, drain). Runs onResponse with that outcome unless
 * the flow already finished; disposes the request's scope.
 */
export function abortFlow(req: Req, outcome: Outcome, status: number, host: Sender): void {
  const state = flowSlot(req) as FlowState | undefined
  if (state === undefined) {
    void disposeScope(req, host)
    return
  }
  if (state.finished) return
  state.finished = true
  void finish(req, state, outcome, status, undefined)
}

/**
 * `fn(value)` now when `value` is not a thenable, else once it settles; `onError` for a sync throw of `fn`
 * is the caller's business (it runs in the caller's try), a rejection goes to `onError` when given.
 */
function then(value: unknown, fn: (value: unknown) => unknown, onError?: (error: unknown) => unknown): unknown {
  if (isThenable(value)) return Promise.resolve(value).then(fn, onError)
  if (onError === undefined) return fn(value)
  try {
    return fn(value)
  } catch (error) {
    return onError(error)
  }
}

/** The request phases from `index` on, then the handler: the answer, ABORTED, or a Promise of one. Throws what a hook throws. */
function requestPhases(req: Req, state: FlowState, index: number, tap = 0): unknown {
  const phases = state.pipeline.request
  for (let i = index; i < phases.length; i++, tap = 0) {
    // Aborted (client gone, deadline, drain) while a phase ran: the handler must not run, nothing is sent.
    if (tap === 0 && req.aborted) return ABORTED
    const taps = phases[i]!
    for (let j = tap; j < taps.length; j++) {
      const answer = taps[j]!(req)
      if (isThenable(answer)) {
        return Promise.resolve(answer).then((a) => (a !== undefined ? a : requestPhases(req, state, i, j + 1)))
      }
      if (answer !== undefined) return answer
    }
  }
  if (req.aborted) return ABORTED
  return state.handler(req)
}

/** A phase short-circuited or the handler answered: onSend, then the send. */
function answered(req: Req, state: FlowState, answer: unknown): unknown {
  if (answer === ABORTED) return undefined
  // No onSend hook to show a Reply to: a plain value goes out as the fast path sends it (a stream needs the
  // Reply path: its send settles later).
  if (state.pipeline.onSend === null && !(answer instanceof Reply) && !isStreamSource(answer)) return deliverValue(req, state, answer)
  let reply: Reply
  try {
    reply = resolveFileReply(Reply.from(answer), req)
  } catch (error) {
    return failed(req, state, error)
  }
  return onSend(req, state, reply, undefined, 0)
}

/** A phase or the handler failed: onError maps it (else problem+json), then onSend, then the send. */
function failed(req: Req, state: FlowState, error: unknown): unknown {
  // The kernel ended the request first (abortFlow reported it): the failure is its echo — an AbortError from
  // `req.signal` or a body stream — unless it is something else, which is logged as the fast path logs it.
  if (req.aborted) {
    if (!(error instanceof Error && (error.name === 'AbortError' || error.name === 'TimeoutError')))
      state.host.log.error('request failed after it was aborted', { requestId: req.id, method: req.method, path: req.path, err: error })
    return undefined
  }
  return then(mapError(error, req, state), (reply) => onSend(req, state, reply as Reply, error, 0))
}

/** The onSend taps from `index` on over `reply` (waterfall), then the send. A failing onSend is mapped once, without onSend again. */
function onSend(req: Req, state: FlowState, reply: Reply, error: unknown, index: number): unknown {
  const taps = state.pipeline.onSend
  if (taps !== null) {
    for (let i = index; i < taps.length; i++) {
      let next: unknown
      try {
        next = taps[i]!(reply, req)
      } catch (thrown) {
        return sendFailed(req, state, thrown)
      }
      if (isThenable(next)) {
        return Promise.resolve(next).then(
          (r) => onSend(req, state, r as Reply, error, i + 1),
          (thrown: unknown) => sendFailed(req, state, thrown),
        )
      }
      reply = next as Reply
    }
  }
  return deliver(req, state, reply, error)
}

/** onSend does not run again on the error's reply: a failing onSend must not loop. */
function sendFailed(req: Req, state: FlowState, error: unknown): unknown {
  return then(mapError(error, req, state), (reply) => deliver(req, state, reply as Reply, error))
}

/** Sends the reply once (unless the kernel ended the request first), then onResponse. */
function deliver(req: Req, state: FlowState, reply: Reply, error: unknown): unknown {
  if (state.finished) return undefined
  state.finished = true
  const sent = !req.aborted && state.host.send(req, reply)
  if (sent === false) return undefined // the abort path reports this request
  const outcome = error === undefined ? 'completed' : 'errored'
  if (sent === true) return finish(req, state, outcome, reply.status, error)
  // A streamed or file body: onResponse once its last byte went out, or once it was cut.
  return sent.then((whole) => finish(req, state, whole ? outcome : 'aborted', reply.status, error))
}

/** `deliver` for a plain value (no onSend hooks): a value that cannot be serialized fails like a handler error. */
function deliverValue(req: Req, state: FlowState, value: unknown): unknown {
  if (state.finished) return undefined
  if (req.aborted) {
    state.finished = true
    return undefined // the abort path reports this request
  }
  let status: number
  try {
    status = state.host.sendValue(req, value)
  } catch (error) {
    return failed(req, state, error)
  }
  state.finished = true
  if (status === 0) return undefined
  return finish(req, state, 'completed', status, undefined)
}

/** onError taps first (the first that returns a value answers), else the default problem+json. A Reply, or a Promise of one. */
function mapError(error: unknown, req: Req, state: FlowState, index = 0): Reply | Promise<Reply> {
  const taps = state.pipeline.onError
  if (taps !== null) {
    for (let i = index; i < taps.length; i++) {
      const mapped = taps[i]!(error, req) // observers: they log their own failures and never throw
      if (isThenable(mapped)) {
        return Promise.resolve(mapped).then((m) => (m !== undefined ? mappedReply(m, error, req, state) : mapError(error, req, state, i + 1)))
      }
      if (mapped !== undefined) return mappedReply(mapped, error, req, state)
    }
  }
  return problemReply(error, req, state.host)
}

function mappedReply(mapped: unknown, error: unknown, req: Req, state: FlowState): Reply {
  try {
    return Reply.from(mapped)
  } catch (inner) {
    state.host.log.error('an onError hook returned a value that is not a reply', { requestId: req.id, err: inner })
    return problemReply(error, req, state.host)
  }
}

/** The default problem+json reply for an error; 5xx are logged with the plugin the error came from. */
export function problemReply(error: unknown, req: Req, host: Pick<Sender, 'development' | 'log'>): Reply {
  const problem = problemOf(error, req, host.development)
  if (problem.log) {
    host.log.error('request failed', { requestId: req.id, method: req.method, path: req.path, plugin: pluginOf(error), err: error })
  }
  const reply = new Reply(problem.status, problem.body)
  reply.headerList.push(...problem.headers)
  return reply
}

/** onResponse observers (all of them, concurrently when async), then the scope's disposal. */
function finish(req: Req, state: FlowState, outcome: Outcome, status: number, error: unknown): unknown {
  const taps = state.pipeline.onResponse
  let waiting: unknown[] | undefined
  if (taps !== null) {
    const info: ResponseInfo = { outcome, status, error, duration: performance.now() - state.started }
    for (const tap of taps) {
      const done = tap(req, info) // observers: they log their own failures and never throw
      if (isThenable(done)) (waiting ??= []).push(done)
    }
  }
  if (waiting === undefined) return disposeScope(req, state.host)
  return Promise.all(waiting).then(() => disposeScope(req, state.host))
}

/** Disposes the request's service scope, if one was created (a Promise then); disposer failures are logged. */
export function disposeScope(req: Req, host: Pick<Sender, 'log'>): Promise<void> | undefined {
  const scope = scopeOf(req)
  if (scope === undefined) return undefined
  return scope.dispose().then((errors) => {
    for (const err of errors) host.log.error('a scoped service disposer failed', { requestId: req.id, err })
  })
}

function settleScope(req: Req, host: Sender): () => Promise<void> | undefined {
  return () => disposeScope(req, host)
}

/**
 * The 404/405 error of an unmatched request (the one place it is built): `routeId` is the kernel's
 * ROUTE_METHOD_NOT_ALLOWED (then `allow` lists the methods) or ROUTE_NOT_FOUND.
 *
 * @example
 * throw unmatchedError(ROUTE_NOT_FOUND, undefined) // 404 VEC_ERR_NOT_FOUND
 */
export function unmatchedError(routeId: number, allow: string | undefined): Error {
  // No stack: it would only ever point here, and capturing one is most of a JS-side 404's cost.
  const limit = Error.stackTraceLimit
  Error.stackTraceLimit = 0
  try {
    return routeId === ROUTE_METHOD_NOT_ALLOWED
      ? httpError('VEC_ERR_METHOD_NOT_ALLOWED', undefined, { headers: { allow: allow ?? '' } })
      : httpError('VEC_ERR_NOT_FOUND')
  } finally {
    Error.stackTraceLimit = limit
  }
}
