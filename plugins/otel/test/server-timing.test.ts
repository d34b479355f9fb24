/** @module test/server-timing — the opt-in Server-Timing header: total, per phase, on short-circuits and errors. */
import assert from 'node:assert/strict'
import { HttpError } from 'vectora'
import { createTestApp, forEachTransport } from 'vectora/testing'
import { otel } from '../src/index.js'

const ENTRY = /^([A-Za-z]+);dur=(\d+\.\d{2})$/

/** The header's entries as name -> milliseconds, in order. */
function entries(header: string | undefined): Array<[string, number]> {
  assert.ok(header !== undefined, 'no Server-Timing header')
  return header.split(', ').map((part) => {
    const m = ENTRY.exec(part)
    assert.ok(m, `malformed entry ${part}`)
    return [m[1], Number(m[2])] as [string, number]
  })
}

function timedApp(serverTiming: boolean | { phases: boolean }) {
  const app = createTestApp()
  app.register(otel, { tracing: false, metrics: false, serverTiming })
  return app
}

describe('@vectora/otel: Server-Timing', () => {
  forEachTransport((t) => {
    it('is off by default', async () => {
      const app = createTestApp()
      app.register(otel, { tracing: false, metrics: false })
      app.get('/', () => 'ok')
      assert.equal((await t.request(app, { url: '/' })).headers['server-timing'], undefined)
    })

    it('serverTiming: true sends total;dur covering the handler', async () => {
      const app = timedApp(true)
      app.get('/', async () => {
        await new Promise((resolve) => setTimeout(resolve, 20))
        return 'ok'
      })
      const e = entries((await t.request(app, { url: '/' })).headers['server-timing'])
      assert.equal(e.length, 1)
      assert.equal(e[0][0], 'total')
      assert.ok(e[0][1] >= 15, `total ${e[0][1]}`)
    })

    it('phases: one entry per phase, the handler holding the handler time, summing to about the total', async () => {
      const app = timedApp({ phases: true })
      app.get('/', async () => {
        await new Promise((resolve) => setTimeout(resolve, 20))
        return 'ok'
      })
      const e = entries((await t.request(app, { url: '/' })).headers['server-timing'])
      assert.deepEqual(
        e.map(([name]) => name),
        ['onRequest', 'authenticate', 'authorize', 'validate', 'preHandler', 'handler', 'send', 'total'],
      )
      const byName = Object.fromEntries(e)
      assert.ok(byName.handler >= 15, `handler ${byName.handler}`)
      const sum = e.slice(0, -1).reduce((s, [, d]) => s + d, 0)
      assert.ok(Math.abs(sum - byName.total) < 0.1, `${sum} vs ${byName.total}`)
    })

    it('a short-circuit in authenticate: the phases that ran, and the header on the 401', async () => {
      const app = timedApp({ phases: true })
      app.addHook('authenticate', () => {
        throw new HttpError(401, 'who are you')
      })
      app.get('/', () => 'ok')
      const res = await t.request(app, { url: '/' })
      assert.equal(res.status, 401)
      assert.deepEqual(
        entries(res.headers['server-timing']).map(([name]) => name),
        ['onRequest', 'authenticate', 'send', 'total'],
      )
    })

    it('is sent on unmatched 404s too', async () => {
      const app = timedApp(true)
      const res = await t.request(app, { url: '/nowhere' })
      assert.equal(res.status, 404)
      assert.equal(entries(res.headers['server-timing'])[0][0], 'total')
    })
  })
})
