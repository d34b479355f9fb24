/**
 * @module plugins/openapi/test/support — what the OpenAPI suites share: the route table that uses every contract
 * feature and docs field, the OpenAPI validator (@readme/openapi-parser, on a deep copy), a third-party-style
 * plugin contributing through `describeApi()`, and the matcher for configuration errors.
 */
import assert from 'node:assert/strict'
import { validate } from '@readme/openapi-parser'
import { scope, type Type, type } from 'arktype'
import { definePlugin, HttpError, reply } from 'vectora'
import { createTestApp, type TestApp } from 'vectora/testing'
import { type OpenApiDocument, type OpenApiOptions, openapi } from '@vectora/openapi'

const $ = scope({ node: { value: 'number', 'children?': 'node[]' } }).export()

/** The contracts of the feature table, by name, so tests can compare the document with each part. */
export const contracts = {
  userId: type({ id: 'string.integer.parse' }),
  listQuery: type({ 'limit?': 'string.integer.parse', 'fields?': 'string[]', 'sort?': "'asc' | 'desc'" }),
  tenantHeaders: type({ 'x-tenant': 'string', 'x-trace?': 'string', authorization: 'string' }),
  user: type({
    id: 'number.integer',
    name: 'string',
    'email?': 'string.email',
    role: "'admin' | 'member'",
    nickname: 'string | null',
    createdAt: 'Date',
    tags: 'string[]',
    address: { city: 'string', 'zip?': 'string' },
    '+': 'delete',
  }),
  newUser: type({ name: 'string.trim', age: type('number.integer').narrow((n) => n >= 18), 'bio?': 'string | null' }),
  avatar: type({ url: 'string' }).or('undefined'),
  // A scope's Type carries its scope in its type, which RouteSchema's `Type` (no scope) does not accept: cast.
  tree: $.node as unknown as Type,
  length: type('string').pipe((s) => s.length),
  notFound: type({ code: 'string', 'hint?': 'string' }),
}

export const SAMPLE_USER = {
  id: 7,
  name: 'Ada',
  role: 'admin',
  nickname: null,
  createdAt: new Date('2026-01-02T03:04:05.000Z'),
  tags: ['x'],
  address: { city: 'Paris' },
} as const

/** The route table of the document tests: every contract part, morphs, narrows, nullables, enums, nested, Date, recursion, every docs field. */
export function featureApp(options: OpenApiOptions = {}): TestApp {
  const app = createTestApp()
  app.register(openapi, { info: { title: 'Feature table', version: '2.1.0', description: 'Every contract feature.' }, ...options })
  app.get(
    '/users/:id',
    {
      schema: { params: contracts.userId, query: contracts.listQuery, headers: contracts.tenantHeaders, response: contracts.user },
      docs: {
        summary: 'One user',
        description: 'The user **by id**.',
        tags: ['users'],
        operationId: 'getUser',
        responses: { 404: { description: 'No such user', schema: contracts.notFound } },
        examples: { response: { ...SAMPLE_USER, createdAt: '2026-01-02T03:04:05.000Z' } },
      },
    },
    (req) => {
      if (req.params.id !== 7) throw new HttpError(404, 'No such user', { code: 'USER_NOT_FOUND' })
      return SAMPLE_USER
    },
  )
  app.post(
    '/users',
    {
      schema: { body: contracts.newUser, response: contracts.user },
      docs: { status: 201, tags: ['users', 'admin'], examples: { body: { name: 'Ada', age: 36 } } },
    },
    () => reply.json(SAMPLE_USER, { status: 201 }),
  )
  app.put('/users/:id/avatar', { schema: { params: contracts.userId, body: contracts.avatar }, guards: [() => true], docs: { status: 204 } }, () =>
    reply.empty(),
  )
  app.delete('/users/:id', { docs: { deprecated: true, summary: 'Remove a user', status: 204 } }, () => reply.empty())
  app.get('/files/*', (req) => ({ path: req.params['*'] }))
  app.get('/tree', { schema: { response: contracts.tree } }, () => ({ value: 1, children: [{ value: 2 }] }))
  app.post('/length', { schema: { body: type('string'), response: contracts.length } }, (req) => req.body.length)
  app.get('/internal', { docs: { hidden: true } }, () => 'hidden')
  app.route({ method: ['GET', 'POST'], path: '/multi', docs: { operationId: 'multi' }, handler: () => 'both' })
  return app
}

/** Validates `document` with @readme/openapi-parser (it dereferences what it gets: so a deep copy) and returns the result. */
export async function assertValid(document: OpenApiDocument): Promise<void> {
  const result = await validate(structuredClone(document) as any)
  assert.ok(result.valid, `invalid OpenAPI document: ${JSON.stringify(result, null, 2)}`)
  assert.deepEqual(result.warnings, [])
}

/** Every key path in `value` named `key` (to assert that none is there, e.g. `nullable`). */
export function findKeys(value: unknown, key: string, at = '$'): string[] {
  if (Array.isArray(value)) return value.flatMap((item, i) => findKeys(item, key, `${at}[${i}]`))
  if (value === null || typeof value !== 'object') return []
  return Object.entries(value).flatMap(([k, v]) => [...(k === key ? [`${at}.${k}`] : []), ...findKeys(v, key, `${at}.${k}`)])
}

/**
 * A third-party-style plugin that authenticates with an API key and limits rates, and says so through
 * `describeApi()`: a security scheme, a 401 problem response with a challenge header, a 429 with a header,
 * a request header parameter and a tag.
 */
export const apiKeys = definePlugin({
  name: 'acme-api-keys',
  version: '1.0.0',
  setup(app, options: { keys: readonly string[] }) {
    app.addHook('authenticate', (req) => {
      if (!options.keys.includes(req.header('x-api-key') ?? '')) {
        throw new HttpError(401, 'A valid x-api-key is required.', { code: 'API_KEY_INVALID', headers: { 'www-authenticate': 'ApiKey' } })
      }
    })
    app.describeApi({
      securitySchemes: { apiKey: { type: 'apiKey', in: 'header', name: 'x-api-key', description: 'An ACME API key.' } },
      operation: (route) =>
        route.owner === 'vectora'
          ? undefined
          : {
              security: [{ apiKey: [] }],
              responses: {
                401: {
                  description: 'No or a wrong API key.',
                  problem: true,
                  headers: { 'www-authenticate': { description: 'The challenge.', schema: { type: 'string' } } },
                },
              },
              parameters: [{ name: 'x-client-version', in: 'header', description: 'The client build.', schema: { type: 'string' } }],
              tags: ['authenticated'],
            },
    })
  },
})

/** For assert.throws: a register() error whose cause is an OPENAPI_CONFIG_INVALID matching `pattern`. */
export function configError(pattern: RegExp) {
  return (error: any): boolean => {
    assert.equal(error?.code, 'VEC_ERR_PLUGIN_SETUP_FAILED', `expected VEC_ERR_PLUGIN_SETUP_FAILED, got ${error?.code}: ${error?.message}`)
    assert.equal(error.cause?.code, 'OPENAPI_CONFIG_INVALID')
    assert.equal(error.cause?.name, 'OpenApiConfigError')
    assert.match(error.cause.message, pattern)
    return true
  }
}
