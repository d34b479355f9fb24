/**
 * @module plugins/openapi/test/contributions — what other plugins say through `describeApi()` lands in the document:
 * security schemes, security requirements, responses (problem+json with headers), parameters and tags, only on
 * the routes of the scope the contribution was made in.
 */
import assert from 'node:assert/strict'
import { definePlugin } from 'vectora'
import { assertProblem, createTestApp, useCleanup } from 'vectora/testing'
import { generateDocument, openapi } from '@vectora/openapi'
import { apiKeys, assertValid } from './support.js'

/** A second authentication plugin, bearer tokens, optional when `optional` (then anonymous requests pass too). */
const bearer = definePlugin({
  name: 'acme-bearer',
  version: '1.0.0',
  setup(app, options: { optional?: boolean }) {
    const security: Array<Record<string, string[]>> = options.optional ? [{ bearer: ['read'] }, {}] : [{ bearer: ['read'] }]
    app.describeApi({ securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } }, operation: () => ({ security }) })
  },
})

describe('@vectora/openapi: describeApi() contributions', () => {
  useCleanup()

  it('puts a third-party plugin’s security scheme, requirement, 401 response, header parameter and tag in the document', async () => {
    const app = createTestApp()
    app.register(apiKeys, { keys: ['k1'] })
    app.register(openapi)
    app.get('/things/:id', { docs: { tags: ['things'] } }, (req) => ({ id: req.params.id }))
    await app.ready()
    const doc = generateDocument(app)
    await assertValid(doc)
    assert.deepEqual(doc.components.securitySchemes, { apiKey: { type: 'apiKey', in: 'header', name: 'x-api-key', description: 'An ACME API key.' } })
    const get = doc.paths['/things/{id}']!.get!
    assert.deepEqual(get.security, [{ apiKey: [] }])
    assert.deepEqual(get.tags, ['things', 'authenticated'])
    assert.deepEqual(get.parameters, [
      { name: 'id', in: 'path', required: true, schema: { type: 'string' } },
      { name: 'x-client-version', in: 'header', description: 'The client build.', schema: { type: 'string' } },
    ])
    assert.deepEqual((get.responses as any)['401'], {
      description: 'No or a wrong API key.',
      headers: { 'www-authenticate': { description: 'The challenge.', schema: { type: 'string' } } },
      content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
    })
    // What the document says is what the app does.
    const res = await app.inject({ url: '/things/1' })
    assertProblem(res, { status: 401, code: 'API_KEY_INVALID' })
    assert.equal(res.headers['www-authenticate'], 'ApiKey')
  })

  it('applies a contribution made in a group to that group’s routes only; its security scheme is still a component', async () => {
    const app = createTestApp()
    app.register(openapi)
    app.get('/public', () => 'open')
    app.group('/admin', (admin) => {
      admin.register(apiKeys, { keys: ['k1'] })
      admin.get('/stats', () => ({ n: 1 }))
    })
    app.group('/other', (other) => other.get('/page', () => 'sibling'))
    await app.ready()
    const doc = generateDocument(app)
    await assertValid(doc)
    assert.deepEqual(doc.paths['/admin/stats']!.get!.security, [{ apiKey: [] }])
    assert.ok('401' in (doc.paths['/admin/stats']!.get!.responses as object))
    for (const path of ['/public', '/other/page']) {
      const op = doc.paths[path]!.get!
      assert.equal('security' in op, false, path)
      assert.equal('401' in (op.responses as object), false, path)
      assert.equal('parameters' in op, false, path)
    }
    assert.ok(doc.components.securitySchemes?.apiKey)
    assert.deepEqual(doc.tags, [{ name: 'authenticated' }])
  })

  it('combines the requirements of two authenticating plugins with AND, keeping an anonymous alternative', async () => {
    const app = createTestApp()
    app.register(bearer, { optional: true })
    app.group('/strict', (strict) => {
      strict.register(apiKeys, { keys: ['k1'] })
      strict.get('/x', () => 'x')
    })
    app.get('/open', () => 'open')
    await app.ready()
    const doc = generateDocument(app)
    await assertValid(doc)
    assert.deepEqual(doc.paths['/open']!.get!.security, [{ bearer: ['read'] }, {}])
    assert.deepEqual(doc.paths['/strict/x']!.get!.security, [{ bearer: ['read'], apiKey: [] }, { apiKey: [] }])
    assert.deepEqual(Object.keys(doc.components.securitySchemes!), ['bearer', 'apiKey'])
  })

  it('lets docs.responses override a contributed response of the same status, and merges two contributions of one status', async () => {
    const app = createTestApp()
    app.register(apiKeys, { keys: ['k1'] })
    app.describeApi({ operation: () => ({ responses: { 401: { description: 'Or the session expired.', problem: true } } }) })
    app.get('/a', () => 'a')
    app.get('/b', { docs: { responses: { 401: { description: 'Log in first.' } } } }, () => 'b')
    await app.ready()
    const doc = generateDocument(app)
    const a = (doc.paths['/a']!.get!.responses as any)['401']
    assert.equal(a.description, 'No or a wrong API key.\n\nOr the session expired.')
    assert.ok(a.headers['www-authenticate'])
    assert.ok(a.content['application/problem+json'])
    // The route's own word is last, and keeps the contributed body when it gives no schema.
    assert.deepEqual((doc.paths['/b']!.get!.responses as any)['401'], {
      description: 'Log in first.',
      content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
    })
  })

  it('refuses to start when two plugins describe one security scheme differently, naming both', async () => {
    const other = definePlugin({
      name: 'acme-other-keys',
      version: '1.0.0',
      setup(app) {
        app.describeApi({ securitySchemes: { apiKey: { type: 'apiKey', in: 'query', name: 'key' } } })
      },
    })
    const app = createTestApp()
    app.register(apiKeys, { keys: ['k1'] })
    app.register(other)
    app.register(openapi)
    await assert.rejects(app.ready(), (error: any) => {
      const cause = error.cause
      assert.equal(cause?.code, 'OPENAPI_DOCUMENT_INVALID')
      assert.match(cause.message, /acme-api-keys and acme-other-keys both describe the security scheme "apiKey"/)
      return true
    })
  })

  it('names the plugin whose operation() threw, with its error as the cause', async () => {
    const broken = definePlugin({
      name: 'acme-broken',
      version: '1.0.0',
      setup(app) {
        app.describeApi({
          operation: () => {
            throw new Error('no idea')
          },
        })
      },
    })
    const app = createTestApp()
    app.register(broken)
    app.get('/x', () => 'x')
    await app.ready()
    assert.throws(
      () => generateDocument(app),
      (error: any) => {
        assert.equal(error.code, 'OPENAPI_DOCUMENT_INVALID')
        assert.match(error.message, /the describeApi\(\) contribution of acme-broken threw for GET \/x/)
        assert.equal(error.cause.message, 'no idea')
        return true
      },
    )
  })
})
