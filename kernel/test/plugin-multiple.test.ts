/** @module kernel/test/plugin-multiple — `multiple: true` plugins: several instances in one scope chain. */
import assert from 'node:assert/strict'
import { createApp, definePlugin } from 'vectora'

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
})
