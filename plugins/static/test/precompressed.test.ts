/**
 * @module plugins/static/test/precompressed — `x.br` / `x.gz` served in place of `x` to clients that accept them, by
 * Accept-Encoding q-values, through both transports: Content-Encoding, the original's Content-Type, Vary, an ETag per
 * representation, 304 and ranges of a variant; and what is no variant (a folder, a symlink out of the root).
 */
import assert from 'node:assert/strict'
import { brotliDecompressSync, gunzipSync } from 'node:zlib'
import { forEachTransport } from 'vectora/testing'
import { APP_JS, staticApp } from './support.js'

const JS_TYPE = 'text/javascript; charset=utf-8'

describe('@vectora/static: precompressed variants', () => {
  forEachTransport((t) => {
    it('prefers br when br and gzip are both accepted, with the original type and Vary', async () => {
      const res = await t.request(staticApp(), { url: '/app.js', headers: { 'accept-encoding': 'gzip, deflate, br, zstd' } })
      assert.equal(res.status, 200)
      assert.equal(res.headers['content-encoding'], 'br')
      assert.equal(res.headers['content-type'], JS_TYPE)
      assert.equal(res.headers.vary, 'Accept-Encoding')
      assert.equal(brotliDecompressSync(res.body).toString(), APP_JS)
      assert.ok(res.body.length < Buffer.byteLength(APP_JS))
      assert.equal(res.headers['content-length'], String(res.body.length))
    })

    it('serves gzip to a client that accepts gzip only (x-gzip too)', async () => {
      const app = staticApp()
      for (const accept of ['gzip', 'x-gzip', 'GZIP;q=0.5']) {
        const res = await t.request(app, { url: '/app.js', headers: { 'accept-encoding': accept } })
        assert.equal(res.headers['content-encoding'], 'gzip', accept)
        assert.equal(res.headers['content-type'], JS_TYPE)
        assert.equal(gunzipSync(res.body).toString(), APP_JS)
      }
    })

    it('follows q-values: gzip;q=1 beats br;q=0.5, and br;q=0 is refused', async () => {
      const app = staticApp()
      const ranked = await t.request(app, { url: '/app.js', headers: { 'accept-encoding': 'br;q=0.5, gzip;q=1' } })
      assert.equal(ranked.headers['content-encoding'], 'gzip')
      const refused = await t.request(app, { url: '/app.js', headers: { 'accept-encoding': 'br;q=0, gzip' } })
      assert.equal(refused.headers['content-encoding'], 'gzip')
      const onlyRefused = await t.request(app, { url: '/app.js', headers: { 'accept-encoding': 'br;q=0' } })
      assert.equal(onlyRefused.headers['content-encoding'], undefined)
      assert.equal(onlyRefused.text(), APP_JS)
    })

    it('uses * for codings not listed: *;q=0 refuses them, * alone accepts them', async () => {
      const app = staticApp()
      const star = await t.request(app, { url: '/app.js', headers: { 'accept-encoding': '*' } })
      assert.equal(star.headers['content-encoding'], 'br')
      const starZero = await t.request(app, { url: '/app.js', headers: { 'accept-encoding': 'gzip, *;q=0' } })
      assert.equal(starZero.headers['content-encoding'], 'gzip')
    })

    it('sends the file as it is without Accept-Encoding, with an empty one, or when identity ranks higher', async () => {
      const app = staticApp()
      for (const headers of [{}, { 'accept-encoding': '' }, { 'accept-encoding': 'identity' }, { 'accept-encoding': 'br;q=0.2, identity;q=1' }]) {
        const res = await t.request(app, { url: '/app.js', headers })
        assert.equal(res.headers['content-encoding'], undefined, JSON.stringify(headers))
        assert.equal(res.headers.vary, 'Accept-Encoding', 'the identity reply of a file with variants varies too')
        assert.equal(res.text(), APP_JS)
        assert.equal(res.headers['content-type'], JS_TYPE)
      }
    })

    it('falls back to the variant that exists: gzip for a file with only a .gz', async () => {
      const res = await t.request(staticApp(), { url: '/style.css', headers: { 'accept-encoding': 'br, gzip' } })
      assert.equal(res.headers['content-encoding'], 'gzip')
      assert.equal(res.headers['content-type'], 'text/css; charset=utf-8')
      const onlyBr = await t.request(staticApp(), { url: '/style.css', headers: { 'accept-encoding': 'br' } })
      assert.equal(onlyBr.headers['content-encoding'], undefined)
      assert.equal(onlyBr.headers.vary, 'Accept-Encoding')
    })

    it('serves the variant of an index file', async () => {
      const res = await t.request(staticApp(), { url: '/docs/', headers: { 'accept-encoding': 'br' } })
      assert.equal(res.headers['content-encoding'], 'br')
      assert.equal(res.headers['content-type'], 'text/html; charset=utf-8')
      assert.equal(brotliDecompressSync(res.body).toString(), '<h1>docs</h1>')
    })

    it('adds no Vary to a file without variants', async () => {
      const res = await t.request(staticApp(), { url: '/hello.txt', headers: { 'accept-encoding': 'br, gzip' } })
      assert.equal(res.headers['content-encoding'], undefined)
      assert.equal(res.headers.vary, undefined)
    })

    it('takes neither a folder named x.br nor a variant symlinked out of the root', async () => {
      const app = staticApp()
      const folder = await t.request(app, { url: '/plain.txt', headers: { 'accept-encoding': 'br' } })
      assert.equal(folder.headers['content-encoding'], undefined)
      assert.equal(folder.text(), 'plain')
      const escaping = await t.request(app, { url: '/escape.js', headers: { 'accept-encoding': 'br' } })
      assert.equal(escaping.headers['content-encoding'], undefined)
      assert.equal(escaping.text(), 'escape')
    })

    it('gives each representation its own ETag, and answers If-None-Match with the variant 304', async () => {
      const app = staticApp()
      const identity = await t.request(app, { url: '/app.js' })
      const br = await t.request(app, { url: '/app.js', headers: { 'accept-encoding': 'br' } })
      const gzip = await t.request(app, { url: '/app.js', headers: { 'accept-encoding': 'gzip' } })
      assert.match(br.headers.etag ?? '', /-br"$/)
      assert.match(gzip.headers.etag ?? '', /-gzip"$/)
      assert.equal(new Set([identity.headers.etag, br.headers.etag, gzip.headers.etag]).size, 3)
      const revalidated = await t.request(app, { url: '/app.js', headers: { 'accept-encoding': 'br', 'if-none-match': br.headers.etag! } })
      assert.equal(revalidated.status, 304)
      assert.equal(revalidated.headers.vary, 'Accept-Encoding')
      assert.equal(revalidated.headers.etag, br.headers.etag)
      const otherRepresentation = await t.request(app, { url: '/app.js', headers: { 'accept-encoding': 'gzip', 'if-none-match': br.headers.etag! } })
      assert.equal(otherRepresentation.status, 200)
    })

    it('serves a range of the variant (the bytes of the encoded representation)', async () => {
      const app = staticApp()
      const whole = await t.request(app, { url: '/app.js', headers: { 'accept-encoding': 'gzip' } })
      const part = await t.request(app, { url: '/app.js', headers: { 'accept-encoding': 'gzip', range: 'bytes=0-9' } })
      assert.equal(part.status, 206)
      assert.equal(part.headers['content-encoding'], 'gzip')
      assert.equal(part.headers['content-range'], `bytes 0-9/${whole.body.length}`)
      assert.deepEqual(part.body, whole.body.subarray(0, 10))
    })

    it('serves no variant with preCompressed: false, and no Vary', async () => {
      const res = await t.request(staticApp({ preCompressed: false }), { url: '/app.js', headers: { 'accept-encoding': 'br, gzip' } })
      assert.equal(res.headers['content-encoding'], undefined)
      assert.equal(res.headers.vary, undefined)
      assert.equal(res.text(), APP_JS)
    })

    it('serves a variant file asked for by its own name as a plain file', async () => {
      const res = await t.request(staticApp(), { url: '/app.js.gz' })
      assert.equal(res.status, 200)
      assert.equal(res.headers['content-encoding'], undefined)
      assert.equal(gunzipSync(res.body).toString(), APP_JS)
    })
  })
})
