/**
 * @module kernel/test/host/isolation — a faulty plugin hook costs one request, never the process: the client gets
 * a problem+json without internals, the log names the plugin, observers cannot break replies or each other,
 * and a hook that hangs past its timeout answers 503 VEC_ERR_HOOK_TIMEOUT.
 */
import assert from 'node:assert/strict'
import { definePlugin, HttpError, reply, type Phase, type PluginApp } from 'vectora'
import { assertProblem, forEachTransport } from 'vectora/testing'
import { deferred } from '../support/raw.js'
import { captureLogger, testApp } from './support.js'

const SECRET = 'db password is hunter2'
const THROWING_PHASES = ['onRequest', 'authenticate', 'authorize', 'validate', 'preHandler', 'onSend'] as const

/** A plugin named `faulty-<phase>` whose only hook, in `phase`, throws an error carrying SECRET. */
function faulty(phase: Phase, how: 'throw' | 'reject' = 'throw') {
  return definePlugin({
    name: `faulty-${phase}`,
    version: '1.0.0',
    setup(p: PluginApp) {
      const fn =
        how === 'throw'
          ? () => {
              throw new Error(SECRET)
            }
          : async () => {
              throw new Error(SECRET)
            }
      // Any phase: the overloads of addHook type each phase's hook; these take no argument, so all fit.
      ;(p.addHook as (phase: Phase, fn: () => unknown) => PluginApp)(phase, fn)
    },
  })
}

