/**
 * @module sign — createSigner(): issues tokens with a secret or private key, and refuses to issue one the
 * verifier would refuse: no `sub`, no expiry (by default), already expired, a `crit` header; and, for the
 * plugin's own signer, an issuer, audience, `typ` or length its registration does not accept.
 */
import type { KeyObject } from 'node:crypto'
import jsonwebtoken from 'jsonwebtoken'
import { audienceAccepted, issuerAccepted, typMatches } from './claims.js'
import { JwtConfigError, JwtSignError, showValue } from './errors.js'
import { ALGORITHMS, algorithmsFor, describeKey, toPrivateKey, toSecretKey, type JwtAlgorithm, type KeyInput } from './keys.js'

/** Options of `createSigner()`. */
export interface SignerOptions {
  /** The algorithm every token is signed with. */
  algorithm: JwtAlgorithm
  /** HMAC secret, for HS*. */
  secret?: string | Buffer | KeyObject
  /** PEM private key (or KeyObject), for RS*, PS*, ES*. */
  privateKey?: KeyInput
  /** `kid` header of issued tokens. */
  keyId?: string
  /** Default `iss`. */
  issuer?: string
  /** Default `aud`. */
  audience?: string | string[]
  /** Default lifetime: seconds, or a vercel/ms string like `'15m'`. */
  expiresIn?: string | number
  /** Refuse to issue a token without an expiry. Default true. */
  requireExpiresIn?: boolean
  /**
   * The current time in milliseconds, for `iat` and the lifetimes counted from it. Default `Date.now`. A testing
   * aid: give the signer and the plugin (its `clock` option) one fake clock, and expiry tests need no waiting.
   */
  clock?: () => number
}

/** Per-token options of `sign()`; each overrides the signer's default. */
export interface SignOptions {
  expiresIn?: string | number
  notBefore?: string | number
  issuer?: string
  audience?: string | string[]
  subject?: string
  jwtid?: string
  /** Extra protected-header members (`typ`...); `alg` and `kid` are the signer's. */
  header?: Readonly<Record<string, unknown>>
}

/** Issues tokens. */
export interface Signer {
  /** The algorithm tokens are signed with. */
  readonly algorithm: JwtAlgorithm
  /**
   * A signed compact JWT. `payload` is a plain object of claims; `sub` goes in it or in `options.subject`.
   * Throws a JwtSignError (`code: 'JWT_SIGN_INVALID'`) for a token the verifier would refuse.
   */
  sign(payload: Readonly<Record<string, unknown>>, options?: SignOptions): string
}

/**
 * What the verifier of one plugin registration requires beyond what it always does (a `sub`, an unexpired
 * `exp`, no `crit`). The plugin builds its signer with these, so the signer checks its tokens against them.
 */
export interface VerifierRules {
  readonly issuer: string | readonly string[] | undefined
  readonly audience: string | RegExp | readonly (string | RegExp)[] | undefined
  readonly typ: string | undefined
  readonly maxTokenLength: number
}

const KNOWN = new Set(['algorithm', 'secret', 'privateKey', 'keyId', 'issuer', 'audience', 'expiresIn', 'requireExpiresIn', 'clock'])

/**
 * A signer for a secret (HS*) or a private key (RS*, PS*, ES*). Tokens without an expiry are refused unless
 * `requireExpiresIn: false`: a token that never expires cannot be revoked by waiting. So are tokens without a
 * `sub`, which @vectora/jwt never accepts.
 *
 * @example
 * const signer = createSigner({ secret: process.env.JWT_SECRET!, algorithm: 'HS256', issuer: 'https://api.example', expiresIn: '15m' })
 * const token = signer.sign({ sub: 'user-7', role: 'admin' })
 */
export function createSigner(options: SignerOptions): Signer {
  return createCheckedSigner(options, undefined)
}

/**
 * createSigner() that also refuses the tokens `rules` — the verifier of the plugin registration it belongs
 * to — would refuse: an issuer or audience it does not accept, another `typ`, a token over its length limit.
 *
 * @example
 * createCheckedSigner({ secret, algorithm: 'HS256' }, { issuer: ['https://a.example', 'https://b.example'], audience: undefined, typ: undefined, maxTokenLength: 8192 })
 *   .sign({ sub: 'ada' }, { expiresIn: '5m' }) // throws JWT_SIGN_INVALID: no issuer, and the verifier requires one
 */
