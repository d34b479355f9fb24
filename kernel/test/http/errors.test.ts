/** @module kernel/test/http/errors — HttpError and unhandled errors become problem+json; nothing internal leaks; the server stays up. */
import assert from 'node:assert/strict'
import { createApp, HttpError, type Logger } from 'vectora'
import { assertProblem, forEachTransport, REQUEST_ID } from 'vectora/testing'

/** A logger that keeps error lines, so failing handlers neither spam the test output nor go unlogged. */
function captureLogger(): Logger & { errors: Array<{ message: string; fields?: Record<string, unknown> }> } {
  const errors: Array<{ message: string; fields?: Record<string, unknown> }> = []
  return {
    errors,
    error: (message, fields) => void errors.push({ message, fields }),
    warn: () => {},
    info: () => {},
  }
}

const SECRET = 'db password is hunter2'

describe('errors', () => {
  forEachTransport((t) => {
    it('turns a thrown HttpError into problem+json with its status, message as detail, code and the request path', async () => {
      const app = createApp()
      app.get('/users/:id', (req) => {
        throw new HttpError(404, `No user ${req.params.id}`, { code: 'USER_NOT_FOUND' })
      })
      const res = await t.request(app, { url: '/users/7?expand=1' })
      const body = assertProblem(res, { status: 404, code: 'USER_NOT_FOUND', instance: '/users/7' })
      assert.equal(body.detail, 'No user 7')
      assert.equal(body.title, 'Not Found')
    })

    it('sends the headers given to an HttpError', async () => {
      const app = createApp()
      app.get('/limited', () => {
        throw new HttpError(429, 'Slow down', { code: 'RATE_LIMITED', headers: { 'retry-after': '5', 'x-limit': '10' } })
      })
      const res = await t.request(app, { url: '/limited' })
      assertProblem(res, { status: 429, code: 'RATE_LIMITED' })
      assert.equal(res.headers['retry-after'], '5')
      assert.equal(res.headers['x-limit'], '10')
    })

    it('answers an HttpError rejected by an async handler like a thrown one', async () => {
      const app = createApp()
      app.post('/pay', async () => {
        await Promise.resolve()
        throw new HttpError(402, 'Payment required', { code: 'PAYMENT_REQUIRED' })
      })
      const body = assertProblem(await t.request(app, { method: 'POST', url: '/pay' }), { status: 402, code: 'PAYMENT_REQUIRED' })
      assert.equal(body.detail, 'Payment required')
    })

    it('answers a thrown Error with 500 VEC_ERR_INTERNAL and no internal message or stack', async () => {
      const logger = captureLogger()
      const app = createApp({ development: false, logger })
      app.get('/boom', function throwingHandler() {
        throw new Error(SECRET)
      })
      const res = await t.request(app, { url: '/boom' })
      const body = assertProblem(res, { status: 500, code: 'VEC_ERR_INTERNAL', instance: '/boom' })
      assert.equal(body.detail, 'Internal Server Error')
      assert.equal(body.stack, undefined)
      assert.ok(!res.text().includes('hunter2'), 'the error message leaked')
      assert.ok(!res.text().includes('throwingHandler'), 'the stack leaked')
    })

    it('answers a rejected promise with 500 VEC_ERR_INTERNAL and no internal message or stack', async () => {
      const app = createApp({ development: false, logger: captureLogger() })
      app.get('/boom', async () => {
        await Promise.resolve()
        throw new TypeError(SECRET)
      })
      const res = await t.request(app, { url: '/boom' })
      const body = assertProblem(res, { status: 500, code: 'VEC_ERR_INTERNAL' })
      assert.equal(body.stack, undefined)
      assert.ok(!res.text().includes('hunter2'), 'the error message leaked')
      assert.ok(!res.text().includes('TypeError'), 'the error type leaked')
    })

    it('answers a thrown non-Error value with 500 VEC_ERR_INTERNAL without echoing it', async () => {
      const app = createApp({ development: false, logger: captureLogger() })
      app.get('/boom', () => {
        throw SECRET // eslint-disable-line no-throw-literal
      })
      const res = await t.request(app, { url: '/boom' })
      assertProblem(res, { status: 500, code: 'VEC_ERR_INTERNAL' })
      assert.ok(!res.text().includes('hunter2'))
    })

    it('keeps the cause of a 5xx HttpError out of the reply', async () => {
      const app = createApp({ development: false, logger: captureLogger() })
      app.get('/upstream', () => {
        throw new HttpError(502, 'Upstream failed', { code: 'UPSTREAM', cause: new Error(SECRET) })
      })
      const res = await t.request(app, { url: '/upstream' })
      const body = assertProblem(res, { status: 502, code: 'UPSTREAM' })
      assert.equal(body.detail, 'Upstream failed')
      assert.ok(!res.text().includes('hunter2'))
    })

    it('shows the error message and stack in development mode', async () => {
      const app = createApp({ development: true, logger: captureLogger() })
      app.get('/boom', function throwingHandler() {
        throw new Error('visible in development')
      })
      const res = await t.request(app, { url: '/boom' })
      const body = assertProblem(res, { status: 500, code: 'VEC_ERR_INTERNAL' })
      assert.match(body.detail, /visible in development/)
      assert.ok(body.stack !== undefined, 'development replies carry the stack')
      assert.match(JSON.stringify(body.stack), /throwingHandler/)
    })

    it('logs an unhandled error with the request id of the reply', async () => {
      const logger = captureLogger()
      const app = createApp({ logger })
      app.get('/boom', () => {
        throw new Error(SECRET)
      })
      const body = (await t.request(app, { url: '/boom' })).json()
      const logged = logger.errors.find((entry) => entry.fields?.requestId === body.requestId)
      assert.ok(logged, `no error logged for ${body.requestId}: ${JSON.stringify(logger.errors)}`)
      assert.match(String((logged.fields?.err as Error | undefined)?.message), /hunter2/)
    })

    it('answers a non-serializable return value with 500 VEC_ERR_SERIALIZE', async () => {
      const app = createApp({ logger: captureLogger() })
      app.get('/bigint', () => ({ n: 1n }))
      assertProblem(await t.request(app, { url: '/bigint' }), { status: 500, code: 'VEC_ERR_SERIALIZE' })
    })

    it('answers other requests normally while some handlers throw', async () => {
      const app = createApp({ logger: captureLogger() })
      app.get('/boom/:n', async (req) => {
        await Promise.resolve()
        throw new Error(`failure ${req.params.n}`)
      })
      app.get('/ok/:n', async (req) => ({ n: Number(req.params.n) }))
      const requests = Array.from({ length: 40 }, (_, i) => t.request(app, { url: i % 2 === 0 ? `/boom/${i}` : `/ok/${i}` }))
      const responses = await Promise.all(requests)
      responses.forEach((res, i) => {
        if (i % 2 === 0) assertProblem(res, { status: 500, code: 'VEC_ERR_INTERNAL' })
        else assert.deepEqual({ status: res.status, body: res.json() }, { status: 200, body: { n: i } })
      })
    })

    it('keeps serving after a handler threw: the process and the app survive', async () => {
      const app = createApp({ logger: captureLogger() })
      app.get('/boom', () => {
        throw new Error('sync failure')
      })
      app.get('/reject', () => Promise.reject(new Error('async failure')))
      app.get('/ok', () => ({ ok: true }))
      assert.equal((await t.request(app, { url: '/boom' })).status, 500)
      assert.equal((await t.request(app, { url: '/reject' })).status, 500)
      const later = await t.request(app, { url: '/ok' })
      assert.equal(later.status, 200)
      assert.deepEqual(later.json(), { ok: true })
    })

    it('puts the handling request id, <prefix>-<base36>, in the problem body', async () => {
      const app = createApp({ requestIdPrefix: 'errs' })
      let seen = ''
      app.get('/teapot', (req) => {
        seen = req.id
        throw new HttpError(418, 'I am a teapot')
      })
      const body = assertProblem(await t.request(app, { url: '/teapot' }), { status: 418 })
      assert.equal(body.requestId, seen)
      assert.match(body.requestId, /^errs-[0-9a-z]+$/)
    })

    it('uses the app request id prefix in the kernel-answered 404', async () => {
      const app = createApp({ requestIdPrefix: 'errs' })
      app.get('/', () => 'root')
      const body = assertProblem(await t.request(app, { url: '/missing' }), { status: 404, code: 'VEC_ERR_NOT_FOUND' })
      assert.match(body.requestId, /^errs-[0-9a-z]+$/)
      assert.match(body.requestId, REQUEST_ID)
    })
  })

  describe('HttpError', () => {
    it('refuses a status outside 400-599', () => {
      assert.throws(() => new HttpError(302, 'not an error'), TypeError)
      assert.throws(() => new HttpError(600, 'too big'), TypeError)
    })

    it('keeps status, message, code and cause', () => {
      const cause = new Error('root')
      const error = new HttpError(409, 'Conflict here', { code: 'CONFLICT', cause })
      assert.ok(error instanceof Error)
      assert.equal(error.status, 409)
      assert.equal(error.message, 'Conflict here')
      assert.equal(error.code, 'CONFLICT')
      assert.equal(error.cause, cause)
    })
  })
})
