/**
 * @module @vectora/otel — observability for Vectora: OpenTelemetry server spans (through the optional peer
 * `@opentelemetry/api`), Prometheus metrics (prom-client, on the plugin's own registry) and `Server-Timing`.
 *
 * @example
 * import { createApp } from 'vectora'
 * import { otel, traceContextOf } from '@vectora/otel'
 * const app = createApp()
 * app.register(otel, { serverTiming: true })
 * app.get('/users/:id', (req) => ({ id: req.params.id, trace: traceContextOf(req)?.traceId }))
 */
import type { Context, Span } from '@opentelemetry/api'
import type { Registry } from 'prom-client'

export { otel } from './otel.js'
export { traceContextOf, withRequestContext } from './tracing.js'
export { OtelApiMissingError } from './api.js'
export { DURATION_BUCKETS, UNMATCHED_ROUTE } from './metrics.js'
export type { AttachingContextManager, MetricsOptions, OtelOptions, ServerTimingOptions, TracingOptions } from './options.js'

declare module 'vectora' {
  interface RequestDecorations {
    /** The request's SERVER span, set by @vectora/otel in onRequest when tracing is on; add attributes or events to it. */
    otelSpan?: Span
    /** The incoming trace context with `otelSpan` set in it: pass it to `tracer.startSpan(name, {}, req.otelContext)` or `context.with`. */
    otelContext?: Context
    /** `performance.now()` at @vectora/otel's onRequest hook (set with `serverTiming: true`). */
    otelStartedAt?: number
    /** `performance.now()` at the start of each phase, NaN for phases not reached (set with `serverTiming: { phases: true }`). */
    otelTiming?: Float64Array
  }
  interface ServiceTypes {
    /** The prom-client registry @vectora/otel's metrics are on (`inject: ['otelRegistry']`), for your own metrics. */
    otelRegistry: Registry
  }
}
