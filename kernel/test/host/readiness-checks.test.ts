/**
 * @module kernel/test/host/readiness-checks — `app.healthCheck()`: readiness composes the checks services
 * register, each under a timeout, with a body naming each; the kernel answers the probe from the last round,
 * through app.inject() and a real socket.
 */
import assert from 'node:assert/strict'
import { setTimeout as sleep } from 'node:timers/promises'
import { definePlugin } from 'vectora'
import { assertProblem, captureLogger, createTestApp, forEachTransport } from 'vectora/testing'

async function until(what: string, test: () => Promise<boolean>, ms = 3_000): Promise<void> {
  const end = Date.now() + ms
  while (!(await test())) {
    if (Date.now() > end) assert.fail(`timed out waiting for ${what}`)
    await sleep(20)
  }
}

describe('readiness checks', () => {
  forEachTransport((t) => {
    it('answers 200 with every check named while all are up', async () => {
      const app = createTestApp()
      app.register(
        definePlugin({
          name: 'store',
          version: '1.0.0',
          setup(p) {
            p.healthCheck('store', () => true)
            p.healthCheck('cache', async () => undefined, { critical: false })
          },
        }),
      )
      const res = await t.request(app, { url: '/health/ready' })
      assert.equal(res.status, 200)
      const body = res.json() as { status: string; checks: Record<string, { status: string; durationMs: number; critical?: boolean }> }
      assert.equal(body.status, 'ready')
      assert.deepEqual(Object.keys(body.checks), ['store', 'cache'])
      assert.equal(body.checks.store.status, 'up')
      assert.equal(typeof body.checks.store.durationMs, 'number')
      assert.equal(body.checks.store.critical, undefined)
      assert.equal(body.checks.cache.critical, false)
    })

    it('answers 503 problem+json naming the failing check, and 200 again once it recovers', async () => {
      let up = false
      const log = captureLogger()
      const app = createTestApp({ logger: log, health: { interval: 100 } })
      app.healthCheck('db', () => {
        if (!up) throw Object.assign(new Error('connect ECONNREFUSED 10.0.0.5:5432'), { code: 'ECONNREFUSED' })
      })
      app.get('/', () => 'hi')
      const res = await t.request(app, { url: '/health/ready' })
      assertProblem(res, { status: 503, code: 'VEC_ERR_NOT_READY', instance: '/health/ready' })
      assert.equal(res.headers['retry-after'], '1')
      const checks = (res.json() as { checks: Record<string, { status: string; code?: string; error?: string }> }).checks
      assert.equal(checks.db.status, 'down')
      assert.equal(checks.db.code, 'ECONNREFUSED')
      // Outside development the message (a host and port) stays in the log, out of the public probe.
      assert.equal(checks.db.error, undefined)
      assert.ok(log.lines.some((l) => l.level === 'warn' && l.fields.code === 'VEC_HEALTH_CHECK_DOWN' && String(l.fields.reason).includes('10.0.0.5')))
      // Other routes still answer: readiness is for the load balancer, not a gate.
      assert.equal((await t.request(app, { url: '/' })).status, 200)
      up = true
      await until('readiness 200', async () => (await t.request(app, { url: '/health/ready' })).status === 200)
      assert.ok(log.lines.some((l) => l.level === 'info' && l.fields.code === 'VEC_HEALTH_CHECK_UP'))
    })

    it('counts a check past its timeout as down and aborts its signal', async () => {
      let aborted: unknown
      const app = createTestApp({ health: { timeout: 50 } })
      app.healthCheck('slow', (signal) => new Promise((resolve) => signal.addEventListener('abort', () => ((aborted = signal.reason), resolve(true)))))
      const res = await t.request(app, { url: '/health/ready' })
      assert.equal(res.status, 503)
      const checks = (res.json() as { checks: Record<string, { status: string; error?: string; durationMs: number }> }).checks
      assert.equal(checks.slow.status, 'down')
      assert.equal(checks.slow.error, 'timed out after 50 ms')
      assert.ok(checks.slow.durationMs >= 45, `durationMs ${checks.slow.durationMs}`)
      assert.ok(aborted instanceof Error)
    })

    it('keeps readiness 200 while only a non-critical check is down, and shows its error in development', async () => {
      const app = createTestApp({ development: true })
      app.healthCheck('search', () => Promise.reject(new Error('search index offline')), { critical: false })
      const res = await t.request(app, { url: '/health/ready' })
      assert.equal(res.status, 200)
      assert.deepEqual((res.json() as { checks: unknown }).checks, {
        search: { status: 'down', durationMs: (res.json() as any).checks.search.durationMs, critical: false, error: 'search index offline' },
      })
    })

    it('answers a check returning false as down', async () => {
      const app = createTestApp()
      app.healthCheck('flag', () => false)
      const res = await t.request(app, { url: '/health/ready' })
      assert.equal(res.status, 503)
      assert.equal((res.json() as any).checks.flag.error, 'the check returned false')
    })

    it('leaves liveness alone while a check is down', async () => {
      const app = createTestApp()
      app.healthCheck('db', () => false)
      assert.equal((await t.request(app, { url: '/health/live' })).status, 200)
    })
  })

  it('refuses a taken name, a bad name, a non-function and unknown options, naming the plugin', () => {
    const app = createTestApp()
    app.healthCheck('db', () => true)
    assert.throws(() => app.healthCheck('db', () => true), { code: 'VEC_ERR_INVALID_OPTION', message: /already registered by app/ })
    assert.throws(() => app.healthCheck('has space', () => true), { code: 'VEC_ERR_INVALID_OPTION' })
    assert.throws(() => app.healthCheck('x', 'nope' as never), { code: 'VEC_ERR_INVALID_OPTION', message: /needs a function/ })
    assert.throws(() => app.healthCheck('y', () => true, { every: 5 } as never), { code: 'VEC_ERR_INVALID_OPTION', message: /no option "every"/ })
    assert.throws(() => app.healthCheck('z', () => true, { timeout: 0 }), { code: 'VEC_ERR_INVALID_OPTION' })
  })

  it('refuses a health check added after ready', async () => {
    const app = createTestApp()
    await app.ready()
    assert.throws(() => app.healthCheck('late', () => true), { code: 'VEC_ERR_APP_READY' })
  })

  it('stops the rounds once shutdown begins', async () => {
    let calls = 0
    const app = createTestApp({ health: { interval: 100 } })
    app.healthCheck('count', () => {
      calls++
    })
    await app.ready()
    await app.close()
    const after = calls
    await sleep(350)
    assert.equal(calls, after)
  })
})
