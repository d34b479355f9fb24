/**
 * @module jwks — a JSON Web Key Set fetched over HTTPS and cached: refreshed when it is older than `maxAge`
 * or when a token names an unknown kid, never more often than once per `cooldown` (an attacker sending
 * random kids cannot make the app hammer the identity provider), with a fetch timeout and a body size cap.
 * Ages are measured on the plugin's `clock` (Date.now by default), so tests can advance time instead of waiting.
 */
import { createPublicKey, type KeyObject } from 'node:crypto'
import type { Logger } from 'vectora'
import { JwtConfigError, showValue } from './errors.js'
import { algorithmsFor, ALGORITHMS, describeKey, type JwtAlgorithm, type KeyResolver, type Lookup, type VerificationKey } from './keys.js'

/** Tuning of the JWKS cache (`jwks` option). */
export interface JwksOptions {
  /** Minimum ms between two fetches, refetches on an unknown kid included. Default 30 000. */
  cooldown?: number
  /** Age in ms after which the set is refetched on the next request (old keys stay in use if that fails). Default 600 000. */
  maxAge?: number
  /** Ms a fetch may take, body included. Default 5 000. */
  timeout?: number
  /** Largest JWKS body accepted, in bytes. Default 65 536. */
  maxBytes?: number
  /** Accept an `http:` URL that is not a loopback address. Default false (tokens verified with keys an on-path attacker chose). */
  allowHttp?: boolean
  /** The fetch implementation. Default `globalThis.fetch`. */
  fetch?: typeof fetch
}

type Resolved = Required<Omit<JwksOptions, 'fetch'>> & { fetch: typeof fetch }

const DEFAULTS = { cooldown: 30_000, maxAge: 600_000, timeout: 5_000, maxBytes: 65_536 }
const KNOWN = new Set(['cooldown', 'maxAge', 'timeout', 'maxBytes', 'allowHttp', 'fetch'])
const LOOPBACK = /^(localhost|127(\.\d{1,3}){3}|\[::1\])$/i
const MIN_RSA_BITS = 2048

/**
 * Validates `jwksUrl` and the `jwks` options, applying the defaults.
 *
 * @example
 * resolveJwks('https://idp.example/.well-known/jwks.json', { cooldown: 60_000 }).options.maxAge // 600000
 */
export function resolveJwks(url: unknown, options: JwksOptions | undefined): { url: URL; options: Resolved } {
  if (options !== undefined && (options === null || typeof options !== 'object')) throw new JwtConfigError('jwks must be an object of JWKS cache options.')
  for (const key of Object.keys(options ?? {})) if (!KNOWN.has(key)) throw new JwtConfigError(`unknown jwks option "${key}" (known: ${[...KNOWN].join(', ')}).`)
  const o = options ?? {}
  const out = { ...DEFAULTS, allowHttp: o.allowHttp ?? false, fetch: o.fetch ?? globalThis.fetch } as Resolved
  for (const name of ['cooldown', 'maxAge', 'timeout', 'maxBytes'] as const) {
    const value = o[name]
    if (value === undefined) continue
    if (typeof value !== 'number' || !Number.isInteger(value) || value < (name === 'cooldown' ? 0 : 1)) {
      throw new JwtConfigError(`jwks.${name} must be an integer ${name === 'cooldown' ? '>= 0' : '>= 1'} (got ${showValue(value)}).`)
    }
    out[name] = value
  }
  if (typeof out.allowHttp !== 'boolean') throw new JwtConfigError(`jwks.allowHttp must be a boolean (got ${showValue(out.allowHttp)}).`)
  if (typeof out.fetch !== 'function') throw new JwtConfigError(`jwks.fetch must be a fetch function (got ${showValue(out.fetch)}).`)
  if (typeof url !== 'string' && !(url instanceof URL)) throw new JwtConfigError(`jwksUrl must be a string or a URL (got ${showValue(url)}).`)
  let parsed: URL
  try {
    parsed = new URL(String(url))
  } catch {
    throw new JwtConfigError(`jwksUrl must be an absolute URL (got ${JSON.stringify(String(url))}).`)
  }
  const secure = parsed.protocol === 'https:' || (parsed.protocol === 'http:' && (LOOPBACK.test(parsed.hostname) || out.allowHttp))
  if (!secure) throw new JwtConfigError(`jwksUrl must be https: (http: only on loopback, or with jwks.allowHttp); got ${parsed.protocol}//${parsed.host}.`)
  return { url: parsed, options: out }
}

