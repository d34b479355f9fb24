/**
 * @module plugins/cors/test/actual — actual (non-preflight) requests: the onSend hook adds Allow-Origin,
 * Allow-Credentials, Expose-Headers and Vary on every reply, errors included, and nothing for a disallowed
 * origin, whose request still runs. Through app.inject() and a real socket.
 */
import assert from 'node:assert/strict'
import { HttpError, reply } from 'vectora'
import { cors, type CorsOptions } from '@vectora/cors'
import { forEachTransport } from 'vectora/testing'
import { APP_ORIGIN, corsHeaders, fromOrigin, OTHER_ORIGIN, testApp } from './support.js'

function corsApp(options: CorsOptions) {
  const app = testApp()
  app.register(cors, options)
  return app
}

describe('@vectora/cors: actual requests', () => {
  forEachTransport((t) => {
    it("adds Allow-Origin (the request's origin) and Vary: Origin to the reply for an allowed origin", async () => {
      const app = corsApp({ origin: [APP_ORIGIN] })
      app.get('/items', () => [1, 2])
      const res = await t.request(app, fromOrigin('/items', APP_ORIGIN))
      assert.equal(res.status, 200)
      assert.deepEqual(res.json(), [1, 2])
      assert.deepEqual(corsHeaders(res.headers), { 'access-control-allow-origin': APP_ORIGIN })
      assert.equal(res.headers.vary, 'Origin')
    })

    it('gives a disallowed origin no CORS headers, but still runs its request (the browser only hides the response)', async () => {
      const app = corsApp({ origin: [APP_ORIGIN], credentials: true, exposedHeaders: ['x-total'] })
      let ran = 0
      app.post('/items', () => {
        ran++
        return reply.json({ ok: true }, { status: 201, headers: { 'x-total': '1' } })
      })
      const res = await t.request(app, fromOrigin('/items', OTHER_ORIGIN, { method: 'POST', body: { a: 1 } }))
      assert.equal(res.status, 201)
      assert.equal(ran, 1)
      assert.deepEqual(corsHeaders(res.headers), {})
      assert.equal(res.headers.vary, 'Origin')
    })

    it('sends Vary: Origin, and nothing else, on replies to requests without an Origin header', async () => {
      const app = corsApp({ origin: [APP_ORIGIN] })
      app.get('/items', () => [])
      const res = await t.request(app, { url: '/items' })
      assert.deepEqual(corsHeaders(res.headers), {})
      assert.equal(res.headers.vary, 'Origin')
    })

    it('sends Allow-Origin * and no Vary for origin "*", with or without an Origin header', async () => {
      const app = corsApp({ origin: '*', exposedHeaders: '*' })
      app.get('/public', () => 'hi')
      for (const req of [fromOrigin('/public', OTHER_ORIGIN), { url: '/public' }]) {
        const res = await t.request(app, req)
        assert.equal(res.headers['access-control-allow-origin'], '*')
        assert.equal(res.headers['access-control-expose-headers'], '*')
        assert.equal(res.headers['access-control-allow-credentials'], undefined)
        assert.equal(res.headers.vary, undefined)
      }
    })

    it('appends Origin to a Vary the handler set instead of replacing it, never twice, and leaves Vary: * alone', async () => {
      const app = corsApp({ origin: [APP_ORIGIN] })
      app.get('/negotiated', () => reply.text('x', { headers: { vary: 'Accept-Encoding, Accept' } }))
      app.get('/already', () => reply.text('x', { headers: { vary: 'origin' } }))
      app.get('/star', () => reply.text('x', { headers: { vary: '*' } }))
      app.get('/repeated', () => reply.text('x', { headers: { vary: ['Accept', 'Cookie'] } }))
      assert.equal((await t.request(app, fromOrigin('/negotiated', APP_ORIGIN))).headers.vary, 'Accept-Encoding, Accept, Origin')
      assert.equal((await t.request(app, fromOrigin('/already', APP_ORIGIN))).headers.vary, 'origin')
      assert.equal((await t.request(app, fromOrigin('/star', APP_ORIGIN))).headers.vary, '*')
      assert.equal((await t.request(app, fromOrigin('/repeated', APP_ORIGIN))).headers.vary, 'Accept, Cookie, Origin')
    })

    it("appends to a Vary another plugin's onSend hook set, whatever the registration order", async () => {
      const app = testApp()
      app.register(cors, { origin: [APP_ORIGIN] })
      app.addHook('onSend', (res) => void res.header('vary', 'Accept-Language'))
      app.get('/items', () => [])
      assert.equal((await t.request(app, fromOrigin('/items', APP_ORIGIN))).headers.vary, 'Accept-Language, Origin')
    })

    it('adds Allow-Credentials: true for an allowed origin only when credentials: true', async () => {
      const withCredentials = corsApp({ origin: [APP_ORIGIN], credentials: true })
      withCredentials.get('/me', (req) => ({ cookie: req.header('cookie') ?? null }))
      const res = await t.request(withCredentials, fromOrigin('/me', APP_ORIGIN, { headers: { cookie: 'sid=1' } }))
      assert.deepEqual(corsHeaders(res.headers), { 'access-control-allow-origin': APP_ORIGIN, 'access-control-allow-credentials': 'true' })
      assert.deepEqual(res.json(), { cookie: 'sid=1' })
      const without = corsApp({ origin: [APP_ORIGIN] })
      without.get('/me', () => ({}))
      assert.equal((await t.request(without, fromOrigin('/me', APP_ORIGIN))).headers['access-control-allow-credentials'], undefined)
    })

    it('exposes the configured headers; with "*" and credentials, lists the reply\'s own non-safelisted headers', async () => {
      const listed = corsApp({ origin: [APP_ORIGIN], exposedHeaders: ['X-Total', 'x-request-id'] })
      listed.get('/items', () => [])
      assert.equal((await t.request(listed, fromOrigin('/items', APP_ORIGIN))).headers['access-control-expose-headers'], 'x-total, x-request-id')
      const all = corsApp({ origin: [APP_ORIGIN], credentials: true, exposedHeaders: '*' })
      all.get('/items', () => reply.json([], { headers: { 'x-total': '0', etag: '"v1"', 'set-cookie': 'a=1', 'cache-control': 'no-store' } }))
      assert.equal((await t.request(all, fromOrigin('/items', APP_ORIGIN))).headers['access-control-expose-headers'], 'x-total, etag')
    })

    it("carries the CORS headers on error replies: 401 from authenticate, 429 from onRequest, 404, 405 and a handler's 500", async () => {
      const app = corsApp({ origin: [APP_ORIGIN], credentials: true })
      app.addHook('onRequest', (req) => {
        if (req.header('x-flood') !== undefined) throw new HttpError(429, 'slow down', { code: 'RATE_LIMITED', headers: { 'retry-after': '1' } })
      })
      app.addHook('authenticate', (req) => {
        if (req.path.startsWith('/private')) throw new HttpError(401, 'a bearer token is required', { code: 'AUTH_REQUIRED' })
      })
      app.get('/private', () => 'secret')
      app.get('/boom', () => {
        throw new Error('bug')
      })
      for (const [req, status] of [
        [fromOrigin('/private', APP_ORIGIN), 401],
        [fromOrigin('/private', APP_ORIGIN, { headers: { 'x-flood': '1' } }), 429],
        [fromOrigin('/missing', APP_ORIGIN), 404],
        [fromOrigin('/boom', APP_ORIGIN, { method: 'DELETE' }), 405],
        [fromOrigin('/boom', APP_ORIGIN), 500],
      ] as const) {
        const res = await t.request(app, req)
        assert.equal(res.status, status, req.url)
        assert.match(res.headers['content-type'] ?? '', /^application\/problem\+json/, req.url)
        assert.equal(res.headers['access-control-allow-origin'], APP_ORIGIN, `${status}`)
        assert.equal(res.headers['access-control-allow-credentials'], 'true', `${status}`)
        assert.equal(res.headers.vary, 'Origin', `${status}`)
      }
    })

    it('matches RegExp origins every time (a /g flag does not make matches alternate) and strings exactly', async () => {
      const app = corsApp({ origin: ['https://exact.example.org', /^https:\/\/[a-z0-9-]+\.example\.com$/g] })
      app.get('/items', () => [])
      for (let i = 0; i < 3; i++) {
        assert.equal((await t.request(app, fromOrigin('/items', APP_ORIGIN))).headers['access-control-allow-origin'], APP_ORIGIN, `try ${i}`)
      }
      assert.equal(
        (await t.request(app, fromOrigin('/items', 'https://exact.example.org'))).headers['access-control-allow-origin'],
        'https://exact.example.org',
      )
      for (const refused of ['https://exact.example.org.evil.net', 'http://exact.example.org', 'https://app.example.com.evil.net']) {
        assert.deepEqual(corsHeaders((await t.request(app, fromOrigin('/items', refused))).headers), {}, refused)
      }
    })

    it('allows an origin only when the origin function returns exactly true', async () => {
      const app = corsApp({ origin: ((origin: string) => (origin === APP_ORIGIN ? true : 'yes')) as unknown as CorsOptions['origin'] })
      app.get('/items', () => [])
      assert.equal((await t.request(app, fromOrigin('/items', APP_ORIGIN))).headers['access-control-allow-origin'], APP_ORIGIN)
      assert.deepEqual(corsHeaders((await t.request(app, fromOrigin('/items', OTHER_ORIGIN))).headers), {})
    })

    it('fails the request with a 500 attributed to @vectora/cors, without CORS headers, when the origin function throws', async () => {
      const app = corsApp({
        origin: async () => {
          throw new Error('tenant store unavailable')
        },
      })
      app.get('/items', () => [])
      const res = await t.request(app, fromOrigin('/items', APP_ORIGIN))
      assert.equal(res.status, 500)
      assert.deepEqual(corsHeaders(res.headers), {})
      const logged = app.lines.find((l) => l.level === 'error')
      assert.equal(logged?.fields.plugin, '@vectora/cors')
    })
  })
})
