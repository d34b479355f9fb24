/**
 * @module kernel/test/host/guard-requirements — guards that declare the plugins they need (`defineGuard(fn, { requires })`):
 * checked at ready against the plugins registered in each route's scope chain (app-wide included), so a guard
 * whose plugin is missing fails `app.ready()` naming the route, the guard and the plugin, instead of answering
 * every request wrongly. Plain-function guards and the fast path are unchanged.
 */
import assert from 'node:assert/strict'
import { defineGuard, definePlugin, errorCatalogue, guardRequirements, type Guard, type VectoraRequest } from 'vectora'
import { closeAfterTest, useCleanup } from 'vectora/testing'
import { hasCode, testApp as quietApp } from './support.js'

/** A stand-in for an authentication plugin: sets `req.user` from a header. Adds a hook, like @vectora/jwt. */
const auth = definePlugin({
  name: '@test/auth',
  version: '0.0.0',
  setup(app) {
    app.decorateRequest('user')
    app.addHook('authenticate', function readUser(req) {
      ;(req as { user?: string }).user = req.header('x-user')
      return undefined
    })
  },
})

/** A plugin that adds no hook at all (only a decoration), like @vectora/policy: its presence must still count. */
const quiet = definePlugin({
  name: '@test/quiet',
  version: '0.0.0',
  setup(app) {
    app.decorateRequest('quiet', () => true)
  },
})

/** A quiet test app, closed after the test. */
const testApp = () => closeAfterTest(quietApp())

const needsUser = (): Guard =>
  defineGuard(
    function needsUser(req: VectoraRequest<any>) {
      return (req as { user?: string }).user !== undefined
    },
    { requires: ['@test/auth'], hint: 'app.register(auth)' },
  )

