/**
 * @module @vectora/logger — structured JSON logging for Vectora on winston: the plugin, its options, the
 * `req.log` type and the log schema's key names.
 *
 * @example
 * import { createApp } from 'vectora'
 * import { logger } from '@vectora/logger'
 * const app = createApp()
 * app.register(logger, { service: 'notes' })
 * app.get('/', (req) => { req.log.info('hello'); return { ok: true } })
 */
import type { StructuredLogger } from './adapter.js'
import type { LoggerService } from './plugin.js'

export { logger } from './plugin.js'
export type { LoggerService } from './plugin.js'
export type { Fields, StructuredLogger } from './adapter.js'
export type { AccessLogOptions, LoggerOptions, LogLevel, TraceIds } from './options.js'
export { DEFAULT_REDACT, DEFAULT_SKIP, LEVELS } from './options.js'
export { REDACTED } from './redact.js'
export { ACCESS_KEYS, LEADING_KEYS } from './schema.js'
export { REQUEST_ID_HEADER } from './request-id.js'

declare module 'vectora' {
  interface RequestDecorations {
    /** Set by @vectora/logger: a logger whose lines carry this request's request_id (and trace_id/span_id when traced). */
    log: StructuredLogger
  }
  interface ServiceTypes {
    /** What @vectora/logger provides: the winston logger, the dropped line count, a flush. */
    logger: LoggerService
  }
}
