/**
 * @module plugins/helmet/test/replies — which replies get the headers and which header wins: a header the reply
 * already has (from the route or another plugin's onSend hook) is kept, error replies of every kind carry the
 * headers, `withoutSecurityHeaders()` keeps them off one reply, a group's registration covers only its routes, and
 * what the kernel answers itself (413) carries none. Through app.inject() and a real socket.
 */
import assert from 'node:assert/strict'
import { definePlugin, HttpError, reply } from 'vectora'
import { helmet, securityHeaders, withoutSecurityHeaders } from '@vectora/helmet'
import { assertProblem, createTestApp, forEachTransport } from 'vectora/testing'
import { API_HEADERS, helmetApp, helmetHeaders, PAGE_HEADERS } from './support.js'

/**
 * A plugin whose onSend hook (default stage) sets a report-only policy on every reply. Had helmet's hook run first,
 * the reply would also carry helmet's enforcing CSP, which nothing removes.
 */
/** A plugin whose onSend hook throws for one path. */
const failsInOnSend = definePlugin({
  name: 'fails-in-on-send',
  version: '1.0.0',
  setup(app) {
    app.addHook('onSend', (_res, req) => {
      if (req.path === '/broken') throw new Error('onSend bug')
    })
  },
})

const trialPolicy = definePlugin({
  name: 'trial-policy',
  version: '1.0.0',
  setup(app) {
    app.addHook('onSend', (res) => {
      res.header('content-security-policy-report-only', "default-src 'self'")
      res.header('cross-origin-resource-policy', 'cross-origin')
    })
  },
})

