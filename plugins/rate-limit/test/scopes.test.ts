/**
 * @module test/scopes — a limit belongs to the scope it was registered in: a group's limit never touches
 * another group or the root, and sibling groups may each have their own policy.
 */
import assert from 'node:assert/strict'
import { memoryStore, rateLimit } from '@vectora/rate-limit'
import { forEachTransport } from 'vectora/testing'
import { hit, testApp } from './support.js'

describe('rate-limit: scopes', () => {
  forEachTransport((t) => {
    it('limits only the group it was registered in: other groups and the root are untouched', async () => {
      const app = testApp()
      app.group('/login', (g) => {
        g.register(rateLimit, { limit: 1, window: 60_000 })
        g.post('/', () => 'welcome')
      })
      app.group('/api', (g) => g.get('/items', () => []))
      app.get('/', () => 'home')
      assert.deepEqual(await hit(t, app, 2, { method: 'POST', url: '/login' }), [200, 429])
      assert.deepEqual(await hit(t, app, 3, { url: '/api/items' }), [200, 200, 200])
      const home = await t.request(app, { url: '/' })
      assert.equal(home.status, 200)
      assert.equal(home.headers['ratelimit-policy'], undefined)
      assert.equal(home.headers.ratelimit, undefined)
    })

    it('applies each sibling group its own policy', async () => {
      const app = testApp()
      app.group('/login', (g) => {
        g.register(rateLimit, { limit: 1, window: 60_000, policyName: 'login' })
        g.post('/', () => 'welcome')
      })
      app.group('/api', (g) => {
        g.register(rateLimit, { limit: 3, window: 1_000, policyName: 'api' })
        g.get('/items', () => [])
      })
      assert.deepEqual(await hit(t, app, 2, { method: 'POST', url: '/login' }), [200, 429])
      const api = await t.request(app, { url: '/api/items' })
      assert.equal(api.headers['ratelimit-policy'], '"api";q=3;w=1')
      assert.match(api.headers.ratelimit, /^"api";r=2;t=1$/)
      const login = await t.request(app, { method: 'POST', url: '/login' })
      assert.equal(login.headers['ratelimit-policy'], '"login";q=1;w=60')
    })

    it('keeps the budgets of sibling groups apart even on one shared store', async () => {
      const store = memoryStore()
      const app = testApp()
      app.group('/a', (g) => {
        g.register(rateLimit, { limit: 1, window: 60_000, store, policyName: 'a' })
        g.get('/', () => 'a')
      })
      app.group('/b', (g) => {
        g.register(rateLimit, { limit: 1, window: 60_000, store, policyName: 'b' })
        g.get('/', () => 'b')
      })
      assert.deepEqual(await hit(t, app, 2, { url: '/a' }), [200, 429])
      assert.deepEqual(await hit(t, app, 2, { url: '/b' }), [200, 429])
    })

    it('limits nested groups of the scope it was registered in', async () => {
      const app = testApp()
      app.group('/admin', (g) => {
        g.register(rateLimit, { limit: 2, window: 60_000 })
        g.group('/users', (u) => u.get('/', () => []))
        g.get('/stats', () => ({}))
      })
      // One budget for the whole /admin scope.
      assert.deepEqual(await hit(t, app, 2, { url: '/admin/users' }), [200, 200])
      assert.equal((await t.request(app, { url: '/admin/stats' })).status, 429)
    })
  })

  describe('one store, one policy per name', () => {
    it('refuses a second policy with the same name but other limits on one store', () => {
      const store = memoryStore()
      const app = testApp()
      app.group('/a', (g) => g.register(rateLimit, { limit: 1, window: 60_000, store }))
      assert.throws(
        () => app.group('/b', (g) => g.register(rateLimit, { limit: 5, window: 60_000, store })),
        (e: any) => e.code === 'VEC_ERR_PLUGIN_SETUP_FAILED' && /policyName/.test(e.message),
      )
    })
  })
})
