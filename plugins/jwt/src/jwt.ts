/**
 * @module jwt — the @vectora/jwt plugin: an authenticate-phase hook that reads a bearer token (header or
 * cookie), verifies it with jsonwebtoken against the configured keys and sets `req.auth`; and requireAuth,
 * the guard for routes that need a caller when the plugin runs in optional mode.
 */
import { createRequire } from 'node:module'
import jsonwebtoken from 'jsonwebtoken'
import { defineGuard, definePlugin, type Guard, type PluginApp, type VectoraRequest } from 'vectora'
import { typMatches } from './claims.js'
import { resolveConfig, type JwtOptions, type ResolvedJwt } from './config.js'
import { describeJwt } from './describe.js'
import { invalidToken, keysUnavailable, missingToken } from './errors.js'
import { JwksCache } from './jwks.js'
import type { JwtAlgorithm, Lookup } from './keys.js'

/** What `req.auth` holds once a token was verified. Frozen: handlers and policies read it, never change it. */
export interface AuthInfo {
  /** The token's `sub` claim (always a non-empty string: tokens without one are refused). */
  readonly subject: string
  /** Every claim of the verified token (iss, aud, exp, custom claims...). */
  readonly claims: Readonly<Record<string, unknown>>
  /** The raw token, only with `keepToken: true`. */
  readonly token?: string
}

const NAME = '@vectora/jwt'
const { version } = createRequire(import.meta.url)('../package.json') as { version: string }
/**
 * A JWS in compact serialization: three base64url parts, the signature non-empty. A RegExp on purpose: V8 runs
 * it as native code, about three times as fast as a JS loop over a char table on a 300-character token.
 */
const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/
const NOT_AN_OBJECT = 'The token is malformed: its payload is not a JSON object.'

/**
 * JWT bearer authentication. Registered app-wide it authenticates every route (but the framework's health
 * routes); registered in a group, only that group's routes. See README.md for every option.
 *
 * @example
 * app.register(jwt, { jwksUrl: 'https://idp.example/.well-known/jwks.json', algorithms: ['RS256'], issuer: 'https://idp.example/', audience: 'api' })
 * app.get('/me', (req) => ({ user: req.auth?.subject }))
 */
export const jwt = definePlugin({
  name: NAME,
  version,
  setup(app: PluginApp, options: JwtOptions) {
    const config = resolveConfig(options, () => app.log)
    decorateAuth(app)
    let skip = config.skip
    if (skip === undefined) {
      // The framework's own routes (readiness, liveness) must answer probes without credentials. Their paths
      // are known at ready; until then nothing is skipped (fail closed). Exact paths, not a '/health/' prefix:
      // a prefix would also open an app route such as /health/details.
      const ownPaths = new Set<string>()
      app.onReady(() => {
        for (const route of app.routes()) if (route.owner === 'vectora' && !/[:*]/.test(route.path)) ownPaths.add(route.path)
      })
      skip = (req) => ownPaths.has(req.path)
    }
    if (config.signer !== undefined && config.service !== false) app.provideValue(config.service, config.signer)
    app.addHook('authenticate', createAuthenticate(config, skip), { name: 'onAuthenticate' })
    const jwks = config.keys instanceof JwksCache ? config.keys : undefined
    app.describeApi(describeJwt(config, requireAuth, jwks !== undefined))
    // Readiness waits for the key set: without keys every token would get 503.
    if (jwks !== undefined) app.healthCheck('jwt:jwks', () => jwks.health())
  },
})

/**
 * A guard that lets a request through only when it was authenticated (`req.auth` set), else 401 with a
 * `WWW-Authenticate: Bearer` challenge. Use it on routes that need a caller when the plugin runs in
 * `mode: 'optional'`. It runs in the authorize phase, after authentication. It needs the plugin registered
 * app-wide or in a group enclosing its routes: without it `app.ready()` fails (VEC_ERR_GUARD_PLUGIN_MISSING),
 * since nothing would ever set `req.auth` and every request would get 401.
 *
 * @example
 * app.register(jwt, { secret, algorithms: ['HS256'], mode: 'optional' })
 * app.get('/posts', (req) => listPosts(req.auth?.subject))
 * app.post('/posts', { guards: [requireAuth] }, (req) => createPost(req.auth.subject)) // typed: no `!`
 */
export const requireAuth: Guard<{ readonly auth: AuthInfo }> = defineGuard<{ readonly auth: AuthInfo }>(
  function requireAuth(req) {
    if (req.auth !== undefined) return true
    throw missingToken()
  },
  { requires: [NAME], hint: "app.register(jwt, { ... }) (import { jwt } from '@vectora/jwt')" },
)

/**
 * The authenticate hook. Synchronous whenever the keys are at hand (a secret, PEM keys, a JWKS already
 * fetched and fresh): a Promise only while a JWKS is fetched.
 */
