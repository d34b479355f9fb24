/**
 * @module kernel/test/http/limits — request deadline, backpressure, header size and read time, connection limits and
 * keep-alive. Options use short limits (100-300 ms) so the suite stays fast; nothing asserts on speed.
 */
import assert from 'node:assert/strict'
import http from 'node:http'
import { createApp } from 'vectora'
import { assertProblem, closeAfterTest, forEachTransport, httpRequest, listen, onCleanup, useCleanup } from 'vectora/testing'
import { abortedEvent, Arrivals, deferred, eventually, RawConnection, rawExchange } from '../support/raw.js'

const never = (): Promise<never> => new Promise(() => {})
const later = <T>(ms: number, value: T): Promise<T> => new Promise((resolve) => setTimeout(resolve, ms, value))

describe('limits', () => {
  forEachTransport((t) => {
    describe('request deadline', () => {
      it('answers 503 VEC_ERR_REQUEST_TIMEOUT when the handler misses requestTimeout, and aborts req.signal', async () => {
        const app = createApp({ requestTimeout: 200 })
        let signal: AbortSignal | undefined
        app.get('/hang', (req) => {
          signal = req.signal
          return never()
        })
        const res = await t.request(app, { url: '/hang' })
        assertProblem(res, { status: 503, code: 'VEC_ERR_REQUEST_TIMEOUT', instance: '/hang' })
        assert.ok(signal, 'the handler ran')
        const reason = await abortedEvent(signal)
        assert.equal(signal.aborted, true)
        assert.equal((reason as Error).name, 'TimeoutError')
      })

      it('applies a per-route timeout shorter than the app requestTimeout to that route only', async () => {
        const app = createApp({ requestTimeout: 30_000 })
        let signal: AbortSignal | undefined
        app.get('/strict', { timeout: 200 }, (req) => {
          signal = req.signal
          return never()
        })
        // Slower than /strict's deadline, well within the app's.
        app.get('/relaxed', () => later(400, { done: true }))
        assertProblem(await t.request(app, { url: '/strict' }), { status: 503, code: 'VEC_ERR_REQUEST_TIMEOUT' })
        await abortedEvent(signal!)
        const relaxed = await t.request(app, { url: '/relaxed' })
        assert.equal(relaxed.status, 200)
        assert.deepEqual(relaxed.json(), { done: true })
      })

      it('lets a per-route timeout longer than the app requestTimeout win for that route', async () => {
        const app = createApp({ requestTimeout: 150 })
        app.get('/report', { timeout: 10_000 }, () => later(400, { report: 'ready' }))
        app.get('/default', () => later(400, { never: 'seen' }))
        const res = await t.request(app, { url: '/report' })
        assert.equal(res.status, 200)
        assert.deepEqual(res.json(), { report: 'ready' })
        assertProblem(await t.request(app, { url: '/default' }), { status: 503, code: 'VEC_ERR_REQUEST_TIMEOUT' })
      })

      it('drops an answer that comes after the deadline and keeps serving', async () => {
        const app = createApp({ requestTimeout: 200 })
        const answeredLate = deferred()
        app.get('/late', async (req) => {
          await abortedEvent(req.signal)
          answeredLate.resolve()
          return { late: true }
        })
        app.get('/ok', () => ({ ok: true }))
        assertProblem(await t.request(app, { url: '/late' }), { status: 503, code: 'VEC_ERR_REQUEST_TIMEOUT' })
        await answeredLate.promise
        const ok = await t.request(app, { url: '/ok' })
        assert.deepEqual({ status: ok.status, body: ok.json() }, { status: 200, body: { ok: true } })
      })
    })

    describe('backpressure', () => {
      it('answers 503 VEC_ERR_OVERLOADED with Retry-After once maxPending requests wait for JavaScript', async () => {
        const app = createApp({ maxPending: 2 })
        const arrivals = new Arrivals()
        const release = deferred()
        app.get('/hold/:n', async (req) => {
          arrivals.arrive()
          await release.promise
          return { n: req.params.n }
        })
        const held = [t.request(app, { url: '/hold/1' }), t.request(app, { url: '/hold/2' })]
        await arrivals.reach(2)
        const third = await t.request(app, { url: '/hold/3' })
        assertProblem(third, { status: 503, code: 'VEC_ERR_OVERLOADED', instance: '/hold/3' })
        assert.ok(Number(third.headers['retry-after']) > 0, `retry-after: ${third.headers['retry-after']}`)
        assert.equal(arrivals.count, 2, 'the refused request never reached its handler')

        release.resolve()
        const answers = await Promise.all(held)
        assert.deepEqual(
          answers.map((res) => res.json()),
          [{ n: '1' }, { n: '2' }],
        )
        // The two places are given back: the next request is served.
        assert.deepEqual((await t.request(app, { url: '/hold/4' })).json(), { n: '4' })
      })
    })
  })

  describe('through a raw socket', () => {
    useCleanup()

    it('answers 431 to a request head larger than maxHeaderSize, and serves one under it', async () => {
      const app = closeAfterTest(createApp({ maxHeaderSize: 8192 }))
      let calls = 0
      app.get('/', () => {
        calls++
        return 'ok'
      })
      const port = await listen(app)
      const small = await rawExchange(port, `GET / HTTP/1.1\r\nhost: test\r\nx-pad: ${'a'.repeat(4000)}\r\n\r\n`)
      assert.equal(small.status, 200)
      const big = await rawExchange(port, `GET / HTTP/1.1\r\nhost: test\r\nx-pad: ${'a'.repeat(9000)}\r\n\r\n`)
      assert.equal(big.status, 431)
      assert.equal(calls, 1)
    })

    it('limits the request head to 16 KiB by default', async () => {
      const app = closeAfterTest(createApp())
      app.get('/', () => 'ok')
      const port = await listen(app)
      assert.equal((await rawExchange(port, `GET / HTTP/1.1\r\nhost: test\r\nx-pad: ${'a'.repeat(12_000)}\r\n\r\n`)).status, 200)
      assert.equal((await rawExchange(port, `GET / HTTP/1.1\r\nhost: test\r\nx-pad: ${'a'.repeat(20_000)}\r\n\r\n`)).status, 431)
    })

    it('answers 431 as problem+json with code VEC_ERR_HEADERS_TOO_LARGE', async () => {
      const app = closeAfterTest(createApp({ maxHeaderSize: 8192 }))
      app.get('/', () => 'ok')
      const res = await rawExchange(await listen(app), `GET / HTTP/1.1\r\nhost: test\r\nx-pad: ${'a'.repeat(9000)}\r\n\r\n`)
      assertProblem(res, { status: 431, code: 'VEC_ERR_HEADERS_TOO_LARGE' })
    })

    it('closes a connection whose request head does not arrive within headerReadTimeout', async () => {
      const app = closeAfterTest(createApp({ headerReadTimeout: 200 }))
      let calls = 0
      app.get('/', () => {
        calls++
        return 'ok'
      })
      const conn = await RawConnection.open(await listen(app))
      // A slowloris client: a head that never ends.
      conn.write('GET / HTTP/1.1\r\nhost: test\r\n')
      await conn.closed
      assert.equal(calls, 0)
      assert.ok(!conn.pending.toString('latin1').startsWith('HTTP/1.1 200'), 'the incomplete request was answered 200')
    })

    it('answers 503 VEC_ERR_TOO_MANY_CONNECTIONS and closes a connection past maxConnections', async () => {
      const app = closeAfterTest(createApp({ maxConnections: 2 }))
      app.get('/', () => 'ok')
      const port = await listen(app)
      const open: RawConnection[] = []
      for (let i = 0; i < 2; i++) {
        const conn = await RawConnection.open(port)
        conn.write('GET / HTTP/1.1\r\nhost: test\r\n\r\n')
        assert.equal((await conn.response()).status, 200)
        open.push(conn)
      }
      const extra = await RawConnection.open(port)
      extra.write('GET / HTTP/1.1\r\nhost: test\r\n\r\n')
      const refused = await extra.response()
      assert.equal(refused.status, 503)
      assert.match(refused.headers['content-type'], /^application\/problem\+json\b/)
      assert.equal(refused.json().code, 'VEC_ERR_TOO_MANY_CONNECTIONS')
      assert.ok(refused.headers['retry-after'])
      assert.equal(refused.headers.connection, 'close')
      await extra.closed

      // Once one of the two goes away, a new connection is served again (the kernel notices the close asynchronously).
      open[0].destroy()
      await eventually(async () => {
        const res = await rawExchange(port, 'GET / HTTP/1.1\r\nhost: test\r\n\r\n')
        return res.status === 200
      })
    })

    it('serves two requests on one kept-alive connection (node:http agent reuses the socket)', async () => {
      const app = closeAfterTest(createApp())
      app.get('/n/:n', (req) => ({ n: req.params.n }))
      const port = await listen(app)
      const agent = new http.Agent({ keepAlive: true, maxSockets: 1 })
      onCleanup(() => agent.destroy())
      const reused: boolean[] = []
      for (const n of ['1', '2']) {
        const res = await httpRequest(port, { url: `/n/${n}` }, agent, (req) => req.on('socket', () => reused.push(req.reusedSocket)))
        assert.deepEqual(res.json(), { n })
        assert.notEqual(res.headers.connection, 'close')
      }
      assert.deepEqual(reused, [false, true])
    })

    it('answers pipelined requests on one connection in order', async () => {
      const app = closeAfterTest(createApp())
      app.get('/slow', () => later(100, 'first'))
      app.get('/fast', () => 'second')
      const conn = await RawConnection.open(await listen(app))
      conn.write('GET /slow HTTP/1.1\r\nhost: test\r\n\r\nGET /fast HTTP/1.1\r\nhost: test\r\n\r\n')
      assert.equal((await conn.response()).text(), 'first')
      assert.equal((await conn.response()).text(), 'second')
      assert.equal(conn.ended, false)
    })

    it('closes a kept-alive connection that stays idle for keepAliveTimeout', async () => {
      const app = closeAfterTest(createApp({ keepAliveTimeout: 200 }))
      app.get('/', () => 'ok')
      const conn = await RawConnection.open(await listen(app))
      conn.write('GET / HTTP/1.1\r\nhost: test\r\n\r\n')
      const res = await conn.response()
      assert.equal(res.status, 200)
      assert.notEqual(res.headers.connection, 'close')
      await conn.closed
      assert.equal(conn.pending.length, 0, 'nothing else was sent before the close')
    })

    it('does not count a request in flight as idle time', async () => {
      const app = closeAfterTest(createApp({ keepAliveTimeout: 200 }))
      app.get('/slow', () => later(500, 'slow'))
      app.get('/fast', () => 'fast')
      const conn = await RawConnection.open(await listen(app))
      conn.write('GET /slow HTTP/1.1\r\nhost: test\r\n\r\n')
      const slow = await conn.response()
      assert.equal(slow.text(), 'slow')
      assert.notEqual(slow.headers.connection, 'close')
      // The connection is still usable right after the long request.
      conn.write('GET /fast HTTP/1.1\r\nhost: test\r\n\r\n')
      assert.equal((await conn.response()).text(), 'fast')
    })
  })
})
