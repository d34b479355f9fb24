/** @module http/reply — the Reply class, the `reply` helpers, and how handler return values become responses. */
import { FileBody, isStreamSource, StreamBody, type StreamSource } from './body.js'
import { httpError } from './errors.js'
import {
  checkHeaderValue,
  checkResponseHeaderName,
  setHeader,
  toHeaderBlock,
  toResponseHeaderList,
  type HeaderList,
  type HeaderValue,
  type HeadersInit,
} from './headers.js'

/** Status and headers for the reply helpers. */
export interface ReplyInit {
  status?: number
  headers?: HeadersInit
}

const JSON_TYPE = 'application/json; charset=utf-8'
const TEXT_TYPE = 'text/plain; charset=utf-8'
const HTML_TYPE = 'text/html; charset=utf-8'
const OCTET_TYPE = 'application/octet-stream'

const JSON_BLOCK = `content-type:${JSON_TYPE}\n`
const TEXT_BLOCK = `content-type:${TEXT_TYPE}\n`
const OCTET_BLOCK = `content-type:${OCTET_TYPE}\n`

/** What `Reply#json` serialized, so a route's response contract can check a `reply.json(...)` body too. */
let jsonSourceFriend: (reply: Reply) => { readonly value: unknown; readonly body: string } | undefined

/**
 * A response: status, ordered headers (lower-case names) and a body. Built by the `reply` helpers;
 * `header()`/`headers()` validate at the call site (VEC_ERR_INVALID_HEADER) and chain.
 *
 * @example
 * return reply.status(201).header('location', '/users/7').json({ id: 7 })
 */
export class Reply {
  status: number
  /**
   * Bytes (a string is sent as utf-8), a `StreamBody` produced while it is sent, a `FileBody` the kernel reads,
   * or undefined for none. onSend hooks may replace it (a compression hook wraps a stream's chunks).
   */
  body: ReplyBody
  /** The header fields in order, names lower-case. Use `header()` to change them (it validates). */
  readonly headerList: HeaderList
  /** What `json()` serialized (value and text), for the route's response contract; see `jsonSourceOf`. */
  #jsonSource: { readonly value: unknown; readonly body: string } | undefined

  constructor(status = 200, body?: string | Buffer | Uint8Array | StreamBody | FileBody, headers?: HeadersInit) {
    this.status = checkStatus(status, 200, 599)
    this.body = toBody(body)
    this.headerList = toResponseHeaderList(headers)
  }

  /** Sets a header (replacing earlier values; `set-cookie` accumulates). Arrays set repeated fields. */
  header(name: string, value: HeaderValue): this {
    setHeader(this.headerList, checkResponseHeaderName(name), value)
    return this
  }

  /** Sets several headers. */
  headers(headers: HeadersInit): this {
    toResponseHeaderList(headers, this.headerList)
    return this
  }

  /** Sets a JSON body (`application/json; charset=utf-8`). A BigInt or a cycle throws 500 VEC_ERR_SERIALIZE. */
  json(value: unknown): this {
    const body = serializeJson(value)
    this.body = body
    this.#jsonSource = { value, body }
    return this.header('content-type', JSON_TYPE)
  }

  /** Sets a text body (`text/plain; charset=utf-8`). */
  text(text: string): this {
    this.body = String(text)
    return this.header('content-type', TEXT_TYPE)
  }

  /** Sets an HTML body (`text/html; charset=utf-8`). The caller escapes what it interpolates. */
  html(html: string): this {
    this.body = String(html)
    return this.header('content-type', HTML_TYPE)
  }

  /**
   * Any handler-style value as a Reply, built directly (no header block in between): a Reply stays itself (so
   * onSend hooks see and edit the same object), an object/array/number/boolean/null becomes JSON, a string
   * text/plain, bytes application/octet-stream. `undefined` throws VEC_ERR_NO_RESPONSE, a value JSON cannot
   * hold VEC_ERR_SERIALIZE.
   *
   * @example
   * Reply.from({ ok: true }).headerList // [['content-type', 'application/json; charset=utf-8']]
   */
  static from(value: unknown): Reply {
    if (value instanceof Reply) return value
    let reply: Reply
    if (typeof value === 'string') {
      reply = new Reply(200, value)
      reply.headerList.push(['content-type', TEXT_TYPE])
    } else if (value instanceof Uint8Array) {
      reply = new Reply(200, value)
      reply.headerList.push(['content-type', OCTET_TYPE])
    } else if (value === undefined) {
      throw httpError('VEC_ERR_NO_RESPONSE')
    } else if (isStreamSource(value)) {
      reply = new Reply(200, new StreamBody(value))
      reply.headerList.push(['content-type', OCTET_TYPE])
    } else {
      reply = new Reply(200, serializeJson(value))
      reply.headerList.push(['content-type', JSON_TYPE])
    }
    return reply
  }

  /** The kernel's header block for this reply (a constant for the usual lone content-type: no string to build). */
  toHeaderBlock(): string {
    const list = this.headerList
    if (list.length === 1 && list[0]![0] === 'content-type') {
      const type = list[0]![1]
      if (type === JSON_TYPE) return JSON_BLOCK
      if (type === TEXT_TYPE) return TEXT_BLOCK
    }
    return toHeaderBlock(list)
  }

  static {
    jsonSourceFriend = (reply) => reply.#jsonSource
  }
}

