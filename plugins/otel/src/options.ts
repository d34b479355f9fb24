/**
 * @module @vectora/otel/options — the plugin's options, their defaults, and their checks at register().
 */
import type { Context, TextMapPropagator, TracerProvider } from '@opentelemetry/api'
import { VectoraError, type Guard } from 'vectora'
import type { Registry } from 'prom-client'

/** A context manager that can make a context active imperatively (OTel's AsyncLocalStorageContextManager 2.x `attach`). */
export interface AttachingContextManager {
  attach(context: Context): { dispose(): void }
}

/** Tracing options (`tracing: { ... }`). */
export interface TracingOptions {
  /** Where spans come from. Default: the global provider (`trace.setGlobalTracerProvider`, what NodeSDK registers). */
  tracerProvider?: TracerProvider
  /** Reads `traceparent`/`tracestate` from requests. Default: the global propagator (`propagation.setGlobalPropagator`). */
  propagator?: TextMapPropagator
  /**
   * The context manager you registered with `context.setGlobalContextManager`, to make the server span the active
   * span for the rest of the request's pipeline and its handler (`trace.getActiveSpan()`), through its experimental
   * `attach()`. Without it the span is only reachable through `req.otelContext` / `withRequestContext`.
   */
  contextManager?: AttachingContextManager
  /**
   * One INTERNAL child span of the server span per hook call, named `"{phase} {plugin}:{hook}"`, ERROR when the
   * hook failed (through `app.instrumentHooks`). A span per hook call: for debugging or sampled traffic. Default false.
   */
  hookSpans?: boolean
  /**
   * One INTERNAL child span of the server span per pipeline phase the request reached (`onRequest` ... `handler`,
   * `onSend`), named by the phase. Adds a hook at the start of each phase (as `serverTiming.phases`). Default false.
   */
  phaseSpans?: boolean
}

/** Metrics options (`metrics: { ... }`). */
export interface MetricsOptions {
  /** The path the exposition is served on. Default `/metrics`. `false`: no route (read the registry yourself). */
  path?: string | false
  /**
   * Serve the exposition on this port (a separate node:http server, started at ready, closed at close) instead of
   * as a route of the app. 0 picks a free port. Not with `guards` (they are the app's) nor with workers.
   */
  port?: number
  /** The interface of the `port` server. Default `127.0.0.1` (only local scrapers); `0.0.0.0` for every interface. */
  host?: string
  /** Guards on the metrics route (for example `requireAuth`). Default none. */
  guards?: readonly Guard<any>[]
  /** Node.js process metrics (`collectDefaultMetrics`) on the plugin's registry. Default true. */
  defaultMetrics?: boolean
  /** The prom-client registry to use. Default: a new one per registration (never prom-client's global register). */
  registry?: Registry
}

/** What `app.register(otel, options)` accepts. */
export interface OtelOptions {
  /** Server spans. Default: on when `@opentelemetry/api` is installed; `true` fails register() when it is not. */
  tracing?: boolean | TracingOptions
  /** Prometheus metrics. Default on. */
  metrics?: boolean | MetricsOptions
  /**
   * A `Server-Timing: total;dur=<ms>` response header; `{ phases: true }` adds one entry per pipeline phase.
   * Default false (it tells clients how long the server took).
   */
  serverTiming?: boolean | ServerTimingOptions
}

/** Server-Timing options (`serverTiming: { ... }`). */
export interface ServerTimingOptions {
  /** One `<phase>;dur=<ms>` entry per phase that ran, before `total`. Adds a hook to every phase. Default false. */
  phases?: boolean
}

/** The options after defaults; `tracing` is 'auto' until the api was looked for. */
export interface ResolvedOtel {
  readonly tracing: false | 'auto' | TracingOptions
  readonly metrics: false | (Required<Omit<MetricsOptions, 'registry' | 'port'>> & { registry: Registry | undefined; port: number | undefined })
  readonly serverTiming: false | Required<ServerTimingOptions>
}

