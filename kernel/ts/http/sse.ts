/**
 * @module http/sse — Server-Sent Events (the WHATWG HTML event-stream format) as a streamed reply:
 * `reply.sse(events, options)` sends each event as it is produced, a comment line as a heartbeat while none
 * comes (so proxies keep the connection open), and the reconnection delay; `lastEventId(req)` is the id a
 * reconnecting `EventSource` sends back, to resume from.
 */
import { StreamBody, type StreamWriter } from './body.js'
import type { HeadersInit } from './headers.js'
import { Reply } from './reply.js'

/** One event. `data` that is not a string is sent as JSON. */
export interface SseEvent {
  data?: unknown
  /** The event type (`addEventListener(type)`); default `message`. */
  event?: string
  /** The id the client sends back as `Last-Event-ID` when it reconnects. */
  id?: string
  /** The client's reconnection delay from now on, ms. */
  retry?: number
  /** A comment line (ignored by clients). */
  comment?: string
}

/** Options of `reply.sse(events, options)`. */
export interface SseOptions {
  /** Ms between heartbeat comments while no event comes; 0 for none. Default 15 000. */
  heartbeat?: number
  /** The reconnection delay sent first (`retry:`), ms. */
  retry?: number
  /** Stops the stream (e.g. `req.signal`; a client that goes away stops it anyway). */
  signal?: AbortSignal
  headers?: HeadersInit
}

/**
 * An event-stream reply of `events` (an async iterable of `SseEvent`s or strings, each string one `data`
 * event): `text/event-stream`, no caching, no proxy buffering. When the client goes away the iterable's
 * `return()` runs (a generator's `finally`).
 *
 * @example
 * app.get('/ticks', (req) =>
 *   reply.sse((async function* () {
 *     for (let n = Number(lastEventId(req) ?? 0) + 1; ; n++) {
 *       await setTimeout(1000)
 *       yield { id: String(n), event: 'tick', data: { n } }
 *     }
 *   })()),
 * )
 */
export function sseReply(events: AsyncIterable<SseEvent | string>, options: SseOptions = {}): Reply {
  const heartbeat = options.heartbeat ?? 15_000
  if (!Number.isSafeInteger(heartbeat) || heartbeat < 0) throw new TypeError('reply.sse(): heartbeat must be an integer of ms >= 0.')
  if (options.retry !== undefined && (!Number.isSafeInteger(options.retry) || options.retry < 0))
    throw new TypeError('reply.sse(): retry must be an integer of ms >= 0.')
  if (events === null || typeof (events as { [Symbol.asyncIterator]?: unknown })[Symbol.asyncIterator] !== 'function')
    throw new TypeError('reply.sse() needs an async iterable of events (an async generator, say).')
  const cut = new AbortController()
  const signal = options.signal === undefined ? cut.signal : AbortSignal.any([cut.signal, options.signal])
  const stream = new EventStream(events, heartbeat, options.retry, signal)
  const body = new StreamBody(stream, { cancel: () => cut.abort(), push: (writer) => stream.attach(writer) })
  return sseHeaders(new Reply(200, body, options.headers))
}

/**
 * Gives an event-stream reply its headers where the app set none: `text/event-stream`, no caching, no proxy
 * buffering (nginx's `X-Accel-Buffering`). Returns `reply`.
 *
 * @example
 * sseHeaders(new Reply(200, body)).headerList // [['content-type', 'text/event-stream; charset=utf-8'], ...]
 */
export function sseHeaders(reply: Reply): Reply {
  const has = (name: string): boolean => reply.headerList.some(([n]) => n === name)
  if (!has('content-type')) reply.headerList.push(['content-type', 'text/event-stream; charset=utf-8'])
  if (!has('cache-control')) reply.headerList.push(['cache-control', 'no-cache'])
  if (!has('x-accel-buffering')) reply.headerList.push(['x-accel-buffering', 'no'])
  return reply
}

/** The `Last-Event-ID` a reconnecting client sent, or undefined. */
export function lastEventId(req: { header(name: string): string | undefined }): string | undefined {
  return req.header('last-event-id')
}

