/**
 * @module kernel/test/host/ordering — the order of hooks within a phase: before/after constraints first, then
 * stage, then registration order; app.pipeline() reports that very order; bad constraints fail ready().
 */
import assert from 'node:assert/strict'
import { definePlugin, type App, type Plugin, type PluginApp } from 'vectora'
import { closeAfterTest, forEachTransport, useCleanup } from 'vectora/testing'
import { hasCode, testApp } from './support.js'

/** Three plugins whose onRequest hooks must run a -> b -> c, each pushing its name to `trace`. */
function constrainedPlugins(trace: string[]): Record<'a' | 'b' | 'c', Plugin> {
  return {
    // stage 100 would put it last; the constraint wins over stage.
    a: definePlugin({
      name: 'a',
      version: '1.0.0',
      setup(app: PluginApp) {
        app.addHook('onRequest', () => void trace.push('a'), { name: 'a-first', before: 'b', stage: 100 })
      },
    }),
    b: definePlugin({
      name: 'b',
      version: '1.0.0',
      setup(app: PluginApp) {
        app.addHook('onRequest', () => void trace.push('b'), { name: 'b-middle' })
      },
    }),
    // stage -100 would put it first; the constraint wins over stage.
    c: definePlugin({
      name: 'c',
      version: '1.0.0',
      setup(app: PluginApp) {
        app.addHook('onRequest', () => void trace.push('c'), { name: 'c-last', after: ['b'], stage: -100 })
      },
    }),
  }
}

const PERMUTATIONS = [
  ['a', 'b', 'c'],
  ['a', 'c', 'b'],
  ['b', 'a', 'c'],
  ['b', 'c', 'a'],
  ['c', 'a', 'b'],
  ['c', 'b', 'a'],
] as const

