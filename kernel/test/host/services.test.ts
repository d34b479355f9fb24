/**
 * @module kernel/test/host/services — services reach handlers through `inject`; a scoped service lives exactly one
 * request and is disposed when it ends, however it ends; a bad graph fails ready() before any factory runs.
 */
import assert from 'node:assert/strict'
import { definePlugin, HttpError, type PluginApp, type ResponseInfo } from 'vectora'
import { closeAfterTest, forEachTransport, listen, useCleanup } from 'vectora/testing'
import { abortedEvent, deferred, eventually, RawConnection } from '../support/raw.js'
import { hasCode, testApp } from './support.js'

interface RequestContext {
  id: number
  disposed: boolean
}

/** Provides a scoped `ctx` service numbering its instances; `disposed` resolves per instance id. */
function scopedContext(app: ReturnType<typeof testApp>) {
  let created = 0
  const disposals = new Map<number, ReturnType<typeof deferred<void>>>()
  const disposedOf = (id: number) => {
    let d = disposals.get(id)
    if (d === undefined) disposals.set(id, (d = deferred()))
    return d
  }
  const order: string[] = []
  app.provide<RequestContext>('ctx', {
    lifetime: 'scoped',
    factory: () => ({ id: ++created, disposed: false }),
    dispose: (ctx) => {
      ctx.disposed = true
      order.push(`dispose ${ctx.id}`)
      disposedOf(ctx.id).resolve()
    },
  })
  return { disposed: (id: number) => disposedOf(id).promise, created: () => created, order }
}

