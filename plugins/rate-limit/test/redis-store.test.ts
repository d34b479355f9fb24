/**
 * @module test/redis-store — the Redis store against a real Redis: the same GCRA as the memory store, one
 * atomic script step per request, keys that expire, two app processes sharing one budget, and a Redis that
 * dies mid-test: the configured failure mode, answered at once (no request waits for Redis to come back).
 *
 * The shared Redis (127.0.0.1:6379, started by CI) is only touched under a unique prefix per test, deleted
 * after it; the tests that kill Redis start their own redis-server on a free port.
 */
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { fileURLToPath } from 'node:url'
import { Redis } from 'ioredis'
import { createGcraPolicy, memoryStore, rateLimit, redisStore, type RedisStore } from '@vectora/rate-limit'
import { forEachTransport, httpRequest, onCleanup, useCleanup } from 'vectora/testing'
import { adminRedis, keysUnder, privateRedis, REDIS_URL, testApp, uniquePrefix } from './support.js'

const hour = createGcraPolicy({ limit: 5, window: 3_600_000 }) // one unit back every 12 minutes: no refill during a test

/** A store on the shared Redis under a fresh prefix, closed after the test. */
async function sharedStore(admin: Redis): Promise<RedisStore> {
  const store = redisStore({ url: REDIS_URL, prefix: uniquePrefix(admin) })
  onCleanup(() => store.close())
  await store.ready()
  return store
}

/** Resolves once ioredis noticed the connection is gone. */
function disconnected(client: RedisStore['client']): Promise<unknown> {
  return client.status === 'ready' ? once(client, 'close') : Promise.resolve()
}

