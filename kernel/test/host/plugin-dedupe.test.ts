/**
 * @module kernel/test/host/plugin-dedupe — when registering a plugin again is a no-op and when it is
 * VEC_ERR_PLUGIN_DUPLICATE: plain data compares by value, functions and other objects (a store, a client)
 * by identity; the error says what differs and gives its advice once.
 */
import assert from 'node:assert/strict'
import { createApp, definePlugin, type App, type PluginApp } from 'vectora'
import { closeAfterTest, useCleanup } from 'vectora/testing'

/** A plugin without `multiple` that records each setup's options. */
function recorder(setups: unknown[]) {
  return definePlugin({
    name: 'recorder',
    version: '1.0.0',
    setup(_app: PluginApp, options: Record<string, unknown>) {
      setups.push(options)
    },
  })
}

const newApp = (): App => closeAfterTest(createApp({ handleSignals: false }))

/** Runs `fn`, expecting VEC_ERR_PLUGIN_DUPLICATE; returns the message. */
function duplicateMessage(fn: () => unknown): string {
  try {
    fn()
  } catch (error) {
    assert.equal((error as { code?: string }).code, 'VEC_ERR_PLUGIN_DUPLICATE', String(error))
    return (error as Error).message
  }
  assert.fail('expected VEC_ERR_PLUGIN_DUPLICATE')
}

describe('plugin dedupe', () => {
  useCleanup()

  it('dedupes identical options holding a function and a store instance, in one scope and in a nested group', () => {
    const setups: unknown[] = []
    const plugin = recorder(setups)
    const store = { take: () => true, size: 0 }
    const key = (): string => 'k'
    const app = newApp()
    app.register(plugin, { limit: 5, key, store, list: ['a'] })
    app.register(plugin, { limit: 5, key, store, list: ['a'] })
    app.group('/g', (g) => g.register(plugin, { limit: 5, key, store, list: ['a'] }))
    assert.equal(setups.length, 1)
  })

  it('dedupes equal copies of value objects: Dates, RegExps and Buffers compare by content', () => {
    const setups: unknown[] = []
    const plugin = recorder(setups)
    const options = () => ({ since: new Date(0), origin: /^https:\/\/a\./i, secret: Buffer.from('s3cret') })
    const app = newApp()
    app.register(plugin, options())
    app.register(plugin, options())
    assert.equal(setups.length, 1)
  })

  it('refuses another store instance with equal fields: stores hold state, so they compare by identity', () => {
    class Store {
      readonly hits = new Map<string, number>()
    }
    const plugin = recorder([])
    const app = newApp()
    app.register(plugin, { limit: 5, store: new Store() })
    const message = duplicateMessage(() => app.register(plugin, { limit: 5, store: new Store() }))
    assert.match(message, /store: another object or function/)
  })

  it('refuses another function with the same source', () => {
    const plugin = recorder([])
    const app = newApp()
    app.register(plugin, { key: () => 'k' })
    assert.match(
      duplicateMessage(() => app.register(plugin, { key: () => 'k' })),
      /key: another object or function/,
    )
  })

  it('refuses other options in one scope, naming the option that differs and giving its advice once', () => {
    const plugin = recorder([])
    const app = newApp()
    app.register(plugin, { tag: 'one' })
    const message = duplicateMessage(() => app.register(plugin, { tag: 'two' }))
    assert.match(
      message,
      /^VEC_ERR_PLUGIN_DUPLICATE: Plugin recorder is already registered in app, with other options than this registration \(tag: "two" here, "one" there\)\./,
    )
    assert.equal(message.match(/multiple: true/g)?.length, 1, 'the advice is given once')
    assert.match(message, /Pass equal options/)
    assert.doesNotMatch(message, /separate group|use a group/, 'it does not advise what the user just did')
  })

  it('refuses other options in a nested group, saying which scope encloses which', () => {
    const plugin = recorder([])
    const app = newApp()
    app.register(plugin, { limit: 100 })
    const message = duplicateMessage(() => app.group('/login', (g) => g.register(plugin, { limit: 5 })))
    assert.match(message, /already registered in app, which encloses group \/login, with other options than this registration \(limit: 5 here, 100 there\)/)
    assert.equal(message.match(/multiple: true/g)?.length, 1)
  })

  it('refuses at the app options other than those a nested group registered first, even when a sibling group matches', () => {
    const plugin = recorder([])
    const app = newApp()
    app.group('/a', (g) => g.register(plugin, { tag: 'x' }))
    app.group('/b', (g) => g.register(plugin, { tag: 'y' }))
    const message = duplicateMessage(() => app.register(plugin, { tag: 'x' }))
    assert.match(message, /already registered in group \/b, inside app/)
    assert.match(message, /tag: "x" here, "y" there/)
  })

  it('names an option set on one side only', () => {
    const plugin = recorder([])
    const app = newApp()
    app.register(plugin, { limit: 5 })
    assert.match(
      duplicateMessage(() => app.register(plugin, { limit: 5, burst: 1 })),
      /burst: set in only one of them/,
    )
  })
})
