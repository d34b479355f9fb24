/** @module http/request — the request handed to handlers: built cheaply, every part parsed on first access. */
import { Readable } from 'node:stream'
import { httpError } from './errors.js'
import { parseHeaderBlock } from './headers.js'
import { METHODS, type NativeKernel, type ServerHandle } from '../internal/native.js'

/** What a request needs from its app: the kernel (for the peer address), the id prefix and the services. */
export interface RequestContext {
  readonly kernel: NativeKernel
  readonly handle: ServerHandle
  readonly idPrefix: string
  /** Tells the client IP from the peer and X-Forwarded-For (`trustProxy`); absent = the peer. */
  readonly clientIp?: (peer: string | undefined, forwarded: string | undefined) => string | undefined
  /** Tells the scheme from the peer and X-Forwarded-Proto (`trustProxy`); absent = `http`. */
  readonly protocol?: (peer: string | undefined, forwardedProto: string | undefined) => 'http' | 'https'
  /** Creates the request scope of the app's container (set once the plugin host is ready). */
  readonly createScope?: () => RequestServices
}

/** What a request knows of the route it matched: the declared pattern and its parameter names. */
export interface MatchedRoute {
  /** The pattern as declared, group prefixes included (`/users/:id`). */
  readonly path: string
  readonly paramNames: readonly string[]
  /** The route's `config` option, frozen. */
  readonly config?: Readonly<RouteConfig> | undefined
}

/**
 * A route's `config` option: values for the hooks and plugins on it to read (`req.routeConfig`), such as a
 * plugin's per-route setting. A plugin types its own keys by augmenting this interface:
 *
 * @example
 * declare module 'vectora' {
 *   interface RouteConfig { audit?: 'off' | 'full' }
 * }
 * app.post('/payments', { config: { audit: 'full' } }, pay)
 * app.addHook('onResponse', (req) => { if (req.routeConfig?.audit === 'full') audit(req) })
 */
export interface RouteConfig {
  [key: string]: unknown
}

const UNMATCHED: MatchedRoute = { path: '', paramNames: [] }

/** The request's service scope (see container.ts): created on first use, disposed when the request ends. */
export interface RequestServices {
  resolve<T = unknown>(token: string): T
  resolveAll(tokens: readonly string[]): Record<string, unknown>
  dispose(): Promise<Error[]>
}

/**
 * Fields plugins add to every request (`decorateRequest`). Plugins augment this interface so the fields are
 * typed on `req`:
 *
 * @example
 * declare module 'vectora' {
 *   interface RequestDecorations { auth?: { subject: string } }
 * }
 */
export interface RequestDecorations {}

/** Values the validate phase produced from the route's contracts (contract.ts). */
export interface ValidatedParts {
  params?: unknown
  query?: unknown
  headers?: unknown
  body?: unknown
}

const EMPTY_BODY = Buffer.alloc(0)
const UNSET: unique symbol = Symbol('unset')
let abortFriend: (req: VectoraRequest<object>, reason: unknown) => boolean
let validatedFriend: (req: VectoraRequest<object>, parts: ValidatedParts) => void
let scopeFriend: (req: VectoraRequest<object>) => RequestServices | undefined
let idFriend: (req: VectoraRequest<object>, id: string) => void
let flowFriend: (req: VectoraRequest<object>, flow: unknown) => unknown
let jsonBodyFriend: (req: VectoraRequest<object>) => unknown
let streamFriend: (req: VectoraRequest<object>, stream: Readable) => void

/**
 * An incoming request. Construction only stores what the kernel sent; `headers`, `query`, `params`,
 * `ip`, `id`, `signal` and the body are computed on first access and cached.
 *
 * @example
 * app.post('/users/:id', async (req) => {
 *   const patch = await req.json<{ name: string }>()
 *   return { id: req.params.id, name: patch.name, agent: req.header('user-agent') }
 * })
 */
// Declaration merging: the class gets every field plugins declare on RequestDecorations.
// biome-ignore lint/correctness/noUnusedVariables: a merged interface must repeat the class's type parameters
export interface VectoraRequest<P extends object = Record<string, string>> extends RequestDecorations {}

export class VectoraRequest<P extends object = Record<string, string>> {
  /** The request target as received: path and query, still percent-encoded. */
  readonly url: string
  readonly #ctx: RequestContext
  readonly #id: number
  readonly #method: number
  readonly #otherMethod: string | undefined
  readonly #headerBlock: string
  #body: Buffer | undefined
  /** The body as it arrives, on a `body: 'stream'` route (server/stream.ts attaches it). */
  #stream: Readable | undefined
  readonly #rawParams: string[] | undefined
  readonly #route: MatchedRoute
  /** An id a plugin assigned (a trusted incoming X-Request-Id): see `assignRequestId`. */
  #assignedId: string | undefined
  #headers: Record<string, string> | undefined
  #query: Record<string, string | string[]> | undefined
  #params: P | undefined
  #ip: string | null | undefined
  #controller: AbortController | undefined
  #aborted = false
  #abortReason: unknown
  #text: string | undefined
  #json: unknown = UNSET
  #valid: ValidatedParts | undefined
  #scope: RequestServices | undefined
  /** The pipeline run's state (pipeline/run.ts), kept on the request: a WeakMap entry costs GC work per request. */
  #flow: unknown