/**
 * One JWK as a verification key, or why it is skipped. Only public signature keys are taken: a symmetric
 * (`oct`) key in a key set would let anyone holding the set forge tokens, and a key with private members
 * (`d`) is a leak. A JWK's `alg`, when set, binds the key to that one algorithm.
 */
export function fromJwk(jwk: unknown, allowed: readonly JwtAlgorithm[]): VerificationKey | string {
  if (jwk === null || typeof jwk !== 'object' || Array.isArray(jwk)) return 'not an object'
  const j = jwk as Record<string, unknown>
  if (j.kty !== 'RSA' && j.kty !== 'EC') return `kty ${showValue(j.kty)} is not RSA or EC`
  if ('d' in j) return 'it has private key members'
  if (j.use !== undefined && j.use !== 'sig') return `use is ${showValue(j.use)}, not "sig"`
  if (j.key_ops !== undefined && !(Array.isArray(j.key_ops) && j.key_ops.includes('verify'))) return 'key_ops lacks "verify"'
  if (j.kid !== undefined && (typeof j.kid !== 'string' || j.kid === '')) return 'kid is not a non-empty string'
  let bound: readonly JwtAlgorithm[] = allowed
  if (j.alg !== undefined) {
    if (typeof j.alg !== 'string' || !allowed.includes(j.alg as JwtAlgorithm)) return `alg ${showValue(j.alg)} is not in algorithms`
    bound = [j.alg as JwtAlgorithm]
  }
  let key: KeyObject
  try {
    key = createPublicKey({ key: j as any, format: 'jwk' })
  } catch (error) {
    return `not a valid key (${(error as Error).message})`
  }
  const bits = key.asymmetricKeyDetails?.modulusLength
  if (bits !== undefined && bits < MIN_RSA_BITS) return `an RSA key of ${bits} bits is too small`
  const algorithms = algorithmsFor(key, bound)
  if (algorithms.length === 0) return `${describeKey(key)} fits none of [${bound.join(', ')}]`
  return { kid: j.kid as string | undefined, key, algorithms }
}

/**
 * The JWKS resolver. Lookups wait for at most one fetch in flight (shared by concurrent requests); a fetch
 * failure keeps the previous keys and is logged. Attempts, failed ones too, are spaced by `cooldown`. `clock`
 * (ms) dates the fetches; `timeout` alone is a real timer, since it bounds a real fetch.
 *
 * @example
 * const keys = new JwksCache(new URL('https://idp.example/.well-known/jwks.json'), ['RS256'], options, () => app.log, Date.now)
 * await keys.lookup('2024-06') // { ok: true, key } or { ok: false, reason: 'unknown-kid' } (a Promise only while fetching)
 */
export class JwksCache implements KeyResolver {
  readonly #url: URL
  readonly #allowed: readonly JwtAlgorithm[]
  readonly #o: Resolved
  readonly #log: () => Logger
  readonly #clock: () => number
  #keys: VerificationKey[] | undefined
  #loadedAt = 0
  #attemptAt = -Infinity
  #inflight: Promise<void> | undefined

  constructor(url: URL, allowed: readonly JwtAlgorithm[], options: Resolved, log: () => Logger, clock: () => number = Date.now) {
    this.#url = url
    this.#allowed = allowed.filter((a) => (ALGORITHMS as readonly string[]).includes(a))
    this.#o = options
    this.#log = log
    this.#clock = clock
  }

