/** @module config — JwtOptions, validated once at register(): every mistake is a JwtConfigError naming the option. */
import { createPublicKey, KeyObject } from 'node:crypto'
import type { Logger, VectoraRequest } from 'vectora'
import { JwtConfigError, showValue } from './errors.js'
import { JwksCache, resolveJwks, type JwksOptions } from './jwks.js'
import {
  ALGORITHMS,
  algorithmsFor,
  describeKey,
  isHmac,
  staticKeys,
  toPrivateKey,
  toPublicKey,
  toSecretKey,
  type JwtAlgorithm,
  type KeyInput,
  type KeyResolver,
  type Lookup,
  type VerificationKey,
} from './keys.js'
import { createCheckedSigner, type Signer } from './sign.js'

/** Options of `app.register(jwt, options)`. */
export interface JwtOptions {
  /**
   * The JWS algorithms accepted, required and explicit (RFC 8725 §3.1). `none` is refused; HMAC (HS*) and
   * asymmetric algorithms cannot be mixed. Each key is further bound to the algorithms its type fits.
   */
  algorithms: readonly JwtAlgorithm[]
  /** HMAC secret (HS*): random bytes, at least as long as the hash (32 bytes for HS256). */
  secret?: string | Buffer | KeyObject
  /** PEM public key(s) (RS*, PS*, ES*): one key, or `{ kid: pem }` chosen by the token's `kid`. */
  publicKeys?: KeyInput | Readonly<Record<string, KeyInput>>
  /** A JWKS URL (https:, or http: on loopback) whose RSA/EC signature keys verify tokens, by `kid`. */
  jwksUrl?: string | URL
  /** JWKS cache tuning: cooldown, maxAge, timeout, maxBytes, allowHttp, fetch. */
  jwks?: JwksOptions
  /** A PEM private key for the signer (`sign`); also verifies, through its public half, when no publicKeys/jwksUrl. */
  privateKey?: KeyInput
  /** The `kid` header of tokens the signer issues (and the kid of the key derived from privateKey). */
  keyId?: string
  /** Accepted `iss` values (RFC 8725 §3.8). */
  issuer?: string | readonly string[]
  /** Accepted `aud` values (RFC 8725 §3.9); a token must name one of them. */
  audience?: string | RegExp | readonly (string | RegExp)[]
  /** Required `typ` header, e.g. `at+jwt` (RFC 8725 §3.11, RFC 9068); compared case-insensitively, `application/` optional. */
  typ?: string
  /** Reject tokens without `exp` (jsonwebtoken accepts them: they would never expire). Default true. */
  requireExp?: boolean
  /** Seconds of clock skew allowed on `exp` and `nbf`. Default 5. */
  clockTolerance?: number
  /** Longest token accepted, in characters; longer ones get 401 without being parsed. Default 8192. */
  maxTokenLength?: number
  /** Also read the token from this cookie when there is no `Authorization: Bearer` header. */
  cookie?: string
  /** `required` (default): no token -> 401. `optional`: no token -> req.auth undefined; a bad token is still 401. */
  mode?: 'required' | 'optional'
  /** Requests to leave alone (req.auth stays undefined). Default: the framework's own routes (health). */
  skip?: (req: VectoraRequest<any>) => boolean
  /** `realm` of the WWW-Authenticate challenge. */
  realm?: string
  /** Keep the raw token in `req.auth.token` (e.g. to forward it). Default false: a token in logs is a credential leak. */
  keepToken?: boolean
  /** Service token under which the signer is provided (when a secret or privateKey is configured); false for none. Default `jwt`. */
  service?: string | false
  /**
   * The current time in milliseconds, for `exp`/`nbf` checks, the JWKS `cooldown` and `maxAge`, and the
   * signer's `iat`. Default `Date.now`. A testing aid: a fake clock makes expiry and cache tests
   * deterministic. It does not affect `jwks.timeout`, a real timer on a real fetch.
   */
  clock?: () => number
}

