/**
 * @module schema — the log line schema: field names, the mapping of the core's fields (`err`, `requestId`)
 * onto them, and the order keys are written in.
 */

/** Keys written first, in this order, on every line that has them. */
export const LEADING_KEYS = ['timestamp', 'level', 'message', 'service', 'request_id', 'trace_id', 'span_id'] as const

/** Access log keys (OpenTelemetry semantic convention names, flat and dotted). */
export const ACCESS_KEYS = {
  method: 'http.request.method',
  route: 'http.route',
  path: 'url.path',
  status: 'http.response.status_code',
  duration: 'duration_ms',
  outcome: 'outcome',
  client: 'client.address',
} as const

/** The error keys of a line whose fields carry an error. */
export function errorFields(error: unknown, production: boolean): Record<string, unknown> {
  if (!(error instanceof Error)) return { 'error.type': typeof error, 'error.message': String(error) }
  const out: Record<string, unknown> = { 'error.type': error.name || error.constructor?.name || 'Error', 'error.message': error.message }
  const code = (error as { code?: unknown }).code
  if (typeof code === 'string' || typeof code === 'number') out['error.code'] = code
  if (!production && error.stack !== undefined) out['error.stack'] = error.stack
  return out
}

/**
 * Maps the fields the core and plugins pass (`err`, `error` when it is an Error, `requestId`, `traceId`,
 * `spanId`) onto the schema's keys, in place. True when it renamed or added a key (the line needs reordering).
 */
export function mapCoreFields(info: Record<string, unknown>, production: boolean): boolean {
  let renamed = false
  const err = info.err !== undefined ? info.err : info.error instanceof Error ? info.error : undefined
  if (err !== undefined) {
    if (info.err !== undefined) delete info.err
    else delete info.error
    Object.assign(info, errorFields(err, production))
  }
  for (const [from, to] of RENAMED) {
    if (info[from] !== undefined) {
      info[to] ??= info[from]
      delete info[from]
      renamed = true
    }
  }
  return renamed || err !== undefined
}

const RENAMED = [
  ['requestId', 'request_id'],
  ['traceId', 'trace_id'],
  ['spanId', 'span_id'],
] as const

/**
 * Marks an entry built in the schema's key order (adapter.ts): `ordered` is skipped for it unless
 * `mapCoreFields` renamed a field.
 */
export const IN_ORDER: unique symbol = Symbol('vectora.logger.inOrder')

/** A copy of `info` with LEADING_KEYS first (symbols kept: winston's LEVEL/MESSAGE live there). */
export function ordered<T extends Record<PropertyKey, unknown>>(info: T): T {
  const out: Record<PropertyKey, unknown> = {}
  for (const key of LEADING_KEYS) if (info[key] !== undefined) out[key] = info[key]
  for (const key of Object.keys(info)) if (!(key in out) && info[key] !== undefined) out[key] = info[key]
  for (const symbol of Object.getOwnPropertySymbols(info)) out[symbol] = info[symbol]
  return out as T
}
