/**
 * @module kernel/test/host/body-readers — `bodyReader()`: a plugin teaches the route contracts a media type besides
 * JSON. A claimed body is read by the reader in the validate phase and checked by `schema.body` (strings coerced
 * as a query's when the reader says so), other media types get a 415 naming every accepted one, readers follow
 * scopes, conflicts and malformed readers are refused, and a `body: 'stream'` route may now have a body contract.
 */
import assert from 'node:assert/strict'
import { type } from 'arktype'
import { type BodyReader, definePlugin, httpError, type PluginApp, type RouteInfo } from 'vectora'
import { assertProblem, closeAfterTest, forEachTransport, useCleanup } from 'vectora/testing'
import { hasCode, testApp } from './support.js'

const FORM = 'application/x-www-form-urlencoded'

/** A urlencoded reader the size of a test: repeated keys become arrays, as a form's do. */
function urlencodedReader(calls: string[] = []): BodyReader {
  return {
    mediaTypes: [FORM],
    strings: true,
    async read(req) {
      calls.push(req.path)
      const text = (await req.buffer()).toString('latin1')
      if (text.includes('%%')) throw httpError('VEC_ERR_BAD_REQUEST', 'The form is malformed.')
      const out: Record<string, string | string[]> = {}
      for (const [key, value] of new URLSearchParams(text)) {
        const seen = out[key]
        out[key] = seen === undefined ? value : Array.isArray(seen) ? [...seen, value] : [seen, value]
      }
      return out
    },
  }
}

const formPlugin = (reader: BodyReader, name = 'test-form') => definePlugin({ name, version: '1.0.0', setup: (app: PluginApp) => void app.bodyReader(reader) })

const Order = type({ item: 'string', quantity: 'number.integer > 0', 'gift?': 'boolean', 'tags?': 'string[]' })
const form = (body: string) => ({ method: 'POST', url: '/orders', headers: { 'content-type': FORM }, body })

