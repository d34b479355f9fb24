/** @module test/tracing — server spans with the real OpenTelemetry SDK: name, kind, attributes, status, parents, active context. */
import assert from 'node:assert/strict'
import { request as httpRequest } from 'node:http'
import { context, propagation, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api'
import { HttpError } from 'vectora'
import { createTestApp, forEachTransport, listen } from 'vectora/testing'
import { otel, traceContextOf, withRequestContext } from '../src/index.js'
import { contextManager, propagator, sdk, until } from './support.js'

const TRACE_ID = '0af7651916cd43dd8448eb211c80319c'
const PARENT_ID = 'b7ad6b7169203331'

function tracedApp(extra: Record<string, unknown> = {}) {
  const { provider, spans } = sdk()
  const app = createTestApp()
  app.register(otel, { tracing: { tracerProvider: provider, propagator, ...extra }, metrics: false })
  return { app, spans }
}

describe('@vectora/otel: tracing', () => {
  forEachTransport((t) => {
    it('one SERVER span named "{METHOD} {route}" with the HTTP semantic-convention attributes', async () => {
      const { app, spans } = tracedApp()
      app.get('/users/:id', (req) => ({ id: req.params.id }))
      const res = await t.request(app, { url: '/users/42?x=1', headers: { 'user-agent': 'probe/1.0', host: 'api.example:8080' } })
      assert.equal(res.status, 200)
      await until(() => spans().length === 1)
      const [span] = spans()
      assert.equal(span.name, 'GET /users/:id')
      assert.equal(span.kind, SpanKind.SERVER)
      assert.equal(span.status.code, SpanStatusCode.UNSET)
      const a = span.attributes
      assert.equal(a['http.request.method'], 'GET')
      assert.equal(a['http.route'], '/users/:id')
      assert.equal(a['url.path'], '/users/42')
      assert.equal(a['url.scheme'], 'http')
      assert.equal(a['server.address'], 'api.example')
      assert.equal(a['server.port'], 8080)
      assert.equal(a['user_agent.original'], 'probe/1.0')
      assert.equal(a['http.response.status_code'], 200)
      assert.equal(typeof a['client.address'], 'string')
      assert.equal(a['error.type'], undefined)
    })

    it('url.scheme is https behind a trusted proxy that says so in X-Forwarded-Proto, http otherwise', async () => {
      const { provider, spans } = sdk()
      const app = createTestApp({ trustProxy: ['127.0.0.1', '::1', '::ffff:127.0.0.1'] })
      app.register(otel, { tracing: { tracerProvider: provider, propagator }, metrics: false })
      app.get('/', () => 'ok')
      await t.request(app, { url: '/', headers: { 'x-forwarded-proto': 'https' } })
      await t.request(app, { url: '/' })
      await until(() => spans().length === 2)
      assert.deepEqual(
        spans().map((s) => s.attributes['url.scheme']),
        ['https', 'http'],
      )
    })

    it('a 500 is an ERROR span with error.type "500" and the exception recorded', async () => {
      const { app, spans } = tracedApp()
      app.get('/boom', () => {
        throw new Error('kaput')
      })
      assert.equal((await t.request(app, { url: '/boom' })).status, 500)
      await until(() => spans().length === 1)
      const [span] = spans()
      assert.equal(span.status.code, SpanStatusCode.ERROR)
      assert.equal(span.attributes['error.type'], '500')
      assert.equal(span.attributes['http.response.status_code'], 500)
      assert.equal(span.events[0]?.name, 'exception')
    })

    it('a 4xx leaves the status unset; an unmatched request is named by its method alone, without http.route', async () => {
      const { app, spans } = tracedApp()
      app.get('/missing', () => {
        throw new HttpError(404, 'no such thing')
      })
      assert.equal((await t.request(app, { url: '/missing' })).status, 404)
      assert.equal((await t.request(app, { method: 'POST', url: '/nowhere/at/all' })).status, 404)
      await until(() => spans().length === 2)
      const [declared, unmatched] = spans()
      assert.equal(declared.status.code, SpanStatusCode.UNSET)
      assert.equal(declared.attributes['error.type'], undefined)
      assert.equal(unmatched.name, 'POST')
      assert.equal(unmatched.attributes['http.route'], undefined)
      assert.equal(unmatched.attributes['url.path'], '/nowhere/at/all')
      assert.equal(unmatched.attributes['http.response.status_code'], 404)
      assert.equal(unmatched.status.code, SpanStatusCode.UNSET)
    })

    it('continues an incoming W3C traceparent: same trace id, the caller as parent, tracestate kept', async () => {
      const { app, spans } = tracedApp()
      app.get('/', (req) => traceContextOf(req) ?? null)
      const res = await t.request(app, { url: '/', headers: { traceparent: `00-${TRACE_ID}-${PARENT_ID}-01`, tracestate: 'vendor=abc' } })
      await until(() => spans().length === 1)
      const [span] = spans()
      assert.equal(span.spanContext().traceId, TRACE_ID)
      assert.equal(span.parentSpanContext?.spanId, PARENT_ID)
      assert.equal(span.spanContext().traceState?.get('vendor'), 'abc')
      assert.deepEqual(res.json(), { traceId: TRACE_ID, spanId: span.spanContext().spanId })
    })

    it('starts a new trace without (or with a malformed) traceparent', async () => {
      const { app, spans } = tracedApp()
      app.get('/', () => 'ok')
      await t.request(app, { url: '/', headers: { traceparent: 'garbage' } })
      await until(() => spans().length === 1)
      assert.equal(spans()[0].parentSpanContext, undefined)
      assert.match(spans()[0].spanContext().traceId, /^[0-9a-f]{32}$/)
    })

    it('withRequestContext(req, fn) makes the server span active: child spans and getActiveSpan()', async () => {
      const { provider, spans } = sdk()
      const app = createTestApp()
      app.register(otel, { tracing: { tracerProvider: provider, propagator }, metrics: false })
      app.get('/work', async (req) =>
        withRequestContext(req, async () => {
          await new Promise((resolve) => setTimeout(resolve, 1))
          const child = provider.getTracer('app').startSpan('db.query')
          child.end()
          return { same: trace.getActiveSpan() === req.otelSpan }
        }),
      )
      assert.deepEqual((await t.request(app, { url: '/work' })).json(), { same: true })
      await until(() => spans().length === 2)
      const server = spans().find((s) => s.kind === SpanKind.SERVER)!
      const child = spans().find((s) => s.name === 'db.query')!
      assert.equal(child.parentSpanContext?.spanId, server.spanContext().spanId)
      assert.equal(child.spanContext().traceId, server.spanContext().traceId)
    })

    it('with contextManager, the span is active in the handler itself (sync and after an await)', async () => {
      const { app } = tracedApp({ contextManager })
      app.get('/sync', (req) => ({ same: trace.getActiveSpan() === req.otelSpan && req.otelSpan !== undefined }))
      app.get('/async', async (req) => {
        await new Promise((resolve) => setTimeout(resolve, 1))
        return { same: trace.getActiveSpan() === req.otelSpan && req.otelSpan !== undefined }
      })
      assert.deepEqual((await t.request(app, { url: '/sync' })).json(), { same: true })
      assert.deepEqual((await t.request(app, { url: '/async' })).json(), { same: true })
      // After a synchronous request, the caller's context is restored.
      assert.equal(trace.getActiveSpan(), undefined)
    })

    it('without contextManager, the server span is not the active one in the handler (only req.otelContext has it)', async () => {
      const { app } = tracedApp()
      app.get('/', (req) => ({ active: trace.getActiveSpan() === req.otelSpan, has: trace.getSpan(req.otelContext!) === req.otelSpan }))
      assert.deepEqual((await t.request(app, { url: '/' })).json(), { active: false, has: true })
    })
  })

  it('an aborted request: the span ends once, error.type "aborted", no status code, status unset', async () => {
    const { app, spans } = tracedApp()
    let entered!: () => void
    const inHandler = new Promise<void>((resolve) => (entered = resolve))
    app.get('/slow', (req) => {
      entered()
      return new Promise((resolve) => req.signal.addEventListener('abort', () => setTimeout(() => resolve('late'), 5)))
    })
    const port = await listen(app)
    const client = httpRequest({ host: '127.0.0.1', port, path: '/slow' })
    client.on('error', () => {})
    client.end()
    await inHandler
    client.destroy()
    await until(() => spans().length === 1)
    await new Promise((resolve) => setTimeout(resolve, 50))
    assert.equal(spans().length, 1)
    const [span] = spans()
    assert.equal(span.attributes['error.type'], 'aborted')
    assert.equal(span.attributes['http.response.status_code'], undefined)
    assert.equal(span.status.code, SpanStatusCode.UNSET)
  })

  it('a request past its deadline: 503, error.type "timeout", ERROR', async () => {
    const { app, spans } = tracedApp()
    app.get('/stuck', { timeout: 30 }, () => new Promise(() => {}))
    const port = await listen(app)
    const status = await new Promise<number>((resolve, reject) =>
      httpRequest({ host: '127.0.0.1', port, path: '/stuck' }, (res) => {
        res.resume()
        resolve(res.statusCode ?? 0)
      })
        .on('error', reject)
        .end(),
    )
    assert.equal(status, 503)
    await until(() => spans().length === 1)
    const [span] = spans()
    assert.equal(span.attributes['error.type'], 'timeout')
    assert.equal(span.attributes['http.response.status_code'], 503)
    assert.equal(span.status.code, SpanStatusCode.ERROR)
  })

  it('uses the global tracer provider and propagator by default', async () => {
    const { provider, spans } = sdk()
    assert.ok(trace.setGlobalTracerProvider(provider))
    propagation.setGlobalPropagator(propagator)
    try {
      const app = createTestApp()
      app.register(otel, { metrics: false })
      app.get('/', () => 'ok')
      await app.inject({ url: '/', headers: { traceparent: `00-${TRACE_ID}-${PARENT_ID}-01` } })
      await until(() => spans().length === 1)
      assert.equal(spans()[0].spanContext().traceId, TRACE_ID)
    } finally {
      trace.disable()
      propagation.disable()
      context.setGlobalContextManager(contextManager)
    }
  })

  it('traceContextOf is undefined without an SDK (the api alone makes no-op spans), even with a traceparent', async () => {
    const app = createTestApp()
    app.register(otel, { metrics: false, tracing: { propagator } })
    app.get('/', (req) => ({ ids: traceContextOf(req) ?? null, span: req.otelSpan !== undefined }))
    const res = await app.inject({ url: '/', headers: { traceparent: `00-${TRACE_ID}-${PARENT_ID}-01` } })
    assert.deepEqual(res.json(), { ids: null, span: true })
  })

  it('traceContextOf is undefined when tracing is off', async () => {
    const app = createTestApp()
    app.register(otel, { tracing: false, metrics: false })
    app.get('/', (req) => ({ ids: traceContextOf(req) ?? null, ctx: req.otelContext ?? null }))
    assert.deepEqual((await app.inject({ url: '/' })).json(), { ids: null, ctx: null })
  })
})
