/**
 * @module test/layered — several limits on one route: an app-wide limit plus a stricter one in a group
 * (`multiple: true`). Each counts its own budget under its own key namespace (memory and Redis), the first
 * to refuse answers 429 with its Retry-After, and the reply carries one RateLimit-Policy list of every
 * policy and one RateLimit value: the strictest. Equal options registered twice are one limit.
 */
import assert from 'node:assert/strict'
import { definePlugin, HttpError, type PluginApp, type VectoraRequest } from 'vectora'
import { memoryStore, rateLimit, redisStore, type RateLimitStore } from '@vectora/rate-limit'
import { strictest } from '../src/headers.js'
import { forEachTransport, useCleanup } from 'vectora/testing'
import { adminRedis, hit, keysUnder, manualClock, REDIS_URL, testApp, uniquePrefix } from './support.js'

/** An app-wide policy `global` and a stricter `login` policy on the /login group, on the given stores. */
function layeredApp(stores: { global: RateLimitStore; login: RateLimitStore }, limits = { global: 3, login: 1 }, window = 60_000) {
  const app = testApp()
  app.register(rateLimit, { limit: limits.global, window, policyName: 'global', store: stores.global })
  app.group('/login', (g) => {
    g.register(rateLimit, { limit: limits.login, window, policyName: 'login', store: stores.login })
    g.post('/', () => 'welcome')
  })
  app.get('/', () => 'home')
  return app
}

