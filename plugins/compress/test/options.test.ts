/**
 * @module plugins/compress/test/options — configuration: what register() refuses (each CompressError code), what the
 * levels and encodings change, zstd offered exactly where node:zlib has it, where the hook sits in the pipeline and
 * the scope it covers.
 */
import assert from 'node:assert/strict'
import zlib from 'node:zlib'
import { type CompressOptions, CompressError, compress, supportedEncodings } from '@vectora/compress'
import { createTestApp, forEachTransport, useCleanup } from 'vectora/testing'
import { createCodec, supportedEncodingsOf, type ZlibFunctions } from '../src/codecs.js'
import { createNegotiator } from '../src/negotiate.js'
import { resolveCompress } from '../src/options.js'
import { compressApp, decoded, HAS_ZSTD, text } from './support.js'

/** For assert.throws: the register() error whose cause is a CompressError with `code` and a message matching `pattern`. */
function refused(code: string, pattern: RegExp) {
  return (error: any): boolean => {
    assert.equal(error?.code, 'VEC_ERR_PLUGIN_SETUP_FAILED', String(error))
    assert.ok(error.cause instanceof CompressError, `cause: ${error.cause}`)
    assert.equal(error.cause.code, code)
    assert.match(error.cause.message, /^@vectora\/compress: /)
    assert.match(error.cause.message, pattern)
    return true
  }
}

function register(options: unknown): void {
  createTestApp().register(compress, options as CompressOptions)
}

/** node:zlib with zstd functions added, as on Node 22.15+: gzip underneath, so the codec can be exercised here. */
function zlibWithZstd(calls: string[]): ZlibFunctions {
  const real = zlib as unknown as ZlibFunctions
  return {
    ...real,
    constants: { ...real.constants, ZSTD_c_compressionLevel: 100, ZSTD_e_continue: 0, ZSTD_e_flush: 1 },
    zstdCompressSync: (body, options) => {
      calls.push(`sync ${JSON.stringify(options)}`)
      return zlib.gzipSync(body)
    },
    zstdCompress: (body, _options, callback) => zlib.gzip(body, callback),
    createZstdCompress: (options) => {
      calls.push(`stream ${JSON.stringify(options)}`)
      return zlib.createGzip() as never
    },
  }
}

