/**
 * @module plugins/cors/test/options — configuration: what register() refuses (CORS_CONFIG_INVALID) and
 * where the two hooks sit in the pipeline.
 */
import assert from 'node:assert/strict'
import { cors, CorsConfigError, type CorsOptions } from '@vectora/cors'
import { closeAfterTest, useCleanup } from 'vectora/testing'
import { APP_ORIGIN as APP, configError, testApp } from './support.js'

function register(options: unknown) {
  const app = closeAfterTest(testApp())
  app.register(cors, options as CorsOptions)
  return app
}

describe('@vectora/cors: configuration', () => {
  useCleanup()

  it('refuses origin "*" with credentials: true at register(), with a CorsConfigError coded CORS_CONFIG_INVALID', () => {
    assert.throws(
      () => register({ origin: '*', credentials: true }),
      (error: any) => {
        assert.equal(error.code, 'VEC_ERR_PLUGIN_SETUP_FAILED')
        assert.ok(error.cause instanceof CorsConfigError)
        assert.equal(error.cause.code, 'CORS_CONFIG_INVALID')
        assert.match(error.cause.message, /origin "\*" cannot be combined with credentials/)
        assert.match(error.message, /@vectora\/cors/)
        return true
      },
    )
  })

  it('requires an origin: registering without options, or with options but no origin, throws', () => {
    assert.throws(() => register(undefined), configError(/options are required/))
    assert.throws(() => register({ credentials: true }), configError(/origin is required/))
  })

  it('refuses origin strings browsers never send, and suggests the serialized origin', () => {
    for (const [given, hint] of [
      ['https://app.example.com/', 'https://app.example.com'],
      ['https://app.example.com/path', 'https://app.example.com'],
      ['https://app.example.com:443', 'https://app.example.com'],
      ['HTTPS://App.Example.com', 'https://app.example.com'],
    ]) {
      assert.throws(() => register({ origin: [given] }), configError(new RegExp(`not a serialized origin.*Did you mean "${hint}"`)), given)
    }
    assert.throws(() => register({ origin: 'app.example.com' }), configError(/not a serialized origin/))
  })

  it('refuses "null" and "*" inside an origin list, and an empty list', () => {
    assert.throws(() => register({ origin: ['null'] }), configError(/sandboxed iframes/))
    assert.throws(() => register({ origin: [APP, '*'] }), configError(/use origin: "\*" alone/))
    assert.throws(() => register({ origin: [] }), configError(/empty list/))
  })

  it('refuses unknown options, so a typo such as "credential" is not silently ignored', () => {
    assert.throws(() => register({ origin: [APP], credential: true }), configError(/unknown option "credential"/))
  })

  it('refuses invalid method and header names, a negative or fractional maxAge and non-boolean flags', () => {
    for (const options of [
      { methods: ['GET', 'BAD METHOD'] },
      { allowedHeaders: ['x-ok', 'bad header'] },
      { exposedHeaders: 'x-one' },
      { maxAge: -1 },
      { maxAge: 1.5 },
      { credentials: 'yes' },
      { privateNetwork: 1 },
    ]) {
      assert.throws(() => register({ origin: [APP], ...options }), configError(/./), JSON.stringify(options))
    }
  })

  it('accepts credentials: true with exact origins, a RegExp or a function, and boots', async () => {
    for (const origin of [[APP], /^https:\/\/[a-z]+\.example\.com$/, () => true]) {
      const app = register({ origin, credentials: true, privateNetwork: true, maxAge: 0 })
      await app.ready()
    }
  })

  it('places the preflight hook first in onRequest (stage -1000) and the header hook late in onSend (stage 1000)', async () => {
    const app = closeAfterTest(testApp())
    app.register(cors, { origin: [APP] })
    app.addHook('onRequest', function requestId() {})
    app.addHook('authenticate', function checkToken() {})
    app.addHook('onSend', function securityHeaders() {})
    app.get('/things', () => [])
    await app.ready()
    const plan = app.pipeline('GET', '/things').map((e) => `${e.phase} ${e.plugin}:${e.name}@${e.stage}`)
    assert.deepEqual(plan, [
      'onRequest @vectora/cors:preflight@-1000',
      'onRequest app:requestId@0',
      'authenticate app:checkToken@0',
      'onSend app:securityHeaders@0',
      'onSend @vectora/cors:onSendHeaders@1000',
    ])
  })
})
