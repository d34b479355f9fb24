/**
 * @module server/stream — streamed bodies across the kernel, on the JavaScript side: replies JavaScript
 * produces (a `StreamBody`, written chunk by chunk with backpressure) or the kernel reads (a `FileBody`), and
 * request bodies read as they arrive (`body: 'stream'` routes).
 *
 * Reply side: `serverRespondStream` sends the head, then the pump reads the source one chunk at a time and
 * writes it (`serverStreamWrite`). Small chunks (under 16 KiB: SSE events, lines) wait for the end of the turn
 * (`setImmediate`), so what a producer yields back to back crosses into the kernel in one call, and every reply
 * with queued chunks is flushed in the same pass (a fan-out's broadcast); a large chunk crosses at once. When
 * the kernel's pipe is full (about 64 KiB) the pump waits for its drain event, so a slow reader stops the
 * producer and nothing queues without bound (at most 64 KiB more in JavaScript). The kernel reports how the body
 * ended (STREAM_DONE): all sent, or cut (the client went away, the drain's deadline) — then `req.signal`
 * aborts and the source is destroyed (`return()` on its iterator: a Readable is destroyed, a ReadableStream
 * cancelled, a generator's `finally` runs). The promise a send returns settles then, so onResponse runs after
 * the last byte or the cut.
 *
 * Request side: a Readable whose `_read` asks the kernel for one more chunk (`serverBodyPull`); the kernel reads
 * the client only then, so an upload flows at the speed it is consumed, under the route's limit and deadlines.
 */
import { Readable } from 'node:stream'
import type { Logger } from '../base/logger.js'
import type { HttpErrorCode } from '../base/catalogue.js'
import { FileBody, type StreamBody, type StreamChunk, type StreamWriter } from '../http/body.js'
import { httpError } from '../http/errors.js'
import { abortRequest, attachBodyStream, type VectoraRequest } from '../http/request.js'
import {
  type NativeKernel,
  type ServerHandle,
  STREAM_BODY_ABORTED,
  STREAM_BODY_CHUNK,
  STREAM_BODY_END,
  STREAM_BODY_ERROR,
  STREAM_DONE,
  STREAM_DRAIN,
  type StreamFn,
  WRITE_FULL,
  WRITE_GONE,
} from '../internal/native.js'

/** What the streams need of their app (read when used: the handle exists only after serverNew). */
export interface StreamHost {
  readonly kernel: NativeKernel
  readonly handle: ServerHandle
  readonly log: Logger
}

/** A reply being sent. */
interface Outgoing {
  readonly req: VectoraRequest<object>
  readonly body: StreamBody | FileBody
  /** Resolves the pump's wait for room in the pipe. */
  drain: (() => void) | undefined
  /** Settles the send's promise: true when every byte went out. */
  readonly settle: (completed: boolean) => void
  /** The kernel cut the reply: stop producing. */
  cut: boolean
  iterator: AsyncIterator<StreamChunk> | undefined
  /** Small chunks waiting for the turn's flush (see enqueue). */
  queued: Array<string | Buffer>
  /** Their length (string length for strings: a bound, not an exact byte count). */
  queuedBytes: number
  /** A write answered WRITE_FULL: the pump waits for STREAM_DRAIN before it reads the source again. */
  full: boolean
  /** The writer of a push-style body (`StreamBody.push`), told of drains; undefined for a pumped one. */
  writer: StreamWriter | undefined
}

/** The stream crossing of one app: `send` for streamed and file replies, `incoming` for request bodies, `events` for the kernel. */
export interface Streams {
  /** Sends `body` as the reply of `req`; resolves true once sent whole, false when cut. Undefined when the request is gone. */
  send(req: VectoraRequest<object>, status: number, headers: string, body: StreamBody | FileBody): Promise<boolean> | undefined
  /** Gives a `body: 'stream'` request its body stream. */
  incoming(req: VectoraRequest<object>): void
  /** The request was answered or ended: its unread body stream (if any) is closed. */
  forget(req: VectoraRequest<object>): void
  /** The kernel's callback (`StreamFn`). */
  readonly events: StreamFn
}

const CLIENT_GONE = (): DOMException => new DOMException('client closed', 'AbortError')
/** Chunks below this are coalesced with the others of the same turn (an SSE event, a line); larger ones cross alone. */
const COALESCE_BELOW = 16 * 1024
/** A reply whose queued chunks reach this is written at once, so a fast producer never queues more in JavaScript. */
const QUEUE_LIMIT = 64 * 1024

/**
 * The streams of one app.
 *
 * @example
 * const streams = createStreams(() => state, (id) => abort(id, ABORT_CLIENT))
 * state.handle = kernel.serverNew(options, dispatch, abort, streams.events)
 */
