/**
 * @module test/describe — what @vectora/rate-limit tells the API description (`describeApi`: the 429 with its
 * RateLimit headers, the 503 of a store failing closed) and readiness (`rate-limit:<policy>`: a Redis store's
 * PING, critical only when the limit fails closed), against a private redis-server that is killed.
 */
import assert from 'node:assert/strict'
import { setTimeout as sleep } from 'node:timers/promises'
import { memoryStore, rateLimit, type RateLimitStore, redisStore } from '@vectora/rate-limit'
import { privateRedis, testApp } from './support.js'

async function readiness(app: ReturnType<typeof testApp>) {
  const res = await app.inject({ url: '/health/ready' })
  return { status: res.status, checks: (res.json() as { checks?: Record<string, { status: string; critical?: boolean }> }).checks }
}

async function until(app: ReturnType<typeof testApp>, test: (r: Awaited<ReturnType<typeof readiness>>) => boolean) {
  for (let i = 0; i < 150; i++) {
    const r = await readiness(app)
    if (test(r)) return r
    await sleep(20)
  }
  assert.fail('readiness never reached the expected state')
}

describe('@vectora/rate-limit: API description and readiness', () => {
  it('documents the 429 with RateLimit, RateLimit-Policy and Retry-After on the routes of its scope', async () => {
    const app = testApp()
    app.get('/free', () => 'ok')
    app.group('/api', (api) => {
      api.register(rateLimit, { limit: 10, window: 60_000, policyName: 'api' })
      api.get('/things', () => [])
    })
    await app.ready()
    const routes = app.routes()
    assert.deepEqual(routes.find((r) => r.path === '/free')!.contributions, [])
    const things = routes.find((r) => r.path === '/api/things')!
    const operation = things.contributions[0].contribution.operation!(things)!
    const tooMany = operation.responses!['429']
    assert.equal(tooMany.problem, true)
    assert.deepEqual(Object.keys(tooMany.headers!), ['RateLimit', 'RateLimit-Policy', 'Retry-After'])
    assert.match(tooMany.description, /policy "api"/)
    assert.equal(operation.responses!['503'], undefined, 'fails open by default: no 503 of its own')
  })

  it('documents the 503 when the store fails closed', async () => {
    const app = testApp()
    app.register(rateLimit, { limit: 10, window: 60_000, onStoreError: 'closed' })
    app.get('/x', () => 'x')
    await app.ready()
    const route = app.routes().find((r) => r.path === '/x')!
    assert.equal(route.contributions[0].contribution.operation!(route)!.responses!['503']?.problem, true)
  })

  it('adds no readiness check for the in-memory store', async () => {
    const app = testApp()
    app.register(rateLimit, { limit: 10, window: 60_000, store: memoryStore() })
    assert.deepEqual(await readiness(app), { status: 200, checks: undefined })
  })

  it('reports a Redis store down (503 when failing closed) and up again after Redis returns', async () => {
    const redis = await privateRedis()
    const store = redisStore({ url: redis.url, timeout: 200, redisOptions: { retryStrategy: () => 50 } })
    const app = testApp({ health: { interval: 100 } })
    app.register(rateLimit, { limit: 10, window: 60_000, store, onStoreError: 'closed', policyName: 'strict' })
    app.group('/v2', (v2) => v2.register(rateLimit, { limit: 10, window: 60_000, store, policyName: 'strict' }))
    const first = await readiness(app)
    assert.equal(first.status, 200)
    // One store, one check, named after the first policy on it.
    const names = Object.keys(first.checks!)
    assert.deepEqual(names, ['rate-limit:strict'])
    await redis.kill()
    const down = await until(app, (r) => r.status === 503)
    assert.equal(down.checks![names[0]].status, 'down')
    await privateRedis(redis.port)
    await until(app, (r) => r.status === 200)
  })

  it('keeps readiness 200 while a store failing open is down: requests pass anyway', async () => {
    const redis = await privateRedis()
    const store = redisStore({ url: redis.url, timeout: 200, redisOptions: { retryStrategy: () => 50 } })
    const app = testApp({ health: { interval: 100 } })
    app.register(rateLimit, { limit: 10, window: 60_000, store })
    await app.ready()
    await redis.kill()
    const r = await until(app, (x) => Object.values(x.checks ?? {})[0]?.status === 'down')
    assert.equal(r.status, 200)
    const [name] = Object.keys(r.checks!)
    assert.equal(name, 'rate-limit:default')
    assert.equal(r.checks![name].critical, false)
  })

  it('names the checks of two stores under one policy name -2 within an app, and each new app afresh', async () => {
    /** A store with a readiness check of its own (the in-memory one has none). */
    const checked = (): RateLimitStore => {
      const memory = memoryStore()
      return { take: (key, policy) => memory.take(key, policy), check: async () => 'ok', close: () => memory.close() }
    }
    for (let round = 0; round < 2; round++) {
      const app = testApp()
      app.register(rateLimit, { limit: 10, window: 60_000, store: checked(), policyName: 'api' })
      app.group('/b', (b) => b.register(rateLimit, { limit: 5, window: 60_000, store: checked(), policyName: 'api' }))
      const { status, checks } = await readiness(app)
      assert.equal(status, 200)
      assert.deepEqual(Object.keys(checks!).sort(), ['rate-limit:api', 'rate-limit:api-2'], `app ${round + 1}`)
    }
  })
})
