/** @module kernel/test/http/concurrency — many requests at once are each answered correctly; a vanished client aborts its request. */
import assert from 'node:assert/strict'
import { createApp } from 'vectora'
import { closeAfterTest, forEachTransport, listen, useCleanup } from 'vectora/testing'
import { abortedEvent, Arrivals, deferred, RawConnection } from '../support/raw.js'

describe('concurrency', () => {
  forEachTransport((t) => {
    it('answers 200 concurrent requests to sync and async handlers, each with its own data', async () => {
      const app = createApp()
      app.get('/sync/:n', (req) => ({ kind: 'sync', n: Number(req.params.n), q: req.query.q }))
      app.get('/async/:n', async (req) => {
        // Interleave: some settle on the microtask queue, some after a timer turn.
        if (Number(req.params.n) % 3 === 0) await new Promise((resolve) => setImmediate(resolve))
        else await Promise.resolve()
        return { kind: 'async', n: Number(req.params.n), q: req.query.q }
      })
      app.post('/echo/:n', async (req) => ({ kind: 'echo', n: Number(req.params.n), q: (await req.json<{ q: string }>()).q }))
      const kinds = ['sync', 'async', 'echo'] as const
      const requests = Array.from({ length: 200 }, (_, n) => {
        const kind = kinds[n % 3]
        return kind === 'echo' ? t.request(app, { method: 'POST', url: `/echo/${n}`, body: { q: `v${n}` } }) : t.request(app, { url: `/${kind}/${n}?q=v${n}` })
      })
      const responses = await Promise.all(requests)
      responses.forEach((res, n) => {
        assert.equal(res.status, 200, `request ${n}`)
        assert.deepEqual(res.json(), { kind: kinds[n % 3], n, q: `v${n}` })
      })
    })

    it('answers fast requests while a slow one is still pending', async () => {
      const app = createApp()
      const arrivals = new Arrivals()
      const release = deferred()
      app.get('/slow', async () => {
        arrivals.arrive()
        await release.promise
        return 'slow'
      })
      app.get('/fast/:n', (req) => `fast ${req.params.n}`)
      let slowDone = false
      const slow = t.request(app, { url: '/slow' }).then((res) => {
        slowDone = true
        return res
      })
      await arrivals.reach(1)
      const fast = await Promise.all(Array.from({ length: 10 }, (_, n) => t.request(app, { url: `/fast/${n}` })))
      assert.deepEqual(
        fast.map((res) => res.text()),
        Array.from({ length: 10 }, (_, n) => `fast ${n}`),
      )
      assert.equal(slowDone, false)
      release.resolve()
      assert.equal((await slow).text(), 'slow')
    })
  })

  describe('through a raw socket', () => {
    useCleanup()

    it('aborts req.signal when the client disconnects while the handler awaits', async () => {
      const app = closeAfterTest(createApp())
      const arrived = deferred<AbortSignal>()
      let settled = false
      app.get('/wait', async (req) => {
        arrived.resolve(req.signal)
        await abortedEvent(req.signal)
        settled = true
        return 'too late'
      })
      const conn = await RawConnection.open(await listen(app))
      conn.write('GET /wait HTTP/1.1\r\nhost: test\r\n\r\n')
      const signal = await arrived.promise
      assert.equal(signal.aborted, false)
      conn.destroy()
      const reason = await abortedEvent(signal)
      assert.equal(signal.aborted, true)
      assert.equal((reason as Error).name, 'AbortError')
      // The handler saw the abort; the app keeps serving others.
      await new Promise((resolve) => setImmediate(resolve))
      assert.equal(settled, true)
    })

    it('keeps serving other connections after a client disconnected mid-request', async () => {
      const app = closeAfterTest(createApp())
      const arrived = deferred<AbortSignal>()
      app.get('/wait', async (req) => {
        arrived.resolve(req.signal)
        await abortedEvent(req.signal)
      })
      app.get('/ok', () => 'ok')
      const port = await listen(app)
      const gone = await RawConnection.open(port)
      gone.write('GET /wait HTTP/1.1\r\nhost: test\r\n\r\n')
      const signal = await arrived.promise
      gone.destroy()
      await abortedEvent(signal)
      const other = await RawConnection.open(port)
      other.write('GET /ok HTTP/1.1\r\nhost: test\r\n\r\n')
      assert.equal((await other.response()).text(), 'ok')
    })
  })
})
