/**
 * @module kernel/test/host/short-circuit — request-phase hooks may answer early; onSend transforms every reply
 * (early, normal or error) and onResponse observes it.
 */
import assert from 'node:assert/strict'
import { definePlugin, Reply, reply, type PluginApp, type ResponseInfo } from 'vectora'
import { deferred } from '../support/raw.js'
import { forEachTransport } from 'vectora/testing'
import { testApp } from './support.js'

describe('host: short-circuit and onSend', () => {
  forEachTransport((t) => {
    it('skips the later request phases and the handler when an onRequest hook returns a reply, still running onSend and onResponse', async () => {
      const trace: string[] = []
      const observed = deferred<ResponseInfo>()
      const app = testApp()
      app.register(
        definePlugin({
          name: 'gate',
          version: '1.0.0',
          setup(p: PluginApp) {
            p.addHook('onRequest', (req) => {
              trace.push('onRequest')
              if (req.header('x-stop') !== undefined) return reply.json({ stopped: true }, { status: 429, headers: { 'retry-after': '7' } })
              return undefined
            })
          },
        }),
      )
      app.addHook('authenticate', () => void trace.push('authenticate'))
      app.addHook('authorize', () => void trace.push('authorize'))
      app.addHook('validate', () => void trace.push('validate'))
      app.addHook('preHandler', () => void trace.push('preHandler'))
      app.addHook('onSend', (r) => {
        trace.push('onSend')
        r.header('x-sent-by', 'onSend')
      })
      app.addHook('onResponse', (_req, info) => {
        trace.push('onResponse')
        observed.resolve(info)
      })
      app.get(
        '/work',
        {
          guards: [
            () => {
              trace.push('guard')
              return true
            },
          ],
        },
        () => {
          trace.push('handler')
          return { worked: true }
        },
      )

      const res = await t.request(app, { url: '/work', headers: { 'x-stop': '1' } })
      assert.equal(res.status, 429)
      assert.deepEqual(res.json(), { stopped: true })
      assert.equal(res.headers['retry-after'], '7')
      assert.equal(res.headers['x-sent-by'], 'onSend')
      const info = await observed.promise
      assert.equal(info.outcome, 'completed')
      assert.equal(info.status, 429)
      assert.deepEqual(trace, ['onRequest', 'onSend', 'onResponse'])
    })

    it('answers with a plain value returned by a preHandler hook as JSON, without calling the handler', async () => {
      let handled = false
      const app = testApp()
      app.addHook('preHandler', (req) => (req.query.cached === '1' ? { from: 'cache' } : undefined))
      app.get('/data', () => {
        handled = true
        return { from: 'handler' }
      })
      const cached = await t.request(app, { url: '/data?cached=1' })
      assert.equal(cached.status, 200)
      assert.deepEqual(cached.json(), { from: 'cache' })
      assert.equal(handled, false)
      const fresh = await t.request(app, { url: '/data' })
      assert.deepEqual(fresh.json(), { from: 'handler' })
      assert.equal(handled, true)
    })

    it('short-circuits from any request phase: an authenticate hook answering 401 skips authorize and the handler', async () => {
      const trace: string[] = []
      const app = testApp()
      app.addHook('authenticate', () => reply.json({ error: 'who are you' }, { status: 401 }))
      app.addHook('authorize', () => void trace.push('authorize'))
      app.get('/', () => void trace.push('handler'))
      const res = await t.request(app, { url: '/' })
      assert.equal(res.status, 401)
      assert.deepEqual(res.json(), { error: 'who are you' })
      assert.deepEqual(trace, [])
    })

    it('shows the client a header an onSend hook adds to a normal reply, and lets onSend read status and body', async () => {
      const seen: Array<[number, string]> = []
      const app = testApp()
      app.addHook('onSend', (r, req) => {
        seen.push([r.status, String(r.body)])
        r.header('x-request-path', req.path)
      })
      app.get('/hello', () => ({ hello: 'world' }))
      const res = await t.request(app, { url: '/hello' })
      assert.equal(res.status, 200)
      assert.deepEqual(res.json(), { hello: 'world' })
      assert.equal(res.headers['x-request-path'], '/hello')
      assert.deepEqual(seen, [[200, '{"hello":"world"}']])
    })

    it("passes the reply through every onSend hook in order, each seeing the previous one's changes", async () => {
      const app = testApp()
      app.addHook('onSend', (r) => void r.header('x-chain', 'one'))
      app.addHook('onSend', (r) => {
        const prev = r.headerList.find(([name]) => name === 'x-chain')?.[1]
        r.header('x-chain', `${prev},two`)
      })
      app.get('/', () => 'ok')
      const res = await t.request(app, { url: '/' })
      assert.equal(res.headers['x-chain'], 'one,two')
    })

    it('sends the reply an onSend hook returns in place of the original', async () => {
      const app = testApp()
      app.addHook('onSend', (r) => {
        if (r.status !== 200) return undefined
        return reply.json({ wrapped: JSON.parse(String(r.body)) }, { status: 203, headers: { 'x-wrapped': 'yes' } })
      })
      app.addHook('onSend', (r) => void r.header('x-after-replace', String(r.status)))
      app.get('/inner', () => ({ value: 1 }))
      const res = await t.request(app, { url: '/inner' })
      assert.equal(res.status, 203)
      assert.deepEqual(res.json(), { wrapped: { value: 1 } })
      assert.equal(res.headers['x-wrapped'], 'yes')
      assert.equal(res.headers['x-after-replace'], '203', 'the next onSend hook sees the replacement')
    })

    it('runs onSend on error replies too (a header added there reaches the client with the problem)', async () => {
      const app = testApp()
      app.addHook('onSend', (r) => {
        assert.ok(r instanceof Reply)
        r.header('x-error-status', String(r.status))
      })
      app.get('/boom', () => {
        throw new Error('boom')
      })
      const res = await t.request(app, { url: '/boom' })
      assert.equal(res.status, 500)
      assert.match(res.headers['content-type'] ?? '', /^application\/problem\+json/)
      assert.equal(res.headers['x-error-status'], '500')
    })
  })
})