function createAuthenticate(c: ResolvedJwt, skip: (req: VectoraRequest<any>) => boolean) {
  return function onAuthenticate(req: VectoraRequest<any>): undefined | Promise<undefined> {
    if (skip(req)) return undefined
    const token = readToken(req, c)
    if (token === undefined) {
      if (c.mode === 'optional') return undefined
      throw missingToken(c.realm)
    }
    const auth = verifyToken(token, c)
    if (isThenable(auth)) {
      return Promise.resolve(auth).then((verified) => {
        req.auth = verified
        return undefined
      })
    }
    req.auth = auth
    return undefined
  }
}

/** The token from `Authorization: Bearer` (scheme case-insensitive), else from the cookie; undefined if neither. */
function readToken(req: VectoraRequest<any>, c: ResolvedJwt): string | undefined {
  const header = req.header('authorization')
  if (header !== undefined) {
    const value = header.trimStart()
    const space = value.indexOf(' ')
    // Another scheme (Basic, an API key plugin's) is not ours: as if there were no bearer token.
    if (isBearer(value, space === -1 ? value.length : space)) return checkShape(space === -1 ? '' : value.slice(space + 1).trim(), c)
  }
  if (c.cookie !== undefined) {
    const value = readCookie(req.header('cookie'), c.cookie, c)
    if (value !== undefined) return checkShape(value, c)
  }
  return undefined
}

/** Whether `value` starts with the scheme `Bearer` (any case), `end` its length: no lower-cased copy. */
function isBearer(value: string, end: number): boolean {
  if (end !== 6) return false
  if (value.startsWith('Bearer')) return true
  return value.slice(0, 6).toLowerCase() === 'bearer'
}

function checkShape(token: string, c: ResolvedJwt): string {
  // Length first: an oversized token is refused before any decoding, regex or JSON parsing.
  if (token.length > c.maxTokenLength) throw invalidToken('The token is too long.', 'JWT_INVALID', c.realm)
  if (!COMPACT_JWS.test(token)) throw invalidToken('The token is malformed.', 'JWT_INVALID', c.realm)
  return token
}

function readCookie(header: string | undefined, name: string, c: ResolvedJwt): string | undefined {
  if (header === undefined) return undefined
  let found: string | undefined
  for (const pair of header.split(';')) {
    const eq = pair.indexOf('=')
    if (eq === -1 || pair.slice(0, eq).trim() !== name) continue
    // Two cookies of one name: one may be planted by a sibling subdomain (cookie tossing). Refuse to guess.
    if (found !== undefined) throw invalidToken('The token cookie was sent twice.', 'JWT_INVALID', c.realm)
    found = pair
      .slice(eq + 1)
      .trim()
      .replace(/^"(.*)"$/, '$1')
  }
  return found
}

interface Header {
  alg?: unknown
  kid?: unknown
  typ?: unknown
  crit?: unknown
}

/**
 * Verifies `token`: the header checks, the key, jsonwebtoken, the claims. Synchronous unless the key lookup
 * returns a Promise (a JWKS being fetched).
 */
function verifyToken(token: string, c: ResolvedJwt): AuthInfo | Promise<AuthInfo> {
  const first = token.indexOf('.')
  let header: Header
  try {
    header = JSON.parse(Buffer.from(token.slice(0, first), 'base64url').toString('utf8')) as Header
  } catch (cause) {
    return fail('The token is malformed.', c, cause)
  }
  if (header === null || typeof header !== 'object' || Array.isArray(header)) return fail('The token is malformed.', c)
  // The allowlist is checked before any key is looked up: `none` and every unlisted algorithm stop here.
  if (typeof header.alg !== 'string' || !c.algorithms.includes(header.alg as JwtAlgorithm)) return fail("The token's algorithm is not accepted.", c)
  if (header.crit !== undefined) return fail('The token has critical header parameters this server does not support.', c)
  if (c.typ !== undefined && !typMatches(header.typ, c.typ)) return fail('The token is not of the accepted type (typ).', c)
  if (header.kid !== undefined && typeof header.kid !== 'string') return fail('The token is malformed.', c)
  // jsonwebtoken keeps a payload that is not a JSON object as a string and goes on to the claim checks, so
  // a validly signed `123` would fail as "not meant for this audience": say what is wrong, before any key work.
  // With keys that a lookup cannot fetch (static keys) the order is not observable, so the payload is checked
  // only when the lookup or jsonwebtoken fails (a valid token is decoded once, by jsonwebtoken): the same
  // error either way. A JWKS is never fetched for such a token.
  const payload = token.slice(first + 1, token.lastIndexOf('.'))
  const checked = c.keys.pure !== true
  if (checked && !isJsonObject(payload)) return fail(NOT_AN_OBJECT, c)
  // jku, x5u, jwk and x5c headers are never followed: keys come from the configuration only (RFC 8725 §3.10).
  const found = c.keys.lookup(header.kid as string | undefined)
  if (isThenable(found)) return Promise.resolve(found).then((f) => verifyWith(token, c, f, checked ? undefined : payload))
  return verifyWith(token, c, found, checked ? undefined : payload)
}