function invalid(detail: string): never {
  throw new VectoraError('VEC_ERR_INVALID_OPTION', `@vectora/otel: ${detail}`)
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function checkKnown(value: Record<string, unknown>, where: string, known: readonly string[]): void {
  for (const key of Object.keys(value)) {
    if (!known.includes(key)) invalid(`unknown option ${where}${key} (known: ${known.join(', ')}).`)
  }
}

/** Applies defaults and checks types; throws VectoraError VEC_ERR_INVALID_OPTION naming the option. */
export function resolveOptions(options: OtelOptions | undefined): ResolvedOtel {
  const o: unknown = options ?? {}
  if (!isObject(o)) invalid(`options must be an object, got ${typeof o}.`)
  checkKnown(o, '', ['tracing', 'metrics', 'serverTiming'])
  return { tracing: resolveTracing(o.tracing), metrics: resolveMetrics(o.metrics), serverTiming: resolveServerTiming(o.serverTiming) }
}

function resolveBoolean(value: unknown, name: string, fallback: boolean): boolean {
  if (value === undefined) return fallback
  if (typeof value !== 'boolean') invalid(`${name} must be a boolean, got ${typeof value}.`)
  return value
}

function resolveServerTiming(value: unknown): ResolvedOtel['serverTiming'] {
  if (value === undefined || value === false) return false
  if (value === true) return { phases: false }
  if (!isObject(value)) invalid(`serverTiming must be a boolean or an object, got ${typeof value}.`)
  checkKnown(value, 'serverTiming.', ['phases'])
  return { phases: resolveBoolean(value.phases, 'serverTiming.phases', false) }
}

function resolveTracing(value: unknown): ResolvedOtel['tracing'] {
  if (value === undefined) return 'auto'
  if (value === false) return false
  if (value === true) return {}
  if (!isObject(value)) invalid(`tracing must be a boolean or an object, got ${typeof value}.`)
  checkKnown(value, 'tracing.', ['tracerProvider', 'propagator', 'contextManager', 'hookSpans', 'phaseSpans'])
  const { tracerProvider, propagator, contextManager } = value as TracingOptions
  resolveBoolean(value.hookSpans, 'tracing.hookSpans', false)
  resolveBoolean(value.phaseSpans, 'tracing.phaseSpans', false)
  if (tracerProvider !== undefined && typeof tracerProvider.getTracer !== 'function') invalid('tracing.tracerProvider must have getTracer().')
  if (propagator !== undefined && typeof propagator.extract !== 'function') invalid('tracing.propagator must have extract().')
  if (contextManager !== undefined && typeof contextManager.attach !== 'function') {
    invalid('tracing.contextManager must have attach() (AsyncLocalStorageContextManager from @opentelemetry/context-async-hooks 2.x).')
  }
  return value as TracingOptions
}

function resolveMetrics(value: unknown): ResolvedOtel['metrics'] {
  if (value === false) return false
  const m = value === undefined || value === true ? {} : value
  if (!isObject(m)) invalid(`metrics must be a boolean or an object, got ${typeof m}.`)
  checkKnown(m, 'metrics.', ['path', 'guards', 'defaultMetrics', 'registry', 'port', 'host'])
  const path = m.path ?? '/metrics'
  if (path !== false && (typeof path !== 'string' || !path.startsWith('/')))
    invalid(`metrics.path must be a path starting with "/" or false, got ${JSON.stringify(path)}.`)
  const guards = m.guards ?? []
  if (!Array.isArray(guards)) invalid('metrics.guards must be an array of guards.')
  const registry = m.registry as Registry | undefined
  if (registry !== undefined && typeof (registry as Partial<Registry>).metrics !== 'function') invalid('metrics.registry must be a prom-client Registry.')
  const port = m.port as number | undefined
  if (port !== undefined && (typeof port !== 'number' || !Number.isInteger(port) || port < 0 || port > 65535)) {
    invalid(`metrics.port must be an integer from 0 to 65535, got ${JSON.stringify(port)}.`)
  }
  const host = m.host ?? '127.0.0.1'
  if (typeof host !== 'string' || host === '') invalid('metrics.host must be a non-empty string.')
  if (port === undefined && m.host !== undefined) invalid('metrics.host needs metrics.port.')
  if (port !== undefined && guards.length > 0) invalid("metrics.guards apply to the app's route, not to a metrics.port server: drop one of them.")
  if (port !== undefined && path === false) invalid('metrics.port needs a metrics.path to serve.')
  return { path: path as string | false, guards, port, host, defaultMetrics: resolveBoolean(m.defaultMetrics, 'metrics.defaultMetrics', true), registry }
}
