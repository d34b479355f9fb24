/**
 * @module plugins/helmet/test/presets — the two presets' exact header sets, on the wire and in order, on JSON, text,
 * HTML and empty replies and on the kernel's 404/405 (which reach JavaScript because helmet's hook is app-wide).
 * Through app.inject() and a real socket.
 */
import assert from 'node:assert/strict'
import { reply } from 'vectora'
import { securityHeaders } from '@vectora/helmet'
import { forEachTransport } from 'vectora/testing'
import { API_HEADERS, helmetApp, helmetHeaders, helmetOrder, PAGE_HEADERS } from './support.js'

describe('@vectora/helmet: presets', () => {
  forEachTransport((t) => {
    it("sends exactly the 'api' preset's ten headers by default, in order, and leaves the body alone", async () => {
      const app = helmetApp()
      app.get('/users/:id', (req) => ({ id: req.params.id }))
      const res = await t.request(app, { url: '/users/7' })
      assert.equal(res.status, 200)
      assert.deepEqual(res.json(), { id: '7' })
      assert.equal(res.headers['content-type'], 'application/json; charset=utf-8')
      assert.deepEqual(helmetHeaders(res.headers), API_HEADERS)
      assert.deepEqual(helmetOrder(res.rawHeaders), Object.keys(API_HEADERS))
      for (const name of Object.keys(API_HEADERS)) assert.equal(res.headerLines(name).length, 1, `${name} once`)
    })

    it("sends exactly the 'page' preset's headers with preset: 'page' (helmet.js's CSP, X-Frame-Options SAMEORIGIN)", async () => {
      const app = helmetApp({ preset: 'page' })
      app.get('/', () => reply.html('<!doctype html><h1>hi</h1>'))
      const res = await t.request(app, { url: '/' })
      assert.equal(res.text(), '<!doctype html><h1>hi</h1>')
      assert.deepEqual(helmetHeaders(res.headers), PAGE_HEADERS)
      assert.deepEqual(helmetOrder(res.rawHeaders), Object.keys(PAGE_HEADERS))
    })

    it("'api' is what preset: 'api' and no options both mean, and securityHeaders() returns the same set", async () => {
      const app = helmetApp({ preset: 'api' })
      app.get('/', () => 'text')
      assert.deepEqual(helmetHeaders((await t.request(app, { url: '/' })).headers), API_HEADERS)
      assert.deepEqual(securityHeaders(), API_HEADERS)
      assert.deepEqual(securityHeaders({ preset: 'page' }), PAGE_HEADERS)
    })

    it("puts the headers on the kernel's 404 and 405 too: the hook is app-wide, so unmatched requests reach it", async () => {
      const app = helmetApp()
      app.get('/only-get', () => 'ok')
      const missing = await t.request(app, { url: '/nowhere' })
      assert.equal(missing.status, 404)
      assert.deepEqual(helmetHeaders(missing.headers), API_HEADERS)
      const wrongMethod = await t.request(app, { method: 'DELETE', url: '/only-get' })
      assert.equal(wrongMethod.status, 405)
      assert.equal(wrongMethod.headers.allow, 'GET, HEAD')
      assert.deepEqual(helmetHeaders(wrongMethod.headers), API_HEADERS)
    })

    it('sends them on an empty 204 and on a HEAD answered from the GET route', async () => {
      const app = helmetApp()
      app.delete('/items/:id', () => reply.empty())
      app.get('/items/:id', () => ({ ok: true }))
      const deleted = await t.request(app, { method: 'DELETE', url: '/items/1' })
      assert.equal(deleted.status, 204)
      assert.deepEqual(helmetHeaders(deleted.headers), API_HEADERS)
      const head = await t.request(app, { method: 'HEAD', url: '/items/1' })
      assert.equal(head.status, 200)
      assert.equal(head.body.length, 0)
      assert.deepEqual(helmetHeaders(head.headers), API_HEADERS)
    })
  })
})
