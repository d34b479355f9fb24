/**
 * @module test/jwks — keys from a JWKS served by a real Vectora app on a loopback port: caching, one shared
 * fetch, key rotation (an unknown kid triggers one refetch), kid flooding (no more than one fetch per
 * cooldown), failures (503, cached keys kept), the size cap, the timeout, redirects and unusable keys.
 * The cache runs on a fake clock: cooldown and maxAge elapse when a test advances it, never by waiting.
 */
import assert from 'node:assert/strict'
import { generateKeyPairSync, randomUUID, type KeyObject } from 'node:crypto'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import jsonwebtoken from 'jsonwebtoken'
import { reply } from 'vectora'
import { jwt, type JwksOptions } from '../src/index.js'
import { forEachTransport, listen, onCleanup, type Transport } from 'vectora/testing'
import { assertInvalid, assertProblem, bearer, fakeClock, keyPair, testApp, type FakeClock } from './support.js'

/** The clock of the tests that do not move time; a test that advances time makes its own. */
const still = fakeClock()
const jwkOf = (publicKey: KeyObject, kid: string, extra: Record<string, unknown> = {}) => ({
  ...publicKey.export({ format: 'jwk' }),
  kid,
  alg: 'RS256',
  use: 'sig',
  ...extra,
})
/** An RS256 token valid for 5 minutes from `clock`'s now (jsonwebtoken counts expiresIn from iat). */
const token = (privateKey: KeyObject, kid: string, sub = 'ada', clock: FakeClock = still) =>
  jsonwebtoken.sign({ sub, iat: clock.seconds() }, privateKey, { algorithm: 'RS256', expiresIn: '5m', keyid: kid })

/** A Vectora app serving a JWKS on 127.0.0.1: `keys` is what it serves now, `hits` how often it was fetched. */
async function jwksServer(initial: object[]) {
  const server = testApp()
  const state = { keys: initial, hits: 0, mode: 'ok' as 'ok' | 'fail' | 'big' | 'redirect' }
  server.get('/.well-known/jwks.json', () => {
    state.hits++
    if (state.mode === 'fail') return reply.json({ error: 'down' }, { status: 500 })
    if (state.mode === 'big') return { keys: state.keys, pad: 'x'.repeat(100_000) }
    if (state.mode === 'redirect') return reply.redirect('http://127.0.0.1:1/jwks.json')
    return { keys: state.keys }
  })
  const port = await listen(server)
  return Object.assign(state, { url: `http://127.0.0.1:${port}/.well-known/jwks.json` })
}

function apiWith(url: string, jwks?: JwksOptions, clock: FakeClock = still) {
  const app = testApp()
  app.register(jwt, { jwksUrl: url, algorithms: ['RS256'], clock: clock.now, ...(jwks === undefined ? {} : { jwks }) })
  app.get('/me', (req) => ({ subject: req.auth?.subject }))
  return app
}

const get = (t: Transport, app: ReturnType<typeof apiWith>, tok?: string) => t.request(app, { url: '/me', headers: tok === undefined ? {} : bearer(tok) })