/** The options, checked, with defaults applied. */
export interface ResolvedJwt {
  readonly algorithms: readonly JwtAlgorithm[]
  readonly keys: KeyResolver
  readonly signer: Signer | undefined
  readonly issuer: string | string[] | undefined
  readonly audience: string | RegExp | Array<string | RegExp> | undefined
  readonly typ: string | undefined
  readonly requireExp: boolean
  readonly clockTolerance: number
  readonly maxTokenLength: number
  readonly cookie: string | undefined
  readonly mode: 'required' | 'optional'
  readonly skip: ((req: VectoraRequest<any>) => boolean) | undefined
  readonly realm: string | undefined
  readonly keepToken: boolean
  readonly service: string | false
  readonly clock: () => number
}

const KNOWN = new Set([
  'algorithms',
  'secret',
  'publicKeys',
  'jwksUrl',
  'jwks',
  'privateKey',
  'keyId',
  'issuer',
  'audience',
  'typ',
  'requireExp',
  'clockTolerance',
  'maxTokenLength',
  'cookie',
  'mode',
  'skip',
  'realm',
  'keepToken',
  'service',
  'clock',
])
const COOKIE_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/
const QUOTABLE = /^[\x20\x21\x23-\x5b\x5d-\x7e]*$/

/**
 * Validates `options` and builds the key resolver and signer.
 *
 * @example
 * resolveConfig({ secret, algorithms: ['HS256'] }, () => app.log).mode // 'required'
 */