describe('host: guards that declare the plugins they need', () => {
  useCleanup()

  it('fails app.ready() with VEC_ERR_GUARD_PLUGIN_MISSING naming the route, the guard, the plugin and how to register it', async () => {
    const app = testApp()
    app.get('/me', { guards: [needsUser()] }, () => 'me')
    await assert.rejects(
      app.ready(),
      hasCode(
        'VEC_ERR_GUARD_PLUGIN_MISSING',
        /Route GET \/me: guard needsUser needs the plugin @test\/auth registered app-wide or in an enclosing group/,
        /add app\.register\(auth\)/,
      ),
    )
  })

  it('is catalogued as a boot error', () => {
    const entry = errorCatalogue.VEC_ERR_GUARD_PLUGIN_MISSING
    assert.deepEqual([entry.status, entry.raisedBy], [null, 'boot'])
  })

  it('passes when the plugin is registered app-wide, before or after the route', async () => {
    for (const order of ['before', 'after'] as const) {
      const app = testApp()
      if (order === 'before') app.register(auth)
      app.get('/me', { guards: [needsUser()] }, (req) => (req as { user?: string }).user ?? '')
      if (order === 'after') app.register(auth)
      assert.equal((await app.inject({ url: '/me', headers: { 'x-user': 'ada' } })).body.toString(), 'ada', order)
      assert.equal((await app.inject({ url: '/me' })).status, 403, order)
    }
  })

  it('passes when the plugin is registered in an enclosing group (the route in a nested group)', async () => {
    const app = testApp()
    app.group('/api', (api) => {
      api.register(auth)
      api.group('/v1', (v1) => v1.get('/me', { guards: [needsUser()] }, () => 'me'))
    })
    assert.equal((await app.inject({ url: '/api/v1/me', headers: { 'x-user': 'ada' } })).status, 200)
  })

  it('fails for a group guard when the plugin is registered only in a sibling group', async () => {
    const app = testApp()
    app.group('/public', (g) => {
      g.register(auth)
      g.get('/ok', { guards: [needsUser()] }, () => 'ok')
    })
    app.group('/admin', { guards: [needsUser()] }, (g) => g.get('/users', () => []))
    await assert.rejects(app.ready(), hasCode('VEC_ERR_GUARD_PLUGIN_MISSING', /Route GET \/admin\/users: guard needsUser needs the plugin @test\/auth/))
  })

  it('fails for the routes of a group whose guard needs a plugin registered only in a nested group', async () => {
    const app = testApp()
    app.group('/admin', { guards: [needsUser()] }, (g) => {
      g.group('/inner', (inner) => {
        inner.register(auth)
        inner.get('/x', () => 'x')
      })
      g.get('/outer', () => 'outer')
    })
    await assert.rejects(app.ready(), hasCode('VEC_ERR_GUARD_PLUGIN_MISSING', /Route GET \/admin\/outer:/))
  })

  it('counts a plugin that adds no hook, and one registered by another plugin in its setup', async () => {
    const guard = defineGuard(
      function isQuiet(req: VectoraRequest<any>) {
        return (req as { quiet?: boolean }).quiet === true
      },
      { requires: ['@test/quiet'] },
    )
    const bundle = definePlugin({ name: '@test/bundle', version: '0.0.0', setup: (app) => void app.register(quiet) })
    const direct = testApp()
    direct.register(quiet)
    direct.get('/q', { guards: [guard] }, () => 'q')
    assert.equal((await direct.inject({ url: '/q' })).status, 200)
    const nested = testApp()
    nested.group('/g', (g) => g.register(bundle))
    nested.get('/g/no', () => 'no')
    nested.group('/g', (g) => g.get('/q', { guards: [guard] }, () => 'q'))
    // Another group with the same prefix is another scope: the bundle's registration does not reach it.
    await assert.rejects(nested.ready(), hasCode('VEC_ERR_GUARD_PLUGIN_MISSING', /Route GET \/g\/q: guard isQuiet needs the plugin @test\/quiet/))
  })

  it('names every missing plugin of a guard, and says how to register one when the guard gives no hint', async () => {
    const both = defineGuard(
      function both() {
        return true
      },
      { requires: ['@test/auth', '@test/quiet'] },
    )
    const app = testApp()
    app.register(auth)
    app.get('/both', { guards: [both] }, () => 'both')
    await assert.rejects(app.ready(), (error: Error) => {
      assert.match(error.message, /guard both needs the plugin @test\/quiet/)
      assert.doesNotMatch(error.message, /needs the plugin @test\/auth/)
      assert.match(error.message, /app\.register\(\.\.\.\)/)
      return true
    })
  })

  it('keeps plain-function guards working unchanged, and adds nothing to the pipeline (the fast path stays)', async () => {
    const app = testApp()
    app.register(quiet)
    const plain: Guard = () => true
    const declared = defineGuard(
      function declared() {
        return true
      },
      { requires: ['@test/quiet'] },
    )
    app.get('/plain', { guards: [plain] }, () => 'plain')
    app.get('/declared', { guards: [declared] }, () => 'declared')
    app.get('/none', () => 'none')
    await app.ready()
    assert.deepEqual(guardRequirements(plain), [])
    // The plugin adds no hook, so a route without guards keeps no pipeline at all; declaring adds no step.
    assert.deepEqual(app.pipeline('GET', '/none'), [])
    assert.deepEqual(
      app.pipeline('GET', '/plain').map((e) => `${e.phase} ${e.plugin}:${e.name}`),
      ['authorize vectora:guards'],
    )
    assert.deepEqual(app.pipeline('GET', '/declared'), app.pipeline('GET', '/plain'))
    assert.equal((await app.inject({ url: '/plain' })).body.toString(), 'plain')
    assert.equal((await app.inject({ url: '/declared' })).body.toString(), 'declared')
  })

  it('returns the function it was given (no wrapper per request) and reports what it requires', () => {
    const fn = (): boolean => true
    const guard = defineGuard(fn, { requires: ['@test/auth'] })
    assert.equal(guard, fn)
    assert.deepEqual(guardRequirements(guard), ['@test/auth'])
    assert.ok(Object.isFrozen(guardRequirements(guard)))
    // Not enumerable: spreading or serializing a guard's own properties shows nothing new.
    assert.deepEqual(Object.keys(guard), [])
  })

  it('refuses malformed declarations where they are written', () => {
    assert.throws(() => defineGuard('nope' as never, {}), hasCode('VEC_ERR_INVALID_OPTION', /defineGuard\(\): the guard must be a function/))
    assert.throws(
      () => defineGuard(() => true, { requires: '@test/auth' as never }),
      hasCode('VEC_ERR_INVALID_OPTION', /requires must be an array of plugin names/),
    )
    assert.throws(() => defineGuard(() => true, { requires: [''] }), hasCode('VEC_ERR_INVALID_OPTION', /requires must be an array of plugin names/))
    assert.throws(() => defineGuard(() => true, { require: ['@test/auth'] } as never), hasCode('VEC_ERR_INVALID_OPTION', /unknown option "require"/))
    assert.throws(() => defineGuard(() => true, { hint: 3 } as never), hasCode('VEC_ERR_INVALID_OPTION', /hint must be a non-empty string/))
    const once = defineGuard(() => true, { requires: ['@test/auth'] })
    assert.throws(() => defineGuard(once, { requires: ['@test/quiet'] }), hasCode('VEC_ERR_INVALID_OPTION', /already declares/))
  })
})
