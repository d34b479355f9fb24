/**
 * @module plugins/compress/test/support — what the compression suites share: a test app with the plugin, bodies
 * that compress (and one that does not), and `decoded(res)`, which undoes the response's Content-Encoding with
 * node:zlib — every suite checks its compressed replies through it.
 */
import assert from 'node:assert/strict'
import zlib from 'node:zlib'
import { type CompressOptions, compress } from '@vectora/compress'
import { createTestApp, type TestApp } from 'vectora/testing'

/** What `decoded` reads of a response: both transports' responses fit. */
export interface EncodedResponse {
  readonly headers: Readonly<Record<string, string>>
  readonly body: Buffer
}

/** A test app (closed after the test) with the plugin registered app-wide. */
export function compressApp(options?: CompressOptions): TestApp {
  const app = createTestApp()
  app.register(compress, options)
  return app
}

/**
 * `length` bytes of text that compresses like real JSON or HTML does (about 5:1), the same every run: words
 * drawn by a fixed xorshift generator.
 */
export function text(length: number, seed = 1): string {
  const words = ['vectora', 'kernel', 'reply', 'stream', 'hook', 'compress', 'gzip', 'brotli', 'plugin', 'request', '{"id":', '},', '<li>', '</li>']
  let state = seed
  let out = ''
  while (out.length < length) {
    state ^= state << 13
    state ^= state >>> 17
    state ^= state << 5
    out += `${words[(state >>> 0) % words.length]} `
  }
  return out.slice(0, length)
}

/** `length` bytes no coding can make smaller (a fixed xorshift sequence: looks random to every compressor). */
export function noise(length: number): Buffer {
  const out = Buffer.alloc(length)
  let state = 0x9e3779b9
  for (let i = 0; i < length; i++) {
    state ^= state << 13
    state ^= state >>> 17
    state ^= state << 5
    out[i] = state & 0xff
  }
  return out
}

/** The body with its Content-Encoding undone by node:zlib (as it is when there is none). Fails on a coding it does not know. */
export function decoded(res: EncodedResponse): Buffer {
  const encoding = res.headers['content-encoding']
  switch (encoding) {
    case undefined:
      return res.body
    case 'gzip':
      return zlib.gunzipSync(res.body)
    case 'deflate':
      return zlib.inflateSync(res.body)
    case 'br':
      return zlib.brotliDecompressSync(res.body)
    case 'zstd':
      return (zlib as unknown as { zstdDecompressSync(b: Buffer): Buffer }).zstdDecompressSync(res.body)
    default:
      assert.fail(`unexpected content-encoding ${encoding}`)
  }
}

/** A streaming decompressor for `encoding`, for a client that reads a reply as it arrives. */
export function decompressor(encoding: string): zlib.Gunzip | zlib.Inflate | zlib.BrotliDecompress {
  if (encoding === 'gzip') return zlib.createGunzip()
  if (encoding === 'deflate') return zlib.createInflate()
  if (encoding === 'br') return zlib.createBrotliDecompress()
  return assert.fail(`no streaming decompressor for ${encoding} in this suite`)
}

/** True where node:zlib produces zstd (Node 22.15 / 23.8 and later). */
export const HAS_ZSTD = typeof (zlib as unknown as { createZstdCompress?: unknown }).createZstdCompress === 'function'

/** The codings this Node can produce, most preferred first, as the plugin offers them by default. */
export const ENCODINGS = HAS_ZSTD ? ['br', 'zstd', 'gzip', 'deflate'] : ['br', 'gzip', 'deflate']