export function resolveConfig(options: JwtOptions, log: () => Logger): ResolvedJwt {
  if (options === null || typeof options !== 'object') {
    throw new JwtConfigError('register(jwt, options) needs an options object with at least `algorithms` and a key (secret, publicKeys, jwksUrl or privateKey).')
  }
  for (const key of Object.keys(options)) if (!KNOWN.has(key)) throw new JwtConfigError(`unknown option "${key}" (known: ${[...KNOWN].join(', ')}).`)
  const algorithms = checkAlgorithms(options.algorithms)
  const clock = options.clock ?? Date.now
  if (typeof clock !== 'function') throw new JwtConfigError(`clock must be a function returning the time in ms, like Date.now (got ${showValue(clock)}).`)
  const { secret, publicKeys, jwksUrl, privateKey } = options
  const keyId = optionalString(options.keyId, 'keyId')

  let keys: KeyResolver
  let signingKey: KeyObject | undefined
  if (secret !== undefined) {
    if (publicKeys !== undefined || jwksUrl !== undefined || privateKey !== undefined) {
      throw new JwtConfigError('secret cannot be combined with publicKeys, jwksUrl or privateKey: one registration, one key family (RFC 8725 §3.1).')
    }
    const asymmetric = algorithms.filter((a) => !isHmac(a))
    if (asymmetric.length > 0) {
      throw new JwtConfigError(
        `a secret verifies HS256/HS384/HS512 only, but algorithms lists ${asymmetric.join(', ')}. Verify ${asymmetric.length === 1 ? 'it' : 'them'} with publicKeys or jwksUrl, in a registration without the secret.`,
      )
    }
    signingKey = toSecretKey(secret, algorithms)
    keys = staticKeys([{ kid: undefined, key: signingKey, algorithms }])
  } else {
    const hmac = algorithms.filter(isHmac)
    if (hmac.length > 0)
      throw new JwtConfigError(
        `${hmac.join(', ')} ${hmac.length === 1 ? 'needs' : 'need'} a secret; publicKeys, jwksUrl and privateKey are for RS/PS/ES algorithms.`,
      )
    if (privateKey !== undefined) {
      signingKey = toPrivateKey(privateKey)
      if (algorithmsFor(signingKey, algorithms).length === 0) {
        throw new JwtConfigError(`privateKey is ${describeKey(signingKey)}, which none of the algorithms [${algorithms.join(', ')}] uses.`)
      }
    }
    if (publicKeys !== undefined && jwksUrl !== undefined) throw new JwtConfigError('use publicKeys or jwksUrl, not both.')
    if (publicKeys !== undefined) {
      keys = staticKeys(publicKeyList(publicKeys, algorithms))
      if (signingKey !== undefined) checkSignerKey(signingKey, keyId, keys)
    } else if (jwksUrl !== undefined) {
      const jwks = resolveJwks(jwksUrl, options.jwks)
      keys = new JwksCache(jwks.url, algorithms, jwks.options, log, clock)
    } else if (signingKey !== undefined) {
      keys = staticKeys([{ kid: keyId, ...toPublicKey(signingKey, algorithms, 'privateKey') }])
    } else {
      throw new JwtConfigError('no key: set secret (HS*), or publicKeys, jwksUrl or privateKey (RS/PS/ES).')
    }
  }
  if (options.jwks !== undefined && jwksUrl === undefined) throw new JwtConfigError('jwks options need jwksUrl.')

  const issuer = checkIssuer(options.issuer)
  const audience = checkAudience(options.audience)
  const service = options.service ?? 'jwt'
  if (service !== false && (typeof service !== 'string' || service === ''))
    throw new JwtConfigError(`service must be a service token (a non-empty string) or false (got ${showValue(service)}).`)

  const mode = options.mode ?? 'required'
  if (mode !== 'required' && mode !== 'optional') throw new JwtConfigError(`mode must be "required" or "optional" (got ${showValue(mode)}).`)
  const clockTolerance = options.clockTolerance ?? 5
  if (typeof clockTolerance !== 'number' || !Number.isFinite(clockTolerance) || clockTolerance < 0 || clockTolerance > 300) {
    throw new JwtConfigError(`clockTolerance must be a number of seconds from 0 to 300 (got ${showValue(clockTolerance)}).`)
  }
  const maxTokenLength = options.maxTokenLength ?? 8192
  if (typeof maxTokenLength !== 'number' || !Number.isInteger(maxTokenLength) || maxTokenLength < 16) {
    throw new JwtConfigError(`maxTokenLength must be an integer >= 16 (got ${showValue(maxTokenLength)}).`)
  }
  const cookie = optionalString(options.cookie, 'cookie')
  if (cookie !== undefined && !COOKIE_NAME.test(cookie)) throw new JwtConfigError(`cookie must be a cookie name (RFC 6265 token), got ${showValue(cookie)}.`)
  const realm = optionalString(options.realm, 'realm')
  if (realm !== undefined && !QUOTABLE.test(realm)) throw new JwtConfigError('realm must be printable ASCII without `"` or `\\`.')
  const typ = optionalString(options.typ, 'typ')
  if (options.skip !== undefined && typeof options.skip !== 'function') throw new JwtConfigError('skip must be a function (req) => boolean.')
  // Last, with every verification rule known: the signer refuses to issue what this registration refuses.
  const signer =
    signingKey === undefined
      ? undefined
      : createCheckedSigner(
          {
            ...(signingKey.type === 'secret' ? { secret: signingKey } : { privateKey: signingKey }),
            algorithm: algorithmsFor(signingKey, algorithms)[0],
            keyId,
            issuer: typeof issuer === 'string' ? issuer : undefined,
            audience: typeof audience === 'string' ? audience : undefined,
            clock,
          },
          { issuer, audience, typ, maxTokenLength },
        )
  return {
    algorithms,
    keys,
    signer,
    issuer,
    audience,
    typ,
    mode,
    clockTolerance,
    maxTokenLength,
    cookie,
    realm,
    requireExp: bool(options.requireExp, 'requireExp', true),
    keepToken: bool(options.keepToken, 'keepToken', false),
    skip: options.skip,
    service,
    clock,
  }
}

/**
 * With both privateKey and publicKeys, the signer's tokens are verified with publicKeys: the key listed for
 * keyId must be privateKey's public half, or every token the `jwt` service issues is refused.
 */