describe('@vectora/helmet: replies', () => {
  forEachTransport((t) => {
    it('keeps a header the route set (any case), sends it once, and adds only the ones the reply lacks', async () => {
      const app = helmetApp()
      app.get('/widget', () => reply.html('<p>w</p>').header('Content-Security-Policy', "default-src 'self'").header('X-Frame-Options', 'SAMEORIGIN'))
      const res = await t.request(app, { url: '/widget' })
      assert.deepEqual(res.headerLines('content-security-policy'), ["default-src 'self'"])
      assert.deepEqual(res.headerLines('x-frame-options'), ['SAMEORIGIN'])
      assert.deepEqual(helmetHeaders(res.headers), { ...API_HEADERS, 'content-security-policy': "default-src 'self'", 'x-frame-options': 'SAMEORIGIN' })
    })

    it('treats the two CSP headers as one: a route that sends its own Report-Only policy gets no enforcing one from helmet', async () => {
      const app = helmetApp()
      app.get('/trial', () => reply.text('t').header('content-security-policy-report-only', "default-src 'self'; report-uri /r"))
      const res = await t.request(app, { url: '/trial' })
      assert.equal(res.headers['content-security-policy'], undefined)
      assert.equal(res.headers['content-security-policy-report-only'], "default-src 'self'; report-uri /r")
    })

    it("keeps headers another plugin's onSend hook set, registered after helmet: helmet's hook runs later (stage 2000)", async () => {
      const app = createTestApp()
      app.register(helmet)
      app.register(trialPolicy)
      app.get('/image', () => reply.text('png'))
      const res = await t.request(app, { url: '/image' })
      assert.deepEqual(res.headerLines('cross-origin-resource-policy'), ['cross-origin'])
      assert.deepEqual(res.headerLines('content-security-policy-report-only'), ["default-src 'self'"])
      assert.equal(res.headers['content-security-policy'], undefined)
      assert.equal(res.headers['x-content-type-options'], 'nosniff')
    })

    it('gives another preset to one route through securityHeaders(): its headers are on the reply, so they win', async () => {
      const pageHeaders = securityHeaders({ preset: 'page' })
      const app = helmetApp()
      app.get('/', () => reply.html('<h1>app</h1>').headers(pageHeaders))
      app.get('/api/me', () => ({ me: 1 }))
      assert.deepEqual(helmetHeaders((await t.request(app, { url: '/' })).headers), PAGE_HEADERS)
      assert.deepEqual(helmetHeaders((await t.request(app, { url: '/api/me' })).headers), API_HEADERS)
    })

    it('puts the headers on error replies: a thrown HttpError, a 500 from a throw, a 401 from an authenticate hook', async () => {
      const app = helmetApp()
      app.addHook('authenticate', (req) => {
        if (req.path === '/private') throw new HttpError(401, 'a token is required', { code: 'AUTH_REQUIRED' })
      })
      app.get('/notes/:id', () => {
        throw new HttpError(404, 'No such note.', { code: 'NOTE_NOT_FOUND' })
      })
      app.get('/boom', () => {
        throw new Error('database password is hunter2')
      })
      app.get('/private', () => 'never')
      const notFound = await t.request(app, { url: '/notes/9' })
      assertProblem(notFound, { status: 404, code: 'NOTE_NOT_FOUND' })
      assert.deepEqual(helmetHeaders(notFound.headers), API_HEADERS)
      const crashed = await t.request(app, { url: '/boom' })
      assertProblem(crashed, { status: 500 })
      assert.doesNotMatch(crashed.text(), /hunter2/)
      assert.deepEqual(helmetHeaders(crashed.headers), API_HEADERS)
      const refused = await t.request(app, { url: '/private' })
      assertProblem(refused, { status: 401, code: 'AUTH_REQUIRED' })
      assert.deepEqual(helmetHeaders(refused.headers), API_HEADERS)
    })

    it('puts them on a short-circuit from onRequest and on the reply an onError mapper builds', async () => {
      const app = helmetApp()
      app.addHook('onRequest', (req) => (req.path === '/maintenance' ? reply.json({ down: true }, { status: 503 }) : undefined))
      app.addHook('onError', () => reply.text('mapped', { status: 502 }))
      app.get('/maintenance', () => 'never')
      app.get('/fails', () => {
        throw new Error('upstream')
      })
      const short = await t.request(app, { url: '/maintenance' })
      assert.equal(short.status, 503)
      assert.deepEqual(helmetHeaders(short.headers), API_HEADERS)
      const mapped = await t.request(app, { url: '/fails' })
      assert.equal(mapped.status, 502)
      assert.equal(mapped.text(), 'mapped')
      assert.deepEqual(helmetHeaders(mapped.headers), API_HEADERS)
    })

    it('puts them on a streamed reply and leaves repeated fields such as set-cookie alone', async () => {
      const app = helmetApp()
      app.get('/export', () =>
        reply.stream(
          (async function* () {
            yield 'a,b\n'
            yield '1,2\n'
          })(),
          { headers: { 'content-type': 'text/csv' } },
        ),
      )
      app.get('/login', () => reply.empty().header('set-cookie', ['a=1; HttpOnly', 'b=2; HttpOnly']))
      const streamed = await t.request(app, { url: '/export' })
      assert.equal(streamed.text(), 'a,b\n1,2\n')
      assert.deepEqual(helmetHeaders(streamed.headers), API_HEADERS)
      const login = await t.request(app, { url: '/login' })
      assert.deepEqual(login.headerLines('set-cookie'), ['a=1; HttpOnly', 'b=2; HttpOnly'])
      assert.deepEqual(helmetHeaders(login.headers), API_HEADERS)
    })

    it('keeps every helmet header off a reply marked withoutSecurityHeaders(reply), and only that reply', async () => {
      const app = helmetApp()
      app.get('/raw', () => withoutSecurityHeaders(reply.text('raw').header('x-own', '1')))
      app.get('/normal', () => reply.text('normal'))
      const raw = await t.request(app, { url: '/raw' })
      assert.equal(raw.text(), 'raw')
      assert.equal(raw.headers['x-own'], '1')
      assert.deepEqual(helmetHeaders(raw.headers), {})
      assert.deepEqual(helmetHeaders((await t.request(app, { url: '/normal' })).headers), API_HEADERS)
    })

    it('keeps only the named headers off with withoutSecurityHeaders(reply, ...names), names in any case, marks adding up', async () => {
      const app = helmetApp()
      app.get('/embed', () => {
        const widget = withoutSecurityHeaders(reply.html('<p>embed me</p>'), 'X-Frame-Options')
        return withoutSecurityHeaders(widget, 'content-security-policy')
      })
      const res = await t.request(app, { url: '/embed' })
      const expected: Record<string, string> = { ...API_HEADERS }
      delete expected['x-frame-options']
      delete expected['content-security-policy']
      assert.deepEqual(helmetHeaders(res.headers), expected)
    })

    it('covers only the routes of the group it is registered in; sibling groups may have their own preset', async () => {
      const app = createTestApp()
      app.group('/app', (g) => {
        g.register(helmet, { preset: 'page' })
        g.get('/home', () => reply.html('<h1>app</h1>'))
      })
      app.group('/api', (g) => {
        g.register(helmet, { preset: 'api' })
        g.get('/me', () => ({ me: 1 }))
      })
      app.get('/elsewhere', () => 'no helmet here')
      assert.deepEqual(helmetHeaders((await t.request(app, { url: '/app/home' })).headers), PAGE_HEADERS)
      assert.deepEqual(helmetHeaders((await t.request(app, { url: '/api/me' })).headers), API_HEADERS)
      assert.deepEqual(helmetHeaders((await t.request(app, { url: '/elsewhere' })).headers), {})
      // Unmatched requests see only app-wide hooks, and here there are none: the kernel answers them.
      const missing = await t.request(app, { url: '/app/missing' })
      assert.equal(missing.status, 404)
      assert.deepEqual(helmetHeaders(missing.headers), {})
    })

    it('cannot reach what the kernel answers itself: a 413 for a body past bodyLimit carries no helmet header', async () => {
      const app = createTestApp({ bodyLimit: 16 })
      app.register(helmet)
      app.post('/upload', async (req) => ({ size: (await req.buffer()).length }))
      const ok = await t.request(app, { method: 'POST', url: '/upload', body: 'small' })
      assert.deepEqual(helmetHeaders(ok.headers), API_HEADERS)
      const tooLarge = await t.request(app, { method: 'POST', url: '/upload', body: 'x'.repeat(64) })
      assertProblem(tooLarge, { status: 413, code: 'VEC_ERR_BODY_TOO_LARGE' })
      assert.deepEqual(helmetHeaders(tooLarge.headers), {})
    })

    it('sends no helmet header on the 500 of a failing onSend hook: the core sends that reply without a second onSend pass', async () => {
      const app = createTestApp()
      app.register(helmet)
      app.register(failsInOnSend)
      app.get('/broken', () => 'never sent')
      app.get('/fine', () => 'ok')
      const res = await t.request(app, { url: '/broken' })
      assertProblem(res, { status: 500 })
      assert.deepEqual(helmetHeaders(res.headers), {})
      assert.deepEqual(helmetHeaders((await t.request(app, { url: '/fine' })).headers), API_HEADERS)
    })
  })
})
