/**
 * @module test/sign — issuing tokens: the signer service the plugin provides (configured secret or private
 * key, expiry required by default, iss/aud defaults) and createSigner() on its own.
 */
import assert from 'node:assert/strict'
import jsonwebtoken from 'jsonwebtoken'
import { reply } from 'vectora'
import { createSigner, jwt, type Signer } from '../src/index.js'
import { bearer, forEachTransport, keyPair, SECRET, testApp, useCleanup } from './support.js'

describe('@vectora/jwt: signing', () => {
  forEachTransport((t) => {
    it('provides a signer as the `jwt` service; the tokens it issues authenticate', async () => {
      const app = testApp()
      app.register(jwt, { secret: SECRET, algorithms: ['HS256'], issuer: 'https://api.example', audience: 'api', skip: (req) => req.path === '/login' })
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
      app.register(jwt, { privateKey: privatePem, keyId: 'k-2024', algorithms: ['RS256'], service: 'tokens', skip: (req) => req.path === '/login' })
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
      const signer = createSigner({ secret: SECRET, algorithm: 'HS256' })
      assert.throws(() => signer.sign({ sub: 'ada' }), /expiry is required/)
      const claims = jsonwebtoken.verify(signer.sign({ sub: 'ada' }, { expiresIn: '1h' }), SECRET) as jsonwebtoken.JwtPayload
      assert.equal(claims.exp! - claims.iat!, 3600)
      assert.ok(jsonwebtoken.verify(signer.sign({ sub: 'ada', exp: Math.floor(Date.now() / 1000) + 60 }), SECRET))
    })

    it('uses the signer\'s default lifetime, and signs without expiry only with requireExpiresIn: false', () => {
      const withDefault = createSigner({ secret: SECRET, algorithm: 'HS256', expiresIn: '15m' })
      const claims = jsonwebtoken.decode(withDefault.sign({ sub: 'ada' })) as jsonwebtoken.JwtPayload
      assert.equal(claims.exp! - claims.iat!, 900)
      const forever = createSigner({ secret: SECRET, algorithm: 'HS256', requireExpiresIn: false })
      assert.equal((jsonwebtoken.decode(forever.sign({ sub: 'ada' })) as jsonwebtoken.JwtPayload).exp, undefined)
    })

    it('refuses a payload that is not a plain object', () => {
      const signer = createSigner({ secret: SECRET, algorithm: 'HS256', expiresIn: 60 })
      assert.throws(() => signer.sign('sub' as never), /plain object/)
      assert.throws(() => signer.sign([] as never), /plain object/)
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
        [{ secret: SECRET, algorithm: 'HS256', expiresin: 60 }, /unknown signer option "expiresin"/],
      ]
      for (const [options, message] of cases) {
        assert.throws(() => createSigner(options as never), (e: any) => e.code === 'JWT_CONFIG_INVALID' && message.test(e.message), JSON.stringify(Object.keys(options)))
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
})