function checkSignerKey(privateKey: KeyObject, keyId: string | undefined, keys: KeyResolver): void {
  const found = keys.lookup(keyId) as Lookup // staticKeys answers synchronously
  if (found.ok && found.key.key.equals(createPublicKey(privateKey))) return
  const where = keyId === undefined ? 'a token without kid (keyId is not set)' : `kid ${JSON.stringify(keyId)} (keyId)`
  throw new JwtConfigError(
    found.ok
      ? `the publicKeys entry for ${where} is not privateKey's public key, so the signer would issue tokens this registration refuses. List privateKey's public key there, or set keyId to the kid it is listed under.`
      : `publicKeys has no key for ${where}, so the signer would issue tokens this registration refuses. List privateKey's public key in publicKeys under keyId, or set keyId to the kid it is listed under.`,
  )
}

function checkAlgorithms(value: unknown): JwtAlgorithm[] {
  if (value === undefined) {
    throw new JwtConfigError(
      "algorithms is required: list the algorithms your tokens use, e.g. { algorithms: ['RS256'] }. " +
        'There is no default: letting the token pick its algorithm is how key confusion happens (CVE-2022-23540, RFC 8725 §3.1).',
    )
  }
  if (!Array.isArray(value) || value.length === 0) throw new JwtConfigError(`algorithms must be a non-empty array, e.g. ['RS256'] (got ${showValue(value)}).`)
  for (const alg of value) {
    if (typeof alg === 'string' && alg.toLowerCase() === 'none') {
      throw new JwtConfigError('algorithms must not contain "none": unsigned tokens are never accepted (RFC 8725 §2.1).')
    }
    if (!(ALGORITHMS as readonly unknown[]).includes(alg))
      throw new JwtConfigError(`unsupported algorithm ${showValue(alg)}; supported: ${ALGORITHMS.join(', ')}.`)
  }
  return [...new Set(value as JwtAlgorithm[])]
}

function publicKeyList(input: unknown, algorithms: readonly JwtAlgorithm[]): VerificationKey[] {
  if (typeof input === 'string' || Buffer.isBuffer(input) || input instanceof KeyObject) {
    return [{ kid: undefined, ...toPublicKey(input, algorithms, 'publicKeys') }]
  }
  if (input === null || typeof input !== 'object' || Array.isArray(input)) throw new JwtConfigError('publicKeys must be a PEM key or an object { kid: pem }.')
  const entries = Object.entries(input as Record<string, unknown>)
  if (entries.length === 0) throw new JwtConfigError('publicKeys is empty.')
  return entries.map(([kid, pem]) => ({ kid, ...toPublicKey(pem, algorithms, `publicKeys[${JSON.stringify(kid)}]`) }))
}

function checkIssuer(value: unknown): string | string[] | undefined {
  if (value === undefined) return undefined
  if (typeof value === 'string' && value !== '') return value
  if (Array.isArray(value) && value.length > 0 && value.every((v) => typeof v === 'string' && v !== '')) return [...value]
  throw new JwtConfigError(`issuer must be a non-empty string or a non-empty array of them (got ${showValue(value)}).`)
}

function checkAudience(value: unknown): string | RegExp | Array<string | RegExp> | undefined {
  if (value === undefined) return undefined
  const ok = (v: unknown): boolean => (typeof v === 'string' && v !== '') || v instanceof RegExp
  if (ok(value)) return value as string | RegExp
  if (Array.isArray(value) && value.length > 0 && value.every(ok)) return [...value]
  throw new JwtConfigError(`audience must be a non-empty string, a RegExp, or a non-empty array of them (got ${showValue(value)}).`)
}

function optionalString(value: unknown, name: string): string | undefined {
  if (value === undefined) return undefined
  if (typeof value !== 'string' || value === '') throw new JwtConfigError(`${name} must be a non-empty string (got ${showValue(value)}).`)
  return value
}

function bool(value: unknown, name: string, fallback: boolean): boolean {
  if (value === undefined) return fallback
  if (typeof value !== 'boolean') throw new JwtConfigError(`${name} must be a boolean (got ${showValue(value)}).`)
  return value
}
