/**
 * @module plugins/static/test/files — serving files through both transports: content types, index files, folder
 * redirects, extensions, 404s, HEAD, ETag/Last-Modified revalidation, prefixes, groups, several folders, and the
 * 1 MiB file byte for byte.
 */
import assert from 'node:assert/strict'
import { serveStatic } from '@vectora/static'
import { assertProblem, createTestApp, forEachTransport } from 'vectora/testing'
import { BIG, fixture, sha256, staticApp } from './support.js'

describe('@vectora/static: files', () => {
  forEachTransport((t) => {
    it('serves a file with its content type, length, validators and the default Cache-Control', async () => {
      const res = await t.request(staticApp(), { url: '/hello.txt' })
      assert.equal(res.status, 200)
      assert.equal(res.text(), 'hello world\n')
      assert.equal(res.headers['content-type'], 'text/plain; charset=utf-8')
      assert.equal(res.headers['content-length'], '12')
      assert.equal(res.headers['last-modified'], 'Thu, 02 Jan 2025 03:04:05 GMT')
      assert.match(res.headers.etag ?? '', /^"[0-9a-f]+-[0-9a-f]+"$/)
      assert.equal(res.headers['cache-control'], 'public, max-age=0')
      assert.equal(res.headers['accept-ranges'], 'bytes')
      assert.equal(res.headers['content-encoding'], undefined)
    })

    it('serves html and json with their types', async () => {
      const app = staticApp()
      const page = await t.request(app, { url: '/page.html' })
      assert.equal(page.headers['content-type'], 'text/html; charset=utf-8')
      assert.equal(page.text(), '<h1>page</h1>')
      const data = await t.request(app, { url: '/data.json' })
      assert.equal(data.headers['content-type'], 'application/json; charset=utf-8')
      assert.deepEqual(data.json(), { ok: true })
    })

    it('decodes percent-encoded names once: a space and non-ASCII letters', async () => {
      const app = staticApp()
      assert.equal((await t.request(app, { url: '/a%20b.txt' })).text(), 'with a space')
      assert.equal((await t.request(app, { url: `/${encodeURIComponent('ünï.txt')}` })).text(), 'unicode name')
    })

    it('serves index.html for the root and for a folder asked for with its trailing slash', async () => {
      const app = staticApp()
      const home = await t.request(app, { url: '/' })
      assert.equal(home.status, 200)
      assert.equal(home.text(), '<h1>home</h1>')
      assert.equal(home.headers['content-type'], 'text/html; charset=utf-8')
      assert.equal((await t.request(app, { url: '/docs/' })).text(), '<h1>docs</h1>')
    })

    it('tries the index names in order, and serves no folder when index is false', async () => {
      const ordered = staticApp({ index: ['missing.html', 'start.htm', 'index.html'] })
      assert.equal((await t.request(ordered, { url: '/docs/' })).text(), '<h1>start</h1>')
      const none = staticApp({ index: false })
      assertProblem(await t.request(none, { url: '/docs/' }), { status: 404, code: 'VEC_ERR_NOT_FOUND' })
      assertProblem(await t.request(none, { url: '/' }), { status: 404, code: 'VEC_ERR_NOT_FOUND' })
    })

    it('answers a folder without an index with 404 (folders are never listed)', async () => {
      const res = await t.request(staticApp(), { url: '/empty/' })
      const body = assertProblem(res, { status: 404, code: 'VEC_ERR_NOT_FOUND', instance: '/empty/' })
      assert.equal(body.detail, 'No such file.')
    })

    it('redirects a folder without its trailing slash with a 301 to a relative ./name/ that keeps the query', async () => {
      const app = staticApp()
      const res = await t.request(app, { url: '/docs?lang=en' })
      assert.equal(res.status, 301)
      assert.equal(res.headers.location, './docs/?lang=en')
      assert.equal(new URL(res.headers.location!, 'http://host/docs?lang=en').pathname, '/docs/')
      const nested = await t.request(app, { url: '/sub/.hidden' })
      assert.equal(nested.status, 404, 'a dotted folder is not redirected to')
    })

    it('redirects the prefix itself to the prefix with a slash, and serves its index there', async () => {
      const app = staticApp({ prefix: '/assets' })
      const res = await t.request(app, { url: '/assets' })
      assert.equal(res.status, 301)
      assert.equal(res.headers.location, './assets/')
      assert.equal(new URL(res.headers.location!, 'http://host/assets').pathname, '/assets/')
      assert.equal((await t.request(app, { url: '/assets/' })).text(), '<h1>home</h1>')
      assert.equal((await t.request(app, { url: '/assets/docs/guide.html' })).text(), '<h1>guide</h1>')
      assert.equal((await t.request(app, { url: '/hello.txt' })).status, 404, 'nothing outside the prefix')
    })

    it('answers 404 for a folder without its slash when redirect is false', async () => {
      const app = staticApp({ redirect: false, prefix: '/assets/' })
      assertProblem(await t.request(app, { url: '/docs' }), { status: 404 })
      assertProblem(await t.request(app, { url: '/assets/docs' }), { status: 404, code: 'VEC_ERR_NOT_FOUND' })
      assertProblem(await t.request(app, { url: '/assets' }), { status: 404, code: 'VEC_ERR_NOT_FOUND' })
      assert.equal((await t.request(app, { url: '/assets/docs/' })).text(), '<h1>docs</h1>')
    })

    it('answers 404 problem+json for a missing file, and for a file asked for as a folder', async () => {
      const app = staticApp()
      const missing = await t.request(app, { url: '/nope.txt' })
      assert.equal(assertProblem(missing, { status: 404, code: 'VEC_ERR_NOT_FOUND', instance: '/nope.txt' }).detail, 'No such file.')
      assertProblem(await t.request(app, { url: '/hello.txt/' }), { status: 404, code: 'VEC_ERR_NOT_FOUND' })
      assertProblem(await t.request(app, { url: '/hello.txt/x' }), { status: 404, code: 'VEC_ERR_NOT_FOUND' })
      assert.deepEqual(app.logger.errors(), [], 'a missing file is no server error')
    })

    it('tries extensions in order for a path that names nothing, and never for one that exists', async () => {
      const app = staticApp({ extensions: ['htm', 'html'] })
      const about = await t.request(app, { url: '/about' })
      assert.equal(about.text(), '<h1>about</h1>')
      assert.equal(about.headers['content-type'], 'text/html; charset=utf-8')
      assert.equal((await t.request(app, { url: '/docs/start' })).text(), '<h1>start</h1>')
      assert.equal((await t.request(app, { url: '/docs' })).status, 301, 'a folder wins over docs.html')
      assert.equal((await t.request(app, { url: '/hello' })).status, 404)
      assert.equal((await t.request(staticApp(), { url: '/about' })).status, 404, 'no extensions by default')
    })

    it('answers HEAD with the headers of GET and no body', async () => {
      const res = await t.request(staticApp(), { method: 'HEAD', url: '/hello.txt' })
      assert.equal(res.status, 200)
      assert.equal(res.body.length, 0)
      assert.equal(res.headers['content-length'], '12')
      assert.equal(res.headers['content-type'], 'text/plain; charset=utf-8')
      assert.match(res.headers.etag ?? '', /^"/)
    })

    it('answers other methods with 405 and Allow: GET, HEAD', async () => {
      const res = await t.request(staticApp(), { method: 'POST', url: '/hello.txt', body: 'x' })
      assert.equal(res.status, 405)
      assert.equal(res.headers.allow, 'GET, HEAD')
    })

    it('answers a matching If-None-Match with 304 and the validators, no body', async () => {
      const app = staticApp({ maxAge: 60 })
      const first = await t.request(app, { url: '/hello.txt' })
      const again = await t.request(app, { url: '/hello.txt', headers: { 'if-none-match': first.headers.etag! } })
      assert.equal(again.status, 304)
      assert.equal(again.body.length, 0)
      assert.equal(again.headers.etag, first.headers.etag)
      assert.equal(again.headers['cache-control'], 'public, max-age=60')
      const other = await t.request(app, { url: '/hello.txt', headers: { 'if-none-match': '"other"' } })
      assert.equal(other.status, 200)
    })

    it('answers If-Modified-Since at or after Last-Modified with 304, before it with 200', async () => {
      const app = staticApp()
      const since = await t.request(app, { url: '/hello.txt', headers: { 'if-modified-since': 'Thu, 02 Jan 2025 03:04:05 GMT' } })
      assert.equal(since.status, 304)
      const before = await t.request(app, { url: '/hello.txt', headers: { 'if-modified-since': 'Wed, 01 Jan 2025 00:00:00 GMT' } })
      assert.equal(before.status, 200)
    })

    it('leaves ETag, Last-Modified and ranges out when turned off', async () => {
      const res = await t.request(staticApp({ etag: false, lastModified: false, ranges: false }), { url: '/hello.txt', headers: { range: 'bytes=0-1' } })
      assert.equal(res.status, 200)
      assert.equal(res.text(), 'hello world\n')
      assert.equal(res.headers.etag, undefined)
      assert.equal(res.headers['last-modified'], undefined)
      assert.equal(res.headers['accept-ranges'], undefined)
    })

    it('serves a 1 MiB file byte for byte', async () => {
      const res = await t.request(staticApp(), { url: '/big.bin' })
      assert.equal(res.status, 200)
      assert.equal(res.headers['content-length'], String(BIG.length))
      assert.equal(res.headers['content-type'], 'application/octet-stream')
      assert.equal(sha256(res.body), sha256(BIG))
    })

    it('serves a symlink that stays inside the root', async () => {
      const res = await t.request(staticApp(), { url: '/link-in.txt' })
      assert.equal(res.status, 200)
      assert.equal(res.text(), 'hello world\n')
    })

    it('leaves the routes of the app alone: a more specific route wins over the folder', async () => {
      const app = staticApp()
      app.get('/api/status', () => ({ up: true }))
      assert.deepEqual((await t.request(app, { url: '/api/status' })).json(), { up: true })
      assert.equal((await t.request(app, { url: '/hello.txt' })).text(), 'hello world\n')
      assert.equal((await t.request(app, { url: '/api/other' })).status, 404)
    })

    it('serves several folders, one registration each, under their prefixes', async () => {
      const app = createTestApp()
      app.register(serveStatic, { root: fixture.root, prefix: '/one' })
      app.register(serveStatic, { root: `${fixture.root}/docs`, prefix: '/two' })
      assert.equal((await t.request(app, { url: '/one/hello.txt' })).text(), 'hello world\n')
      assert.equal((await t.request(app, { url: '/two/guide.html' })).text(), '<h1>guide</h1>')
      assert.equal((await t.request(app, { url: '/two/hello.txt' })).status, 404)
    })

    it('serves under a group prefix, and its redirects resolve inside the group', async () => {
      const app = createTestApp()
      app.group('/site', (site) => site.register(serveStatic, { root: fixture.root, prefix: '/files' }))
      assert.equal((await t.request(app, { url: '/site/files/hello.txt' })).text(), 'hello world\n')
      const res = await t.request(app, { url: '/site/files/docs' })
      assert.equal(res.status, 301)
      assert.equal(new URL(res.headers.location!, 'http://host/site/files/docs').pathname, '/site/files/docs/')
    })

    it('lists its routes in the app, owned by the plugin', async () => {
      const app = staticApp({ prefix: '/assets' })
      await app.ready()
      const routes = app
        .routes()
        .filter((route) => route.owner === '@vectora/static')
        .map((route) => `${route.method} ${route.path}`)
      assert.deepEqual(routes, ['GET /assets', 'GET /assets/', 'GET /assets/*'])
    })
  })
})
