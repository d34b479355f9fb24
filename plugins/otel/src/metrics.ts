/**
 * @module @vectora/otel/metrics — Prometheus metrics on the plugin's own prom-client registry: the request duration
 * histogram (labelled by route pattern, never the raw path), in-flight requests, the kernel's counters read at
 * scrape time, and Node.js process metrics.
 */
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client'
import type { KernelStats, ResponseInfo, VectoraRequest } from 'vectora'
import { normalizeMethod } from './http-attributes.js'

/** The OpenTelemetry-recommended buckets for `http.server.request.duration`, seconds. */
export const DURATION_BUCKETS: readonly number[] = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10]

/** The `http_route` label of an unmatched (404/405) request. */
export const UNMATCHED_ROUTE = ''

type Observer = { observe(value: number): void }
type LABEL = 'http_request_method' | 'http_route' | 'http_response_status_code'

/** The metrics of one registration. */
export interface Metrics {
  readonly registry: Registry
  /** onRequest: one more in-flight request. */
  started(): void
  /** onResponse: the request's duration, under its method, route and status. */
  finished(req: VectoraRequest<any>, info: ResponseInfo): void
}

/** Creates the metrics on `registry`; `stats` is called at scrape time (it throws before the app is ready). */
export function createMetrics(registry: Registry, stats: () => KernelStats, defaultMetrics: boolean): Metrics {
  const duration = new Histogram<LABEL>({
    name: 'http_server_request_duration_seconds',
    help: 'Duration of HTTP server requests, from the start of the pipeline to the end of the request.',
    labelNames: ['http_request_method', 'http_route', 'http_response_status_code'],
    buckets: [...DURATION_BUCKETS],
    registers: [registry],
  })
  const active = new Gauge({
    name: 'http_server_active_requests',
    help: 'HTTP server requests in flight on this thread (between onRequest and onResponse).',
    registers: [registry],
  })
  kernelMetrics(registry, stats)
  if (defaultMetrics) collectDefaultMetrics({ register: registry })

  // route -> method -> status -> child: no label object or string key built per request.
  const children = new Map<string, Map<string, Observer[]>>()
  function child(route: string, method: string, status: number): Observer {
    let byMethod = children.get(route)
    if (byMethod === undefined) children.set(route, (byMethod = new Map()))
    let byStatus = byMethod.get(method)
    if (byStatus === undefined) byMethod.set(method, (byStatus = []))
    return (byStatus[status] ??= duration.labels(method, route, String(status)))
  }

  return {
    registry,
    started() {
      active.inc()
    },
    finished(req, info) {
      active.dec()
      child(req.route ?? UNMATCHED_ROUTE, normalizeMethod(req.method), info.status).observe(info.duration / 1000)
    },
  }
}

/** Gauges and counters whose values come from `stats()` when the registry is scraped. */
function kernelMetrics(registry: Registry, stats: () => KernelStats): void {
  // A native call per collect callback (a few per scrape, each well under a microsecond). A snapshot kept for
  // the scrape's turn was tried and reverted: two scrapes in one turn (a test, two exporters) saw stale counts.
  const read = (): KernelStats | undefined => {
    try {
      return stats()
    } catch {
      return undefined // not ready yet (or closed): report nothing rather than fail the scrape
    }
  }
  const gauge = (name: string, help: string, pick: (s: KernelStats) => number) =>
    new Gauge({
      name,
      help,
      registers: [registry],
      collect() {
        const s = read()
        if (s !== undefined) this.set(pick(s))
      },
    })
  const counter = (name: string, help: string, pick: (s: KernelStats) => number) =>
    new Counter({
      name,
      help,
      registers: [registry],
      collect() {
        const s = read()
        if (s === undefined) return
        this.reset()
        this.inc(pick(s))
      },
    })
  gauge('vectora_kernel_connections', 'Connections open now.', (s) => s.connections)
  gauge('vectora_kernel_requests_in_js', 'Requests queued for or running in JavaScript now (what maxPending bounds).', (s) => s.queuedOrRunning)
  gauge('vectora_kernel_reading_bodies', 'Requests reading their body now (what maxBodyReaders bounds).', (s) => s.readingBodies)
  counter('vectora_kernel_connections_accepted_total', 'Connections accepted since the server started, refused ones included.', (s) => s.accepted)
  counter(
    'vectora_kernel_requests_total',
    'Requests the kernel handled since the server started (probes and kernel-answered 404s included).',
    (s) => s.requests,
  )
  counter('vectora_kernel_timed_out_total', 'Requests answered 503 VEC_ERR_REQUEST_TIMEOUT at their deadline.', (s) => s.timedOut)
  gauge('vectora_kernel_draining', '1 while the server drains (close() or SIGTERM started; no new connections), else 0.', (s) => s.draining)
  counter(
    'vectora_kernel_aborted_total',
    "Requests handed to JavaScript that ended before it answered: the client went away, or a drain's deadline cut them.",
    (s) => s.aborted,
  )
  new Counter<'reason'>({
    name: 'vectora_kernel_refused_total',
    help: 'Connections or requests the kernel refused with a 503, by reason.',
    labelNames: ['reason'],
    registers: [registry],
    collect() {
      const s = read()
      if (s === undefined) return
      this.reset()
      this.inc({ reason: 'connections' }, s.refusedConnections)
      this.inc({ reason: 'overloaded' }, s.refusedOverloaded)
      this.inc({ reason: 'body_readers' }, s.refusedBodyReaders)
    },
  })
}

/** A new registry for one registration (never prom-client's global `register`). */
export function newRegistry(): Registry {
  return new Registry()
}
