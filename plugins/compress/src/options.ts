/**
 * @module @vectora/compress/options — checks the options of `app.register(compress, options)` and resolves them once:
 * the codings in order of preference with their codecs, the threshold and the filter. Every mistake is a
 * CompressError at register().
 */
import type { Reply, VectoraRequest } from 'vectora'
import { type Codec, type CompressEncoding, createCodec, KNOWN_ENCODINGS, nodeZlib, supportedEncodingsOf, type ZlibFunctions } from './codecs.js'
import { isCompressibleType } from './compressible.js'
import { CompressError, show } from './errors.js'

/**
 * Decides whether a reply whose other checks passed is compressed, by its media type (`'application/json'`, lower
 * case, no parameters; `''` when the reply has no Content-Type) and, if it must, by the reply and the request. Return
 * `true` to compress. It runs once per candidate reply, before the Accept-Encoding is read; a reply it refuses gets
 * no `Vary: Accept-Encoding`.
 *
 * @example
 * const filter: CompressFilter = (type, reply, req) => !req.path.startsWith('/account') && (type === 'application/x-ndjson' || isCompressibleType(type))
 */
export type CompressFilter = (type: string, reply: Reply, req: VectoraRequest<any>) => boolean

/**
 * The options of `app.register(compress, options)`; every one has a default.
 *
 * @example
 * const options: CompressOptions = { encodings: ['br', 'gzip'], threshold: 2048, brotliQuality: 5 }
 */
export interface CompressOptions {
  /** The codings offered, most preferred first (ties in the client's q-values go to the earlier). Default `['br', 'zstd', 'gzip', 'deflate']`, without `zstd` where node:zlib lacks it. */
  encodings?: readonly CompressEncoding[]
  /** Bytes: a whole body (string, Buffer, file) smaller than this is sent as it is. Default 1024. Streamed bodies have no size and are always compressed. */
  threshold?: number
  /** Brotli quality, 0-11. Default 4: as fast as gzip level 6 with output about 20 % smaller; 11 is for assets compressed ahead of time, not per request. */
  brotliQuality?: number
  /** zlib level for gzip and deflate, 1-9. Default 6 (zlib's own default). */
  gzipLevel?: number
  /** zstd level, 1-19. Default 3 (zstd's own default). Above 19 the window exceeds the 8 MiB that RFC 9659 lets HTTP clients refuse. */
  zstdLevel?: number
  /** Which replies are compressed, by media type (and reply, request). Default `isCompressibleType(type)`. */
  filter?: CompressFilter
}

/** The options resolved at register(). */
export interface ResolvedCompress {
  /** The codings offered, most preferred first. */
  readonly encodings: readonly CompressEncoding[]
  /** The codec of each offered coding. */
  readonly codecs: ReadonlyMap<CompressEncoding, Codec>
  readonly threshold: number
  readonly filter: CompressFilter
}

const DEFAULTS = { threshold: 1024, brotliQuality: 4, gzipLevel: 6, zstdLevel: 3 } as const

const KNOWN = new Set(['encodings', 'threshold', 'brotliQuality', 'gzipLevel', 'zstdLevel', 'filter'])

// Names other compression middlewares use for the same thing (@fastify/compress, express' compression, hono).
const RENAMED: Readonly<Record<string, string>> = {
  encoding: 'encodings',
  level: 'gzipLevel',
  quality: 'brotliQuality',
  brotliOptions: 'brotliQuality',
  zlibOptions: 'gzipLevel',
  zstdOptions: 'zstdLevel',
  minSize: 'threshold',
  minimumSize: 'threshold',
  customTypes: 'filter',
}

/**
 * Checks `options` and resolves them against the codings `z` (node:zlib) can produce. Throws a CompressError naming
 * the first problem.
 *
 * @example
 * resolveCompress({ threshold: -1 }) // throws COMPRESS_OPTION_INVALID
 * resolveCompress({ encodings: ['zstd'] }) // on Node 20: throws COMPRESS_ENCODING_UNAVAILABLE
 */
