/**
 * @module test/phases — where the limit runs: onRequest (default) before authentication, so guessing
 * credentials is throttled without reaching the authenticator; authorize for per-subject limits.
 */
import assert from 'node:assert/strict'
import { definePlugin, HttpError, type PluginApp } from 'vectora'
import { rateLimit } from '@vectora/rate-limit'
import { forEachTransport } from 'vectora/testing'
import { hit, testApp } from './support.js'

/** An authenticator: `authorization: let-me-in-<subject>` authenticates `<subject>`, anything else is 401. */
function fakeAuth(calls: { count: number }) {
  return definePlugin({
    name: 'fake-auth',
    version: '1.0.0',
    setup(app: PluginApp) {
      app.decorateRequest('auth')
      app.addHook('authenticate', (req) => {
        calls.count++
        const header = req.header('authorization') ?? ''
        if (!header.startsWith('let-me-in-')) throw new HttpError(401, 'Wrong password.', { code: 'BAD_CREDENTIALS' })
        ;(req as { auth?: { subject: string } }).auth = { subject: header.slice('let-me-in-'.length) }
        return undefined
      })
    },
  })
}

describe('rate-limit: phases', () => {
  forEachTransport((t) => {
    it('answers a brute-force attempt with 429 before it reaches authentication', async () => {
      const calls = { count: 0 }
      const app = testApp()
      app.register(rateLimit, { limit: 3, window: 60_000 })
      app.register(fakeAuth(calls))
      app.post('/login', () => 'welcome')
      const statuses = await hit(t, app, 6, { method: 'POST', url: '/login', headers: { authorization: 'guess' } })
      assert.deepEqual(statuses, [401, 401, 401, 429, 429, 429])
      assert.equal(calls.count, 3, 'the authenticator ran only for the requests within the limit')
    })

    it('runs before authentication even when registered after the authenticator', async () => {
      const calls = { count: 0 }
      const app = testApp()
      app.register(fakeAuth(calls))
      app.register(rateLimit, { limit: 1, window: 60_000 })
      app.get('/', () => 'ok')
      assert.deepEqual(await hit(t, app, 3, { url: '/' }), [401, 429, 429])
      assert.equal(calls.count, 1)
    })

    it('limits each authenticated subject separately in the authorize phase', async () => {
      const app = testApp()
      app.register(fakeAuth({ count: 0 }))
      app.register(rateLimit, { limit: 2, window: 60_000, key: 'subject' })
      app.get('/me', () => 'me')
      const alice = await hit(t, app, 3, { url: '/me', headers: { authorization: 'let-me-in-alice' } })
      const bob = await hit(t, app, 3, { url: '/me', headers: { authorization: 'let-me-in-bob' } })
      assert.deepEqual(
        [alice, bob],
        [
          [200, 200, 429],
          [200, 200, 429],
        ],
      )
      const plan = (await app.ready(), app.pipeline('GET', '/me'))
      assert.ok(plan.some((e) => e.phase === 'authorize' && e.plugin === '@vectora/rate-limit'))
    })

    it('does not count requests that authentication refused, with a per-subject limit', async () => {
      const app = testApp()
      app.register(fakeAuth({ count: 0 }))
      app.register(rateLimit, { limit: 1, window: 60_000, key: 'subject' })
      app.get('/me', () => 'me')
      const refused = await hit(t, app, 2, { url: '/me' })
      const unauthenticated = await t.request(app, { url: '/me' })
      const res = await t.request(app, { url: '/me', headers: { authorization: 'let-me-in-alice' } })
      assert.deepEqual([...refused, unauthenticated.status, res.status], [401, 401, 401, 200])
      assert.equal(res.headers.ratelimit, '"default";r=0;t=60')
      // The 401 still advertises the policy; it has no RateLimit value, as it was never counted.
      assert.equal(unauthenticated.headers['ratelimit-policy'], '"default";q=1;w=60')
      assert.equal(unauthenticated.headers.ratelimit, undefined)
    })

    it('falls back to the IP when no plugin set req.auth', async () => {
      const app = testApp()
      app.register(rateLimit, { limit: 1, window: 60_000, key: 'subject' })
      app.get('/', () => 'ok')
      assert.deepEqual(await hit(t, app, 2, { url: '/' }), [200, 429])
    })

    it('neither counts nor limits requests the skip option excludes', async () => {
      const app = testApp()
      app.register(rateLimit, { limit: 1, window: 60_000, skip: (req) => req.path === '/ping' })
      app.get('/ping', () => 'pong')
      app.get('/', () => 'ok')
      assert.deepEqual(await hit(t, app, 3, { url: '/ping' }), [200, 200, 200])
      assert.deepEqual(await hit(t, app, 2, { url: '/' }), [200, 429])
    })
  })

  describe('options', () => {
    it('refuses key: subject in onRequest, where no authentication has run yet', () => {
      const app = testApp()
      assert.throws(
        () => app.register(rateLimit, { limit: 1, window: 60_000, key: 'subject', phase: 'onRequest' }),
        (e: any) => e.code === 'VEC_ERR_PLUGIN_SETUP_FAILED' && /authorize/.test(e.message),
      )
    })

    it('refuses unknown options and impossible values, naming them', () => {
      const cases: Array<[Record<string, unknown>, RegExp]> = [
        [{ limit: 1, window: 60_000, limt: 2 }, /"limt"/],
        [{ limit: 1, window: 1_500 }, /"window"/],
        [{ limit: 1, window: 60_000, onStoreError: 'maybe' }, /"onStoreError"/],
        [{ limit: 1, window: 60_000, policyName: 'a b' }, /"policyName"/],
        [{ limit: 1, window: 60_000, key: 'cookie' }, /"key"/],
        [{ limit: 1, window: 60_000, store: {} }, /"store"/],
      ]
      for (const [options, message] of cases) {
        const app = testApp()
        assert.throws(
          () => app.register(rateLimit, options as any),
          (e: any) => message.test(e.message),
          JSON.stringify(options),
        )
      }
    })
  })
})
