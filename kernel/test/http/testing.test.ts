/**
 * @module kernel/test/http/testing — vectora/testing, the kit plugin authors use: both transports answer in
 * one shape, cleanups run last registered first, the runner's functions can be handed in (node:test has no
 * globals), the capturing logger and the problem+json assertion.
 */
import assert from 'node:assert/strict'
import { createApp, HttpError, reply } from 'vectora'
import {
  assertProblem,
  captureLogger,
  closeAfterTest,
  createTestApp,
  forEachTransport,
  onCleanup,
  runCleanup,
  type TestRunner,
  useCleanup,
} from 'vectora/testing'

describe('vectora/testing', () => {
  useCleanup()

  forEachTransport((t) => {
    it('answers the status, joined headers, every header line apart, and the body', async () => {
      const app = createTestApp()
      app.post('/echo', async (req) => reply.json(await req.json(), { status: 201 }).header('set-cookie', ['a=1', 'b=2']))
      const res = await t.request(app, { method: 'POST', url: '/echo', body: { a: 1 } })
      assert.equal(res.status, 201)
      assert.match(res.headers['content-type'], /^application\/json\b/)
      assert.equal(res.headers['set-cookie'], 'a=1, b=2')
      assert.deepEqual(res.headerLines('Set-Cookie'), ['a=1', 'b=2'])
      assert.ok(res.rawHeaders.some(([name, value]) => name.toLowerCase() === 'set-cookie' && value === 'a=1'))
      assert.deepEqual(res.json(), { a: 1 })
      assert.equal(res.text(), '{"a":1}')
      assert.ok(Buffer.isBuffer(res.body))
    })

    it('passes a Vectora problem reply to assertProblem and returns its body', async () => {
      const app = createTestApp()
      app.get('/teapot', () => {
        throw new HttpError(418, 'No coffee here', { code: 'TEAPOT' })
      })
      const body = assertProblem(await t.request(app, { url: '/teapot' }), { status: 418, code: 'TEAPOT', instance: '/teapot' })
      assert.equal(body.detail, 'No coffee here')
    })
  })

  describe('cleanup', () => {
    it('runs cleanups last registered first, an app at the place it was first given, past a failing one', async () => {
      const order: string[] = []
      const app = createApp({ handleSignals: false })
      onCleanup(() => order.push(`registered before the app (app ${app.state})`))
      closeAfterTest(app)
      onCleanup(() => order.push(`registered after the app (app ${app.state})`))
      closeAfterTest(app)
      onCleanup(() => {
        throw new Error('a failing cleanup does not stop the others')
      })
      await runCleanup()
      assert.deepEqual(order, ['registered after the app (app starting)', 'registered before the app (app closed)'])
      await runCleanup()
      assert.equal(order.length, 2, 'a cleanup runs once')
    })

    it('installs the cleanup with the afterEach and describe it is given (node:test has no globals)', async () => {
      const groups: string[] = []
      const hooks: Array<() => Promise<void>> = []
      const runner: TestRunner = {
        describe: (name, fn) => {
          groups.push(name)
          fn()
        },
        afterEach: (fn) => hooks.push(fn),
      }
      const seen: string[] = []
      forEachTransport((t) => seen.push(t.name), runner)
      assert.deepEqual(groups, ['through inject', 'through socket'])
      assert.deepEqual(seen, ['inject', 'socket'])
      assert.equal(hooks.length, 2)
      const app = closeAfterTest(createApp({ handleSignals: false }))
      await hooks[0]()
      assert.equal(app.state, 'closed')
    })

    it('says what to pass when the runner has no global afterEach', () => {
      const global = globalThis as { afterEach?: unknown }
      const saved = global.afterEach
      delete global.afterEach
      try {
        assert.throws(() => useCleanup(), /no global afterEach\(\); pass your test runner's \(import \{ afterEach \} from 'node:test'\)/)
      } finally {
        global.afterEach = saved
      }
    })
  })

  describe('captureLogger', () => {
    it('records every call, lists the errors, and next() resolves with a past or a future line', async () => {
      const logger = captureLogger()
      logger.info('booted', { port: 1 })
      logger.error('failed', { status: 500 })
      assert.deepEqual(logger.lines, [
        { level: 'info', msg: 'booted', fields: { port: 1 } },
        { level: 'error', msg: 'failed', fields: { status: 500 } },
      ])
      assert.deepEqual(
        logger.errors().map((l) => l.msg),
        ['failed'],
      )
      assert.equal((await logger.next((l) => l.msg === 'booted')).fields.port, 1)
      const later = logger.next((l) => l.level === 'warn')
      logger.warn('slow', {})
      assert.equal((await later).msg, 'slow')
    })

    it('has a debug method only when asked, like the default logger', () => {
      assert.equal(captureLogger().debug, undefined)
      const logger = captureLogger({ debug: true })
      logger.debug?.('allowed', { rule: 'r1' })
      assert.deepEqual(logger.lines, [{ level: 'debug', msg: 'allowed', fields: { rule: 'r1' } }])
    })

    it('is what createTestApp logs through, with signals off and production error replies', async () => {
      const app = createTestApp()
      app.get('/boom', () => {
        throw new Error('secret detail')
      })
      const res = await app.inject({ url: '/boom' })
      assertProblem(res, { status: 500, code: 'VEC_ERR_INTERNAL' })
      assert.doesNotMatch(res.text(), /secret detail/)
      assert.equal(app.config.handleSignals, false)
      assert.equal((await app.logger.next((l) => l.level === 'error')).msg, 'request failed')
    })
  })
})
