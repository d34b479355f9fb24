/**
 * @module kernel/test/http/drain — app.close(): stop accepting, let in-flight requests finish, tell keep-alive clients
 * to go, force-close at the deadline and report { completed, aborted }.
 *
 * "Drain has started" is observed, never slept for: the kernel drops its listener as its first step, so a
 * refused connection proves the drain is under way before the test lets held handlers answer.
 */
import assert from 'node:assert/strict'
import { createApp } from 'vectora'
import { closeAfterTest, forEachTransport, listen, type TestResponse, useCleanup } from 'vectora/testing'
import { abortedEvent, Arrivals, deferred, eventually, RawConnection, tryConnect } from '../support/raw.js'

/** Resolves once connections to `port` are refused: the drain has begun. */
function refusedOn(port: number): Promise<void> {
  return eventually(async () => (await tryConnect(port)) === 'ECONNREFUSED')
}

describe('drain', () => {
  forEachTransport((t) => {
    it('lets in-flight requests finish during close and counts them as completed', async () => {
      const app = createApp({ drainTimeout: 10_000 })
      const arrivals = new Arrivals()
      const release = deferred()
      app.get('/slow/:n', async (req) => {
        arrivals.arrive()
        await release.promise
        return { n: Number(req.params.n) }
      })
      const port = await listen(app)
      const inFlight = Array.from({ length: 5 }, (_, n) => t.request(app, { url: `/slow/${n}` }))
      await arrivals.reach(5)

      const closing = app.close()
      await refusedOn(port)
      release.resolve()

      const responses = await Promise.all(inFlight)
      assert.deepEqual(
        responses.map((res) => [res.status, res.json()]),
        Array.from({ length: 5 }, (_, n) => [200, { n }]),
      )
      const report = await closing
      assert.ok(report.completed >= 5, `completed: ${report.completed}`)
      assert.equal(report.aborted, 0)
    })

    it('force-closes a hung request at the deadline, reports it aborted and fires its req.signal', async () => {
      const app = createApp({ drainTimeout: 200, requestTimeout: 30_000 })
      const arrived = deferred<AbortSignal>()
      app.get('/hang', (req) => {
        arrived.resolve(req.signal)
        return new Promise(() => {})
      })
      const outcome = t.request(app, { url: '/hang' }).then(
        (res: TestResponse) => `answered ${res.status}`,
        () => 'cut',
      )
      const signal = await arrived.promise

      const report = await app.close()
      assert.deepEqual({ completed: report.completed, aborted: report.aborted, exitCode: report.exitCode }, { completed: 0, aborted: 1, exitCode: 0 })
      await abortedEvent(signal)
      assert.equal(signal.aborted, true)
      assert.equal(await outcome, 'cut')
    })

    it('uses the deadline given to close() over drainTimeout', async () => {
      const app = createApp({ drainTimeout: 60_000 })
      const arrived = deferred<AbortSignal>()
      app.get('/hang', (req) => {
        arrived.resolve(req.signal)
        return new Promise(() => {})
      })
      const outcome = t.request(app, { url: '/hang' }).then(
        () => 'answered',
        () => 'cut',
      )
      const signal = await arrived.promise
      // With drainTimeout's 60 s this would outlast the test's own 20 s timeout.
      const report = await app.close({ deadline: 200 })
      assert.equal(report.aborted, 1)
      await abortedEvent(signal)
      assert.equal(await outcome, 'cut')
    })

    it('rejects inject() after close with VEC_ERR_APP_CLOSED', async () => {
      const app = createApp()
      app.get('/', () => 'ok')
      assert.equal((await t.request(app, { url: '/' })).status, 200)
      await app.close()
      await assert.rejects(app.inject({ method: 'GET', url: '/' }), { code: 'VEC_ERR_APP_CLOSED' })
    })

    it('is idempotent: close() again, or twice at once, resolves without error', async () => {
      const app = createApp()
      app.get('/', () => 'ok')
      assert.equal((await t.request(app, { url: '/' })).status, 200)
      const [first, second] = await Promise.all([app.close(), app.close()])
      assert.deepEqual(second, first)
      const third = await app.close()
      assert.equal(typeof third.completed, 'number')
      assert.equal(typeof third.aborted, 'number')
    })
  })

  describe('through a raw socket', () => {
    useCleanup()

    it('refuses new connections once close() starts, while an in-flight request still runs', async () => {
      const app = closeAfterTest(createApp())
      const arrivals = new Arrivals()
      const release = deferred()
      app.get('/slow', async () => {
        arrivals.arrive()
        await release.promise
        return 'done'
      })
      const port = await listen(app)
      const conn = await RawConnection.open(port)
      conn.write('GET /slow HTTP/1.1\r\nhost: test\r\n\r\n')
      await arrivals.reach(1)

      const closing = app.close()
      await refusedOn(port)
      assert.equal(await tryConnect(port), 'ECONNREFUSED')
      assert.equal(arrivals.count, 1)

      release.resolve()
      assert.equal((await conn.response()).text(), 'done')
      assert.equal((await closing).aborted, 0)
    })

    it('sends Connection: close on the response in flight to a keep-alive client, then closes the connection', async () => {
      const app = closeAfterTest(createApp())
      const arrivals = new Arrivals()
      const release = deferred()
      app.get('/fast', () => 'fast')
      app.get('/slow', async () => {
        arrivals.arrive()
        await release.promise
        return 'slow'
      })
      const port = await listen(app)
      const conn = await RawConnection.open(port)
      conn.write('GET /fast HTTP/1.1\r\nhost: test\r\n\r\n')
      const before = await conn.response()
      assert.equal(before.text(), 'fast')
      assert.notEqual(before.headers.connection, 'close')

      conn.write('GET /slow HTTP/1.1\r\nhost: test\r\n\r\n')
      await arrivals.reach(1)
      const closing = app.close()
      await refusedOn(port)
      release.resolve()

      const during = await conn.response()
      assert.equal(during.text(), 'slow')
      assert.equal(during.headers.connection, 'close')
      await conn.closed
      const report = await closing
      assert.ok(report.completed >= 1)
      assert.equal(report.aborted, 0)
    })

    it('closes idle keep-alive connections when close() starts', async () => {
      const app = closeAfterTest(createApp({ keepAliveTimeout: 60_000 }))
      app.get('/', () => 'ok')
      const conn = await RawConnection.open(await listen(app))
      conn.write('GET / HTTP/1.1\r\nhost: test\r\n\r\n')
      assert.equal((await conn.response()).status, 200)
      const report = await app.close()
      await conn.closed
      assert.equal(report.aborted, 0)
    })

    it('refuses listen() on an app closed before it ever listened, with VEC_ERR_APP_CLOSED', async () => {
      const app = closeAfterTest(createApp())
      app.get('/', () => 'ok')
      const report = await app.close()
      assert.deepEqual({ completed: report.completed, aborted: report.aborted, errors: report.errors }, { completed: 0, aborted: 0, errors: [] })
      await assert.rejects(app.listen({ host: '127.0.0.1', port: 0 }), { code: 'VEC_ERR_APP_CLOSED' })
    })
  })
})
