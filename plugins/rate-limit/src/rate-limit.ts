/**
 * @module rate-limit — the plugin: one GCRA step per request in its phase (onRequest by default, so it runs
 * before authentication), 429 problem+json past the limit, and the IETF RateLimit fields on every reply of
 * the scope it was registered in.
 */
import { createRequire } from 'node:module'
import { definePlugin, HttpError, type PluginApp, type Reply, type VectoraRequest } from 'vectora'
import { createGcraPolicy, optionError, toDecision, type GcraPolicy, type GcraStep, type RateLimitDecision } from './gcra.js'
import { describeRateLimit } from './describe.js'
import { limitItem, listField, policyItem, POLICY_NAME, strictest } from './headers.js'
import { createKeyOf, type KeyStrategy } from './key.js'
import { memoryStore } from './memory-store.js'
import { registerCheck, storeCheck } from './readiness.js'
import type { RateLimitStore } from './store.js'

/** Options of `app.register(rateLimit, options)`. Durations are milliseconds, as everywhere in Vectora. */
export interface RateLimitOptions {
  /** Requests per window: the sustained rate is `limit / window`. */
  limit: number
  /** Window, ms: a whole number of seconds (the RateLimit-Policy `w` is integer seconds). */
  window: number
  /** Requests a client with a full budget may send at once. Default `limit`. Lower it to smooth clients. */
  burst?: number
  /** Who a request counts against. Default `'ip'` (`req.ip`, per the app's trustProxy). */
  key?: KeyStrategy
  /** The API-key header for `key: 'api-key'`. Default `x-api-key`. */
  header?: string
  /** IPv6 clients are limited per network of this prefix length. Default 64; 128 = per address. */
  ipv6Prefix?: number
  /** When the limit applies. Default `'onRequest'` (before authentication); `'authorize'` for `key: 'subject'`. */
  phase?: 'onRequest' | 'authorize'
  /** Where budgets live. Default: a `memoryStore()` of this registration. */
  store?: RateLimitStore
  /** When the store fails: `'open'` lets requests through (logged), `'closed'` answers 503. Default `'open'`. */
  onStoreError?: 'open' | 'closed'
  /** The policy name in the RateLimit fields and in store keys. Default `default`. */
  policyName?: string
  /** Requests for which this returns true are neither counted nor limited (e.g. a health check). */
  skip?: (req: VectoraRequest<any>) => boolean
  /** Where the limiter's hook runs among the phase's other hooks (see docs/pipeline.md). */
  order?: { before?: string | readonly string[]; after?: string | readonly string[]; stage?: number }
}

/** The 429 problem type (draft-ietf-httpapi-ratelimit-headers §5.1). */
export const QUOTA_EXCEEDED = 'https://iana.org/assignments/http-problem-types#quota-exceeded'

const KNOWN = new Set(['limit', 'window', 'burst', 'key', 'header', 'ipv6Prefix', 'phase', 'store', 'onStoreError', 'policyName', 'skip', 'order'])
const HEADER_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/
const { version } = createRequire(import.meta.url)('../package.json') as { version: string }

/** One registration (instance) of the plugin, as the other instances on a request see it. */
interface Instance {
  readonly name: string
  /** Its RateLimit-Policy item. */
  readonly item: string
  readonly store: RateLimitStore
  /** It already warned that another policy on a route has its name. */
  warnedName: boolean
}

/**
 * An instance's part in one request: listed in RateLimit-Policy, with a decision once it counted the request,
 * and the step its store took for `storeKey` (instances of one policy on one store — one budget: see `claim` —
 * reuse it, so that a request is counted once).
 */
interface Applied {
  readonly instance: Instance
  readonly name: string
  readonly item: string
  decision: RateLimitDecision | undefined
  storeKey: string | undefined
  step: GcraStep | undefined
}

/**
 * What the instances that apply to one request share: with `multiple: true` an app-wide limit and a group's
 * stricter one both run on the group's routes, yet the reply must carry one RateLimit-Policy list and one
 * RateLimit value, so every instance's onSend hook rewrites both fields from this state (the last one's write
 * is complete).
 */
interface RequestLimits {
  readonly applied: Applied[]
  /** The reply being labelled, and the fields other limiters had set on it before the first of ours ran. */
  reply: Reply | undefined
  foreignPolicy: string | undefined
  foreignLimit: string | undefined
}

/**
 * Where a request's RequestLimits live: on the request, under this module's symbol. A WeakMap keyed by requests
 * would cost the young-generation GC an ephemeron per request, several times the limiter's own work.
 */
const LIMITS: unique symbol = Symbol('@vectora/rate-limit')
type LimitedRequest = VectoraRequest<any> & { [LIMITS]?: RequestLimits }

