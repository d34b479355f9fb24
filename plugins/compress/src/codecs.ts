/**
 * @module @vectora/compress/codecs — the content codings the plugin produces (`br`, `zstd`, `gzip`, `deflate`), each as
 * a one-shot encoder (on the main thread or on libuv's thread pool) and as a streaming transform, built once at
 * register() from node:zlib. `zstd` exists only where node:zlib has it (Node 22.15 / 23.8 and later): it is detected,
 * never assumed.
 */
import type { Transform } from 'node:stream'
import zlib from 'node:zlib'

/**
 * A content coding the plugin can produce. `deflate` is the zlib format (RFC 9110 §8.4.1.2), as every client expects.
 *
 * @example
 * const preference: CompressEncoding[] = ['br', 'gzip']
 */
export type CompressEncoding = 'br' | 'zstd' | 'gzip' | 'deflate'

/** Every coding the plugin knows, in its default order of preference. */
export const KNOWN_ENCODINGS: readonly CompressEncoding[] = ['br', 'zstd', 'gzip', 'deflate']

/** Compression settings, validated by options.ts. */
export interface CodecLevels {
  /** Brotli quality 0-11. */
  readonly brotliQuality: number
  /** zlib level 1-9, for gzip and deflate. */
  readonly gzipLevel: number
  /** zstd level 1-19. */
  readonly zstdLevel: number
}

/** A zlib compression stream: a Transform with zlib's `flush(kind)`. */
export type ZlibTransform = Transform & { flush(kind?: number, callback?: () => void): void }

/** One coding, ready to use. */
export interface Codec {
  readonly encoding: CompressEncoding
  /** The whole body (`size` bytes) at once, on the main thread. */
  sync(body: string | Buffer, size: number): Buffer
  /** The whole body (`size` bytes) at once, on libuv's thread pool. */
  async(body: string | Buffer, size: number): Promise<Buffer>
  /** A transform for a streamed body. `flushEach`: every write is flushed out at once (event streams). */
  stream(flushEach: boolean, sizeHint?: number): ZlibTransform
  /** The `flush(kind)` that pushes out what the transform holds, keeping its history (zlib's Z_SYNC_FLUSH and kin). */
  readonly flushKind: number
}

type Callback = (error: Error | null, result: Buffer) => void
type OneShot = (body: string | Buffer, options: object) => Buffer
type OneShotAsync = (body: string | Buffer, options: object, callback: Callback) => void
type StreamMaker = (options: object) => ZlibTransform

/**
 * What the codecs are made of: node:zlib, whose `zstd*` functions may be missing. A test hands in a stand-in to
 * check what happens on a Node that has zstd.
 */
export interface ZlibFunctions {
  readonly constants: Record<string, number>
  readonly gzipSync: OneShot
  readonly gzip: OneShotAsync
  readonly createGzip: StreamMaker
  readonly deflateSync: OneShot
  readonly deflate: OneShotAsync
  readonly createDeflate: StreamMaker
  readonly brotliCompressSync: OneShot
  readonly brotliCompress: OneShotAsync
  readonly createBrotliCompress: StreamMaker
  readonly zstdCompressSync?: OneShot
  readonly zstdCompress?: OneShotAsync
  readonly createZstdCompress?: StreamMaker
}

/** node:zlib as the codecs see it (@types/node 20 does not declare zstd). */
export const nodeZlib = zlib as unknown as ZlibFunctions

// zstd's parameter and flush values (zstd.h), for a Node whose zlib.constants would lack them.
const ZSTD_C_COMPRESSION_LEVEL = 100
const ZSTD_E_CONTINUE = 0
const ZSTD_E_FLUSH = 1

/**
 * Brotli's window for streamed bodies, as a log2: 256 KiB. A stream's encoder lives as long as its reply (an event
 * stream: for hours), and brotli's default 4 MiB window made each one hold about 6 MiB of memory against about 0.5 MiB,
 * for no smaller output at quality 4 (measured on JSON and JavaScript). One-shot bodies keep the default, sized by the body.
 */