describe('@vectora/compress: configuration', () => {
  useCleanup()

  it('registers with no options at all', () => {
    assert.doesNotThrow(() => createTestApp().register(compress))
  })

  it('refuses options that are not an object', () => {
    for (const options of [null, 'gzip', 5, ['br']]) assert.throws(() => register(options), refused('COMPRESS_OPTION_INVALID', /options are an object/))
  })

  it('refuses an unknown option, and names ours for what other middlewares call it', () => {
    assert.throws(() => register({ treshold: 10 }), refused('COMPRESS_OPTION_UNKNOWN', /no option "treshold".*Known options: encodings, threshold/))
    assert.throws(() => register({ level: 9 }), refused('COMPRESS_OPTION_UNKNOWN', /Write gzipLevel/))
    assert.throws(() => register({ minSize: 10 }), refused('COMPRESS_OPTION_UNKNOWN', /Write threshold/))
    assert.throws(() => register({ encoding: ['br'] }), refused('COMPRESS_OPTION_UNKNOWN', /Write encodings/))
  })

  it('refuses levels and thresholds out of range or not whole numbers', () => {
    for (const [options, pattern] of [
      [{ threshold: -1 }, /threshold is a whole number of bytes >= 0, got number -1/],
      [{ threshold: 1.5 }, /threshold/],
      [{ threshold: '1kb' }, /threshold .* got "1kb"/],
      [{ brotliQuality: 12 }, /brotliQuality is a whole number from 0 to 11/],
      [{ gzipLevel: 0 }, /gzipLevel is a whole number from 1 to 9/],
      [{ gzipLevel: 10 }, /gzipLevel/],
      [{ zstdLevel: 20 }, /zstdLevel is a whole number from 1 to 19/],
      [{ zstdLevel: Number.NaN }, /zstdLevel/],
    ] as const) {
      assert.throws(() => register(options), refused('COMPRESS_OPTION_INVALID', pattern), JSON.stringify(options))
    }
  })

  it('refuses an encodings list that is empty, repeats a coding or names one the plugin does not produce', () => {
    assert.throws(() => register({ encodings: [] }), refused('COMPRESS_OPTION_INVALID', /non-empty list .*do not register the plugin/))
    assert.throws(() => register({ encodings: 'br' }), refused('COMPRESS_OPTION_INVALID', /non-empty list/))
    assert.throws(() => register({ encodings: ['br', 'br'] }), refused('COMPRESS_OPTION_INVALID', /lists 'br' twice/))
    assert.throws(() => register({ encodings: ['compress'] }), refused('COMPRESS_OPTION_INVALID', /"compress" is not a coding the plugin produces/))
    assert.throws(() => register({ encodings: ['x-gzip'] }), refused('COMPRESS_OPTION_INVALID', /Write 'gzip'/))
    assert.throws(() => register({ encodings: ['identity'] }), refused('COMPRESS_OPTION_INVALID', /always possible/))
  })

  it('refuses a filter that is not a function', () => {
    assert.throws(() => register({ filter: 'text/*' }), refused('COMPRESS_OPTION_INVALID', /filter is a function/))
  })

  it('offers zstd only where node:zlib has it', () => {
    assert.deepEqual(supportedEncodingsOf(zlib as unknown as ZlibFunctions), supportedEncodings())
    assert.equal(supportedEncodings().includes('zstd'), HAS_ZSTD)
    // A zlib without the zstd functions (Node 20): no zstd, and asking for it is refused at register().
    const { zstdCompressSync: _a, zstdCompress: _b, createZstdCompress: _c, ...without } = zlibWithZstd([])
    assert.deepEqual(supportedEncodingsOf(without as ZlibFunctions), ['br', 'gzip', 'deflate'])
    assert.throws(
      () => resolveCompress({ encodings: ['zstd', 'gzip'] }, without as ZlibFunctions),
      (error: any) => error instanceof CompressError && error.code === 'COMPRESS_ENCODING_UNAVAILABLE' && /zstd needs Node 22\.15/.test(error.message),
    )
    // One with them (Node 22.15+): zstd by default, second after br, at the level given.
    const calls: string[] = []
    const withZstd = zlibWithZstd(calls)
    assert.deepEqual(supportedEncodingsOf(withZstd), ['br', 'zstd', 'gzip', 'deflate'])
    const config = resolveCompress({ zstdLevel: 7 }, withZstd)
    assert.deepEqual(config.encodings, ['br', 'zstd', 'gzip', 'deflate'])
    const negotiate = createNegotiator(config.encodings)
    assert.equal(negotiate('zstd, gzip'), 'zstd')
    assert.equal(negotiate('gzip, deflate, br, zstd'), 'br')
    config.codecs.get('zstd')!.sync('x'.repeat(100), 100)
    config.codecs.get('zstd')!.stream(true).destroy()
    assert.deepEqual(calls, ['sync {"params":{"100":7}}', 'stream {"params":{"100":7},"flush":1}'])
  })

  it('refuses zstd at register() on this Node unless node:zlib has it, and then produces it', async () => {
    if (!HAS_ZSTD) {
      assert.throws(() => register({ encodings: ['zstd', 'gzip'] }), refused('COMPRESS_ENCODING_UNAVAILABLE', /has no zstd/))
      return
    }
    const app = compressApp({ encodings: ['zstd', 'gzip'] })
    app.get('/page', () => text(5000))
    const res = await app.inject({ url: '/page', headers: { 'accept-encoding': 'zstd' } })
    assert.equal(res.headers['content-encoding'], 'zstd')
    assert.equal(decoded(res).toString(), text(5000))
  })

  it('puts its one hook last in onSend (stage 10 000), after the default stage and the other plugins', async () => {
    const app = compressApp()
    app.addHook('onSend', () => undefined, { name: 'mine' })
    app.get('/x', () => 'x')
    await app.ready()
    assert.deepEqual(
      app.pipeline('GET', '/x').map(({ phase, plugin, name, stage }) => ({ phase, plugin, name, stage })),
      [
        { phase: 'onSend', plugin: 'app', name: 'mine', stage: 0 },
        { phase: 'onSend', plugin: '@vectora/compress', name: 'compress', stage: 10_000 },
      ],
    )
  })

  it('makes the gzip level and the brotli quality what the codecs use', () => {
    const body = text(50_000)
    const levels = (gzipLevel: number, brotliQuality: number) => ({ gzipLevel, brotliQuality, zstdLevel: 3 })
    // The gzip header's XFL byte says which extreme of levels made the member: 4 for level 1, 2 for level 9.
    assert.equal(createCodec('gzip', levels(1, 4)).sync(body, body.length)[8], 4)
    assert.equal(createCodec('gzip', levels(9, 4)).sync(body, body.length)[8], 2)
    const q0 = createCodec('br', levels(6, 0)).sync(body, body.length)
    const q9 = createCodec('br', levels(6, 9)).sync(body, body.length)
    assert.ok(q9.length < q0.length, `quality 9 (${q9.length} bytes) beats quality 0 (${q0.length})`)
    assert.equal(zlib.brotliDecompressSync(q9).toString(), body)
  })
})

describe('@vectora/compress: scope', () => {
  forEachTransport((t) => {
    it('compresses only the replies of the group it is registered in', async () => {
      const app = createTestApp()
      const body = text(3000)
      app.group('/api', (api) => {
        api.register(compress)
        api.get('/items', () => body)
      })
      app.get('/page', () => body)
      const inside = await t.request(app, { url: '/api/items', headers: { 'accept-encoding': 'gzip' } })
      assert.equal(inside.headers['content-encoding'], 'gzip')
      assert.equal(decoded(inside).toString(), body)
      const outside = await t.request(app, { url: '/page', headers: { 'accept-encoding': 'gzip' } })
      assert.deepEqual([outside.headers['content-encoding'], outside.headers.vary, outside.text()], [undefined, undefined, body])
    })
  })
})
