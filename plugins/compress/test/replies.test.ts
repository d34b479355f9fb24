/**
 * @module plugins/compress/test/replies — which whole-body replies (strings, Buffers, JSON, errors) are compressed
 * and which are left alone: the threshold, the type, `Cache-Control: no-transform`, a Content-Encoding already set,
 * HEAD, 204 and 304, bodies that would not shrink; how Vary is merged and when it is added; the filter. Through
 * app.inject() and a real socket, every reply decompressed with node:zlib.
 */
import assert from 'node:assert/strict'
import zlib from 'node:zlib'
import { isCompressibleType } from '@vectora/compress'
import { HttpError, Reply, reply } from 'vectora'
import { assertProblem, forEachTransport } from 'vectora/testing'
import { compressApp, decoded, ENCODINGS, noise, text } from './support.js'

const GZIP = { 'accept-encoding': 'gzip' }
const ALL = { 'accept-encoding': 'gzip, deflate, br, zstd' }

describe('@vectora/compress: whole-body replies', () => {
  forEachTransport((t) => {
    it('compresses a string, a Buffer, JSON and HTML with every coding, and each decompresses to the bytes the handler gave', async () => {
      const app = compressApp()
      const page = text(5000)
      const bytes = Buffer.from(text(3000, 7))
      const json = Array.from({ length: 100 }, (_, id) => ({ id, name: `user ${id}`, email: `user${id}@example.com` }))
      app.get('/text', () => page)
      app.get('/bytes', () => bytes)
      app.get('/json', () => json)
      app.get('/html', () => reply.html(`<ul>${page}</ul>`, { status: 201 }))
      for (const encoding of ENCODINGS) {
        const headers = { 'accept-encoding': encoding }
        for (const [url, expected] of [
          ['/text', Buffer.from(page)],
          ['/bytes', bytes],
          ['/json', Buffer.from(JSON.stringify(json))],
          ['/html', Buffer.from(`<ul>${page}</ul>`)],
        ] as const) {
          const res = await t.request(app, { url, headers })
          assert.equal(res.headers['content-encoding'], encoding, `${url} ${encoding}`)
          assert.equal(res.headers.vary, 'Accept-Encoding')
          assert.equal(res.headers['content-length'], String(res.body.length), 'the kernel sends the compressed length')
          assert.ok(res.body.length < expected.length / 2)
          assert.deepEqual(decoded(res), expected)
        }
      }
      assert.equal((await t.request(app, { url: '/html', headers: GZIP })).status, 201)
    })

    it('compresses a body above 64 KiB (on the thread pool) just as correctly', async () => {
      const app = compressApp()
      const big = text(300_000, 3)
      app.get('/big', () => big)
      for (const encoding of ENCODINGS) {
        const res = await t.request(app, { url: '/big', headers: { 'accept-encoding': encoding } })
        assert.equal(res.headers['content-encoding'], encoding)
        assert.equal(decoded(res).toString(), big)
      }
    })

    it('sends a body under the threshold (default 1024 bytes) as it is, without Vary; at the threshold it compresses', async () => {
      const app = compressApp()
      app.get('/small', () => 'x'.repeat(1023))
      app.get('/edge', () => 'x'.repeat(1024))
      app.get('/utf8', () => 'é'.repeat(512)) // 512 characters, 1024 bytes: the threshold counts bytes
      const small = await t.request(app, { url: '/small', headers: ALL })
      assert.equal(small.headers['content-encoding'], undefined)
      assert.equal(small.headers.vary, undefined, 'the answer does not depend on Accept-Encoding')
      assert.equal(small.text(), 'x'.repeat(1023))
      const edge = await t.request(app, { url: '/edge', headers: ALL })
      assert.equal(edge.headers['content-encoding'], 'br')
      assert.equal(decoded(edge).toString(), 'x'.repeat(1024))
      assert.equal((await t.request(app, { url: '/utf8', headers: ALL })).headers['content-encoding'], 'br')
    })

    it('follows the threshold option: 0 compresses any non-empty body, a large one keeps mid-sized bodies as they are', async () => {
      const zero = compressApp({ threshold: 0 })
      zero.get('/tiny', () => 'hello '.repeat(20))
      zero.get('/empty', () => '')
      const tiny = await t.request(zero, { url: '/tiny', headers: GZIP })
      assert.equal(tiny.headers['content-encoding'], 'gzip')
      assert.equal(decoded(tiny).toString(), 'hello '.repeat(20))
      const empty = await t.request(zero, { url: '/empty', headers: GZIP })
      assert.equal(empty.headers['content-encoding'], undefined, 'no body, nothing to compress')
      assert.equal(empty.body.length, 0)
      const large = compressApp({ threshold: 10_000 })
      large.get('/mid', () => text(9999))
      assert.equal((await t.request(large, { url: '/mid', headers: GZIP })).headers['content-encoding'], undefined)
    })

    it('adds Vary: Accept-Encoding to a compressible reply even when this client accepts no coding', async () => {
      const app = compressApp()
      const page = text(2000)
      app.get('/page', () => page)
      for (const headers of [{}, { 'accept-encoding': 'identity' }, { 'accept-encoding': 'compress' }]) {
        const res = await t.request(app, { url: '/page', headers })
        assert.equal(res.headers['content-encoding'], undefined)
        assert.equal(res.headers.vary, 'Accept-Encoding')
        assert.equal(res.text(), page)
      }
    })

    it('leaves already compressed types alone (image/png, application/zip, application/pdf), without Vary', async () => {
      const app = compressApp()
      const png = Buffer.concat([Buffer.from('89504e470d0a1a0a', 'hex'), Buffer.alloc(4000)]) // compressible bytes, but a PNG
      app.get('/png', () => new Reply(200, png, { 'content-type': 'image/png' }))
      app.get('/zip', () => new Reply(200, png, { 'content-type': 'application/zip' }))
      app.get('/pdf', () => new Reply(200, png, { 'content-type': 'application/pdf' }))
      for (const url of ['/png', '/zip', '/pdf']) {
        const res = await t.request(app, { url, headers: ALL })
        assert.equal(res.headers['content-encoding'], undefined, url)
        assert.equal(res.headers.vary, undefined, url)
        assert.deepEqual(res.body, png)
      }
    })

    it('compresses types mime-db does not know by shape (text/*, +json, +xml), and leaves other unknown types and a missing Content-Type alone', async () => {
      const app = compressApp()
      const body = text(3000)
      const typed = (type: string) => () => new Reply(200, body, { 'content-type': type })
      app.get('/calendar', typed('text/calendar'))
      app.get('/custom-json', typed('application/vnd.acme.order+json; charset=utf-8'))
      app.get('/custom-xml', typed('application/x-acme+xml'))
      app.get('/unknown', typed('application/x-acme-binary'))
      app.get('/untyped', () => new Reply(200, body))
      for (const url of ['/calendar', '/custom-json', '/custom-xml']) {
        const res = await t.request(app, { url, headers: GZIP })
        assert.equal(res.headers['content-encoding'], 'gzip', url)
        assert.equal(decoded(res).toString(), body)
      }
      for (const url of ['/unknown', '/untyped']) {
        const res = await t.request(app, { url, headers: GZIP })
        assert.equal(res.headers['content-encoding'], undefined, url)
        assert.equal(res.text(), body)
      }
    })

    it('never touches a reply with Cache-Control: no-transform, in any position of any Cache-Control field', async () => {
      const app = compressApp()
      const body = text(3000)
      app.get('/a', () => reply.text(body, { headers: { 'cache-control': 'no-transform' } }))
      app.get('/b', () => reply.text(body, { headers: { 'cache-control': 'public, max-age=60, No-Transform' } }))
      app.get('/c', () => reply.text(body, { headers: { 'cache-control': ['private', 'no-transform'] } }))
      app.get('/d', () => reply.text(body, { headers: { 'cache-control': 'x-no-transform-please' } }))
      for (const url of ['/a', '/b', '/c']) {
        const res = await t.request(app, { url, headers: ALL })
        assert.equal(res.headers['content-encoding'], undefined, url)
        assert.equal(res.headers.vary, undefined, url)
        assert.equal(res.text(), body)
      }
      assert.equal((await t.request(app, { url: '/d', headers: ALL })).headers['content-encoding'], 'br', 'another directive that only contains the word')
    })

    it('leaves a reply that has a Content-Encoding already as it is (a precompressed body is not compressed twice)', async () => {
      const app = compressApp()
      const body = text(5000)
      const gzipped = zlib.gzipSync(body)
      app.get('/pre', () => new Reply(200, gzipped, { 'content-type': 'text/plain', 'content-encoding': 'gzip', vary: 'Accept-Encoding' }))
      app.get('/identity', () => new Reply(200, body, { 'content-type': 'text/plain', 'content-encoding': 'identity' }))
      const res = await t.request(app, { url: '/pre', headers: { 'accept-encoding': 'br, gzip' } })
      assert.equal(res.headers['content-encoding'], 'gzip')
      assert.deepEqual(res.body, gzipped)
      assert.equal(decoded(res).toString(), body)
      assert.equal((await t.request(app, { url: '/identity', headers: ALL })).text(), body)
    })

    it('answers HEAD with the headers of the identity reply and its length, never a Content-Encoding', async () => {
      const app = compressApp()
      const body = text(5000)
      app.get('/page', () => body)
      const res = await t.request(app, { method: 'HEAD', url: '/page', headers: ALL })
      assert.equal(res.status, 200)
      assert.equal(res.headers['content-encoding'], undefined)
      assert.equal(res.headers.vary, undefined)
      assert.equal(res.headers['content-length'], String(Buffer.byteLength(body)))
      assert.equal(res.body.length, 0)
    })

    it('leaves 204 and 304 replies, a 206 and any reply with a Content-Range as they are', async () => {
      const app = compressApp({ threshold: 0 })
      const body = text(3000)
      app.get('/204', () => reply.empty())
      app.get('/304', () => new Reply(304, undefined, { etag: '"v1"' }))
      app.get('/206', () => new Reply(206, body, { 'content-type': 'text/plain', 'content-range': `bytes 0-2999/9000` }))
      app.get('/range', () => new Reply(200, body, { 'content-type': 'text/plain', 'content-range': `bytes 0-2999/9000` }))
      const noContent = await t.request(app, { url: '/204', headers: ALL })
      assert.equal(noContent.status, 204)
      assert.deepEqual([noContent.headers['content-encoding'], noContent.headers.vary], [undefined, undefined])
      const notModified = await t.request(app, { url: '/304', headers: ALL })
      assert.equal(notModified.status, 304)
      assert.deepEqual([notModified.headers['content-encoding'], notModified.headers.vary, notModified.headers.etag], [undefined, undefined, '"v1"'])
      // Revalidating the weak ETag a compressed 200 had: the 304 says what that 200 said.
      const weak = await t.request(app, { url: '/304', headers: { ...ALL, 'if-none-match': '"v0", W/"v1"' } })
      assert.deepEqual([weak.status, weak.headers.etag, weak.headers.vary, weak.headers['content-encoding']], [304, 'W/"v1"', 'Accept-Encoding', undefined])
      for (const url of ['/206', '/range']) {
        const res = await t.request(app, { url, headers: ALL })
        assert.equal(res.headers['content-encoding'], undefined, url)
        assert.equal(res.text(), body)
      }
    })

    it('sends a body that compression would not shrink as it is (with Vary: the answer still depends on the header)', async () => {
      const app = compressApp()
      const random = noise(8000)
      app.get('/noise', () => random) // application/octet-stream, which mime-db calls compressible
      for (const encoding of ENCODINGS) {
        const res = await t.request(app, { url: '/noise', headers: { 'accept-encoding': encoding } })
        assert.equal(res.headers['content-encoding'], undefined, encoding)
        assert.equal(res.headers.vary, 'Accept-Encoding')
        assert.deepEqual(res.body, random)
      }
    })

    it('merges Accept-Encoding into the Vary the handler or another hook set, never twice, and leaves Vary: * alone', async () => {
      const app = compressApp()
      const body = text(2000)
      app.addHook('onSend', (res, req) => {
        if (req.path === '/hooked') res.header('vary', 'Accept-Language')
      })
      app.get('/origin', () => reply.text(body, { headers: { vary: 'Origin' } }))
      app.get('/repeated', () => reply.text(body, { headers: { vary: ['Origin', 'Cookie'] } }))
      app.get('/already', () => reply.text(body, { headers: { vary: 'accept-encoding, Origin' } }))
      app.get('/star', () => reply.text(body, { headers: { vary: '*' } }))
      app.get('/hooked', () => body)
      const vary = async (url: string) => {
        const res = await t.request(app, { url, headers: GZIP })
        assert.equal(res.headers['content-encoding'], 'gzip', url)
        assert.equal(decoded(res).toString(), body)
        return res.headerLines('vary')
      }
      assert.deepEqual(await vary('/origin'), ['Origin, Accept-Encoding'])
      assert.deepEqual(await vary('/repeated'), ['Origin, Cookie, Accept-Encoding'])
      assert.deepEqual(await vary('/already'), ['accept-encoding, Origin'])
      assert.deepEqual(await vary('/star'), ['*'])
      assert.deepEqual(await vary('/hooked'), ['Accept-Language, Accept-Encoding'])
    })

    it('compresses error replies too: a problem+json from a thrown HttpError and the 404 of an unknown path', async () => {
      const app = compressApp({ threshold: 0 })
      app.get('/boom', () => {
        throw new HttpError(409, `conflict: ${'x'.repeat(2000)}`, { code: 'ORDER_CONFLICT' })
      })
      const res = await t.request(app, { url: '/boom', headers: GZIP })
      assert.equal(res.headers['content-encoding'], 'gzip')
      const problem = { status: res.status, headers: res.headers, json: () => JSON.parse(decoded(res).toString()) }
      assertProblem(problem, { status: 409, code: 'ORDER_CONFLICT', instance: '/boom' })
      const missing = await t.request(app, { url: '/nope', headers: GZIP })
      assert.equal(missing.headers['content-encoding'], 'gzip')
      assertProblem({ status: missing.status, headers: missing.headers, json: () => JSON.parse(decoded(missing).toString()) }, { status: 404 })
      assert.deepEqual(app.logger.errors(), [])
    })

    it('asks the filter, with the media type, the reply and the request, whether to compress', async () => {
      const seen: string[] = []
      const app = compressApp({
        filter: (type, res, req) => {
          seen.push(`${type} ${res.status} ${req.path}`)
          return req.path !== '/secret' && (type === 'application/x-ndjson' || isCompressibleType(type))
        },
      })
      const body = text(3000)
      app.get('/ndjson', () => new Reply(200, body, { 'content-type': 'Application/X-NDJSON; charset=utf-8' }))
      app.get('/secret', () => body)
      app.get('/small', () => 'tiny')
      const ndjson = await t.request(app, { url: '/ndjson', headers: GZIP })
      assert.equal(ndjson.headers['content-encoding'], 'gzip')
      assert.equal(decoded(ndjson).toString(), body)
      const secret = await t.request(app, { url: '/secret', headers: GZIP })
      assert.deepEqual([secret.headers['content-encoding'], secret.headers.vary], [undefined, undefined])
      assert.equal(secret.text(), body)
      await t.request(app, { url: '/small', headers: GZIP })
      assert.deepEqual(seen, ['application/x-ndjson 200 /ndjson', 'text/plain 200 /secret'], 'not asked for a body under the threshold')
    })

    it('drops Accept-Ranges and makes a strong ETag weak on a compressed reply; a weak one stays as it is', async () => {
      const app = compressApp()
      const body = text(3000)
      app.get('/strong', () => reply.text(body, { headers: { etag: '"v1"', 'accept-ranges': 'bytes' } }))
      app.get('/weak', () => reply.text(body, { headers: { etag: 'W/"v2"' } }))
      const strong = await t.request(app, { url: '/strong', headers: GZIP })
      assert.equal(strong.headers.etag, 'W/"v1"')
      assert.equal(strong.headers['accept-ranges'], undefined)
      assert.equal((await t.request(app, { url: '/weak', headers: GZIP })).headers.etag, 'W/"v2"')
      const identity = await t.request(app, { url: '/strong' })
      assert.deepEqual([identity.headers.etag, identity.headers['accept-ranges']], ['"v1"', 'bytes'], 'the identity reply keeps both')
    })
  })
})
