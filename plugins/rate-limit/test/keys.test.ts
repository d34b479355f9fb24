/**
 * @module test/keys — who a request counts against: req.ip per the app's trustProxy (X-Forwarded-For only
 * from a trusted proxy), IPv6 networks, an API-key header, or a function; each falls back to the IP.
 */
import assert from 'node:assert/strict'
import { memoryStore, rateLimit, type RateLimitOptions } from '@vectora/rate-limit'
import { clientNetwork } from '../src/key.js'
import { forEachTransport, useCleanup } from 'vectora/testing'
import { hit, testApp } from './support.js'

/** An app limiting GET / to one request per minute per key. */
function oneRequestApp(options: Partial<RateLimitOptions> = {}, appOptions: Parameters<typeof testApp>[0] = {}) {
  const app = testApp(appOptions)
  app.register(rateLimit, { limit: 1, window: 60_000, ...options })
  app.get('/', () => 'ok')
  return app
}

describe('rate-limit: keys', () => {
  forEachTransport((t) => {
    it('ignores X-Forwarded-For when the app does not trust a proxy (clients cannot spoof a fresh budget)', async () => {
      const app = oneRequestApp()
      const first = await t.request(app, { url: '/', headers: { 'x-forwarded-for': '203.0.113.1' } })
      const spoofed = await t.request(app, { url: '/', headers: { 'x-forwarded-for': '203.0.113.2' } })
      assert.deepEqual([first.status, spoofed.status], [200, 429])
    })

    it('limits each client behind a trusted proxy by its X-Forwarded-For address', async () => {
      const app = oneRequestApp({}, { trustProxy: ['127.0.0.1'] })
      const a = await hit(t, app, 2, { url: '/', headers: { 'x-forwarded-for': '203.0.113.1' } })
      const b = await hit(t, app, 2, { url: '/', headers: { 'x-forwarded-for': '203.0.113.2' } })
      assert.deepEqual(
        [a, b],
        [
          [200, 429],
          [200, 429],
        ],
      )
    })

    it('uses the right-most untrusted hop, so a client cannot prepend addresses to escape its budget', async () => {
      const app = oneRequestApp({}, { trustProxy: 1 })
      const first = await t.request(app, { url: '/', headers: { 'x-forwarded-for': '198.51.100.7' } })
      const prepended = await t.request(app, { url: '/', headers: { 'x-forwarded-for': '10.9.9.9, 198.51.100.7' } })
      assert.deepEqual([first.status, prepended.status], [200, 429])
    })

    it('warns once when X-Forwarded-For arrives but the app does not trust proxies', async () => {
      const app = oneRequestApp({ limit: 10 })
      await hit(t, app, 3, { url: '/', headers: { 'x-forwarded-for': '203.0.113.1' } })
      const warnings = app.logger.lines.filter((l) => l.level === 'warn' && /X-Forwarded-For/.test(l.msg))
      assert.equal(warnings.length, 1)
      assert.match(warnings[0].msg, /trustProxy/)
    })

    it('does not warn when the proxy is trusted', async () => {
      const app = oneRequestApp({ limit: 10 }, { trustProxy: true })
      await hit(t, app, 2, { url: '/', headers: { 'x-forwarded-for': '203.0.113.1' } })
      assert.equal(app.logger.lines.filter((l) => /X-Forwarded-For/.test(l.msg)).length, 0)
    })

    it('keys by an API-key header, one budget per key, the IP without one', async () => {
      const app = oneRequestApp({ key: 'api-key' })
      const k1 = await hit(t, app, 2, { url: '/', headers: { 'x-api-key': 'k1' } })
      const k2 = await hit(t, app, 2, { url: '/', headers: { 'x-api-key': 'k2' } })
      const none = await hit(t, app, 2, { url: '/' })
      assert.deepEqual(
        [k1, k2, none],
        [
          [200, 429],
          [200, 429],
          [200, 429],
        ],
      )
    })

    it('reads the API key from the header named by the header option', async () => {
      const app = oneRequestApp({ key: 'api-key', header: 'Authorization' })
      const a = await hit(t, app, 2, { url: '/', headers: { authorization: 'Bearer a' } })
      const b = await hit(t, app, 1, { url: '/', headers: { authorization: 'Bearer b', 'x-api-key': 'ignored' } })
      assert.deepEqual([a, b], [[200, 429], [200]])
    })

    it('keys by a function, falling back to the IP when it returns nothing', async () => {
      const app = oneRequestApp({ key: (req) => (typeof req.query.tenant === 'string' ? req.query.tenant : undefined) })
      const acme = await hit(t, app, 2, { url: '/?tenant=acme' })
      const globex = await hit(t, app, 2, { url: '/?tenant=globex' })
      const anonymous = await hit(t, app, 2, { url: '/' })
      assert.deepEqual(
        [acme, globex, anonymous],
        [
          [200, 429],
          [200, 429],
          [200, 429],
        ],
      )
    })

    it('awaits an async key function', async () => {
      const app = oneRequestApp({ key: async (req) => req.header('x-tenant') })
      assert.deepEqual(await hit(t, app, 2, { url: '/', headers: { 'x-tenant': 'a' } }), [200, 429])
      assert.deepEqual(await hit(t, app, 1, { url: '/', headers: { 'x-tenant': 'b' } }), [200])
    })
  })

  describe('by peer address (through inject: a socket peer is always 127.0.0.1)', () => {
    useCleanup()

    it('gives every client IP its own budget', async () => {
      const app = oneRequestApp()
      const a = await app.inject({ url: '/', remoteAddress: '192.0.2.1' })
      const b = await app.inject({ url: '/', remoteAddress: '192.0.2.2' })
      const a2 = await app.inject({ url: '/', remoteAddress: '192.0.2.1' })
      assert.deepEqual([a.status, b.status, a2.status], [200, 200, 429])
    })

    it('limits an IPv6 client per /64 network by default', async () => {
      const app = oneRequestApp()
      const first = await app.inject({ url: '/', remoteAddress: '2001:db8:1:2::1' })
      const sameNetwork = await app.inject({ url: '/', remoteAddress: '2001:db8:1:2:ffff::9' })
      const otherNetwork = await app.inject({ url: '/', remoteAddress: '2001:db8:1:3::1' })
      assert.deepEqual([first.status, sameNetwork.status, otherNetwork.status], [200, 429, 200])
    })

    it('limits per IPv6 address with ipv6Prefix: 128', async () => {
      const app = oneRequestApp({ ipv6Prefix: 128 })
      const a = await app.inject({ url: '/', remoteAddress: '2001:db8:1:2::1' })
      const b = await app.inject({ url: '/', remoteAddress: '2001:db8:1:2::2' })
      assert.deepEqual([a.status, b.status], [200, 200])
    })

    it('stores API keys as digests, never in clear', async () => {
      const keys: string[] = []
      const store = memoryStore()
      const spy = { take: (key: string, policy: any) => (keys.push(key), store.take(key, policy)) }
      const app = oneRequestApp({ key: 'api-key', store: spy })
      await app.inject({ url: '/', headers: { 'x-api-key': 'sk_live_secret' } })
      assert.equal(keys.length, 1)
      assert.doesNotMatch(keys[0], /sk_live_secret/)
      assert.match(keys[0], /^default:q1w60b1:key:[A-Za-z0-9_-]{43}$/)
    })
  })

  describe('clientNetwork', () => {
    it('reduces IPv6 addresses to their network and leaves IPv4 as is', () => {
      assert.equal(clientNetwork('203.0.113.9', 64), '203.0.113.9')
      assert.equal(clientNetwork('::ffff:203.0.113.9', 64), '203.0.113.9')
      assert.equal(clientNetwork('2001:db8:1:2:aaaa:bbbb:cccc:dddd', 64), '2001:db8:1:2::/64')
      assert.equal(clientNetwork('2001:DB8::1', 48), '2001:db8::/48')
      assert.equal(clientNetwork('2001:db8:abcd:12ff::1', 56), '2001:db8:abcd:1200::/56')
      assert.equal(clientNetwork('fe80::1%eth0', 64), 'fe80::/64')
      assert.equal(clientNetwork('::1', 64), '::/64')
      assert.equal(clientNetwork('2001:db8::1', 128), '2001:db8::1')
      assert.equal(clientNetwork('64:ff9b::192.0.2.33', 96), '64:ff9b::/96')
    })
  })
})
