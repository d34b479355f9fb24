/**
 * @module @vectora/otel/otel — the plugin: one onRequest hook (first of the pipeline) that starts the span, counts
 * the request in flight and notes the time; one onResponse hook that ends the span and observes the duration; an
 * onSend hook for Server-Timing when asked; the phase-boundary hooks for Server-Timing phases and phase spans; a
 * hook instrument for hook spans; and the metrics route.
 */
import { definePlugin, type Reply, type ResponseInfo, type VectoraRequest } from 'vectora'
import { loadOtelApi, requireOtelApi } from './api.js'
import { createMetrics, newRegistry, type Metrics } from './metrics.js'
import { serveMetrics } from './metrics-server.js'
import { resolveOptions, type OtelOptions } from './options.js'
import { addPhaseMarks, addServerTimingHeader, markStart, timingMark, type MarkListener } from './server-timing.js'
import { createTracing, useApi, type Tracing } from './tracing.js'

const VERSION = '0.1.0'
/** First in onRequest (before request ids, CORS preflights at -1000, rate limits): the span covers them all. */
const START_STAGE = -100_000
/** Last in onSend (with the Server-Timing header): the onSend phase span ends there, before the write. */
const END_PHASES_STAGE = 100_000

/**
 * The OpenTelemetry plugin: server spans through `@opentelemetry/api` (optional peer), Prometheus metrics on its
 * own prom-client registry served on `/metrics`, and an opt-in `Server-Timing` header. Register it on the app so
 * its hooks see every request, unmatched 404/405 ones included.
 *
 * @example
 * import { createApp } from 'vectora'
 * import { otel } from '@vectora/otel'
 * const app = createApp()
 * app.register(otel, { serverTiming: true })
 * app.get('/users/:id', (req) => ({ id: req.params.id }))
 */
export const otel = definePlugin<OtelOptions | undefined>({
  name: '@vectora/otel',
  version: VERSION,
  setup(app, options) {
    const config = resolveOptions(options)
    let tracing: Tracing | undefined
    let phaseSpans = false
    if (config.tracing !== false) {
      const api = config.tracing === 'auto' ? loadOtelApi() : requireOtelApi()
      if (api !== undefined) {
        useApi(api)
        const t = config.tracing === 'auto' ? {} : config.tracing
        tracing = createTracing(api, t)
        // Only when asked: without an instrument the kernel compiles hooks unwrapped.
        if (t.hookSpans === true) app.instrumentHooks(tracing.instrumentHook)
        phaseSpans = t.phaseSpans === true
      }
    }
    let metrics: Metrics | undefined
    if (config.metrics !== false) {
      const m = config.metrics
      metrics = createMetrics(m.registry ?? newRegistry(), () => app.stats(), m.defaultMetrics)
      const registry = metrics.registry
      app.provideValue('otelRegistry', registry)
      serveMetrics(app, registry, m)
    }
    const timing = config.serverTiming
    if (tracing !== undefined) app.decorateRequest('otelSpan')
    if (tracing !== undefined) app.decorateRequest('otelContext')
    if (timing !== false) app.decorateRequest(timing.phases ? 'otelTiming' : 'otelStartedAt')
    if (tracing === undefined && metrics === undefined && timing === false) return

    const phases = timing !== false && timing.phases
    const spans = phaseSpans ? tracing : undefined
    app.addHook('onRequest', startHook(tracing, metrics, timing !== false, phases, spans), { name: 'start', stage: START_STAGE })
    if (tracing !== undefined || metrics !== undefined) app.addHook('onResponse', endHook(tracing, metrics, spans), { name: 'end' })
    const listener = markListener(phases, spans)
    if (listener !== undefined) addPhaseMarks(app, listener)
    if (spans !== undefined) app.addHook('onSend', endPhaseHook(spans), { name: 'endPhases', stage: END_PHASES_STAGE })
    if (timing !== false) addServerTimingHeader(app)
  },
})

/** What the phase-boundary hooks do: note the time (Server-Timing phases), switch phase spans, both, or nothing. */
function markListener(phases: boolean, spans: Tracing | undefined): MarkListener | undefined {
  if (spans === undefined) return phases ? timingMark : undefined
  if (!phases) return (req, index) => spans.phase(req, index)
  return (req, index) => {
    timingMark(req, index)
    spans.phase(req, index)
  }
}

/** The onRequest hook, specialized once for what is on: no per-request branching on options beyond these. */
function startHook(tracing: Tracing | undefined, metrics: Metrics | undefined, timing: boolean, phases: boolean, spans: Tracing | undefined) {
  return function start(req: VectoraRequest<any>): undefined {
    if (timing) markStart(req, phases)
    metrics?.started()
    tracing?.start(req)
    spans?.phase(req, 0)
    return undefined
  }
}

function endHook(tracing: Tracing | undefined, metrics: Metrics | undefined, spans: Tracing | undefined) {
  return function end(req: VectoraRequest<any>, info: ResponseInfo): undefined {
    metrics?.finished(req, info)
    spans?.endPhase(req)
    tracing?.end(req, info)
    return undefined
  }
}

/** The last onSend hook with phase spans: ends the onSend span (the write to the socket is not a phase). */
function endPhaseHook(spans: Tracing) {
  return function endPhases(_reply: Reply, req: VectoraRequest<any>): undefined {
    spans.endPhase(req)
    return undefined
  }
}
