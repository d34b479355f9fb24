/**
 * @module test/verify — valid tokens become `req.auth`; the token comes from the bearer header or a cookie;
 * required, optional and per-route auth; scoping; health routes; the WWW-Authenticate challenges. Every app
 * verifies on a fake clock and every token is dated by it: no outcome depends on the real time.
 */
import assert from 'node:assert/strict'
import type { KeyObject } from 'node:crypto'
import jsonwebtoken from 'jsonwebtoken'
import { reply } from 'vectora'
import { jwt, requireAuth, type JwtOptions } from '../src/index.js'
import { forEachTransport } from 'vectora/testing'
import { assertInvalid, assertProblem, bearer, fakeClock, keyPair, SECRET, testApp } from './support.js'

/** Stands still: tokens dated by it are as fresh when verified as when signed. Tests that move time make their own. */
const clock = fakeClock()
const HS: JwtOptions = { secret: SECRET, algorithms: ['HS256'], clock: clock.now }
const hs256 = (claims: Record<string, unknown> = {}, options: jsonwebtoken.SignOptions = {}): string =>
  jsonwebtoken.sign({ sub: 'ada', role: 'admin', iat: clock.seconds(), ...claims }, SECRET, {
    algorithm: 'HS256',
    ...('exp' in claims ? {} : { expiresIn: '5m' }),
    ...options,
  })
/** A token signed with `key`, dated by the suite's clock (jsonwebtoken counts expiresIn from iat). */
const signed = (sub: string, key: KeyObject, options: jsonwebtoken.SignOptions): string =>
  jsonwebtoken.sign({ sub, iat: clock.seconds() }, key, { expiresIn: '5m', ...options })

function appWith(options: JwtOptions = HS) {
  const app = testApp()
  app.register(jwt, { clock: clock.now, ...options })
  app.get('/me', (req) => ({ subject: req.auth?.subject ?? null, role: req.auth?.claims.role ?? null, token: req.auth?.token ?? null }))
  return app
}

