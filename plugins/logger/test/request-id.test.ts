/** @module test/request-id — one id per request: generated or trusted, echoed on every reply, the same in problem+json, req.log and the access line. */
import assert from 'node:assert/strict'
import { HttpError } from 'vectora'
import { assertProblem, forEachTransport, REQUEST_ID } from 'vectora/testing'
import { accessLines, eventually, loggedApp } from './support.js'

describe('@vectora/logger: request ids', () => {
  forEachTransport((t) => {
    it('echoes the generated id as x-request-id and puts it on req.log lines and the access line', async () => {
      const { app, out } = loggedApp()
      app.get('/', (req) => {
        req.log.info('in handler', { step: 1 })
        return { id: req.id }
      })
      const res = await t.request(app, { url: '/' })
      const id = res.headers['x-request-id']
      assert.match(id, REQUEST_ID)
      assert.equal(res.json().id, id)
      const [handler] = out.where({ message: 'in handler' })
      assert.equal(handler.request_id, id)
      assert.equal(handler.step, 1)
      await eventually(() => accessLines(out)[0]?.request_id === id)
    })

    it('echoes it on error replies too: the header equals the problem+json requestId and the logged one', async () => {
      const { app, out } = loggedApp()
      app.get('/boom', () => {
        throw new Error('kaput')
      })
      app.get('/denied', () => {
        throw new HttpError(403, 'no', { code: 'NOPE' })
      })
      for (const url of ['/boom', '/denied', '/missing']) {
        const res = await t.request(app, { url })
        const body = assertProblem(res, { status: url === '/boom' ? 500 : url === '/denied' ? 403 : 404 })
        assert.equal(res.headers['x-request-id'], body.requestId)
        await eventually(() => accessLines(out).some((line) => line.request_id === body.requestId))
      }
    })

    it('ignores an incoming X-Request-Id unless trustRequestId is set', async () => {
      const { app } = loggedApp()
      app.get('/', (req) => ({ id: req.id }))
      const res = await t.request(app, { url: '/', headers: { 'x-request-id': 'from-proxy-1' } })
      assert.notEqual(res.headers['x-request-id'], 'from-proxy-1')
      assert.match(res.headers['x-request-id'], REQUEST_ID)
    })

    it('honours a well-formed incoming id when trusted, everywhere, and replaces a malformed one', async () => {
      const { app, out } = loggedApp({ trustRequestId: true })
      app.get('/', (req) => {
        req.log.info('seen')
        return { id: req.id }
      })
      app.get('/boom', () => {
        throw new Error('x')
      })
      const res = await t.request(app, { url: '/', headers: { 'x-request-id': 'edge.abc-123' } })
      assert.equal(res.headers['x-request-id'], 'edge.abc-123')
      assert.equal(res.json().id, 'edge.abc-123')
      assert.equal(out.where({ message: 'seen' })[0].request_id, 'edge.abc-123')
      const failed = await t.request(app, { url: '/boom', headers: { 'x-request-id': 'edge.abc-124' } })
      assert.equal(failed.json().requestId, 'edge.abc-124')
      const bad = await t.request(app, { url: '/', headers: { 'x-request-id': 'has spaces and "quotes"' } })
      assert.match(bad.headers['x-request-id'], REQUEST_ID)
    })

    it('adds trace_id and span_id from traceContext, and builds no child for a request that never logs', async () => {
      let calls = 0
      const { app, out } = loggedApp({
        accessLog: false,
        traceContext: (req) => {
          calls++
          return req.path === '/traced' ? { traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: '00f067aa0ba902b7' } : undefined
        },
      })
      app.get('/traced', (req) => {
        req.log.info('traced line')
        return {}
      })
      app.get('/quiet', () => ({}))
      await t.request(app, { url: '/quiet' })
      assert.equal(calls, 0, 'req.log is lazy')
      await t.request(app, { url: '/traced' })
      const [line] = out.where({ message: 'traced line' })
      assert.deepEqual([line.trace_id, line.span_id], ['4bf92f3577b34da6a3ce929d0e0e4736', '00f067aa0ba902b7'])
      assert.deepEqual(Object.keys(line).slice(4, 7), ['request_id', 'trace_id', 'span_id'])
    })
  })
})