describe('redis store', () => {
  useCleanup()

  it('allows exactly limit requests, then refuses, like the memory store', async () => {
    const admin = adminRedis()
    const store = await sharedStore(admin)
    const memory = memoryStore()
    const viaRedis = []
    const viaMemory = []
    for (let i = 0; i < 7; i++) {
      viaRedis.push((await store.take('k', hour)).allowed)
      viaMemory.push(memory.take('k', hour).allowed)
    }
    assert.deepEqual(viaRedis, [true, true, true, true, true, false, false])
    assert.deepEqual(viaRedis, viaMemory)
  })

  it('stores one key per client with an expiry no longer than the window', async () => {
    const admin = adminRedis()
    const store = await sharedStore(admin)
    await store.take('a', hour)
    await store.take('b', hour)
    const keys = (await keysUnder(admin, store.prefix)).sort()
    assert.deepEqual(keys, [`${store.prefix}a`, `${store.prefix}b`])
    const ttl = await admin.pttl(keys[0])
    assert.ok(ttl > 0 && ttl <= 3_600_000, `PTTL ${ttl}`)
  })

  it('applies each step atomically: concurrent requests from two clients never exceed the limit', async () => {
    const admin = adminRedis()
    const prefix = uniquePrefix(admin)
    const one = redisStore({ url: REDIS_URL, prefix })
    const two = redisStore({ url: REDIS_URL, prefix })
    onCleanup(() => one.close())
    onCleanup(() => two.close())
    await Promise.all([one.ready(), two.ready()])
    const policy = createGcraPolicy({ limit: 10, window: 3_600_000 })
    const steps = await Promise.all(Array.from({ length: 60 }, (_, i) => (i % 2 === 0 ? one : two).take('hot', policy)))
    assert.equal(steps.filter((s) => s.allowed).length, 10)
  })

  it('runs the step as a cached script (EVALSHA), not a script upload per request', async () => {
    const admin = adminRedis()
    const store = await sharedStore(admin)
    const evalsha = async (): Promise<number> => {
      const stats = await admin.info('commandstats')
      return Number(/cmdstat_evalsha:calls=(\d+)/.exec(stats)?.[1] ?? 0)
    }
    await store.take('warm', hour) // the first call may fall back to EVAL (NOSCRIPT) once
    const before = await evalsha()
    for (let i = 0; i < 5; i++) await store.take('k', hour)
    assert.ok((await evalsha()) - before >= 5)
  })

  it('refuses options it cannot use', () => {
    assert.throws(() => redisStore({} as any), /exactly one of client and url/)
    assert.throws(() => redisStore({ url: REDIS_URL, timeout: 0 }), /timeout/)
    assert.throws(() => redisStore({ client: {} as any }), /ioredis client/)
  })

  describe('through the plugin', () => {
    forEachTransport((t) => {
      it('limits and labels replies exactly as with the memory store', async () => {
        const admin = adminRedis()
        const app = testApp()
        app.register(rateLimit, { limit: 2, window: 3_600_000, store: redisStore({ url: REDIS_URL, prefix: uniquePrefix(admin) }) })
        app.get('/', () => 'ok')
        const first = await t.request(app, { url: '/' })
        assert.equal(first.headers['ratelimit-policy'], '"default";q=2;w=3600')
        assert.equal(first.headers.ratelimit, '"default";r=1;t=1800')
        await t.request(app, { url: '/' })
        const refused = await t.request(app, { url: '/' })
        assert.equal(refused.status, 429)
        assert.equal(refused.json().code, 'RATE_LIMITED')
        assert.ok(Number(refused.headers['retry-after']) >= 1)
      })

      it('never writes an API key to Redis in clear', async () => {
        const admin = adminRedis()
        const prefix = uniquePrefix(admin)
        const app = testApp()
        app.register(rateLimit, { limit: 2, window: 60_000, key: 'api-key', store: redisStore({ url: REDIS_URL, prefix }) })
        app.get('/', () => 'ok')
        await t.request(app, { url: '/', headers: { 'x-api-key': 'sk_live_very_secret' } })
        const keys = await keysUnder(admin, prefix)
        assert.equal(keys.length, 1)
        assert.doesNotMatch(keys[0], /sk_live_very_secret/)
      })
    })
  })

  describe('two app processes', () => {
    it('share one budget through Redis', async () => {
      const admin = adminRedis()
      const prefix = uniquePrefix(admin)
      const limit = 6
      const local = testApp()
      const store = redisStore({ url: REDIS_URL, prefix })
      local.register(rateLimit, { limit, window: 3_600_000, store })
      local.get('/', () => ({ pid: process.pid }))
      const { port: localPort } = await local.listen({ host: '127.0.0.1', port: 0 })
      const remotePort = await spawnFixture(REDIS_URL, prefix, limit)

      const statuses: Array<{ port: number; status: number }> = []
      for (let i = 0; i < 8; i++) {
        for (const port of [localPort, remotePort]) statuses.push({ port, status: (await httpRequest(port, { url: '/' })).status })
      }
      const passed = statuses.filter((s) => s.status === 200)
      assert.equal(passed.length, limit, JSON.stringify(statuses))
      assert.ok(passed.some((s) => s.port === localPort) && passed.some((s) => s.port === remotePort), 'both processes served')
      assert.equal(statuses.filter((s) => s.status === 429).length, 16 - limit)
    })
  })

  describe('when Redis dies mid-test', () => {
    it("lets requests through and logs one warning with onStoreError: 'open' (the default)", async () => {
      const redis = await privateRedis()
      const store = redisStore({ url: redis.url })
      const app = testApp()
      app.register(rateLimit, { limit: 100, window: 60_000, store })
      app.get('/', () => 'ok')
      assert.equal((await app.inject({ url: '/' })).status, 200)

      const gone = disconnected(store.client)
      await redis.kill()
      await gone
      const statuses = await Promise.all(Array.from({ length: 5 }, () => app.inject({ url: '/' }).then((r) => r.status)))
      assert.deepEqual(statuses, [200, 200, 200, 200, 200])
      const res = await app.inject({ url: '/' })
      assert.equal(res.headers.ratelimit, undefined, 'no RateLimit value without a store answer')
      const warnings = app.logger.lines.filter((l) => l.level === 'warn' && /store failed/.test(l.msg))
      assert.equal(warnings.length, 1, 'one warning per outage, not one per request')
      assert.match(warnings[0].msg, /requests pass without a limit/)
      assert.equal(warnings[0].fields.onStoreError, 'open')
    })

    it("answers 503 problem+json with onStoreError: 'closed'", async () => {
      const redis = await privateRedis()
      const store = redisStore({ url: redis.url })
      const app = testApp()
      app.register(rateLimit, { limit: 100, window: 60_000, store, onStoreError: 'closed' })
      app.get('/', () => 'ok')
      assert.equal((await app.inject({ url: '/' })).status, 200)

      const gone = disconnected(store.client)
      await redis.kill()
      await gone
      const port = (await app.listen({ host: '127.0.0.1', port: 0 })).port
      for (const res of [await app.inject({ url: '/' }), await httpRequest(port, { url: '/' })]) {
        assert.equal(res.status, 503)
        assert.equal(res.headers['content-type'], 'application/problem+json')
        assert.equal(res.json<{ code: string }>().code, 'RATE_LIMIT_UNAVAILABLE')
        assert.equal(res.headers['ratelimit-policy'], '"default";q=100;w=60')
      }
      assert.ok(app.logger.lines.some((l) => l.level === 'warn' && /requests are answered 503/.test(l.msg)))
    })

    it('logs when the store answers again and limits again', async () => {
      const redis = await privateRedis()
      const store = redisStore({ url: redis.url, redisOptions: { retryStrategy: () => 50 } })
      const app = testApp()
      app.register(rateLimit, { limit: 100, window: 60_000, store })
      app.get('/', () => 'ok')
      await app.inject({ url: '/' })
      const gone = disconnected(store.client)
      await redis.kill()
      await gone
      await app.inject({ url: '/' })
      await privateRedis(redis.port)
      if (store.client.status !== 'ready') await once(store.client, 'ready')
      const res = await app.inject({ url: '/' })
      assert.equal(res.headers.ratelimit, '"default";r=99;t=1')
      const info = await app.logger.next((l) => l.level === 'info' && /answers again/.test(l.msg))
      assert.equal(info.fields.failures, 1)
    })

    it('does not hang on a Redis that stops answering, even with a client that queues offline', async () => {
      const redis = await privateRedis()
      // The ioredis defaults: an offline queue and retries. The store's own deadline still bounds each step.
      const client = new Redis(redis.url)
      client.on('error', () => {})
      onCleanup(() => client.disconnect())
      const app = testApp()
      app.register(rateLimit, { limit: 100, window: 60_000, store: redisStore({ client, timeout: 200 }) })
      app.get('/', () => 'ok')
      assert.equal((await app.inject({ url: '/' })).status, 200)
      assert.ok(
        app.logger.lines.some((l) => l.level === 'warn' && /offline queue/.test(l.msg)),
        'the offline queue was reported',
      )

      redis.process.kill('SIGSTOP') // connected, but silent
      onCleanup(() => redis.process.kill('SIGCONT'))
      assert.equal((await app.inject({ url: '/' })).status, 200)
      assert.ok(app.logger.lines.some((l) => l.level === 'warn' && /store failed/.test(l.msg)))
    })
  })
})

/** Starts test/fixtures/redis-app.ts in its own process; resolves its port. Killed after the test. */
async function spawnFixture(url: string, prefix: string, limit: number): Promise<number> {
  const script = fileURLToPath(new URL('./fixtures/redis-app.ts', import.meta.url))
  const child = spawn(process.execPath, ['--import', 'tsx', '--conditions=@vectora/source', script, url, prefix, String(limit)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  const exited = once(child, 'exit')
  onCleanup(async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM')
    await exited
  })
  return new Promise((resolve, reject) => {
    let out = ''
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString()
      const match = /PORT (\d+)/.exec(out)
      if (match !== null) resolve(Number(match[1]))
    })
    child.once('exit', (code) => reject(new Error(`the fixture exited (${code}) before listening: ${out}`)))
  })
}
