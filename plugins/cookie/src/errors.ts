/**
 * @module @vectora/cookie/errors — CookieError, the one error class of the plugin, and its stable codes. A set-time
 * mistake (an invalid name, `SameSite=None` without `Secure`, ...) is a programmer error: it is thrown to the code
 * that called `set()`, which in a handler becomes a 500 (with the message in development). A configuration mistake
 * is thrown at `app.register()`.
 */

/**
 * Every code a CookieError carries. Codes are stable (match on them, not on messages).
 *
 * @example
 * const code: CookieErrorCode = 'COOKIE_SAMESITE_NONE_INSECURE'
 */
export type CookieErrorCode =
  /** `app.register(cookie, options)`: an unknown option, or `defaults` of the wrong shape. */
  | 'COOKIE_CONFIG_INVALID'
  /** `secret` missing where it is needed, shorter than 32 bytes, or not a string/Buffer (list). */
  | 'COOKIE_SECRET_INVALID'
  /** The name is not an HTTP token (RFC 9110 §5.6.2): empty, or with spaces, `=`, `;`, `,`, quotes, non-ASCII... */
  | 'COOKIE_NAME_INVALID'
  /** The value is not a string, or cannot be encoded (a lone UTF-16 surrogate). */
  | 'COOKIE_VALUE_INVALID'
  /** Domain is not a host name (letters, digits, hyphens, dots; punycode for IDNs; at most 253 characters). */
  | 'COOKIE_DOMAIN_INVALID'
  /** Path does not start with `/`, holds a control character or `;`, or is longer than 1024 bytes. */
  | 'COOKIE_PATH_INVALID'
  /** Max-Age is not an integer, or is above 400 days (34 560 000 s): the unit is seconds. */
  | 'COOKIE_MAX_AGE_INVALID'
  /** Expires is not a valid Date, or its year is outside 1601–9999. */
  | 'COOKIE_EXPIRES_INVALID'
  /** SameSite is not `'strict'`, `'lax'` or `'none'`. */
  | 'COOKIE_SAMESITE_INVALID'
  /** `SameSite=None` without `Secure`: browsers drop the cookie. */
  | 'COOKIE_SAMESITE_NONE_INSECURE'
  /** `Partitioned` without `Secure`: browsers drop the cookie. */
  | 'COOKIE_PARTITIONED_INSECURE'
  /** A `__Secure-` name without `Secure`. */
  | 'COOKIE_PREFIX_SECURE'
  /** A `__Host-` name without `Secure`, with a `Domain`, or with a `Path` other than `/`. */
  | 'COOKIE_PREFIX_HOST'
  /** Name and (encoded, signed) value together are over 4096 bytes: browsers drop the cookie. */
  | 'COOKIE_TOO_LARGE'
  /** An unknown cookie option, or an option of the wrong type (`httpOnly: 'yes'`). */
  | 'COOKIE_OPTION_INVALID'
  /** `set()` or `clear()` on a jar whose Set-Cookie fields were already written to the reply. */
  | 'COOKIE_TOO_LATE'

/**
 * The error of every cookie mistake: a stable `code` and a message that says what to do. Thrown by `set()`,
 * `setSigned()`, `clear()`, `setCookie()` and `clearCookie()`, and (wrapped in the host's
 * VEC_ERR_PLUGIN_SETUP_FAILED, as its `cause`) by `app.register(cookie, options)`.
 *
 * @example
 * try {
 *   req.cookies.set('sid', id, { sameSite: 'none', secure: false })
 * } catch (err) {
 *   if (err instanceof CookieError && err.code === 'COOKIE_SAMESITE_NONE_INSECURE') { ... }
 * }
 */
export class CookieError extends Error {
  readonly code: CookieErrorCode

  constructor(code: CookieErrorCode, message: string) {
    super(`@vectora/cookie: ${message}`)
    this.name = 'CookieError'
    this.code = code
  }
}

/** A value as messages show it: strings quoted, objects by kind. */
export function show(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 80 ? `${value.slice(0, 77)}...` : value)
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? 'an Invalid Date' : `the Date ${value.toISOString()}`
  if (Array.isArray(value)) return 'an array'
  if (Buffer.isBuffer(value)) return `a Buffer of ${value.length} bytes`
  return value === null ? 'null' : typeof value === 'object' ? 'an object' : `${typeof value} ${String(value)}`
}
