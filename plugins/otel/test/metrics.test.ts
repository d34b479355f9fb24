/** @module test/metrics — the Prometheus exposition, parsed: histogram, labels, cardinality, kernel counters, route options. */
import assert from 'node:assert/strict'
import { HttpError, type VectoraRequest } from 'vectora'
import { createTestApp, forEachTransport } from 'vectora/testing'
import { createServer } from 'node:net'
import { Registry } from 'prom-client'
import { DURATION_BUCKETS, otel } from '../src/index.js'
import { family, histogram, parse, scrape, scrapeText } from './support.js'

function metricsApp(metrics: Record<string, unknown> = {}) {
  const app = createTestApp()
  app.register(otel, { tracing: false, metrics: { defaultMetrics: false, ...metrics } })
  return app
}

const DURATION = 'http_server_request_duration_seconds'

describe('@vectora/otel: metrics', () => {
  forEachTransport((t) => {
    it('a duration histogram with the OTel buckets, labelled by method, route pattern and status', async () => {
      const app = metricsApp()
      app.get('/users/:id', (req) => ({ id: req.params.id }))
      app.post('/users', () => {
        throw new HttpError(409, 'taken')
      })
      await t.request(app, { url: '/users/1' })
      await t.request(app, { method: 'POST', url: '/users' })
      const text = await scrapeText(t, app)
      assert.equal(family(parse(text), DURATION).type, 'HISTOGRAM')
      const series = histogram(text, DURATION)
      const get = series.find((m) => m.labels.http_route === '/users/:id')!
      assert.deepEqual(get.labels, { http_request_method: 'GET', http_route: '/users/:id', http_response_status_code: '200' })
      assert.equal(get.count, 1)
      assert.deepEqual(Object.keys(get.buckets).sort(), [...DURATION_BUCKETS.map(String), '+Inf'].sort())
      assert.equal(get.buckets['+Inf'], 1)
      assert.ok(get.sum >= 0 && get.sum < 10)
      const post = series.find((m) => m.labels.http_request_method === 'POST')!
      assert.equal(post.labels.http_response_status_code, '409')
      assert.equal(post.labels.http_route, '/users')
    })

    it('100 distinct /users/:id paths make one series; unmatched paths share the empty route', async () => {
      const app = metricsApp()
      app.get('/users/:id', (req) => ({ id: req.params.id }))
      for (let i = 0; i < 100; i++) await t.request(app, { url: `/users/${i}` })
      for (let i = 0; i < 5; i++) await t.request(app, { url: `/random/${i}` })
      const series = histogram(await scrapeText(t, app), DURATION)
      const users = series.filter((m) => m.labels.http_route === '/users/:id')
      assert.equal(users.length, 1)
      assert.equal(users[0].count, 100)
      const unmatched = series.filter((m) => m.labels.http_route === '')
      assert.equal(unmatched.length, 1)
      assert.equal(unmatched[0].labels.http_response_status_code, '404')
      assert.equal(unmatched[0].count, 5)
      for (const m of series) assert.ok(!m.labels.http_route?.includes('/random/'), 'a raw path became a label')
      assert.equal(series.length, 2)
    })

    it('unknown methods are labelled _OTHER', async () => {
      const app = metricsApp()
      app.route({ method: 'GET', path: '/', handler: () => 'ok' })
      await t.request(app, { method: 'PURGE', url: '/' })
      const series = histogram(await scrapeText(t, app), DURATION)
      assert.ok(series.some((m) => m.labels.http_request_method === '_OTHER'))
      assert.ok(!series.some((m) => m.labels.http_request_method === 'PURGE'))
    })

    it('the kernel counters read from app.stats() at scrape time, and the in-flight gauge', async () => {
      const app = metricsApp()
      app.get('/', () => 'ok')
      for (let i = 0; i < 3; i++) await t.request(app, { url: '/' })
      const families = await scrape(t, app)
      const requests = Number(family(families, 'vectora_kernel_requests_total').metrics[0].value)
      assert.equal(family(families, 'vectora_kernel_requests_total').type, 'COUNTER')
      assert.ok(requests >= 4, `requests_total ${requests}`)
      // The scrape itself is in flight while it is answered.
      assert.equal(family(families, 'http_server_active_requests').metrics[0].value, '1')
      assert.equal(family(families, 'vectora_kernel_requests_in_js').type, 'GAUGE')
      assert.ok(Number(family(families, 'vectora_kernel_requests_in_js').metrics[0].value) >= 1)
      for (const name of [
        'vectora_kernel_connections',
        'vectora_kernel_reading_bodies',
        'vectora_kernel_timed_out_total',
        'vectora_kernel_connections_accepted_total',
        'vectora_kernel_aborted_total',
      ]) {
        assert.ok(Number.isFinite(Number(family(families, name).metrics[0].value)), name)
      }
      assert.equal(family(families, 'vectora_kernel_draining').metrics[0].value, '0')
      const refused = family(families, 'vectora_kernel_refused_total')
      assert.deepEqual(refused.metrics.map((m) => m.labels?.reason).sort(), ['body_readers', 'connections', 'overloaded'])
      assert.ok(refused.metrics.every((m) => m.value === '0'))
      // Read again at the next scrape: it grew.
      const again = Number(family(await scrape(t, app), 'vectora_kernel_requests_total').metrics[0].value)
      assert.ok(again > requests)
    })

    it('process metrics by default, on the plugin registry only', async () => {
      const app = createTestApp()
      app.register(otel, { tracing: false })
      const families = await scrape(t, app)
      assert.ok(families.has('process_cpu_user_seconds_total'))
      assert.ok(families.has('nodejs_heap_size_used_bytes'))
      const { register } = await import('prom-client')
      assert.equal((await register.getMetricsAsJSON()).length, 0, 'the global registry stayed empty')
    })

    it('defaultMetrics: false leaves them out', async () => {
      const app = metricsApp()
      assert.ok(!(await scrape(t, app)).has('process_cpu_user_seconds_total'))
    })

    it('serves the text exposition content type on a configurable path', async () => {
      const app = metricsApp({ path: '/internal/metrics' })
      const res = await t.request(app, { url: '/internal/metrics' })
      assert.equal(res.status, 200)
      assert.match(res.headers['content-type'] ?? '', /^text\/plain; version=0\.0\.4/)
      assert.ok(parse(res.text()).has(DURATION))
      assert.equal((await t.request(app, { url: '/metrics' })).status, 404)
    })

    it('guards put the route behind a check', async () => {
      const token = (req: VectoraRequest<any>) => req.header('authorization') === 'Bearer scrape'
      const app = metricsApp({ guards: [token] })
      assert.equal((await t.request(app, { url: '/metrics' })).status, 403)
      const ok = await t.request(app, { url: '/metrics', headers: { authorization: 'Bearer scrape' } })
      assert.equal(ok.status, 200)
    })

    it('path: false serves nothing; the registry is a service for your own metrics', async () => {
      const registry = new Registry()
      const app = metricsApp({ path: false, registry })
      app.get('/', { inject: ['otelRegistry'] }, (_req, { otelRegistry }) => ({ same: otelRegistry === registry }))
      assert.equal((await t.request(app, { url: '/metrics' })).status, 404)
      assert.deepEqual((await t.request(app, { url: '/' })).json(), { same: true })
      assert.ok((await registry.metrics()).includes(DURATION))
    })
  })

  it('metrics: { port } serves the exposition on its own server, started at ready and closed at close', async () => {
    const port = await freePort()
    const app = metricsApp({ port })
    app.get('/', () => 'ok')
    await app.ready()
    await app.inject({ url: '/' })
    assert.equal((await app.inject({ url: '/metrics' })).status, 404, 'not a route of the app')
    const res = await fetch(`http://127.0.0.1:${port}/metrics`)
    assert.equal(res.status, 200)
    assert.match(res.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/)
    const series = histogram(await res.text(), DURATION)
    assert.equal(series.find((m) => m.labels.http_route === '/')?.count, 1)
    assert.equal((await fetch(`http://127.0.0.1:${port}/other`)).status, 404)
    await app.close()
    await assert.rejects(fetch(`http://127.0.0.1:${port}/metrics`))
  })

  it('refuses metrics.port with guards, and a port out of range', () => {
    const app = createTestApp()
    assert.throws(
      () => app.register(otel, { metrics: { port: 9464, guards: [() => true] } }),
      (e: any) => /metrics.guards apply/.test(e.cause?.message),
    )
    assert.throws(
      () => app.register(otel, { metrics: { port: 70000 } }),
      (e: any) => /metrics.port must be an integer/.test(e.cause?.message),
    )
  })

  it('metrics: false adds no route and no metric', async () => {
    const app = createTestApp()
    app.register(otel, { tracing: false, metrics: false })
    assert.equal((await app.inject({ url: '/metrics' })).status, 404)
  })
})

/** A port nothing listens on right now. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number }
      server.close(() => resolve(port))
    })
  })
}
