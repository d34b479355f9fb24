/** @module kernel/test/http/routing — routes, params, methods, HEAD, 404/405 and the request object, through inject and a socket. */
import assert from 'node:assert/strict'
import { createApp, reply, type App } from 'vectora'
import { assertProblem, closeAfterTest, forEachTransport, REQUEST_ID, useCleanup } from 'vectora/testing'

describe('routing', () => {
  forEachTransport((t) => {
    it('answers a static route with the plain object the handler returns, as 200 JSON', async () => {
      const app = createApp()
      app.get('/', () => ({ hello: 'world' }))
      const res = await t.request(app, { url: '/' })
      assert.equal(res.status, 200)
      assert.match(res.headers['content-type'], /^application\/json\b/)
      assert.deepEqual(res.json(), { hello: 'world' })
    })

    it('passes named path parameters to the handler', async () => {
      const app = createApp()
      app.get('/users/:id/posts/:postId', (req) => ({ params: { ...req.params } }))
      const res = await t.request(app, { url: '/users/7/posts/abc' })
      assert.equal(res.status, 200)
      assert.deepEqual(res.json(), { params: { id: '7', postId: 'abc' } })
    })

    it('percent-decodes path parameters', async () => {
      const app = createApp()
      app.get('/users/:name', (req) => ({ name: req.params.name }))
      const res = await t.request(app, { url: '/users/J%C3%BCrgen%20M%2FB' })
      assert.equal(res.status, 200)
      assert.deepEqual(res.json(), { name: 'Jürgen M/B' })
    })

    it('answers 400 VEC_ERR_BAD_PATH_PARAM for a malformed percent-encoding in a parameter', async () => {
      const app = createApp()
      app.get('/users/:name', (req) => ({ name: req.params.name }))
      const res = await t.request(app, { url: '/users/%E0%A4%A' })
      assertProblem(res, { status: 400, code: 'VEC_ERR_BAD_PATH_PARAM', instance: '/users/%E0%A4%A' })
    })

    it('captures the rest of the path in a trailing wildcard as params["*"]', async () => {
      const app = createApp()
      app.get('/files/*', (req) => ({ rest: req.params['*'] }))
      const res = await t.request(app, { url: '/files/a/b/c.txt' })
      assert.equal(res.status, 200)
      assert.deepEqual(res.json(), { rest: 'a/b/c.txt' })
    })

    it('prefers a static segment over a parameter in the same position', async () => {
      const app = createApp()
      app.get('/users/new', () => 'form')
      app.get('/users/:id', (req) => `user ${req.params.id}`)
      assert.equal((await t.request(app, { url: '/users/new' })).text(), 'form')
      assert.equal((await t.request(app, { url: '/users/42' })).text(), 'user 42')
    })

    it('routes GET, POST, PUT, PATCH, DELETE and OPTIONS on one path to their own handlers', async () => {
      const app = createApp()
      const methods = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const
      app.get('/thing', (req) => ({ handler: 'get', method: req.method }))
      app.post('/thing', (req) => ({ handler: 'post', method: req.method }))
      app.put('/thing', (req) => ({ handler: 'put', method: req.method }))
      app.patch('/thing', (req) => ({ handler: 'patch', method: req.method }))
      app.delete('/thing', (req) => ({ handler: 'delete', method: req.method }))
      app.options('/thing', (req) => ({ handler: 'options', method: req.method }))
      for (const method of methods) {
        const res = await t.request(app, { method, url: '/thing' })
        assert.equal(res.status, 200, method)
        assert.deepEqual(res.json(), { handler: method.toLowerCase(), method }, method)
      }
    })

    it('registers one handler for several methods with app.route()', async () => {
      const app = createApp()
      app.route({ method: ['PUT', 'PATCH'], path: '/items/:id', handler: (req) => ({ method: req.method, id: req.params.id }) })
      assert.deepEqual((await t.request(app, { method: 'PUT', url: '/items/1' })).json(), { method: 'PUT', id: '1' })
      assert.deepEqual((await t.request(app, { method: 'PATCH', url: '/items/2' })).json(), { method: 'PATCH', id: '2' })
      assert.equal((await t.request(app, { method: 'GET', url: '/items/3' })).status, 405)
    })

    it('serves HEAD from the GET route: same status and headers, content-length kept, no body', async () => {
      const app = createApp()
      let calls = 0
      app.get('/page', () => {
        calls++
        return reply.text('hello world', { headers: { 'x-page': 'yes' } })
      })
      const get = await t.request(app, { url: '/page' })
      const head = await t.request(app, { method: 'HEAD', url: '/page' })
      assert.equal(calls, 2)
      assert.equal(head.status, 200)
      assert.equal(head.headers['content-length'], String(Buffer.byteLength('hello world')))
      assert.equal(head.headers['content-type'], get.headers['content-type'])
      assert.equal(head.headers['x-page'], 'yes')
      assert.equal(head.body.length, 0)
    })

    it('uses a declared HEAD route instead of the GET route', async () => {
      const app = createApp()
      app.get('/page', () => 'from get')
      app.head('/page', () => reply.empty(200).header('x-from', 'head'))
      const res = await t.request(app, { method: 'HEAD', url: '/page' })
      assert.equal(res.status, 200)
      assert.equal(res.headers['x-from'], 'head')
      assert.equal(res.body.length, 0)
    })

    it('answers an unknown path with 404 problem+json VEC_ERR_NOT_FOUND naming the path', async () => {
      const app = createApp()
      app.get('/known', () => 'ok')
      const res = await t.request(app, { url: '/unknown/path?x=1' })
      assertProblem(res, { status: 404, code: 'VEC_ERR_NOT_FOUND', instance: '/unknown/path' })
    })

    it('treats a trailing slash as a different path', async () => {
      const app = createApp()
      app.get('/a', () => 'a')
      assert.equal((await t.request(app, { url: '/a' })).status, 200)
      assertProblem(await t.request(app, { url: '/a/' }), { status: 404, code: 'VEC_ERR_NOT_FOUND' })
    })

    it('answers a known path with another method with 405 VEC_ERR_METHOD_NOT_ALLOWED and an Allow header', async () => {
      const app = createApp()
      app.get('/users/:id', () => 'get')
      app.delete('/users/:id', () => 'delete')
      app.post('/users', () => 'create')
      const res = await t.request(app, { method: 'PUT', url: '/users/1' })
      assertProblem(res, { status: 405, code: 'VEC_ERR_METHOD_NOT_ALLOWED', instance: '/users/1' })
      assert.equal(res.headers.allow, 'GET, HEAD, DELETE')
    })

    it('parses the query string into an object, decoding values and collecting repeated keys in arrays', async () => {
      const app = createApp()
      app.get('/search', (req) => ({ query: { ...req.query }, path: req.path, url: req.url }))
      const res = await t.request(app, { url: '/search?q=hello%20world&tag=a&tag=b&empty=&plus=1+2' })
      assert.equal(res.status, 200)
      assert.deepEqual(res.json(), {
        query: { q: 'hello world', tag: ['a', 'b'], empty: '', plus: '1 2' },
        path: '/search',
        url: '/search?q=hello%20world&tag=a&tag=b&empty=&plus=1+2',
      })
    })

    it('gives an empty query object when there is no query string', async () => {
      const app = createApp()
      app.get('/search', (req) => ({ keys: Object.keys(req.query) }))
      assert.deepEqual((await t.request(app, { url: '/search' })).json(), { keys: [] })
    })

    it('exposes request headers with lower-case names, and header() looks them up case-insensitively', async () => {
      const app = createApp()
      app.get('/h', (req) => ({
        plain: req.headers['x-custom-thing'],
        isPlainObject: typeof req.headers === 'object' && !Array.isArray(req.headers),
        viaHelper: req.header('X-Custom-Thing'),
        missing: req.header('x-not-sent') ?? null,
      }))
      const res = await t.request(app, { url: '/h', headers: { 'X-Custom-Thing': 'value 1' } })
      assert.deepEqual(res.json(), { plain: 'value 1', isPlainObject: true, viaHelper: 'value 1', missing: null })
    })

    it('gives every request an id of the form <prefix>-<base36>, unique per request', async () => {
      const app = createApp({ requestIdPrefix: 'rt' })
      app.get('/id', (req) => ({ id: req.id }))
      const ids = new Set<string>()
      for (let i = 0; i < 5; i++) {
        const { id } = (await t.request(app, { url: '/id' })).json()
        assert.match(id, /^rt-[0-9a-z]+$/)
        assert.match(id, REQUEST_ID)
        ids.add(id)
      }
      assert.equal(ids.size, 5)
    })

    it('reports the peer address as req.ip', async () => {
      const app = createApp()
      app.get('/ip', (req) => ({ ip: req.ip }))
      assert.deepEqual((await t.request(app, { url: '/ip' })).json(), { ip: '127.0.0.1' })
    })
  })

  describe('inject only', () => {
    useCleanup()

    it('uses remoteAddress as req.ip', async () => {
      const app = closeAfterTest(createApp())
      app.get('/ip', (req) => ({ ip: req.ip }))
      const res = await app.inject({ method: 'GET', url: '/ip', remoteAddress: '10.1.2.3' })
      assert.deepEqual(res.json(), { ip: '10.1.2.3' })
    })

    it('answers a request for a path given as an absolute URL', async () => {
      const app = closeAfterTest(createApp())
      app.get('/users/:id', (req) => ({ id: req.params.id, host: req.header('host') }))
      const res = await app.inject({ url: 'http://example.test/users/9' })
      assert.deepEqual(res.json(), { id: '9', host: 'example.test' })
    })
  })

  describe('registration', () => {
    useCleanup()

    it('refuses a second route with the same method and path with VEC_ERR_ROUTE_DUPLICATE', async () => {
      const app = closeAfterTest(createApp())
      app.get('/users/:id', () => 'a')
      await expectRouteError(app, () => app.get('/users/:id', () => 'b'), 'VEC_ERR_ROUTE_DUPLICATE')
    })

    it('refuses routes that differ only by parameter name with VEC_ERR_ROUTE_DUPLICATE', async () => {
      const app = closeAfterTest(createApp())
      app.get('/users/:id', () => 'a')
      await expectRouteError(app, () => app.get('/users/:name', () => 'b'), 'VEC_ERR_ROUTE_DUPLICATE')
    })

    it('refuses a parameter route that overlaps a wildcard route with a VEC_ERR_ROUTE_* code', async () => {
      const app = closeAfterTest(createApp())
      app.get('/src/*', () => 'wild')
      await expectRouteError(app, () => app.get('/src/:file', () => 'param'), /^VEC_ERR_ROUTE_/)
    })

    it('accepts the same path for different methods', async () => {
      const app = closeAfterTest(createApp())
      app.get('/users/:id', () => 'get')
      app.put('/users/:id', () => 'put')
      await app.ready()
      assert.equal((await app.inject({ method: 'PUT', url: '/users/1' })).text(), 'put')
    })

    it('refuses a path without a leading slash with VEC_ERR_ROUTE_INVALID', async () => {
      const app = closeAfterTest(createApp())
      await expectRouteError(app, () => app.get('users', () => 'x'), 'VEC_ERR_ROUTE_INVALID')
    })

    it('refuses a wildcard that is not the whole last segment with VEC_ERR_ROUTE_INVALID', async () => {
      const app = closeAfterTest(createApp())
      await expectRouteError(app, () => app.get('/files/*/meta', () => 'x'), 'VEC_ERR_ROUTE_INVALID')
    })

    it('refuses a route added after the app is ready with VEC_ERR_APP_READY', async () => {
      const app = closeAfterTest(createApp())
      app.get('/', () => 'x')
      await app.ready()
      assert.throws(() => app.get('/late', () => 'y'), { code: 'VEC_ERR_APP_READY' })
    })
  })
})

/**
 * Registration errors may surface when the route is added (TS checks) or at ready() (the kernel's router);
 * either is fine, but one of them must refuse the route with `code`.
 */
async function expectRouteError(app: App, register: () => unknown, code: string | RegExp): Promise<void> {
  const matches = (error: unknown): boolean => {
    const given = (error as { code?: unknown } | null)?.code
    return typeof given === 'string' && (typeof code === 'string' ? given === code : code.test(given))
  }
  try {
    register()
  } catch (error) {
    assert.ok(matches(error), `registration threw ${String(error)}, expected code ${String(code)}`)
    return
  }
  await assert.rejects(app.ready(), (error) => {
    assert.ok(matches(error), `ready() rejected with ${String(error)}, expected code ${String(code)}`)
    return true
  })
}