describe('rate-limit: layered limits', () => {
  forEachTransport((t) => {
    it("enforces both the app-wide and the group's budget on the group's routes, and the app-wide one elsewhere", async () => {
      const clock = manualClock()
      const app = layeredApp({ global: memoryStore({ clock: clock.now }), login: memoryStore({ clock: clock.now }) })

      const first = await t.request(app, { method: 'POST', url: '/login' })
      assert.equal(first.status, 200)
      assert.deepEqual(first.headerLines('ratelimit-policy'), ['"global";q=3;w=60, "login";q=1;w=60'])
      assert.deepEqual(first.headerLines('ratelimit'), ['"login";r=0;t=60'], 'one line: the strictest policy')

      const refused = await t.request(app, { method: 'POST', url: '/login' })
      assert.equal(refused.status, 429)
      assert.equal(refused.headers['retry-after'], '60')
      assert.deepEqual(refused.json()['violated-policies'], ['login'])
      assert.deepEqual(refused.headerLines('ratelimit'), ['"login";r=0;t=60'])
      assert.deepEqual(refused.headerLines('ratelimit-policy'), ['"global";q=3;w=60, "login";q=1;w=60'])

      // Both login requests spent the app-wide budget too: one unit is left of 3.
      const home = await t.request(app, { url: '/' })
      assert.equal(home.status, 200)
      assert.deepEqual(home.headerLines('ratelimit-policy'), ['"global";q=3;w=60'])
      assert.deepEqual(home.headerLines('ratelimit'), ['"global";r=0;t=20'])
      const spent = await t.request(app, { url: '/' })
      assert.equal(spent.status, 429)
      assert.equal(spent.headers['retry-after'], '20')
      assert.deepEqual(spent.json()['violated-policies'], ['global'])
    })

    it("answers a group route with the app-wide limit's 429 and Retry-After once the app-wide budget is spent first", async () => {
      const clock = manualClock()
      const app = layeredApp({ global: memoryStore({ clock: clock.now }), login: memoryStore({ clock: clock.now }) }, { global: 2, login: 5 })
      assert.deepEqual(await hit(t, app, 2, { method: 'POST', url: '/login' }), [200, 200])
      const refused = await t.request(app, { method: 'POST', url: '/login' })
      assert.equal(refused.status, 429)
      assert.equal(refused.headers['retry-after'], '30')
      assert.deepEqual(refused.json()['violated-policies'], ['global'])
      assert.deepEqual(refused.headerLines('ratelimit'), ['"global";r=0;t=30'])
      assert.deepEqual(refused.headerLines('ratelimit-policy'), ['"global";q=2;w=60, "login";q=5;w=60'])
    })

    it('lists a policy whose phase the request never reached, and takes RateLimit from the policies that counted it', async () => {
      const app = testApp()
      app.register(fakeAuth())
      app.register(rateLimit, { limit: 10, window: 60_000, policyName: 'per-ip' })
      app.group('/me', (g) => {
        g.register(rateLimit, { limit: 2, window: 60_000, key: 'subject', policyName: 'per-user' })
        g.get('/', () => 'me')
      })
      const anonymous = await t.request(app, { url: '/me' })
      assert.equal(anonymous.status, 401)
      assert.deepEqual(anonymous.headerLines('ratelimit-policy'), ['"per-ip";q=10;w=60, "per-user";q=2;w=60'])
      assert.deepEqual(anonymous.headerLines('ratelimit'), ['"per-ip";r=9;t=6'])
      const alice = await hit(t, app, 3, { url: '/me', headers: { authorization: 'let-me-in-alice' } })
      assert.deepEqual(alice, [200, 200, 429])
    })

    it('keeps two policies on one shared memory store under their own keys', async () => {
      const clock = manualClock()
      const store = memoryStore({ clock: clock.now })
      const app = layeredApp({ global: store, login: store })
      assert.equal((await t.request(app, { method: 'POST', url: '/login' })).status, 200)
      assert.equal(store.size, 2, 'one key per policy for the one client')
      assert.equal((await t.request(app, { method: 'POST', url: '/login' })).status, 429)
      assert.equal((await t.request(app, { url: '/' })).status, 200, 'the app-wide budget is its own')
    })

    it('keeps the budgets of an app-wide and a group policy apart in Redis, one key each', async () => {
      const admin = adminRedis()
      const prefix = uniquePrefix(admin)
      const store = redisStore({ url: REDIS_URL, prefix })
      // A window of an hour: no unit comes back while the test runs, whatever Redis' clock says.
      const app = layeredApp({ global: store, login: store }, { global: 3, login: 1 }, 3_600_000)

      const first = await t.request(app, { method: 'POST', url: '/login' })
      assert.equal(first.status, 200)
      assert.deepEqual(first.headerLines('ratelimit-policy'), ['"global";q=3;w=3600, "login";q=1;w=3600'])
      assert.match(first.headerLines('ratelimit').join('\n'), /^"login";r=0;t=\d+$/)
      const keys = (await keysUnder(admin, prefix)).map((k) => k.slice(prefix.length)).sort()
      assert.equal(keys.length, 2)
      assert.match(keys[0], /^global:q3w3600b3:ip:/)
      assert.match(keys[1], /^login:q1w3600b1:ip:/)

      const refused = await t.request(app, { method: 'POST', url: '/login' })
      assert.equal(refused.status, 429)
      assert.deepEqual(refused.json()['violated-policies'], ['login'])
      assert.match(refused.headerLines('ratelimit').join('\n'), /^"login";r=0;t=\d+$/)
      assert.equal(refused.headers['retry-after'], /;t=(\d+)$/.exec(refused.headers.ratelimit)![1])
      assert.deepEqual(await hit(t, app, 2, { url: '/' }), [200, 429], 'the app-wide budget: 3, two spent at /login')
    })

    it('counts a request once when equal options, with a key function and a store instance, are registered twice', async () => {
      const clock = manualClock()
      const options = { limit: 2, window: 60_000, store: memoryStore({ clock: clock.now }), key: (req: VectoraRequest<any>) => req.header('x-client') }
      const app = testApp()
      app.group('/a', (g) => {
        g.register(rateLimit, { ...options }) // a group first, then the app: the app's registration covers the group
        g.get('/', () => 'a')
      })
      app.register(rateLimit, { ...options })
      app.register(rateLimit, { ...options }) // a copy of the options object: same values, same function, same store
      app.group('/b', (g) => {
        g.register(rateLimit, { ...options })
        g.get('/', () => 'b')
      })
      const req = { url: '/a', headers: { 'x-client': 'c1' } }
      const first = await t.request(app, req)
      assert.deepEqual(first.headerLines('ratelimit-policy'), ['"default";q=2;w=60'])
      assert.deepEqual(first.headerLines('ratelimit'), ['"default";r=1;t=30'])
      assert.deepEqual([(await t.request(app, { ...req, url: '/b' })).status, (await t.request(app, req)).status], [200, 429])
    })
  })

  describe('naming', () => {
    useCleanup()

    it('warns once when two limits with one name and their own stores apply to a route', async () => {
      const app = testApp()
      app.register(rateLimit, { limit: 10, window: 60_000 })
      app.group('/login', (g) => {
        g.register(rateLimit, { limit: 2, window: 60_000 })
        g.post('/', () => 'welcome')
      })
      for (let i = 0; i < 2; i++) await app.inject({ method: 'POST', url: '/login' })
      const warnings = app.logger.lines.filter((l) => l.level === 'warn' && /two limits named "default"/.test(l.msg))
      assert.equal(warnings.length, 1)
      assert.match(warnings[0].msg, /POST \/login/)
      assert.match(warnings[0].msg, /policyName/)
    })

    it('never shares a counter between two policies of one name on two Redis stores of one prefix', async () => {
      const admin = adminRedis()
      const prefix = uniquePrefix(admin)
      const app = testApp()
      // Two store objects on the same keys: the per-store name check cannot see both, the quota in the key can.
      app.register(rateLimit, { limit: 100, window: 3_600_000, store: redisStore({ url: REDIS_URL, prefix }) })
      app.group('/login', (g) => {
        g.register(rateLimit, { limit: 2, window: 3_600_000, store: redisStore({ url: REDIS_URL, prefix }) })
        g.post('/', () => 'welcome')
      })
      app.get('/', () => 'home')
      const login = []
      for (let i = 0; i < 3; i++) login.push((await app.inject({ method: 'POST', url: '/login' })).status)
      assert.deepEqual(login, [200, 200, 429])
      const home = await app.inject({ url: '/' })
      assert.equal(home.status, 200)
      assert.match(home.headers.ratelimit, /^"default";r=96;/, 'the app-wide budget counted 4 requests, no more')
      const keys = (await keysUnder(admin, prefix)).map((k) => k.slice(prefix.length)).sort()
      assert.deepEqual(
        keys.map((k) => k.replace(/:ip:.*$/, '')),
        ['default:q100w3600b100', 'default:q2w3600b2'],
      )
    })
  })

  describe('strictest()', () => {
    const item = (name: string, remaining: number, reset: number, allowed = true) => ({
      name,
      item: `"${name}"`,
      decision: { allowed, remaining, reset, retryAfter: allowed ? 0 : reset },
    })

    it('prefers the policy that refused, then the fewest remaining, then the later reset', () => {
      assert.equal(strictest([item('a', 0, 5), item('b', 0, 9, false)])!.name, 'b')
      assert.equal(strictest([item('a', 7, 1), item('b', 2, 30), item('c', 4, 60)])!.name, 'b')
      assert.equal(strictest([item('a', 2, 10), item('b', 2, 30)])!.name, 'b')
      assert.equal(strictest([item('a', 2, 30), item('b', 2, 30)])!.name, 'a', 'an exact tie keeps the first')
    })

    it('ignores policies that did not count the request, and answers undefined when none did', () => {
      assert.equal(strictest([{ name: 'x', item: '"x"' }, item('y', 3, 1)])!.name, 'y')
      assert.equal(strictest([{ name: 'x', item: '"x"' }]), undefined)
    })
  })
})

/** An authenticator: `authorization: let-me-in-<subject>` authenticates `<subject>`, anything else is 401. */
function fakeAuth() {
  return definePlugin({
    name: 'fake-auth',
    version: '1.0.0',
    setup(app: PluginApp) {
      app.decorateRequest('auth')
      app.addHook('authenticate', (req) => {
        const header = req.header('authorization') ?? ''
        if (!header.startsWith('let-me-in-')) throw new HttpError(401, 'Wrong password.', { code: 'BAD_CREDENTIALS' })
        ;(req as { auth?: { subject: string } }).auth = { subject: header.slice('let-me-in-'.length) }
        return undefined
      })
    },
  })
}