/**
 * Limits requests per client with GCRA. Register it app-wide, or inside `app.group()` to limit that group
 * only. It may be registered several times in one scope chain (`multiple: true`): an app-wide limit plus a
 * stricter one on a group both apply to the group's routes, each with its own budget; the first to refuse
 * answers 429. Give each such limit its own `policyName`. Equal options registered twice are one limit.
 *
 * The limiter's hook is synchronous when its key and its store are (the built-in keys, `memoryStore()`): it
 * returns a Promise only for a key function or a store that returns one (`redisStore()`).
 *
 * @example
 * const app = createApp({ trustProxy: 1 })
 * app.register(rateLimit, { limit: 100, window: 60_000, policyName: 'global' })
 * app.group('/login', (g) => {
 *   g.register(rateLimit, { limit: 5, window: 60_000, policyName: 'login' })
 *   g.post('/', login)
 * })
 */
export const rateLimit = definePlugin({
  name: '@vectora/rate-limit',
  version,
  multiple: true,
  setup(app: PluginApp, options: RateLimitOptions) {
    const config = resolve(options)
    const { policy, policyName, store, onStoreError, skip } = config
    claim(store, policyName, policy)
    const keyOf = createKeyOf(config.key, { header: config.header, ipv6Prefix: config.ipv6Prefix })
    const self: Instance = { name: policyName, item: policyItem(policyName, policy), store, warnedName: false }
    const keyPrefix = storeKeyPrefix(policyName, policy)
    const health = storeHealth(app, policyName, onStoreError)
    let forwardedChecked = false

    /** After the step: the decision, a 429 past the limit. */
    const decide = (applied: Applied, step: GcraStep): undefined => {
      const decision = toDecision(step, policy)
      applied.decision = decision
      if (decision.allowed) return undefined
      throw new HttpError(429, `The rate limit of policy "${policyName}" is exceeded; retry in ${decision.retryAfter} s.`, {
        code: 'RATE_LIMITED',
        type: QUOTA_EXCEEDED,
        headers: { 'retry-after': decision.retryAfter },
        extensions: { 'violated-policies': [policyName] },
      })
    }
    const taken = (applied: Applied, storeKey: string, step: GcraStep): undefined => {
      health.succeeded()
      applied.storeKey = storeKey
      applied.step = step
      return decide(applied, step)
    }
    const storeFailed = (error: unknown): undefined => {
      health.failed(error)
      if (onStoreError === 'open') return undefined
      throw new HttpError(503, 'Rate limiting is unavailable; try again later.', { code: 'RATE_LIMIT_UNAVAILABLE', cause: error })
    }
    const count = (req: VectoraRequest<any>, key: string): undefined | Promise<undefined> => {
      if (!forwardedChecked && key.startsWith('ip:')) forwardedChecked = checkForwarded(app, req)
      const limits = limitsOf(req)
      const applied = apply(app, req, limits, self)
      const storeKey = keyPrefix + key
      const known = stepOf(limits, store, storeKey)
      if (known !== undefined) return decide(applied, known)
      let step: GcraStep | Promise<GcraStep>
      try {
        step = store.take(storeKey, policy)
      } catch (error) {
        return storeFailed(error)
      }
      if (isThenable(step)) return Promise.resolve(step).then((s) => taken(applied, storeKey, s), storeFailed)
      return taken(applied, storeKey, step)
    }

    const onRateLimit = (req: VectoraRequest<any>): undefined | Promise<undefined> => {
      if (skip?.(req)) return undefined
      const key = keyOf(req)
      return isThenable(key) ? Promise.resolve(key).then((k) => count(req, k)) : count(req, key)
    }

    // onSend runs on every reply of the scope: 2xx, 4xx (the 429 included) and 5xx, short-circuits too. A
    // reply whose request never reached the limiter's phase still lists the policy.
    const onRateLimitHeaders = (reply: Reply, req: VectoraRequest<any>): undefined => {
      const limits = limitsOf(req)
      apply(app, req, limits, self)
      writeFields(reply, limits)
      return undefined
    }

    app.addHook(config.phase, onRateLimit, { ...config.order, name: 'rate-limit' })
    app.addHook('onSend', onRateLimitHeaders, { name: 'rate-limit-headers' })
    app.describeApi(describeRateLimit(policyName, onStoreError === 'closed'))
    // One readiness check per store (several policies may share one), critical when a limit on it fails closed.
    const check = storeCheck(store)
    if (check !== undefined) registerCheck(app, check, policyName, onStoreError === 'closed')
    app.onReady(async () => {
      for (const warning of store.warnings ?? []) app.log.warn(`rate limit: ${warning}`, { plugin: '@vectora/rate-limit', policy: policyName })
      // Each JavaScript thread of createApp({ workers }) has its own copy of an in-memory store.
      if (store.perThread === true && app.threads > 1) {
        app.log.warn(
          `rate limit: the memory store counts per JavaScript thread, and this app answers on ${app.threads} (createApp({ workers })): a client gets up to ${app.threads} times the limit. Use redisStore() to share the counts.`,
          { plugin: '@vectora/rate-limit', policy: policyName, threads: app.threads },
        )
      }
      try {
        await store.ready?.()
      } catch (error) {
        health.failed(error)
      }
    })
    app.onClose(() => store.close?.())
  },
})