describe('@vectora/jwt: verification', () => {
  forEachTransport((t) => {
    it('accepts a valid HS256 token and sets req.auth to its subject and claims', async () => {
      const res = await t.request(appWith(), { url: '/me', headers: bearer(hs256()) })
      assert.equal(res.status, 200, res.text())
      assert.deepEqual(res.json(), { subject: 'ada', role: 'admin', token: null })
    })

    it('accepts a valid RS256 token verified with a PEM public key', async () => {
      const { publicPem, privateKey } = keyPair('rsa')
      const token = signed('linus', privateKey, { algorithm: 'RS256' })
      const res = await t.request(appWith({ publicKeys: publicPem, algorithms: ['RS256'] }), { url: '/me', headers: bearer(token) })
      assert.equal(res.status, 200, res.text())
      assert.equal(res.json().subject, 'linus')
    })

    it('accepts an ES256 token next to RS256 ones, each key verifying only its own algorithm', async () => {
      const rsa = keyPair('rsa')
      const ec = keyPair('ec')
      const app = appWith({ publicKeys: { r1: rsa.publicPem, e1: ec.publicPem }, algorithms: ['RS256', 'ES256'] })
      const esToken = signed('grace', ec.privateKey, { algorithm: 'ES256', keyid: 'e1' })
      assert.equal((await t.request(app, { url: '/me', headers: bearer(esToken) })).json().subject, 'grace')
      // The same EC signature presented as coming from the RSA key: the RSA key is not bound to ES256.
      const misrouted = signed('grace', ec.privateKey, { algorithm: 'ES256', keyid: 'r1' })
      assertInvalid(await t.request(app, { url: '/me', headers: bearer(misrouted) }))
    })

    it('chooses the public key by kid and refuses a kid it does not know', async () => {
      const a = keyPair('rsa')
      const b = keyPair('rsa2')
      const app = appWith({ publicKeys: { a: a.publicPem, b: b.publicPem }, algorithms: ['RS256'] })
      const byB = signed('bee', b.privateKey, { algorithm: 'RS256', keyid: 'b' })
      assert.equal((await t.request(app, { url: '/me', headers: bearer(byB) })).json().subject, 'bee')
      const unknown = signed('bee', b.privateKey, { algorithm: 'RS256', keyid: 'zzz' })
      const body = assertInvalid(await t.request(app, { url: '/me', headers: bearer(unknown) }))
      assert.match(body.detail, /unknown key/)
      const noKid = signed('bee', b.privateKey, { algorithm: 'RS256' })
      assert.match(assertInvalid(await t.request(app, { url: '/me', headers: bearer(noKid) })).detail, /names no key/)
    })

    it('reads the Bearer scheme case-insensitively', async () => {
      const app = appWith()
      for (const scheme of ['bearer', 'BEARER', 'BeArEr']) {
        const res = await t.request(app, { url: '/me', headers: { authorization: `${scheme} ${hs256()}` } })
        assert.equal(res.status, 200, `${scheme}: ${res.text()}`)
      }
    })

    it('answers 401 JWT_MISSING with a bare `WWW-Authenticate: Bearer` when no token is sent (RFC 6750 §3.1)', async () => {
      const res = await t.request(appWith(), { url: '/me' })
      assertProblem(res, 401, 'JWT_MISSING')
      assert.equal(res.headers['www-authenticate'], 'Bearer')
    })

    it('treats another Authorization scheme as no bearer token', async () => {
      const res = await t.request(appWith(), { url: '/me', headers: { authorization: 'Basic YWRhOnB3' } })
      assertProblem(res, 401, 'JWT_MISSING')
    })

    it('answers 401 invalid_token for a Bearer header without a token', async () => {
      assertInvalid(await t.request(appWith(), { url: '/me', headers: { authorization: 'Bearer' } }))
      assertInvalid(await t.request(appWith(), { url: '/me', headers: { authorization: 'Bearer a b' } }))
    })

    it('puts the realm in both challenges when one is configured', async () => {
      const app = appWith({ ...HS, realm: 'api' })
      assert.equal((await t.request(app, { url: '/me' })).headers['www-authenticate'], 'Bearer realm="api"')
      const res = await t.request(app, { url: '/me', headers: bearer('x.y.z') })
      assert.match(res.headers['www-authenticate'], /^Bearer realm="api", error="invalid_token", error_description="/)
    })

    it('keeps the raw token in req.auth.token only with keepToken', async () => {
      const token = hs256()
      assert.equal((await t.request(appWith({ ...HS, keepToken: true }), { url: '/me', headers: bearer(token) })).json().token, token)
    })

    it('freezes req.auth so a handler cannot change who the caller is', async () => {
      const app = testApp()
      app.register(jwt, HS)
      app.get('/mutate', (req) => {
        // Frozen: a write throws in strict code and is ignored in sloppy code; either way nothing changes.
        try {
          ;(req.auth as any).subject = 'root'
        } catch {}
        try {
          ;(req.auth!.claims as any).role = 'root'
        } catch {}
        return { subject: req.auth!.subject, role: req.auth!.claims.role, frozen: Object.isFrozen(req.auth) && Object.isFrozen(req.auth!.claims) }
      })
      assert.deepEqual((await t.request(app, { url: '/mutate', headers: bearer(hs256()) })).json(), { subject: 'ada', role: 'admin', frozen: true })
    })

    it('requires the configured typ when `typ` is set (RFC 8725 §3.11)', async () => {
      const app = appWith({ ...HS, typ: 'at+jwt' })
      const typed = hs256({}, { header: { alg: 'HS256', typ: 'at+jwt' } })
      assert.equal((await t.request(app, { url: '/me', headers: bearer(typed) })).status, 200)
      const prefixed = hs256({}, { header: { alg: 'HS256', typ: 'application/AT+JWT' } })
      assert.equal((await t.request(app, { url: '/me', headers: bearer(prefixed) })).status, 200)
      assertInvalid(await t.request(app, { url: '/me', headers: bearer(hs256()) })) // typ: JWT, an ID token say
    })

    it('accepts an exp a few seconds past within clockTolerance', async () => {
      const token = hs256({ exp: clock.seconds() - 2 })
      assert.equal((await t.request(appWith(), { url: '/me', headers: bearer(token) })).status, 200)
      assertInvalid(await t.request(appWith({ ...HS, clockTolerance: 0 }), { url: '/me', headers: bearer(token) }), 'JWT_EXPIRED')
    })

    it('judges exp on the configured clock: accepted until clockTolerance past exp, then JWT_EXPIRED', async () => {
      const time = fakeClock()
      const app = appWith({ ...HS, clock: time.now }) // clockTolerance: 5 s
      const token = hs256({ iat: time.seconds(), exp: time.seconds() + 60 })
      assert.equal((await t.request(app, { url: '/me', headers: bearer(token) })).status, 200)
      time.advance(64_000) // exp + 4 s
      assert.equal((await t.request(app, { url: '/me', headers: bearer(token) })).status, 200)
      time.advance(1_000) // exp + 5 s: the tolerance is used up
      assertInvalid(await t.request(app, { url: '/me', headers: bearer(token) }), 'JWT_EXPIRED')
    })

    it('judges nbf on the configured clock: refused until clockTolerance before nbf, then accepted', async () => {
      const time = fakeClock()
      const app = appWith({ ...HS, clock: time.now })
      const token = hs256({ iat: time.seconds(), nbf: time.seconds() + 60 })
      assert.match(assertInvalid(await t.request(app, { url: '/me', headers: bearer(token) })).detail, /not valid yet/)
      time.advance(54_000) // nbf - 6 s
      assertInvalid(await t.request(app, { url: '/me', headers: bearer(token) }))
      time.advance(1_000) // nbf - 5 s: within the tolerance
      assert.equal((await t.request(app, { url: '/me', headers: bearer(token) })).status, 200)
    })
  })
})

describe('@vectora/jwt: token sources', () => {
  forEachTransport((t) => {
    it('reads the token from the configured cookie', async () => {
      const res = await t.request(appWith({ ...HS, cookie: 'session' }), { url: '/me', headers: { cookie: `theme=dark; session=${hs256()}` } })
      assert.equal(res.status, 200, res.text())
      assert.equal(res.json().subject, 'ada')
    })

    it('ignores cookies unless `cookie` is configured', async () => {
      assertProblem(await t.request(appWith(), { url: '/me', headers: { cookie: `session=${hs256()}` } }), 401, 'JWT_MISSING')
    })

    it('prefers the Authorization header over the cookie', async () => {
      const res = await t.request(appWith({ ...HS, cookie: 'session' }), {
        url: '/me',
        headers: { ...bearer(hs256({ sub: 'from-header' })), cookie: `session=${hs256({ sub: 'from-cookie' })}` },
      })
      assert.equal(res.json().subject, 'from-header')
    })

    it('refuses a cookie sent twice under the token name (cookie tossing) rather than pick one', async () => {
      const res = await t.request(appWith({ ...HS, cookie: 'session' }), {
        url: '/me',
        headers: { cookie: `session=${hs256({ sub: 'a' })}; session=${hs256({ sub: 'b' })}` },
      })
      assert.equal(assertInvalid(res).detail, 'The token cookie was sent twice.')
    })

    it('verifies a cookie token as strictly as a header one', async () => {
      const res = await t.request(appWith({ ...HS, cookie: 'session' }), { url: '/me', headers: { cookie: `session=${hs256({}, { expiresIn: -60 })}` } })
      assertInvalid(res, 'JWT_EXPIRED')
    })
  })
})

describe('@vectora/jwt: required, optional and per-route auth', () => {
  forEachTransport((t) => {
    it('optional mode: a request without a token passes with req.auth undefined', async () => {
      const res = await t.request(appWith({ ...HS, mode: 'optional' }), { url: '/me' })
      assert.equal(res.status, 200)
      assert.equal(res.json().subject, null)
    })

    it('optional mode: an invalid token is still 401 (a bad credential is never downgraded to anonymous)', async () => {
      assertInvalid(await t.request(appWith({ ...HS, mode: 'optional' }), { url: '/me', headers: bearer(hs256({}, { expiresIn: -60 })) }), 'JWT_EXPIRED')
      assertInvalid(await t.request(appWith({ ...HS, mode: 'optional' }), { url: '/me', headers: bearer('garbage') }))
    })

    it('requireAuth guards single routes in optional mode: 401 Bearer without a token, the handler with one', async () => {
      const app = testApp()
      app.register(jwt, { ...HS, mode: 'optional' })
      app.get('/posts', (req) => ({ viewer: req.auth?.subject ?? 'anonymous' }))
      app.post('/posts', { guards: [requireAuth] }, (req) => reply.json({ author: req.auth!.subject }, { status: 201 }))
      assert.deepEqual((await t.request(app, { url: '/posts' })).json(), { viewer: 'anonymous' })
      const denied = await t.request(app, { method: 'POST', url: '/posts' })
      assertProblem(denied, 401, 'JWT_MISSING')
      assert.equal(denied.headers['www-authenticate'], 'Bearer')
      const created = await t.request(app, { method: 'POST', url: '/posts', headers: bearer(hs256()) })
      assert.equal(created.status, 201)
      assert.deepEqual(created.json(), { author: 'ada' })
    })

    it('registered in a group, requires a token on that group only', async () => {
      const app = testApp()
      app.get('/public', () => 'public')
      app.group('/api', (api) => {
        api.register(jwt, HS)
        api.get('/me', (req) => ({ subject: req.auth?.subject }))
      })
      assert.equal((await t.request(app, { url: '/public' })).status, 200)
      assertProblem(await t.request(app, { url: '/api/me' }), 401, 'JWT_MISSING')
      assert.deepEqual((await t.request(app, { url: '/api/me', headers: bearer(hs256()) })).json(), { subject: 'ada' })
    })

    it('can be registered in sibling groups with different keys', async () => {
      const { publicPem, privateKey } = keyPair('rsa')
      const app = testApp()
      app.group('/a', (g) => {
        g.register(jwt, HS)
        g.get('/me', (req) => ({ subject: req.auth?.subject }))
      })
      app.group('/b', (g) => {
        g.register(jwt, { publicKeys: publicPem, algorithms: ['RS256'], clock: clock.now })
        g.get('/me', (req) => ({ subject: req.auth?.subject }))
      })
      const rs = signed('rs', privateKey, { algorithm: 'RS256' })
      assert.equal((await t.request(app, { url: '/a/me', headers: bearer(hs256()) })).status, 200)
      assert.equal((await t.request(app, { url: '/b/me', headers: bearer(rs) })).status, 200)
      assertInvalid(await t.request(app, { url: '/a/me', headers: bearer(rs) }))
      assertInvalid(await t.request(app, { url: '/b/me', headers: bearer(hs256()) }))
    })
  })
})

describe('@vectora/jwt: skipped requests', () => {
  forEachTransport((t) => {
    it("never blocks the framework's health routes, even in required mode", async () => {
      const app = appWith()
      assert.equal((await t.request(app, { url: '/health/live' })).status, 200)
      assert.equal((await t.request(app, { url: '/health/ready' })).status, 200)
      // ...and does not even read a token there: a broken one is ignored.
      assert.equal((await t.request(app, { url: '/health/ready', headers: bearer('garbage') })).status, 200)
    })

    it('skips the health routes at their configured paths', async () => {
      const app = testApp({ health: { ready: '/readyz', live: '/livez' } })
      app.register(jwt, HS)
      assert.equal((await t.request(app, { url: '/readyz' })).status, 200)
      assert.equal((await t.request(app, { url: '/livez' })).status, 200)
    })

    it('still authenticates an app route under /health/ (the skip is exact, not a prefix)', async () => {
      const app = appWith()
      app.get('/health/details', () => ({ secrets: true }))
      assertProblem(await t.request(app, { url: '/health/details' }), 401, 'JWT_MISSING')
    })

    it('uses a custom skip instead of the default', async () => {
      const app = appWith({ ...HS, skip: (req) => req.path.startsWith('/webhooks/') })
      app.post('/webhooks/stripe', () => 'ok')
      assert.equal((await t.request(app, { method: 'POST', url: '/webhooks/stripe' })).status, 200)
      assertProblem(await t.request(app, { url: '/me' }), 401, 'JWT_MISSING')
    })
  })
})

describe('@vectora/jwt: the pipeline', () => {
  it('runs as one authenticate-phase hook, named, attributed to @vectora/jwt', async () => {
    const app = appWith()
    await app.ready()
    const entries = app.pipeline('GET', '/me')
    assert.deepEqual(
      entries.map((e) => [e.phase, e.plugin, e.name]),
      [['authenticate', '@vectora/jwt', 'onAuthenticate']],
    )
    await app.close()
  })
})
