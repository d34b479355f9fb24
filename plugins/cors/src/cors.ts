/**
 * @module @vectora/cors — CORS per the Fetch standard: preflights answered in onRequest (before any
 * authenticate hook), CORS response headers added in onSend (on every reply, errors included).
 *
 * Two hooks, both app-wide when the plugin is registered on the app:
 * - `preflight` (onRequest, stage -1000): an `OPTIONS` with `Origin` and `Access-Control-Request-Method`
 *   is answered 204 right here. Preflights carry no credentials, so an authenticate hook must never see
 *   them (fastify-cors#102); and a path with no OPTIONS route still gets its answer, because app-wide hooks
 *   also run for the kernel's 404/405.
 * - `onSendHeaders` (onSend, stage 1000, late so it appends to the Vary others set): Access-Control-Allow-Origin,
 *   -Allow-Credentials and -Expose-Headers on actual responses, and `Vary: Origin` whenever the answer
 *   depends on the Origin header. A disallowed origin gets no CORS header: its request still runs, the
 *   browser only hides the response from the page.
 */
import { definePlugin, reply, type Reply, type VectoraRequest } from 'vectora'
import { isThenable, isToken, resolveCors, type CorsOptions, type ResolvedCors } from './options.js'

/** The stage of the preflight hook in onRequest: before request ids, IP rate limits and any default-stage hook. */
const PREFLIGHT_STAGE = -1000
/** The stage of the onSend hook: after other onSend hooks, so the Vary they set is extended, not replaced. */
const HEADERS_STAGE = 1000

const VERSION = '0.1.0'

// Response headers scripts may always read (fetch.bs "CORS-safelisted response-header name"); set-cookie never.
const NOT_EXPOSED = new Set([
  'cache-control',
  'content-language',
  'content-length',
  'content-type',
  'expires',
  'last-modified',
  'pragma',
  'set-cookie',
  'set-cookie2',
  'vary',
])

/** Header names a reply's Vary must list, known at register(): the names, and joined. */
interface VaryNames {
  readonly names: readonly string[]
  /** The field value when the reply has no Vary yet; '' when there is nothing to add. */
  readonly value: string
}

function varyNames(names: readonly string[]): VaryNames {
  return { names, value: names.join(', ') }
}

/** Actual responses depend on Origin (unless the origin is '*'). */
const VARY_ORIGIN = varyNames(['Origin'])
/** Reflected Access-Control-Request-Headers values kept per registration, at most this many (then cleared). */
const REFLECTED_CACHE_SIZE = 256

/**
 * The CORS plugin. Register it on the app (not in a group): only app-wide hooks see the preflights of
 * paths that have no OPTIONS route.
 *
 * @example
 * import { createApp } from 'vectora'
 * import { cors } from '@vectora/cors'
 *
 * const app = createApp()
 * app.register(cors, { origin: ['https://app.example.com'], credentials: true })
 * app.get('/me', (req) => ({ cookie: req.header('cookie') ?? null }))
 * await app.listen({ port: 3000 })
 */
export const cors = definePlugin<CorsOptions>({
  name: '@vectora/cors',
  version: VERSION,
  setup(app, options) {
    const config = resolveCors(options)
    const handled = new WeakSet<VectoraRequest<any>>()
    app.addHook('onRequest', createPreflight(config, handled), { name: 'preflight', stage: PREFLIGHT_STAGE })
    app.addHook('onSend', createOnSend(config, handled), { name: 'onSendHeaders', stage: HEADERS_STAGE })
  },
})

/**
 * The onRequest hook: answers CORS preflights with 204, leaves every other request alone. Synchronous unless an
 * origin function returns a Promise.
 */
function createPreflight(config: ResolvedCors, handled: WeakSet<VectoraRequest<any>>) {
  // What a preflight answer depends on besides the path, known once from the configuration.
  const vary = varyNames([
    ...(config.anyOrigin ? [] : ['Origin']),
    ...(config.allowMethods === undefined ? ['Access-Control-Request-Method'] : []),
    ...(config.allowHeaders === undefined ? ['Access-Control-Request-Headers'] : []),
    ...(config.privateNetwork ? ['Access-Control-Request-Private-Network'] : []),
  ])
  const reflected = config.allowHeaders === undefined ? reflectedHeaders(config.allowAuthorization) : undefined
  const headersOf = (req: VectoraRequest<any>): string => config.allowHeaders ?? reflected!(req.header('access-control-request-headers'))
  return function preflight(req: VectoraRequest<any>): Reply | Promise<Reply> | undefined {
    if (req.method !== 'OPTIONS') return undefined
    const origin = req.header('origin')
    const method = req.header('access-control-request-method')
    // Without both it is a plain OPTIONS request (not a browser preflight): the app's route answers it.
    if (origin === undefined || method === undefined) return undefined
    handled.add(req)
    const answer = reply.empty(204)
    appendVary(answer, vary)
    const ok = config.isAllowed(origin, req)
    if (isThenable(ok)) {
      return Promise.resolve(ok).then((yes) => {
        if (yes) preflightHeaders(config, answer, req, origin, method, headersOf)
        return answer
      })
    }
    if (ok) preflightHeaders(config, answer, req, origin, method, headersOf)
    return answer
  }
}