export function resolveCompress(options: CompressOptions | undefined, z: ZlibFunctions = nodeZlib): ResolvedCompress {
  if (options === undefined) options = {}
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new CompressError('COMPRESS_OPTION_INVALID', `the options are an object (or nothing), got ${show(options)}.`)
  }
  for (const key of Object.keys(options)) {
    if (KNOWN.has(key)) continue
    const hint = key in RENAMED ? ` Write ${RENAMED[key]}.` : ` Known options: ${[...KNOWN].join(', ')}.`
    throw new CompressError('COMPRESS_OPTION_UNKNOWN', `there is no option "${key}".${hint}`)
  }
  const supported = supportedEncodingsOf(z)
  const encodings = options.encodings === undefined ? supported : checkEncodings(options.encodings, supported)
  const threshold = integer(options.threshold, 'threshold', DEFAULTS.threshold, 0, Number.MAX_SAFE_INTEGER, 'a whole number of bytes >= 0')
  const levels = {
    brotliQuality: integer(options.brotliQuality, 'brotliQuality', DEFAULTS.brotliQuality, 0, 11, 'a whole number from 0 to 11'),
    gzipLevel: integer(options.gzipLevel, 'gzipLevel', DEFAULTS.gzipLevel, 1, 9, 'a whole number from 1 to 9'),
    zstdLevel: integer(options.zstdLevel, 'zstdLevel', DEFAULTS.zstdLevel, 1, 19, 'a whole number from 1 to 19'),
  }
  const filter = options.filter ?? defaultFilter
  if (typeof filter !== 'function')
    throw new CompressError('COMPRESS_OPTION_INVALID', `filter is a function (type, reply, req) => boolean, got ${show(filter)}.`)
  const codecs = new Map(encodings.map((encoding) => [encoding, createCodec(encoding, levels, z)] as const))
  return { encodings, codecs, threshold, filter }
}

function defaultFilter(type: string): boolean {
  return isCompressibleType(type)
}

function checkEncodings(value: unknown, supported: readonly CompressEncoding[]): CompressEncoding[] {
  if (!Array.isArray(value) || value.length === 0) {
    throw new CompressError(
      'COMPRESS_OPTION_INVALID',
      `encodings is a non-empty list of ${KNOWN_ENCODINGS.map((e) => `'${e}'`).join(', ')}, got ${show(value)}. To compress nothing, do not register the plugin.`,
    )
  }
  const seen = new Set<CompressEncoding>()
  for (const item of value as unknown[]) {
    if (typeof item !== 'string' || !(KNOWN_ENCODINGS as readonly string[]).includes(item)) {
      const hint =
        item === 'x-gzip'
          ? " Write 'gzip' (clients sending x-gzip get it)."
          : item === 'identity'
            ? ' identity (no coding) is always possible: leave it out.'
            : ''
      throw new CompressError('COMPRESS_OPTION_INVALID', `encodings: ${show(item)} is not a coding the plugin produces (${KNOWN_ENCODINGS.join(', ')}).${hint}`)
    }
    const encoding = item as CompressEncoding
    if (seen.has(encoding)) throw new CompressError('COMPRESS_OPTION_INVALID', `encodings lists '${encoding}' twice.`)
    if (!supported.includes(encoding)) {
      throw new CompressError(
        'COMPRESS_ENCODING_UNAVAILABLE',
        `encodings: node:zlib of Node ${process.version} has no ${encoding} (zstd needs Node 22.15 or 23.8 and later). Remove it, or leave encodings out to offer it wherever Node has it.`,
      )
    }
    seen.add(encoding)
  }
  return [...seen]
}

function integer(value: unknown, name: string, fallback: number, min: number, max: number, what: string): number {
  if (value === undefined) return fallback
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new CompressError('COMPRESS_OPTION_INVALID', `${name} is ${what}, got ${show(value)}.`)
  }
  return value
}
