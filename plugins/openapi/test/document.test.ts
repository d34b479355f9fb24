/**
 * @module plugins/openapi/test/document — the OpenAPI 3.1.0 document: it validates (@readme/openapi-parser), and
 * every route's params, query, headers, body and response appear with the JSON Schema of its contract, with the
 * framework's real error replies, docs fields, operationIds and the fallbacks for what JSON Schema cannot say.
 */
import assert from 'node:assert/strict'
import { type } from 'arktype'
import { definePlugin, type Guard, reply } from 'vectora'
import { createTestApp, useCleanup } from 'vectora/testing'
import { stringify } from 'yaml'
import { defaultFilter, generateDocument, type OpenApiDocument, OpenApiConfigError } from '@vectora/openapi'
import { deriveOperationId } from '../src/paths.js'
import { assertValid, contracts, featureApp, findKeys } from './support.js'

async function featureDocument(): Promise<{ doc: OpenApiDocument; app: ReturnType<typeof featureApp> }> {
  const app = featureApp()
  await app.ready()
  return { doc: generateDocument(app, { info: { title: 'Feature table', version: '2.1.0' } }), app }
}

/** The JSON Schema the route's compiled contract gives for `part`. */
function contractSchema(app: ReturnType<typeof featureApp>, method: string, path: string, part: 'params' | 'query' | 'headers' | 'body' | 'response'): any {
  const route = app.routes().find((r) => r.method === method && r.path === path)!
  return route.contract!.toJsonSchema()[part]
}

