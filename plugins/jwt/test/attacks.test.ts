/**
 * @module test/attacks — every attack on the verifier ends in 401 problem+json, never a 500 and never an
 * authenticated request: unsigned tokens, key confusion, expiry, nbf, issuer, audience, tampering, malformed
 * and oversized tokens, tokens without exp or sub, critical headers, and headers naming attacker keys.
 * The apps verify on a fake clock that never moves: expiry and nbf are judged without the real time.
 */
import assert from 'node:assert/strict'
import { generateKeyPairSync } from 'node:crypto'
import jsonwebtoken from 'jsonwebtoken'
import { jwt, type JwtOptions } from '../src/index.js'
import { forEachTransport, type Transport } from 'vectora/testing'
import { assertInvalid, b64url, bearer, fakeClock, forge, keyPair, SECRET, testApp } from './support.js'

const ISS = 'https://idp.example/'
const AUD = 'orders-api'
const clock = fakeClock()
const now = clock.seconds

function rsApp(extra: Partial<JwtOptions> = {}) {
  const app = testApp()
  app.register(jwt, { publicKeys: keyPair('rsa').publicPem, algorithms: ['RS256'], issuer: ISS, audience: AUD, clock: clock.now, ...extra })
  app.get('/orders', (req) => ({ subject: req.auth?.subject }))
  return app
}

const claims = (extra: Record<string, unknown> = {}) => ({ sub: 'ada', iss: ISS, aud: AUD, iat: now(), exp: now() + 300, ...extra })
const rs256 = (extra: Record<string, unknown> = {}, header: Record<string, unknown> = {}): string =>
  forge({ alg: 'RS256', typ: 'JWT', ...header }, claims(extra), { rsa: keyPair('rsa').privateKey })

/** Sends `token` and asserts a 401 invalid_token problem, and that nothing was logged as an error (no 500). */
async function refused(t: Transport, app: ReturnType<typeof rsApp>, token: string, code: 'JWT_INVALID' | 'JWT_EXPIRED' = 'JWT_INVALID', detail?: RegExp) {
  const res = await t.request(app, { url: '/orders', headers: bearer(token) })
  const body = assertInvalid(res, code)
  if (detail !== undefined) assert.match(body.detail, detail)
  assert.deepEqual(
    app.logger.lines.filter((l) => l.level === 'error'),
    [],
  )
  return body
}

