/**
 * @module kernel/test/host/scopes — hooks, guards and plugins belong to the scope they were added in and apply to
 * it and the scopes nested in it, never to siblings; plugin registration rules (dedupe, duplicates,
 * dependencies); nothing can be added once the app is ready.
 */
import assert from 'node:assert/strict'
import { definePlugin, type PluginApp } from 'vectora'
import { closeAfterTest, forEachTransport, useCleanup } from 'vectora/testing'
import { hasCode, testApp } from './support.js'

/** A plugin that stamps `x-tag: <options.tag>` on every reply of its scope and counts its setups. */
function tagger(setups: string[] = []) {
  return definePlugin({
    name: 'tagger',
    version: '1.0.0',
    setup(p: PluginApp, options: { tag: string }) {
      setups.push(options.tag)
      p.addHook('onSend', (r) => void r.header('x-tag', options.tag))
    },
  })
}

describe('host: scopes', () => {
  forEachTransport((t) => {
    it('never runs hooks of group /a for routes of group /b or root routes', async () => {
      const trace: string[] = []
      const app = testApp()
      app.group('/a', (g) => {
        g.addHook('onRequest', (req) => void trace.push(`a-hook ${req.path}`))
        g.addHook('onSend', (r) => void r.header('x-group', 'a'))
        g.get('/x', () => 'a')
      })
      app.group('/b', (g) => g.get('/x', () => 'b'))
      app.get('/root', () => 'root')

      const a = await t.request(app, { url: '/a/x' })
      const b = await t.request(app, { url: '/b/x' })
      const root = await t.request(app, { url: '/root' })
      assert.deepEqual([a.text(), b.text(), root.text()], ['a', 'b', 'root'])
      assert.equal(a.headers['x-group'], 'a')
      assert.equal(b.headers['x-group'], undefined)
      assert.equal(root.headers['x-group'], undefined)
      assert.deepEqual(trace, ['a-hook /a/x'])
    })

    it('runs app-wide hooks for every route, grouped ones included', async () => {
      const trace: string[] = []
      const app = testApp()
      app.addHook('onRequest', (req) => void trace.push(req.path))
      app.group('/a', (g) => g.group('/deep', (d) => d.get('/x', () => 'x')))
      app.get('/root', () => 'root')
      await t.request(app, { url: '/a/deep/x' })
      await t.request(app, { url: '/root' })
      assert.deepEqual(trace, ['/a/deep/x', '/root'])
    })

    it("runs the parent group's hooks and guards for a nested group's routes, outer before inner", async () => {
      const trace: string[] = []
      const app = testApp()
      const outerGuard = (): boolean => {
        trace.push('outer guard')
        return true
      }
      const innerGuard = (req: { header(name: string): string | undefined }): boolean => {
        trace.push('inner guard')
        return req.header('x-inner') === 'ok'
      }
      app.group('/outer', { guards: [outerGuard] }, (outer) => {
        outer.addHook('onRequest', () => void trace.push('outer hook'))
        outer.group('/inner', { guards: [innerGuard] }, (inner) => {
          inner.addHook('onRequest', () => void trace.push('inner hook'))
          inner.get('/x', () => {
            trace.push('handler')
            return 'inner'
          })
        })
        outer.get('/y', () => 'outer')
      })

      const allowed = await t.request(app, { url: '/outer/inner/x', headers: { 'x-inner': 'ok' } })
      assert.equal(allowed.status, 200)
      assert.deepEqual(trace, ['outer hook', 'inner hook', 'outer guard', 'inner guard', 'handler'])

      trace.length = 0
      const denied = await t.request(app, { url: '/outer/inner/x' })
      assert.equal(denied.status, 403)
      assert.deepEqual(trace, ['outer hook', 'inner hook', 'outer guard', 'inner guard'])

      trace.length = 0
      const sibling = await t.request(app, { url: '/outer/y' })
      assert.equal(sibling.status, 200)
      assert.deepEqual(trace, ['outer hook', 'outer guard'])
    })

    it('confines a plugin registered in a group to that group', async () => {
      const app = testApp()
      app.group('/tagged', (g) => {
        g.register(tagger(), { tag: 'inside' })
        g.get('/x', () => 'x')
        g.group('/nested', (n) => n.get('/y', () => 'y'))
      })
      app.get('/plain', () => 'plain')
      assert.equal((await t.request(app, { url: '/tagged/x' })).headers['x-tag'], 'inside')
      assert.equal((await t.request(app, { url: '/tagged/nested/y' })).headers['x-tag'], 'inside')
      assert.equal((await t.request(app, { url: '/plain' })).headers['x-tag'], undefined)
    })

    it('puts the routes a plugin declares under the prefix of the group it was registered in', async () => {
      const app = testApp()
      const status = definePlugin({
        name: 'status-route',
        version: '1.0.0',
        setup(p: PluginApp, options: { name: string }) {
          p.get('/status', () => ({ service: options.name }))
        },
      })
      app.group('/billing', (g) => g.register(status, { name: 'billing' }))
      app.group('/shipping', (g) => g.register(status, { name: 'shipping' }))
      assert.deepEqual((await t.request(app, { url: '/billing/status' })).json(), { service: 'billing' })
      assert.deepEqual((await t.request(app, { url: '/shipping/status' })).json(), { service: 'shipping' })
      assert.equal((await t.request(app, { url: '/status' })).status, 404)
    })

    it('runs the same plugin in two sibling groups, each with its own options', async () => {
      const setups: string[] = []
      const plugin = tagger(setups)
      const app = testApp()
      app.group('/one', (g) => {
        g.register(plugin, { tag: 'first' })
        g.get('/x', () => 'x')
      })
      app.group('/two', (g) => {
        g.register(plugin, { tag: 'second' })
        g.get('/x', () => 'x')
      })
      assert.equal((await t.request(app, { url: '/one/x' })).headers['x-tag'], 'first')
      assert.equal((await t.request(app, { url: '/two/x' })).headers['x-tag'], 'second')
      assert.deepEqual(setups, ['first', 'second'])
    })

    it('dedupes the same plugin registered twice in one scope with equal options: setup runs once, its hook runs once', async () => {
      const setups: string[] = []
      let hookRuns = 0
      const plugin = definePlugin({
        name: 'counter',
        version: '1.0.0',
        setup(p: PluginApp, options: { step: number; labels: string[] }) {
          setups.push(JSON.stringify(options))
          p.addHook('onRequest', () => void (hookRuns += options.step))
        },
      })
      const app = testApp()
      app.register(plugin, { step: 1, labels: ['a'] })
      app.register(plugin, { step: 1, labels: ['a'] }) // a deep-equal copy, not the same object
      app.get('/', () => 'ok')
      await t.request(app, { url: '/' })
      assert.equal(setups.length, 1)
      assert.equal(hookRuns, 1)
    })
  })

  describe('registration', () => {
    useCleanup()

    it('dedupes a plugin a nested group registers again with equal options after the app registered it', () => {
      const setups: string[] = []
      const app = closeAfterTest(testApp())
      app.register(tagger(setups), { tag: 'same' })
      app.group('/g', (g) => g.register(tagger(setups), { tag: 'same' }))
      assert.deepEqual(setups, ['same'])
    })

    it('refuses the same plugin twice in one scope with different options with VEC_ERR_PLUGIN_DUPLICATE', () => {
      const app = closeAfterTest(testApp())
      const plugin = tagger()
      app.register(plugin, { tag: 'one' })
      assert.throws(() => app.register(plugin, { tag: 'two' }), hasCode('VEC_ERR_PLUGIN_DUPLICATE', /tagger/))
    })

    it('refuses, in a nested group, a plugin the enclosing scope registered with other options', () => {
      const app = closeAfterTest(testApp())
      app.register(tagger(), { tag: 'outer' })
      assert.throws(() => app.group('/inner', (g) => g.register(tagger(), { tag: 'inner' })), hasCode('VEC_ERR_PLUGIN_DUPLICATE', /tagger/))
    })

    it('refuses at the app a plugin a group already registered with other options (same scope chain, other order)', () => {
      const app = closeAfterTest(testApp())
      app.group('/inner', (g) => g.register(tagger(), { tag: 'inner' }))
      assert.throws(() => app.register(tagger(), { tag: 'outer' }), hasCode('VEC_ERR_PLUGIN_DUPLICATE', /tagger/))
    })

    it("runs a plugin's hook once per request of a group that registered it before the app registered it with equal options", async () => {
      const runs: string[] = []
      const plugin = definePlugin({
        name: 'once',
        version: '1.0.0',
        setup(p: PluginApp) {
          p.addHook('onRequest', (req) => void runs.push(req.path))
        },
      })
      const app = closeAfterTest(testApp())
      app.group('/g', (g) => {
        g.register(plugin)
        g.get('/r', () => 'r')
      })
      app.register(plugin)
      app.get('/root', () => 'root')
      await app.inject({ url: '/g/r' })
      await app.inject({ url: '/root' })
      assert.deepEqual(runs, ['/g/r', '/root'])
    })

    it('refuses a plugin whose dependency is not registered with VEC_ERR_PLUGIN_MISSING_DEPENDENCY naming both', () => {
      const app = closeAfterTest(testApp())
      const sessions = definePlugin({ name: 'sessions', version: '1.0.0', dependencies: ['redis'], setup() {} })
      assert.throws(() => app.register(sessions), hasCode('VEC_ERR_PLUGIN_MISSING_DEPENDENCY', /sessions/, /redis/))
    })

    it('refuses a dependency registered only in a sibling group', () => {
      const app = closeAfterTest(testApp())
      const redis = definePlugin({ name: 'redis', version: '1.0.0', setup() {} })
      const sessions = definePlugin({ name: 'sessions', version: '1.0.0', dependencies: ['redis'], setup() {} })
      app.group('/a', (g) => g.register(redis))
      assert.throws(() => app.group('/b', (g) => g.register(sessions)), hasCode('VEC_ERR_PLUGIN_MISSING_DEPENDENCY'))
    })

    it('accepts a dependency registered before, in the same scope or an enclosing one', () => {
      const app = closeAfterTest(testApp())
      const order: string[] = []
      const redis = definePlugin({
        name: 'redis',
        version: '1.0.0',
        setup() {
          order.push('redis')
        },
      })
      const sessions = definePlugin({
        name: 'sessions',
        version: '1.0.0',
        dependencies: ['redis'],
        setup() {
          order.push('sessions')
        },
      })
      app.register(redis)
      app.register(sessions)
      app.group('/g', (g) =>
        g.register(
          definePlugin({
            name: 'carts',
            version: '1.0.0',
            dependencies: ['sessions'],
            setup() {
              order.push('carts')
            },
          }),
        ),
      )
      assert.deepEqual(order, ['redis', 'sessions', 'carts'])
    })

    it('refuses a request decoration that requests already have, or that another plugin took, with VEC_ERR_DECORATION_CONFLICT', () => {
      const app = closeAfterTest(testApp())
      app.register(
        definePlugin({
          name: 'first',
          version: '1.0.0',
          setup(p: PluginApp) {
            p.decorateRequest('tenant')
          },
        }),
      )
      assert.throws(
        () =>
          app.register(
            definePlugin({
              name: 'second',
              version: '1.0.0',
              setup(p: PluginApp) {
                p.decorateRequest('tenant')
              },
            }),
          ),
        hasCode('VEC_ERR_PLUGIN_SETUP_FAILED', /VEC_ERR_DECORATION_CONFLICT/, /second/, /first/),
      )
      assert.throws(() => app.decorateRequest('headers'), hasCode('VEC_ERR_DECORATION_CONFLICT', /headers/))
    })

    it('gives every request its own decoration value from init, computed only when read', async () => {
      const app = closeAfterTest(testApp())
      let inits = 0
      app.decorateRequest('bag', () => {
        inits++
        return { items: [] as string[] }
      })
      app.get('/read/:item', (req) => {
        const bag = (req as unknown as { bag: { items: string[] } }).bag
        bag.items.push(req.params.item)
        return bag.items
      })
      app.get('/skip', () => 'no bag')
      assert.deepEqual((await app.inject({ url: '/read/a' })).json(), ['a'])
      assert.deepEqual((await app.inject({ url: '/read/b' })).json(), ['b'])
      await app.inject({ url: '/skip' })
      assert.equal(inits, 2)
    })

    it('refuses to register a plugin, add a hook, a route or a service once the app is ready, with VEC_ERR_APP_READY', async () => {
      const app = closeAfterTest(testApp())
      let facade: PluginApp | undefined
      app.register(
        definePlugin({
          name: 'keeps-facade',
          version: '1.0.0',
          setup(p: PluginApp) {
            facade = p
          },
        }),
      )
      app.get('/', () => 'ok')
      await app.ready()
      const late = definePlugin({ name: 'late', version: '1.0.0', setup() {} })
      assert.throws(() => app.register(late), hasCode('VEC_ERR_APP_READY'))
      assert.throws(() => app.addHook('onRequest', () => {}), hasCode('VEC_ERR_APP_READY'))
      assert.throws(() => app.get('/late', () => 'late'), hasCode('VEC_ERR_APP_READY'))
      assert.throws(() => app.group('/g', (g) => g.get('/x', () => 'x')), hasCode('VEC_ERR_APP_READY'))
      assert.throws(() => app.provideValue('late', 1), hasCode('VEC_ERR_APP_READY'))
      assert.throws(() => app.decorateRequest('late'), hasCode('VEC_ERR_APP_READY'))
      // A plugin that kept its facade cannot sneak anything in either.
      assert.throws(() => facade!.addHook('onSend', () => {}), hasCode('VEC_ERR_APP_READY'))
      assert.throws(() => facade!.get('/sneaky', () => 'x'), hasCode('VEC_ERR_APP_READY'))
      assert.equal((await app.inject({ url: '/late' })).status, 404)
    })

    it('waits for an async plugin setup before ready() and fails ready() with VEC_ERR_PLUGIN_SETUP_FAILED naming a plugin whose setup rejects', async () => {
      const ok = closeAfterTest(testApp())
      ok.register(
        definePlugin({
          name: 'async-ok',
          version: '1.0.0',
          async setup(p: PluginApp) {
            await Promise.resolve()
            p.get('/late-route', () => 'registered after an await')
          },
        }),
      )
      assert.equal((await ok.inject({ url: '/late-route' })).text(), 'registered after an await')

      const bad = closeAfterTest(testApp())
      bad.register(
        definePlugin({
          name: 'async-bad',
          version: '1.0.0',
          async setup() {
            throw new Error('cannot connect')
          },
        }),
      )
      await assert.rejects(bad.ready(), hasCode('VEC_ERR_PLUGIN_SETUP_FAILED', /async-bad/, /cannot connect/))
    })
  })
})
