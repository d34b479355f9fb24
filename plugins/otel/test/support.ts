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

/** GET `path` through `t` and parse the exposition. */
export async function scrape(t: Transport, app: App, path = '/metrics'): Promise<Map<string, Family>> {
  const res = await t.request(app, { url: path })
  if (res.status !== 200) throw new Error(`scrape answered ${res.status}: ${res.text()}`)
  return parse(res.text())
}

/** Parses an exposition text into families by name. */
export function parse(text: string): Map<string, Family> {
  const families = parsePrometheusTextFormat(text) as Family[]
  return new Map(families.map((f) => [f.name, f]))
}

/** The family `name`, or an assertion error listing what exists. */
export function family(families: Map<string, Family>, name: string): Family {
  const f = families.get(name)
  if (f === undefined) throw new Error(`no ${name} in ${[...families.keys()].join(', ')}`)
  return f
}
