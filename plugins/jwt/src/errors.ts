/**
 * @module errors — the 401/503 replies of @vectora/jwt (RFC 6750 challenges), its configuration error, the
 * error of a signer refusing to issue a token, and how a wrong value is shown in their messages.
 */
import { HttpError } from 'vectora'

/** Stable codes of the problems @vectora/jwt answers with. */
export type JwtErrorCode = 'JWT_MISSING' | 'JWT_INVALID' | 'JWT_EXPIRED' | 'JWT_KEYS_UNAVAILABLE'

/**
 * A 401 for a request without a bearer token. RFC 6750 §3.1: a request that carries no credentials gets a
 * bare challenge, without an `error` parameter.
 *
 * @example
 * throw missingToken()
 */
export function missingToken(realm?: string): HttpError {
  return new HttpError(401, 'A bearer token is required.', {
    code: 'JWT_MISSING',
    headers: { 'www-authenticate': challenge(realm) },
  })
}

/**
 * A 401 for a token that was sent but is not acceptable. `description` goes to the problem `detail` and to
 * the challenge's `error_description`, so it must be a fixed sentence written here: never token content.
 *
 * @example
 * throw invalidToken('The token expired.', 'JWT_EXPIRED')
 */
export function invalidToken(description: string, code: 'JWT_INVALID' | 'JWT_EXPIRED' = 'JWT_INVALID', realm?: string, cause?: unknown): HttpError {
  return new HttpError(401, description, { code, cause, headers: { 'www-authenticate': invalidChallenge(description, realm) } })
}

/**
 * The challenge of an invalid token, built once per sentence and realm: descriptions are the plugin's fixed
 * sentences (never token content), so the cache holds a few dozen strings at most; it is cleared past 256.
 */
const challenges = new Map<string, string>()

function invalidChallenge(description: string, realm: string | undefined): string {
  const key = realm === undefined ? description : `${description}\u0000${realm}`
  let value = challenges.get(key)
  if (value === undefined) {
    // RFC 6750 §3: error_description is %x20-21 / %x23-5B / %x5D-7E (no quote, no backslash).
    const safe = description.replace(/[^\x20-\x21\x23-\x5b\x5d-\x7e]/g, '').replace(/\.$/, '')
    value = `${challenge(realm)}${realm === undefined ? ' ' : ', '}error="invalid_token", error_description="${safe}"`
    if (challenges.size >= 256) challenges.clear()
    challenges.set(key, value)
  }
  return value
}

/** A 503 when no verification key could be loaded yet (the JWKS endpoint is down): the client may retry. */
export function keysUnavailable(retryAfter: number): HttpError {
  return new HttpError(503, 'The keys to verify tokens are not available yet.', {
    code: 'JWT_KEYS_UNAVAILABLE',
    headers: { 'retry-after': String(Math.max(1, Math.ceil(retryAfter))) },
  })
}

function challenge(realm: string | undefined): string {
  return realm === undefined ? 'Bearer' : `Bearer realm="${realm}"`
}

/**
 * A configuration mistake found at register() (or createSigner()). The plugin host wraps it in
 * VEC_ERR_PLUGIN_SETUP_FAILED naming the plugin; `code` stays on the cause.
 */
export class JwtConfigError extends TypeError {
  readonly code = 'JWT_CONFIG_INVALID'
  constructor(message: string) {
    super(`@vectora/jwt: ${message}`)
    this.name = 'JwtConfigError'
  }
}

/**
 * A token `sign()` refuses to issue because the verifier would refuse it (no `sub`, no expiry, an issuer or
 * audience the registration does not accept...): failing at the issuer names the mistake, where the token
 * would otherwise only come back as a 401 from another service. A TypeError, like the errors sign() threw
 * before it had a code.
 *
 * @example
 * signer.sign({ roles: ['user'] }) // throws JwtSignError, code 'JWT_SIGN_INVALID': "the token has no subject (sub)..."
 */
export class JwtSignError extends TypeError {
  readonly code = 'JWT_SIGN_INVALID'
  constructor(message: string) {
    super(`@vectora/jwt: sign(): ${message}`)
    this.name = 'JwtSignError'
  }
}

/**
 * A value as a configuration message shows it: strings and numbers as they are (JSON), anything else by its
 * kind with the right article — `String()` would print `[object Object]`, `JSON.stringify()` nothing at all
 * for a function.
 *
 * @example
 * showValue('5m') // '"5m"'; showValue({}) // 'an object'; showValue(() => 1) // 'a function'
 */
export function showValue(value: unknown): string {
  if (value === null || value === undefined) return String(value)
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)
  if (typeof value === 'number' || typeof value === 'boolean') return String(value)
  if (typeof value === 'bigint') return `${value}n`
  if (Array.isArray(value)) return 'an array'
  if (value instanceof RegExp) return 'a RegExp'
  if (typeof value === 'function') return 'a function'
  if (typeof value === 'symbol') return 'a symbol'
  return 'an object'
}