function preflightHeaders(
  config: ResolvedCors,
  answer: Reply,
  req: VectoraRequest<any>,
  origin: string,
  method: string,
  headersOf: (req: VectoraRequest<any>) => string,
): void {
  answer.header('access-control-allow-origin', config.anyOrigin ? '*' : origin)
  if (config.credentials) answer.header('access-control-allow-credentials', 'true')
  const methods = config.allowMethods ?? (isToken(method) ? method : '')
  if (methods !== '') answer.header('access-control-allow-methods', methods)
  const headers = headersOf(req)
  if (headers !== '') answer.header('access-control-allow-headers', headers)
  answer.header('access-control-max-age', config.maxAge)
  if (config.privateNetwork && req.header('access-control-request-private-network') === 'true') {
    answer.header('access-control-allow-private-network', 'true')
  }
}

/**
 * `*` with credentials: the requested header names (trimmed, lower-cased, once each, HTTP tokens only), minus
 * `authorization` unless it was listed explicitly. Browsers send the same Access-Control-Request-Headers again
 * and again, so answers are kept per raw value (a bounded cache, cleared when full).
 */
function reflectedHeaders(allowAuthorization: boolean): (requested: string | undefined) => string {
  const cache = new Map<string, string>()
  return (requested) => {
    const raw = requested ?? ''
    let value = cache.get(raw)
    if (value === undefined) {
      if (cache.size >= REFLECTED_CACHE_SIZE) cache.clear()
      const names: string[] = []
      for (const part of raw.split(',')) {
        const name = part.trim().toLowerCase()
        if (isToken(name) && (allowAuthorization || name !== 'authorization') && !names.includes(name)) names.push(name)
      }
      value = names.join(', ')
      cache.set(raw, value)
    }
    return value
  }
}

/** The onSend hook: CORS headers on every reply but our own preflight answers. Synchronous unless an origin function returns a Promise. */
function createOnSend(config: ResolvedCors, handled: WeakSet<VectoraRequest<any>>) {
  return function onSendHeaders(res: Reply, req: VectoraRequest<any>): void | Promise<void> {
    // Only OPTIONS requests are ever answered as preflights: other requests skip the WeakSet lookup.
    if (req.method === 'OPTIONS' && handled.has(req)) return
    if (config.anyOrigin) {
      // Decided without reading the request: sent on every reply, and no Vary (fetch.bs, CORS and HTTP caches).
      res.header('access-control-allow-origin', '*')
      exposeHeaders(config, res)
      return
    }
    // The reply depends on Origin even when it has none or a refused one: a cache must not reuse it for another.
    appendVary(res, VARY_ORIGIN)
    const origin = req.header('origin')
    if (origin === undefined) return
    const ok = config.isAllowed(origin, req)
    if (isThenable(ok)) {
      return Promise.resolve(ok).then((yes) => {
        if (yes) allowOrigin(config, res, origin)
      })
    }
    if (ok) allowOrigin(config, res, origin)
  }
}

function allowOrigin(config: ResolvedCors, res: Reply, origin: string): void {
  res.header('access-control-allow-origin', origin)
  if (config.credentials) res.header('access-control-allow-credentials', 'true')
  exposeHeaders(config, res)
}

function exposeHeaders(config: ResolvedCors, res: Reply): void {
  let value = config.exposeHeaders
  if (value === undefined) {
    // `*` with credentials is a literal name, so the reply's own header names are listed instead.
    const names: string[] = []
    for (const [name] of res.headerList) {
      if (!NOT_EXPOSED.has(name) && !name.startsWith('access-control-') && !names.includes(name)) names.push(name)
    }
    value = names.join(', ')
  }
  if (value !== '') res.header('access-control-expose-headers', value)
}

/** Adds `vary` to the reply's Vary (one field, existing names kept, no duplicates); `Vary: *` stays as is. */
function appendVary(res: Reply, vary: VaryNames): void {
  if (vary.value === '') return
  const list = res.headerList
  let i = 0
  while (i < list.length && list[i]![0] !== 'vary') i++
  // The common case: no Vary yet, the value is known.
  if (i === list.length) {
    res.header('vary', vary.value)
    return
  }
  const current = list
    .filter(([n]) => n === 'vary')
    .flatMap(([, v]) => v.split(','))
    .map((s) => s.trim())
    .filter((s) => s !== '')
  if (current.includes('*')) return
  const seen = new Set(current.map((s) => s.toLowerCase()))
  const added = vary.names.filter((n) => !seen.has(n.toLowerCase()))
  if (added.length > 0) res.header('vary', [...current, ...added].join(', '))
}
