/**
 * @module kernel/test/host/contracts — route contracts in the pipeline: params and query coerced and validated
 * before the handler, the body validated into req.body, one 400 listing every failing path, and the
 * contract readable by plugins (OpenAPI) through the public API.
 */
import assert from 'node:assert/strict'
import { type } from 'arktype'
import { definePlugin, reply, type PluginApp, type RouteInfo } from 'vectora'
import { assertProblem, closeAfterTest, forEachTransport, useCleanup } from 'vectora/testing'
import { captureLogger, hasCode, testApp } from './support.js'

const ItemParams = type({ id: 'number.integer' })
const ItemQuery = type({ 'verbose?': 'boolean', limit: 'number' })
const NewItem = type({ name: 'string.trim', price: 'number >= 0', 'tags?': 'string[]' })

describe('host: contracts', () => {
  forEachTransport((t) => {
    it('coerces params and query to numbers and booleans before the handler sees them', async () => {
      const app = testApp()
      app.get('/items/:id', { schema: { params: ItemParams, query: ItemQuery } }, (req) => ({
        id: req.params.id,
        idType: typeof req.params.id,
        verbose: req.query.verbose,
        verboseType: typeof req.query.verbose,
        limit: req.query.limit,
        limitType: typeof req.query.limit,
      }))
      const res = await t.request(app, { url: '/items/42?verbose=true&limit=2.5' })
      assert.equal(res.status, 200)
      assert.deepEqual(res.json(), { id: 42, idType: 'number', verbose: true, verboseType: 'boolean', limit: 2.5, limitType: 'number' })
    })

    it('validates the JSON body into req.body (morphs applied) and leaves the raw body readable', async () => {
      const app = testApp()
      app.post('/items', { schema: { body: NewItem } }, async (req) => ({ body: req.body, raw: await req.json() }))
      const res = await t.request(app, { method: 'POST', url: '/items', body: { name: '  Lamp ', price: 12 } })
      assert.equal(res.status, 200)
      assert.deepEqual(res.json(), { body: { name: 'Lamp', price: 12 }, raw: { name: '  Lamp ', price: 12 } })
    })

    it('answers 400 VEC_ERR_VALIDATION listing every failing path across params, query and body, without running the handler', async () => {
      const app = testApp()
      let handled = false
      app.put('/items/:id', { schema: { params: ItemParams, query: ItemQuery, body: NewItem } }, () => {
        handled = true
        return 'never'
      })
      const res = await t.request(app, { method: 'PUT', url: '/items/abc?limit=many', body: { price: -1, tags: 'one' } })
      const problem = assertProblem(res, { status: 400, code: 'VEC_ERR_VALIDATION', instance: '/items/abc' })
      const failing = (problem.errors as Array<{ in: string; path: string }>).map((e) => `${e.in}:${e.path}`).sort()
      assert.deepEqual(failing, ['body:name', 'body:price', 'body:tags', 'params:id', 'query:limit'])
      for (const issue of problem.errors) {
        assert.equal(typeof issue.expected, 'string')
        assert.equal(typeof issue.actual, 'string')
        assert.equal(typeof issue.message, 'string')
      }
      assert.equal(handled, false)
    })

    it('answers 400 VEC_ERR_VALIDATION when a body contract gets no body at all', async () => {
      const app = testApp()
      app.post('/items', { schema: { body: NewItem } }, () => 'never')
      const res = await t.request(app, { method: 'POST', url: '/items' })
      assertProblem(res, { status: 400, code: 'VEC_ERR_VALIDATION' })
    })

    it('keeps 415 for a body that is not JSON on a route with a body contract', async () => {
      const app = testApp()
      app.post('/items', { schema: { body: NewItem } }, () => 'never')
      const res = await t.request(app, { method: 'POST', url: '/items', headers: { 'content-type': 'text/plain' }, body: 'name=x' })
      assertProblem(res, { status: 415, code: 'VEC_ERR_UNSUPPORTED_MEDIA_TYPE' })
    })

    it('validates the contract before preHandler hooks, so they see the validated values', async () => {
      const app = testApp()
      const seen: unknown[] = []
      app.addHook('preHandler', (req) => void seen.push(req.params.id))
      app.get('/items/:id', { schema: { params: ItemParams } }, (req) => req.params.id)
      await t.request(app, { url: '/items/7' })
      assert.deepEqual(seen, [7])
    })
    it("never sends a response that breaks its contract: '+': 'delete' strips extra keys, a mismatch is a plain 500 with the issues only in the log", async () => {
      const logger = captureLogger()
      const app = testApp({ logger })
      const PublicUser = type({ id: 'string', name: 'string', '+': 'delete' })
      const rows = new Map<string, unknown>([
        ['ok', { id: 'ok', name: 'a', passwordHash: 'secret-hash' }],
        ['bad', { id: 1, name: 'a', passwordHash: 'secret-hash' }],
      ])
      app.get('/users/:id', { schema: { response: PublicUser } }, (req) => rows.get(req.params.id) as { id: string; name: string })
      app.get('/reply/:id', { schema: { response: PublicUser } }, (req) => reply.json(rows.get(req.params.id), { status: 200 }))
      for (const prefix of ['/users', '/reply']) {
        const ok = await t.request(app, { url: `${prefix}/ok` })
        assert.equal(ok.status, 200)
        assert.deepEqual(ok.json(), { id: 'ok', name: 'a' })
        const bad = await t.request(app, { url: `${prefix}/bad` })
        assertProblem(bad, { status: 500, code: 'VEC_ERR_RESPONSE_INVALID' })
        assert.ok(!bad.text().includes('secret-hash'), `${prefix}: the value is not sent`)
        assert.equal(bad.json().errors, undefined, 'production replies do not list the issues')
        const line = logger.errors().at(-1)
        assert.match(
          String((line?.fields.err as { cause?: Error } | undefined)?.cause?.message),
          /GET \/(users|reply)\/:id does not match its schema: response: id must be a string/,
        )
      }
    })

    it('lists the response issues in the reply in development', async () => {
      const app = testApp({ development: true })
      app.get('/n', { schema: { response: type({ n: 'number' }) } }, () => ({ n: 'one' }) as unknown as { n: number })
      const res = await t.request(app, { url: '/n' })
      assertProblem(res, { status: 500, code: 'VEC_ERR_RESPONSE_INVALID' })
      assert.deepEqual(
        res.json().errors.map((i: { in: string; path: string }) => `${i.in}:${i.path}`),
        ['response:n'],
      )
    })

    it('checks a 2xx reply.json body against the response contract, but not an error status or text', async () => {
      const app = testApp()
      const Out = type({ id: 'string', '+': 'delete' })
      app.post('/created', { schema: { response: Out } }, () => reply.json({ id: 'x', secret: 1 }, { status: 201 }))
      app.get('/gone', { schema: { response: Out } }, () => reply.json({ reason: 'gone' }, { status: 410 }))
      app.get('/text', { schema: { response: Out } }, () => reply.text('plain'))
      const created = await t.request(app, { method: 'POST', url: '/created' })
      assert.equal(created.status, 201)
      assert.deepEqual(created.json(), { id: 'x' })
      assert.deepEqual((await t.request(app, { url: '/gone' })).json(), { reason: 'gone' })
      assert.equal((await t.request(app, { url: '/text' })).text(), 'plain')
    })
  })

  describe('metadata for plugins', () => {
    useCleanup()

    it('fails ready() with VEC_ERR_CONTRACT_INVALID naming the route when params declares a parameter the path lacks', async () => {
      const app = closeAfterTest(testApp())
      app.get('/users/:id', { schema: { params: type({ userId: 'number' }) } }, () => 'x')
      await assert.rejects(app.ready(), hasCode('VEC_ERR_CONTRACT_INVALID', /GET \/users\/:id/, /userId/))
    })

    it('shows the contract as the first validate step in app.pipeline(), only on routes that have one', async () => {
      const app = closeAfterTest(testApp())
      app.addHook('validate', function businessRules() {}, { stage: -100 })
      app.get('/items/:id', { schema: { params: ItemParams } }, () => 'x')
      app.get('/free', () => 'x')
      await app.ready()
      const validate = (path: string) => app.pipeline('GET', path).filter((e) => e.phase === 'validate')
      assert.deepEqual(validate('/items/:id'), [
        { phase: 'validate', plugin: 'vectora', name: 'contract', stage: 0 },
        { phase: 'validate', plugin: 'app', name: 'businessRules', stage: -100 },
      ])
      assert.deepEqual(validate('/free'), [{ phase: 'validate', plugin: 'app', name: 'businessRules', stage: -100 }])
    })

    it("lets a plugin read every route's contract as JSON Schema from onReady through routes() (what OpenAPI needs)", async () => {
      let described: RouteInfo[] = []
      const openapi = definePlugin({
        name: 'openapi-like',
        version: '1.0.0',
        setup(p: PluginApp) {
          p.onReady(() => {
            described = p.routes()
          })
        },
      })
      const app = closeAfterTest(testApp())
      app.register(openapi)
      app.post('/items/:id', { schema: { params: ItemParams, body: NewItem } }, () => 'x')
      app.get('/free', () => 'x')
      await app.ready()

      const item = described.find((r) => r.method === 'POST' && r.path === '/items/:id')
      assert.ok(item, `routes(): ${JSON.stringify(described.map((r) => `${r.method} ${r.path}`))}`)
      assert.equal(item.owner, 'app')
      assert.equal(item.schema?.params, ItemParams)
      const json = item.contract!.toJsonSchema() as Record<string, any>
      assert.equal(json.params.type, 'object')
      assert.ok(json.params.properties.id, 'params.id is described')
      assert.deepEqual([...json.body.required].sort(), ['name', 'price'])
      const free = described.find((r) => r.path === '/free')
      assert.equal(free?.contract, undefined)
    })
  })
})
