/**
 * @module http/body — reply bodies that are not bytes in memory: a stream of chunks JavaScript produces
 * (`StreamBody`), or a region of a file the kernel reads and sends itself (`FileBody`).
 *
 * A handler returns either through the `reply` helpers (`reply.stream`, `reply.file`, `reply.sse`) or by
 * returning a Node `Readable`, a web `ReadableStream` or any async iterable of chunks. onSend hooks see them as
 * `reply.body` and may replace them (a compression hook wraps `body.chunks()` in a transform); the dispatcher
 * then sends them through the kernel's stream crossing with backpressure (server/stream.ts).
 */
import { createReadStream } from 'node:fs'
import { Readable } from 'node:stream'

/** One chunk of a streamed body: bytes, or text sent as utf-8. */
export type StreamChunk = Uint8Array | string

/**
 * What a push-style producer writes to when the kernel sends its body itself (`StreamBody`'s `push` option): the
 * stream crossing hands one over once the head is sent. Writes of one turn cross into the kernel together.
 */
export interface StreamWriter {
  /** Queues `chunk`; false when the client's pipe is full (or the reply is gone): wait for `onDrain` before more. */
  write(chunk: StreamChunk): boolean
  /** Ends the body after what was written (`cut`: ends it as failed, so the client sees it incomplete). */
  end(cut?: boolean): void
  /** The producer failed: the error is logged with the request id and the response cut (as a failing stream's is). */
  fail(error: unknown): void
  /** Called once the pipe has room again after a `write` answered false. */
  onDrain: (() => void) | undefined
}

/** What a streamed body reads from. */
export type StreamSource = Readable | ReadableStream<StreamChunk> | AsyncIterable<StreamChunk>

/**
 * A body of chunks produced while it is sent. Sent chunked unless the reply has a `content-length`.
 *
 * @example
 * const csv = reply.status(200).header('content-type', 'text/csv')
 * csv.body = new StreamBody(rowsAsCsv())
 */
export class StreamBody {
  readonly source: StreamSource
  readonly #cancel: (() => void) | undefined
  /**
   * A push-style producer (an `SseChannel`): the kernel's stream crossing gives it a `StreamWriter` instead of
   * reading `chunks()`. `chunks()` still works (inject, an onSend transform that replaces the body reads it).
   */
  readonly push: ((writer: StreamWriter) => void) | undefined
  #reader: ReadableStreamDefaultReader<StreamChunk> | undefined

  /**
   * `cancel` runs when the reply is cut (the client went away): a producer waiting for its next value stops then.
   * `push` makes the body push-style (see the `push` property).
   */
  constructor(source: StreamSource, options?: { cancel?: () => void; push?: (writer: StreamWriter) => void }) {
    if (!isStreamSource(source)) throw new TypeError('A StreamBody reads a Readable, a ReadableStream or an async iterable of chunks.')
    this.source = source
    this.#cancel = options?.cancel
    this.push = options?.push
  }

  /**
   * The reply was cut: stops the producer now, even one waiting for its next chunk — a Readable is destroyed, a
   * ReadableStream cancelled, the `cancel` option called (an iterator's `return()` would wait behind that chunk).
   */
  cancel(): void {
    this.#cancel?.()
    const source = this.source
    if (source instanceof Readable) source.destroy()
    else if (source instanceof ReadableStream) this.#reader?.cancel().then(undefined, () => {})
  }

  /** The chunks, as one async iterable whatever the source is. Read it once. */
  chunks(): AsyncIterable<StreamChunk> {
    const source = this.source
    if (!(source instanceof ReadableStream)) return source as AsyncIterable<StreamChunk>
    const reader = source.getReader()
    this.#reader = reader
    return (async function* () {
      try {
        for (;;) {
          const { done, value } = await reader.read()
          if (done) return
          yield value
        }
      } finally {
        reader.releaseLock()
      }
    })()
  }
}

/**
 * `length` bytes of the file at `path` from `start`, read and written by the kernel: the bytes never enter
 * JavaScript. `reply.file()` builds it (with the file's validators); `stream()` gives the same bytes as a Node
 * stream for an onSend hook that must transform them.
 *
 * @example
 * const body = reply.body instanceof FileBody ? body.stream() : undefined
 */
export class FileBody {
  constructor(
    readonly path: string,
    readonly size: number,
    readonly start = 0,
    readonly length = size - start,
  ) {}

  /** The same region as a Node stream (an onSend transform reads this; the kernel is then not the reader). */
  stream(): Readable {
    if (this.length === 0) return Readable.from([])
    return createReadStream(this.path, { start: this.start, end: this.start + this.length - 1 })
  }

  /** This file's region `[start, start + length)`. */
  slice(start: number, length: number): FileBody {
    return new FileBody(this.path, this.size, start, length)
  }
}

/** True for what a handler may return as a streamed body: a Readable, a ReadableStream, an async iterable. */
export function isStreamSource(value: unknown): value is StreamSource {
  if (typeof value !== 'object' || value === null) return false
  if (value instanceof Readable || value instanceof ReadableStream) return true
  return typeof (value as { [Symbol.asyncIterator]?: unknown })[Symbol.asyncIterator] === 'function'
}
