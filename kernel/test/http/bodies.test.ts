/** @module kernel/test/http/bodies — request bodies (json/text/buffer, media types, limits) and reply bodies, through inject and a socket. */
import assert from 'node:assert/strict'
import { createApp, reply } from 'vectora'
import { assertProblem, captureLogger, closeAfterTest, forEachTransport, listen, useCleanup } from 'vectora/testing'
import { RawConnection } from '../support/raw.js'

describe('request bodies', () => {
  forEachTransport((t) => {
    it('echoes a JSON body read with req.json() via reply.json with status 201', async () => {
      const app = createApp()
      app.post('/echo', { bodyLimit: 1024 }, async (req) => reply.json(await req.json(), { status: 201 }))
      const res = await t.request(app, { method: 'POST', url: '/echo', body: { a: 1, list: [true, null, 'x'] } })
      assert.equal(res.status, 201)
      assert.match(res.headers['content-type'], /^application\/json\b/)
      assert.deepEqual(res.json(), { a: 1, list: [true, null, 'x'] })
    })

    it('accepts +json media types and a utf-8 charset in req.json()', async () => {
      const app = createApp()
      app.post('/echo', async (req) => ({ got: await req.json() }))
      for (const type of ['application/vnd.api+json', 'application/json; charset=utf-8', 'Application/JSON']) {
        const res = await t.request(app, { method: 'POST', url: '/echo', headers: { 'content-type': type }, body: '{"ok":true}' })
        assert.equal(res.status, 200, type)
        assert.deepEqual(res.json(), { got: { ok: true } }, type)
      }
    })

    it('reads a text body with req.text()', async () => {
      const app = createApp()
      app.post('/text', async (req) => ({ text: await req.text() }))
      const res = await t.request(app, {
        method: 'POST',
        url: '/text',
        headers: { 'content-type': 'text/plain; charset=utf-8' },
        body: 'héllo\nwörld',
      })
      assert.deepEqual(res.json(), { text: 'héllo\nwörld' })
    })

    it('reads the raw bytes with req.buffer(), whatever the content type', async () => {
      const app = createApp()
      app.put('/blob', async (req) => {
        const body = await req.buffer()
        return { length: body.length, hex: body.toString('hex') }
      })
      const bytes = Buffer.from([0x00, 0xff, 0x10, 0x80, 0x0d, 0x0a])
      const res = await t.request(app, {
        method: 'PUT',
        url: '/blob',
        headers: { 'content-type': 'application/octet-stream' },
        body: bytes,
      })
      assert.deepEqual(res.json(), { length: 6, hex: '00ff10800d0a' })
    })

    it('gives an empty buffer and empty text when there is no body', async () => {
      const app = createApp()
      app.post('/none', async (req) => ({ length: (await req.buffer()).length, text: await req.text() }))
      assert.deepEqual((await t.request(app, { method: 'POST', url: '/none' })).json(), { length: 0, text: '' })
    })

    it('answers 415 VEC_ERR_UNSUPPORTED_MEDIA_TYPE when req.json() meets a non-JSON content type', async () => {
      const app = createApp()
      app.post('/json', async (req) => ({ got: await req.json() }))
      const res = await t.request(app, { method: 'POST', url: '/json', headers: { 'content-type': 'text/plain' }, body: '{"a":1}' })
      assertProblem(res, { status: 415, code: 'VEC_ERR_UNSUPPORTED_MEDIA_TYPE', instance: '/json' })
    })

    it('answers 415 VEC_ERR_UNSUPPORTED_MEDIA_TYPE when req.json() meets a body without a content type', async () => {
      const app = createApp()
      app.post('/json', async (req) => ({ got: await req.json() }))
      const res = await t.request(app, { method: 'POST', url: '/json', body: '{"a":1}' })
      assertProblem(res, { status: 415, code: 'VEC_ERR_UNSUPPORTED_MEDIA_TYPE' })
    })

    it('answers 400 VEC_ERR_MALFORMED_JSON for a body that is not valid JSON', async () => {
      const app = createApp()
      app.post('/json', async (req) => ({ got: await req.json() }))
      const res = await t.request(app, {
        method: 'POST',
        url: '/json',
        headers: { 'content-type': 'application/json' },
        body: '{"a":1,',
      })
      assertProblem(res, { status: 400, code: 'VEC_ERR_MALFORMED_JSON', instance: '/json' })
    })

    it('answers 400 VEC_ERR_EMPTY_BODY when req.json() meets an empty body', async () => {
      const app = createApp()
      app.post('/json', async (req) => ({ got: await req.json() }))
      const res = await t.request(app, { method: 'POST', url: '/json', headers: { 'content-type': 'application/json' } })
      assertProblem(res, { status: 400, code: 'VEC_ERR_EMPTY_BODY' })
    })

    it('refuses a body over the app-wide bodyLimit with 413 VEC_ERR_BODY_TOO_LARGE without running the handler', async () => {
      const app = createApp({ bodyLimit: 64 })
      let calls = 0
      app.post('/upload', async (req) => {
        calls++
        return { length: (await req.buffer()).length }
      })
      const res = await t.request(app, { method: 'POST', url: '/upload', body: Buffer.alloc(65, 'a') })
      assertProblem(res, { status: 413, code: 'VEC_ERR_BODY_TOO_LARGE', instance: '/upload' })
      assert.equal(calls, 0)
    })

    it('accepts a body of exactly bodyLimit bytes', async () => {
      const app = createApp({ bodyLimit: 64 })
      app.post('/upload', async (req) => ({ length: (await req.buffer()).length }))
      const res = await t.request(app, { method: 'POST', url: '/upload', body: Buffer.alloc(64, 'a') })
      assert.equal(res.status, 200)
      assert.deepEqual(res.json(), { length: 64 })
    })

    it('applies a smaller per-route bodyLimit to that route only', async () => {
      const app = createApp({ bodyLimit: 1024 })
      app.post('/small', { bodyLimit: 16 }, async (req) => ({ length: (await req.buffer()).length }))
      app.post('/normal', async (req) => ({ length: (await req.buffer()).length }))
      assertProblem(await t.request(app, { method: 'POST', url: '/small', body: Buffer.alloc(17) }), {
        status: 413,
        code: 'VEC_ERR_BODY_TOO_LARGE',
      })
      assert.deepEqual((await t.request(app, { method: 'POST', url: '/small', body: Buffer.alloc(16) })).json(), { length: 16 })
      assert.deepEqual((await t.request(app, { method: 'POST', url: '/normal', body: Buffer.alloc(17) })).json(), { length: 17 })
    })

    it('lets a per-route bodyLimit raise the app-wide limit for that route', async () => {
      const app = createApp({ bodyLimit: 16 })
      app.post('/big', { bodyLimit: 4096 }, async (req) => ({ length: (await req.buffer()).length }))
      app.post('/default', async (req) => ({ length: (await req.buffer()).length }))
      assert.deepEqual((await t.request(app, { method: 'POST', url: '/big', body: Buffer.alloc(4000) })).json(), { length: 4000 })
      assert.equal((await t.request(app, { method: 'POST', url: '/default', body: Buffer.alloc(4000) })).status, 413)
    })
  })

  describe('through a raw socket', () => {
    useCleanup()

    it('refuses a declared Content-Length over the limit with 413 before any of the body is sent', async () => {
      const app = closeAfterTest(createApp({ bodyLimit: 1024 }))
      let calls = 0
      app.post('/upload', () => {
        calls++
        return 'read'
      })
      const conn = await RawConnection.open(await listen(app))
      // The head only: if the kernel waited for the body, this response would never come.
      conn.write('POST /upload HTTP/1.1\r\nhost: test\r\ncontent-type: application/octet-stream\r\ncontent-length: 10000000\r\n\r\n')
      const res = await conn.response()
      assertProblem(res, { status: 413, code: 'VEC_ERR_BODY_TOO_LARGE', instance: '/upload' })
      assert.equal(calls, 0)
    })

    it('counts a chunked body and refuses it with 413 once it passes the limit, before it ends', async () => {
      const app = closeAfterTest(createApp())
      let calls = 0
      app.post('/upload', { bodyLimit: 1024 }, () => {
        calls++
        return 'read'
      })
      const conn = await RawConnection.open(await listen(app))
      conn.write('POST /upload HTTP/1.1\r\nhost: test\r\ncontent-type: application/octet-stream\r\ntransfer-encoding: chunked\r\n\r\n')
      // 4 x 512 bytes = 2048 > 1024, and no terminating 0-chunk: the limit must be found by counting.
      const chunk = Buffer.alloc(512, 'x')
      for (let i = 0; i < 4; i++) conn.write(Buffer.concat([Buffer.from('200\r\n'), chunk, Buffer.from('\r\n')]))
      const res = await conn.response()
      assertProblem(res, { status: 413, code: 'VEC_ERR_BODY_TOO_LARGE', instance: '/upload' })
      assert.equal(calls, 0)
    })

    it('reads a chunked body under the limit whole', async () => {
      const app = closeAfterTest(createApp())
      app.post('/upload', { bodyLimit: 1024 }, async (req) => ({ text: await req.text() }))
      const conn = await RawConnection.open(await listen(app))
      conn.write('POST /upload HTTP/1.1\r\nhost: test\r\ncontent-type: text/plain\r\ntransfer-encoding: chunked\r\n\r\n')
      conn.write('5\r\nhello\r\n')
      conn.write('6\r\n world\r\n')
      conn.write('0\r\n\r\n')
      const res = await conn.response()
      assert.equal(res.status, 200)
      assert.deepEqual(res.json(), { text: 'hello world' })
    })

    it('accepts a chunked body of exactly the limit', async () => {
      const app = closeAfterTest(createApp())
      app.post('/upload', { bodyLimit: 1024 }, async (req) => ({ length: (await req.buffer()).length }))
      const conn = await RawConnection.open(await listen(app))
      conn.write('POST /upload HTTP/1.1\r\nhost: test\r\ntransfer-encoding: chunked\r\n\r\n')
      const chunk = Buffer.alloc(512, 'y')
      for (let i = 0; i < 2; i++) conn.write(Buffer.concat([Buffer.from('200\r\n'), chunk, Buffer.from('\r\n')]))
      conn.write('0\r\n\r\n')
      const res = await conn.response()
      assert.equal(res.status, 200)
      assert.deepEqual(res.json(), { length: 1024 })
    })
  })

  describe('inject only', () => {
    useCleanup()

    it('sends an object body as JSON with content-type application/json', async () => {
      const app = closeAfterTest(createApp())
      app.post('/echo', async (req) => ({ type: req.header('content-type'), body: await req.json() }))
      const res = await app.inject({ method: 'POST', url: '/echo', body: { nested: { n: 1 } } })
      assert.equal(res.status, 200)
      assert.deepEqual(res.json(), { type: 'application/json', body: { nested: { n: 1 } } })
    })

    it('returns the response body as a Buffer with text() and json() views', async () => {
      const app = closeAfterTest(createApp())
      app.get('/', () => ({ hello: 'world' }))
      const res = await app.inject({ method: 'GET', url: '/' })
      assert.ok(Buffer.isBuffer(res.body))
      assert.equal(res.text(), '{"hello":"world"}')
      assert.deepEqual(res.json(), { hello: 'world' })
      assert.equal(res.headers['content-length'], String(res.body.length))
    })
  })
})

