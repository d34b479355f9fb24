/** @module app/options — createApp() options: secure defaults, validation, mapping to the kernel's options. */
import { checkInteger, describe, invalid } from '../base/check.js'
import { randomInt } from 'node:crypto'
import { VectoraError } from '../base/catalogue.js'
import type { KernelOptions } from '../internal/native.js'
import { createLogger, isLogger, type Logger } from '../base/logger.js'
import { didYouMean } from '../base/suggest.js'
import type { HealthOptions } from '../lifecycle/health.js'

/**
 * Options of `createApp()`. Sizes are bytes, durations milliseconds; for limits, 0 turns the limit off.
 *
 * @example
 * const app = createApp({ bodyLimit: 64 * 1024, requestTimeout: 5_000 })
 */
export interface AppOptions {
  /** Largest request body, bytes. Default 1 MiB. Routes may override it. */
  bodyLimit?: number
  /** Deadline for a handler to answer, ms; past it the kernel answers 503 and aborts req.signal. Default 30 000. */
  requestTimeout?: number
  /** Time a client has to send the request head, ms (slowloris guard). Default 10 000. */
  headerReadTimeout?: number
  /** Time a client has to send a whole request body, ms; past it, 408 and the connection closes. Default 30 000. */
  bodyReadTimeout?: number
  /** Longest gap between two chunks of a request body (or between the head and the body), ms; past it, 408 and the connection closes. Default 10 000. */
  bodyIdleTimeout?: number
  /** How long an idle keep-alive connection stays open, ms. Default 5 000. */
  keepAliveTimeout?: number
  /** Largest request head, bytes, at least 1 KiB (it cannot be turned off). Default 16 KiB; past it, 431. */
  maxHeaderSize?: number
  /** Header fields in a request head at most, 1-10 000 (it cannot be turned off). Default 100; past it, 431.
   * The parser reserves room for twice this many fields on every request: a high limit costs every request
   * (2 000 cost a quarter of the hello throughput), so raise it only as far as your clients need. */
  maxHeaderCount?: number
  /** Open connections at most; past it, new ones get 503. Default 10 000. */
  maxConnections?: number
  /** Requests queued for JavaScript at most (a request queues once its body is read); past it, 503 with Retry-After. Default 1024. */
  maxPending?: number
  /** Requests reading their body at the same time at most; past it, 503 with Retry-After. Default 1024. */
  maxBodyReaders?: number
  /** Kernel (tokio) worker threads; 0 = one per core minus the one left to Node's main thread (at least 1). Default 0. */
  threads?: number
  /**
   * JavaScript threads answering requests, 1-256: the main thread and `workers - 1` worker threads, each
   * running the app module (`workerModule`) with its own app; the kernel hands each request to the thread
   * with the fewest in flight. Per thread: in-memory state (rate-limit memory stores, caches, singletons,
   * service instances). See docs/workers.md. Default 1 (the main thread alone).
   */
  workers?: number
  /** The module worker threads run: a path or file URL. Default: the entry script (`process.argv[1]`). */
  workerModule?: string | URL
  /** Time a worker thread has to start its app and call `listen()`, ms. Default 30 000. */
  workerStartTimeout?: number
  /** Default deadline of `app.close()`, ms: in-flight requests still running then are aborted. Default 10 000. */
  drainTimeout?: number
  /** Development mode: error replies carry the message and stack. Default `NODE_ENV === 'development'`. */
  development?: boolean
  /** Prefix of request ids (`<prefix>-<n>`), 1-32 of [A-Za-z0-9_.]. Default: 6 random base-36 chars per app. */
  requestIdPrefix?: string
  /** Where the app logs. Default: JSON lines, error and warn on stderr, info on stdout. Replaceable later through `app.log`. */
  logger?: Logger
  /** At shutdown, ms between "readiness answers 503" and "stop accepting" (load balancers notice). Default 0. */
  shutdownDelay?: number
  /** Time each onReady/onClose hook may take, ms. Default 10 000. */
  hookTimeout?: number
  /** Install SIGTERM/SIGINT handlers on listen() that close the app and exit (0 clean, 1 if a step failed). Default true. */
  handleSignals?: boolean
  /**
   * The process-level error policy, installed on listen(): an error thrown outside any request is logged
   * (VEC_ERR_UNCAUGHT), the app drains its in-flight requests, and the process exits 1. Default true; false
   * keeps Node's default (exit at once, dropping in-flight requests).
   */
  handleUncaught?: boolean
  /**
   * Which X-Forwarded-For hops to believe for `req.ip`: false (default, the TCP peer), a hop count, a list of
   * proxy addresses/CIDRs, or true (every hop; only behind a proxy that overwrites the header). See proxy.ts.
   */
  trustProxy?: boolean | number | readonly string[]
  /**
   * Readiness/liveness routes: paths, or false for none (default `/health/ready` and `/health/live`), and the
   * cadence of the readiness checks services register: `interval` (ms, default 5 000) and the default
   * per-check `timeout` (ms, default 2 000). See docs/deploy.md#readiness.
   */
  health?: HealthOptions | false
}

/** Options after defaults and validation. */
export type ResolvedOptions = Readonly<Required<Omit<AppOptions, 'workerModule'>> & { workerModule: string }>

