/**
 * @module http/replies — the `reply` helpers users import: the bytes-and-JSON ones of http/reply, plus
 * `reply.file` (http/file) and `reply.sse` (http/sse), kept apart so reply.ts does not import the modules that
 * build on it.
 */
import { fileReply } from './file.js'
import { reply as core } from './reply.js'
import { sseReply } from './sse.js'

/**
 * Reply helpers. Handlers may also return plain values: an object, array, number, boolean or null becomes
 * JSON, a string text/plain, a Buffer application/octet-stream, a Readable / ReadableStream / async iterable
 * a streamed body. `undefined` is refused (500 VEC_ERR_NO_RESPONSE): return `reply.empty()` for a 204.
 *
 * @example
 * app.post('/echo', async (req) => reply.json(await req.json(), { status: 201 }))
 * app.get('/old', () => reply.redirect('/new', 301))
 * app.get('/logo.png', () => reply.file('assets/logo.png'))
 */
export const reply = {
  ...core,
  /** A file, sent by the kernel: type, ETag, Last-Modified, 304, Range (206/416). See `FileReplyOptions`. */
  file: fileReply,
  /** Server-Sent Events from an async iterable of events. See `SseOptions`. */
  sse: sseReply,
}