function limitsOf(req: LimitedRequest): RequestLimits {
  let limits = req[LIMITS]
  if (limits === undefined) req[LIMITS] = limits = { applied: [], reply: undefined, foreignPolicy: undefined, foreignLimit: undefined }
  return limits
}

/** The step an instance of the request already took for `storeKey` on `store`, if any. */
function stepOf(limits: RequestLimits, store: RateLimitStore, storeKey: string): GcraStep | undefined {
  for (const a of limits.applied) if (a.step !== undefined && a.storeKey === storeKey && a.instance.store === store) return a.step
  return undefined
}

/**
 * Lists `self` among the request's policies (once). Another instance's policy with the same name on another
 * store is another budget under one name: clients could not tell their RateLimit values apart, so that is
 * logged, once per instance (a configuration mistake, not a reason to fail requests).
 */
function apply(app: PluginApp, req: VectoraRequest<any>, limits: RequestLimits, self: Instance): Applied {
  const list = limits.applied
  for (const a of list) if (a.instance === self) return a
  if (!self.warnedName && list.some((a) => a.name === self.name && a.instance.store !== self.store)) {
    self.warnedName = true
    app.log.warn(
      `rate limit: two limits named "${self.name}" apply to ${req.method} ${req.path}; give each registration its own ` +
        'policyName, so clients can tell their RateLimit values apart.',
      { plugin: '@vectora/rate-limit', policy: self.name },
    )
  }
  const applied: Applied = { instance: self, name: self.name, item: self.item, decision: undefined, storeKey: undefined, step: undefined }
  list.push(applied)
  return applied
}

/**
 * Writes both fields from every policy applying to the request: RateLimit-Policy lists each policy once (two
 * instances of one policy share an item), RateLimit carries the strictest decision only — one line each,
 * never one per instance. Items another limiter set before ours are kept in front.
 */
function writeFields(reply: Reply, limits: RequestLimits): void {
  if (limits.reply !== reply) {
    limits.reply = reply
    limits.foreignPolicy = listField(reply, 'ratelimit-policy')
    limits.foreignLimit = listField(reply, 'ratelimit')
  }
  const applied = limits.applied
  // One policy (the common case): its item, computed at register().
  const items = applied.length === 1 ? applied[0]!.item : uniqueItems(applied)
  reply.header('ratelimit-policy', limits.foreignPolicy === undefined ? items : `${limits.foreignPolicy}, ${items}`)
  const chosen = strictest(applied)
  if (chosen !== undefined) {
    const item = limitItem(chosen.name, chosen.decision!)
    reply.header('ratelimit', limits.foreignLimit === undefined ? item : `${limits.foreignLimit}, ${item}`)
  }
}

/** The policies' items, each once, in order, joined. */
function uniqueItems(applied: readonly Applied[]): string {
  const items: string[] = []
  for (const a of applied) if (!items.includes(a.item)) items.push(a.item)
  return items.join(', ')
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as { then?: unknown } | null)?.then === 'function'
}

interface Resolved {
  policy: GcraPolicy
  policyName: string
  key: KeyStrategy
  header: string
  ipv6Prefix: number
  phase: 'onRequest' | 'authorize'
  store: RateLimitStore
  onStoreError: 'open' | 'closed'
  skip: ((req: VectoraRequest<any>) => boolean) | undefined
  order: RateLimitOptions['order']
}