export function createCheckedSigner(options: SignerOptions, rules: VerifierRules | undefined): Signer {
  if (options === null || typeof options !== 'object') throw new JwtConfigError('createSigner() needs an options object.')
  for (const key of Object.keys(options)) {
    if (!KNOWN.has(key)) throw new JwtConfigError(`unknown signer option "${key}" (known: ${[...KNOWN].join(', ')}).`)
  }
  const { algorithm, secret, privateKey, keyId, issuer, audience, expiresIn } = options
  if (algorithm === undefined) throw new JwtConfigError(`createSigner() needs an algorithm, one of ${ALGORITHMS.join(', ')}.`)
  if (typeof algorithm === 'string' && algorithm.toLowerCase() === 'none') throw new JwtConfigError('algorithm "none" issues unsigned tokens; it is refused.')
  if (!(ALGORITHMS as readonly unknown[]).includes(algorithm))
    throw new JwtConfigError(`unsupported algorithm ${showValue(algorithm)}; supported: ${ALGORITHMS.join(', ')}.`)
  if ((secret === undefined) === (privateKey === undefined))
    throw new JwtConfigError('createSigner() needs exactly one of secret (HS*) or privateKey (RS/PS/ES).')
  const key = secret !== undefined ? toSecretKey(secret, [algorithm]) : toPrivateKey(privateKey)
  if (!algorithmsFor(key, [algorithm]).includes(algorithm)) throw new JwtConfigError(`${algorithm} cannot sign with ${describeKey(key)}.`)
  const requireExpiresIn = options.requireExpiresIn ?? true
  if (typeof requireExpiresIn !== 'boolean') throw new JwtConfigError('requireExpiresIn must be a boolean.')
  if (keyId !== undefined && (typeof keyId !== 'string' || keyId === '')) throw new JwtConfigError('keyId must be a non-empty string.')
  // An empty iss or aud is a token no verifier configured with an issuer or audience accepts.
  if (issuer !== undefined && (typeof issuer !== 'string' || issuer === ''))
    throw new JwtConfigError(`issuer must be a non-empty string (got ${showValue(issuer)}).`)
  const audienceOk = (a: unknown): boolean => typeof a === 'string' && a !== ''
  if (audience !== undefined && !(audienceOk(audience) || (Array.isArray(audience) && audience.length > 0 && audience.every(audienceOk)))) {
    throw new JwtConfigError(`audience must be a non-empty string or a non-empty array of them (got ${showValue(audience)}).`)
  }
  if (expiresIn !== undefined && typeof expiresIn !== 'string' && typeof expiresIn !== 'number') {
    throw new JwtConfigError(`expiresIn must be seconds or a vercel/ms string such as '15m' (got ${showValue(expiresIn)}).`)
  }
  const clock = options.clock ?? Date.now
  if (typeof clock !== 'function') throw new JwtConfigError(`clock must be a function returning the time in ms, like Date.now (got ${showValue(clock)}).`)

  return {
    algorithm,
    sign(payload, signOptions = {}) {
      if (payload === null || typeof payload !== 'object' || Array.isArray(payload) || Buffer.isBuffer(payload)) {
        throw new JwtSignError(`payload must be a plain object of claims (got ${Buffer.isBuffer(payload) ? 'a Buffer' : showValue(payload)}).`)
      }
      const lifetime = signOptions.expiresIn ?? (payload.exp === undefined ? expiresIn : undefined)
      if (requireExpiresIn && lifetime === undefined && typeof payload.exp !== 'number') {
        // The plugin's signer has no expiresIn or requireExpiresIn of its own: only the per-call fix applies.
        throw new JwtSignError(
          rules === undefined
            ? "an expiry is required: pass { expiresIn: '15m' } (or set expiresIn on the signer, or requireExpiresIn: false)."
            : "an expiry is required: pass { expiresIn: '15m' }, or put an exp claim in the payload.",
        )
      }
      const { header, ...rest } = signOptions
      const now = Math.floor(clock() / 1000)
      // expiresIn / notBefore: seconds or a vercel/ms string; jsonwebtoken validates and explains bad values.
      // It counts them from the payload's iat, so an iat from `clock` makes every time claim follow the clock.
      const signOpts = {
        ...(issuer === undefined || payload.iss !== undefined ? {} : { issuer }),
        ...(audience === undefined || payload.aud !== undefined ? {} : { audience }),
        ...rest,
        ...(lifetime === undefined ? {} : { expiresIn: lifetime }),
        algorithm,
        header: { ...(rules?.typ === undefined ? {} : { typ: rules.typ }), ...header, alg: algorithm, ...(keyId === undefined ? {} : { kid: keyId }) },
      } as jsonwebtoken.SignOptions
      const token = jsonwebtoken.sign({ ...(payload.iat === undefined ? { iat: now } : {}), ...payload }, key, signOpts)
      checkIssuable(token, now, rules)
      return token
    },
  }
}

