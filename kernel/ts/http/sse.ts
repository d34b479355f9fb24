/**
 * @module http/sse — Server-Sent Events (the WHATWG HTML event-stream format) as a streamed reply:
 * `reply.sse(events, options)` sends each event as it is produced, a comment line as a heartbeat while none
 * comes (so proxies keep the connection open), and the reconnection delay; `lastEventId(req)` is the id a
 * reconnecting `EventSource` sends back, to resume from.
 */
import { StreamBody } from './body.js'
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
  const body = new StreamBody(eventStream(events, heartbeat, options.retry, signal), { cancel: () => cut.abort() })
  const reply = new Reply(200, body, options.headers)
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
    for (const line of text.split(/\r\n|\r|\n/)) out += `data: ${line}\n`
  }
  return `${out}\n`
}

function single(field: string, value: string): string {
  if (/[\r\n]/.test(value)) throw new TypeError(`An SSE event ${field} may not contain a line break.`)
  return value
}

const BEAT = Symbol('beat')
const STOP = Symbol('stop')
type Woken = IteratorResult<SseEvent | string> | typeof BEAT | typeof STOP

/**
 * The event stream: events as they come, a heartbeat comment after `heartbeat` ms of silence. One timer for the
 * whole stream (re-armed by each event) and one abort listener: a long stream allocates one promise per event and
 * holds nothing per past event (a `Promise.race` against the same abort promise each time would keep a reaction
 * per event until the stream ends).
 */
async function* eventStream(
  events: AsyncIterable<SseEvent | string>,
  heartbeat: number,
  retry: number | undefined,
  signal: AbortSignal,
): AsyncGenerator<string> {
  const iterator = events[Symbol.asyncIterator]()
  let wake: ((woken: Woken) => void) | undefined
  let beatDue = false
  const onAbort = (): void => wake?.(STOP)
  signal.addEventListener('abort', onAbort, { once: true })
  const timer =
    heartbeat > 0
      ? setTimeout(() => {
          beatDue = true
          wake?.(BEAT)
        }, heartbeat)
      : undefined
  // A heartbeat timer alone never keeps the process alive (drain ends the stream anyway).
  timer?.unref()
  try {
    if (retry !== undefined) yield `retry: ${retry}\n\n`
    let next = iterator.next()
    for (;;) {
      if (signal.aborted) return
      if (beatDue) {
        beatDue = false
        timer!.refresh()
        yield ':\n\n'
        continue
      }
      const got = await new Promise<Woken>((resolve, reject) => {
        wake = resolve
        next.then(resolve, reject)
      })
      wake = undefined
      if (got === STOP) return
      if (got === BEAT) continue
      if (got.done === true) return
      timer?.refresh()
      yield formatSseEvent(got.value)
      next = iterator.next()
    }
  } finally {
    clearTimeout(timer)
    signal.removeEventListener('abort', onAbort)
    // Not awaited: a producer suspended in its own await finishes that first (its `finally` runs then).
    iterator.return?.()?.then(undefined, () => {})
  }
}