/** The wire form of one event (ends with the blank line). Throws a TypeError for a field with a line break. */
export function formatSseEvent(input: SseEvent | string): string {
  const event: SseEvent = typeof input === 'string' ? { data: input } : input
  let out = ''
  if (event.comment !== undefined) for (const line of String(event.comment).split(/\r\n|\r|\n/)) out += `: ${line}\n`
  if (event.event !== undefined) out += `event: ${single('event', event.event)}\n`
  if (event.id !== undefined) {
    if (event.id.includes('\0')) throw new TypeError('An SSE event id may not contain NUL.')
    out += `id: ${single('id', event.id)}\n`
  }
  if (event.retry !== undefined) out += `retry: ${Math.max(0, Math.floor(event.retry))}\n`
  if (event.data !== undefined) {
    const text = typeof event.data === 'string' ? event.data : JSON.stringify(event.data)
    if (!text.includes('\n') && !text.includes('\r')) out += `data: ${text}\n`
    else for (const line of text.split(LINE_BREAK)) out += `data: ${line}\n`
  }
  return `${out}\n`
}

function single(field: string, value: string): string {
  if (/[\r\n]/.test(value)) throw new TypeError(`An SSE event ${field} may not contain a line break.`)
  return value
}

const DONE: IteratorReturnResult<undefined> = Object.freeze({ done: true, value: undefined })
const LINE_BREAK = /\r\n|\r|\n/

/**
 * The event stream: events as they come, formatted; a heartbeat comment after `heartbeat` ms of silence; done when
 * `signal` aborts or the events end. A hand-written iterator rather than an async generator: per event it costs the
 * source's own step, one reaction and one promise (a generator adds its own queue and awaits), and it holds nothing
 * per past event. One timer for the whole stream, re-armed by each event; one abort listener.
 */
class EventStream implements AsyncIterableIterator<string> {
  readonly #source: AsyncIterator<SseEvent | string>
  readonly #signal: AbortSignal
  readonly #timer: NodeJS.Timeout | undefined
  #retry: number | undefined
  /** A source step is under way. */
  #pulling = false
  /** The source gave a result (or failed) while nobody waited: a heartbeat answered the wait first. */
  #hasReady = false
  #readyResult: IteratorResult<SseEvent | string> | undefined
  #readyError: unknown
  #beatDue = false
  #ended = false
  /** The timer, the abort listener and the source are released. */
  #closed = false
  /** Push mode (the kernel's writer took the stream): events are written as the source gives them. */
  #writer: StreamWriter | undefined
  /** Push mode: the client's pipe is full; the source is not stepped until it drains. */
  #full = false
  /** The consumer's wait for the next chunk. */
  #resolve: ((result: IteratorResult<string>) => void) | undefined
  #reject: ((error: unknown) => void) | undefined
  readonly #onAbort = (): void => this.#answer(DONE)
  readonly #onResult = (result: IteratorResult<SseEvent | string>): void => this.#pulled(result, undefined)
  readonly #onError = (error: unknown): void => this.#pulled(undefined, error)

