/**
 * @module @vectora/cors/options — checks the options of `app.register(cors, options)` and resolves them into
 * the header values the hooks send. Every mistake is a CorsConfigError (code CORS_CONFIG_INVALID) at register().
 */
import type { VectoraRequest } from 'vectora'

/**
 * Decides whether an origin may read responses. `origin` is the request's `Origin` header as the browser
 * sent it (`https://app.example.com`, or `null` from sandboxed frames and `file:` pages). Only `true`
 * allows it; anything else (false, undefined, a truthy non-boolean) refuses it. A throw or rejection
 * fails the request with a 500 attributed to `@vectora/cors`.
 *
 * @example
 * const fromDb: CorsOriginFn = async (origin) => (await tenants.byOrigin(origin)) !== undefined
 */
export type CorsOriginFn = (origin: string, req: VectoraRequest<any>) => boolean | Promise<boolean>

/**
 * Which origins are allowed: `'*'` (any origin, never with credentials), one serialized origin, a RegExp
 * tested against the Origin header, a list of those, or a function.
 *
 * @example
 * const origin: CorsOrigin = ['https://app.example.com', /^https:\/\/[a-z0-9-]+\.preview\.example\.com$/]
 */
export type CorsOrigin = '*' | string | RegExp | ReadonlyArray<string | RegExp> | CorsOriginFn

/**
 * The options of `app.register(cors, options)`. Only `origin` is required; see the README for defaults.
 *
 * @example
 * const options: CorsOptions = {
 *   origin: ['https://app.example.com'],
 *   credentials: true,
 *   allowedHeaders: ['content-type', 'authorization'],
 *   exposedHeaders: ['x-request-id'],
 * }
 */
export interface CorsOptions {
  /** Allowed origins (required: there is no default that is both useful and safe). */
  origin: CorsOrigin
  /** Send `Access-Control-Allow-Credentials: true` to allowed origins (cookies, TLS client certs). Default false. */
  credentials?: boolean
  /** `Access-Control-Allow-Methods` of preflight replies. Default GET, HEAD, POST, PUT, PATCH, DELETE. */
  methods?: '*' | readonly string[]
  /**
   * `Access-Control-Allow-Headers` of preflight replies. Default `'*'`: any request header except
   * `Authorization`, which the Fetch standard never lets a `*` cover — list it to allow it.
   */
  allowedHeaders?: '*' | readonly string[]
  /** Response headers scripts of allowed origins may read, beyond the CORS-safelisted ones. Default none. */
  exposedHeaders?: '*' | readonly string[]
  /** Seconds a browser may cache a preflight answer (`Access-Control-Max-Age`). Default 600. */
  maxAge?: number
  /** Answer Private Network Access preflights with `Access-Control-Allow-Private-Network: true`. Default false. */
  privateNetwork?: boolean
}

/**
 * The error of an invalid configuration, thrown at `app.register(cors, options)`. The host wraps it in a
 * VEC_ERR_PLUGIN_SETUP_FAILED whose `cause` is this error (`VEC_ERR_*` codes are the core's).
 *
 * @example
 * try { app.register(cors, { origin: '*', credentials: true }) } catch (err) {
 *   (err as Error).cause instanceof CorsConfigError // true; .code === 'CORS_CONFIG_INVALID'
 * }
 */
export class CorsConfigError extends Error {
  readonly code = 'CORS_CONFIG_INVALID' as const

  constructor(message: string) {
    super(`@vectora/cors: ${message}`)
    this.name = 'CorsConfigError'
  }
}

/** The options resolved once at register(): header values ready to send, and how each one is decided. */
export interface ResolvedCors {
  /** `origin: '*'`: ACAO is `*` on every reply, decided without reading the request. */
  readonly anyOrigin: boolean
  /**
   * Whether the Origin header `origin` is allowed: a value that is not a serialized origin (see isOriginShape)
   * never is, whatever matches. A Promise only from an origin function that returned one.
   */
  readonly isAllowed: (origin: string, req: VectoraRequest<any>) => boolean | Promise<boolean>
  readonly credentials: boolean
  /** Static Allow-Methods value, or undefined to reflect Access-Control-Request-Method (`*` with credentials). */
  readonly allowMethods: string | undefined
  /** Static Allow-Headers value ('' = omit), or undefined to reflect the requested headers (`*` with credentials). */
  readonly allowHeaders: string | undefined
  /** With reflection: whether `authorization` was listed explicitly (a `*` never covers it). */
  readonly allowAuthorization: boolean
  /** Static Expose-Headers value ('' = omit), or undefined to expose the reply's own headers (`*` with credentials). */
  readonly exposeHeaders: string | undefined
  readonly maxAge: string
  readonly privateNetwork: boolean
}

