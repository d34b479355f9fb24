/**
 * @module test/headers — the replies: RateLimit-Policy and RateLimit on every response of a limited route
 * (2xx, errors, 404s under an app-wide limit), and past the limit a 429 problem+json with Retry-After.
 */
import assert from 'node:assert/strict'
import { HttpError, reply } from 'vectora'
import { memoryStore, rateLimit } from '@vectora/rate-limit'
import { forEachTransport } from 'vectora/testing'
import { manualClock, testApp } from './support.js'

describe('rate-limit: headers and replies', () => {
  forEachTransport((t) => {
    /** limit 3 per minute: one unit every 20 s. The clock stands still, so every value is exact. */
    function limitedApp(extra: Record<string, unknown> = {}) {
      const app = testApp()
      app.register(rateLimit, { limit: 3, window: 60_000, store: memoryStore({ clock: manualClock().now }), ...extra })
      app.get('/ok', () => ({ ok: true }))
      app.get('/created', () => reply.status(201).json({ id: 1 }))
      app.get('/bad', () => {
        throw new HttpError(400, 'no', { code: 'NOPE' })
      })
      return app
    }

    it('sends RateLimit-Policy and RateLimit on every response of the limited scope', async () => {
      const app = limitedApp()
      const ok = await t.request(app, { url: '/ok' })
      const created = await t.request(app, { url: '/created' })
      const bad = await t.request(app, { url: '/bad' })
      assert.deepEqual([ok.status, created.status, bad.status], [200, 201, 400])
      for (const res of [ok, created, bad]) assert.equal(res.headers['ratelimit-policy'], '"default";q=3;w=60')
      assert.equal(ok.headers.ratelimit, '"default";r=2;t=20')
      assert.equal(created.headers.ratelimit, '"default";r=1;t=20')
      assert.equal(bad.headers.ratelimit, '"default";r=0;t=20')
    })

    it('answers 429 problem+json with Retry-After past the limit, and the RateLimit fields', async () => {
      const app = limitedApp()
      for (let i = 0; i < 3; i++) assert.equal((await t.request(app, { url: '/ok' })).status, 200)
      const res = await t.request(app, { url: '/ok' })
      assert.equal(res.status, 429)
      assert.equal(res.headers['content-type'], 'application/problem+json')
      assert.equal(res.headers['retry-after'], '20')
      assert.equal(res.headers['ratelimit-policy'], '"default";q=3;w=60')
      assert.equal(res.headers.ratelimit, '"default";r=0;t=20')
      const body = res.json()
      assert.equal(body.status, 429)
      assert.equal(body.code, 'RATE_LIMITED')
      assert.equal(body.type, 'https://iana.org/assignments/http-problem-types#quota-exceeded')
      assert.deepEqual(body['violated-policies'], ['default'])
      assert.match(body.detail, /retry in 20 s/)
    })

    it('sends a Retry-After that is a whole number of seconds, at least 1, and not before the reset', async () => {
      const clock = manualClock()
      const app = testApp()
      app.register(rateLimit, { limit: 10, window: 1_000, store: memoryStore({ clock: clock.now }) })
      app.get('/', () => 'ok')
      for (let i = 0; i < 10; i++) await t.request(app, { url: '/' })
      clock.advance(99) // the next unit comes back 100 ms after the burst: 1 ms left
      const res = await t.request(app, { url: '/' })
      assert.equal(res.status, 429)
      const retryAfter = res.headers['retry-after']
      assert.match(retryAfter, /^[1-9]\d*$/)
      const reset = Number(/;t=(\d+)/.exec(res.headers.ratelimit)![1])
      assert.ok(Number(retryAfter) >= reset, `Retry-After ${retryAfter} < t=${reset}`)
      assert.equal(retryAfter, '1')
    })

    it('names the policy in both fields and in the problem', async () => {
      const app = limitedApp({ policyName: 'per-ip', limit: 1 })
      await t.request(app, { url: '/ok' })
      const res = await t.request(app, { url: '/ok' })
      assert.equal(res.headers['ratelimit-policy'], '"per-ip";q=1;w=60')
      assert.equal(res.headers.ratelimit, '"per-ip";r=0;t=60')
      assert.deepEqual(res.json()['violated-policies'], ['per-ip'])
    })

    it('counts and labels unmatched requests under an app-wide limit (404 and 405)', async () => {
      const app = limitedApp({ limit: 2 })
      const missing = await t.request(app, { url: '/nope' })
      assert.equal(missing.status, 404)
      assert.equal(missing.headers.ratelimit, '"default";r=1;t=30')
      const wrongMethod = await t.request(app, { method: 'DELETE', url: '/ok' })
      assert.equal(wrongMethod.status, 405)
      assert.equal((await t.request(app, { url: '/nope' })).status, 429)
    })

    it('keeps the fields of another limiter on the same reply', async () => {
      const app = limitedApp()
      app.addHook('onSend', (r) => void r.header('ratelimit-policy', '"upstream";q=1000;w=3600'), { stage: -1 })
      const res = await t.request(app, { url: '/ok' })
      assert.equal(res.headers['ratelimit-policy'], '"upstream";q=1000;w=3600, "default";q=3;w=60')
    })
  })
})
