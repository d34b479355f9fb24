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

/** Adds the onSend hook that writes the header and, with `phases`, the hooks that mark each phase's start. */
export function addServerTimingHooks(app: PluginApp, phases: boolean): void {
  if (phases) {
    for (let i = 1; i < REQUEST_PHASES.length; i++) {
      const phase = REQUEST_PHASES[i]
      app.addHook(phase, phaseMark(i), { name: `mark${phase[0].toUpperCase()}${phase.slice(1)}`, stage: FIRST })
    }
    app.addHook('preHandler', phaseMark(REQUEST_PHASES.length), { name: 'markHandler', stage: LAST })
    app.addHook('onSend', sendMark, { name: 'markSend', stage: FIRST })
  }
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

/** A hook that notes the start of mark `index` (created once per registration, not per request). */
export function phaseMark(index: number): (req: VectoraRequest<any>) => undefined {
  return function mark(req) {
    const marks = req.otelTiming
    if (marks !== undefined) marks[index] = performance.now()
    return undefined
  }
}

/** The first onSend hook with `phases`: the handler (or short-circuit, or error mapping) is over. */
export function sendMark(_reply: Reply, req: VectoraRequest<any>): undefined {
  const marks = req.otelTiming
  if (marks !== undefined) marks[SEND] = performance.now()
  return undefined
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
