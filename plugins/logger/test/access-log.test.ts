/** @module test/access-log — one access line per request: completed, short-circuited, failed, unmatched, timed out, aborted; sampling and skips. */
import assert from 'node:assert/strict'
import http from 'node:http'
import { reply } from 'vectora'
import { forEachTransport, listen, useCleanup } from 'vectora/testing'
import { accessLines, eventually, loggedApp } from './support.js'

describe('@vectora/logger: access log', () => {
  forEachTransport((t) => {
    it('logs a completed request with method, route pattern, path, status, duration, outcome', async () => {
      const { app, out } = loggedApp()
      app.get('/users/:id', (req) => ({ id: req.params.id }))
      const res = await t.request(app, { url: '/users/7' })
      const [line] = await eventually(() => accessLines(out).length === 1 && accessLines(out))
      assert.equal(line.level, 'info')
      assert.equal(line.message, 'request completed')
      assert.equal(line['http.request.method'], 'GET')
      assert.equal(line['http.route'], '/users/:id')
      assert.equal(line['url.path'], '/users/7')
      assert.equal(line['http.response.status_code'], 200)
      assert.equal(line.outcome, 'completed')
      assert.equal(typeof line.duration_ms, 'number')
      assert.equal(line.request_id, res.headers['x-request-id'])
      if (t.name === 'socket') assert.equal(line['client.address'], '127.0.0.1')
    })

    it('logs a request an onRequest hook short-circuited', async () => {
      const { app, out } = loggedApp()
      app.addHook('onRequest', () => reply.json({ cached: true }, { status: 203 }))
      app.get('/x', () => ({}))
      await t.request(app, { url: '/x' })
      const [line] = await eventually(() => accessLines(out).length === 1 && accessLines(out))
      assert.equal(line['http.response.status_code'], 203)
      assert.equal(line.outcome, 'completed')
    })

    it('logs a failed request at error with error.* and unmatched 404/405 at warn without http.route', async () => {
      const { app, out } = loggedApp({ production: true })
      app.get('/boom', () => {
        throw new Error('kaput')
      })
      await t.request(app, { url: '/boom' })
      await t.request(app, { url: '/missing' })
      await t.request(app, { method: 'DELETE', url: '/boom' })
      const lines = await eventually(() => accessLines(out).length === 3 && accessLines(out))
      const [boom, missing, wrongMethod] = lines
      assert.deepEqual([boom.level, boom['http.response.status_code'], boom.outcome, boom['error.message']], ['error', 500, 'errored', 'kaput'])
      assert.equal('error.stack' in boom, false)
      assert.deepEqual([missing.level, missing['http.response.status_code'], missing['url.path'], 'http.route' in missing], ['warn', 404, '/missing', false])
      assert.deepEqual([wrongMethod.level, wrongMethod['http.response.status_code']], ['warn', 405])
    })

    it('logs a timed out request as timed_out at error', async () => {
      const { app, out } = loggedApp()
      app.get('/slow', { timeout: 30 }, () => new Promise((resolve) => setTimeout(() => resolve({}), 300)))
      const res = await t.request(app, { url: '/slow' })
      assert.equal(res.status >= 500, true)
      const [line] = await eventually(() => accessLines(out).length === 1 && accessLines(out))
      assert.deepEqual([line.outcome, line.level], ['timed_out', 'error'])
    })

    it('keeps only the sampled share of successful lines and every 4xx/5xx line (sample: 0)', async () => {
      const { app, out } = loggedApp({ accessLog: { sample: 0 } })
      app.get('/ok', () => ({}))
      app.get('/bad', () => {
        throw new Error('x')
      })
      for (let i = 0; i < 5; i++) await t.request(app, { url: '/ok' })
      await t.request(app, { url: '/bad' })
      await t.request(app, { url: '/missing' })
      const lines = await eventually(() => accessLines(out).length === 2 && accessLines(out))
      assert.deepEqual(
        lines.map((line) => line['http.response.status_code']),
        [500, 404],
      )
    })

    it('keeps about the given share of successful lines (sample: 0.25 over 400 requests)', async () => {
      const { app, out } = loggedApp({ accessLog: { sample: 0.25 } })
      app.get('/ok', () => ({}))
      for (let i = 0; i < 400; i++) await t.request(app, { url: '/ok' })
      await new Promise((resolve) => setTimeout(resolve, 50))
      const kept = accessLines(out).length
      // Binomial(400, 0.25): mean 100, sd 8.7; 50..150 is beyond 5 sd on either side.
      assert.ok(kept >= 50 && kept <= 150, `kept ${kept} of 400`)
    })

    it('skips the probe paths by default, and the paths given in skip', async () => {
      const { app, out } = loggedApp({ accessLog: { skip: ['/internal/:name'] } })
      const probes = loggedApp()
      for (const a of [app, probes.app]) {
        a.get('/healthz', () => ({}))
        a.get('/internal/:name', () => ({}))
        a.get('/ok', () => ({}))
      }
      await t.request(app, { url: '/internal/metrics' })
      await t.request(app, { url: '/ok' })
      await t.request(probes.app, { url: '/healthz' })
      await t.request(probes.app, { url: '/health/live' })
      await t.request(probes.app, { url: '/ok' })
      await eventually(() => accessLines(out).length === 1 && accessLines(probes.out).length === 1)
      assert.deepEqual(accessLines(out)[0]['url.path'], '/ok')
      assert.deepEqual(accessLines(probes.out)[0]['url.path'], '/ok')
    })

    it('writes no access line with accessLog: false, and at the configured level', async () => {
      const off = loggedApp({ accessLog: false })
      const http = loggedApp({ level: 'http', accessLog: { level: 'http' } })
      for (const a of [off.app, http.app]) a.get('/ok', () => ({}))
      await t.request(off.app, { url: '/ok' })
      await t.request(http.app, { url: '/ok' })
      const [line] = await eventually(() => accessLines(http.out).length === 1 && accessLines(http.out))
      assert.equal(line.level, 'http')
      assert.equal(accessLines(off.out).length, 0)
    })
  })

  describe('over a socket', () => {
    useCleanup()
    it('logs a request the client aborted as aborted', async () => {
      const { app, out } = loggedApp()
      let started!: () => void
      const inHandler = new Promise<void>((resolve) => {
        started = resolve
      })
      app.get('/hang', (req) => {
        started()
        return new Promise((resolve) => req.signal.addEventListener('abort', () => resolve({})))
      })
      const port = await listen(app)
      const client = http.get({ host: '127.0.0.1', port, path: '/hang' })
      client.on('error', () => {})
      await inHandler
      client.destroy()
      const [line] = await eventually(() => accessLines(out).length === 1 && accessLines(out))
      assert.deepEqual([line.outcome, line.level, line['http.route']], ['aborted', 'warn', '/hang'])
    })
  })
})
