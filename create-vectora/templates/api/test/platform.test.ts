/**
 * @module test/platform — what the plugins add around the routes: the API document and docs page, metrics,
 * CORS, the rate limit, JSON access logs with request ids, and the readiness probe.
 */
import assert from 'node:assert/strict'
import { assertProblem, forEachTransport } from 'vectora/testing'
import { as, testApp } from './support.js'

describe('platform', () => {
  forEachTransport((t) => {
    it('serves the OpenAPI document of the notes routes, with the bearer scheme, and the docs page', async () => {
      const { app } = testApp()
      const doc = (await t.request(app, { url: '/openapi.json' })).json()
      assert.equal(doc.openapi, '3.1.0')
      assert.deepEqual(Object.keys(doc.paths).sort(), ['/notes', '/notes/{id}', '/notes/{id}/versions'])
      assert.ok(doc.paths['/notes'].post.responses['401'], 'the POST documents its 401')
      assert.equal(Object.values<{ scheme?: string }>(doc.components.securitySchemes)[0]?.scheme, 'bearer')
      const page = await t.request(app, { url: '/docs' })
      assert.equal(page.status, 200)
      assert.match(page.headers['content-type'] ?? '', /^text\/html/)
    })

    it('does not serve the docs page when DOCS is off', async () => {
      const { app } = testApp({ docs: false })
      assert.equal((await t.request(app, { url: '/docs' })).status, 404)
      assert.equal((await t.request(app, { url: '/openapi.json' })).status, 200)
    })

    it('counts requests per route pattern in the Prometheus metrics', async () => {
      const { app } = testApp()
      await t.request(app, { url: '/notes/1' })
      await t.request(app, { url: '/notes/2' })
      const metrics = await t.request(app, { url: '/metrics' })
      assert.equal(metrics.status, 200)
      assert.match(metrics.text(), /http_server_request_duration_seconds_count\{[^}]*http_route="\/notes\/:id"[^}]*\} 2/)
    })

    it('answers a CORS preflight from an allowed origin before authentication, and none for another origin', async () => {
      const { app } = testApp()
      const preflight = { 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization, content-type' }
      const allowed = await t.request(app, { method: 'OPTIONS', url: '/notes', headers: { origin: 'https://app.example.com', ...preflight } })
      assert.equal(allowed.status, 204)
      assert.equal(allowed.headers['access-control-allow-origin'], 'https://app.example.com')
      assert.match(allowed.headers['access-control-allow-headers'] ?? '', /authorization/)
      const other = await t.request(app, { method: 'OPTIONS', url: '/notes', headers: { origin: 'https://evil.example', ...preflight } })
      assert.equal(other.headers['access-control-allow-origin'], undefined)
    })

    it('limits each client to RATE_LIMIT requests a minute, answering 429 with Retry-After', async () => {
      const { app } = testApp({ rateLimit: 2 })
      assert.equal((await t.request(app, { url: '/notes' })).status, 200)
      const second = await t.request(app, { url: '/notes' })
      assert.match(second.headers.ratelimit ?? '', /r=0/)
      const refused = await t.request(app, { url: '/notes' })
      assertProblem(refused, { status: 429, code: 'RATE_LIMITED' })
      assert.ok(Number(refused.headers['retry-after']) >= 1)
      // Readiness probes are not counted.
      assert.equal((await t.request(app, { url: '/health/ready' })).status, 200)
    })

    it('writes one JSON access line per request, with the request id the reply carries and no token', async () => {
      const { app, logs } = testApp()
      const headers = as('ada')
      const res = await t.request(app, { method: 'POST', url: '/notes', headers, body: { title: 'Logged', body: '' } })
      const access = (await logs()).filter((line) => line.message === 'request completed')
      assert.equal(access.length, 1)
      assert.equal(access[0]!.request_id, res.headers['x-request-id'])
      assert.equal(access[0]!['http.route'], '/notes')
      assert.equal(access[0]!['http.response.status_code'], 201)
      assert.doesNotMatch(JSON.stringify(access), new RegExp(headers.authorization!.slice('Bearer '.length)))
    })

    it('reports the database in the readiness probe', async () => {
      const { app } = testApp()
      const ready = await t.request(app, { url: '/health/ready' })
      assert.equal(ready.status, 200)
      assert.equal(ready.json().checks.db.status, 'up')
    })
  })
})
