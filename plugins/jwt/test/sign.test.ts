/**
 * @module test/sign — issuing tokens: the signer service the plugin provides (configured secret or private
 * key, expiry required by default, iss/aud defaults) and createSigner() on its own; and the tokens a signer
 * refuses to issue because the verifier would refuse them (JWT_SIGN_INVALID, saying what to change).
 */
import assert from 'node:assert/strict'
import jsonwebtoken from 'jsonwebtoken'
import { reply } from 'vectora'
import { createSigner, jwt, type JwtOptions, type Signer } from '../src/index.js'
import { forEachTransport, transports, useCleanup } from 'vectora/testing'
import { assertInvalid, bearer, fakeClock, keyPair, SECRET, testApp } from './support.js'

const viaInject = transports.find((t) => t.name === 'inject')!

/** For assert.throws: a refusal of sign() with the stable code, matching every pattern. */
function signRefused(...patterns: RegExp[]) {
  return (error: unknown): boolean => {
    const e = error as { code?: unknown; name?: unknown; message: string }
    assert.equal(e.code, 'JWT_SIGN_INVALID', String(error))
    assert.equal(e.name, 'JwtSignError')
    assert.ok(error instanceof TypeError, 'still a TypeError, as sign() threw before it had a code')
    for (const p of patterns) assert.match(e.message, p)
    return true
  }
}

/** The signer service of a registration with `options` (taken from a route that injects it), and the app. */
async function pluginSigner(options: JwtOptions): Promise<{ signer: Signer; app: ReturnType<typeof testApp> }> {
  const app = testApp()
  let signer: Signer | undefined
  app.register(jwt, { ...options, skip: (req) => req.path === '/signer' })
  app.get('/signer', { inject: ['jwt'] }, (_req, deps) => {
    signer = deps.jwt as Signer
    return 'ok'
  })
  app.get('/me', (req) => ({ subject: req.auth?.subject }))
  assert.equal((await app.inject({ url: '/signer' })).status, 200)
  return { signer: signer!, app }
}

