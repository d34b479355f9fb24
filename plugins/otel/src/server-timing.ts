/**
 * @module @vectora/otel/server-timing — the `Server-Timing` response header.
 *
 * `total` is the time from the plugin's onRequest hook (the first of the pipeline) to its onSend hook (the last):
 * every hook, the handler and the other onSend hooks, not the write to the socket. With `phases: true` a hook at
 * the start of each request phase (stage -100000), one right before the handler (preHandler, stage 100000) and
 * one at the start of onSend note the time, and each phase that ran gets `<phase>;dur=<ms>` up to the next mark:
 * `onRequest`, `authenticate`, `authorize`, `validate`, `preHandler`, `handler` (with onError when it threw) and
 * `send` (the onSend hooks). The core's contract check runs first in validate and route guards last in
 * authorize, whatever the stage, so the contract check is counted in `authorize` and guards in `authorize` too.
 */
import { REQUEST_PHASES, type PluginApp, type Reply, type VectoraRequest } from 'vectora'

/** The mark slots: one per phase start, then the handler's start and onSend's start. */
export const MARKS = ['onRequest', 'authenticate', 'authorize', 'validate', 'preHandler', 'handler', 'send'] as const
const SEND = MARKS.length - 1

/** First in a phase (as the plugin's onRequest hook is in onRequest). */
const FIRST = -100_000
/** Last in onSend (the total includes the other onSend hooks), last in preHandler (the handler's start). */
const LAST = 100_000

/** What a phase-boundary hook does at mark `index` (an index into MARKS): Server-Timing's, phase spans', or both. */
export type MarkListener = (req: VectoraRequest<any>, index: number) => void

/**
 * The phase-boundary hooks, shared by `serverTiming.phases` and `tracing.phaseSpans` (added once for both): one at
 * the start of each request phase after onRequest (stage -100000), one right before the handler (preHandler, stage
 * 100000) and one at the start of onSend; each calls `listener(req, index)`. Mark 0 is the plugin's onRequest hook.
 */
export function addPhaseMarks(app: PluginApp, listener: MarkListener): void {
  for (let i = 1; i < REQUEST_PHASES.length; i++) {
    const phase = REQUEST_PHASES[i]
    app.addHook(phase, requestMark(i, listener), { name: `mark${phase[0].toUpperCase()}${phase.slice(1)}`, stage: FIRST })
  }
  app.addHook('preHandler', requestMark(REQUEST_PHASES.length, listener), { name: 'markHandler', stage: LAST })
  app.addHook('onSend', sendMark(listener), { name: 'markSend', stage: FIRST })
}

/** Adds the onSend hook that writes the header (last of onSend, so `total` includes the other onSend hooks). */
export function addServerTimingHeader(app: PluginApp): void {
  app.addHook('onSend', serverTimingHeader, { name: 'serverTiming', stage: LAST })
}

/** Records the start; call from the plugin's onRequest hook. `phases` allocates the per-phase marks. */
export function markStart(req: VectoraRequest<any>, phases: boolean): void {
  const now = performance.now()
  if (phases) {
    const marks = new Float64Array(MARKS.length).fill(Number.NaN)
    marks[0] = now
    req.otelTiming = marks
  } else {
    req.otelStartedAt = now
  }
}

/** Server-Timing's listener: notes the time mark `index` was reached. */
export function timingMark(req: VectoraRequest<any>, index: number): void {
  const marks = req.otelTiming
  if (marks !== undefined) marks[index] = performance.now()
}

/** A request-phase hook that reports mark `index` (created once per registration, not per request). */
function requestMark(index: number, listener: MarkListener): (req: VectoraRequest<any>) => undefined {
  return function mark(req) {
    listener(req, index)
    return undefined
  }
}

/** The first onSend hook: the handler (or short-circuit, or error mapping) is over. */
function sendMark(listener: MarkListener): (reply: Reply, req: VectoraRequest<any>) => undefined {
  return function markSend(_reply, req) {
    listener(req, SEND)
    return undefined
  }
}

/** The last onSend hook: appends the header (after other onSend hooks, whose work `total` includes). */
export function serverTimingHeader(reply: Reply, req: VectoraRequest<any>): undefined {
  const now = performance.now()
  const marks = req.otelTiming
  if (marks !== undefined) {
    reply.header('server-timing', phasesValue(marks, now))
  } else if (req.otelStartedAt !== undefined) {
    reply.header('server-timing', `total;dur=${(now - req.otelStartedAt).toFixed(2)}`)
  }
  return undefined
}

function phasesValue(marks: Float64Array, now: number): string {
  let value = ''
  for (let i = 0; i < MARKS.length; i++) {
    const start = marks[i]
    if (Number.isNaN(start)) continue
    let end = now
    for (let j = i + 1; j < MARKS.length; j++) {
      if (!Number.isNaN(marks[j])) {
        end = marks[j]
        break
      }
    }
    value += `${MARKS[i]};dur=${(end - start).toFixed(2)}, `
  }
  return `${value}total;dur=${(now - marks[0]).toFixed(2)}`
}
