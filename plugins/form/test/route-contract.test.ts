/**
 * @module plugins/form/test/route-contract — forms checked by a route's `schema.body`, through the plugin's body
 * reader: urlencoded and multipart fields coerced and validated into `req.body` before the handler, the files of
 * that read from `readForm(req)`, the limits and errors of `readForm`, uploads removed when the contract refuses
 * the fields, a `body: 'stream'` upload, the scope the plugin was registered in, and the OpenAPI-facing media types.
 */
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { form, readForm } from '@vectora/form'
import { type } from 'arktype'
import { definePlugin, type PluginApp, type RouteInfo } from 'vectora'
import { assertProblem, createTestApp, forEachTransport } from 'vectora/testing'
import { bytes, eventually, leftIn, multipartRequest, sha256, uploadParent, urlencodedRequest } from './support.js'

const Photo = type({ title: 'string >= 1', 'rating?': 'number.integer <= 5', 'tags?': 'string[]', 'public?': 'boolean' })

describe('@vectora/form: route contracts', () => {
  forEachTransport((t) => {
    it('validates urlencoded fields into req.body, coerced as a query is', async () => {
      const app = createTestApp()
      app.register(form)
      app.post('/photos', { schema: { body: Photo } }, (req) => ({ body: req.body, rating: typeof req.body.rating }))
      const res = await t.request(app, urlencodedRequest('/photos', 'title=Sea&rating=4&tags=blue&public=true'))
      assert.equal(res.status, 200, res.text())
      assert.deepEqual(res.json(), { body: { title: 'Sea', rating: 4, tags: ['blue'], public: true }, rating: 'number' })
    })

    it('validates multipart fields into req.body and gives the files of that same read to readForm(req)', async () => {
      const parent = uploadParent()
      const app = createTestApp()
      app.register(form, { tmpDir: parent })
      app.post('/photos', { schema: { body: Photo } }, async (req) => {
        const { fields, files } = await readForm(req)
        return { body: req.body, raw: fields, files: files.map((f) => ({ field: f.field, size: f.size, sha256: sha256(readFileSync(f.path)) })) }
      })
      const image = bytes(150_000)
      const res = await t.request(
        app,
        multipartRequest('/photos', [
          { name: 'title', value: 'Sea' },
          { name: 'rating', value: '5' },
          { name: 'image', value: image, filename: 'sea.jpg', contentType: 'image/jpeg' },
        ]),
      )
      assert.equal(res.status, 200, res.text())
      assert.deepEqual(res.json(), {
        body: { title: 'Sea', rating: 5 },
        raw: { title: 'Sea', rating: '5' },
        files: [{ field: 'image', size: 150_000, sha256: sha256(image) }],
      })
      await eventually(() => leftIn(parent).length === 0, 'the upload folder removed after the reply')
    })

    it('answers 400 VEC_ERR_VALIDATION naming every wrong field, runs no handler and leaves no upload behind', async () => {
      const parent = uploadParent()
      const app = createTestApp()
      let handled = false
      app.register(form, { tmpDir: parent })
      app.post('/photos', { schema: { body: Photo } }, () => {
        handled = true
        return 'never'
      })
      const res = await t.request(
        app,
        multipartRequest('/photos', [
          { name: 'rating', value: '9' },
          { name: 'public', value: 'maybe' },
          { name: 'image', value: bytes(10_000), filename: 'a.jpg' },
        ]),
      )
      const problem = assertProblem(res, { status: 400, code: 'VEC_ERR_VALIDATION' })
      assert.deepEqual((problem.errors as Array<{ in: string; path: string }>).map((e) => `${e.in}:${e.path}`).sort(), [
        'body:public',
        'body:rating',
        'body:title',
      ])
      assert.equal(handled, false)
      await eventually(() => leftIn(parent).length === 0, 'the refused upload removed')
    })

    it("keeps the plugin's limits and errors: 413 FORM_TOO_MANY_FILES, 400 FORM_MALFORMED", async () => {
      const app = createTestApp()
      app.register(form, { files: 1, tmpDir: uploadParent() })
      app.post('/photos', { schema: { body: Photo } }, () => 'never')
      const two = multipartRequest('/photos', [
        { name: 'title', value: 'x' },
        { name: 'a', value: 'a', filename: 'a.txt' },
        { name: 'b', value: 'b', filename: 'b.txt' },
      ])
      assertProblem(await t.request(app, two), { status: 413, code: 'FORM_TOO_MANY_FILES' })
      const cut = { ...multipartRequest('/photos', [{ name: 'title', value: 'x' }]), body: Buffer.from('--nope\r\n') }
      assertProblem(await t.request(app, cut), { status: 400, code: 'FORM_MALFORMED' })
    })

    it('streams the files of a body: stream route to disk while its fields are validated', async () => {
      const parent = uploadParent()
      const app = createTestApp()
      app.register(form, { tmpDir: parent, fileSize: Number.POSITIVE_INFINITY })
      app.post('/videos', { body: 'stream', bodyLimit: 8 * 1024 * 1024, schema: { body: type({ title: 'string' }) } }, async (req) => {
        const { files } = await readForm(req)
        return { title: req.body.title, size: files[0]?.size, sha256: sha256(readFileSync(files[0]!.path)) }
      })
      const video = bytes(4 * 1024 * 1024, 7)
      const res = await t.request(
        app,
        multipartRequest('/videos', [
          { name: 'title', value: 'Trip' },
          { name: 'video', value: video, filename: 'trip.mp4' },
        ]),
      )
      assert.equal(res.status, 200, res.text())
      assert.deepEqual(res.json(), { title: 'Trip', size: video.length, sha256: sha256(video) })
    })

    it('reads forms for the routes of the scope it was registered in only', async () => {
      const app = createTestApp()
      app.group('/forms', (group) => {
        group.register(form)
        group.post('/photos', { schema: { body: Photo } }, (req) => req.body)
      })
      app.post('/photos', { schema: { body: Photo } }, (req) => req.body)
      const inside = await t.request(app, urlencodedRequest('/forms/photos', 'title=Sea'))
      assert.deepEqual(inside.json(), { title: 'Sea' })
      assertProblem(await t.request(app, urlencodedRequest('/photos', 'title=Sea')), { status: 415, code: 'VEC_ERR_UNSUPPORTED_MEDIA_TYPE' })
    })
  })

  it('adds both form media types to the contract of every route with a body schema', async () => {
    const app = createTestApp()
    let routes: RouteInfo[] = []
    app.register(form)
    app.register(definePlugin({ name: 'observer', version: '1.0.0', setup: (p: PluginApp) => void p.onReady(() => void (routes = p.routes())) }))
    app.post('/photos', { schema: { body: Photo } }, () => 'x')
    await app.ready()
    const route = routes.find((r) => r.path === '/photos')
    assert.deepEqual(route?.contract?.bodyMediaTypes, ['application/json', 'application/x-www-form-urlencoded', 'multipart/form-data'])
  })
})