describe('@vectora/jwt: attacks', () => {
  forEachTransport((t) => {
    it('control: the well-formed RS256 token the attacks start from is accepted', async () => {
      const res = await t.request(rsApp(), { url: '/orders', headers: bearer(rs256()) })
      assert.equal(res.status, 200, res.text())
    })

    it('refuses alg: none, with an empty signature or any signature, in any case', async () => {
      const app = rsApp()
      await refused(t, app, forge({ alg: 'none', typ: 'JWT' }, claims(), { raw: '' }), 'JWT_INVALID', /malformed/)
      await refused(t, app, forge({ alg: 'none', typ: 'JWT' }, claims(), { raw: 'c2ln' }), 'JWT_INVALID', /algorithm is not accepted/)
      await refused(t, app, forge({ alg: 'None' }, claims(), { raw: 'c2ln' }))
      await refused(t, app, forge({ alg: 'NONE' }, claims(), { raw: 'c2ln' }))
    })

    it('refuses HS256 signed with the RSA public key as the HMAC secret (key confusion, CVE-2022-23541)', async () => {
      const { publicPem } = keyPair('rsa')
      const app = rsApp()
      await refused(t, app, forge({ alg: 'HS256', typ: 'JWT' }, claims(), { hmac: publicPem }), 'JWT_INVALID', /algorithm is not accepted/)
      // Even when the app accepts both families, a public key is never an HMAC key: those need a secret,
      // and secret + public keys in one registration is refused at register() (see config.test.ts).
    })

    it('refuses key confusion against a kid-addressed key set too', async () => {
      const { publicPem } = keyPair('rsa')
      const app = rsApp({ publicKeys: { k1: publicPem }, algorithms: ['RS256', 'ES256'] })
      await refused(t, app, forge({ alg: 'HS256', kid: 'k1' }, claims(), { hmac: publicPem }))
      // ES256 is listed, but k1 is an RSA key: it is bound to RS256 only.
      await refused(t, app, forge({ alg: 'ES256', kid: 'k1' }, claims(), { raw: 'c2ln' }))
    })

    it('refuses an expired token with JWT_EXPIRED', async () => {
      await refused(t, rsApp(), rs256({ exp: now() - 60 }), 'JWT_EXPIRED', /expired/)
    })

    it('refuses a token that is not valid yet (nbf in the future)', async () => {
      await refused(t, rsApp(), rs256({ nbf: now() + 600 }), 'JWT_INVALID', /not valid yet/)
    })

    it('refuses a wrong issuer, and does not echo the expected one', async () => {
      const body = await refused(t, rsApp(), rs256({ iss: 'https://evil.example/' }), 'JWT_INVALID', /issuer/)
      assert.doesNotMatch(JSON.stringify(body), /idp\.example/)
    })

    it('refuses a wrong or missing audience', async () => {
      await refused(t, rsApp(), rs256({ aud: 'billing-api' }), 'JWT_INVALID', /audience/)
      await refused(t, rsApp(), rs256({ aud: undefined }), 'JWT_INVALID', /audience/)
    })

    it('refuses a tampered payload (claims changed, signature kept)', async () => {
      const [h, , s] = rs256().split('.')
      await refused(t, rsApp(), `${h}.${b64url(claims({ sub: 'root', role: 'admin' }))}.${s}`, 'JWT_INVALID', /signature/)
    })

    it('refuses a token signed by another key', async () => {
      const other = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey
      await refused(t, rsApp(), forge({ alg: 'RS256' }, claims(), { rsa: other }), 'JWT_INVALID', /signature/)
    })

    it('refuses malformed tokens', async () => {
      const app = rsApp()
      const [h, p, s] = rs256().split('.')
      const malformed = [
        'abc',
        'a.b',
        '..',
        'a.b.c.d.e',
        `${h}.${p}`,
        `${h}.${p}.${s}.`,
        `${h}.${p}.${s}==`,
        `${b64url('not json')}.${p}.${s}`,
        `${b64url('[1,2]')}.${p}.${s}`,
        `${b64url('null')}.${p}.${s}`,
        `${h}.${b64url('not json')}.${s}`,
        `${b64url({ alg: 'RS256', kid: 42 })}.${p}.${s}`,
        `${h}.${p}.${s}%00`,
      ]
      for (const token of malformed) await refused(t, app, token)
    })

    it('refuses a validly signed payload that is not a JSON object as malformed, with or without issuer and audience set', async () => {
      // `123` used to come back as "not meant for this audience": jsonwebtoken checked aud on the number.
      for (const payload of ['123', '"ada"', 'true', 'null', '[1,2]', 'just text']) {
        const token = forge({ alg: 'RS256' }, payload, { rsa: keyPair('rsa').privateKey })
        for (const app of [rsApp(), rsApp({ issuer: undefined, audience: undefined })]) {
          const body = await refused(t, app, token, 'JWT_INVALID', /^The token is malformed: its payload is not a JSON object\.$/)
          assert.doesNotMatch(body.detail, /audience|issuer/, payload)
        }
      }
    })

    it('refuses an oversized token before parsing it', async () => {
      const big = rs256({ pad: 'x'.repeat(9_000) })
      assert.ok(big.length > 8192)
      await refused(t, rsApp(), big, 'JWT_INVALID', /too long/)
      // Same length but garbage: the length check comes first, so the answer does not depend on the content.
      await refused(t, rsApp(), '%'.repeat(big.length), 'JWT_INVALID', /too long/)
      await refused(t, rsApp({ maxTokenLength: 100 }), rs256(), 'JWT_INVALID', /too long/)
    })

    it('refuses a token without exp (requireExp, the default), accepts it only when requireExp is false', async () => {
      await refused(t, rsApp(), rs256({ exp: undefined }), 'JWT_INVALID', /no expiry/)
      const res = await t.request(rsApp({ requireExp: false }), { url: '/orders', headers: bearer(rs256({ exp: undefined })) })
      assert.equal(res.status, 200)
    })

    it('refuses a non-numeric exp', async () => {
      await refused(t, rsApp(), rs256({ exp: 'never' }))
    })

    it('refuses a token without a subject', async () => {
      await refused(t, rsApp(), rs256({ sub: undefined }), 'JWT_INVALID', /no subject/)
      await refused(t, rsApp(), rs256({ sub: 42 }), 'JWT_INVALID', /no subject/)
    })

    it('refuses critical header parameters it does not understand (RFC 7515 §4.1.11)', async () => {
      await refused(t, rsApp(), rs256({}, { crit: ['exp'], exp: 1 }), 'JWT_INVALID', /critical/)
    })

    it('never follows jku/x5u/jwk headers: a token signed by an attacker key that it points to is refused', async () => {
      const attacker = generateKeyPairSync('rsa', { modulusLength: 2048 })
      const jwk = attacker.publicKey.export({ format: 'jwk' })
      const token = forge({ alg: 'RS256', jku: 'http://127.0.0.1:1/jwks.json', x5u: 'http://127.0.0.1:1/cert', jwk }, claims(), { rsa: attacker.privateKey })
      await refused(t, rsApp(), token, 'JWT_INVALID', /signature/)
    })

    it('treats a kid as an opaque name: path traversal and injection find no key', async () => {
      const app = rsApp({ publicKeys: { main: keyPair('rsa').publicPem } })
      for (const kid of ['../../../../dev/null', "' OR 1=1 --", '__proto__', 'constructor', 'main\u0000']) {
        await refused(t, app, rs256({}, { kid }), 'JWT_INVALID', /unknown key/)
      }
    })

    it('refuses an HS256 token signed with a different secret', async () => {
      const app = testApp()
      app.register(jwt, { secret: SECRET, algorithms: ['HS256'], clock: clock.now })
      app.get('/orders', () => 'ok')
      const token = jsonwebtoken.sign({ sub: 'ada', iat: now() }, 'x'.repeat(32), { algorithm: 'HS256', expiresIn: 60 })
      await refused(t, app as ReturnType<typeof rsApp>, token, 'JWT_INVALID', /signature/)
    })
  })
})