describe('host: services', () => {
  forEachTransport((t) => {
    it('hands the services named in inject to the handler, built from their own deps', async () => {
      const app = testApp()
      app.register(
        definePlugin({
          name: 'greeting',
          version: '1.0.0',
          setup(p: PluginApp, options: { word: string }) {
            p.provideValue('greetingConfig', { word: options.word })
            p.provide('greeter', { deps: ['greetingConfig'], factory: ({ greetingConfig }) => ({ greet: (n: string) => `${greetingConfig.word}, ${n}` }) })
          },
        }),
        { word: 'Hello' },
      )
      app.provide('clock', { factory: () => ({ now: () => 1_700_000_000 }) })
      app.get('/greet/:name', { inject: ['greeter', 'clock'] }, (req, deps) => ({
        text: deps.greeter.greet(req.params.name),
        at: deps.clock.now(),
        keys: Object.keys(deps).sort(),
      }))
      const res = await t.request(app, { url: '/greet/Ada' })
      assert.equal(res.status, 200)
      assert.deepEqual(res.json(), { text: 'Hello, Ada', at: 1_700_000_000, keys: ['clock', 'greeter'] })
    })

    it('gives one scoped instance per request (inject, req.services and hooks share it) and a new one to the next request', async () => {
      const app = testApp()
      const ctx = scopedContext(app)
      let fromHook: RequestContext | undefined
      app.addHook('preHandler', (req) => {
        fromHook = req.services.resolve<RequestContext>('ctx')
      })
      app.get('/ctx', { inject: ['ctx'] }, (req, { ctx: injected }) => ({
        id: injected.id,
        same: injected === req.services.resolve('ctx') && injected === fromHook,
      }))
      const first = (await t.request(app, { url: '/ctx' })).json()
      const second = (await t.request(app, { url: '/ctx' })).json()
      assert.deepEqual(first, { id: 1, same: true })
      assert.deepEqual(second, { id: 2, same: true })
      assert.equal(ctx.created(), 2)
    })

    it('disposes the scoped instance when the request ends, after onResponse', async () => {
      const app = testApp()
      const ctx = scopedContext(app)
      app.addHook('onResponse', () => void ctx.order.push('onResponse'))
      app.get('/ctx', { inject: ['ctx'] }, (_req, deps) => ({ disposedDuringHandler: deps.ctx.disposed }))
      const res = await t.request(app, { url: '/ctx' })
      assert.deepEqual(res.json(), { disposedDuringHandler: false })
      await ctx.disposed(1)
      assert.deepEqual(ctx.order, ['onResponse', 'dispose 1'])
    })

    it('disposes the scoped instance when the handler throws', async () => {
      const app = testApp()
      const ctx = scopedContext(app)
      app.get('/fail', { inject: ['ctx'] }, () => {
        throw new HttpError(409, 'conflict')
      })
      const res = await t.request(app, { url: '/fail' })
      assert.equal(res.status, 409)
      await ctx.disposed(1)
    })

    it('disposes a scoped instance resolved through req.services on a route without inject or hooks', async () => {
      const app = testApp()
      const ctx = scopedContext(app)
      app.get('/lazy', (req) => req.services.resolve<RequestContext>('ctx').id)
      const res = await t.request(app, { url: '/lazy' })
      assert.equal(res.text(), '1')
      await ctx.disposed(1)
    })

    it('disposes the scoped instance when the request times out', async () => {
      const app = testApp({ requestTimeout: 100 })
      const ctx = scopedContext(app)
      app.get('/hang', { inject: ['ctx'] }, (req) => abortedEvent(req.signal).then(() => 'late'))
      const res = await t.request(app, { url: '/hang' })
      assert.equal(res.status, 503)
      await ctx.disposed(1)
    })

    it('never leaves a scoped instance undisposed when a hook resolves it after the request timed out', async () => {
      const app = testApp({ requestTimeout: 100 })
      let created = 0
      let disposed = 0
      app.provide('ctx', { lifetime: 'scoped', factory: () => ++created, dispose: () => void disposed++ })
      const resolvedLate = deferred<string>()
      app.addHook('preHandler', async (req) => {
        await abortedEvent(req.signal) // a slow lookup that outlives the deadline
        try {
          req.services.resolve('ctx')
          resolvedLate.resolve('resolved')
        } catch (error) {
          resolvedLate.resolve(String((error as { code?: unknown }).code))
        }
      })
      app.get('/slow', () => 'late')
      assert.equal((await t.request(app, { url: '/slow' })).status, 503)
      const outcome = await resolvedLate.promise
      // Either the ended request's scope refuses (docs/services.md), or what it built is disposed.
      if (outcome === 'resolved') await eventually(async () => disposed === created, { tries: 50 })
      else assert.equal(outcome, 'VEC_ERR_DI_SCOPE_DISPOSED')
    })

    it('creates no scope for a route that resolves nothing', async () => {
      const app = testApp()
      const ctx = scopedContext(app)
      app.get('/plain', () => 'plain')
      await t.request(app, { url: '/plain' })
      assert.equal(ctx.created(), 0)
    })
  })

  describe('through a raw socket', () => {
    useCleanup()

    it('disposes the scoped instance when the client disconnects mid-request', async () => {
      const app = testApp()
      const ctx = scopedContext(app)
      const arrived = deferred()
      const observed = deferred<ResponseInfo>()
      app.addHook('onResponse', (_req, info) => observed.resolve(info))
      app.get('/wait', { inject: ['ctx'] }, async (req) => {
        arrived.resolve()
        await abortedEvent(req.signal)
        return 'gone'
      })
      const conn = await RawConnection.open(await listen(app))
      conn.write('GET /wait HTTP/1.1\r\nhost: test\r\n\r\n')
      await arrived.promise
      conn.destroy()
      await ctx.disposed(1)
      assert.equal((await observed.promise).outcome, 'aborted')
    })
  })

  describe('checks at ready()', () => {
    useCleanup()

    it('fails ready() with VEC_ERR_DI_MISSING naming the route and the token when a route injects a token nothing provides, before any factory runs', async () => {
      const app = closeAfterTest(testApp())
      let factories = 0
      app.provide('db', { factory: () => ++factories })
      app.provide('users', { deps: ['db'], factory: () => ++factories })
      app.get('/users/:id', { inject: ['users', 'mailer'] }, () => 'x')
      await assert.rejects(app.ready(), hasCode('VEC_ERR_DI_MISSING', /GET \/users\/:id/, /"mailer"/))
      assert.equal(factories, 0)
    })

    it('fails ready() with VEC_ERR_DI_MISSING naming the service whose deps name a missing token', async () => {
      const app = closeAfterTest(testApp())
      app.register(
        definePlugin({
          name: 'mail',
          version: '1.0.0',
          setup(p: PluginApp) {
            p.provide('mailer', { deps: ['smtp'], factory: () => ({}) })
          },
        }),
      )
      await assert.rejects(app.ready(), hasCode('VEC_ERR_DI_MISSING', /"mailer"/, /"smtp"/, /mail/))
    })

    it('fails ready() with VEC_ERR_DI_CYCLE showing the resolution path, before any factory runs', async () => {
      const app = closeAfterTest(testApp())
      let factories = 0
      app.provide('a', { deps: ['b'], factory: () => ++factories })
      app.provide('b', { deps: ['a'], factory: () => ++factories })
      app.get('/', { inject: ['a'] }, () => 'x')
      await assert.rejects(app.ready(), hasCode('VEC_ERR_DI_CYCLE', /a -> b -> a/))
      assert.equal(factories, 0)
    })

    it('fails ready() with VEC_ERR_DI_LIFETIME when a singleton depends on a scoped service', async () => {
      const app = closeAfterTest(testApp())
      app.provide('request', { lifetime: 'scoped', factory: () => ({}) })
      app.provide('cache', { deps: ['request'], factory: () => ({}) })
      await assert.rejects(app.ready(), hasCode('VEC_ERR_DI_LIFETIME', /cache/, /request/))
    })

    it('disposes the singletons that were created at close(), after onClose hooks', async () => {
      const app = closeAfterTest(testApp())
      const order: string[] = []
      app.provide('pool', { factory: () => ({}), dispose: () => void order.push('dispose pool') })
      app.provide('unused', { factory: () => ({}), dispose: () => void order.push('dispose unused') })
      app.onClose(() => void order.push('onClose'))
      app.get('/', { inject: ['pool'] }, () => 'ok')
      await app.inject({ url: '/' })
      const report = await app.close()
      assert.deepEqual(order, ['onClose', 'dispose pool'])
      assert.equal(report.exitCode, 0)
    })
  })
})