/** The rest of verifyToken once the key is known; `unchecked` is the payload segment when it was not checked yet. */
function verifyWith(token: string, c: ResolvedJwt, found: Lookup, unchecked: string | undefined): AuthInfo {
  if (!found.ok) {
    if (unchecked !== undefined && !isJsonObject(unchecked)) return fail(NOT_AN_OBJECT, c)
    if (found.reason === 'unavailable') throw keysUnavailable(found.retryAfter)
    return fail(found.reason === 'no-kid' ? 'The token names no key (kid).' : 'The token names an unknown key (kid).', c)
  }
  let payload: unknown
  try {
    payload = jsonwebtoken.verify(token, found.key.key, {
      // Only the algorithms this key is bound to: an RSA public key never verifies an HS256 token.
      // jsonwebtoken reads the list and never changes it.
      algorithms: found.key.algorithms as JwtAlgorithm[],
      issuer: c.issuer as jsonwebtoken.VerifyOptions['issuer'],
      audience: c.audience as jsonwebtoken.VerifyOptions['audience'],
      clockTolerance: c.clockTolerance,
      // exp and nbf are judged on the plugin's clock (Date.now unless a test gave a fake one).
      clockTimestamp: Math.floor(c.clock() / 1000),
      complete: true,
    }).payload
  } catch (error) {
    if (unchecked !== undefined && !isJsonObject(unchecked)) return fail(NOT_AN_OBJECT, c)
    throw fromVerifyError(error, c)
  }
  if (payload === null || typeof payload !== 'object' || Array.isArray(payload)) return fail(NOT_AN_OBJECT, c)
  const claims = payload as Record<string, unknown>
  if (c.requireExp && typeof claims.exp !== 'number') return fail('The token has no expiry (exp).', c)
  if (typeof claims.sub !== 'string' || claims.sub === '') return fail('The token has no subject (sub).', c)
  Object.freeze(claims)
  return Object.freeze(c.keepToken ? { subject: claims.sub, claims, token } : { subject: claims.sub, claims })
}

function fail(description: string, c: ResolvedJwt, cause?: unknown): never {
  throw invalidToken(description, 'JWT_INVALID', c.realm, cause)
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as { then?: unknown } | null)?.then === 'function'
}

/** jsonwebtoken's errors as fixed, public sentences (its messages may echo the expected issuer or audience). */
function fromVerifyError(error: unknown, c: ResolvedJwt) {
  if (error instanceof jsonwebtoken.TokenExpiredError) return invalidToken('The token expired.', 'JWT_EXPIRED', c.realm, error)
  if (error instanceof jsonwebtoken.NotBeforeError) return invalidToken('The token is not valid yet (nbf).', 'JWT_INVALID', c.realm, error)
  const message = (error as Error | null)?.message ?? ''
  const description = message.startsWith('jwt audience invalid')
    ? 'The token is not meant for this audience (aud).'
    : message.startsWith('jwt issuer invalid')
      ? "The token's issuer is not accepted (iss)."
      : message === 'invalid signature'
        ? 'The token signature is invalid.'
        : message === 'invalid algorithm'
          ? "The token's algorithm is not accepted."
          : /^invalid (exp|nbf) value/.test(message)
            ? 'The token has an invalid exp or nbf claim.'
            : 'The token is invalid.'
  return invalidToken(description, 'JWT_INVALID', c.realm, error)
}

/** Whether a base64url segment decodes to a JSON object (not an array, a string, a number or null). */
function isJsonObject(segment: string): boolean {
  try {
    const value: unknown = JSON.parse(Buffer.from(segment, 'base64url').toString('utf8'))
    return value !== null && typeof value === 'object' && !Array.isArray(value)
  } catch {
    return false
  }
}

/**
 * Declares `req.auth`. Registering the plugin again in a sibling group (allowed by the host) would declare it
 * twice, and the host refuses a second decoration even from the same plugin, with no way to ask first: so a
 * conflict with ourselves is ignored, any other (another plugin owns `auth`) is thrown.
 */
function decorateAuth(app: PluginApp): void {
  try {
    app.decorateRequest('auth')
  } catch (error) {
    const e = error as { code?: unknown; message?: unknown } | null
    if (!(e?.code === 'VEC_ERR_DECORATION_CONFLICT' && String(e.message).includes(`: ${NAME} already did.`))) throw error
  }
}
