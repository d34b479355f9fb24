/**
 * @module @vectora/otel/tracing — one SERVER span per request: started in onRequest (from the incoming W3C trace
 * context), ended in onResponse with the status and outcome. Stable HTTP semantic-convention attributes. Opt-in
 * INTERNAL children: one per hook call (`hookSpans`, through `app.instrumentHooks`) and one per phase
 * (`phaseSpans`, from the phase-boundary hooks Server-Timing uses).
 */
import type { Attributes, Context, Span, TextMapGetter, Tracer } from '@opentelemetry/api'
import { type AnyRequest, HttpError, type HookInfo, type HookInstrument, type ResponseInfo, type VectoraRequest } from 'vectora'
import type { OtelApi } from './api.js'
import { normalizeMethod, parseHost } from './http-attributes.js'
import type { AttachingContextManager, TracingOptions } from './options.js'
import { MARKS } from './server-timing.js'

const VERSION = '0.1.0'
/** The plugin's own hooks get no hook spans (the server span covers them). */
const OWNER = '@vectora/otel'
/** Phase span names by mark index: the pipeline's phase names, with `handler` for the handler (and onError). */
const PHASE_NAMES = MARKS.map((mark) => (mark === 'send' ? 'onSend' : mark))

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
  /** `hookSpans`: the instrument for `app.instrumentHooks`, a child span per hook call of other plugins and the app. */
  readonly instrumentHook: HookInstrument
  /** `phaseSpans`: ends the open phase span, if any, and starts the one of mark `index` (of MARKS). */
  phase(req: VectoraRequest<any>, index: number): void
  /** `phaseSpans`: ends the open phase span, if any (end of onSend, or onResponse when onSend did not run). */
  endPhase(req: VectoraRequest<any>): void
}

/** The tracing half of the plugin, bound to a tracer and a propagator. */
export function createTracing(api: OtelApi, options: TracingOptions): Tracing {
  const tracer: Tracer = (options.tracerProvider ?? api.trace).getTracer('@vectora/otel', VERSION)
  const propagator = options.propagator ?? api.propagation
  const manager: AttachingContextManager | undefined = options.contextManager
  const { ROOT_CONTEXT, SpanKind, SpanStatusCode, trace } = api
  const tokens = new WeakMap<VectoraRequest<any>, { dispose(): void }>()
  const phaseSpans = new WeakMap<VectoraRequest<any>, Span>()
  const phaseAttributes: Attributes[] = PHASE_NAMES.map((phase) => ({ 'vectora.phase': phase }))
  /** Name and attributes per hook, built at its first call (the kernel passes one HookInfo per hook). */
  const hookNames = new WeakMap<HookInfo, { name: string; attributes: Attributes }>()

  /** The parent of child spans: none without a server span, or when it records nothing (unsampled, no SDK) or ended. */
  const parentOf = (req: VectoraRequest<any>): Context | undefined => {
    const span = req.otelSpan
    return span?.isRecording() ? req.otelContext : undefined
  }

  return {
    start(req) {
      const parent: Context = propagator.extract(ROOT_CONTEXT, req.headers, HEADER_GETTER)
      const method = req.method
      const known = normalizeMethod(method)
      const route = req.route
      const attributes: Attributes = {
        'http.request.method': known,
        'url.path': req.path,
        'url.scheme': req.protocol,
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

    instrumentHook(hook, req) {
      if (hook.plugin === OWNER) return undefined
      const parent = parentOf(req)
      if (parent === undefined) return undefined
      let named = hookNames.get(hook)
      if (named === undefined) {
        named = {
          name: `${hook.phase} ${hook.plugin}:${hook.name}`,
          attributes: { 'vectora.hook.phase': hook.phase, 'vectora.hook.plugin': hook.plugin, 'vectora.hook.name': hook.name },
        }
        hookNames.set(hook, named)
      }
      const span = tracer.startSpan(named.name, { kind: SpanKind.INTERNAL, attributes: named.attributes }, parent)
      // The kernel passes the hook's error, undefined on success (so a `throw undefined` counts as a success).
      return (error?: unknown) => {
        if (error !== undefined) {
          recordError(span, error)
          // An HttpError 4xx is how a hook answers the client (a 401 from authenticate), not a fault of the hook.
          if (!isClientError(error)) span.setStatus({ code: SpanStatusCode.ERROR })
        }
        span.end()
      }
    },

    phase(req, index) {
      const open = phaseSpans.get(req)
      if (open !== undefined) open.end()
      const parent = parentOf(req)
      if (parent === undefined) {
        if (open !== undefined) phaseSpans.delete(req)
        return
      }
      const name = PHASE_NAMES[index]
      phaseSpans.set(req, tracer.startSpan(name, { kind: SpanKind.INTERNAL, attributes: phaseAttributes[index] }, parent))
    },

    endPhase(req) {
      const open = phaseSpans.get(req)
      if (open === undefined) return
      open.end()
      phaseSpans.delete(req)
    },
  }
}

function isClientError(error: unknown): boolean {
  return error instanceof HttpError && error.status < 500
}

function recordError(span: Span, error: unknown): void {
  if (error instanceof Error) span.recordException(error)
  else span.recordException(String(error))
}

/**
 * The ids of the request's server span, for log lines: undefined without one (tracing off, before the plugin's
 * onRequest hook, or no SDK registered, when the api's spans are no-ops).
 */
export function traceContextOf(req: AnyRequest): { traceId: string; spanId: string } | undefined {
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
export function withRequestContext<T>(req: AnyRequest, fn: () => T): T {
  const ctx = req.otelContext
  if (ctx === undefined) return fn()
  return activeApi!.context.with(ctx, fn)
}

let activeApi: OtelApi | undefined
/** Remembers the api for withRequestContext (set when a tracing registration is set up). */
export function useApi(api: OtelApi): void {
  activeApi = api
}