describe('@vectora/jwt: signing', () => {
  forEachTransport((t) => {
    it('provides a signer as the `jwt` service; the tokens it issues authenticate', async () => {
      const app = testApp()
      app.register(jwt, {
        secret: SECRET,
        algorithms: ['HS256'],
        issuer: 'https://api.example',
        audience: 'api',
        clock: fakeClock().now,
        skip: (req) => req.path === '/login',
      })
      app.post('/login', { inject: ['jwt'] }, (_req, deps) => reply.json({ token: (deps.jwt as Signer).sign({ sub: 'ada' }, { expiresIn: '10m' }) }))
      app.get('/me', (req) => ({ subject: req.auth?.subject, iss: req.auth?.claims.iss, aud: req.auth?.claims.aud }))
      const { token } = (await t.request(app, { method: 'POST', url: '/login' })).json()
      const res = await t.request(app, { url: '/me', headers: bearer(token) })
      assert.equal(res.status, 200, res.text())
      assert.deepEqual(res.json(), { subject: 'ada', iss: 'https://api.example', aud: 'api' })
    })

    it('signs with the configured private key and keyId; the public half verifies', async () => {
      const { privatePem } = keyPair('rsa')
      const app = testApp()
      app.register(jwt, {
        privateKey: privatePem,
        keyId: 'k-2024',
        algorithms: ['RS256'],
        service: 'tokens',
        clock: fakeClock().now,
        skip: (req) => req.path === '/login',
      })
      app.post('/login', { inject: ['tokens'] }, (_req, deps) => ({ token: (deps.tokens as Signer).sign({ sub: 'linus' }, { expiresIn: 60 }) }))
      app.get('/me', (req) => ({ subject: req.auth?.subject }))
      const { token } = (await t.request(app, { method: 'POST', url: '/login' })).json()
      assert.equal(jsonwebtoken.decode(token, { complete: true })?.header.kid, 'k-2024')
      assert.equal(jsonwebtoken.decode(token, { complete: true })?.header.alg, 'RS256')
      assert.deepEqual((await t.request(app, { url: '/me', headers: bearer(token) })).json(), { subject: 'linus' })
    })
  })

  describe('the signer', () => {
    useCleanup()

    it('requires an expiry by default', () => {
      const clock = fakeClock()
      const signer = createSigner({ secret: SECRET, algorithm: 'HS256', clock: clock.now })
      assert.throws(() => signer.sign({ sub: 'ada' }), signRefused(/expiry is required/, /expiresIn: '15m'/))
      const claims = jsonwebtoken.decode(signer.sign({ sub: 'ada' }, { expiresIn: '1h' })) as jsonwebtoken.JwtPayload
      assert.equal(claims.iat, clock.seconds(), "iat comes from the signer's clock")
      assert.equal(claims.exp! - claims.iat!, 3600)
      const withExp = jsonwebtoken.decode(signer.sign({ sub: 'ada', exp: clock.seconds() + 60 })) as jsonwebtoken.JwtPayload
      assert.equal(withExp.exp, clock.seconds() + 60)
    })

    it('refuses to sign a token without a subject, saying how to give it one', () => {
      const signer = createSigner({ secret: SECRET, algorithm: 'HS256', expiresIn: '15m' })
      assert.throws(
        () => signer.sign({ roles: ['user'] }),
        signRefused(/no subject \(sub\)/, /verifier refuses/, /sign\(\{ sub: user\.id/, /\{ subject: user\.id \}/),
      )
      assert.throws(() => signer.sign({ sub: 42 }), signRefused(/sub must be a non-empty string \(got 42\)/))
      assert.throws(() => signer.sign({ sub: '' }), signRefused(/sub must be a non-empty string \(got ""\)/))
      assert.equal((jsonwebtoken.decode(signer.sign({ roles: ['user'] }, { subject: 'ada' })) as jsonwebtoken.JwtPayload).sub, 'ada')
    })

    it('refuses to sign a token that would be expired when issued, or never valid', () => {
      const clock = fakeClock()
      const signer = createSigner({ secret: SECRET, algorithm: 'HS256', clock: clock.now })
      assert.throws(() => signer.sign({ sub: 'ada' }, { expiresIn: -60 }), signRefused(/expired when issued \(its exp is 60 s ago\)/, /positive expiresIn/))
      assert.throws(() => signer.sign({ sub: 'ada', exp: clock.seconds() }), signRefused(/its exp is now/))
      assert.throws(() => signer.sign({ sub: 'ada' }, { expiresIn: '5m', notBefore: '10m' }), signRefused(/never be valid/))
      assert.doesNotThrow(() => signer.sign({ sub: 'ada' }, { expiresIn: '10m', notBefore: '5m' }))
    })

    it('refuses critical header parameters, which the verifier refuses', () => {
      const signer = createSigner({ secret: SECRET, algorithm: 'HS256', expiresIn: 60 })
      assert.throws(() => signer.sign({ sub: 'ada' }, { header: { crit: ['exp'] } }), signRefused(/critical header/, /remove crit/))
    })

    it("uses the signer's default lifetime, and signs without expiry only with requireExpiresIn: false", () => {
      const withDefault = createSigner({ secret: SECRET, algorithm: 'HS256', expiresIn: '15m' })
      const claims = jsonwebtoken.decode(withDefault.sign({ sub: 'ada' })) as jsonwebtoken.JwtPayload
      assert.equal(claims.exp! - claims.iat!, 900)
      const forever = createSigner({ secret: SECRET, algorithm: 'HS256', requireExpiresIn: false })
      assert.equal((jsonwebtoken.decode(forever.sign({ sub: 'ada' })) as jsonwebtoken.JwtPayload).exp, undefined)
    })

    it('refuses a payload that is not a plain object', () => {
      const signer = createSigner({ secret: SECRET, algorithm: 'HS256', expiresIn: 60 })
      assert.throws(() => signer.sign('sub' as never), signRefused(/plain object of claims \(got "sub"\)/))
      assert.throws(() => signer.sign([] as never), signRefused(/plain object of claims \(got an array\)/))
      assert.throws(() => signer.sign(Buffer.from('{}') as never), signRefused(/got a Buffer/))
    })

    it('signs ES256 with an EC private key', () => {
      const { privateKey, publicKey } = keyPair('ec')
      const signer = createSigner({ privateKey, algorithm: 'ES256', expiresIn: 60 })
      const claims = jsonwebtoken.verify(signer.sign({ sub: 'grace' }), publicKey, { algorithms: ['ES256'] }) as jsonwebtoken.JwtPayload
      assert.equal(claims.sub, 'grace')
    })

    it('refuses unsafe signer configurations', () => {
      const { privatePem, publicPem } = keyPair('rsa')
      const cases: Array<[object, RegExp]> = [
        [{ secret: SECRET, algorithm: 'none' }, /"none"/],
        [{ secret: SECRET, algorithm: 'RS256' }, /RS256 cannot sign with a secret key/],
        [{ privateKey: privatePem, algorithm: 'HS256' }, /HS256 cannot sign with an rsa private key/],
        [{ privateKey: privatePem, algorithm: 'ES256' }, /ES256 cannot sign/],
        [{ secret: 'short', algorithm: 'HS256' }, /at least 32/],
        [{ secret: publicPem, algorithm: 'HS256' }, /looks like a PEM key/],
        [{ privateKey: publicPem, algorithm: 'RS256' }, /not a PEM private key/],
        [{ algorithm: 'HS256' }, /exactly one of secret/],
        [{ secret: SECRET, privateKey: privatePem, algorithm: 'HS256' }, /exactly one of secret/],
        [{ secret: SECRET, algorithm: 'HS256', expiresin: 60 }, /unknown signer option "expiresin" \(known: .*expiresIn/],
        [{ secret: SECRET }, /needs an algorithm/],
        [{ secret: SECRET, algorithm: 'HS256', issuer: '' }, /issuer must be a non-empty string \(got ""\)/],
        [{ secret: SECRET, algorithm: 'HS256', audience: [] }, /audience must be .* \(got an array\)/],
        [{ secret: SECRET, algorithm: 'HS256', expiresIn: {} }, /expiresIn must be .* \(got an object\)/],
        [{ secret: SECRET, algorithm: 'HS256', clock: 0 }, /clock must be a function .* \(got 0\)/],
      ]
      for (const [options, message] of cases) {
        assert.throws(
          () => createSigner(options as never),
          (e: any) => e.code === 'JWT_CONFIG_INVALID' && message.test(e.message),
          JSON.stringify(Object.keys(options)),
        )
      }
    })

    it('provides no signer when service is false, or when only public keys are configured', async () => {
      for (const options of [
        { secret: SECRET, algorithms: ['HS256' as const], service: false as const },
        { publicKeys: keyPair('rsa').publicPem, algorithms: ['RS256' as const] },
      ]) {
        const app = testApp()
        app.register(jwt, options)
        app.get('/x', { inject: ['jwt'] }, () => 'x')
        await assert.rejects(app.ready(), (e: any) => e.code === 'VEC_ERR_DI_MISSING')
      }
    })
  })

  describe("the plugin's signer refuses what its registration refuses", () => {
    useCleanup()

    it("refuses a token without sub, as the verifier would (the registration's signer service)", async () => {
      const { signer } = await pluginSigner({ secret: SECRET, algorithms: ['HS256'] })
      assert.throws(() => signer.sign({ roles: ['user'] }, { expiresIn: '5m' }), signRefused(/no subject \(sub\)/))
      // Its own expiry message: the plugin's signer has no expiresIn or requireExpiresIn to set.
      assert.throws(() => signer.sign({ sub: 'ada' }), signRefused(/expiry is required: pass \{ expiresIn: '15m' \}, or put an exp claim/))
    })

    it('requires an accepted issuer when several are accepted (no default iss), and refuses another one', async () => {
      const { signer, app } = await pluginSigner({ secret: SECRET, algorithms: ['HS256'], issuer: ['https://a.example', 'https://b.example'] })
      assert.throws(() => signer.sign({ sub: 'ada' }, { expiresIn: '5m' }), signRefused(/no issuer \(iss\)/, /pass \{ issuer: "https:\/\/a\.example" \}/))
      assert.throws(
        () => signer.sign({ sub: 'ada' }, { expiresIn: '5m', issuer: 'https://evil.example' }),
        signRefused(/iss "https:\/\/evil\.example" is not an issuer this registration accepts/),
      )
      const token = signer.sign({ sub: 'ada' }, { expiresIn: '5m', issuer: 'https://b.example' })
      assert.deepEqual((await app.inject({ url: '/me', headers: bearer(token) })).json(), { subject: 'ada' })
    })

    it('requires an accepted audience when it is not a single string, and refuses another one', async () => {
      const { signer, app } = await pluginSigner({ secret: SECRET, algorithms: ['HS256'], audience: /^orders(-v\d)?$/ })
      assert.throws(() => signer.sign({ sub: 'ada' }, { expiresIn: '5m' }), signRefused(/no audience \(aud\)/, /\/\^orders/))
      assert.throws(
        () => signer.sign({ sub: 'ada', aud: ['billing'] }, { expiresIn: '5m' }),
        signRefused(/aud "billing" names no audience this registration accepts/),
      )
      const token = signer.sign({ sub: 'ada', aud: ['billing', 'orders-v2'] }, { expiresIn: '5m' })
      assert.equal((await app.inject({ url: '/me', headers: bearer(token) })).status, 200)
    })

    it('issues the required typ by default, and refuses a header that overrides it', async () => {
      const { signer, app } = await pluginSigner({ secret: SECRET, algorithms: ['HS256'], typ: 'at+jwt' })
      const token = signer.sign({ sub: 'ada' }, { expiresIn: '5m' })
      assert.equal(jsonwebtoken.decode(token, { complete: true })?.header.typ, 'at+jwt')
      assert.equal((await app.inject({ url: '/me', headers: bearer(token) })).status, 200)
      assert.throws(
        () => signer.sign({ sub: 'ada' }, { expiresIn: '5m', header: { typ: 'JWT' } }),
        signRefused(/typ header "JWT" is not the "at\+jwt" this registration requires/),
      )
    })

    it('refuses a token longer than maxTokenLength', async () => {
      const { signer } = await pluginSigner({ secret: SECRET, algorithms: ['HS256'], maxTokenLength: 200 })
      assert.throws(() => signer.sign({ sub: 'ada', pad: 'x'.repeat(200) }, { expiresIn: '5m' }), signRefused(/over the maxTokenLength of 200/, /fewer claims/))
    })

    it("signs and verifies on the registration's clock: its tokens expire when that clock passes exp", async () => {
      const clock = fakeClock()
      const { signer, app } = await pluginSigner({ secret: SECRET, algorithms: ['HS256'], clock: clock.now })
      const token = signer.sign({ sub: 'ada' }, { expiresIn: 60 })
      assert.equal((jsonwebtoken.decode(token) as jsonwebtoken.JwtPayload).iat, clock.seconds())
      assert.equal((await viaInject.request(app, { url: '/me', headers: bearer(token) })).status, 200)
      clock.advance(65_000) // exp + clockTolerance
      assertInvalid(await viaInject.request(app, { url: '/me', headers: bearer(token) }), 'JWT_EXPIRED')
    })
  })
})
