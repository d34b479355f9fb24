/**
 * @module @vectora/otel/server-timing — `Server-Timing: total;dur=<ms>`: the time from the plugin's onRequest hook
 * (the first of the pipeline) to its onSend hook (the last), i.e. every hook and the handler, not the send.
 */
import type { Reply, VectoraRequest } from 'vectora'

/** Records the start; call from the plugin's onRequest hook. */
export function markStart(req: VectoraRequest<any>): void {
  req.otelStartedAt = performance.now()
}

/** The onSend hook that appends the header (after other onSend hooks, whose work it includes). */
export function serverTimingHeader(reply: Reply, req: VectoraRequest<any>): undefined {
  const start = req.otelStartedAt
  if (start !== undefined) reply.header('server-timing', `total;dur=${(performance.now() - start).toFixed(2)}`)
  return undefined
}
