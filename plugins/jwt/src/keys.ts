/**
 * @module keys — verification keys: a secret, PEM public keys (one, or by kid) or a JWKS, each key bound to
 * the algorithms it may verify (RFC 8725 §3.1), and looked up from a token's header.
 */
import { createPrivateKey, createPublicKey, createSecretKey, KeyObject } from 'node:crypto'
import { JwtConfigError, showValue } from './errors.js'

/** The algorithms jsonwebtoken 9 verifies. `none` is deliberately absent: it is never accepted. */
export const ALGORITHMS = ['HS256', 'HS384', 'HS512', 'RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512'] as const

/** A JWS algorithm @vectora/jwt accepts in `algorithms`. */
export type JwtAlgorithm = (typeof ALGORITHMS)[number]

/** Key material: a PEM string or Buffer, or a KeyObject. */
export type KeyInput = string | Buffer | KeyObject

/** A key and the only algorithms it may verify. */
export interface VerificationKey {
  readonly kid: string | undefined
  readonly key: KeyObject
  readonly algorithms: readonly JwtAlgorithm[]
}

/** What a lookup found: a key, or why there is none. */
export type Lookup =
  | { readonly ok: true; readonly key: VerificationKey }
  | { readonly ok: false; readonly reason: 'unknown-kid' | 'no-kid' }
  | { readonly ok: false; readonly reason: 'unavailable'; readonly retryAfter: number }

/** Finds the key for a token's `kid` (already checked: `alg` is in the app's allowlist). */
export interface KeyResolver {
  lookup(kid: string | undefined): Lookup | Promise<Lookup>
  /** True when a lookup has no effect (nothing fetched, nothing counted): when it runs is not observable. */
  readonly pure?: boolean
}

const CURVES: Record<string, JwtAlgorithm> = { prime256v1: 'ES256', secp384r1: 'ES384', secp521r1: 'ES512' }
/** RFC 7518 §3.2: an HMAC key at least as long as the hash output. */
const HMAC_BYTES: Record<string, number> = { HS256: 32, HS384: 48, HS512: 64 }
const MIN_RSA_BITS = 2048

/** Whether `alg` is an HMAC algorithm (HS*), verified with a secret rather than a public key. */
export const isHmac = (alg: string): boolean => alg.startsWith('HS')

/**
 * The algorithms of `allowed` that `key` can verify or sign with: HS* for a secret, RS* and PS* for RSA, PS* for
 * RSA-PSS, the one ES* of an EC key's curve. Empty when the key fits none of them.
 *
 * @example
 * algorithmsFor(createPublicKey(pem), ['RS256', 'ES256']) // ['RS256'] for an RSA key
 */
export function algorithmsFor(key: KeyObject, allowed: readonly JwtAlgorithm[]): JwtAlgorithm[] {
  if (key.type === 'secret') return allowed.filter(isHmac)
  switch (key.asymmetricKeyType) {
    case 'rsa':
      return allowed.filter((a) => a.startsWith('RS') || a.startsWith('PS'))
    case 'rsa-pss':
      return allowed.filter((a) => a.startsWith('PS'))
    case 'ec': {
      const alg = CURVES[key.asymmetricKeyDetails?.namedCurve ?? '']
      return allowed.filter((a) => a === alg)
    }
    default:
      return []
  }
}

/**
 * The secret as a KeyObject, refusing what RFC 8725 §3.5 warns about: keys shorter than the hash (RFC 7518
 * §3.2) and PEM text given as a secret — the very mistake the RS256 -> HS256 key-confusion attack exploits.
 */
export function toSecretKey(secret: unknown, algorithms: readonly JwtAlgorithm[], what = 'secret'): KeyObject {
  let key: KeyObject
  if (secret instanceof KeyObject) {
    if (secret.type !== 'secret')
      throw new JwtConfigError(`${what} must be a secret KeyObject (got ${describeKey(secret)}); asymmetric keys go in publicKeys or privateKey.`)
    key = secret
  } else if (typeof secret === 'string' || Buffer.isBuffer(secret)) {
    if (String(secret).includes('-----BEGIN')) {
      throw new JwtConfigError(
        `${what} looks like a PEM key. A public key used as an HMAC secret is the key-confusion attack; put PEM keys in publicKeys (verify) or privateKey (sign) and list RS/PS/ES algorithms.`,
      )
    }
    key = createSecretKey(typeof secret === 'string' ? Buffer.from(secret, 'utf8') : secret)
  } else {
    throw new JwtConfigError(`${what} must be a string, a Buffer or a secret KeyObject (got ${showValue(secret)}).`)
  }
  const hmac = algorithms.filter(isHmac)
  const needed = Math.max(0, ...hmac.map((a) => HMAC_BYTES[a]))
  const size = key.symmetricKeySize ?? 0
  if (size < needed) {
    throw new JwtConfigError(
      `${what} has ${size} bytes; ${hmac.join(', ')} ${hmac.length === 1 ? 'needs' : 'need'} at least ${needed} (RFC 7518 §3.2). Use random bytes, not a password: crypto.randomBytes(${needed}).toString('base64url').`,
    )
  }
  return key
}

