/** @module access-log — one line per request in onResponse: completed, failed, aborted, timed out and unmatched. */
import type { PluginApp, ResponseInfo, VectoraRequest } from 'vectora'
import type { StructuredLogger } from './adapter.js'
import type { ResolvedOptions } from './options.js'
import { ACCESS_KEYS } from './schema.js'

type AccessOptions = Exclude<ResolvedOptions['accessLog'], false>

/** The level of an access line: 5xx and timeouts `error`, 4xx, other failures and aborts `warn`, the rest the configured level. */
export function accessLevel(info: ResponseInfo, level: string): string {
  if (info.outcome === 'timed_out' || info.status >= 500) return 'error'
  if (info.outcome !== 'completed' || info.status >= 400) return 'warn'
  return level
}

/** Whether a line is sampled away: only completed requests below 400 are sampled. */
export function sampledOut(info: ResponseInfo, sample: number, random: () => number = Math.random): boolean {
  if (sample >= 1 || info.outcome !== 'completed' || info.status >= 400) return false
  return random() >= sample
}

/** The access line's fields. */
export function accessFields(req: VectoraRequest<object>, info: ResponseInfo): Record<string, unknown> {
  const fields: Record<string, unknown> = {
    [ACCESS_KEYS.method]: req.method,
    [ACCESS_KEYS.route]: req.route,
    [ACCESS_KEYS.path]: req.path,
    [ACCESS_KEYS.status]: info.status,
    [ACCESS_KEYS.duration]: Math.round(info.duration * 1000) / 1000,
    [ACCESS_KEYS.outcome]: info.outcome,
    [ACCESS_KEYS.client]: req.ip ?? undefined,
  }
  if (info.error !== undefined) fields.err = info.error
  return fields
}

/** Installs the app-wide onResponse hook (which also makes unmatched 404/405 requests reach JS). */
export function installAccessLog(app: PluginApp, options: AccessOptions, logOf: (req: VectoraRequest<object>) => StructuredLogger): void {
  // The peer address is only known while the connection serves the request: read (and cached by req.ip)
  // first thing, so the line has it even when onResponse runs after the client left.
  app.addHook(
    'onRequest',
    (req) => {
      void req.ip
      return undefined
    },
    { name: 'clientAddress', stage: -10_000 },
  )
  app.addHook(
    'onResponse',
    (req, info) => {
      if (options.skip(req) || sampledOut(info, options.sample)) return
      logOf(req).log(accessLevel(info, options.level), `request ${info.outcome}`, accessFields(req, info))
    },
    { name: 'accessLog' },
  )
}
