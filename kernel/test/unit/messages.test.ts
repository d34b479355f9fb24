/**
 * @module kernel/test/unit/messages — the boot errors a new user meets first say what to do: the closest
 * known name, where an option really goes, what is frozen after ready().
 */
import assert from 'node:assert/strict'
import { createApp, definePlugin } from '../../ts/index.js'
import { describe as describeValue } from '../../ts/base/check.js'
import { closestName } from '../../ts/base/suggest.js'

function message(fn: () => unknown): string {
  try {
    fn()
  } catch (error) {
    return (error as Error).message
  }
  assert.fail('expected a throw')
}

describe('error messages', () => {
  it('suggests the closest name: case, singular/plural and small typos, nothing when far', () => {
    assert.equal(closestName('user', ['users', 'db']), 'users')
    assert.equal(closestName('Users', ['users']), 'users')
    assert.equal(closestName('bodyLimt', ['bodyLimit', 'logger']), 'bodyLimit')
    assert.equal(closestName('x', ['bodyLimit', 'logger']), undefined)
    assert.equal(closestName('cache', ['db']), undefined)
  })

  it('points port and host at listen() instead of calling them unknown', () => {
    const text = message(() => createApp({ port: 3000 } as never))
    assert.match(text, /^VEC_ERR_INVALID_OPTION: "port" is not a createApp\(\) option: pass it to listen\(\)/)
    assert.match(
      message(() => createApp({ host: '0.0.0.0' } as never)),
      /app\.listen\(\{ host: /,
    )
  })

  it('suggests the option meant by a typo and points at the options table that exists', () => {
    const text = message(() => createApp({ bodyLimt: 10 } as never))
    assert.match(text, /Unknown createApp\(\) option "bodyLimt"\. Did you mean "bodyLimit"\?/)
    assert.match(text, /kernel\/README\.md/)
  })

  it('suggests users for user when a route injects a missing service', async () => {
    const app = createApp({ handleSignals: false })
    app.provide('users', { factory: () => new Map() })
    app.get('/u', { inject: ['user'] }, () => 'x')
    await assert.rejects(app.ready(), (e: Error) => /needs service "user", which nothing provides\. Did you mean "users"\?/.test(e.message))
    await app.close()
  })

  it('says "an object", and speaks of hooks (not routes) when a hook comes after ready()', async () => {
    assert.equal(describeValue({}), 'an object')
    assert.equal(
      describeValue(() => 1),
      'a function',
    )
    const app = createApp({ handleSignals: false })
    await app.ready()
    const hook = message(() => app.addHook('onRequest', () => undefined))
    assert.match(hook, /^VEC_ERR_APP_READY: Cannot add .*hook/)
    assert.doesNotMatch(hook, /Register every route/)
    assert.equal(hook.match(/before ready\(\)|Declare them before/g)?.length, 1, hook)
    const plugin = message(() => app.register(definePlugin({ name: 'late', version: '1.0.0', setup() {} })))
    assert.match(plugin, /plugin late/)
    await app.close()
  })
})

describe('plugin setup failures', () => {
  it('end the cause in one period, not two', async () => {
    const app = createApp({ handleSignals: false })
    const failing = definePlugin({
      name: 'failing',
      version: '1.0.0',
      setup() {
        throw new Error('The secret is too short.')
      },
    })
    const text = message(() => app.register(failing))
    assert.match(text, /failed: The secret is too short\. /)
    assert.doesNotMatch(text, /\.\./)
    const plain = message(() =>
      app.register(
        definePlugin({
          name: 'plain',
          version: '1.0.0',
          setup() {
            throw new Error('no key')
          },
        }),
      ),
    )
    assert.match(plain, /failed: no key\. /)
    await app.close()
  })
})