/**
 * Reply helpers. Handlers may also return plain values: an object, array, number, boolean or null
 * becomes JSON, a string text/plain, a Buffer application/octet-stream. `undefined` is refused (500
 * VEC_ERR_NO_RESPONSE): return `reply.empty()` for a 204.
 *
 * @example
 * app.post('/echo', async (req) => reply.json(await req.json(), { status: 201 }))
 * app.get('/old', () => reply.redirect('/new', 301))
 */
export const reply = {
  /** JSON body; default status 200. */
  json: (value: unknown, init?: ReplyInit): Reply => withInit(init).json(value),
  /** text/plain body. */
  text: (text: string, init?: ReplyInit): Reply => withInit(init).text(text),
  /** text/html body. */
  html: (html: string, init?: ReplyInit): Reply => withInit(init).html(html),
  /** Redirect to `url` (validated as a header value) with a 3xx status, 302 by default. */
  redirect(url: string, status = 302): Reply {
    checkStatus(status, 300, 399)
    return new Reply(status).header('location', checkHeaderValue('location', url))
  },
  /** No body; 204 by default. */
  empty: (status = 204): Reply => new Reply(status),
  /** An empty reply with `status`, to chain `.header()`, `.json()`... on. */
  status: (status: number): Reply => new Reply(status),
  /**
   * A streamed body: a Node Readable, a web ReadableStream or an async iterable of chunks (Buffers, Uint8Arrays,
   * strings), sent chunked as it is produced, with backpressure (the producer waits while the client is slow).
   * A client that goes away aborts `req.signal` and destroys the source. Default content-type
   * application/octet-stream.
   *
   * @example
   * app.get('/export.csv', () => reply.stream(rows(), { headers: { 'content-type': 'text/csv' } }))
   */
  stream(source: StreamSource, init?: ReplyInit): Reply {
    const out = withInit(init)
    out.body = new StreamBody(source)
    if (!out.headerList.some(([name]) => name === 'content-type')) out.headerList.push(['content-type', OCTET_TYPE])
    return out
  },
}

/** What a reply's body may be. */
export type ReplyBody = string | Buffer | StreamBody | FileBody | undefined

function withInit(init: ReplyInit | undefined): Reply {
  return new Reply(init?.status ?? 200, undefined, init?.headers)
}

function checkStatus(status: number, min: number, max: number): number {
  if (!Number.isInteger(status) || status < min || status > max) {
    throw new TypeError(`Reply status must be an integer from ${min} to ${max} (got ${String(status)}).`)
  }
  return status
}

function toBody(body: string | Buffer | Uint8Array | StreamBody | FileBody | undefined): ReplyBody {
  if (body === undefined || typeof body === 'string' || Buffer.isBuffer(body)) return body
  if (body instanceof StreamBody || body instanceof FileBody) return body
  if (body instanceof Uint8Array) return Buffer.from(body.buffer, body.byteOffset, body.byteLength)
  throw new TypeError('Reply body must be a string, a Buffer, a Uint8Array, a StreamBody, a FileBody or undefined.')
}

/** JSON.stringify that turns a failure (BigInt, cycle, nothing serializable) into 500 VEC_ERR_SERIALIZE. */
export function serializeJson(value: unknown): string {
  let json: string | undefined
  try {
    json = JSON.stringify(value)
  } catch (cause) {
    throw httpError('VEC_ERR_SERIALIZE', undefined, { cause })
  }
  if (json === undefined) {
    throw httpError('VEC_ERR_SERIALIZE', undefined, { cause: new TypeError(`JSON.stringify() returned nothing for a ${typeof value}.`) })
  }
  return json
}

/**
 * The value a reply's JSON body was serialized from, or undefined when its body is not (or no longer)
 * that JSON (`text()`, `html()` or a direct `body` assignment came after).
 */
export function jsonSourceOf(reply: Reply): { readonly value: unknown } | undefined {
  const source = jsonSourceFriend(reply)
  return source !== undefined && source.body === reply.body ? source : undefined
}

/** A response ready for `native.serverRespond`. One mutable instance is reused by the dispatcher. */
export interface Wire {
  status: number
  headers: string
  body: ReplyBody
}

/**
 * Writes the response for a handler's return value into `out` (no allocation beyond the body).
 * Throws VEC_ERR_SERIALIZE (an HttpError) when the value is not JSON-serializable, VEC_ERR_NO_RESPONSE
 * for `undefined`.
 */
export function toWire(value: unknown, out: Wire): void {
  if (typeof value === 'object' && value !== null) {
    if (value instanceof Reply) {
      out.status = value.status
      out.headers = value.toHeaderBlock()
      out.body = value.body
      return
    }
    if (value instanceof Uint8Array) {
      out.status = 200
      out.headers = OCTET_BLOCK
      out.body = Buffer.isBuffer(value) ? value : Buffer.from(value.buffer, value.byteOffset, value.byteLength)
      return
    }
    if (isStreamSource(value)) {
      out.status = 200
      out.headers = OCTET_BLOCK
      out.body = new StreamBody(value)
      return
    }
  } else if (typeof value === 'string') {
    out.status = 200
    out.headers = TEXT_BLOCK
    out.body = value
    return
  } else if (value === undefined) {
    // No silent 204: the dispatcher names the route; this covers any other path to here.
    throw httpError('VEC_ERR_NO_RESPONSE')
  }
  out.body = serializeJson(value)
  out.status = 200
  out.headers = JSON_BLOCK
}