describe('@vectora/openapi: the document', () => {
  useCleanup()

  it('validates as OpenAPI 3.1.0 for a route table using every contract feature and docs field', async () => {
    const { doc } = await featureDocument()
    assert.equal(doc.openapi, '3.1.0')
    assert.deepEqual(doc.info, { title: 'Feature table', version: '2.1.0' })
    await assertValid(doc)
  })

  it('defaults info to title "API" and version "0.0.0", and has servers only when given', async () => {
    const app = createTestApp()
    app.get('/', () => 'hi')
    await app.ready()
    const plain = generateDocument(app)
    assert.deepEqual(plain.info, { title: 'API', version: '0.0.0' })
    assert.equal('servers' in plain, false)
    const withServers = generateDocument(app, { servers: [{ url: '/v1', description: 'this host' }] })
    assert.deepEqual(withServers.servers, [{ url: '/v1', description: 'this host' }])
    await assertValid(withServers)
  })

  it('writes paths as {param} templates, the wildcard as {wildcard}, and one path item per template', async () => {
    const { doc } = await featureDocument()
    assert.deepEqual(Object.keys(doc.paths), ['/users/{id}', '/users', '/users/{id}/avatar', '/files/{wildcard}', '/tree', '/length', '/multi'])
    assert.deepEqual(Object.keys(doc.paths['/users/{id}']!), ['get', 'delete'])
    const [wildcard] = doc.paths['/files/{wildcard}']!.get!.parameters as any[]
    assert.equal(wildcard.name, 'wildcard')
    assert.equal(wildcard.in, 'path')
    assert.equal(wildcard.required, true)
    assert.deepEqual(wildcard.schema, { type: 'string' })
  })

  it('gives params, query and headers as Parameter Objects with the JSON Schema of each property and required from the contract', async () => {
    const { doc, app } = await featureDocument()
    const parameters = doc.paths['/users/{id}']!.get!.parameters as any[]
    const params = contractSchema(app, 'GET', '/users/:id', 'params')
    const query = contractSchema(app, 'GET', '/users/:id', 'query')
    const headers = contractSchema(app, 'GET', '/users/:id', 'headers')
    assert.deepEqual(parameters, [
      { name: 'id', in: 'path', required: true, schema: params.properties.id },
      { name: 'fields', in: 'query', required: false, schema: { type: 'array', items: { type: 'string' } } },
      { name: 'limit', in: 'query', required: false, schema: query.properties.limit },
      { name: 'sort', in: 'query', required: false, schema: { enum: ['asc', 'desc'] } },
      { name: 'x-tenant', in: 'header', required: true, schema: { type: 'string' } },
      { name: 'x-trace', in: 'header', required: false, schema: { type: 'string' } },
      // `authorization` is declared but left out: OpenAPI ignores Accept, Content-Type and Authorization header parameters.
    ])
    assert.equal(headers.properties.authorization.type, 'string')
    // The string side of a parsing morph: what the client sends.
    assert.equal(params.properties.id.type, 'string')
    assert.ok(params.properties.id.pattern)
  })

  it('makes the body the application/json requestBody, required unless the contract allows undefined, with its example', async () => {
    const { doc, app } = await featureDocument()
    const create = doc.paths['/users']!.post!.requestBody as any
    assert.deepEqual(create, {
      required: true,
      content: { 'application/json': { schema: contractSchema(app, 'POST', '/users', 'body'), example: { name: 'Ada', age: 36 } } },
    })
    const avatar = doc.paths['/users/{id}/avatar']!.put!.requestBody as any
    assert.equal(avatar.required, false)
    // The `undefined` branch is what `required: false` says; the schema is the object alone.
    assert.deepEqual(avatar.content['application/json'].schema, { type: 'object', properties: { url: { type: 'string' } }, required: ['url'] })
  })

  it('lists the media types body readers add (a form plugin) beside application/json, each with the body schema', async () => {
    const app = createTestApp()
    const forms = definePlugin({
      name: 'forms',
      version: '1.0.0',
      setup: (p) => void p.bodyReader({ mediaTypes: ['application/x-www-form-urlencoded', 'multipart/form-data'], strings: true, read: () => ({}) }),
    })
    app.group('/forms', (group) => {
      group.register(forms)
      group.post('/signup', { schema: { body: type({ email: 'string', 'age?': 'number' }) }, docs: { examples: { body: { email: 'a@b.c' } } } }, () => 'x')
    })
    app.post('/json', { schema: { body: type({ email: 'string' }) } }, () => 'x')
    await app.ready()
    const doc = generateDocument(app, { info: { title: 'Forms', version: '1.0.0' } })
    const signup = (doc.paths['/forms/signup']!.post!.requestBody as any).content
    assert.deepEqual(Object.keys(signup), ['application/json', 'application/x-www-form-urlencoded', 'multipart/form-data'])
    const expected = { schema: contractSchema(app as never, 'POST', '/forms/signup', 'body'), example: { email: 'a@b.c' } }
    for (const media of Object.values(signup)) assert.deepEqual(media, expected)
    assert.deepEqual(Object.keys((doc.paths['/json']!.post!.requestBody as any).content), ['application/json'])
    assert.doesNotMatch(stringify(doc), /[&*]a\d/, 'no YAML anchors or aliases from shared objects')
    await assertValid(doc)
  })

  it('documents the response contract under docs.status (default 200) with its output side and example', async () => {
    const { doc, app } = await featureDocument()
    const get = doc.paths['/users/{id}']!.get!.responses as any
    const user = contractSchema(app, 'GET', '/users/:id', 'response')
    assert.deepEqual(get['200'].content['application/json'].schema, user)
    assert.equal(get['200'].content['application/json'].example.createdAt, '2026-01-02T03:04:05.000Z')
    assert.deepEqual(user.properties.createdAt, { type: 'string', format: 'date-time' }) // a Date is sent as its ISO string
    assert.equal(user.additionalProperties, false) // '+': 'delete': undeclared keys never leave
    assert.deepEqual(user.properties.role, { enum: ['admin', 'member'] })
    assert.deepEqual(user.properties.address.required, ['city'])
    assert.deepEqual(user.required.includes('email'), false)
    const created = doc.paths['/users']!.post!.responses as any
    assert.equal('200' in created, false)
    assert.equal(created['201'].description, 'Created')
    assert.deepEqual(created['201'].content['application/json'].schema, user)
    // No response contract: a bare description; 204 never has content.
    assert.deepEqual((doc.paths['/files/{wildcard}']!.get!.responses as any)['200'], { description: 'OK' })
    assert.deepEqual((doc.paths['/users/{id}']!.delete!.responses as any)['204'], { description: 'No Content' })
  })

  it('writes unions with null as anyOf with { type: "null" } and never uses nullable', async () => {
    const { doc } = await featureDocument()
    const user = (doc.paths['/users/{id}']!.get!.responses as any)['200'].content['application/json'].schema
    assert.deepEqual(user.properties.nickname, { anyOf: [{ type: 'string' }, { type: 'null' }] })
    const body = (doc.paths['/users']!.post!.requestBody as any).content['application/json'].schema
    assert.deepEqual(body.properties.bio, { anyOf: [{ type: 'string' }, { type: 'null' }] })
    assert.deepEqual(findKeys(doc, 'nullable'), [])
  })

  it('keeps what JSON Schema cannot say as a valid schema marked with a $comment: a narrow, a morph output', async () => {
    const { doc } = await featureDocument()
    const body = (doc.paths['/users']!.post!.requestBody as any).content['application/json'].schema
    assert.equal(body.properties.age.type, 'integer')
    assert.match(body.properties.age.$comment, /approximated.*predicate/)
    const length = (doc.paths['/length']!.post!.responses as any)['200'].content['application/json'].schema
    assert.deepEqual(Object.keys(length), ['$comment'])
    assert.match(length.$comment, /morph output/)
  })

  it('moves the $defs of a recursive type into components.schemas, named after the operation, with references that resolve', async () => {
    const { doc } = await featureDocument()
    const tree = (doc.paths['/tree']!.get!.responses as any)['200'].content['application/json'].schema
    assert.deepEqual(tree, { $ref: '#/components/schemas/getTreeResponse' })
    const node = doc.components.schemas.getTreeResponse as any
    assert.equal(node.type, 'object')
    assert.deepEqual(findKeys(doc, '$defs'), [])
    const refs = collectRefs(doc)
    assert.ok(refs.includes('#/components/schemas/getTreeResponse'))
    for (const ref of refs) assert.notEqual(resolvePointer(doc, ref), undefined, `${ref} resolves`)
    await assertValid(doc)
  })

  it('lists the framework error replies a route can really get, as $refs to components.responses', async () => {
    const { doc } = await featureDocument()
    const statuses = (path: string, method: string) => Object.keys(doc.paths[path]![method]!.responses as object)
    const refs = (path: string, method: string) =>
      Object.values(doc.paths[path]![method]!.responses as Record<string, any>)
        .map((r) => r.$ref)
        .filter(Boolean)
    assert.deepEqual(statuses('/users', 'post'), ['201', '400', '413', '415', '500']) // a body contract
    assert.deepEqual(statuses('/users/{id}/avatar', 'put'), ['204', '400', '403', '413', '415', '500']) // and a guard
    assert.deepEqual(statuses('/users/{id}', 'get'), ['200', '400', '404', '500']) // params, query, headers; 404 from docs.responses
    assert.deepEqual(statuses('/tree', 'get'), ['200', '500']) // nothing to check: no 400
    assert.deepEqual(statuses('/files/{wildcard}', 'get'), ['200', '400', '500']) // a path param may be badly percent-encoded
    assert.deepEqual(refs('/users/{id}/avatar', 'put'), [
      '#/components/responses/BadRequest',
      '#/components/responses/Forbidden',
      '#/components/responses/PayloadTooLarge',
      '#/components/responses/UnsupportedMediaType',
      '#/components/responses/InternalServerError',
    ])
    assert.deepEqual(doc.components.responses.Forbidden, {
      description: 'A guard of the route refused the request (VEC_ERR_FORBIDDEN).',
      content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
    })
  })

  it('describes with components.schemas.Problem the problem+json replies the framework really sends', async () => {
    const denyWithHeader: Guard = (req) => req.header('x-deny') === undefined
    const app = createTestApp()
    app.post(
      '/items/:id',
      {
        schema: { params: type({ id: 'string.integer.parse' }), body: type({ name: 'string' }) },
        guards: [denyWithHeader],
        bodyLimit: 64,
      },
      () => ({}),
    )
    app.get('/boom', () => {
      throw new Error('secret')
    })
    await app.ready()
    const doc = generateDocument(app)
    const problem = doc.components.schemas.Problem as any
    const issue = doc.components.schemas.ValidationIssue as any
    const replies = [
      await app.inject({ method: 'POST', url: '/items/x', headers: { 'content-type': 'application/json' }, body: '{"name":1}' }), // 400 validation
      await app.inject({ method: 'POST', url: '/items/1', headers: { 'content-type': 'application/json' }, body: '{' }), // 400 malformed
      await app.inject({ method: 'POST', url: '/items/1', headers: { 'x-deny': '1' } }), // 403
      await app.inject({ method: 'POST', url: '/items/1', headers: { 'content-type': 'text/plain' }, body: 'x' }), // 415
      await app.inject({ method: 'POST', url: '/items/1', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'x'.repeat(100) }) }), // 413
      await app.inject({ url: '/boom' }), // 500
      await app.inject({ url: '/nowhere' }), // the kernel's own 404
    ]
    assert.deepEqual(
      replies.map((r) => r.status),
      [400, 400, 403, 415, 413, 500, 404],
    )
    for (const res of replies) {
      assert.match(String(res.headers['content-type']), /^application\/problem\+json/)
      const body = res.json() as Record<string, unknown>
      assertConforms(body, problem, `${res.status} reply`)
      if (body.errors !== undefined) for (const entry of body.errors as object[]) assertConforms(entry as Record<string, unknown>, issue, 'errors[]')
    }
    assert.ok((replies[0]!.json() as any).errors.length >= 2)
  })

  it('takes summary, description, tags and deprecated from docs, and lists the tags at the top in first-use order', async () => {
    const { doc } = await featureDocument()
    const get = doc.paths['/users/{id}']!.get!
    assert.equal(get.summary, 'One user')
    assert.equal(get.description, 'The user **by id**.')
    assert.deepEqual(get.tags, ['users'])
    assert.equal('deprecated' in get, false)
    assert.equal(doc.paths['/users/{id}']!.delete!.deprecated, true)
    assert.deepEqual(doc.tags, [{ name: 'users' }, { name: 'admin' }])
  })

  it('adds docs.responses: a schema is documented as application/json or its contentType; an error status without one as problem+json', async () => {
    const app = createTestApp()
    app.get(
      '/report',
      {
        docs: {
          responses: {
            404: { description: 'No report yet', schema: contracts.notFound },
            406: { description: 'Not acceptable', schema: type('string'), contentType: 'text/plain' },
            429: { description: 'Slow down' },
          },
        },
      },
      () => reply.text('csv'),
    )
    await app.ready()
    const responses = generateDocument(app).paths['/report']!.get!.responses as any
    assert.deepEqual(responses['404'].content, {
      'application/json': { schema: { type: 'object', properties: { code: { type: 'string' }, hint: { type: 'string' } }, required: ['code'] } },
    })
    assert.deepEqual(responses['406'].content, { 'text/plain': { schema: { type: 'string' } } })
    // No schema on an error status: the problem+json reply of a thrown HttpError.
    assert.deepEqual(responses['429'], {
      description: 'Slow down',
      content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
    })
    assert.deepEqual(Object.keys(responses), ['200', '404', '406', '429', '500'])
  })

  it('uses docs.operationId, else derives one from method and path; repeats get _2, _3 in route order', async () => {
    const { doc } = await featureDocument()
    const ids = Object.values(doc.paths).flatMap((item) => Object.values(item).map((op) => op.operationId))
    assert.deepEqual(ids, ['getUser', 'deleteUsersById', 'postUsers', 'putUsersByIdAvatar', 'getFilesByWildcard', 'getTree', 'postLength', 'multi', 'multi_2'])
    assert.equal(deriveOperationId('GET', '/'), 'getRoot')
    assert.equal(deriveOperationId('GET', '/health-check/v1.2/:user_id'), 'getHealthCheckV12ByUserId')
    assert.equal(deriveOperationId('PATCH', '/a/*'), 'patchAByWildcard')
  })

  it('leaves out the framework routes (health probes), its own routes and docs.hidden routes; a filter replaces that rule', async () => {
    const { doc, app } = await featureDocument()
    const owners = new Set(app.routes().map((r) => r.owner))
    assert.ok(owners.has('vectora') && owners.has('@vectora/openapi'))
    const paths = Object.keys(doc.paths)
    for (const hidden of ['/health/ready', '/health/live', '/openapi.json', '/docs', '/internal']) assert.equal(paths.includes(hidden), false, hidden)
    const everything = generateDocument(app, { filter: () => true })
    for (const shown of ['/health/ready', '/openapi.json', '/docs', '/internal']) assert.ok(shown in everything.paths, shown)
    await assertValid(everything)
    const some = generateDocument(app, { filter: (route) => defaultFilter(route) && route.path.startsWith('/users') })
    assert.deepEqual(Object.keys(some.paths), ['/users/{id}', '/users', '/users/{id}/avatar'])
  })

  it('never throws on a contract: bigint, symbol, class instances, JSON parsing morphs and undefined props stay valid schemas', async () => {
    const app = createTestApp()
    app.post(
      '/odd',
      {
        schema: {
          query: type({ 'n?': 'string.numeric.parse' }),
          body: type({ when: 'string.date.parse', raw: 'string.json.parse', 'maybe?': 'string | undefined', big: 'bigint | number' }),
          response: type({ id: 'bigint', tag: 'symbol', map: ['instanceof', Map] }).or(type('Date')),
        },
        docs: { responses: { 500: { description: 'Odd failure', schema: type(['instanceof', Set]) } } },
      },
      () => ({}),
    )
    app.get('/piped', { schema: { response: type('string').pipe((s) => s.length, type('number.integer')) } }, () => 1)
    await app.ready()
    const doc = generateDocument(app)
    await assertValid(doc)
    assert.deepEqual((doc.paths['/piped']!.get!.responses as any)['200'].content['application/json'].schema, { type: 'integer' })
    assert.ok(findKeys(doc.paths['/odd'], '$comment').length > 0)
  })

  it('is the same document before ready (from the Types) and after (from the compiled contracts)', async () => {
    const app = featureApp()
    const before = JSON.stringify(generateDocument(app))
    await app.ready()
    assert.equal(JSON.stringify(generateDocument(app)), before)
  })

  it('shares one path item between routes whose paths differ only by param names, with the first route’s names', async () => {
    const app = createTestApp()
    app.get('/notes/:noteId', () => 'one')
    app.put('/notes/:id', () => 'put')
    await app.ready()
    const doc = generateDocument(app)
    assert.deepEqual(Object.keys(doc.paths), ['/notes/{noteId}'])
    assert.deepEqual(
      (doc.paths['/notes/{noteId}']!.put!.parameters as any[]).map((p) => p.name),
      ['noteId'],
    )
    await assertValid(doc)
  })

  it('refuses wrong options with OPENAPI_CONFIG_INVALID', async () => {
    const app = createTestApp()
    await app.ready()
    assert.throws(() => generateDocument(app, { info: { title: 1 } } as any), OpenApiConfigError)
    assert.throws(() => generateDocument(app, { filter: 'users' } as any), /filter must be a function/)
    assert.throws(() => generateDocument(app, { jsonPath: '/x' } as any), /unknown option "jsonPath"/)
  })
})