export const DEFAULT_METHODS: readonly string[] = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE']
export const DEFAULT_MAX_AGE = 600

const KNOWN = new Set(['origin', 'credentials', 'methods', 'allowedHeaders', 'exposedHeaders', 'maxAge', 'privateNetwork'])
export const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/

// A serialized origin (scheme://host[:port]) or "null"; anything else is refused before any matcher sees it.
const ORIGIN_SHAPE = /^(?:null|[a-z][a-z0-9+.-]*:\/\/[^\x00-\x20\x7f-\uffff/?#\\]+)$/i

/**
 * Whether `value` is an HTTP token: TOKEN itself. It runs per request only on a reflected-headers cache miss and
 * for `methods: '*'` with credentials, so one definition serves register() and requests.
 *
 * @example
 * isToken('x-trace') // true; isToken('a b') // false; isToken('') // false
 */
export function isToken(value: string): boolean {
  return TOKEN.test(value)
}

/**
 * Whether an Origin header value has the shape of a serialized origin: `null` (any case) or
 * `scheme://host[:port]`, the host part visible ASCII without `/ ? # \`. A RegExp rather than a JS loop over
 * char tables: V8 runs it as native code, about 950 instructions fewer per request in the RegExp-origin scenario
 * of bench/micro/cors.mjs (callgrind).
 *
 * @example
 * isOriginShape('https://app.example.com') // true; isOriginShape('https://app.example.com/') // false
 */
export function isOriginShape(value: string): boolean {
  return ORIGIN_SHAPE.test(value)
}

/**
 * Checks `options` and resolves them. Throws CorsConfigError naming the first problem.
 *
 * @example
 * resolveCors({ origin: '*', credentials: true }) // throws CORS_CONFIG_INVALID
 */
export function resolveCors(options: CorsOptions | undefined): ResolvedCors {
  if (options === null || typeof options !== 'object') {
    throw new CorsConfigError('options are required: app.register(cors, { origin: [...] }). There is no default origin.')
  }
  for (const key of Object.keys(options)) {
    if (!KNOWN.has(key)) throw new CorsConfigError(`unknown option "${key}" (known: ${[...KNOWN].join(', ')}).`)
  }
  const credentials = flag(options.credentials, 'credentials')
  const anyOrigin = options.origin === '*'
  if (anyOrigin && credentials) {
    throw new CorsConfigError(
      'origin "*" cannot be combined with credentials: true (the Fetch standard refuses ' +
        '`Access-Control-Allow-Origin: *` on credentialed requests). List the trusted origins instead.',
    )
  }
  const methods = list(options.methods ?? DEFAULT_METHODS, 'methods', false)
  const allowed = list(options.allowedHeaders ?? '*', 'allowedHeaders', true)
  const exposed = list(options.exposedHeaders ?? [], 'exposedHeaders', true)
  const maxAge = options.maxAge ?? DEFAULT_MAX_AGE
  if (!Number.isInteger(maxAge) || maxAge < 0) throw new CorsConfigError(`maxAge is a whole number of seconds >= 0, got ${show(maxAge)}.`)
  // With credentials a `*` is a literal name, not a wildcard (fetch.bs): reflect instead.
  const reflect = (names: string[]): boolean => credentials && names.includes('*')
  return {
    anyOrigin,
    isAllowed: anyOrigin ? () => true : toMatcher(options.origin),
    credentials,
    allowMethods: reflect(methods) ? undefined : methods.join(', '),
    allowHeaders: reflect(allowed) ? undefined : allowed.join(', '),
    allowAuthorization: allowed.includes('authorization'),
    exposeHeaders: reflect(exposed) ? undefined : exposed.join(', '),
    maxAge: String(maxAge),
    privateNetwork: flag(options.privateNetwork, 'privateNetwork'),
  }
}

function toMatcher(origin: unknown): ResolvedCors['isAllowed'] {
  if (origin === undefined) {
    throw new CorsConfigError('origin is required: a list of trusted origins, a RegExp, a function, or "*" for a public API.')
  }
  if (typeof origin === 'function') {
    const fn = origin as CorsOriginFn
    return (value, req) => {
      if (!isOriginShape(value)) return false
      const answer = fn(value, req)
      return isThenable(answer) ? Promise.resolve(answer).then((ok) => ok === true) : answer === true
    }
  }
  const items = Array.isArray(origin) ? origin : [origin]
  if (items.length === 0) throw new CorsConfigError('origin is an empty list: no origin could ever be allowed. List at least one.')
  // Exact origins are one Set lookup. A listed origin is serialized (checkOrigin), so it has the shape already:
  // only a value the Set does not hold needs the shape check, before the patterns.
  const exact = new Set<string>()
  const patterns: RegExp[] = []
  for (const item of items) {
    if (item instanceof RegExp) patterns.push(stateless(item))
    else {
      const listed = checkOrigin(item)
      if (isOriginShape(listed)) exact.add(listed) // always: a serialized origin has the shape
    }
  }
  if (patterns.length === 0) return (value) => exact.has(value)
  if (patterns.length === 1) {
    const [pattern] = patterns
    return (value) => exact.has(value) || (isOriginShape(value) && pattern!.test(value))
  }
  return (value) => {
    if (exact.has(value)) return true
    if (!isOriginShape(value)) return false
    for (const p of patterns) if (p.test(value)) return true
    return false
  }
}

/** A string must be a serialized origin, exactly as browsers send it in the Origin header. */
function checkOrigin(value: unknown): string {
  if (value === '*') throw new CorsConfigError('"*" cannot be part of an origin list; use origin: "*" alone for a public API.')
  if (value === 'null') {
    throw new CorsConfigError(
      '"null" cannot be listed: it is the origin of sandboxed iframes and file: pages of any ' +
        'site, so allowing it allows everyone. Use an origin function if you really mean it.',
    )
  }
  if (typeof value !== 'string') throw new CorsConfigError(`origin entries are strings or RegExps, got ${show(value)}.`)
  let serialized: string | undefined
  try {
    serialized = new URL(value).origin
  } catch {}
  if (serialized === value) return value
  const hint = serialized !== undefined && serialized !== 'null' ? ` Did you mean "${serialized}"?` : ''
  throw new CorsConfigError(
    `${show(value)} is not a serialized origin (scheme://host[:port], lower case, no path, ` +
      `no trailing slash, no default port): browsers would never send it.${hint}`,
  )
}

/** `g` and `y` make RegExp#test stateful (lastIndex): the same origin would be allowed every other time. */
function stateless(pattern: RegExp): RegExp {
  return /[gy]/.test(pattern.flags) ? new RegExp(pattern.source, pattern.flags.replace(/[gy]/g, '')) : pattern
}

/** A list of header or method names (or '*'), validated as HTTP tokens; header names lower-cased. */
function list(value: unknown, name: string, headerNames: boolean): string[] {
  const items = value === '*' ? ['*'] : value
  if (!Array.isArray(items) || items.some((x) => typeof x !== 'string' || !TOKEN.test(x))) {
    throw new CorsConfigError(`${name} is "*" or a list of ${headerNames ? 'header' : 'method'} names, got ${show(value)}.`)
  }
  const names = headerNames ? items.map((x: string) => x.toLowerCase()) : [...(items as string[])]
  return [...new Set(names)]
}

function flag(value: unknown, name: string): boolean {
  if (value === undefined) return false
  if (typeof value !== 'boolean') throw new CorsConfigError(`${name} is true or false, got ${show(value)}.`)
  return value
}

function show(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value)
  if (Array.isArray(value)) return 'an array with invalid entries'
  return value === null ? 'null' : typeof value === 'object' ? 'an object' : `${typeof value} ${String(value)}`
}

export function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as { then?: unknown } | null)?.then === 'function'
}
