/**
 * @module @vectora/otel/otel — the plugin: one onRequest hook (first of the pipeline) that starts the span, counts
 * the request in flight and notes the time; one onResponse hook that ends the span and observes the duration; an
 * onSend hook for Server-Timing when asked; and the metrics route.
 */
import { definePlugin, type ResponseInfo, type VectoraRequest } from 'vectora'
import { loadOtelApi, requireOtelApi } from './api.js'
import { createMetrics, newRegistry, type Metrics } from './metrics.js'
import { serveMetrics } from './metrics-server.js'
import { resolveOptions, type OtelOptions } from './options.js'
import { addServerTimingHooks, markStart } from './server-timing.js'
import { createTracing, useApi, type Tracing } from './tracing.js'

const VERSION = '0.1.0'
/** First in onRequest (before request ids, CORS preflights at -1000, rate limits): the span covers them all. */
const START_STAGE = -100_000

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
    if (config.tracing !== false) {
      const api = config.tracing === 'auto' ? loadOtelApi() : requireOtelApi()
      if (api !== undefined) {
        useApi(api)
        tracing = createTracing(api, config.tracing === 'auto' ? {} : config.tracing)
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
    app.addHook('onRequest', startHook(tracing, metrics, timing !== false, phases), { name: 'start', stage: START_STAGE })
    if (tracing !== undefined || metrics !== undefined) app.addHook('onResponse', endHook(tracing, metrics), { name: 'end' })
    if (timing !== false) addServerTimingHooks(app, phases)
  },
})

/** The onRequest hook, specialized once for what is on: no per-request branching on options beyond these. */
function startHook(tracing: Tracing | undefined, metrics: Metrics | undefined, timing: boolean, phases: boolean) {
  return function start(req: VectoraRequest<any>): undefined {
    if (timing) markStart(req, phases)
    metrics?.started()
    tracing?.start(req)
    return undefined
  }
}

function endHook(tracing: Tracing | undefined, metrics: Metrics | undefined) {
  return function end(req: VectoraRequest<any>, info: ResponseInfo): undefined {
    metrics?.finished(req, info)
    tracing?.end(req, info)
    return undefined
  }
}