describe('host: hook ordering', () => {
  forEachTransport((t) => {
    it('runs hooks in the order before/after demand, although the plugins were registered in the opposite order', async () => {
      const trace: string[] = []
      const plugins = constrainedPlugins(trace)
      const app = testApp()
      app.register(plugins.c).register(plugins.b).register(plugins.a)
      app.get('/', () => 'ok')
      const res = await t.request(app, { url: '/' })
      assert.equal(res.status, 200)
      assert.deepEqual(trace, ['a', 'b', 'c'])
    })

    it('orders unconstrained hooks by stage, then by registration order', async () => {
      const trace: string[] = []
      const app = testApp()
      const late = definePlugin({
        name: 'late',
        version: '1.0.0',
        setup(p: PluginApp) {
          p.addHook('onRequest', () => void trace.push('late:stage-5'), { stage: -5 })
        },
      })
      app.addHook('onRequest', () => void trace.push('app:stage10'), { stage: 10 })
      app.addHook('onRequest', () => void trace.push('app:x'))
      app.addHook('onRequest', () => void trace.push('app:y'), { stage: 0 })
      app.register(late)
      app.addHook('onRequest', () => void trace.push('app:z'))
      app.get('/', () => 'ok')
      await t.request(app, { url: '/' })
      assert.deepEqual(trace, ['late:stage-5', 'app:x', 'app:y', 'app:z', 'app:stage10'])
    })
  })

  describe('declaration', () => {
    useCleanup()

    it('gives the same order whichever order the plugins are registered in', async () => {
      for (const order of PERMUTATIONS) {
        const trace: string[] = []
        const plugins = constrainedPlugins(trace)
        const app = closeAfterTest(testApp())
        for (const name of order) app.register(plugins[name])
        app.get('/', () => 'ok')
        await app.inject({ url: '/' })
        assert.deepEqual(trace, ['a', 'b', 'c'], `registered as ${order.join(', ')}`)
      }
    })

    it('lists in app.pipeline() the same order the hooks run in', async () => {
      const trace: string[] = []
      const plugins = constrainedPlugins(trace)
      const app = closeAfterTest(testApp())
      app.register(plugins.c).register(plugins.b).register(plugins.a)
      app.addHook('onSend', function stamp() {}, { stage: 1 })
      app.get('/items/:id', () => 'ok')
      await app.ready()
      const plan = app.pipeline('GET', '/items/:id')
      assert.deepEqual(plan, [
        { phase: 'onRequest', plugin: 'a', name: 'a-first', stage: 100 },
        { phase: 'onRequest', plugin: 'b', name: 'b-middle', stage: 0 },
        { phase: 'onRequest', plugin: 'c', name: 'c-last', stage: -100 },
        { phase: 'onSend', plugin: 'app', name: 'stamp', stage: 1 },
      ])
      await app.inject({ url: '/items/1' })
      assert.deepEqual(
        trace,
        plan.filter((e) => e.phase === 'onRequest').map((e) => e.plugin),
      )
    })

    it('lists the request phases of app.pipeline() in the order they run, whatever order the hooks were added in', async () => {
      const app = closeAfterTest(testApp())
      app.addHook('onResponse', function observe() {})
      app.addHook('preHandler', function load() {})
      app.addHook('onError', function mapError() {})
      app.addHook('onSend', function stamp() {})
      app.addHook('authorize', function allow() {})
      app.addHook('validate', function check() {})
      app.addHook('authenticate', function identify() {})
      app.addHook('onRequest', function start() {})
      app.get('/', () => 'ok')
      await app.ready()
      const phases = app.pipeline('GET', '/').map((e) => e.phase)
      assert.deepEqual(phases.slice(0, 5), ['onRequest', 'authenticate', 'authorize', 'validate', 'preHandler'])
      assert.deepEqual([...phases.slice(5)].sort(), ['onError', 'onResponse', 'onSend'])
    })

    it('fails ready() with VEC_ERR_HOOK_ORDER_UNKNOWN when a hook is ordered before a plugin that is not registered', async () => {
      const app = closeAfterTest(testApp())
      const eager = definePlugin({
        name: 'eager',
        version: '1.0.0',
        setup(p: PluginApp) {
          p.addHook('onRequest', () => {}, { before: '@vectora/missing' })
        },
      })
      app.register(eager)
      app.get('/', () => 'ok')
      await assert.rejects(app.ready(), hasCode('VEC_ERR_HOOK_ORDER_UNKNOWN', /@vectora\/missing/, /eager/))
    })

    it('fails ready() with VEC_ERR_HOOK_ORDER_UNKNOWN for an unknown name in after too', async () => {
      const app = closeAfterTest(testApp())
      app.addHook('preHandler', () => {}, { after: 'ghost' })
      app.get('/', () => 'ok')
      await assert.rejects(app.ready(), hasCode('VEC_ERR_HOOK_ORDER_UNKNOWN', /ghost/))
    })

    it('fails ready() with VEC_ERR_HOOK_ORDER_CYCLE naming both plugins when a runs before b and b before a', async () => {
      const app = closeAfterTest(testApp())
      const a = definePlugin({
        name: 'alpha',
        version: '1.0.0',
        setup(p: PluginApp) {
          p.addHook('authenticate', () => {}, { before: 'beta' })
        },
      })
      const b = definePlugin({
        name: 'beta',
        version: '1.0.0',
        setup(p: PluginApp) {
          p.addHook('authenticate', () => {}, { before: 'alpha' })
        },
      })
      app.register(a).register(b)
      app.get('/', () => 'ok')
      await assert.rejects(app.ready(), hasCode('VEC_ERR_HOOK_ORDER_CYCLE', /alpha/, /beta/, /authenticate/, /(alpha -> beta -> alpha|beta -> alpha -> beta)/))
    })

    it('treats a constraint on a registered plugin that has no hook in that phase as satisfied', async () => {
      const app = closeAfterTest(testApp())
      app.register(
        definePlugin({
          name: 'only-onsend',
          version: '1.0.0',
          setup(p: PluginApp) {
            p.addHook('onSend', () => {})
          },
        }),
      )
      app.addHook('onRequest', function early() {}, { before: 'only-onsend' })
      app.get('/', () => 'ok')
      await app.ready()
      assert.equal((await app.inject({ url: '/' })).status, 200)
    })

    it('refuses an unknown phase, a non-function hook and a bad timeout with VEC_ERR_HOOK_INVALID where they are added', () => {
      const app = closeAfterTest(testApp())
      const addHook = app.addHook as (phase: string, fn: unknown, options?: object) => unknown
      assert.throws(() => addHook('onRequst', () => {}), hasCode('VEC_ERR_HOOK_INVALID', /onRequst/))
      assert.throws(() => addHook('onRequest', 'not a function'), hasCode('VEC_ERR_HOOK_INVALID'))
      assert.throws(() => addHook('onRequest', () => {}, { timeout: -5 }), hasCode('VEC_ERR_HOOK_INVALID', /timeout/))
    })

    it('answers app.pipeline() only once the app is ready, and only for a declared route', async () => {
      const app = closeAfterTest(testApp())
      app.get('/users/:id', () => 'x')
      assert.throws(() => app.pipeline('GET', '/users/:id'), hasCode('VEC_ERR_APP_NOT_READY'))
      await app.ready()
      assert.deepEqual(app.pipeline('get', '/users/:id'), [])
      assert.throws(() => app.pipeline('GET', '/users/7'), hasCode('VEC_ERR_ROUTE_INVALID'))
    })

    it('does not start serving when hook ordering fails', async () => {
      const app: App = closeAfterTest(testApp())
      app.addHook('onRequest', () => {}, { before: 'nobody' })
      app.get('/', () => 'ok')
      await assert.rejects(app.inject({ url: '/' }), hasCode('VEC_ERR_HOOK_ORDER_UNKNOWN'))
      await assert.rejects(app.listen({ host: '127.0.0.1', port: 0 }), hasCode('VEC_ERR_HOOK_ORDER_UNKNOWN'))
    })
  })
})
