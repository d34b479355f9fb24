/**
 * @module @vectora/compress/stream — a streamed or file body through a zlib transform, as the chunks of a new
 * `StreamBody`, with backpressure end to end: the kernel pulls compressed chunks from the transform, and the source
 * is read one chunk at a time, only while the transform has room.
 *
 * Two rules keep compression from changing when bytes arrive:
 * - **Flushed when the producer pauses.** A compressor holds its input until it has a block worth sending (about 16
 *   KiB of output: 100 KiB of JSON), so a slow producer — a database cursor, a progress stream — would reach the
 *   client in bursts, minutes late. When the next chunk is not ready by the next turn of the event loop
 *   (setImmediate), what was written so far is flushed (Z_SYNC_FLUSH and kin: the history is kept, a flush costs a
 *   few bytes). Chunks produced back to back are compressed together.
 * - **Event streams flush every chunk** (`text/event-stream`): each event is sent the moment it is produced.
 *
 * A reply cut by the kernel (the client went away) destroys the transform; that stops the source: a Readable (a file
 * included) is destroyed, an iterator `return()`ed, and the original body's `cancel()` runs (what stops
 * `reply.sse()`'s producer even while it awaits).
 */
import { Readable } from 'node:stream'
import { FileBody, StreamBody, type StreamChunk } from 'vectora'
import type { Codec, ZlibTransform } from './codecs.js'

const IDLE = Symbol('idle')
/** A batch of chunks is written once it holds this many bytes (strings: characters), or when the source pauses. */
const BATCH_BYTES = 16 * 1024

/**
 * The body `body` compressed with `codec`. `eventStream`: flush after every chunk. `sizeHint`: the body's size when
 * known (a file), for brotli.
 *
 * @example
 * reply.body = compressedBody(reply.body, codec, false, undefined)
 */
export function compressedBody(body: StreamBody | FileBody, codec: Codec, eventStream: boolean, sizeHint: number | undefined): StreamBody {
  const transform = codec.stream(eventStream, sizeHint)
  const readable = body instanceof FileBody ? body.stream() : body.source instanceof Readable ? body.source : undefined
  const input = (readable ?? (body as StreamBody).chunks())[Symbol.asyncIterator]()
  let ended = false
  transform.once('close', () => {
    if (ended) return
    // Cut before the end (the kernel's cancel, the reader's return(), an error): stop the producer now.
    readable?.destroy()
    input.return?.()?.then(undefined, () => {})
    if (body instanceof StreamBody) body.cancel()
  })
  transform.once('end', () => {
    ended = true
  })
  void feed(input, transform, eventStream ? undefined : codec.flushKind).catch((error: unknown) => transform.destroy(error as Error))
  return new StreamBody(transform, { cancel: () => transform.destroy() })
}

/**
 * Writes the source's chunks into `transform` until the source ends (then ends it) or the transform closes.
 * `flushKind`: batch chunks produced back to back and flush when the source pauses; undefined when the transform
 * flushes every write itself (event streams: each chunk is written alone).
 */
async function feed(input: AsyncIterator<StreamChunk>, transform: ZlibTransform, flushKind: number | undefined): Promise<void> {
  let closed = false
  let wake: (() => void) | undefined
  transform.once('close', () => {
    closed = true
    wake?.()
  })
  transform.on('drain', () => wake?.())
  const roomOrClose = (): Promise<void> => new Promise<void>((resolve) => (wake = resolve))
  // Chunks produced back to back, written as one: each write is a trip to zlib's thread, so 2 000 lines of 100 bytes
  // cost 2 000 trips unbatched (about 50 µs each) and 13 batched.
  const batch: StreamChunk[] = []
  let batched = 0
  // Written since the last flush (in the batch or in the transform): only then is a pause worth a flush.
  let unflushed = false
  // One setImmediate per turn of the event loop, shared by every chunk produced in that turn.
  let turn: Promise<typeof IDLE> | undefined
  const idle = (): Promise<typeof IDLE> =>
    (turn ??= new Promise((resolve) =>
      setImmediate(() => {
        turn = undefined
        resolve(IDLE)
      }),
    ))
  const writeBatch = (): boolean => {
    if (batched === 0) return true
    const chunk = batch.length === 1 ? batch[0]! : Buffer.concat(batch.map(toBytes))
    batch.length = 0
    batched = 0
    return transform.write(chunk)
  }
  for (;;) {
    const next = input.next()
    let step: IteratorResult<StreamChunk> | typeof IDLE = unflushed ? await Promise.race([next, idle()]) : await next
    if (step === IDLE) {
      if (closed) return
      const room = writeBatch()
      transform.flush(flushKind)
      unflushed = false
      if (!room) await roomOrClose()
      step = await next
    }
    if (closed) return
    if (step.done === true) {
      writeBatch()
      transform.end()
      return
    }
    const chunk = step.value
    if (chunk.length === 0) continue
    if (flushKind === undefined) {
      if (!transform.write(chunk)) await roomOrClose()
      continue
    }
    batch.push(chunk)
    batched += chunk.length
    unflushed = true
    if (batched >= BATCH_BYTES && !writeBatch()) await roomOrClose()
  }
}

function toBytes(chunk: StreamChunk): Uint8Array {
  return typeof chunk === 'string' ? Buffer.from(chunk) : chunk
}
