/**
 * @module http/sse-channel — Server-Sent Events pushed by the app: `new SseChannel(options)` is a client's event
 * stream that code anywhere writes to (`channel.send(event)`), the shape of a fan-out (chat, notifications, live
 * prices), where `reply.sse(events)` pulls from one async iterable per client. A send is a string joining the
 * channel's queue; what one turn sends crosses into the kernel in one call, with no iterator or promise per event.
 *
 * A client that stops reading fills its pipe: sends then wait in the channel, up to `maxBuffered` characters;
 * past that the client is dropped (it reconnects with `Last-Event-ID`), so one slow reader never grows memory
 * without bound nor holds the others back.
 */
import { type StreamWriter, StreamBody } from './body.js'
import type { HeadersInit } from './headers.js'
import { Reply } from './reply.js'
import { formatSseEvent, type SseEvent, sseHeaders } from './sse.js'

/** Options of `new SseChannel(options)`. */
export interface SseChannelOptions {
  /** Ms between heartbeat comments while nothing is sent; 0 for none. Default 15 000. */
  heartbeat?: number
  /** The reconnection delay sent first (`retry:`), ms. */
  retry?: number
  /** What may wait for a client that does not read, in characters of event text. Default 1 MiB (1 048 576). */
  maxBuffered?: number
  headers?: HeadersInit
}

const DONE: IteratorReturnResult<undefined> = Object.freeze({ done: true, value: undefined })

/**
 * One client's event stream, written to from anywhere: return `channel.reply` from the handler, keep the
 * channel, `send()` to it. It closes when the client goes away, when `close()` is called, or when the client
 * falls `maxBuffered` behind; `onClose` listeners run once then.
 *
 * @example
 * const clients = new Set<SseChannel>()
 * app.get('/events', () => {
 *   const channel = new SseChannel({ retry: 2000 })
 *   clients.add(channel)
 *   channel.onClose(() => clients.delete(channel))
 *   return channel.reply
 * })
 * app.post('/announce', (req) => {
 *   for (const client of clients) client.send({ event: 'news', data: req.body })
 *   return { sent: clients.size }
 * })
 */
export class SseChannel {
  /** The reply to return from the handler (once). */
  readonly reply: Reply
  readonly #maxBuffered: number
  readonly #timer: NodeJS.Timeout | undefined
  /** Text waiting: before the reply is sent, while the pipe is full, or for the iterator view. */
  #backlog: string[] = []
  #backlogSize = 0
  #writer: StreamWriter | undefined
  /** The writer said the client's pipe is full: text waits in the backlog until it drains. */
  #full = false
  /** `close()` was called: end once the backlog is written. */
  #ending = false
  #closed = false
  #listeners: Array<() => void> = []
  /** The iterator view's consumer waiting for text (inject, or an onSend hook that replaced the body). */
  #waiting: ((result: IteratorResult<string>) => void) | undefined

