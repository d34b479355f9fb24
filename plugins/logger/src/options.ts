/** @module options — LoggerOptions and their validation at register(): a mistake is a VEC_ERR_INVALID_OPTION naming the option. */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { VectoraRequest } from 'vectora'
import { VectoraError } from 'vectora'
import type winston from 'winston'

/** winston's npm levels, most severe first: what `level` and `accessLog.level` accept. */
export const LEVELS = ['error', 'warn', 'info', 'http', 'verbose', 'debug', 'silly'] as const
/** A log level. */
export type LogLevel = (typeof LEVELS)[number]

/** The ids of the trace a request belongs to, as `traceContext` returns them (W3C hex ids). */
export interface TraceIds {
  traceId: string
  spanId: string
}

/** Options of the access log line written in onResponse for every request. */
export interface AccessLogOptions {
  /** Level of completed requests below 400. 4xx are `warn` at least, 5xx/errored/aborted/timed out `error`. Default `'info'`. */
  level?: LogLevel
  /** Fraction (0-1) of completed 1xx-3xx lines kept. 4xx, 5xx, errored, aborted and timed out lines are always kept. Default 1. */
  sample?: number
  /** Paths (exact `req.path` or route pattern) without an access line, or a predicate. Default: the health probe paths. */
  skip?: readonly string[] | ((req: VectoraRequest<object>) => boolean)
}

/** Options of `app.register(logger, options)`. */
export interface LoggerOptions {
  /** Lowest level written. Default `'info'`. */
  level?: LogLevel
  /** The `service` field. Default: `npm_package_name`, else the `name` in ./package.json, else `'app'`. */
  service?: string
  /** `'json'` (one object per line), `'pretty'` (coloured, for people) or `'auto'`: pretty when NODE_ENV=development and the destination is a TTY. Default `'auto'`. */
  format?: 'json' | 'pretty' | 'auto'
  /** The stream the default transport writes to. Default `process.stdout`. Ignored with `transports`. */
  destination?: NodeJS.WritableStream
  /** Lines the default transport lets wait for a slow destination; past it lines are dropped and counted. Default 10 000. */
  maxBufferedLines?: number
  /** winston transports, replacing the default one (e.g. `new winston.transports.File({ filename })`). */
  transports?: winston.transport[]
  /** The access log, or `false` for none. */
  accessLog?: AccessLogOptions | false
  /** Field paths replaced by `[REDACTED]`, added to the defaults: a dotted path (`body.password`) from the fields' root, a bare name (`token`) at any depth. */
  redact?: readonly string[]
  /** Honour a well-formed incoming `X-Request-Id` as `req.id`. Only behind a proxy that sets it. Default false. */
  trustRequestId?: boolean
  /** Hides `error.stack`. Default `process.env.NODE_ENV === 'production'`. */
  production?: boolean
  /** The request's trace and span ids (e.g. from @vectora/otel), or undefined when it is not traced. Default: none. */
  traceContext?: (req: VectoraRequest<object>) => TraceIds | undefined
}

/** Header names and fields always redacted, at any depth. */
export const DEFAULT_REDACT = ['authorization', 'proxy-authorization', 'cookie', 'set-cookie'] as const
/** Probe paths without an access line by default: Vectora's own (`/health/ready`, `/health/live`) and the common k8s ones. */
export const DEFAULT_SKIP = ['/health/ready', '/health/live', '/healthz', '/readyz', '/livez'] as const

/** Options with every default applied. */
export interface ResolvedOptions {
  level: LogLevel
  service: string
  pretty: boolean
  /** The transports given; empty: the plugin makes its default, bounded one on `destination`. */
  transports: winston.transport[]
  accessLog: { level: LogLevel; sample: number; skip: (req: VectoraRequest<object>) => boolean } | false
  redact: readonly string[]
  trustRequestId: boolean
  production: boolean
  traceContext: ((req: VectoraRequest<object>) => TraceIds | undefined) | undefined
  destination: NodeJS.WritableStream
  maxBufferedLines: number
}

const KNOWN = new Set([
  'level',
  'service',
  'format',
  'destination',
  'maxBufferedLines',
  'transports',
  'accessLog',
  'redact',
  'trustRequestId',
  'production',
  'traceContext',
])

function invalid(name: string, expected: string, got: unknown): VectoraError {
  const shown =
    typeof got === 'string'
      ? JSON.stringify(got)
      : typeof got === 'object'
        ? got === null
          ? 'null'
          : Array.isArray(got)
            ? 'an array'
            : 'an object'
        : String(got)
  return new VectoraError('VEC_ERR_INVALID_OPTION', `@vectora/logger option "${name}" must be ${expected}; got ${shown}.`)
}