const MAX = Number.MAX_SAFE_INTEGER
/** [minimum, maximum, default] of the numeric options. */
const NUMERIC = {
  bodyLimit: [0, MAX, 1_048_576],
  requestTimeout: [0, MAX, 30_000],
  headerReadTimeout: [0, MAX, 10_000],
  bodyReadTimeout: [0, MAX, 30_000],
  bodyIdleTimeout: [0, MAX, 10_000],
  keepAliveTimeout: [0, MAX, 5_000],
  maxHeaderSize: [1_024, MAX, 16_384],
  maxHeaderCount: [1, 10_000, 100],
  maxConnections: [0, MAX, 10_000],
  maxPending: [0, MAX, 1_024],
  maxBodyReaders: [0, MAX, 1_024],
  threads: [0, 1_024, 0],
  workers: [1, 256, 1],
  workerStartTimeout: [1, MAX, 30_000],
  drainTimeout: [0, MAX, 10_000],
  shutdownDelay: [0, MAX, 0],
  hookTimeout: [1, MAX, 10_000],
} as const satisfies Record<string, readonly [number, number, number]>

const KNOWN = new Set<string>([
  ...Object.keys(NUMERIC),
  'development',
  'requestIdPrefix',
  'logger',
  'handleSignals',
  'handleUncaught',
  'health',
  'trustProxy',
  'workerModule',
])
const PREFIX = /^[A-Za-z0-9_.]{1,32}$/
/** Options of listen(), often tried on createApp() first. */
const LISTEN_KEYS = new Set(['port', 'host'])

/**
 * Applies defaults and validates every option; throws VEC_ERR_INVALID_OPTION naming the option and the
 * expected type. Unknown options are refused too (a typo must not silently fall back to a default).
 */
export function resolveOptions(input: AppOptions | undefined): ResolvedOptions {
  if (input === undefined) input = {}
  if (input === null || typeof input !== 'object') {
    throw new VectoraError('VEC_ERR_INVALID_OPTION', `createApp() options must be an object (got ${describe(input)}).`)
  }
  for (const key of Object.keys(input)) {
    if (!KNOWN.has(key)) {
      if (LISTEN_KEYS.has(key)) {
        throw new VectoraError('VEC_ERR_INVALID_OPTION', `"${key}" is not a createApp() option: pass it to listen() (\`await app.listen({ ${key}: ... })\`).`)
      }
      throw new VectoraError('VEC_ERR_INVALID_OPTION', `Unknown createApp() option "${key}".${didYouMean(key, KNOWN)} Known: ${[...KNOWN].join(', ')}.`)
    }
  }
  const out: Record<string, unknown> = {}
  for (const [name, [min, max, fallback]] of Object.entries(NUMERIC)) {
    const value = (input as Record<string, unknown>)[name]
    out[name] = value === undefined ? fallback : checkInteger(name, value, min, max)
  }
  const { development, requestIdPrefix, logger, handleSignals, handleUncaught, health } = input
  if (handleSignals !== undefined && typeof handleSignals !== 'boolean') throw invalid('handleSignals', 'a boolean', handleSignals)
  if (handleUncaught !== undefined && typeof handleUncaught !== 'boolean') throw invalid('handleUncaught', 'a boolean', handleUncaught)
  if (health !== undefined && health !== false && (typeof health !== 'object' || health === null)) {
    throw invalid('health', 'false or an object { ready?, live?, interval?, timeout? }', health)
  }
  out.handleSignals = handleSignals ?? true
  out.handleUncaught = handleUncaught ?? true
  out.trustProxy = input.trustProxy ?? false
  out.health = health ?? {}
  if (development !== undefined && typeof development !== 'boolean') throw invalid('development', 'a boolean', development)
  if (requestIdPrefix !== undefined && (typeof requestIdPrefix !== 'string' || !PREFIX.test(requestIdPrefix))) {
    throw invalid('requestIdPrefix', 'a string of 1-32 characters from [A-Za-z0-9_.]', requestIdPrefix)
  }
  if (logger !== undefined && !isLogger(logger)) throw invalid('logger', 'an object with error, warn and info functions', logger)
  out.development = development ?? process.env.NODE_ENV === 'development'
  out.requestIdPrefix =
    requestIdPrefix ??
    randomInt(36 ** 6)
      .toString(36)
      .padStart(6, '0')
  out.logger = logger ?? createLogger()
  const { workerModule } = input
  if (workerModule !== undefined && !(workerModule instanceof URL) && (typeof workerModule !== 'string' || workerModule === '')) {
    throw invalid('workerModule', 'a path or a file URL', workerModule)
  }
  out.workerModule = workerModule === undefined ? (process.argv[1] ?? '') : String(workerModule)
  return Object.freeze(out) as ResolvedOptions
}

/** Maps resolved options to what `native.serverNew` takes. */
export function toKernelOptions(o: ResolvedOptions): KernelOptions {
  return {
    bodyLimit: o.bodyLimit,
    requestTimeout: o.requestTimeout,
    headerReadTimeout: o.headerReadTimeout,
    bodyReadTimeout: o.bodyReadTimeout,
    bodyIdleTimeout: o.bodyIdleTimeout,
    keepAliveTimeout: o.keepAliveTimeout,
    maxHeaderSize: o.maxHeaderSize,
    maxHeaderCount: o.maxHeaderCount,
    maxConnections: o.maxConnections,
    maxPending: o.maxPending,
    maxBodyReaders: o.maxBodyReaders,
    threads: o.threads,
    requestIdPrefix: o.requestIdPrefix,
  }
}