describe('reply bodies', () => {
  forEachTransport((t) => {
    it('sends a returned string as text/plain', async () => {
      const app = createApp()
      app.get('/', () => 'just text')
      const res = await t.request(app, { url: '/' })
      assert.equal(res.status, 200)
      assert.match(res.headers['content-type'], /^text\/plain\b/)
      assert.equal(res.text(), 'just text')
    })

    it('refuses a handler that returns undefined with 500 VEC_ERR_NO_RESPONSE naming the route, logged', async () => {
      const logger = captureLogger()
      const app = createApp({ logger, development: false })
      const users = new Map([['1', { id: '1' }]])
      app.get('/users/:id', (req) => users.get(req.params.id))
      app.delete('/thing', async () => undefined)
      assert.equal((await t.request(app, { url: '/users/1' })).status, 200)
      for (const [method, url, route] of [
        ['GET', '/users/2', 'GET /users/:id'],
        ['DELETE', '/thing', 'DELETE /thing'],
      ] as const) {
        const res = await t.request(app, { method, url })
        assertProblem(res, { status: 500, code: 'VEC_ERR_NO_RESPONSE' })
        assert.match(res.json().detail, /reply\.empty\(\)/)
        assert.doesNotMatch(res.json().detail, /\/users\/:id|\/thing/, 'production replies do not name routes')
        const line = logger.lines.findLast((l) => l.level === 'error')
        assert.equal(line?.fields.path, url)
        assert.match(String((line?.fields.err as { cause?: Error } | undefined)?.cause?.message), new RegExp(`^${route} returned undefined`))
      }
    })

    it('names the route of a handler that returned undefined in the development detail, also on the pipeline path', async () => {
      const app = createApp({ logger: captureLogger(), development: true })
      app.addHook('onRequest', () => undefined)
      app.get('/users/:id', async () => undefined)
      const res = await t.request(app, { url: '/users/7' })
      assertProblem(res, { status: 500, code: 'VEC_ERR_NO_RESPONSE' })
      assert.match(res.json().detail, /GET \/users\/:id returned undefined/)
    })

    it('sends arrays, numbers and null as JSON', async () => {
      const app = createApp()
      app.get('/array', () => [1, 'two'])
      app.get('/number', () => 42)
      app.get('/null', () => null)
      for (const [url, expected] of [
        ['/array', [1, 'two']],
        ['/number', 42],
        ['/null', null],
      ] as const) {
        const res = await t.request(app, { url })
        assert.match(res.headers['content-type'], /^application\/json\b/, url)
        assert.deepEqual(res.json(), expected, url)
      }
    })

    it('sends a returned Buffer as application/octet-stream', async () => {
      const app = createApp()
      app.get('/bin', () => Buffer.from([1, 2, 3]))
      const res = await t.request(app, { url: '/bin' })
      assert.equal(res.headers['content-type'], 'application/octet-stream')
      assert.deepEqual([...res.body], [1, 2, 3])
    })

    it('sends reply.json with the given status and headers', async () => {
      const app = createApp()
      app.post('/users', () => reply.json({ id: 7 }, { status: 201, headers: { location: '/users/7', 'x-trace': 'abc' } }))
      const res = await t.request(app, { method: 'POST', url: '/users' })
      assert.equal(res.status, 201)
      assert.equal(res.headers.location, '/users/7')
      assert.equal(res.headers['x-trace'], 'abc')
      assert.deepEqual(res.json(), { id: 7 })
    })

    it('sends reply.text and reply.html with their content types', async () => {
      const app = createApp()
      app.get('/text', () => reply.text('plain', { status: 202 }))
      app.get('/html', () => reply.html('<p>hi</p>'))
      const text = await t.request(app, { url: '/text' })
      assert.equal(text.status, 202)
      assert.match(text.headers['content-type'], /^text\/plain\b/)
      assert.equal(text.text(), 'plain')
      const html = await t.request(app, { url: '/html' })
      assert.match(html.headers['content-type'], /^text\/html\b/)
      assert.equal(html.text(), '<p>hi</p>')
    })

    it('redirects with 302 by default and with the given 3xx status', async () => {
      const app = createApp()
      app.get('/old', () => reply.redirect('/new'))
      app.get('/moved', () => reply.redirect('https://example.test/x', 301))
      const found = await t.request(app, { url: '/old' })
      assert.equal(found.status, 302)
      assert.equal(found.headers.location, '/new')
      const moved = await t.request(app, { url: '/moved' })
      assert.equal(moved.status, 301)
      assert.equal(moved.headers.location, 'https://example.test/x')
    })

    it('sends reply.empty() as 204 with no body', async () => {
      const app = createApp()
      app.post('/ping', () => reply.empty())
      const res = await t.request(app, { method: 'POST', url: '/ping' })
      assert.equal(res.status, 204)
      assert.equal(res.body.length, 0)
    })

    it('builds a reply with reply.status(n).header(k, v) and a body method', async () => {
      const app = createApp()
      app.get('/teapot', () => reply.status(418).header('x-brew', 'earl grey').text('short and stout'))
      const res = await t.request(app, { url: '/teapot' })
      assert.equal(res.status, 418)
      assert.equal(res.headers['x-brew'], 'earl grey')
      assert.equal(res.text(), 'short and stout')
    })
  })
})
