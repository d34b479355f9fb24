/**
 * @module request-id — request ids: a trusted, well-formed incoming `X-Request-Id` becomes `req.id`
 * (assignRequestId), and every reply that goes through the pipeline echoes `x-request-id`.
 */
import { assignRequestId, type PluginApp } from 'vectora'

/** The header read (when trusted) and written. */
export const REQUEST_ID_HEADER = 'x-request-id'

/** Installs the hooks. `trust`: honour the incoming header; otherwise the core's generated id stays. */
export function installRequestId(app: PluginApp, trust: boolean): void {
  if (trust) {
    // Early: before any other plugin's onRequest hook reads req.id (CORS preflights run at -1000).
    app.addHook(
      'onRequest',
      (req) => {
        const given = req.header(REQUEST_ID_HEADER)
        if (given !== undefined) assignRequestId(req, given) // a malformed id keeps the generated one
        return undefined
      },
      { name: 'trustRequestId', stage: -10_000 },
    )
  }
  app.addHook(
    'onSend',
    (reply, req) => {
      reply.header(REQUEST_ID_HEADER, req.id)
    },
    { name: 'echoRequestId', stage: -10_000 },
  )
}