describe('@vectora/jwt: JWKS', () => {
  forEachTransport((t) => {
    it('verifies tokens with keys fetched from the JWKS, then served from the cache', async () => {
      const { publicKey, privateKey } = keyPair('rsa')
      const jwks = await jwksServer([jwkOf(publicKey, 'k1')])
      const app = apiWith(jwks.url)
      for (const sub of ['a', 'b', 'c']) assert.deepEqual((await get(t, app, token(privateKey, 'k1', sub))).json(), { subject: sub })
      assert.equal(jwks.hits, 1)
    })

    it('shares one fetch among concurrent first requests', async () => {
      const { publicKey, privateKey } = keyPair('rsa')
      const jwks = await jwksServer([jwkOf(publicKey, 'k1')])
      const app = apiWith(jwks.url)
      const results = await Promise.all(Array.from({ length: 20 }, () => get(t, app, token(privateKey, 'k1'))))
      assert.deepEqual(
        results.map((r) => r.status),
        Array(20).fill(200),
      )
      assert.equal(jwks.hits, 1)
    })

    it('on key rotation, a token with a new kid triggers exactly one refetch, once the cooldown allows it', async () => {
      const k1 = keyPair('rsa')
      const k2 = keyPair('rsa2')
      const clock = fakeClock()
      const jwks = await jwksServer([jwkOf(k1.publicKey, 'k1')])
      const app = apiWith(jwks.url, undefined, clock) // default cooldown: 30 s
      assert.equal((await get(t, app, token(k1.privateKey, 'k1', 'ada', clock))).status, 200)
      assert.equal(jwks.hits, 1)
      jwks.keys = [jwkOf(k2.publicKey, 'k2')] // the provider rotated: k1 retired, k2 in use
      assert.match(assertInvalid(await get(t, app, token(k2.privateKey, 'k2', 'rotated', clock))).detail, /unknown key/)
      assert.equal(jwks.hits, 1, 'inside the cooldown the new kid does not cause a fetch')
      clock.advance(30_000)
      assert.deepEqual((await get(t, app, token(k2.privateKey, 'k2', 'rotated', clock))).json(), { subject: 'rotated' })
      assert.equal(jwks.hits, 2)
      assert.equal((await get(t, app, token(k2.privateKey, 'k2', 'ada', clock))).status, 200)
      assert.equal(jwks.hits, 2, 'a known kid is served from the cache')
      // The retired key is gone from the refetched set: its tokens stop working.
      clock.advance(30_000)
      assertInvalid(await get(t, app, token(k1.privateKey, 'k1', 'ada', clock)))
      assert.equal(jwks.hits, 3)
    })

    it('does not refetch more than once per cooldown, however many unknown kids arrive', async () => {
      const { publicKey, privateKey } = keyPair('rsa')
      const jwks = await jwksServer([jwkOf(publicKey, 'k1')])
      const clock = fakeClock()
      const app = apiWith(jwks.url, undefined, clock) // default cooldown: 30 s
      assert.equal((await get(t, app, token(privateKey, 'k1', 'ada', clock))).status, 200)
      assert.equal(jwks.hits, 1)
      const flood = Array.from({ length: 50 }, () => token(privateKey, randomUUID(), 'ada', clock))
      for (const tok of flood.slice(0, 10)) assertInvalid(await get(t, app, tok))
      for (const res of await Promise.all(flood.slice(10).map((tok) => get(t, app, tok)))) assertInvalid(res)
      assert.equal(jwks.hits, 1, 'no refetch inside the cooldown')
      assert.equal((await get(t, app, token(privateKey, 'k1', 'ada', clock))).status, 200, 'valid tokens keep working during the flood')
      clock.advance(29_999)
      assertInvalid(await get(t, app, flood[0]))
      assert.equal(jwks.hits, 1, 'still inside the cooldown, 1 ms before its end')
      clock.advance(1)
      for (const res of await Promise.all(flood.map((tok) => get(t, app, tok)))) assertInvalid(res)
      assert.equal(jwks.hits, 2, 'once the cooldown is over, the next flood costs one fetch')
      assert.deepEqual(
        app.logger.lines.filter((l) => l.level === 'error'),
        [],
      )
    })

    it('answers 503 JWT_KEYS_UNAVAILABLE with Retry-After while no key set could be fetched, and logs why', async () => {
      const { publicKey, privateKey } = keyPair('rsa')
      const jwks = await jwksServer([jwkOf(publicKey, 'k1')])
      jwks.mode = 'fail'
      const clock = fakeClock()
      const app = apiWith(jwks.url, undefined, clock) // default cooldown: 30 s
      const res = await get(t, app, token(privateKey, 'k1', 'ada', clock))
      assertProblem(res, 503, 'JWT_KEYS_UNAVAILABLE')
      assert.equal(res.headers['retry-after'], '30', 'the next attempt is a cooldown away')
      const warning = app.logger.lines.find((l) => l.level === 'warn')
      assert.match(warning?.fields.error ?? '', /answered 500/)
      assert.equal(warning?.fields.hasKeys, false)
      assert.match(warning?.msg ?? '', /no keys yet/)
      // The core logs every 5xx reply: here the 503 itself, never a crash.
      assert.deepEqual(
        app.logger.lines.filter((l) => l.level === 'error').map((l) => l.fields.err?.status),
        [503],
      )
      // Failed attempts count against the cooldown too: a later request does not hit the failing endpoint...
      clock.advance(12_000)
      const later = await get(t, app, token(privateKey, 'k1', 'ada', clock))
      assertProblem(later, 503, 'JWT_KEYS_UNAVAILABLE')
      assert.equal(later.headers['retry-after'], '18')
      assert.equal(jwks.hits, 1)
      // ...until the cooldown is over; and once the endpoint recovers, tokens verify.
      clock.advance(18_000)
      jwks.mode = 'ok'
      assert.equal((await get(t, app, token(privateKey, 'k1', 'ada', clock))).status, 200)
      assert.equal(jwks.hits, 2)
    })

    it('refreshes the key set once it is older than maxAge, and serves it from the cache until then', async () => {
      const k1 = keyPair('rsa')
      const k2 = keyPair('rsa2')
      const clock = fakeClock()
      const jwks = await jwksServer([jwkOf(k1.publicKey, 'k1')])
      const app = apiWith(jwks.url, undefined, clock) // default maxAge: 10 min
      assert.equal((await get(t, app, token(k1.privateKey, 'k1', 'ada', clock))).status, 200)
      jwks.keys = [jwkOf(k2.publicKey, 'k2')] // k1 retired at the provider
      clock.advance(599_999)
      assert.equal((await get(t, app, token(k1.privateKey, 'k1', 'ada', clock))).status, 200, 'the cached set is still fresh')
      assert.equal(jwks.hits, 1)
      clock.advance(1)
      assertInvalid(await get(t, app, token(k1.privateKey, 'k1', 'ada', clock)))
      assert.equal(jwks.hits, 2, 'one refresh at maxAge; the retired kid then falls in its cooldown')
    })

    it('keeps verifying with the cached keys when a refresh fails', async () => {
      const { publicKey, privateKey } = keyPair('rsa')
      const clock = fakeClock()
      const jwks = await jwksServer([jwkOf(publicKey, 'k1')])
      const app = apiWith(jwks.url, undefined, clock) // default maxAge 10 min, cooldown 30 s
      assert.equal((await get(t, app, token(privateKey, 'k1', 'ada', clock))).status, 200)
      jwks.mode = 'fail'
      clock.advance(600_000) // the set is stale: this request refreshes it, and the refresh fails
      assert.equal((await get(t, app, token(privateKey, 'k1', 'ada', clock))).status, 200)
      assert.equal(jwks.hits, 2)
      const warning = app.logger.lines.find((l) => l.level === 'warn')
      assert.equal(warning?.fields.hasKeys, true)
      assert.match(warning?.msg ?? '', /keeping the previous keys/)
      // Still stale, but the failed attempt counts against the cooldown: no fetch per request.
      assert.equal((await get(t, app, token(privateKey, 'k1', 'ada', clock))).status, 200)
      assert.equal(jwks.hits, 2)
      clock.advance(30_000)
      jwks.mode = 'ok'
      assert.equal((await get(t, app, token(privateKey, 'k1', 'ada', clock))).status, 200)
      assert.equal((await get(t, app, token(privateKey, 'k1', 'ada', clock))).status, 200)
      assert.equal(jwks.hits, 3, 'the successful refresh makes the set fresh again')
    })

    it('refuses a JWKS larger than maxBytes', async () => {
      const { publicKey, privateKey } = keyPair('rsa')
      const jwks = await jwksServer([jwkOf(publicKey, 'k1')])
      jwks.mode = 'big'
      const app = apiWith(jwks.url, { maxBytes: 16_384 })
      assertProblem(await get(t, app, token(privateKey, 'k1')), 503, 'JWT_KEYS_UNAVAILABLE')
      assert.match(app.logger.lines.find((l) => l.level === 'warn')?.fields.error ?? '', /cap/)
    })

    it('does not follow redirects from the JWKS URL', async () => {
      const { publicKey, privateKey } = keyPair('rsa')
      const jwks = await jwksServer([jwkOf(publicKey, 'k1')])
      jwks.mode = 'redirect'
      assertProblem(await get(t, apiWith(jwks.url), token(privateKey, 'k1')), 503, 'JWT_KEYS_UNAVAILABLE')
    })

    it('uses only public RSA/EC signature keys bound to an accepted algorithm', async () => {
      const good = keyPair('rsa')
      const other = keyPair('rsa2')
      const priv = keyPair('rsa3')
      const jwks = await jwksServer([
        { kty: 'oct', kid: 'oct', k: Buffer.from('s'.repeat(32)).toString('base64url'), alg: 'HS256' },
        jwkOf(other.publicKey, 'enc', { use: 'enc' }),
        jwkOf(other.publicKey, 'rs512', { alg: 'RS512' }),
        { ...priv.privateKey.export({ format: 'jwk' }), kid: 'priv', alg: 'RS256' },
        jwkOf(other.publicKey, 'ops', { key_ops: ['encrypt'] }),
        jwkOf(good.publicKey, 'good'),
        jwkOf(other.publicKey, 'good'), // a duplicate kid: the first one wins
      ])
      const app = apiWith(jwks.url)
      assert.equal((await get(t, app, token(good.privateKey, 'good'))).status, 200)
      for (const [kid, key] of [
        ['enc', other],
        ['rs512', other],
        ['priv', priv],
        ['ops', other],
      ] as const) {
        assert.match(assertInvalid(await get(t, app, token(key.privateKey, kid))).detail, /unknown key/, kid)
      }
      assertInvalid(await get(t, app, token(other.privateKey, 'good')))
      const warning = app.logger.lines.find((l) => l.msg.includes('skipped'))
      assert.equal(warning?.fields.skipped.length, 6)
    })
  })

  describe('transport failures', () => {
    forEachTransport((t) => {
      /** A plain node:http server for what a well-behaved server will not do: hang, or stream past the cap. */
      async function rawServer(handler: http.RequestListener): Promise<string> {
        const sockets = new Set<import('node:net').Socket>()
        const server = http.createServer(handler)
        server.on('connection', (s) => {
          sockets.add(s)
          s.on('close', () => sockets.delete(s))
        })
        await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
        onCleanup(() => {
          for (const s of sockets) s.destroy()
          return new Promise((resolve) => server.close(resolve))
        })
        return `http://127.0.0.1:${(server.address() as AddressInfo).port}/jwks.json`
      }

      it('gives up on a JWKS endpoint that does not answer within the timeout', async () => {
        const url = await rawServer(() => {
          /* never answers */
        })
        const app = apiWith(url, { timeout: 200 })
        assertProblem(await get(t, app, token(keyPair('rsa').privateKey, 'k1')), 503, 'JWT_KEYS_UNAVAILABLE')
        assert.match(app.logger.lines.find((l) => l.level === 'warn')?.fields.error ?? '', /timeout|abort/i)
      })

      it('stops reading a streamed JWKS (no content-length) as soon as it passes maxBytes', async () => {
        let written = 0
        const url = await rawServer((_req, res) => {
          res.writeHead(200, { 'content-type': 'application/json' })
          const chunk = Buffer.alloc(4096, 0x20)
          const pump = (): void => {
            while (written < 10_000_000 && res.write(chunk)) written += chunk.length
            if (written < 10_000_000) res.once('drain', pump)
            else res.end()
          }
          res.write('{"keys":[],"pad":"')
          pump()
        })
        const app = apiWith(url, { maxBytes: 8192 })
        assertProblem(await get(t, app, token(keyPair('rsa').privateKey, 'k1')), 503, 'JWT_KEYS_UNAVAILABLE')
        assert.match(app.logger.lines.find((l) => l.level === 'warn')?.fields.error ?? '', /cap/)
        assert.ok(written < 10_000_000, 'the client stopped reading')
      })
    })
  })

  describe('ES256 keys', () => {
    forEachTransport((t) => {
      it('verifies ES256 tokens from an EC JWK', async () => {
        const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' })
        const jwks = await jwksServer([{ ...publicKey.export({ format: 'jwk' }), kid: 'e1', use: 'sig' }])
        const app = testApp()
        app.register(jwt, { jwksUrl: jwks.url, algorithms: ['ES256'], clock: still.now })
        app.get('/me', (req) => ({ subject: req.auth?.subject }))
        const tok = jsonwebtoken.sign({ sub: 'ec', iat: still.seconds() }, privateKey, { algorithm: 'ES256', expiresIn: '5m', keyid: 'e1' })
        assert.deepEqual((await t.request(app, { url: '/me', headers: bearer(tok) })).json(), { subject: 'ec' })
      })
    })
  })
})
