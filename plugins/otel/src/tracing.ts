/**
 * @module @vectora/otel/tracing — one SERVER span per request: started in onRequest (from the incoming W3C trace
 * context), ended in onResponse with the status and outcome. Stable HTTP semantic-convention attributes.
 */
import type { Attributes, Context, Span, TextMapGetter, Tracer } from '@opentelemetry/api'
import type { ResponseInfo, VectoraRequest } from 'vectora'
import type { OtelApi } from './api.js'
import { normalizeMethod, parseHost } from './http-attributes.js'
import type { AttachingContextManager, TracingOptions } from './options.js'

const VERSION = '0.1.0'

/** Reads headers off `req.headers` (lower-case names, repeats joined). */
const HEADER_GETTER: TextMapGetter<Readonly<Record<string, string>>> = {
  keys: (carrier) => Object.keys(carrier),
  get: (carrier, key) => carrier[key.toLowerCase()],
}

/** What the tracing hooks keep per request, on `req.otelSpan` / `req.otelContext` (and the attach token). */
export interface Tracing {
  /** Starts the span; call from the plugin's onRequest hook. */
  start(req: VectoraRequest<any>): void
  /** Ends the span; call from the plugin's onResponse hook. */
  end(req: VectoraRequest<any>, info: ResponseInfo): void
}

/** The tracing half of the plugin, bound to a tracer and a propagator. */
export function createTracing(api: OtelApi, options: TracingOptions): Tracing {
  const tracer: Tracer = (options.tracerProvider ?? api.trace).getTracer('@vectora/otel', VERSION)
  const propagator = options.propagator ?? api.propagation
  const manager: AttachingContextManager | undefined = options.contextManager
  const { ROOT_CONTEXT, SpanKind, SpanStatusCode, trace } = api
  const tokens = new WeakMap<VectoraRequest<any>, { dispose(): void }>()

  return {
    start(req) {
      const parent: Context = propagator.extract(ROOT_CONTEXT, req.headers, HEADER_GETTER)
      const method = req.method
      const known = normalizeMethod(method)
      const route = req.route
      const attributes: Attributes = {
        'http.request.method': known,
        'url.path': req.path,
        'url.scheme': 'http',
      }
      if (known !== method) attributes['http.request.method_original'] = method
      if (route !== undefined) attributes['http.route'] = route
      const host = parseHost(req.header('host'))
      if (host !== undefined) {
        attributes['server.address'] = host.address
        attributes['server.port'] = host.port
      }
      const ip = req.ip
      if (ip !== undefined) attributes['client.address'] = ip
      const agent = req.header('user-agent')
      if (agent !== undefined) attributes['user_agent.original'] = agent
      const span = tracer.startSpan(route === undefined ? known : `${known} ${route}`, { kind: SpanKind.SERVER, attributes }, parent)
      const ctx = trace.setSpan(parent, span)
      req.otelSpan = span
      req.otelContext = ctx
      if (manager !== undefined) tokens.set(req, manager.attach(ctx))
    },

    end(req, info) {
      const span = req.otelSpan
      if (span === undefined) return
      if (manager !== undefined) {
        tokens.get(req)?.dispose()
        tokens.delete(req)
      }
      const status = info.status
      if (status > 0) span.setAttribute('http.response.status_code', status)
      if (info.outcome === 'aborted') {
        // The client went away (or drain cut the request): no response, not a server fault.
        span.setAttribute('error.type', 'aborted')
      } else if (info.outcome === 'timed_out') {
        span.setAttribute('error.type', 'timeout')
        span.setStatus({ code: SpanStatusCode.ERROR })
      } else if (status >= 500) {
        span.setAttribute('error.type', String(status))
        span.setStatus({ code: SpanStatusCode.ERROR })
        if (info.error !== undefined) recordError(span, info.error)
      }
      span.end()
    },
  }
}

function recordError(span: Span, error: unknown): void {
  if (error instanceof Error) span.recordException(error)
  else span.recordException(String(error))
}

/**
 * The ids of the request's server span, for log lines: undefined without one (tracing off, before the plugin's
 * onRequest hook, or no SDK registered, when the api's spans are no-ops).
 */
export function traceContextOf(req: VectoraRequest<any>): { traceId: string; spanId: string } | undefined {
  const span = req.otelSpan
  if (span === undefined) return undefined
  const spanContext = span.spanContext()
  // Without an SDK the api's spans carry the all-zero ids (or the caller's): nothing worth logging.
  if (activeApi === undefined || !activeApi.trace.isSpanContextValid(spanContext) || !span.isRecording()) return undefined
  return { traceId: spanContext.traceId, spanId: spanContext.spanId }
}

/**
 * Runs `fn` with the request's server span active (`context.with(req.otelContext, fn)`), so spans started inside
 * are its children and `trace.getActiveSpan()` returns it. Without a span (tracing off) it just calls `fn`.
 */
export function withRequestContext<T>(req: VectoraRequest<any>, fn: () => T): T {
  const ctx = req.otelContext
  if (ctx === undefined) return fn()
  return activeApi!.context.with(ctx, fn)
}

let activeApi: OtelApi | undefined
/** Remembers the api for withRequestContext (set when a tracing registration is set up). */
export function useApi(api: OtelApi): void {
  activeApi = api
}