  /**
   * The key for `kid`. Synchronous while the set is fresh and holds the kid (or a fetch could not happen now,
   * within the cooldown); a Promise when it waits for a fetch.
   */
  lookup(kid: string | undefined): Lookup | Promise<Lookup> {
    if (this.#keys === undefined || this.#clock() - this.#loadedAt >= this.#o.maxAge) {
      const refreshed = this.#refresh()
      if (refreshed !== undefined) return refreshed.then(() => this.#lookupLoaded(kid))
    }
    return this.#lookupLoaded(kid)
  }

  /**
   * The readiness check (`jwt:jwks`): up while the set has keys; a stale set is refreshed first (within the
   * cooldown), and a failed refresh that kept the previous keys is still up — tokens verify with them. Down
   * (throws) only while there are no keys at all: every token would get 503.
   */
  async health(): Promise<void> {
    if (this.#keys === undefined || this.#clock() - this.#loadedAt >= this.#o.maxAge) await this.#refresh()
    if (this.#keys === undefined) throw new Error(`the JWKS at ${this.#url.href} has not been fetched yet`)
  }

  #lookupLoaded(kid: string | undefined): Lookup | Promise<Lookup> {
    const found = this.#find(kid)
    // A kid we do not know may be a key the provider just rotated in: refetch, within the cooldown.
    if (found === undefined && kid !== undefined && this.#keys !== undefined) {
      const refreshed = this.#refresh()
      if (refreshed !== undefined) return refreshed.then(() => this.#answer(kid, this.#find(kid)))
    }
    return this.#answer(kid, found)
  }

  #answer(kid: string | undefined, found: VerificationKey | undefined): Lookup {
    if (found !== undefined) return { ok: true, key: found }
    if (this.#keys === undefined) return { ok: false, reason: 'unavailable', retryAfter: (this.#attemptAt + this.#o.cooldown - this.#clock()) / 1000 }
    return { ok: false, reason: kid === undefined ? 'no-kid' : 'unknown-kid' }
  }

  #find(kid: string | undefined): VerificationKey | undefined {
    const keys = this.#keys
    if (keys === undefined) return undefined
    if (kid === undefined) return keys.length === 1 ? keys[0] : undefined
    for (const key of keys) if (key.kid === kid) return key
    return undefined
  }

  /** The fetch in flight or a new one; undefined when none may start (within the cooldown of the last attempt). */
  #refresh(): Promise<void> | undefined {
    if (this.#inflight !== undefined) return this.#inflight
    const now = this.#clock()
    if (now - this.#attemptAt < this.#o.cooldown) return undefined
    this.#attemptAt = now
    this.#inflight = this.#load()
      .then(
        (keys) => {
          this.#keys = keys
          this.#loadedAt = this.#clock()
        },
        (error: unknown) => {
          const hasKeys = this.#keys !== undefined
          this.#log().warn(
            hasKeys
              ? '@vectora/jwt: fetching the JWKS failed; keeping the previous keys'
              : '@vectora/jwt: fetching the JWKS failed; there are no keys yet, so tokens get 503 until a fetch succeeds',
            {
              plugin: '@vectora/jwt',
              url: this.#url.href,
              error: (error as Error)?.message ?? String(error),
              hasKeys,
            },
          )
        },
      )
      .finally(() => {
        this.#inflight = undefined
      })
    return this.#inflight
  }

  async #load(): Promise<VerificationKey[]> {
    const res = await this.#o.fetch(this.#url, {
      signal: AbortSignal.timeout(this.#o.timeout),
      redirect: 'error',
      headers: { accept: 'application/jwk-set+json, application/json' },
    })
    if (res.status !== 200) {
      await res.body?.cancel()
      throw new Error(`the JWKS endpoint answered ${res.status}`)
    }
    const body = await readCapped(res, this.#o.maxBytes)
    let set: unknown
    try {
      set = JSON.parse(body)
    } catch {
      throw new Error('the JWKS is not JSON')
    }
    const list = (set as { keys?: unknown } | null)?.keys
    if (!Array.isArray(list)) throw new Error('the JWKS has no "keys" array')
    const keys: VerificationKey[] = []
    const skipped: string[] = []
    for (const [i, jwk] of list.entries()) {
      const key = fromJwk(jwk, this.#allowed)
      if (typeof key === 'string') skipped.push(`keys[${i}]: ${key}`)
      else if (key.kid !== undefined && keys.some((k) => k.kid === key.kid)) skipped.push(`keys[${i}]: duplicate kid`)
      else keys.push(key)
    }
    if (skipped.length > 0) this.#log().warn('@vectora/jwt: JWKS keys skipped', { plugin: '@vectora/jwt', url: this.#url.href, skipped })
    return keys
  }
}

/** Reads the body as text, failing as soon as it passes `max` bytes (content-length or streamed). */
async function readCapped(res: Response, max: number): Promise<string> {
  const declared = Number(res.headers.get('content-length') ?? NaN)
  if (declared > max) {
    await res.body?.cancel()
    throw new Error(`the JWKS is ${declared} bytes, over the ${max}-byte cap`)
  }
  if (res.body === null) return ''
  const reader = res.body.getReader()
  const chunks: Uint8Array[] = []
  let size = 0
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    size += value.byteLength
    if (size > max) {
      await reader.cancel()
      throw new Error(`the JWKS is over the ${max}-byte cap`)
    }
    chunks.push(value)
  }
  return Buffer.concat(chunks).toString('utf8')
}
