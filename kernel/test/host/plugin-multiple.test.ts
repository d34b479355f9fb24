/**
 * @module kernel/test/host/plugin-multiple — `multiple: true` plugins: several instances in one scope chain, each
 * with its own options; a repeat with equal options is still one instance.
 */
import assert from 'node:assert/strict'
import { createApp, definePlugin, type PluginApp } from 'vectora'
import { closeAfterTest, forEachTransport } from 'vectora/testing'

const tagger = definePlugin({
  name: 'tagger',
  version: '1.0.0',
  multiple: true,
  setup(app, options: { tag: string }) {
    app.addHook('onSend', (out) => {
      out.header(`x-tag-${options.tag}`, '1')
    })
  },
})

/** A `multiple` plugin that counts its setups and appends one mark per hook run, so a double run shows. */
function marker(setups: string[]) {
  return definePlugin({
    name: 'marker',
    version: '1.0.0',
    multiple: true,
    setup(app: PluginApp, options: { mark: string; fn?: () => void; store?: object }) {
      setups.push(options.mark)
      app.addHook('onSend', (out) => {
        const current = out.headerList.find(([name]) => name === 'x-marks')?.[1]
        out.header('x-marks', current === undefined ? options.mark : `${current},${options.mark}`)
      })
    },
  })
}

describe('plugins registered with multiple: true', () => {
  it('run every instance on a route whose scope chain registered it several times, with their own options', async () => {
    const app = createApp({ handleSignals: false })
    app.register(tagger, { tag: 'app' })
    app.group('/login', (g) => {
      g.register(tagger, { tag: 'strict' })
      g.get('/', () => 'login')
    })
    app.get('/other', () => 'other')
    try {
      const login = await app.inject({ url: '/login' })
      assert.equal(login.headers['x-tag-app'], '1')
      assert.equal(login.headers['x-tag-strict'], '1')
      const other = await app.inject({ url: '/other' })
      assert.equal(other.headers['x-tag-app'], '1')
      assert.equal(other.headers['x-tag-strict'], undefined, 'the group instance never leaks out of the group')
    } finally {
      await app.close()
    }
  })

  it('still refuses a second registration of a plugin without multiple', () => {
    const once = definePlugin({ name: 'once', version: '1.0.0', setup() {} })
    const app = createApp({ handleSignals: false })
    app.register(once, { a: 1 } as never)
    assert.throws(() => app.register(once, { a: 2 } as never), { code: 'VEC_ERR_PLUGIN_DUPLICATE' })
  })

  forEachTransport((t) => {
    it('dedupes a repeat with equal options (same function, same store instance): one setup, its hook runs once', async () => {
      const setups: string[] = []
      const plugin = marker(setups)
      const options = { mark: 'a', fn: () => {}, store: new Map() }
      const app = closeAfterTest(createApp({ handleSignals: false }))
      app.register(plugin, options)
      app.register(plugin, { ...options }) // a copy: equal values, the same function and store
      app.group('/g', (g) => {
        g.register(plugin, { ...options })
        g.register(plugin, { ...options, mark: 'b' }) // other options: a second instance
        g.get('/', () => 'g')
      })
      assert.deepEqual(setups, ['a', 'b'])
      assert.equal((await t.request(app, { url: '/g' })).headers['x-marks'], 'a,b')
    })

    it('runs only the outermost of equal instances when a group registered it before the app did', async () => {
      const setups: string[] = []
      const plugin = marker(setups)
      const store = new Map()
      const app = closeAfterTest(createApp({ handleSignals: false }))
      app.group('/g', (g) => {
        g.register(plugin, { mark: 'a', store })
        g.register(plugin, { mark: 'strict' })
        g.get('/', () => 'g')
      })
      app.register(plugin, { mark: 'a', store })
      app.get('/', () => 'root')
      assert.equal((await t.request(app, { url: '/g' })).headers['x-marks'], 'strict,a', "the group's copy of a yields to the app's")
      assert.equal((await t.request(app, { url: '/' })).headers['x-marks'], 'a')
    })

    it('keeps instances with other objects apart, even when those objects have equal fields', async () => {
      const setups: string[] = []
      const plugin = marker(setups)
      class Store {
        readonly size = 0
      }
      const app = closeAfterTest(createApp({ handleSignals: false }))
      app.register(plugin, { mark: 'a', store: new Store() })
      app.register(plugin, { mark: 'a', store: new Store() })
      app.get('/', () => 'root')
      assert.deepEqual(setups, ['a', 'a'])
      assert.equal((await t.request(app, { url: '/' })).headers['x-marks'], 'a,a')
    })
  })
})
