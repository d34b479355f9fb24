/**
 * @module @vectora/cookie/signing — signed cookie values: `value.signature`, the signature an HMAC-SHA256 of
 * `name=value` in base64url (43 characters). The name is part of what is signed, so a signed value cannot be moved
 * into another cookie. Keys rotate: the first secret signs, every secret verifies.
 */
import { createHmac, timingSafeEqual } from 'node:crypto'
import { CookieError, show } from './errors.js'

/**
 * A signing key: a string (its UTF-8 bytes) or a Buffer, at least 32 bytes (HMAC-SHA256's output size: a shorter
 * key is easier to guess than the MAC it makes).
 *
 * @example
 * const secret: CookieSecret = process.env.COOKIE_SECRET! // e.g. 43 characters of base64url from 32 random bytes
 */
export type CookieSecret = string | Buffer

/** The shortest key accepted, in bytes. */
export const MIN_SECRET_BYTES = 32

const SIGNATURE = /^[A-Za-z0-9_-]{43}$/
const GENERATE = `node -e "console.log(require('node:crypto').randomBytes(32).toString('base64url'))"`

/**
 * The keys of a `secret` option, checked: one secret or a non-empty list (first signs, all verify). Throws
 * COOKIE_SECRET_INVALID saying why.
 *
 * @example
 * toKeys([newSecret, oldSecret]) // [Buffer, Buffer]
 */
export function toKeys(secret: unknown, label = 'secret'): readonly Buffer[] {
  const list = Array.isArray(secret) ? secret : [secret]
  if (list.length === 0) throw new CookieError('COOKIE_SECRET_INVALID', `${label} is an empty list: give at least one key (the first signs).`)
  return list.map((key, i) => toKey(key, Array.isArray(secret) ? `${label}[${i}]` : label))
}

function toKey(key: unknown, label: string): Buffer {
  if (typeof key !== 'string' && !Buffer.isBuffer(key)) {
    throw new CookieError('COOKIE_SECRET_INVALID', `${label} is a string or a Buffer (or a list of them, first signs), got ${show(key)}.`)
  }
  const bytes = typeof key === 'string' ? Buffer.from(key, 'utf8') : Buffer.from(key)
  if (bytes.length < MIN_SECRET_BYTES) {
    throw new CookieError(
      'COOKIE_SECRET_INVALID',
      `${label} is ${bytes.length} bytes; at least ${MIN_SECRET_BYTES} are needed, because a key shorter than HMAC-SHA256's ` +
        `32-byte output can be guessed more easily than the signatures it makes. Generate one with: ${GENERATE}`,
    )
  }
  return bytes
}

/** The signature of `name=value` with `key`: base64url, 43 characters. */
function signature(key: Buffer, name: string, value: string): string {
  return createHmac('sha256', key).update(`${name}=${value}`, 'utf8').digest('base64url')
}

/**
 * `value.signature` with the first key. Internal form of `signCookieValue` (keys already checked).
 *
 * @example
 * sign(keys, 'sid', 'abc') // 'abc.<43 characters>'
 */
export function sign(keys: readonly Buffer[], name: string, value: string): string {
  return `${value}.${signature(keys[0]!, name, value)}`
}

/**
 * The value of a `value.signature` string when some key made the signature, else undefined (no dot, a signature of
 * the wrong shape, or signed with no key given). Compared in constant time. Internal form of `verifyCookieValue`.
 *
 * @example
 * unsign(keys, 'sid', sign(keys, 'sid', 'abc')) // 'abc'
 */
export function unsign(keys: readonly Buffer[], name: string, signed: string): string | undefined {
  const dot = signed.lastIndexOf('.')
  if (dot === -1) return undefined
  const given = signed.slice(dot + 1)
  // The shape first: base64url decoding is lenient, and only a canonical signature may pass.
  if (!SIGNATURE.test(given)) return undefined
  const value = signed.slice(0, dot)
  const givenBytes = Buffer.from(given, 'latin1')
  for (const key of keys) {
    if (timingSafeEqual(Buffer.from(signature(key, name, value), 'latin1'), givenBytes)) return value
  }
  return undefined
}

/**
 * Signs `value` for cookie `name` with `secret` (a key or a list whose first key signs): `value.signature`. For
 * code that writes cookies without the jar (`setCookie(reply, name, signCookieValue(name, v, secret))`).
 * Throws COOKIE_SECRET_INVALID for a key shorter than 32 bytes.
 *
 * @example
 * setCookie(reply, 'sid', signCookieValue('sid', sessionId, process.env.COOKIE_SECRET!))
 */
export function signCookieValue(name: string, value: string, secret: CookieSecret | readonly CookieSecret[]): string {
  return sign(toKeys(secret), name, value)
}

/**
 * The value of a signed cookie `name` when one of `secrets` signed it, else undefined (unsigned, tampered, signed
 * with a key not listed, or signed for another cookie name). Constant-time comparison.
 *
 * @example
 * verifyCookieValue('sid', signedValue, [newSecret, oldSecret]) // 'abc', or undefined when tampered with
 */
export function verifyCookieValue(name: string, signed: string, secrets: CookieSecret | readonly CookieSecret[]): string | undefined {
  return unsign(toKeys(secrets), name, signed)
}
