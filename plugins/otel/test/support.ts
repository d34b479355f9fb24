/**
 * @module plugins/otel/test/support — what the @vectora/otel suites share: a real OpenTelemetry SDK (a tracer
 * provider with an in-memory exporter, the W3C propagator, the AsyncLocalStorage context manager registered
 * globally once), quiet test apps, and the Prometheus exposition parsed with parse-prometheus-text-format.
 */
import { context } from '@opentelemetry/api'
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks'
import { W3CTraceContextPropagator } from '@opentelemetry/core'
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base'
import parsePrometheusTextFormat from 'parse-prometheus-text-format'
import type { App } from 'vectora'
import type { Transport } from 'vectora/testing'

/** The process-wide context manager (what an application registers once at startup). */
export const contextManager = new AsyncLocalStorageContextManager().enable()
context.setGlobalContextManager(contextManager)

export const propagator = new W3CTraceContextPropagator()

/** A fresh SDK per test: spans land in `exporter` as they end. */
export function sdk(): { provider: BasicTracerProvider; exporter: InMemorySpanExporter; spans: () => ReadableSpan[] } {
  const exporter = new InMemorySpanExporter()
  const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] })
  return { provider, exporter, spans: () => exporter.getFinishedSpans() }
}

/** Resolves once `check()` is true (polling every few ms), or rejects after `ms`. */
export async function until(check: () => boolean, ms = 2000): Promise<void> {
  const end = Date.now() + ms
  while (!check()) {
    if (Date.now() > end) throw new Error('condition not met in time')
    await new Promise((resolve) => setTimeout(resolve, 5))
  }
}

/** One parsed metric family. */
export interface Family {
  name: string
  help: string
  type: string
  metrics: Array<{ value?: string; labels?: Record<string, string>; buckets?: Record<string, string>; count?: string; sum?: string }>
}

/** GET `path` through `t`: the exposition text. */
export async function scrapeText(t: Transport, app: App, path = '/metrics'): Promise<string> {
  const res = await t.request(app, { url: path })
  if (res.status !== 200) throw new Error(`scrape answered ${res.status}: ${res.text()}`)
  return res.text()
}

/** GET `path` through `t` and parse the exposition. */
export async function scrape(t: Transport, app: App, path = '/metrics'): Promise<Map<string, Family>> {
  return parse(await scrapeText(t, app, path))
}

/** Parses an exposition text into families by name. */
export function parse(text: string): Map<string, Family> {
  const families = parsePrometheusTextFormat(text) as Family[]
  return new Map(families.map((f) => [f.name, f]))
}

/** One labelled series of a histogram: its labels (without `le`), cumulative bucket counts by bound, count and sum. */
export interface HistogramSeries {
  labels: Record<string, string>
  buckets: Record<string, number>
  count: number
  sum: number
}

/**
 * The series of histogram `name` in an exposition text. parse-prometheus-text-format folds a histogram's samples
 * into one unlabelled series (labels are dropped), so the histogram is re-read with its type line made untyped:
 * `_bucket`, `_sum` and `_count` then come out as families of their own, with their labels, and are joined here.
 */
export function histogram(text: string, name: string): HistogramSeries[] {
  // Each labelled series then comes out as its own _bucket, _sum and _count families, repeated names included.
  const untyped = parsePrometheusTextFormat(text.replace(`# TYPE ${name} histogram`, `# TYPE ${name} untyped`)) as Family[]
  const samples = (suffix: string) => untyped.filter((f) => f.name === `${name}${suffix}`).flatMap((f) => f.metrics)
  const series = new Map<string, HistogramSeries>()
  const of = (labels: Record<string, string> = {}): HistogramSeries => {
    const { le: _le, ...rest } = labels
    const key = JSON.stringify(Object.entries(rest).sort())
    let s = series.get(key)
    if (s === undefined) series.set(key, (s = { labels: rest, buckets: {}, count: 0, sum: 0 }))
    return s
  }
  for (const m of samples('_bucket')) of(m.labels).buckets[m.labels!.le] = Number(m.value)
  for (const m of samples('_count')) of(m.labels).count = Number(m.value)
  for (const m of samples('_sum')) of(m.labels).sum = Number(m.value)
  return [...series.values()]
}

/** The family `name`, or an assertion error listing what exists. */
export function family(families: Map<string, Family>, name: string): Family {
  const f = families.get(name)
  if (f === undefined) throw new Error(`no ${name} in ${[...families.keys()].join(', ')}`)
  return f
}