export function createStreams(host: () => StreamHost, clientGone: (id: number) => void): Streams {
  const outgoing = new Map<number, Outgoing>()
  const incoming = new Map<number, Readable>()

  function track(req: VectoraRequest<object>, body: StreamBody | FileBody): [Outgoing, Promise<boolean>] {
    let settle!: (completed: boolean) => void
    const done = new Promise<boolean>((resolve) => {
      settle = resolve
    })
    const entry: Outgoing = { req, body, drain: undefined, settle, cut: false, iterator: undefined, queued: [], queuedBytes: 0, full: false, writer: undefined }
    outgoing.set(req.rawId, entry)
    return [entry, done]
  }

  /** Replies with chunks waiting for this turn's flush, by request id. */
  const queuedReplies = new Map<number, Outgoing>()
  let flushScheduled = false

  /** Writes what `entry` has queued in one crossing; notes a full pipe or a gone reply. */
  function writeQueued(id: number, entry: Outgoing): void {
    const { queued } = entry
    if (queued.length === 0) return
    entry.queued = []
    entry.queuedBytes = 0
    if (entry.cut) return
    const { kernel, handle } = host()
    const written = kernel.serverStreamWrite(handle, id, queued.length === 1 ? queued[0]! : joinChunks(queued))
    if (written === WRITE_GONE) entry.cut = true
    else if (written === WRITE_FULL) entry.full = true
  }

  /** The turn's flush: every reply's queued chunks, each in one crossing. */
  function flushQueued(): void {
    flushScheduled = false
    for (const [id, entry] of queuedReplies) writeQueued(id, entry)
    queuedReplies.clear()
  }

  /** Queues a small chunk until the end of this turn, so chunks produced back to back cross together. */
  function enqueue(id: number, entry: Outgoing, chunk: string | Buffer): void {
    entry.queued.push(chunk)
    entry.queuedBytes += chunk.length
    if (entry.queuedBytes >= QUEUE_LIMIT) {
      queuedReplies.delete(id)
      writeQueued(id, entry)
      return
    }
    queuedReplies.set(id, entry)
    if (!flushScheduled) {
      flushScheduled = true
      setImmediate(flushQueued)
    }
  }

  /** Writes one chunk: small ones join the turn's flush, a large one crosses at once after them. */
  function writeChunk(id: number, entry: Outgoing, chunk: string | Buffer): void {
    if (chunk.length < COALESCE_BELOW) {
      enqueue(id, entry, chunk)
      return
    }
    queuedReplies.delete(id)
    writeQueued(id, entry)
    if (entry.cut) return
    const { kernel, handle } = host()
    const written = kernel.serverStreamWrite(handle, id, chunk)
    if (written === WRITE_GONE) entry.cut = true
    else if (written === WRITE_FULL) entry.full = true
  }

  /** Hands a push-style body its writer: what it writes goes the pump's way (coalesced, backpressure by `full`). */
  function attach(id: number, entry: Outgoing, push: (writer: StreamWriter) => void): void {
    let ended = false
    const writer: StreamWriter = {
      write(chunk) {
        if (ended || entry.cut) return false
        writeChunk(id, entry, toChunk(chunk))
        return !entry.full && !entry.cut
      },
      end(cut = false) {
        if (ended) return
        ended = true
        queuedReplies.delete(id)
        if (cut) entry.queued = []
        else writeQueued(id, entry)
        if (!entry.cut) host().kernel.serverStreamEnd(host().handle, id, cut)
      },
      fail(error) {
        if (ended) return
        if (!entry.cut) host().log.error('a streamed reply failed; the response was cut', { requestId: entry.req.id, err: error })
        // What was produced before the failure goes out first, as from a failing pumped stream.
        queuedReplies.delete(id)
        writeQueued(id, entry)
        writer.end(true)
      },
      onDrain: undefined,
    }
    entry.writer = writer
    try {
      push(writer)
    } catch (error) {
      writer.fail(error)
    }
  }

  async function pump(id: number, entry: Outgoing, body: StreamBody): Promise<void> {
    const { kernel, handle, log } = host()
    let iterator: AsyncIterator<StreamChunk> | undefined
    try {
      iterator = body.chunks()[Symbol.asyncIterator]()
      entry.iterator = iterator
      while (!entry.cut) {
        // The pipe is full (a write now or at a flush said so): wait for the kernel's drain event.
        if (entry.full) await new Promise<void>((resolve) => (entry.drain = resolve))
        if (entry.cut) break
        const next = await iterator.next()
        if (next.done === true || entry.cut) break
        writeChunk(id, entry, toChunk(next.value))
      }
      queuedReplies.delete(id)
      writeQueued(id, entry)
      if (entry.cut) await iterator.return?.()
      else kernel.serverStreamEnd(handle, id, false)
    } catch (error) {
      // What was produced before the failure goes out first.
      queuedReplies.delete(id)
      writeQueued(id, entry)
      // The producer failed mid-reply: the status is sent, so the response is cut (the client sees it incomplete).
      if (!entry.cut) {
        log.error('a streamed reply failed; the response was cut', { requestId: entry.req.id, err: error })
        kernel.serverStreamEnd(handle, id, true)
      }
      try {
        await iterator?.return?.()
      } catch {}
    }
  }

  const events: StreamFn = (id, kind, data) => {
    switch (kind) {
      case STREAM_DRAIN: {
        const entry = outgoing.get(id)
        if (entry === undefined) return
        const drain = entry.drain
        entry.full = false
        entry.drain = undefined
        drain?.()
        entry.writer?.onDrain?.()
        return
      }
      case STREAM_DONE: {
        const entry = outgoing.get(id)
        if (entry === undefined) return
        outgoing.delete(id)
        if (data !== true) {
          entry.cut = true
          entry.queued = []
          queuedReplies.delete(id)
          const { kernel, handle, log } = host()
          kernel.serverStreamEnd(handle, id, true) // frees the kernel's pipe
          try {
            abortRequest(entry.req, CLIENT_GONE())
          } catch (error) {
            log.error('an abort listener threw', { requestId: entry.req.id, err: error })
          }
          const drain = entry.drain
          entry.drain = undefined
          drain?.()
          // A Readable is destroyed, a ReadableStream cancelled, now (a generator only after its pending step,
          // which the body's cancel hook cuts short for reply.sse()).
          if (!(entry.body instanceof FileBody)) entry.body.cancel()
          entry.iterator?.return?.().then(undefined, () => {})
        }
        entry.settle(data === true)
        return
      }
      case STREAM_BODY_CHUNK:
        incoming.get(id)?.push(data as Buffer)
        return
      case STREAM_BODY_END: {
        const body = incoming.get(id)
        incoming.delete(id)
        body?.push(null)
        return
      }
      case STREAM_BODY_ABORTED: {
        const body = incoming.get(id)
        incoming.delete(id)
        clientGone(id) // aborts the request as a client that left does: req.signal, onResponse 'aborted'
        body?.destroy(CLIENT_GONE())
        return
      }
      case STREAM_BODY_ERROR: {
        const body = incoming.get(id)
        incoming.delete(id)
        body?.destroy(httpError(data as HttpErrorCode))
        return
      }
    }
  }

  return {
    send(req, status, headers, body) {
      const { kernel, handle } = host()
      const id = req.rawId
      if (body instanceof FileBody) {
        if (!kernel.serverRespondFile(handle, id, status, headers, body.path, body.start, body.length)) return undefined
        return track(req, body)[1]
      }
      if (!kernel.serverRespondStream(handle, id, status, headers)) {
        const iterator = body.chunks()[Symbol.asyncIterator]()
        iterator.return?.().then(undefined, () => {})
        return undefined
      }
      const [entry, done] = track(req, body)
      if (body.push !== undefined) attach(id, entry, body.push)
      else void pump(id, entry, body)
      return done
    },
    incoming(req) {
      const id = req.rawId
      const body = new Readable({
        highWaterMark: 64 * 1024,
        read() {
          const { kernel, handle } = host()
          kernel.serverBodyPull(handle, id)
        },
        destroy(error, callback) {
          incoming.delete(id)
          callback(error)
        },
      })
      incoming.set(id, body)
      attachBodyStream(req, body)
    },
    forget(req) {
      const body = incoming.get(req.rawId)
      if (body === undefined) return
      incoming.delete(req.rawId)
      body.destroy()
    },
    events,
  }
}

/** One chunk of several: strings joined as a string (the kernel encodes it), else bytes. */
function joinChunks(chunks: ReadonlyArray<string | Buffer>): string | Buffer {
  if (chunks.every((chunk) => typeof chunk === 'string')) return (chunks as string[]).join('')
  return Buffer.concat(chunks.map((chunk) => (typeof chunk === 'string' ? Buffer.from(chunk) : chunk)))
}

function toChunk(value: StreamChunk): string | Buffer {
  if (typeof value === 'string' || Buffer.isBuffer(value)) return value
  if (value instanceof Uint8Array) return Buffer.from(value.buffer, value.byteOffset, value.byteLength)
  throw new TypeError(`A streamed reply yields strings or bytes (Buffer, Uint8Array); got ${value === null ? 'null' : typeof value}.`)
}
