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
import { Reply } from '../http/reply.js'
import { scopeOf, type VectoraRequest } from '../http/request.js'
import { ROUTE_METHOD_NOT_ALLOWED } from '../internal/native.js'

type Req = VectoraRequest<any>

/** What the flow needs from the dispatcher. */
export interface Sender {
  development: boolean
  log: Logger
  /** Sends a reply; false when the kernel no longer waits for it (the request was aborted meanwhile). */
  send(req: Req, reply: Reply): boolean
}

interface FlowState {
  readonly started: number
  readonly pipeline: CompiledPipeline
  finished: boolean
}

const flows = new WeakMap<Req, FlowState>()

/**
 * Runs `handler` for `req` through `pipeline`. Never rejects: every failure becomes a reply or a log line.
 *
 * @example
 * void runFlow(req, route.pipeline, () => route.handler(req), host)
 */
export async function runFlow(req: Req, pipeline: CompiledPipeline, handler: (req: Req) => unknown, host: Sender): Promise<void> {
  const state: FlowState = { started: performance.now(), pipeline, finished: false }
  flows.set(req, state)
  try {
    await run(req, state, handler, host)
  } finally {
    // Also reached when the kernel aborted the request first: a scope created after that abort (a hook
    // still running resolved a service) is disposed here. Disposal is idempotent.
    await disposeScope(req, host)
  }
}

async function run(req: Req, state: FlowState, handler: (req: Req) => unknown, host: Sender): Promise<void> {
  const pipeline = state.pipeline
  let error: unknown
  let reply: Reply
  try {
    const answer = await runRequestPhases(req, pipeline, handler)
    // Aborted (client gone, deadline, drain) while a phase ran: the handler must not run, nothing is sent.
    if (answer === ABORTED) return
    reply = Reply.from(answer)
  } catch (thrown) {
    error = thrown
    reply = await mapError(thrown, req, pipeline, host)
  }
  if (pipeline.onSend !== null) {
    try {
      reply = await pipeline.onSend.promise(reply, req)
    } catch (thrown) {
      // onSend does not run again on the error's reply: a failing onSend must not loop.
      error = thrown
      reply = await mapError(thrown, req, pipeline, host)
    }
  }
  if (state.finished) return
  state.finished = true
  const sent = !req.aborted && host.send(req, reply)
  if (!sent) return // the abort path reports this request
  await finish(req, state, error === undefined ? 'completed' : 'errored', reply.status, error, host)
}

/**
 * The kernel ended `req` first (client gone, deadline, drain). Runs onResponse with that outcome unless
 * the flow already finished; disposes the request's scope.
 */
export function abortFlow(req: Req, outcome: Outcome, status: number, host: Sender): void {
  const state = flows.get(req)
  if (state === undefined) {
    void disposeScope(req, host)
    return
  }
  if (state.finished) return
  state.finished = true
  void finish(req, state, outcome, status, undefined, host)
}

const ABORTED: unique symbol = Symbol('aborted')

async function runRequestPhases(req: Req, pipeline: CompiledPipeline, handler: (req: Req) => unknown): Promise<unknown> {
  for (const phase of pipeline.request) {
    if (req.aborted) return ABORTED
    const answer = await phase.promise(req)
    if (answer !== undefined) return answer
  }
  if (req.aborted) return ABORTED
  const value = handler(req)
  return isThenable(value) ? await value : value
}

/** onError hooks first; the first that returns a value answers. Else the default problem+json. */
async function mapError(error: unknown, req: Req, pipeline: CompiledPipeline, host: Sender): Promise<Reply> {
  if (pipeline.onError !== null) {
    const mapped = await pipeline.onError.promise(error, req)
    if (mapped !== undefined) {
      try {
        return Reply.from(mapped)
      } catch (inner) {
        host.log.error('an onError hook returned a value that is not a reply', { requestId: req.id, err: inner })
      }
    }
  }
  return problemReply(error, req, host)
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

async function finish(req: Req, state: FlowState, outcome: Outcome, status: number, error: unknown, host: Sender): Promise<void> {
  if (state.pipeline.onResponse !== null) {
    const info: ResponseInfo = { outcome, status, error, duration: performance.now() - state.started }
    // Observers are wrapped (pipeline.ts): they log their own failures and never reject.
    await state.pipeline.onResponse.promise(req, info)
  }
  await disposeScope(req, host)
}

/** Disposes the request's service scope, if one was created; disposer failures are logged. */
export async function disposeScope(req: Req, host: Pick<Sender, 'log'>): Promise<void> {
  const scope = scopeOf(req)
  if (scope === undefined) return
  const errors = await scope.dispose()
  for (const err of errors) host.log.error('a scoped service disposer failed', { requestId: req.id, err })
}

/**
 * The 404/405 error of an unmatched request (the one place it is built): `routeId` is the kernel's
 * ROUTE_METHOD_NOT_ALLOWED (then `allow` lists the methods) or ROUTE_NOT_FOUND.
 *
 * @example
 * throw unmatchedError(ROUTE_NOT_FOUND, undefined) // 404 VEC_ERR_NOT_FOUND
 */
export function unmatchedError(routeId: number, allow: string | undefined): Error {
  return routeId === ROUTE_METHOD_NOT_ALLOWED
    ? httpError('VEC_ERR_METHOD_NOT_ALLOWED', undefined, { headers: { allow: allow ?? '' } })
    : httpError('VEC_ERR_NOT_FOUND')
}