/** A public key from PEM, a public KeyObject, or (derived) a private one; checked against `algorithms`. */
export function toPublicKey(input: unknown, algorithms: readonly JwtAlgorithm[], what: string): { key: KeyObject; algorithms: JwtAlgorithm[] } {
  let key: KeyObject
  if (input instanceof KeyObject) {
    if (input.type === 'secret') throw new JwtConfigError(`${what} is a secret key; secrets go in the secret option.`)
    key = input.type === 'private' ? createPublicKey(input) : input
  } else if (typeof input === 'string' || Buffer.isBuffer(input)) {
    try {
      key = createPublicKey(input)
    } catch (cause) {
      throw new JwtConfigError(`${what} is not a PEM public key (${(cause as Error).message}).`)
    }
  } else {
    throw new JwtConfigError(`${what} must be a PEM string, a Buffer or a KeyObject (got ${showValue(input)}).`)
  }
  checkKeySize(key, what)
  const fits = algorithmsFor(key, algorithms)
  if (fits.length === 0) {
    throw new JwtConfigError(`${what} is ${describeKey(key)}, which none of the algorithms [${algorithms.join(', ')}] uses.`)
  }
  return { key, algorithms: fits }
}

/** A private key from PEM or a private KeyObject (for signing). */
export function toPrivateKey(input: unknown, what = 'privateKey'): KeyObject {
  let key: KeyObject
  if (input instanceof KeyObject) key = input
  else if (typeof input === 'string' || Buffer.isBuffer(input)) {
    try {
      key = createPrivateKey(input)
    } catch (cause) {
      throw new JwtConfigError(`${what} is not a PEM private key (${(cause as Error).message}).`)
    }
  } else throw new JwtConfigError(`${what} must be a PEM string, a Buffer or a private KeyObject (got ${showValue(input)}).`)
  if (key.type !== 'private') throw new JwtConfigError(`${what} must be a private key (got ${describeKey(key)}).`)
  checkKeySize(key, what)
  return key
}

/** Throws for RSA keys under 2048 bits (jsonwebtoken 9 refuses to sign with them; verify should not trust them). */
export function checkKeySize(key: KeyObject, what: string): void {
  const bits = key.asymmetricKeyDetails?.modulusLength
  // "an RSA key of N bits", not "a N-bit RSA key": no article to get wrong for 800 or 1800 bits.
  if (bits !== undefined && bits < MIN_RSA_BITS) throw new JwtConfigError(`${what} is an RSA key of ${bits} bits; at least ${MIN_RSA_BITS} bits are required.`)
}

/**
 * A key as messages name it, with the article its type takes. Node's type names are acronyms read letter by
 * letter, so the article follows the first letter's sound: an rsa, an ec, an ed25519, an x25519, but a dsa, a dh.
 *
 * @example
 * describeKey(createPublicKey(ecPem)) // 'an ec prime256v1 public key'
 */
export function describeKey(key: KeyObject): string {
  if (key.type === 'secret') return 'a secret key'
  const type = key.asymmetricKeyType
  if (type === undefined) return `a ${key.type} key of unknown type`
  const curve = key.asymmetricKeyDetails?.namedCurve
  return `${/^[aefhilmnorsx]/i.test(type) ? 'an' : 'a'} ${type}${curve === undefined ? '' : ` ${curve}`} ${key.type} key`
}

/**
 * A fixed set of keys. A token naming a `kid` gets that key; a token without one gets the only key, when
 * there is exactly one (a single key configured without a kid matches every kid).
 *
 * @example
 * staticKeys([{ kid: undefined, key, algorithms: ['HS256'] }]).lookup(undefined) // { ok: true, key }
 */
export function staticKeys(keys: readonly VerificationKey[]): KeyResolver {
  const byKid = new Map(keys.filter((k) => k.kid !== undefined).map((k) => [k.kid!, k]))
  const only = keys.length === 1 ? keys[0] : undefined
  return {
    pure: true,
    lookup(kid) {
      const key = (kid === undefined ? only : byKid.get(kid)) ?? (only?.kid === undefined ? only : undefined)
      if (key !== undefined) return { ok: true, key }
      return { ok: false, reason: kid === undefined ? 'no-kid' : 'unknown-kid' }
    },
  }
}
