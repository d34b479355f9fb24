/**
 * @module kernel/test/host/observability-seams — what logging, tracing and metrics plugins build on:
 * `req.route` (the declared pattern), `assignRequestId` (a trusted incoming id, shape-checked),
 * `useLogger` (a plugin replaces the app's logger, app scope only) and `stats()` on a plugin's app.
 */
import assert from 'node:assert/strict'
import { assignRequestId, definePlugin, type Logger } from 'vectora'
import { createTestApp, listen, useCleanup } from 'vectora/testing'

describe('observability seams', () => {
  useCleanup()

  it("a plugin's app tells the app's development mode and thread count", async () => {
    const seen: Array<[boolean, number]> = []
    const probe = definePlugin({ name: 'probe', version: '1.0.0', setup: (app) => void seen.push([app.development, app.threads]) })
    createTestApp({ development: true }).register(probe)
    createTestApp({ development: false }).register(probe)
    assert.deepEqual(seen, [
      [true, 1],
      [false, 1],
    ])
  })

  it('req.route is the declared pattern (with the group prefix); undefined for an unmatched request', async () => {
    const seen: Array<string | undefined> = []
    const app = createTestApp()
    app.addHook('onResponse', (req) => {
      seen.push(req.route)
    })
    app.get('/users/:id', (req) => ({ route: req.route }))
    app.group('/v1', (g) => g.get('/items/:sku', (req) => ({ route: req.route })))
    assert.deepEqual((await app.inject({ url: '/users/7' })).json(), { route: '/users/:id' })
    assert.deepEqual((await app.inject({ url: '/v1/items/a-1' })).json(), { route: '/v1/items/:sku' })
    assert.equal((await app.inject({ url: '/nope' })).status, 404)
    assert.deepEqual(seen, ['/users/:id', '/v1/items/:sku', undefined])
  })

  it('assignRequestId replaces req.id (also in problem+json bodies) and refuses ids of the wrong shape', async () => {
    const results: boolean[] = []
    const app = createTestApp()
    app.addHook('onRequest', (req) => {
      const given = req.header('x-request-id')
      if (given !== undefined) results.push(assignRequestId(req, given))
    })
    app.get('/id', (req) => ({ id: req.id }))
    app.get('/fail', () => {
      throw new Error('boom')
    })
    assert.deepEqual((await app.inject({ url: '/id', headers: { 'x-request-id': 'abc-123_X.y' } })).json(), { id: 'abc-123_X.y' })
    const failed = await app.inject({ url: '/fail', headers: { 'x-request-id': 'trace:42' } })
    assert.equal(failed.json().requestId, 'trace:42')
    const generated = (await app.inject({ url: '/id', headers: { 'x-request-id': 'has space' } })).json().id
    assert.notEqual(generated, 'has space')
    assert.match(generated, /^[a-z0-9]+-[a-z0-9]+$/)
    assert.equal((await app.inject({ url: '/id', headers: { 'x-request-id': 'x'.repeat(129) } })).json().id.length < 129, true)
    assert.deepEqual(results, [true, true, false, false])
  })

  it('useLogger replaces app.log and the framework error lines; refuses a group scope and a non-logger', async () => {
    const lines: Array<[string, string, Record<string, unknown> | undefined]> = []
    const logger: Logger = {
      error: (m, f) => lines.push(['error', m, f]),
      warn: (m, f) => lines.push(['warn', m, f]),
      info: (m, f) => lines.push(['info', m, f]),
    }
    const app = createTestApp()
    app.register(definePlugin({ name: 'test-logger', version: '1.0.0', setup: (p) => void p.useLogger(logger) }))
    app.get('/fail', () => {
      throw new Error('boom')
    })
    assert.equal(app.log, logger)
    assert.equal((await app.inject({ url: '/fail' })).status, 500)
    assert.equal(lines.filter(([level, message]) => level === 'error' && message === 'request failed').length, 1)

    const refused = (pattern: RegExp) => (err: Error & { code?: string; cause?: { code?: string; message?: string } }) =>
      err.code === 'VEC_ERR_PLUGIN_SETUP_FAILED' && err.cause?.code === 'VEC_ERR_PLUGIN_INVALID' && pattern.test(String(err.cause?.message))
    const grouped = createTestApp()
    const inGroup = definePlugin({ name: 'grouped-logger', version: '1.0.0', setup: (p) => void p.useLogger(logger) })
    assert.throws(() => grouped.group('/g', (g) => g.register(inGroup)), refused(/useLogger\(\) in a group/))
    const bad = createTestApp()
    assert.throws(
      () => bad.register(definePlugin({ name: 'bad-logger', version: '1.0.0', setup: (p) => void p.useLogger({} as Logger) })),
      refused(/not a logger/),
    )
  })

  it('instrumentHooks sees every hook call with its request and its end (errors included); a failing instrument is only logged', async () => {
    const events: string[] = []
    const app = createTestApp()
    app.register(
      definePlugin({
        name: 'tracer',
        version: '1.0.0',
        setup(p) {
          p.instrumentHooks((hook, req) => {
            events.push(`start ${hook.phase} ${hook.plugin}:${hook.name} ${req.path}`)
            return (error) => events.push(`end ${hook.name}${error === undefined ? '' : ` failed: ${(error as Error).message}`}`)
          })
          p.instrumentHooks(() => {
            throw new Error('instrument bug')
          })
        },
      }),
    )
    app.addHook('onRequest', function stamp() {})
    app.addHook('preHandler', async function slow(req) {
      await new Promise((resolve) => setTimeout(resolve, 5))
      if (req.path === '/boom') throw new Error('nope')
    })
    app.addHook('onSend', function tag(reply) {
      reply.header('x-tag', '1')
    })
    app.get('/ok', () => ({ ok: true }))
    app.get('/boom', () => ({ ok: true }))
    const ok = await app.inject({ url: '/ok' })
    assert.equal(ok.status, 200)
    assert.equal(ok.headers['x-tag'], '1')
    assert.deepEqual(events, ['start onRequest app:stamp /ok', 'end stamp', 'start preHandler app:slow /ok', 'end slow', 'start onSend app:tag /ok', 'end tag'])
    events.length = 0
    assert.equal((await app.inject({ url: '/boom' })).status, 500)
    assert.ok(events.includes('end slow failed: nope'), events.join('; '))

    const grouped = createTestApp()
    assert.throws(
      () =>
        grouped.group('/g', (g) =>
          g.register(definePlugin({ name: 'grouped-tracer', version: '1.0.0', setup: (p) => void p.instrumentHooks(() => undefined) })),
        ),
      (err: Error & { cause?: { message?: string } }) => /instrumentHooks\(\) in a group/.test(String(err.cause?.message)),
    )
  })

  it("a plugin's stats() reads the kernel counters once the app is ready", async () => {
    let read: (() => { requests: number }) | undefined
    const app = createTestApp()
    app.register(
      definePlugin({
        name: 'stats-reader',
        version: '1.0.0',
        setup(p) {
          assert.throws(() => p.stats(), { code: 'VEC_ERR_APP_NOT_READY' })
          read = () => p.stats()
        },
      }),
    )
    app.get('/', () => 'ok')
    const port = await listen(app)
    for (let i = 0; i < 3; i++) await fetch(`http://127.0.0.1:${port}/`).then((r) => r.text())
    assert.ok(read!().requests >= 3)
  })
})
