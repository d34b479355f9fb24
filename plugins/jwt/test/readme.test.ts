/** @module test/readme — the README's opening example behaves as the README says. */
import assert from 'node:assert/strict'
import jsonwebtoken from 'jsonwebtoken'
import { createSigner, jwt, requireAuth } from '../src/index.js'
import { forEachTransport } from 'vectora/testing'
import { assertInvalid, assertProblem, bearer, testApp } from './support.js'

const secret = 'dev-only-secret-at-least-32-bytes-long'

function readmeApp() {
  const app = testApp()
  app.register(jwt, { secret, algorithms: ['HS256'], issuer: 'https://api.example', audience: 'notes', mode: 'optional' })
  app.get('/notes', (req) => ({ viewer: req.auth?.subject ?? 'anonymous' }))
  app.post('/notes', { guards: [requireAuth] }, (req) => ({ author: req.auth!.subject, role: req.auth!.claims.role }))
  return app
}
const signer = createSigner({ secret, algorithm: 'HS256', issuer: 'https://api.example', audience: 'notes', expiresIn: '1h' })

describe('@vectora/jwt: README example', () => {
  forEachTransport((t) => {
    it('GET /notes is anonymous without a token and names the caller with one', async () => {
      const app = readmeApp()
      assert.deepEqual((await t.request(app, { url: '/notes' })).json(), { viewer: 'anonymous' })
      assert.deepEqual((await t.request(app, { url: '/notes', headers: bearer(signer.sign({ sub: 'ada', role: 'editor' })) })).json(), { viewer: 'ada' })
    })

    it('POST /notes needs a token: 401 JWT_MISSING + WWW-Authenticate: Bearer without, the handler with', async () => {
      const app = readmeApp()
      const ok = await t.request(app, { method: 'POST', url: '/notes', headers: bearer(signer.sign({ sub: 'ada', role: 'editor' })) })
      assert.deepEqual(ok.json(), { author: 'ada', role: 'editor' })
      const denied = await t.request(app, { method: 'POST', url: '/notes' })
      assertProblem(denied, 401, 'JWT_MISSING')
      assert.equal(denied.headers['www-authenticate'], 'Bearer')
    })

    it('answers 401 JWT_EXPIRED / JWT_INVALID to expired, forged and malformed tokens on either route', async () => {
      const app = readmeApp()
      // Expired in 2001, not "a minute ago": the README app runs on the real clock, and this stays expired on it.
      const expired = jsonwebtoken.sign({ sub: 'ada', iss: 'https://api.example', aud: 'notes', iat: 978_307_200, exp: 978_310_800 }, secret)
      const forged = createSigner({
        secret: 'another-secret-of-at-least-32-bytes!',
        algorithm: 'HS256',
        issuer: 'https://api.example',
        audience: 'notes',
        expiresIn: '1h',
      }).sign({ sub: 'ada' })
      for (const method of ['GET', 'POST']) {
        assertInvalid(await t.request(app, { method, url: '/notes', headers: bearer(expired) }), 'JWT_EXPIRED')
        assertInvalid(await t.request(app, { method, url: '/notes', headers: bearer(forged) }))
        assertInvalid(await t.request(app, { method, url: '/notes', headers: bearer('not-a-jwt') }))
      }
    })

    it('answers the health routes without a token', async () => {
      const app = readmeApp()
      assert.equal((await t.request(app, { url: '/health/ready' })).status, 200)
      assert.equal((await t.request(app, { url: '/health/live' })).status, 200)
    })
  })
})
