/**
 * @module plugins/openapi/test/options — configuration: what register() refuses (OPENAPI_CONFIG_INVALID, saying what
 * to pass) and what it accepts.
 */
import assert from 'node:assert/strict'
import { closeAfterTest, createTestApp, useCleanup } from 'vectora/testing'
import { OpenApiConfigError, type OpenApiOptions, openapi } from '@vectora/openapi'
import { configError } from './support.js'

function register(options: unknown) {
  const app = closeAfterTest(createTestApp())
  app.register(openapi, options as OpenApiOptions)
  return app
}

describe('@vectora/openapi: configuration', () => {
  useCleanup()

  it('refuses an unknown option with OPENAPI_CONFIG_INVALID, listing the known ones; "path" points at jsonPath', () => {
    assert.throws(
      () => register({ docPath: '/docs' }),
      (error: any) => {
        assert.equal(error.code, 'VEC_ERR_PLUGIN_SETUP_FAILED')
        assert.ok(error.cause instanceof OpenApiConfigError)
        assert.equal(error.cause.code, 'OPENAPI_CONFIG_INVALID')
        assert.match(error.cause.message, /^@vectora\/openapi: unknown option "docPath" \(known: info, servers, filter, jsonPath, yaml, docsPath, guards\)/)
        return true
      },
    )
    assert.throws(() => register({ path: '/spec.json' }), configError(/The JSON document's path is "jsonPath"/))
  })

  it('refuses paths that are not static: relative, with params, a wildcard, a query or a trailing slash', () => {
    for (const [option, value] of [
      ['jsonPath', 'openapi.json'],
      ['jsonPath', '/:name.json'],
      ['docsPath', '/docs/*'],
      ['docsPath', '/docs/'],
      ['yaml', '/openapi.yaml?x=1'],
      ['docsPath', true],
      ['jsonPath', ''],
    ] as const) {
      assert.throws(() => register({ [option]: value }), configError(new RegExp(`${option} must be a static path`)), `${option}: ${value}`)
    }
  })

  it('refuses two routes on one path, and a docs page with no document to load', () => {
    assert.throws(() => register({ jsonPath: '/docs' }), configError(/must be different paths/))
    assert.throws(() => register({ yaml: '/openapi.json' }), configError(/must be different paths/))
    assert.throws(() => register({ jsonPath: false }), configError(/docsPath needs the document served somewhere/))
  })

  it('refuses wrong info, servers, filter and guards, saying what to pass', () => {
    assert.throws(() => register(null), configError(/options must be an object/))
    assert.throws(() => register({ info: 'API' }), configError(/info must be an object \{ title, version, description \}/))
    assert.throws(() => register({ info: { version: 2 } }), configError(/info.version must be a string \(got 2\)/))
    assert.throws(() => register({ info: { license: { url: 'https://x' } } }), configError(/info.license needs a name/))
    assert.throws(() => register({ servers: ['https://api.example.com'] }), configError(/servers must be an array of \{ url, description\? \}/))
    assert.throws(() => register({ filter: true }), configError(/filter must be a function \(route\) => boolean/))
    assert.throws(() => register({ guards: () => true }), configError(/guards must be an array of guard functions/))
  })

  it('accepts no options at all, and every option together', async () => {
    await register(undefined).ready()
    const app = register({
      info: { title: 'Notes', version: '1.0.0', description: 'd', license: { name: 'MIT', identifier: 'MIT' }, contact: { email: 'a@b.c' } },
      servers: [{ url: 'https://api.example.com' }],
      jsonPath: '/spec.json',
      yaml: true,
      docsPath: '/reference',
      filter: () => true,
      guards: [() => true],
    })
    await app.ready()
    const paths = app
      .routes()
      .filter((r) => r.owner === '@vectora/openapi')
      .map((r) => r.path)
    assert.deepEqual(paths.slice(0, 3), ['/spec.json', '/openapi.yaml', '/reference'])
    assert.equal(paths.length, 7)
    assert.ok(app.routes().every((r) => r.owner !== '@vectora/openapi' || r.guards.length === 1))
  })
})
