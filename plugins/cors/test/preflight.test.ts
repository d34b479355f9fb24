/**
 * @module plugins/cors/test/preflight — CORS preflights (OPTIONS + Origin + Access-Control-Request-Method):
 * answered 204 in onRequest, before authentication, for any path, with the headers and Vary the Fetch
 * standard asks for. Through app.inject() and a real socket.
 */
import assert from 'node:assert/strict'
import { HttpError } from 'vectora'
import { cors, type CorsOptions } from '@vectora/cors'
import { forEachTransport } from 'vectora/testing'
import { APP_ORIGIN, corsHeaders, fromOrigin, OTHER_ORIGIN, preflight, testApp } from './support.js'

function corsApp(options: CorsOptions) {
  const app = testApp()
  app.register(cors, options)
  app.get('/items', () => [])
  app.put('/items/:id', (req) => ({ id: req.params.id }))
  return app
}

describe('@vectora/cors: preflight', () => {
  forEachTransport((t) => {
    it('answers a preflight from an allowed origin with 204 and Allow-Origin, -Methods, -Headers and -Max-Age', async () => {
      const app = corsApp({ origin: [APP_ORIGIN] })
      const res = await t.request(app, preflight('/items/7', APP_ORIGIN, 'PUT', { 'access-control-request-headers': 'content-type,x-trace' }))
      assert.equal(res.status, 204)
      assert.equal(res.body.length, 0)
      assert.deepEqual(corsHeaders(res.headers), {
        'access-control-allow-origin': APP_ORIGIN,
        'access-control-allow-methods': 'GET, HEAD, POST, PUT, PATCH, DELETE',
        'access-control-allow-headers': '*',
        'access-control-max-age': '600',
      })
      assert.equal(res.headers.vary, 'Origin')
    })

    it("answers preflights for paths with no OPTIONS route: a known path (the kernel's 405) and an unknown one (404)", async () => {
      const app = corsApp({ origin: [APP_ORIGIN] })
      for (const url of ['/items', '/nowhere/at/all']) {
        const res = await t.request(app, preflight(url, APP_ORIGIN, 'DELETE'))
        assert.equal(res.status, 204, url)
        assert.equal(res.headers['access-control-allow-origin'], APP_ORIGIN, url)
      }
    })

    it('answers the preflight before an authenticate hook that throws 401: the hook never runs for it', async () => {
      const app = corsApp({ origin: [APP_ORIGIN], allowedHeaders: ['authorization', 'content-type'] })
      const seen: string[] = []
      app.addHook('authenticate', (req) => {
        seen.push(req.method)
        if (req.header('authorization') !== 'Bearer good') throw new HttpError(401, 'a bearer token is required', { code: 'AUTH_REQUIRED' })
      })
      const res = await t.request(app, preflight('/items/7', APP_ORIGIN, 'PUT', { 'access-control-request-headers': 'authorization' }))
      assert.equal(res.status, 204)
      assert.equal(res.headers['access-control-allow-headers'], 'authorization, content-type')
      assert.deepEqual(seen, [])
      // The actual request then meets authentication as usual.
      const actual = await t.request(app, fromOrigin('/items/7', APP_ORIGIN, { method: 'PUT', headers: { authorization: 'Bearer good' } }))
      assert.equal(actual.status, 200)
      assert.deepEqual(seen, ['PUT'])
    })

    it('runs before other onRequest hooks at the default stage (an IP rate limit, a logger): they never see preflights', async () => {
      const app = corsApp({ origin: [APP_ORIGIN] })
      const seen: string[] = []
      app.addHook('onRequest', (req) => void seen.push(req.method))
      assert.equal((await t.request(app, preflight('/items/7', APP_ORIGIN))).status, 204)
      assert.deepEqual(seen, [])
    })

    it('gives a preflight from a disallowed origin a 204 with no CORS headers (the browser fails it), still before authentication', async () => {
      const app = corsApp({ origin: [APP_ORIGIN] })
      let authenticated = 0
      app.addHook('authenticate', () => {
        authenticated++
        throw new HttpError(401)
      })
      const res = await t.request(app, preflight('/items/7', OTHER_ORIGIN))
      assert.equal(res.status, 204)
      assert.deepEqual(corsHeaders(res.headers), {})
      assert.equal(res.headers.vary, 'Origin')
      assert.equal(authenticated, 0)
    })

    it('leaves OPTIONS requests that are not preflights (no Access-Control-Request-Method, or no Origin) to the app', async () => {
      const app = corsApp({ origin: [APP_ORIGIN] })
      app.options('/items', () => ({ methods: ['GET'] }))
      const plain = await t.request(app, { method: 'OPTIONS', url: '/items', headers: { origin: APP_ORIGIN } })
      assert.equal(plain.status, 200)
      assert.deepEqual(plain.json(), { methods: ['GET'] })
      // An actual request from an allowed origin: it gets Allow-Origin, but no preflight headers.
      assert.equal(plain.headers['access-control-allow-origin'], APP_ORIGIN)
      assert.equal(plain.headers['access-control-allow-methods'], undefined)
      const noOrigin = await t.request(app, { method: 'OPTIONS', url: '/items/7', headers: { 'access-control-request-method': 'PUT' } })
      assert.equal(noOrigin.status, 405)
      assert.deepEqual(corsHeaders(noOrigin.headers), {})
    })

    it('answers preflights of origin "*" with Allow-Origin * and no Vary', async () => {
      const app = corsApp({ origin: '*' })
      const res = await t.request(app, preflight('/items/7', OTHER_ORIGIN))
      assert.equal(res.status, 204)
      assert.equal(res.headers['access-control-allow-origin'], '*')
      assert.equal(res.headers['access-control-allow-credentials'], undefined)
      assert.equal(res.headers.vary, undefined)
    })

    it('with credentials: true, answers the exact origin and Allow-Credentials: true', async () => {
      const app = corsApp({ origin: [APP_ORIGIN], credentials: true, allowedHeaders: ['content-type'] })
      const res = await t.request(app, preflight('/items/7', APP_ORIGIN))
      assert.equal(res.headers['access-control-allow-origin'], APP_ORIGIN)
      assert.equal(res.headers['access-control-allow-credentials'], 'true')
      assert.equal(res.headers['access-control-allow-headers'], 'content-type')
      assert.equal(res.headers.vary, 'Origin')
    })

    it('never lets a "*" in allowedHeaders cover Authorization: with credentials it reflects the requested headers without it', async () => {
      const app = corsApp({ origin: [APP_ORIGIN], credentials: true })
      const res = await t.request(app, preflight('/items/7', APP_ORIGIN, 'PUT', { 'access-control-request-headers': 'authorization,content-type,x-trace' }))
      assert.equal(res.headers['access-control-allow-headers'], 'content-type, x-trace')
      assert.equal(res.headers.vary, 'Origin, Access-Control-Request-Headers')
    })

    it('lists Authorization explicitly when it is configured next to "*", with and without credentials', async () => {
      const open = corsApp({ origin: [APP_ORIGIN], allowedHeaders: ['*', 'Authorization'] })
      const res = await t.request(open, preflight('/items/7', APP_ORIGIN, 'PUT', { 'access-control-request-headers': 'authorization' }))
      assert.equal(res.headers['access-control-allow-headers'], '*, authorization')
      assert.equal(res.headers.vary, 'Origin')
      const credentialed = corsApp({ origin: [APP_ORIGIN], credentials: true, allowedHeaders: ['*', 'authorization'] })
      const res2 = await t.request(credentialed, preflight('/items/7', APP_ORIGIN, 'PUT', { 'access-control-request-headers': 'authorization,x-trace' }))
      assert.equal(res2.headers['access-control-allow-headers'], 'authorization, x-trace')
    })

    it('reflects the requested method for methods "*" with credentials, and says so in Vary', async () => {
      const app = corsApp({ origin: [APP_ORIGIN], credentials: true, methods: '*', allowedHeaders: [] })
      const res = await t.request(app, preflight('/items/7', APP_ORIGIN, 'PURGE'))
      assert.equal(res.headers['access-control-allow-methods'], 'PURGE')
      assert.equal(res.headers['access-control-allow-headers'], undefined)
      assert.equal(res.headers.vary, 'Origin, Access-Control-Request-Method')
      const open = corsApp({ origin: [APP_ORIGIN], methods: '*' })
      assert.equal((await t.request(open, preflight('/items/7', APP_ORIGIN, 'PURGE'))).headers['access-control-allow-methods'], '*')
    })

    it('sends the configured methods and maxAge (0 disables preflight caching)', async () => {
      const app = corsApp({ origin: [APP_ORIGIN], methods: ['GET', 'PUT'], maxAge: 0 })
      const res = await t.request(app, preflight('/items/7', APP_ORIGIN))
      assert.equal(res.headers['access-control-allow-methods'], 'GET, PUT')
      assert.equal(res.headers['access-control-max-age'], '0')
    })

    it('answers Private Network Access preflights only when privateNetwork: true', async () => {
      const pna = { 'access-control-request-private-network': 'true' }
      const off = corsApp({ origin: [APP_ORIGIN] })
      assert.equal((await t.request(off, preflight('/items/7', APP_ORIGIN, 'PUT', pna))).headers['access-control-allow-private-network'], undefined)
      const on = corsApp({ origin: [APP_ORIGIN], privateNetwork: true })
      const res = await t.request(on, preflight('/items/7', APP_ORIGIN, 'PUT', pna))
      assert.equal(res.headers['access-control-allow-private-network'], 'true')
      assert.equal(res.headers.vary, 'Origin, Access-Control-Request-Private-Network')
      const notAsked = await t.request(on, preflight('/items/7', APP_ORIGIN))
      assert.equal(notAsked.headers['access-control-allow-private-network'], undefined)
      const refused = await t.request(on, preflight('/items/7', OTHER_ORIGIN, 'PUT', pna))
      assert.equal(refused.headers['access-control-allow-private-network'], undefined)
    })

    it('asks an async origin function, passing the origin and the request', async () => {
      const calls: string[] = []
      const app = corsApp({
        origin: async (origin, req) => {
          calls.push(`${origin} ${req.method} ${req.path}`)
          return origin.endsWith('.example.com')
        },
      })
      assert.equal((await t.request(app, preflight('/items/7', APP_ORIGIN))).headers['access-control-allow-origin'], APP_ORIGIN)
      assert.equal((await t.request(app, preflight('/items/7', OTHER_ORIGIN))).headers['access-control-allow-origin'], undefined)
      assert.deepEqual(calls, [`${APP_ORIGIN} OPTIONS /items/7`, `${OTHER_ORIGIN} OPTIONS /items/7`])
    })

    it('refuses an Origin header that is not a serialized origin without asking the origin function', async () => {
      let asked = 0
      const app = corsApp({ origin: () => ++asked > 0 })
      const res = await t.request(app, preflight('/items/7', 'https://app.example.com/path'))
      assert.equal(res.status, 204)
      assert.deepEqual(corsHeaders(res.headers), {})
      assert.equal(asked, 0)
    })
  })
})