const STREAM_BROTLI_WINDOW = 18

/**
 * The codings this Node.js can produce, in the plugin's default order of preference: `zstd` only where node:zlib has
 * it. What `encodings` defaults to.
 *
 * @example
 * supportedEncodings() // ['br', 'gzip', 'deflate'] on Node 20; ['br', 'zstd', 'gzip', 'deflate'] on Node 24
 */
export function supportedEncodings(): CompressEncoding[] {
  return supportedEncodingsOf(nodeZlib)
}

/** The codings `z` can produce, in the default order of preference (supportedEncodings of a given zlib). */
export function supportedEncodingsOf(z: ZlibFunctions): CompressEncoding[] {
  return KNOWN_ENCODINGS.filter((encoding) => encoding !== 'zstd' || hasZstd(z))
}

function hasZstd(z: ZlibFunctions): boolean {
  return typeof z.zstdCompressSync === 'function' && typeof z.zstdCompress === 'function' && typeof z.createZstdCompress === 'function'
}

/**
 * The codec of `encoding` at `levels`. The caller checked that `z` supports it (supportedEncodings).
 *
 * @example
 * createCodec('gzip', { brotliQuality: 4, gzipLevel: 6, zstdLevel: 3 }).sync('hello', 5) // a gzip member
 */
export function createCodec(encoding: CompressEncoding, levels: CodecLevels, z: ZlibFunctions = nodeZlib): Codec {
  const c = z.constants
  switch (encoding) {
    case 'gzip':
    case 'deflate': {
      const [once, later, stream] = encoding === 'gzip' ? [z.gzipSync, z.gzip, z.createGzip] : [z.deflateSync, z.deflate, z.createDeflate]
      const options = { level: levels.gzipLevel }
      return {
        encoding,
        sync: (body) => once(body, options),
        async: (body) => promised(later, body, options),
        stream: (flushEach) => stream({ level: levels.gzipLevel, flush: flushEach ? c.Z_SYNC_FLUSH : c.Z_NO_FLUSH }),
        flushKind: c.Z_SYNC_FLUSH!,
      }
    }
    case 'br': {
      const quality = c.BROTLI_PARAM_QUALITY!
      const sizeHint = c.BROTLI_PARAM_SIZE_HINT!
      const oneShot = (size: number) => ({ params: { [quality]: levels.brotliQuality, [sizeHint]: size } })
      return {
        encoding,
        sync: (body, size) => z.brotliCompressSync(body, oneShot(size)),
        async: (body, size) => promised(z.brotliCompress, body, oneShot(size)),
        stream: (flushEach, hint) =>
          z.createBrotliCompress({
            params: { [quality]: levels.brotliQuality, [c.BROTLI_PARAM_LGWIN!]: STREAM_BROTLI_WINDOW, ...(hint === undefined ? {} : { [sizeHint]: hint }) },
            flush: flushEach ? c.BROTLI_OPERATION_FLUSH : c.BROTLI_OPERATION_PROCESS,
          }),
        flushKind: c.BROTLI_OPERATION_FLUSH!,
      }
    }
    case 'zstd': {
      const level = c.ZSTD_c_compressionLevel ?? ZSTD_C_COMPRESSION_LEVEL
      const options = { params: { [level]: levels.zstdLevel } }
      return {
        encoding,
        sync: (body) => z.zstdCompressSync!(body, options),
        async: (body) => promised(z.zstdCompress!, body, options),
        stream: (flushEach) =>
          z.createZstdCompress!({ ...options, flush: flushEach ? (c.ZSTD_e_flush ?? ZSTD_E_FLUSH) : (c.ZSTD_e_continue ?? ZSTD_E_CONTINUE) }),
        flushKind: c.ZSTD_e_flush ?? ZSTD_E_FLUSH,
      }
    }
  }
}

function promised(fn: OneShotAsync, body: string | Buffer, options: object): Promise<Buffer> {
  return new Promise((resolve, reject) => fn(body, options, (error, result) => (error === null ? resolve(result) : reject(error))))
}
