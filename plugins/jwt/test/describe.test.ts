/**
 * @module test/describe — what @vectora/jwt tells the API description (`describeApi`: the bearer scheme,
 * which routes need a token, the 401) and readiness (`jwt:jwks`: 503 until the key set was fetched).
 */
import assert from 'node:assert/strict'
import { setTimeout as sleep } from 'node:timers/promises'
import { reply, type RouteInfo } from 'vectora'
import { BEARER_SCHEME, COOKIE_SCHEME, jwt, requireAuth } from '../src/index.js'
import { forEachTransport, listen } from 'vectora/testing'
import { keyPair, SECRET, testApp } from './support.js'

function operationOf(route: RouteInfo) {
  const [entry] = route.contributions.filter((c) => c.plugin === '@vectora/jwt')
  assert.ok(entry, `no jwt contribution on ${route.path}`)
  return entry.contribution.operation?.(route)
}

describe('@vectora/jwt: API description and readiness', () => {
  it('contributes a bearer JWT scheme (and the cookie one), and a requirement on every route in required mode', async () => {
    const app = testApp()
    app.register(jwt, { secret: SECRET, algorithms: ['HS256'], cookie: 'session' })
    app.get('/notes', () => [])
    await app.ready()
    const [entry] = app.apiContributions()
    assert.equal(entry.plugin, '@vectora/jwt')
    assert.deepEqual(entry.contribution.securitySchemes, {
      [BEARER_SCHEME]: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'A JWT signed with HS256.' },
      [COOKIE_SCHEME]: { type: 'apiKey', in: 'cookie', name: 'session', description: 'The same JWT, in a cookie.' },
    })
    const routes = app.routes()
    const notes = operationOf(routes.find((r) => r.path === '/notes')!)
    assert.deepEqual(notes?.security, [{ bearerAuth: [] }, { cookieAuth: [] }])
    assert.equal(notes?.responses?.['401']?.problem, true)
    assert.ok(notes?.responses?.['401']?.headers?.['WWW-Authenticate'])
    assert.equal(notes?.responses?.['503'], undefined)
    // The health probes answer without a token, and are documented so.
    assert.equal(operationOf(routes.find((r) => r.path === '/health/ready')!), undefined)
  })

  it('in optional mode, documents "token or none" except on routes guarded by requireAuth', async () => {
    const app = testApp()
    app.register(jwt, { secret: SECRET, algorithms: ['HS256'], mode: 'optional' })
    app.get('/feed', () => [])
    app.post('/notes', { guards: [requireAuth] }, () => 'ok')
    await app.ready()
    const routes = app.routes()
    assert.deepEqual(operationOf(routes.find((r) => r.path === '/feed')!)?.security, [{ bearerAuth: [] }, {}])
    assert.deepEqual(operationOf(routes.find((r) => r.path === '/notes')!)?.security, [{ bearerAuth: [] }])
  })

  it('documents only the routes of the scope it is registered in', async () => {
    const app = testApp()
    app.get('/public', () => 'hi')
    app.group('/api', (api) => {
      api.register(jwt, { secret: SECRET, algorithms: ['HS256'] })
      api.get('/me', () => 'me')
    })
    await app.ready()
    const routes = app.routes()
    assert.deepEqual(routes.find((r) => r.path === '/public')!.contributions, [])
    assert.deepEqual(operationOf(routes.find((r) => r.path === '/api/me')!)?.security, [{ bearerAuth: [] }])
  })

  forEachTransport((t) => {
    it('keeps readiness 503 (jwt:jwks down) until the key set is fetched, then 200', async () => {
      const { publicKey } = keyPair('rsa')
      const idp = testApp()
      let up = false
      idp.get('/jwks.json', () =>
        up ? { keys: [{ ...publicKey.export({ format: 'jwk' }), kid: 'k1', alg: 'RS256', use: 'sig' }] } : reply.json({}, { status: 500 }),
      )
      const port = await listen(idp)
      const app = testApp({ health: { interval: 100 } })
      app.register(jwt, { jwksUrl: `http://127.0.0.1:${port}/jwks.json`, algorithms: ['RS256'], jwks: { cooldown: 50 } })
      app.get('/me', () => 'me')
      const before = await t.request(app, { url: '/health/ready' })
      assert.equal(before.status, 503)
      assert.equal((before.json() as any).checks['jwt:jwks'].status, 'down')
      up = true
      let after = before
      for (let i = 0; i < 100 && after.status !== 200; i++) {
        await sleep(30)
        after = await t.request(app, { url: '/health/ready' })
      }
      assert.equal(after.status, 200)
      assert.equal((after.json() as any).checks['jwt:jwks'].status, 'up')
    })
  })
})