  constructor(
    ctx: RequestContext,
    id: number,
    method: number,
    url: string,
    headerBlock: string,
    body: Buffer | undefined,
    rawParams: string[] | undefined,
    route: MatchedRoute | undefined,
    otherMethod?: string,
  ) {
    this.#ctx = ctx
    this.#id = id
    this.#method = method
    this.url = url
    this.#headerBlock = headerBlock
    this.#body = body
    this.#rawParams = rawParams
    this.#route = route ?? UNMATCHED
    this.#otherMethod = otherMethod
  }

  /** The method, upper-case (`GET`). */
  get method(): string {
    return METHODS[this.#method] ?? this.#otherMethod ?? 'GET'
  }

  /** The path part of `url`, still percent-encoded. */
  get path(): string {
    const q = this.url.indexOf('?')
    return q === -1 ? this.url : this.url.slice(0, q)
  }

  /** The query string parsed (URLSearchParams rules); repeated keys become arrays. Null-prototype object. */
  get query(): Record<string, string | string[]> {
    if (this.#valid?.query !== undefined) return this.#valid.query as Record<string, string | string[]>
    if (this.#query === undefined) {
      const query: Record<string, string | string[]> = Object.create(null)
      const q = this.url.indexOf('?')
      if (q !== -1) {
        for (const [key, value] of new URLSearchParams(this.url.slice(q + 1))) {
          const prev = query[key]
          if (prev === undefined) query[key] = value
          else if (typeof prev === 'string') query[key] = [prev, value]
          else prev.push(value)
        }
      }
      this.#query = query
    }
    return this.#query
  }

  /**
   * Path parameters by name (the wildcard is `'*'`), percent-decoded. A malformed escape throws a
   * 400 VEC_ERR_BAD_PATH_PARAM HttpError. Values are not path-normalized: a wildcard may hold `..`.
   */
  get params(): P {
    if (this.#valid?.params !== undefined) return this.#valid.params as P
    if (this.#params === undefined) {
      const params: Record<string, string> = Object.create(null)
      const raw = this.#rawParams
      const names = this.#route.paramNames
      for (let i = 0; i < names.length; i++) {
        const value = raw?.[i] ?? ''
        params[names[i]] = value.includes('%') ? decodeParam(names[i], value) : value
      }
      this.#params = params as P
    }
    return this.#params
  }

  /** Headers as a null-prototype object, lower-case names; repeated fields joined with ', ' (cookie: '; '). */
  get headers(): Readonly<Record<string, string>> {
    if (this.#valid?.headers !== undefined) return this.#valid.headers as Record<string, string>
    return (this.#headers ??= parseHeaderBlock(this.#headerBlock))
  }

  /** One header by case-insensitive name, as received (a string, whatever a contract coerced). */
  header(name: string): string | undefined {
    return (this.#headers ??= parseHeaderBlock(this.#headerBlock))[name.toLowerCase()]
  }

  /** The TCP peer's IP address (for inject: `remoteAddress`); undefined once the request is gone. */
  get peerIp(): string | undefined {
    if (this.#ip === undefined) this.#ip = this.#ctx.kernel.serverPeer(this.#ctx.handle, this.#id) ?? null
    return this.#ip ?? undefined
  }

  /**
   * The client's IP: the peer, or — with the app's `trustProxy` — the right-most X-Forwarded-For hop that is
   * not a trusted proxy. Rate limits, logs and CORS all use this one value.
   */
  get ip(): string | undefined {
    const resolve = this.#ctx.clientIp
    return resolve === undefined ? this.peerIp : resolve(this.peerIp, this.header('x-forwarded-for'))
  }

  /**
   * The scheme the client used: `http` (the kernel serves plain HTTP), or what a trusted proxy (`trustProxy`)
   * says in X-Forwarded-Proto — `https` behind a TLS-terminating load balancer.
   */
  get protocol(): 'http' | 'https' {
    const resolve = this.#ctx.protocol
    return resolve === undefined ? 'http' : resolve(this.peerIp, this.header('x-forwarded-proto'))
  }

  /** The request id, `<prefix>-<base36 n>`: the same id the kernel puts in its own replies and logs. */
  get id(): string {
    return this.#assignedId ?? `${this.#ctx.idPrefix}-${this.#id.toString(36)}`
  }

  /**
   * The route pattern this request matched, as declared (`/users/:id`), or undefined for an unmatched
   * (404/405) request: the label logs and metrics group by, never the raw path.
   */
  /** The matched route's `config` option (frozen), or undefined: no route matched, or it has none. */
  get routeConfig(): Readonly<RouteConfig> | undefined {
    return this.#route.config
  }

  get route(): string | undefined {
    return this.#route === UNMATCHED ? undefined : this.#route.path
  }

  /** Aborted when the client goes away, the deadline passes (TimeoutError) or drain force-closes the request. */
  get signal(): AbortSignal {
    if (this.#controller === undefined) {
      this.#controller = new AbortController()
      if (this.#aborted) this.#controller.abort(this.#abortReason)
    }
    return this.#controller.signal
  }

  /** True once the request was aborted; a reply returned after that is dropped. */
  get aborted(): boolean {
    return this.#aborted
  }

  /**
   * The raw body (empty Buffer when there is none). The kernel already enforced the body limit. On a
   * `body: 'stream'` route it reads the whole stream first (still under the limit): prefer `stream()` there.
   */
  buffer(): Promise<Buffer> {
    if (this.#stream !== undefined) return this.#collect()
    return Promise.resolve(this.#body ?? EMPTY_BODY)
  }

  /**
   * The body as a Node Readable of Buffers. On a `body: 'stream'` route the chunks come as the client sends
   * them, under the route's body limit (the stream fails with 413 VEC_ERR_BODY_TOO_LARGE past it) and the body
   * deadlines (408 VEC_ERR_BODY_TIMEOUT); the client is read only as fast as the stream is consumed. Elsewhere
   * it is the buffered body as one chunk. Read it once.
   *
   * @example
   * app.put('/upload', { body: 'stream' }, async (req) => {
   *   await pipeline(req.stream(), fs.createWriteStream('/tmp/upload'))
   *   return reply.empty()
   * })
   */
  stream(): Readable {
    if (this.#stream !== undefined) return this.#stream
    return Readable.from(this.#body === undefined ? [] : [this.#body])
  }

  async #collect(): Promise<Buffer> {
    const stream = this.#stream!
    this.#stream = undefined
    const chunks: Buffer[] = []
    for await (const chunk of stream) chunks.push(chunk as Buffer)
    this.#body = Buffer.concat(chunks)
    return this.#body
  }

  /** The body as utf-8 text. Needs a text/*, JSON or +json content type (else 415) with a utf-8 charset. */
  async text(): Promise<string> {
    if (this.#stream !== undefined) await this.#collect()
    if (this.#text === undefined) {
      const body = this.#body
      if (body !== undefined && body.length > 0) checkMediaType(this.header('content-type'), isTextual, 'req.text()', 'text/* or JSON')
      this.#text = body === undefined ? '' : body.toString('utf8')
    }
    return this.#text
  }

  /**
   * The body parsed as JSON. Needs `application/json` or `+json` (else 415), a non-empty body (else 400
   * VEC_ERR_EMPTY_BODY) and valid JSON (else 400 VEC_ERR_MALFORMED_JSON). `__proto__` keys are dropped.
   */
  async json<T = unknown>(): Promise<T> {
    if (this.#stream !== undefined) await this.#collect()
    return this.#parseJson() as T
  }

  /** json() without the Promise: the kernel hands the whole body over, so nothing has to be awaited. */
  #parseJson(): unknown {
    if (this.#json === UNSET) {
      checkMediaType(this.header('content-type'), isJson, 'req.json()', 'application/json or +json')
      const body = this.#body
      if (body === undefined || body.length === 0) throw httpError('VEC_ERR_EMPTY_BODY')
      this.#json = parseJson(body.toString('utf8'))
    }
    return this.#json
  }

  /**
   * The body as the route's `body` contract validated it (parsed JSON, coerced, typed); undefined when the
   * route declares no body contract — read `json()` / `text()` / `buffer()` then.
   */
  get body(): unknown {
    return this.#valid?.body
  }

  /**
   * The request's service scope: created on first access, disposed by the framework when the request ends
   * (also on errors and aborts), which runs the disposers of scoped services.
   */
  get services(): RequestServices {
    if (this.#scope === undefined) {
      const create = this.#ctx.createScope
      if (create === undefined) throw new TypeError('This app has no service container.')
      this.#scope = create()
    }
    return this.#scope
  }

  /** The kernel's numeric id (for the dispatcher). */
  get rawId(): number {
    return this.#id
  }

  #abort(reason: unknown): boolean {
    if (this.#aborted) return false
    this.#aborted = true
    this.#abortReason = reason
    this.#controller?.abort(reason)
    return true
  }

  static {
    abortFriend = (req, reason) => req.#abort(reason)
    validatedFriend = (req, parts) => {
      req.#valid = parts
    }
    scopeFriend = (req) => req.#scope
    idFriend = (req, id) => {
      req.#assignedId = id
    }
    flowFriend = (req, flow) => {
      if (flow !== undefined) req.#flow = flow
      return req.#flow
    }
    streamFriend = (req, stream) => {
      req.#stream = stream
    }
    jsonBodyFriend = (req) => (req.#body === undefined || req.#body.length === 0 ? undefined : req.#parseJson())
  }
}

/**
 * The body parsed as JSON, synchronously, or undefined when the request has no body: what `req.json()`
 * resolves (same 415 / 400 errors), for the contract hook, which must not cost a Promise.
 */
export function jsonBodyOf(req: VectoraRequest<object>): unknown {
  return jsonBodyFriend(req)
}

/** Stores what the validate phase produced. Internal: only the contract hook calls it. */
export function setValidated(req: VectoraRequest<object>, parts: ValidatedParts): void {
  validatedFriend(req, parts)
}

/** The request's service scope if one was created (the dispatcher disposes it at the end). */
export function scopeOf(req: VectoraRequest<object>): RequestServices | undefined {
  return scopeFriend(req)
}

/** Request ids a plugin may assign: 1-128 characters of letters, digits and `-_.:/+=@`. */
const REQUEST_ID = /^[A-Za-z0-9\-_.:/+=@]{1,128}$/

/**
 * Makes `id` the request's id (`req.id`: problem+json bodies, logs, what a logging plugin echoes), for a
 * plugin that honours a trusted incoming `X-Request-Id`. The caller checks trust; this checks the shape and
 * returns false (keeping the generated id) for anything else. Call it in onRequest, before anything reads it.
 *
 * @example
 * app.addHook('onRequest', (req) => { const given = req.header('x-request-id'); if (given) assignRequestId(req, given) })
 */
export function assignRequestId(req: VectoraRequest<object>, id: string): boolean {
  if (typeof id !== 'string' || !REQUEST_ID.test(id)) return false
  idFriend(req, id)
  return true
}

/**
 * The pipeline run's state stored on `req` (set when `flow` is given), for pipeline/run.ts only: opaque here.
 */
export function flowSlot(req: VectoraRequest<object>, flow?: unknown): unknown {
  return flowFriend(req, flow)
}

/** Gives a `body: 'stream'` request its body stream (server/stream.ts). */
export function attachBodyStream(req: VectoraRequest<object>, stream: Readable): void {
  streamFriend(req, stream)
}

/** Marks `req` aborted and fires its signal if one was created. Internal: only the dispatcher calls it. */
export function abortRequest(req: VectoraRequest<object>, reason: unknown): boolean {
  return abortFriend(req, reason)
}

function decodeParam(name: string, value: string): string {
  try {
    return decodeURIComponent(value)
  } catch {
    throw httpError('VEC_ERR_BAD_PATH_PARAM', `Path parameter "${name}" has a malformed percent-encoding.`)
  }
}

const isJson = (type: string): boolean => type === 'application/json' || type.endsWith('+json')
const isTextual = (type: string): boolean => type.startsWith('text/') || isJson(type)
const CHARSET = /;\s*charset\s*=\s*"?([^";\s]*)/i

function checkMediaType(header: string | undefined, accepts: (type: string) => boolean, reader: string, wanted: string): void {
  const semi = header === undefined ? -1 : header.indexOf(';')
  const type = header === undefined ? '' : (semi === -1 ? header : header.slice(0, semi)).trim().toLowerCase()
  if (!accepts(type)) {
    throw httpError('VEC_ERR_UNSUPPORTED_MEDIA_TYPE', `${reader} reads ${wanted}; got ${header === undefined ? 'no content-type' : JSON.stringify(header)}.`)
  }
  const charset = semi === -1 ? undefined : CHARSET.exec(header!)?.[1]?.toLowerCase()
  if (charset !== undefined && charset !== 'utf-8' && charset !== 'utf8' && charset !== 'us-ascii') {
    throw httpError('VEC_ERR_UNSUPPORTED_MEDIA_TYPE', `${reader} reads utf-8 only; got charset ${JSON.stringify(charset)}.`)
  }
}

// JSON.parse turns {"__proto__": …} into an own property, which Object.assign or a deep merge then
// follows into the prototype. Escapes (\u005f) can spell the key, so any backslash-u takes the slow path.
function parseJson(text: string): unknown {
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1)
  try {
    return text.includes('__proto__') || text.includes('\\u') ? JSON.parse(text, dropProto) : JSON.parse(text)
  } catch (error) {
    throw httpError('VEC_ERR_MALFORMED_JSON', `The request body is not valid JSON: ${(error as Error).message}`)
  }
}

function dropProto(key: string, value: unknown): unknown {
  return key === '__proto__' ? undefined : value
}