  constructor(options: SseChannelOptions = {}) {
    const heartbeat = options.heartbeat ?? 15_000
    if (!Number.isSafeInteger(heartbeat) || heartbeat < 0) throw new TypeError('SseChannel: heartbeat must be an integer of ms >= 0.')
    if (options.retry !== undefined && (!Number.isSafeInteger(options.retry) || options.retry < 0))
      throw new TypeError('SseChannel: retry must be an integer of ms >= 0.')
    const maxBuffered = options.maxBuffered ?? 1024 * 1024
    if (!Number.isSafeInteger(maxBuffered) || maxBuffered < 1) throw new TypeError('SseChannel: maxBuffered must be an integer >= 1.')
    this.#maxBuffered = maxBuffered
    if (options.retry !== undefined) this.#queue(`retry: ${options.retry}\n\n`)
    if (heartbeat > 0) {
      this.#timer = setTimeout(() => {
        this.#text(':\n\n')
      }, heartbeat)
      // A heartbeat alone never keeps the process alive (the connection does).
      this.#timer.unref()
    }
    const body = new StreamBody(this.#iterable(), { cancel: () => this.#close(), push: (writer) => this.#attach(writer) })
    this.reply = new Reply(200, body, options.headers)
    sseHeaders(this.reply)
  }

  /**
   * Sends one event (a string is one `data` event). False once the channel is closed, or when the event had to
   * wait (the client's pipe is full, or the reply is not sent yet): it goes out in order later. Throws a
   * TypeError for a field with a line break, as `formatSseEvent` does.
   */
  send(event: SseEvent | string): boolean {
    if (this.#closed || this.#ending) return false
    return this.#text(formatSseEvent(event))
  }

  /** Ends the stream after what was sent. */
  close(): void {
    if (this.#closed || this.#ending) return
    this.#ending = true
    this.#flush()
  }

  /** True once the stream ended (client gone, `close()` done, or dropped for falling behind). */
  get closed(): boolean {
    return this.#closed
  }

  /** Runs `listener` once when the stream ends (at once if it already has). */
  onClose(listener: () => void): void {
    if (this.#closed) listener()
    else this.#listeners.push(listener)
  }

  /** Writes `text` now if the client can take it, else queues it; drops a client that falls too far behind. */
  #text(text: string): boolean {
    this.#timer?.refresh()
    const writer = this.#writer
    if (writer !== undefined && !this.#full && this.#backlog.length === 0) {
      if (writer.write(text)) return true
      this.#full = true
      return false
    }
    this.#queue(text)
    if (this.#backlogSize > this.#maxBuffered) {
      // Too far behind: drop the client rather than hold ever more for it.
      this.#writer?.end(true)
      this.#close()
    }
    return false
  }

  #queue(text: string): void {
    this.#backlog.push(text)
    this.#backlogSize += text.length
    const waiting = this.#waiting
    if (waiting !== undefined) {
      this.#waiting = undefined
      waiting({ done: false, value: this.#take() })
    }
  }

  /** The whole backlog as one string. */
  #take(): string {
    const text = this.#backlog.length === 1 ? this.#backlog[0]! : this.#backlog.join('')
    this.#backlog = []
    this.#backlogSize = 0
    return text
  }

  /** The stream crossing's writer arrived (the head is sent): what waited goes first. */
  #attach(writer: StreamWriter): void {
    if (this.#closed) {
      writer.end(true)
      return
    }
    this.#writer = writer
    writer.onDrain = () => {
      this.#full = false
      this.#flush()
    }
    this.#flush()
  }

  /** Writes the backlog while the pipe takes it; ends the stream once `close()` was called and all is out. */
  #flush(): void {
    const writer = this.#writer
    if (writer === undefined || this.#closed) {
      if (this.#ending && this.#backlog.length === 0) this.#wakeDone()
      return
    }
    if (this.#full) return
    if (this.#backlog.length > 0 && !writer.write(this.#take())) {
      this.#full = true
      return
    }
    if (this.#ending) {
      writer.end()
      this.#close()
    }
  }

  #wakeDone(): void {
    const waiting = this.#waiting
    this.#waiting = undefined
    waiting?.(DONE)
  }

  #close(): void {
    if (this.#closed) return
    this.#closed = true
    this.#ending = false
    clearTimeout(this.#timer)
    this.#backlog = []
    this.#backlogSize = 0
    this.#wakeDone()
    const listeners = this.#listeners
    this.#listeners = []
    for (const listener of listeners) {
      try {
        listener()
      } catch (error) {
        // The others still run; the stream is already closed, so the error has no request to answer.
        process.emitWarning(error instanceof Error ? error : new Error(String(error)), { code: 'VECTORA_SSE_ONCLOSE' })
      }
    }
  }

  /** The same stream as chunks, for a reader that is not the kernel's writer (inject, an onSend transform). */
  #iterable(): AsyncIterable<string> {
    const next = (): Promise<IteratorResult<string>> => {
      if (this.#backlog.length > 0) return Promise.resolve({ done: false, value: this.#take() })
      if (this.#closed || this.#ending) {
        if (this.#ending) this.#close()
        return Promise.resolve(DONE)
      }
      return new Promise((resolve) => (this.#waiting = resolve))
    }
    const iterator: AsyncIterableIterator<string> = {
      next,
      return: () => {
        this.#close()
        return Promise.resolve(DONE)
      },
      [Symbol.asyncIterator]: () => iterator,
    }
    return iterator
  }
}