/**
 * Throws a JwtSignError if the verifier would refuse `token`. It reads the token as issued rather than the
 * inputs: payload claims, per-call options and signer defaults combine in jsonwebtoken, and only the result
 * is what the verifier sees.
 */
function checkIssuable(token: string, now: number, rules: VerifierRules | undefined): void {
  const [h, p] = token.split('.')
  const header = JSON.parse(Buffer.from(h, 'base64url').toString('utf8')) as Record<string, unknown>
  const claims = JSON.parse(Buffer.from(p, 'base64url').toString('utf8')) as Record<string, unknown>
  if (claims.sub === undefined) {
    throw new JwtSignError(
      "the token has no subject (sub), and the verifier refuses tokens without one: put the caller's id in the payload, sign({ sub: user.id, ... }), or pass { subject: user.id }.",
    )
  }
  if (typeof claims.sub !== 'string' || claims.sub === '') {
    throw new JwtSignError(
      `sub must be a non-empty string (got ${showValue(claims.sub)}), or the verifier refuses the token: sign({ sub: String(user.id), ... }).`,
    )
  }
  if (typeof claims.exp === 'number' && claims.exp <= now) {
    throw new JwtSignError(
      `the token would be expired when issued (its exp is ${claims.exp === now ? 'now' : `${now - claims.exp} s ago`}): pass a positive expiresIn, or an exp in the future.`,
    )
  }
  if (typeof claims.exp === 'number' && typeof claims.nbf === 'number' && claims.nbf >= claims.exp) {
    throw new JwtSignError('the token would never be valid: its nbf (notBefore) is not before its exp. Shorten notBefore or lengthen expiresIn.')
  }
  if (header.crit !== undefined) throw new JwtSignError('the verifier refuses tokens with critical header parameters: remove crit from options.header.')
  if (rules === undefined) return
  if (rules.issuer !== undefined && !issuerAccepted(claims.iss, rules.issuer)) {
    const accepted = typeof rules.issuer === 'string' ? [rules.issuer] : rules.issuer
    throw new JwtSignError(
      claims.iss === undefined
        ? `the token has no issuer (iss), and this registration accepts only ${list(accepted)}: pass { issuer: ${JSON.stringify(accepted[0])} } (or an iss claim in the payload).`
        : `iss ${showValue(claims.iss)} is not an issuer this registration accepts (${list(accepted)}): pass one of them as { issuer } or as the iss claim.`,
    )
  }
  if (rules.audience !== undefined && !audienceAccepted(claims.aud, rules.audience)) {
    const accepted = Array.isArray(rules.audience) ? rules.audience : [rules.audience as string | RegExp]
    throw new JwtSignError(
      claims.aud === undefined
        ? `the token has no audience (aud), and this registration accepts only ${list(accepted)}: pass { audience: '...' } naming one of them (or an aud claim in the payload).`
        : `aud ${Array.isArray(claims.aud) ? list(claims.aud) : showValue(claims.aud)} names no audience this registration accepts (${list(accepted)}): pass one as { audience } or as the aud claim.`,
    )
  }
  if (rules.typ !== undefined && !typMatches(header.typ, rules.typ)) {
    throw new JwtSignError(
      `the typ header ${showValue(header.typ)} is not the ${JSON.stringify(rules.typ)} this registration requires: leave typ out of options.header (the signer sets it).`,
    )
  }
  if (token.length > rules.maxTokenLength) {
    throw new JwtSignError(
      `the token is ${token.length} characters, over the maxTokenLength of ${rules.maxTokenLength} this registration accepts: put fewer claims in it, or raise maxTokenLength.`,
    )
  }
}

/** Accepted values for a message: strings quoted, RegExps as written. */
function list(values: readonly unknown[]): string {
  return values.map((v) => (v instanceof RegExp ? String(v) : showValue(v))).join(', ')
}