/** Validates the options; a mistake throws a TypeError naming the option (setup then fails at register()). */
function resolve(options: RateLimitOptions): Resolved {
  if (options === null || typeof options !== 'object') throw optionError('options', 'an object with limit and window', options)
  for (const name of Object.keys(options)) if (!KNOWN.has(name)) throw optionError(name, `one of the known options (${[...KNOWN].join(', ')})`, 'unknown')
  const policy = createGcraPolicy(options)
  const { key = 'ip', header = 'x-api-key', ipv6Prefix = 64, onStoreError = 'open', policyName = 'default', skip, order } = options
  if (key !== 'ip' && key !== 'api-key' && key !== 'subject' && typeof key !== 'function') {
    throw optionError('key', "'ip', 'api-key', 'subject' or a function (req) => string", key)
  }
  const phase = options.phase ?? (key === 'subject' ? 'authorize' : 'onRequest')
  if (phase !== 'onRequest' && phase !== 'authorize') throw optionError('phase', "'onRequest' or 'authorize'", phase)
  if (key === 'subject' && phase === 'onRequest') {
    throw optionError('phase', "'authorize' with key 'subject' (req.auth is set by authentication, which runs after onRequest)", phase)
  }
  if (typeof header !== 'string' || !HEADER_NAME.test(header)) throw optionError('header', 'a header name', header)
  if (!Number.isInteger(ipv6Prefix) || ipv6Prefix < 1 || ipv6Prefix > 128) throw optionError('ipv6Prefix', 'an integer from 1 to 128', ipv6Prefix)
  if (onStoreError !== 'open' && onStoreError !== 'closed') throw optionError('onStoreError', "'open' or 'closed'", onStoreError)
  if (typeof policyName !== 'string' || !POLICY_NAME.test(policyName)) throw optionError('policyName', '1-64 characters of [A-Za-z0-9_.-]', policyName)
  if (skip !== undefined && typeof skip !== 'function') throw optionError('skip', 'a function (req) => boolean', skip)
  if (order !== undefined && (order === null || typeof order !== 'object')) throw optionError('order', 'an object { before?, after?, stage? }', order)
  const store = options.store ?? memoryStore()
  if (store === null || typeof store !== 'object' || typeof store.take !== 'function') {
    throw optionError('store', 'a store such as memoryStore() or redisStore()', store)
  }
  return { policy, policyName, key, header: header.toLowerCase(), ipv6Prefix, phase, store, onStoreError, skip, order }
}

/** Policy names already used on a store, with their parameters: one name, one policy per store. */
const claims = new WeakMap<RateLimitStore, Map<string, string>>()

/**
 * One policy name per store means one policy: registrations that share a store and a name share budgets,
 * which only makes sense with the same limit, window and burst (a request both cover is counted once).
 */
function claim(store: RateLimitStore, name: string, policy: GcraPolicy): void {
  const signature = `${policy.limit}/${policy.window}/${policy.burst}`
  let names = claims.get(store)
  if (names === undefined) claims.set(store, (names = new Map()))
  const existing = names.get(name)
  if (existing !== undefined && existing !== signature) {
    throw optionError('policyName', `unique per store: "${name}" already limits ${existing} (limit/window/burst) on this store`, name)
  }
  names.set(name, signature)
}

/**
 * The store key prefix of a policy, computed at register(): a client's store key is
 * `<policyName>:q<limit>w<window s>b<burst>:<client key>`. The quota is part of it so that two policies never share a counter, even where the per-store name check cannot
 * see them: two store objects on one Redis and prefix, or processes running different versions of the
 * limits during a rolling deploy (a TAT means nothing under another interval). One name with one quota is
 * one budget wherever it runs, which is what processes sharing a Redis want.
 */
function storeKeyPrefix(name: string, policy: GcraPolicy): string {
  return `${name}:q${policy.limit}w${policy.window / 1_000}b${policy.burst}:`
}

/**
 * Observability of store failures: one warning when the store starts failing (not one per request), one
 * info line with the count when it answers again.
 */
function storeHealth(app: PluginApp, policy: string, mode: 'open' | 'closed'): { failed(error: unknown): void; succeeded(): void } {
  let failures = 0
  const fields = { plugin: '@vectora/rate-limit', policy, onStoreError: mode }
  return {
    failed(error) {
      if (failures++ === 0) {
        const effect = mode === 'open' ? 'requests pass without a limit' : 'requests are answered 503'
        app.log.warn(`rate limit store failed: ${effect} until it answers again`, { ...fields, err: error })
      }
    },
    succeeded() {
      if (failures === 0) return
      app.log.info('rate limit store answers again', { ...fields, failures })
      failures = 0
    },
  }
}

/**
 * express-rate-limit#363: behind a proxy the app does not trust, every client has the proxy's IP and shares
 * one budget. Warns once when a request carries X-Forwarded-For that `req.ip` did not use. Returns true once
 * it looked at a request with the header (one check per registration).
 */
function checkForwarded(app: PluginApp, req: VectoraRequest<any>): boolean {
  if (req.header('x-forwarded-for') === undefined) return false
  if (req.ip === req.peerIp) {
    app.log.warn(
      'rate limit: a request carries X-Forwarded-For, but req.ip is the TCP peer. If this app runs behind a ' +
        "proxy, set createApp({ trustProxy }) or every client shares the proxy's budget; if clients reach the app " +
        'directly, ignoring the header is right.',
      { plugin: '@vectora/rate-limit', peer: req.peerIp },
    )
  }
  return true
}