/** The parts of JSON Schema the Problem schema uses: required members, and the type of each declared member. */
function assertConforms(value: Record<string, unknown>, schema: any, what: string): void {
  for (const key of schema.required) assert.ok(key in value, `${what}: missing ${key} in ${JSON.stringify(value)}`)
  for (const [key, property] of Object.entries<any>(schema.properties)) {
    if (!(key in value)) continue
    const v = value[key]
    if (property.type === 'string') assert.equal(typeof v, 'string', `${what}.${key}`)
    if (property.type === 'integer') assert.ok(Number.isInteger(v) && (v as number) >= property.minimum && (v as number) <= property.maximum, `${what}.${key}`)
    if (property.type === 'array') assert.ok(Array.isArray(v), `${what}.${key}`)
    if (property.enum !== undefined) assert.ok(property.enum.includes(v), `${what}.${key}`)
  }
}

/** Every `$ref` value in `value`. */
function collectRefs(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(collectRefs)
  if (value === null || typeof value !== 'object') return []
  return Object.entries(value).flatMap(([key, v]) => (key === '$ref' && typeof v === 'string' ? [v] : collectRefs(v)))
}

/** What a local reference (`#/components/schemas/x`) points at in `doc`, or undefined. */
function resolvePointer(doc: unknown, ref: string): unknown {
  if (!ref.startsWith('#/')) return undefined
  return ref
    .slice(2)
    .split('/')
    .map((t) => t.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce((at: any, token) => at?.[token], doc)
}
