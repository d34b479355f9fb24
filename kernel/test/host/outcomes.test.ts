/**
 * @module kernel/test/host/outcomes — onResponse runs exactly once per request with how it ended: completed,
 * errored, timed_out or aborted; unmatched requests (404/405) go through the app-wide hooks too.
 */
import assert from 'node:assert/strict'
import { HttpError, reply, type ResponseInfo, type VectoraRequest } from 'vectora'
import { assertProblem, forEachTransport, listen, useCleanup } from 'vectora/testing'
import { abortedEvent, Arrivals, deferred, RawConnection } from '../support/raw.js'
import { testApp } from './support.js'

/** An app-wide onResponse observer: `first` resolves with the first call; `calls` counts them all. */
function observe(app: ReturnType<typeof testApp>) {
  const first = deferred<{ req: VectoraRequest<any>; info: ResponseInfo }>()
  const calls: ResponseInfo[] = []
  app.addHook('onResponse', (req, info) => {
    calls.push(info)
    first.resolve({ req, info })
  })
  return { first: first.promise, calls }
}

describe('host: onResponse outcomes', () => {
  forEachTransport((t) => {
    it('reports outcome completed with the status the client got', async () => {
      const app = testApp()
      const seen = observe(app)
      app.post('/items', () => reply.json({ created: true }, { status: 201 }))
      const res = await t.request(app, { method: 'POST', url: '/items' })
      assert.equal(res.status, 201)
      const { info } = await seen.first
      assert.equal(info.outcome, 'completed')
      assert.equal(info.status, 201)
      assert.equal(info.error, undefined)
      assert.equal(typeof info.duration, 'number')
      assert.ok(info.duration >= 0)
    })

    it("reports outcome errored with the error and the error reply's status when the handler throws", async () => {
      const app = testApp()
      const seen = observe(app)
      const failure = new Error('handler failed')
      app.get('/fail', () => {
        throw failure
      })
      const res = await t.request(app, { url: '/fail' })
      assert.equal(res.status, 500)
      const { info } = await seen.first
      assert.equal(info.outcome, 'errored')
      assert.equal(info.status, 500)
      assert.equal(info.error, failure)
    })

    it('reports outcome errored for an HttpError with its 4xx status, and for a failing hook', async () => {
      const app = testApp()
      const infos: ResponseInfo[] = []
      const arrivals = new Arrivals()
      app.addHook('onResponse', (_req, info) => {
        infos.push(info)
        arrivals.arrive()
      })
      app.addHook('preHandler', (req) => {
        if (req.path === '/hook-fails') throw new Error('hook failed')
      })
      app.get('/hook-fails', () => 'never')
      app.get('/missing', async () => {
        throw new HttpError(404, 'No such thing.')
      })
      assert.equal((await t.request(app, { url: '/missing' })).status, 404)
      await arrivals.reach(1)
      assert.equal((await t.request(app, { url: '/hook-fails' })).status, 500)
      await arrivals.reach(2)
      assert.deepEqual(
        infos.map((i) => [i.outcome, i.status]),
        [
          ['errored', 404],
          ['errored', 500],
        ],
      )
      assert.equal((infos[1].error as Error).message, 'hook failed')
    })

    it('reports outcome timed_out with status 503 when the handler misses requestTimeout, and the client gets 503', async () => {
      const app = testApp({ requestTimeout: 100 })
      const seen = observe(app)
      app.get('/hang', async (req) => {
        await abortedEvent(req.signal)
        return 'too late'
      })
      const res = await t.request(app, { url: '/hang' })
      assertProblem(res, { status: 503, code: 'VEC_ERR_REQUEST_TIMEOUT' })
      const { info } = await seen.first
      assert.equal(info.outcome, 'timed_out')
      assert.equal(info.status, 503)
    })

    it("reports outcome timed_out when the route's own timeout passes", async () => {
      const app = testApp({ requestTimeout: 30_000 })
      const seen = observe(app)
      app.get('/hang', { timeout: 100 }, (req) => abortedEvent(req.signal).then(() => 'late'))
      const res = await t.request(app, { url: '/hang' })
      assert.equal(res.status, 503)
      assert.equal((await seen.first).info.outcome, 'timed_out')
    })

    it('does not run the handler of a request that timed out while a hook was still running', async () => {
      const app = testApp({ requestTimeout: 100 })
      const seen = observe(app)
      const hookDone = deferred()
      let handled = false
      app.addHook('preHandler', async (req) => {
        await abortedEvent(req.signal)
        hookDone.resolve()
      })
      app.post('/orders', () => {
        handled = true // a side effect the client, told 503, will retry
        return 'created'
      })
      assert.equal((await t.request(app, { method: 'POST', url: '/orders' })).status, 503)
      assert.equal((await seen.first).info.outcome, 'timed_out')
      await hookDone.promise
      await new Promise((resolve) => setImmediate(resolve))
      assert.equal(handled, false)
    })

    it('calls onResponse exactly once per request, short-circuits and failures included', async () => {
      const app = testApp()
      const calls: ResponseInfo[] = []
      const arrivals = new Arrivals()
      app.addHook('onResponse', (_req, info) => {
        calls.push(info)
        arrivals.arrive()
      })
      app.addHook('onRequest', (req) => (req.path === '/early' ? 'early' : undefined))
      app.get('/early', () => 'late')
      app.get('/ok', () => 'ok')
      app.get('/fail', () => Promise.reject(new Error('x')))
      for (const [url, n] of [
        ['/early', 1],
        ['/ok', 2],
        ['/fail', 3],
        ['/ok', 4],
      ] as const) {
        await t.request(app, { url })
        await arrivals.reach(n)
        assert.equal(calls.length, n, `after ${url}`)
      }
      assert.deepEqual(
        calls.map((i) => [i.outcome, i.status]),
        [
          ['completed', 200],
          ['completed', 200],
          ['errored', 500],
          ['completed', 200],
        ],
      )
    })

    it('runs app-wide onRequest, onSend and onResponse for an unmatched path (404) and an unmatched method (405)', async () => {
      const app = testApp()
      const trace: string[] = []
      const infos: ResponseInfo[] = []
      const two = deferred()
      app.addHook('onRequest', (req) => void trace.push(`onRequest ${req.method} ${req.path}`))
      app.addHook('onSend', (r) => void r.header('x-seen-by', 'onSend'))
      app.addHook('onResponse', (_req, info) => {
        infos.push(info)
        if (infos.length === 2) two.resolve()
      })
      app.get('/only-get', () => 'ok')

      const notFound = await t.request(app, { url: '/nowhere' })
      assertProblem(notFound, { status: 404, code: 'VEC_ERR_NOT_FOUND', instance: '/nowhere' })
      assert.equal(notFound.headers['x-seen-by'], 'onSend')

      const notAllowed = await t.request(app, { method: 'DELETE', url: '/only-get' })
      assertProblem(notAllowed, { status: 405, code: 'VEC_ERR_METHOD_NOT_ALLOWED' })
      assert.equal(notAllowed.headers['x-seen-by'], 'onSend')
      assert.match(notAllowed.headers.allow ?? '', /GET/)

      await two.promise
      assert.deepEqual(trace, ['onRequest GET /nowhere', 'onRequest DELETE /only-get'])
      assert.deepEqual(
        infos.map((i) => i.status),
        [404, 405],
      )
    })

    it('lets an app-wide onRequest hook answer an unmatched request (a CORS preflight, say)', async () => {
      const app = testApp()
      app.addHook('onRequest', (req) => (req.method === 'OPTIONS' ? reply.empty(204).header('access-control-allow-origin', '*') : undefined))
      app.get('/things', () => [])
      const res = await t.request(app, { method: 'OPTIONS', url: '/things' })
      assert.equal(res.status, 204)
      assert.equal(res.headers['access-control-allow-origin'], '*')
    })

    it('lets an app-wide onError hook answer unmatched requests (a custom 404 page)', async () => {
      const app = testApp()
      app.addHook('onError', (error) => ((error as { status?: number }).status === 404 ? reply.html('<h1>Lost?</h1>', { status: 404 }) : undefined))
      app.get('/home', () => 'home')
      const res = await t.request(app, { url: '/nowhere' })
      assert.equal(res.status, 404)
      assert.match(res.headers['content-type'] ?? '', /^text\/html/)
      assert.equal(res.text(), '<h1>Lost?</h1>')
    })

    it('answers 404 problem+json from the kernel when no app-wide hook exists', async () => {
      const app = testApp()
      app.group('/scoped', (g) => {
        g.addHook('onSend', (r) => void r.header('x-scoped', 'yes'))
        g.get('/x', () => 'x')
      })
      const res = await t.request(app, { url: '/scoped/nope' })
      assertProblem(res, { status: 404, code: 'VEC_ERR_NOT_FOUND', instance: '/scoped/nope' })
      assert.equal(res.headers['x-scoped'], undefined, 'a group hook never sees unmatched requests')
    })
  })

  describe('through a raw socket', () => {
    useCleanup()

    it('reports outcome aborted with status 0 when the client disconnects while the handler awaits', async () => {
      const app = testApp()
      const seen = observe(app)
      const arrived = deferred<AbortSignal>()
      const handlerDone = deferred<string>()
      app.get('/wait', async (req) => {
        arrived.resolve(req.signal)
        await abortedEvent(req.signal)
        handlerDone.resolve('saw the abort')
        return 'nobody listens'
      })
      const conn = await RawConnection.open(await listen(app))
      conn.write('GET /wait HTTP/1.1\r\nhost: test\r\n\r\n')
      await arrived.promise
      conn.destroy()
      const { info } = await seen.first
      assert.equal(info.outcome, 'aborted')
      assert.equal(info.status, 0)
      assert.equal(await handlerDone.promise, 'saw the abort')
      // The handler's late return must not produce a second onResponse.
      await new Promise((resolve) => setImmediate(resolve))
      assert.equal(seen.calls.length, 1)
    })
  })
})
