/**
 * @module @vectora/compress — response compression: `br`, `zstd` (where node:zlib has it), `gzip` and `deflate`,
 * chosen by the request's Accept-Encoding (q-values, `*`, `identity;q=0`), for whole bodies, streamed bodies
 * (`reply.stream()`, `reply.sse()`, a returned Readable) and files (`reply.file()`).
 *
 * One hook, `compress` (onSend, stage 10 000: after every other onSend hook, so the body it compresses is the last
 * one and no hook replaces it afterwards). Per reply it decides from the reply first — status, method, body, headers,
 * size, type, all known without the request's Accept-Encoding — and adds `Vary: Accept-Encoding` only to replies whose
 * coding then depends on that header.
 */
import { definePlugin, FileBody, type Reply, StreamBody, type VectoraRequest } from 'vectora'
import type { Codec } from './codecs.js'
import { mediaType } from './compressible.js'
import { createNegotiator } from './negotiate.js'
import { type CompressOptions, type ResolvedCompress, resolveCompress } from './options.js'
import { appendVary, markEncoded, readReply, revalidated } from './reply-headers.js'
import { compressedBody } from './stream.js'

/** After the default stage, @vectora/cors (1000) and @vectora/helmet (2000): last, so the body it compresses is final. */
const COMPRESS_STAGE = 10_000

/**
 * Whole bodies up to this size are compressed on the main thread, larger ones on libuv's thread pool. Measured with
 * node:zlib on Node 20 (JSON, this project's 2-core machine): gzip 6 and brotli 4 take about 20 µs for 1 KiB, 50 µs
 * for 8 KiB and 400 µs for 64 KiB on the main thread, while a trip through the thread pool adds about 200 µs of
 * latency whatever the size. Past 64 KiB (1.5 ms for 256 KiB, 6 ms for 1 MiB) blocking every other request costs
 * more than that trip.
 */
const SYNC_LIMIT = 64 * 1024

const VERSION = '0.1.0'

/**
 * The compression plugin. Registered on the app it compresses every reply JavaScript sends, error replies and the
 * kernel's 404/405 included; registered in a group, the replies of that group's routes.
 *
 * @example
 * import { createApp } from 'vectora'
 * import { compress } from '@vectora/compress'
 *
 * const app = createApp()
 * app.register(compress) // br > gzip > deflate (zstd too where Node has it), bodies of 1 KiB and more
 * app.get('/users', () => Array.from({ length: 100 }, (_, id) => ({ id, name: `user ${id}` })))
 */
export const compress = definePlugin<CompressOptions | undefined>({
  name: '@vectora/compress',
  version: VERSION,
  setup(app, options) {
    app.addHook('onSend', createOnSend(resolveCompress(options)), { name: 'compress', stage: COMPRESS_STAGE })
  },
})

/** The onSend hook: synchronous, except for a whole body above SYNC_LIMIT (compressed on the thread pool). */
function createOnSend(config: ResolvedCompress) {
  const negotiate = createNegotiator(config.encodings)
  const { codecs, threshold, filter } = config
  return function compressReply(reply: Reply, req: VectoraRequest<any>): void | Promise<void> {
    // HEAD: the kernel sends no body (and its Content-Length is the identity body's); 1xx, 204, 304 have none (a
    // 304 may need the validator the compressed 200 had); a 206 is a range of the identity representation, which is
    // what its client asked for.
    if (req.method === 'HEAD') return
    const status = reply.status
    if (status === 304) return revalidated(reply, req)
    const body = reply.body
    if (body === undefined || status < 200 || status === 204 || status === 206) return
    const facts = readReply(reply.headerList)
    if (facts.encoded || facts.noTransform || facts.ranged) return
    let size: number | undefined
    if (typeof body === 'string') size = Buffer.byteLength(body)
    else if (Buffer.isBuffer(body)) size = body.length
    else if (body instanceof FileBody) size = body.length
    else if (!(body instanceof StreamBody)) return
    if (size === 0 || (size !== undefined && size < threshold)) return
    const type = facts.type === undefined ? '' : mediaType(facts.type)
    if (filter(type, reply, req) !== true) return
    // From here on, what is sent depends on Accept-Encoding: caches must key on it, whatever this client gets.
    appendVary(reply)
    const encoding = negotiate(req.header('accept-encoding'))
    if (encoding === undefined) return
    const codec = codecs.get(encoding)!
    if (typeof body === 'object' && !Buffer.isBuffer(body)) {
      reply.body = compressedBody(body, codec, type === 'text/event-stream', size)
      markEncoded(reply, encoding)
      return
    }
    if (size! <= SYNC_LIMIT) return replaceBody(reply, codec, codec.sync(body, size!), size!)
    return codec.async(body, size!).then((out) => replaceBody(reply, codec, out, size!))
  }
}

/** The compressed bytes become the body, unless they are no smaller (data that was compressed already). */
function replaceBody(reply: Reply, codec: Codec, out: Buffer, size: number): void {
  if (out.length >= size) return
  reply.body = out
  markEncoded(reply, codec.encoding)
}