const isLevel = (value: unknown): value is LogLevel => typeof value === 'string' && (LEVELS as readonly string[]).includes(value)

/** The `service` default: the npm package being run, else ./package.json's name, else 'app'. */
function defaultService(): string {
  if (process.env.npm_package_name) return process.env.npm_package_name
  try {
    const name = JSON.parse(readFileSync(join(process.cwd(), 'package.json'), 'utf8')).name
    if (typeof name === 'string' && name !== '') return name
  } catch {
    // no readable package.json: the fallback below
  }
  return 'app'
}

/** Checks `input` and applies the defaults; throws VEC_ERR_INVALID_OPTION naming the first wrong option. */
export function resolveOptions(input: LoggerOptions = {}): ResolvedOptions {
  if (typeof input !== 'object' || input === null) throw invalid('options', 'an object', input)
  for (const name of Object.keys(input)) {
    if (!KNOWN.has(name)) throw invalid(name, `one of the known options (${[...KNOWN].join(', ')})`, 'an unknown option')
  }
  const { level = 'info', format = 'auto', destination = process.stdout, maxBufferedLines = 10_000 } = input
  if (!isLevel(level)) throw invalid('level', `one of ${LEVELS.join(', ')}`, level)
  const service = input.service ?? defaultService()
  if (typeof service !== 'string' || service === '') throw invalid('service', 'a non-empty string', service)
  if (format !== 'json' && format !== 'pretty' && format !== 'auto') throw invalid('format', "'json', 'pretty' or 'auto'", format)
  if (typeof (destination as { write?: unknown })?.write !== 'function') throw invalid('destination', 'a writable stream', destination)
  if (!Number.isInteger(maxBufferedLines) || maxBufferedLines < 1) throw invalid('maxBufferedLines', 'an integer of at least 1', maxBufferedLines)
  const { transports } = input
  if (
    transports !== undefined &&
    (!Array.isArray(transports) || transports.length === 0 || !transports.every((t) => typeof t?.log === 'function' || typeof t?.write === 'function'))
  ) {
    throw invalid('transports', 'a non-empty array of winston transports', transports)
  }
  const redact = input.redact ?? []
  if (!Array.isArray(redact) || !redact.every((p) => typeof p === 'string' && p !== ''))
    throw invalid('redact', 'an array of field paths like "body.password"', redact)
  for (const name of ['trustRequestId', 'production'] as const) {
    if (input[name] !== undefined && typeof input[name] !== 'boolean') throw invalid(name, 'a boolean', input[name])
  }
  if (input.traceContext !== undefined && typeof input.traceContext !== 'function')
    throw invalid('traceContext', 'a function (req) => { traceId, spanId } | undefined', input.traceContext)
  const isTTY = (destination as { isTTY?: boolean }).isTTY === true
  return {
    level,
    service,
    pretty: format === 'pretty' || (format === 'auto' && process.env.NODE_ENV === 'development' && isTTY),
    transports: transports ?? [],
    accessLog: resolveAccessLog(input.accessLog),
    redact: [...DEFAULT_REDACT, ...redact],
    trustRequestId: input.trustRequestId ?? false,
    production: input.production ?? process.env.NODE_ENV === 'production',
    traceContext: input.traceContext,
    destination,
    maxBufferedLines,
  }
}

function resolveAccessLog(input: AccessLogOptions | false | undefined): ResolvedOptions['accessLog'] {
  if (input === false) return false
  if (input === undefined) input = {}
  if (typeof input !== 'object' || input === null) throw invalid('accessLog', 'false or an object { level, sample, skip }', input)
  const { level = 'info', sample = 1, skip = DEFAULT_SKIP } = input
  if (!isLevel(level)) throw invalid('accessLog.level', `one of ${LEVELS.join(', ')}`, level)
  if (typeof sample !== 'number' || !(sample >= 0 && sample <= 1))
    throw invalid('accessLog.sample', 'a number from 0 to 1 (0.1 keeps 10% of successful lines)', sample)
  if (typeof skip === 'function') return { level, sample, skip }
  if (!Array.isArray(skip) || !skip.every((p) => typeof p === 'string'))
    throw invalid('accessLog.skip', 'an array of paths or a function (req) => boolean', skip)
  const paths = new Set(skip)
  return { level, sample, skip: (req) => paths.has(req.path) || (req.route !== undefined && paths.has(req.route)) }
}
