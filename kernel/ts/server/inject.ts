/** @module server/inject — zero-network requests through the kernel's real router and limits, for tests. */
import { describe, invalid } from '../base/check.js'
import { VectoraError } from '../base/catalogue.js'
import { checkHeaderName, checkHeaderValue, parseHeaderList, type HeaderList } from '../http/headers.js'
import type { NativeKernel, ServerHandle } from '../internal/native.js'
import { checkMethod } from '../routing/route.js'

/** A request for `app.inject()`. */
export interface InjectOptions {
  /** Default `GET`. */
  method?: string
  /** Path and query (`/users/7?x=1`), or an absolute http(s) URL whose host becomes the `host` header. */
  url: string
  headers?: Readonly<Record<string, string | readonly string[]>>
  /** An object (not a Buffer/Uint8Array) is sent as JSON with `content-type: application/json` unless set. */
  body?: string | Buffer | Uint8Array | object
  /** The peer address the request appears to come from (`req.ip`). Default `127.0.0.1`. */
  remoteAddress?: string
}

/**
 * The response of `app.inject()`.
 *
 * @example
 * const res = await app.inject({ method: 'POST', url: '/echo', body: { a: 1 } })
 * res.status // 201
 * res.json() // { a: 1 }
 */
export class InjectResponse {
  readonly status: number
  /** Lower-case names; repeated fields joined with ', '. */
  readonly headers: Readonly<Record<string, string>>
  /** Every field in order, repeated ones (set-cookie) apart. */
  readonly rawHeaders: ReadonlyArray<readonly [name: string, value: string]>
  readonly body: Buffer

  constructor(status: number, rawHeaders: HeaderList, body: Buffer) {
    this.status = status
    this.rawHeaders = rawHeaders
    this.body = body
    const headers: Record<string, string> = Object.create(null)
    for (const [name, value] of rawHeaders) {
      const key = name.toLowerCase()
      headers[key] = headers[key] === undefined ? value : `${headers[key]}, ${value}`
    }
    this.headers = headers
  }

  /** The body decoded as utf-8. */
  text(): string {
    return this.body.toString('utf8')
  }

  /** The body parsed as JSON (throws a SyntaxError when it is not JSON). */
  json<T = unknown>(): T {
    return JSON.parse(this.text()) as T
  }
}

/** Sends one request through `native.serverInject` and wraps the answer. */
export async function inject(kernel: NativeKernel, handle: ServerHandle, options: InjectOptions): Promise<InjectResponse> {
  if (options === null || typeof options !== 'object') throw invalid('inject', 'an object with a url', options)
  const method = options.method === undefined ? 'GET' : checkMethod(options.method)
  let url = options.url
  let host = 'localhost'
  if (typeof url !== 'string' || /[\s\x00-\x1f\x7f]/.test(url)) throw invalid('url', 'a string without spaces or control characters', url)
  if (/^https?:\/\//i.test(url)) {
    const parsed = new URL(url)
    url = parsed.pathname + parsed.search
    host = parsed.host
  }
  if (!url.startsWith('/')) throw invalid('url', 'a path starting with "/" or an absolute http(s) URL', url)
  const remoteAddress = options.remoteAddress ?? '127.0.0.1'
  if (typeof remoteAddress !== 'string' || remoteAddress === '') throw invalid('remoteAddress', 'an IP address string', remoteAddress)

  const list: HeaderList = []
  const given = options.headers ?? {}
  if (given === null || typeof given !== 'object') throw invalid('headers', 'an object of name -> value', given)
  for (const name of Object.keys(given)) {
    const lower = checkHeaderName(name)
    const value = given[name]
    for (const item of Array.isArray(value) ? value : [value]) list.push([lower, checkHeaderValue(lower, item)])
  }
  const has = (name: string): boolean => list.some(([n]) => n === name)

  const body = toBody(options.body, has('content-type') ? undefined : list)
  if (!has('host')) list.push(['host', host])
  // No content-length here: the kernel sets it from the body, as hyper would for a real client.

  let block = ''
  for (const [name, value] of list) block += `${name}:${value}\n`
  const [status, headerBlock, responseBody] = await kernel.serverInject(handle, method, url, block, body, remoteAddress)
  return new InjectResponse(status, parseHeaderList(headerBlock), responseBody)
}

/** Encodes the body; an object becomes JSON and, when `list` is given (no content-type yet), sets it. */
function toBody(body: InjectOptions['body'], list: HeaderList | undefined): Buffer | undefined {
  if (body === undefined || body === null) return undefined
  if (typeof body === 'string') return Buffer.from(body, 'utf8')
  if (Buffer.isBuffer(body)) return body
  if (body instanceof Uint8Array) return Buffer.from(body.buffer, body.byteOffset, body.byteLength)
  if (typeof body !== 'object') {
    throw new VectoraError('VEC_ERR_INVALID_OPTION', `Option "body" must be a string, Buffer or object (got ${describe(body)}).`)
  }
  list?.push(['content-type', 'application/json'])
  return Buffer.from(JSON.stringify(body), 'utf8')
}