describe('host: body readers', () => {
  useCleanup()

  forEachTransport((t) => {
    it('reads a claimed media type with the reader and validates it with schema.body, coercing its strings', async () => {
      const app = closeAfterTest(testApp())
      app.register(formPlugin(urlencodedReader()))
      app.post('/orders', { schema: { body: Order } }, (req) => ({ body: req.body, quantityType: typeof req.body.quantity }))
      const res = await t.request(app, form('item=lamp&quantity=3&gift=true&tags=red'))
      assert.equal(res.status, 200, res.text())
      assert.deepEqual(res.json(), { body: { item: 'lamp', quantity: 3, gift: true, tags: ['red'] }, quantityType: 'number' })
      const two = await t.request(app, form('item=lamp&quantity=1&tags=red&tags=blue'))
      assert.deepEqual(two.json().body.tags, ['red', 'blue'])
    })

    it('answers 400 VEC_ERR_VALIDATION listing every failing field of a read body, without running the handler', async () => {
      const app = closeAfterTest(testApp())
      let handled = false
      app.register(formPlugin(urlencodedReader()))
      app.post('/orders', { schema: { body: Order } }, () => {
        handled = true
        return 'never'
      })
      const res = await t.request(app, form('quantity=none&gift=maybe'))
      const problem = assertProblem(res, { status: 400, code: 'VEC_ERR_VALIDATION' })
      const failing = (problem.errors as Array<{ in: string; path: string }>).map((e) => `${e.in}:${e.path}`).sort()
      assert.deepEqual(failing, ['body:gift', 'body:item', 'body:quantity'])
      assert.equal(handled, false)
    })

    it('still reads JSON on the same route, and never coerces a JSON body', async () => {
      const app = closeAfterTest(testApp())
      app.register(formPlugin(urlencodedReader()))
      app.post('/orders', { schema: { body: Order } }, (req) => req.body)
      const ok = await t.request(app, { method: 'POST', url: '/orders', body: { item: 'lamp', quantity: 2 } })
      assert.deepEqual(ok.json(), { item: 'lamp', quantity: 2 })
      const strings = await t.request(app, { method: 'POST', url: '/orders', body: { item: 'lamp', quantity: '2' } })
      assertProblem(strings, { status: 400, code: 'VEC_ERR_VALIDATION' })
    })

    it('answers 415 naming every media type the route reads for any other, and for a body without a content-type', async () => {
      const app = closeAfterTest(testApp())
      app.register(formPlugin(urlencodedReader()))
      app.post('/orders', { schema: { body: Order } }, () => 'never')
      const csv = await t.request(app, { method: 'POST', url: '/orders', headers: { 'content-type': 'text/csv' }, body: 'a,b' })
      const problem = assertProblem(csv, { status: 415, code: 'VEC_ERR_UNSUPPORTED_MEDIA_TYPE' })
      assert.match(problem.detail, /POST \/orders reads application\/json or application\/x-www-form-urlencoded; got "text\/csv"/)
      const bare = await t.request(app, { method: 'POST', url: '/orders', body: Buffer.from('item=x') })
      assert.match(assertProblem(bare, { status: 415, code: 'VEC_ERR_UNSUPPORTED_MEDIA_TYPE' }).detail, /got no content-type/)
      const none = await t.request(app, { method: 'POST', url: '/orders' })
      assertProblem(none, { status: 400, code: 'VEC_ERR_VALIDATION' })
    })

    it('answers with the error a reader rejects with', async () => {
      const app = closeAfterTest(testApp())
      app.register(formPlugin(urlencodedReader()))
      app.post('/orders', { schema: { body: Order } }, () => 'never')
      const res = await t.request(app, form('item=%%'))
      assert.match(assertProblem(res, { status: 400, code: 'VEC_ERR_BAD_REQUEST' }).detail, /malformed/)
    })

    it('serves the routes of the scope it was registered in only', async () => {
      const app = closeAfterTest(testApp())
      app.group('/forms', (group) => {
        group.register(formPlugin(urlencodedReader()))
        group.post('/orders', { schema: { body: Order } }, (req) => req.body)
      })
      app.post('/orders', { schema: { body: Order } }, (req) => req.body)
      const inGroup = await t.request(app, { ...form('item=a&quantity=1'), url: '/forms/orders' })
      assert.deepEqual(inGroup.json(), { item: 'a', quantity: 1 })
      const outside = await t.request(app, form('item=a&quantity=1'))
      assert.match(assertProblem(outside, { status: 415, code: 'VEC_ERR_UNSUPPORTED_MEDIA_TYPE' }).detail, /req\.json\(\) reads application\/json/)
    })

    it('validates the body of a body: stream route: JSON read whole, a claimed type through its reader', async () => {
      const app = closeAfterTest(testApp())
      const calls: string[] = []
      app.register(formPlugin(urlencodedReader(calls)))
      app.post('/orders', { body: 'stream', bodyLimit: 64, schema: { body: Order } }, (req) => req.body)
      const json = await t.request(app, { method: 'POST', url: '/orders', body: { item: 'lamp', quantity: 4 } })
      assert.deepEqual(json.json(), { item: 'lamp', quantity: 4 })
      const read = await t.request(app, form('item=lamp&quantity=5'))
      assert.deepEqual(read.json(), { item: 'lamp', quantity: 5 })
      assert.deepEqual(calls, ['/orders'])
      const bad = await t.request(app, { method: 'POST', url: '/orders', body: { item: 'lamp' } })
      assertProblem(bad, { status: 400, code: 'VEC_ERR_VALIDATION' })
      const big = await t.request(app, { method: 'POST', url: '/orders', body: { item: 'x'.repeat(100), quantity: 1 } })
      assertProblem(big, { status: 413, code: 'VEC_ERR_BODY_TOO_LARGE' })
    })
  })

  it('leaves routes without a body contract alone: the reader is never called and the handler reads the body', async () => {
    const app = closeAfterTest(testApp())
    const calls: string[] = []
    app.register(formPlugin(urlencodedReader(calls)))
    app.post('/raw', async (req) => (await req.buffer()).toString())
    app.post('/query', { schema: { query: type({ n: 'number' }) } }, async (req) => `${req.query.n}:${(await req.buffer()).toString()}`)
    assert.equal((await app.inject({ ...form('a=1'), url: '/raw' })).text(), 'a=1')
    assert.equal((await app.inject({ ...form('a=1'), url: '/query?n=2' })).text(), '2:a=1')
    assert.deepEqual(calls, [])
  })

  it('lists the media types in the route contract, for API descriptions', async () => {
    const app = closeAfterTest(testApp())
    let seen: RouteInfo[] = []
    app.register(formPlugin(urlencodedReader()))
    app.register(definePlugin({ name: 'observer', version: '1.0.0', setup: (p: PluginApp) => void p.onReady(() => void (seen = p.routes())) }))
    app.post('/orders', { schema: { body: Order } }, () => 'x')
    app.get('/orders', { schema: { query: type({ 'n?': 'number' }) } }, () => 'x')
    await app.ready()
    const types = Object.fromEntries(seen.filter((r) => r.path === '/orders').map((r) => [`${r.method} ${r.path}`, r.contract?.bodyMediaTypes]))
    assert.deepEqual(types, { 'POST /orders': ['application/json', FORM], 'GET /orders': [] })
  })

  it('refuses a malformed reader, a JSON media type and a reader outside a plugin or app, with VEC_ERR_PLUGIN_INVALID', () => {
    const app = testApp()
    const read = () => ({})
    assert.throws(() => app.bodyReader(undefined as never), hasCode('VEC_ERR_PLUGIN_INVALID', /bodyReader\(\) undefined/))
    assert.throws(() => app.bodyReader({ mediaTypes: [FORM] } as never), hasCode('VEC_ERR_PLUGIN_INVALID', /read is undefined/))
    assert.throws(() => app.bodyReader({ mediaTypes: [], read }), hasCode('VEC_ERR_PLUGIN_INVALID', /non-empty array/))
    assert.throws(() => app.bodyReader({ mediaTypes: ['Text/CSV'], read }), hasCode('VEC_ERR_PLUGIN_INVALID', /lower-case type\/subtype/))
    assert.throws(() => app.bodyReader({ mediaTypes: ['text/csv; charset=utf-8'], read }), hasCode('VEC_ERR_PLUGIN_INVALID', /without parameters/))
    assert.throws(() => app.bodyReader({ mediaTypes: ['application/json'], read }), hasCode('VEC_ERR_PLUGIN_INVALID', /JSON bodies are the contracts' own/))
    assert.throws(() => app.bodyReader({ mediaTypes: ['application/problem+json'], read }), hasCode('VEC_ERR_PLUGIN_INVALID', /JSON/))
    assert.throws(() => app.bodyReader({ mediaTypes: ['text/csv'], read, strings: 'yes' as never }), hasCode('VEC_ERR_PLUGIN_INVALID', /strings "yes"/))
  })

  it('refuses two plugins reading one media type for the same routes, and allows one plugin in a group and on the app', async () => {
    const app = closeAfterTest(testApp())
    app.register(formPlugin(urlencodedReader(), 'first'))
    assert.throws(
      () => app.register(formPlugin(urlencodedReader(), 'second')),
      hasCode('VEC_ERR_PLUGIN_SETUP_FAILED', /second registers a body reader for application\/x-www-form-urlencoded, which first already reads/),
    )
    const other = closeAfterTest(testApp())
    const shared = formPlugin(urlencodedReader(), 'shared')
    other.group('/g', (group) => {
      group.register(shared)
      group.post('/orders', { schema: { body: Order } }, (req) => req.body)
    })
    other.register(shared)
    const res = await other.inject({ ...form('item=a&quantity=2'), url: '/g/orders' })
    assert.deepEqual(res.json(), { item: 'a', quantity: 2 })
  })

  it('refuses a reader after ready', async () => {
    const app = closeAfterTest(testApp())
    await app.ready()
    assert.throws(
      () => app.bodyReader(urlencodedReader()),
      (e: Error & { code?: string }) => typeof e.code === 'string' && /bodyReader/.test(e.message),
    )
  })
})
