/** @module test/readme — the README's opening example behaves as the README says. */
import assert from 'node:assert/strict'
import { SpanKind, trace } from '@opentelemetry/api'
import { createTestApp, forEachTransport } from 'vectora/testing'
import { otel, traceContextOf, withRequestContext } from '../src/index.js'
import { contextManager, histogram, propagator, sdk, until } from './support.js'

const TRACE_ID = '0af7651916cd43dd8448eb211c80319c'
const PARENT_ID = 'b7ad6b7169203331'

/** The README app, with the SDK handed in rather than registered globally (tests share one process). */
function readmeApp() {
  const { provider, spans } = sdk()
  const app = createTestApp()
  app.register(otel, { tracing: { contextManager, tracerProvider: provider, propagator }, serverTiming: true })
  app.get('/users/:id', (req) => ({ id: req.params.id, traceId: traceContextOf(req)?.traceId }))
  return { app, spans, provider }
}

describe('@vectora/otel: README example', () => {
  forEachTransport((t) => {
    it('GET /users/42 with a traceparent: the caller trace id, Server-Timing, a SERVER span "GET /users/:id"', async () => {
      const { app, spans } = readmeApp()
      const res = await t.request(app, { url: '/users/42', headers: { traceparent: `00-${TRACE_ID}-${PARENT_ID}-01` } })
      assert.deepEqual(res.json(), { id: '42', traceId: TRACE_ID })
      assert.match(res.headers['server-timing'] ?? '', /^total;dur=\d+\.\d{2}$/)
      await until(() => spans().length === 1)
      const [span] = spans()
      assert.equal(span.name, 'GET /users/:id')
      assert.equal(span.kind, SpanKind.SERVER)
      assert.equal(span.parentSpanContext?.spanId, PARENT_ID)
    })

    it('/metrics has one http_route="/users/:id" series whatever ids were asked for', async () => {
      const { app } = readmeApp()
      for (const id of ['1', '2', '3', 'abc']) await t.request(app, { url: `/users/${id}` })
      const text = (await t.request(app, { url: '/metrics' })).text()
      const series = histogram(text, 'http_server_request_duration_seconds').filter((s) => s.labels.http_route === '/users/:id')
      assert.equal(series.length, 1)
      assert.equal(series[0].count, 4)
    })
  })

  it('the withRequestContext example: a child of the server span', async () => {
    const { provider, spans } = sdk()
    const app = createTestApp()
    app.register(otel, { tracing: { tracerProvider: provider, propagator } })
    const tracer = provider.getTracer('orders')
    app.get('/orders/:id', (req) =>
      withRequestContext(req, async () => {
        const span = tracer.startSpan('orders.load')
        try {
          return { id: req.params.id }
        } finally {
          span.end()
        }
      }),
    )
    assert.deepEqual((await app.inject({ url: '/orders/7' })).json(), { id: '7' })
    await until(() => spans().length === 2)
    const server = spans().find((s) => s.kind === SpanKind.SERVER)!
    assert.equal(spans().find((s) => s.name === 'orders.load')!.parentSpanContext?.spanId, server.spanContext().spanId)
  })

  it('with contextManager, a synchronous request restores the caller context before inject() returns', async () => {
    const { app } = readmeApp()
    await app.ready()
    const before = trace.getActiveSpan()
    const pending = app.inject({ url: '/users/1' })
    assert.equal(trace.getActiveSpan(), before)
    await pending
  })
})