  constructor(events: AsyncIterable<SseEvent | string>, heartbeat: number, retry: number | undefined, signal: AbortSignal) {
    this.#source = events[Symbol.asyncIterator]()
    this.#signal = signal
    this.#retry = retry
    if (signal.aborted) this.#ended = true
    else signal.addEventListener('abort', this.#onAbort, { once: true })
    if (heartbeat > 0) {
      this.#timer = setTimeout(() => {
        this.#beatDue = true
        if (this.#writer !== undefined) {
          // A full pipe is data on its way: no beat is needed then.
          if (!this.#full) this.#full = !this.#writer.write(this.#beat().value)
          else this.#beat()
        } else if (this.#resolve !== undefined) this.#answer(this.#beat())
      }, heartbeat)
      // A heartbeat alone never keeps the process alive (the connection does).
      this.#timer.unref()
    }
  }

  [Symbol.asyncIterator](): this {
    return this
  }

  next(): Promise<IteratorResult<string>> {
    if (this.#ended) return Promise.resolve(this.#end())
    if (this.#retry !== undefined) {
      const retry = this.#retry
      this.#retry = undefined
      return Promise.resolve({ done: false, value: `retry: ${retry}\n\n` })
    }
    if (this.#hasReady) {
      const result = this.#readyResult
      const error = this.#readyError
      this.#hasReady = false
      this.#readyResult = this.#readyError = undefined
      try {
        return Promise.resolve(this.#chunk(result, error))
      } catch (failure) {
        return Promise.reject(failure)
      }
    }
    if (this.#beatDue) return Promise.resolve(this.#beat())
    if (!this.#pulling) {
      this.#pulling = true
      this.#source.next().then(this.#onResult, this.#onError)
    }
    return new Promise((resolve, reject) => {
      this.#resolve = resolve
      this.#reject = reject
    })
  }

  return(): Promise<IteratorResult<string>> {
    return Promise.resolve(this.#end())
  }

  /**
   * Push mode, taken when the kernel sends the reply itself: each event the source gives is formatted and written at
   * once, and the source is stepped again unless the pipe is full (then on its drain) — no promise of this
   * iterator's and no await of the pump's per event. The iterator stays for a reader that is not the writer.
   */
  attach(writer: StreamWriter): void {
    this.#writer = writer
    writer.onDrain = () => {
      this.#full = false
      this.#step()
    }
    if (this.#ended) {
      this.#end()
      return
    }
    if (this.#retry !== undefined) {
      const retry = this.#retry
      this.#retry = undefined
      this.#full = !writer.write(`retry: ${retry}\n\n`)
    }
    this.#step()
  }

  /** Push mode: asks the source for its next event, unless one is being asked for or the pipe is full. */
  #step(): void {
    if (this.#ended || this.#full || this.#pulling) return
    this.#pulling = true
    this.#source.next().then(this.#onResult, this.#onError)
  }

  /** Push mode: writes what the source gave, then steps it again; its end ends the reply, its error cuts it. */
  #pushed(writer: StreamWriter, result: IteratorResult<SseEvent | string> | undefined, error: unknown): void {
    if (result === undefined) {
      this.#failPush(writer, error)
      return
    }
    if (result.done === true) {
      this.#end()
      return
    }
    let text: string
    try {
      text = formatSseEvent(result.value)
    } catch (failure) {
      this.#failPush(writer, failure)
      return
    }
    this.#timer?.refresh()
    this.#full = !writer.write(text)
    this.#step()
  }

  /** Push mode: the source (or an event's format) failed: the reply is cut and the error logged, then all is released. */
  #failPush(writer: StreamWriter, error: unknown): void {
    this.#writer = undefined
    writer.fail(error)
    this.#end()
  }

  #pulled(result: IteratorResult<SseEvent | string> | undefined, error: unknown): void {
    this.#pulling = false
    if (this.#ended) return
    if (this.#writer !== undefined) {
      this.#pushed(this.#writer, result, error)
      return
    }
    const resolve = this.#resolve
    const reject = this.#reject
    if (resolve === undefined) {
      this.#hasReady = true
      this.#readyResult = result
      this.#readyError = error
      return
    }
    this.#resolve = this.#reject = undefined
    try {
      resolve(this.#chunk(result, error))
    } catch (failure) {
      reject!(failure)
    }
  }

  /** The chunk of what the source gave: the formatted event or the end; throws its error (or a formatting one). */
  #chunk(result: IteratorResult<SseEvent | string> | undefined, error: unknown): IteratorResult<string> {
    if (result === undefined) {
      this.#end()
      throw error
    }
    if (result.done === true) return this.#end()
    this.#timer?.refresh()
    try {
      return { done: false, value: formatSseEvent(result.value) }
    } catch (failure) {
      this.#end()
      throw failure
    }
  }

  #beat(): IteratorResult<string> {
    this.#beatDue = false
    this.#timer!.refresh()
    return { done: false, value: ':\n\n' }
  }

  /** Answers the consumer's wait, if there is one. */
  #answer(result: IteratorResult<string>): void {
    const resolve = this.#resolve
    this.#resolve = this.#reject = undefined
    if (result.done === true) this.#end()
    resolve?.(result)
  }

  #end(): IteratorResult<string> {
    this.#ended = true
    if (!this.#closed) {
      this.#closed = true
      // Push mode: the reply ends after what was written (a no-op once the kernel cut it).
      this.#writer?.end()
      clearTimeout(this.#timer)
      this.#signal.removeEventListener('abort', this.#onAbort)
      // Not awaited: a producer suspended in its own await finishes that first (its `finally` runs then).
      this.#source.return?.()?.then(undefined, () => {})
    }
    return DONE
  }
}
