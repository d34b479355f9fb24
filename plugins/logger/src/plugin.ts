/**
 * @module plugin — the `logger` plugin: a winston logger that replaces the app's (`app.useLogger`), `req.log`
 * children, request ids, the access log, and a flush of every transport on close.
 */
import { definePlugin, type VectoraRequest } from 'vectora'
import winston from 'winston'
import { installAccessLog } from './access-log.js'
import { type Sink, type StructuredLogger, structuredLogger, winstonSink } from './adapter.js'
import { BoundedLines } from './destination.js'
import { buildFormat } from './formats.js'
import { type LoggerOptions, type ResolvedOptions, resolveOptions } from './options.js'
import { installRequestId } from './request-id.js'

/** What the plugin provides as the `logger` service. */
export interface LoggerService {
  /** The winston logger underneath (add transports, change `level`). */
  readonly winston: winston.Logger
  /** The app-level logger (the same one `app.log` is). */
  readonly log: StructuredLogger
  /** Lines lost so far: dropped past `maxBufferedLines`, failed writes, failed transports. */
  droppedLines(): number
  /** Resolves once every line logged so far is written by the default transport. */
  flushed(): Promise<void>
}

/** A transport's `log` made safe: a throw is counted, never propagated into the pipeline (or the stream). */
function guard(transport: winston.transport, onFailure: () => void): void {
  const log = transport.log?.bind(transport)
  if (log === undefined) return
  transport.log = (info: unknown, next: () => void) => {
    try {
      return log(info, next)
    } catch {
      onFailure()
      next()
    }
  }
}

/** Resolves when `transport` has finished (its buffered lines written), or right away if it already has. */
function finished(transport: winston.transport): Promise<void> {
  if (transport.writableFinished || transport.destroyed) return Promise.resolve()
  return new Promise((resolve) => {
    transport.once('finish', resolve)
    transport.once('close', resolve)
    transport.once('error', resolve)
  })
}

/** Builds the winston logger and its sinks for `options`. */
function build(options: ResolvedOptions) {
  let failures = 0
  const onFailure = (): void => {
    failures++
  }
  const lines = options.transports.length === 0 ? new BoundedLines(options.destination, options.maxBufferedLines) : undefined
  const transports = lines !== undefined ? [new winston.transports.Stream({ stream: lines })] : options.transports
  for (const transport of transports) guard(transport, onFailure)
  const format = buildFormat(options)
  const logger = winston.createLogger({
    level: options.level,
    levels: winston.config.npm.levels,
    format,
    defaultMeta: { service: options.service },
    transports,
    exitOnError: false,
  })
  logger.on('error', onFailure) // a transport's 'error': counted, never an uncaught exception
  const live = winstonSink(logger)
  // After close: lines still reach the default destination (formatted the same, written directly); with
  // custom transports, which are ended, they are counted as dropped.
  const afterClose: Sink = (info) => {
    const formatted = format.transform({ service: options.service, ...info, [Symbol.for('level')]: info.level }) as Record<symbol, unknown> | false
    if (formatted === false) return
    if (lines === undefined || !lines.send(`${String(formatted[Symbol.for('message')])}\n`)) failures++
  }
  let sink = live
  return {
    logger,
    lines,
    sink: () => sink,
    onFailure,
    dropped: () => failures + (lines?.dropped ?? 0),
    async close(): Promise<void> {
      const done = Promise.all(transports.map(finished))
      sink = afterClose
      logger.end()
      await done
      await lines?.flushed()
    },
  }
}

/**
 * Structured JSON logging on winston: replaces the app's logger, adds `req.log`, echoes `x-request-id`,
 * writes an access line per request, redacts secrets, and flushes on `app.close()`.
 *
 * @example
 * const app = createApp()
 * app.register(logger, { service: 'notes', accessLog: { sample: 0.1 } })
 * app.get('/notes/:id', (req) => { req.log.info('loading note'); return { id: req.params.id } })
 */
export const logger = definePlugin({
  name: '@vectora/logger',
  version: '0.1.0',
  setup(app, input: LoggerOptions = {}) {
    const options = resolveOptions(input)
    const built = build(options)
    const root = structuredLogger(built.sink, {}, built.onFailure)
    const traced = options.traceContext
    const bindings = (req: VectoraRequest<object>): Record<string, unknown> => {
      const out: Record<string, unknown> = { request_id: req.id }
      try {
        const ids = traced?.(req)
        if (ids !== undefined) Object.assign(out, { trace_id: ids.traceId, span_id: ids.spanId })
      } catch (error) {
        built.onFailure()
        void error
      }
      return out
    }
    const childOf = (req: VectoraRequest<object>): StructuredLogger => root.child(bindings(req))
    app.useLogger(root)
    // Lazy: a request that never logs builds no child.
    app.decorateRequest('log', childOf)
    installRequestId(app, options.trustRequestId)
    if (options.accessLog !== false) installAccessLog(app, options.accessLog, (req) => (req as VectoraRequest<object> & { log: StructuredLogger }).log)
    const service: LoggerService = {
      winston: built.logger,
      log: root,
      droppedLines: built.dropped,
      flushed: async () => {
        await built.lines?.flushed()
      },
    }
    app.provideValue('logger', service)
    app.onClose(() => built.close())
  },
})
