/**
 * @module @vectora/compress/stream — a streamed or file body through a zlib transform, as the chunks of a new
 * `StreamBody`: backpressure end to end (the kernel pulls compressed chunks; the transform pulls the source only
 * as fast), and a cut reply (the client went away) destroys the transform and the source.
 */
import { pipeline, Readable, type Transform } from 'node:stream'
import { FileBody, StreamBody } from 'vectora'

/**
 * The body `body` compressed by `transform`. For a StreamBody, the new body's `cancel` is the original's (what
 * stops `reply.sse()`'s producer at once when the client leaves); a FileBody is read through `body.stream()`.
 *
 * @example
 * reply.body = compressedBody(reply.body, zlib.createGzip())
 */
export function compressedBody(body: StreamBody | FileBody, transform: Transform): StreamBody {
  const source: Readable = body instanceof FileBody ? body.stream() : body.source instanceof Readable ? body.source : Readable.from(body.chunks())
  // Errors of either side destroy both; the transform's reader (the kernel's pump) then sees the error, logs it and
  // cuts the reply. The callback only keeps a premature close (a cut reply) from being an unhandled error.
  pipeline(source, transform, () => {})
  return new StreamBody(transform, body instanceof StreamBody ? { cancel: () => body.cancel() } : undefined)
}