describe('host: isolation of faulty hooks', () => {
  forEachTransport((t) => {
    for (const phase of THROWING_PHASES) {
      it(`answers 500 problem+json without the internal message and logs the plugin name when ${/^[aeiou]/i.test(phase) ? 'an' : 'a'} ${phase} hook throws`, async () => {
        const logger = captureLogger()
        const app = testApp({ logger })
        app.register(faulty(phase))
        app.get('/target', () => ({ fine: true }))
        const res = await t.request(app, { url: '/target' })
        const body = assertProblem(res, { status: 500, code: 'VEC_ERR_INTERNAL', instance: '/target' })
        assert.doesNotMatch(res.text(), /hunter2/)
        assert.equal(body.stack, undefined)
        const line = await logger.next((l) => l.level === 'error' && l.fields.plugin === `faulty-${phase}`)
        assert.equal((line.fields.err as Error).message, SECRET)
      })
    }

    it('treats a rejected promise from a hook like a throw: 500 and the plugin named in the log', async () => {
      const logger = captureLogger()
      const app = testApp({ logger })
      app.register(faulty('preHandler', 'reject'))
      app.get('/target', () => 'fine')
      const res = await t.request(app, { url: '/target' })
      assertProblem(res, { status: 500, code: 'VEC_ERR_INTERNAL' })
      await logger.next((l) => l.level === 'error' && l.fields.plugin === 'faulty-preHandler')
    })

    it('keeps the status, detail, code and headers of an HttpError thrown from a hook, and logs no error for it', async () => {
      const logger = captureLogger()
      const app = testApp({ logger })
      app.register(
        definePlugin({
          name: 'bearer',
          version: '1.0.0',
          setup(p: PluginApp) {
            p.addHook('authenticate', () => {
              throw new HttpError(401, 'A bearer token is required.', { code: 'AUTH_REQUIRED', headers: { 'www-authenticate': 'Bearer' } })
            })
          },
        }),
      )
      app.get('/me', () => 'me')
      const res = await t.request(app, { url: '/me' })
      const body = assertProblem(res, { status: 401, code: 'AUTH_REQUIRED' })
      assert.equal(body.detail, 'A bearer token is required.')
      assert.equal(res.headers['www-authenticate'], 'Bearer')
      assert.deepEqual(logger.errors(), [])
    })

    it('answers with the reply an onError hook maps an error to, and leaves other errors to the default problem', async () => {
      class OutOfStock extends Error {
        constructor(readonly sku: string) {
          super(`no ${sku}`)
        }
      }
      const app = testApp()
      app.register(
        definePlugin({
          name: 'error-mapper',
          version: '1.0.0',
          setup(p: PluginApp) {
            p.addHook('onError', (error) =>
              error instanceof OutOfStock ? reply.json({ outOfStock: error.sku }, { status: 409, headers: { 'x-mapped': 'yes' } }) : undefined,
            )
          },
        }),
      )
      app.get('/buy/:sku', (req) => {
        if (req.params.sku === 'boom') throw new Error('unmapped')
        throw new OutOfStock(req.params.sku)
      })
      const mapped = await t.request(app, { url: '/buy/chair' })
      assert.equal(mapped.status, 409)
      assert.deepEqual(mapped.json(), { outOfStock: 'chair' })
      assert.equal(mapped.headers['x-mapped'], 'yes')
      const unmapped = await t.request(app, { url: '/buy/boom' })
      assertProblem(unmapped, { status: 500, code: 'VEC_ERR_INTERNAL' })
    })

    it('maps errors thrown by hooks as well as by handlers through onError', async () => {
      const app = testApp()
      app.addHook('preHandler', () => {
        throw new Error('maintenance')
      })
      app.addHook('onError', (error) => ((error as Error).message === 'maintenance' ? reply.text('back soon', { status: 503 }) : undefined))
      app.get('/', () => 'ok')
      const res = await t.request(app, { url: '/' })
      assert.equal(res.status, 503)
      assert.equal(res.text(), 'back soon')
    })

    it("falls back to the default problem when an onError hook itself throws, and logs that hook's plugin", async () => {
      const logger = captureLogger()
      const app = testApp({ logger })
      app.register(
        definePlugin({
          name: 'broken-mapper',
          version: '1.0.0',
          setup(p: PluginApp) {
            p.addHook('onError', () => {
              throw new Error('mapper bug')
            })
          },
        }),
      )
      app.get('/', () => {
        throw new HttpError(422, 'Unprocessable thing.')
      })
      const res = await t.request(app, { url: '/' })
      const body = assertProblem(res, { status: 422 })
      assert.equal(body.detail, 'Unprocessable thing.')
      const line = await logger.next((l) => l.level === 'error' && l.fields.plugin === 'broken-mapper')
      assert.equal((line.fields.err as Error).message, 'mapper bug')
    })

    it('logs a throwing onResponse observer with its plugin name, still runs the other observers, and leaves the reply untouched', async () => {
      const logger = captureLogger()
      const other = deferred<number>()
      const app = testApp({ logger })
      app.register(
        definePlugin({
          name: 'bad-metrics',
          version: '1.0.0',
          setup(p: PluginApp) {
            p.addHook('onResponse', () => {
              throw new Error('metrics backend down')
            })
          },
        }),
      )
      app.register(
        definePlugin({
          name: 'access-log',
          version: '1.0.0',
          setup(p: PluginApp) {
            p.addHook('onResponse', (_req, info) => other.resolve(info.status))
          },
        }),
      )
      app.get('/', () => ({ ok: true }))
      const res = await t.request(app, { url: '/' })
      assert.equal(res.status, 200)
      assert.deepEqual(res.json(), { ok: true })
      assert.equal(await other.promise, 200)
      const line = await logger.next((l) => l.level === 'error' && l.fields.plugin === 'bad-metrics')
      assert.equal((line.fields.err as Error).message, 'metrics backend down')
    })

    it('answers 503 VEC_ERR_HOOK_TIMEOUT when a hook outlives its timeout, and the next requests are served', async () => {
      const logger = captureLogger()
      const app = testApp({ logger })
      app.register(
        definePlugin({
          name: 'slow-auth',
          version: '1.0.0',
          setup(p: PluginApp) {
            p.addHook('authenticate', (req) => (req.path === '/hang' ? new Promise(() => {}) : undefined), { name: 'lookup', timeout: 50 })
          },
        }),
      )
      app.get('/hang', () => 'never')
      app.get('/ok', () => 'ok')
      const res = await t.request(app, { url: '/hang' })
      const body = assertProblem(res, { status: 503, code: 'VEC_ERR_HOOK_TIMEOUT', instance: '/hang' })
      assert.match(body.detail, /authenticate/)
      await logger.next((l) => l.level === 'error' && l.fields.plugin === 'slow-auth')
      for (let i = 0; i < 3; i++) {
        const later = await t.request(app, { url: '/ok' })
        assert.equal(later.status, 200)
        assert.equal(later.text(), 'ok')
      }
    })

    it('keeps serving other routes, and the failing one, after repeated hook failures', async () => {
      const app = testApp()
      app.group('/broken', (g) => {
        for (const phase of THROWING_PHASES) g.register(faulty(phase))
        g.get('/x', () => 'never')
      })
      app.get('/ok', () => 'ok')
      for (let i = 0; i < 3; i++) {
        assert.equal((await t.request(app, { url: '/broken/x' })).status, 500)
        const ok = await t.request(app, { url: '/ok' })
        assert.equal(ok.status, 200)
        assert.equal(ok.text(), 'ok')
      }
    })
  })
})
