/**
 * @module @vectora/cookie/attributes — the Set-Cookie attributes a cookie may carry (`CookieOptions`) and the check
 * of each one on its own, per RFC 6265bis: what characters Domain and Path may hold, that Max-Age is whole seconds
 * within 400 days, that Expires is a real date. Rules that tie attributes together (prefixes, `SameSite=None`) are in
 * set-cookie.ts, where the name and the defaults are known.
 */
import { CookieError, show } from './errors.js'

/**
 * The `SameSite` attribute: `'lax'` (the default: sent on top-level navigations from other sites, not on their
 * subrequests), `'strict'` (never sent from other sites) or `'none'` (always sent; needs `Secure`).
 *
 * @example
 * const sameSite: SameSite = 'strict'
 */
export type SameSite = 'strict' | 'lax' | 'none'

/**
 * The attributes of a cookie, for `set()`, `setSigned()`, `setCookie()` and the plugin's `defaults`. Every field is
 * optional: what is left out comes from the plugin's `defaults`, then the secure defaults (`Path=/`, `HttpOnly`,
 * `SameSite=Lax`, `Secure` unless the app is in development).
 *
 * @example
 * req.cookies.set('theme', 'dark', { maxAge: 60 * 60 * 24 * 365, httpOnly: false })
 */
export interface CookieOptions {
  /** URL path prefix the cookie is sent for; starts with `/`. Default `/`. */
  path?: string
  /** Host (and its subdomains) the cookie is sent to, e.g. `example.com`. Default none: this host only. */
  domain?: string
  /** Lifetime in **seconds** (an integer, at most 400 days); 0 or less expires it now. Default none: a session cookie. */
  maxAge?: number
  /** Expiry date (for clients older than Max-Age; prefer `maxAge`). Default none. */
  expires?: Date
  /** Hidden from `document.cookie`. Default true. */
  httpOnly?: boolean
  /** Sent over HTTPS only. Default true, except in development (then only when the cookie needs it). */
  secure?: boolean
  /** See `SameSite`. Default `'lax'`. */
  sameSite?: SameSite
  /** CHIPS: kept apart per top-level site (needs `Secure`). Default false. */
  partitioned?: boolean
  /** Chrome's eviction priority. Default none (medium). */
  priority?: 'low' | 'medium' | 'high'
}

/**
 * The options of `clear()` and `clearCookie()`: those that decide which cookie the browser removes (`path`, `domain`)
 * and the flags its prefix or partition needs. Max-Age and Expires are the clearing itself.
 *
 * @example
 * req.cookies.clear('sid', { path: '/account' })
 */
export type ClearCookieOptions = Omit<CookieOptions, 'maxAge' | 'expires'>

/** RFC 6265bis §5.5: user agents cap a cookie's lifetime at 400 days. */
export const MAX_AGE_LIMIT = 400 * 24 * 60 * 60
/** RFC 6265bis §5.7: user agents ignore attribute values longer than this many bytes. */
export const MAX_ATTRIBUTE_BYTES = 1024

/** Every option `set()` accepts, in the order messages list them. */
export const COOKIE_OPTION_KEYS: readonly (keyof CookieOptions)[] = [
  'path',
  'domain',
  'maxAge',
  'expires',
  'httpOnly',
  'secure',
  'sameSite',
  'partitioned',
  'priority',
]
/** The options `clear()` accepts. */
export const CLEAR_OPTION_KEYS: readonly (keyof CookieOptions)[] = COOKIE_OPTION_KEYS.filter((key) => key !== 'maxAge' && key !== 'expires')

// RFC 1034 labels as RFC 1123 relaxed them (a digit may lead), dot-separated; a leading dot is ignored by browsers.
const DOMAIN = /^\.?[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$/i
// RFC 6265bis path-value: any CHAR except CTLs or ";" (so %x20-3A / %x3C-7E).
const PATH = /^[\x20-\x3a\x3c-\x7e]*$/
const SAME_SITE: readonly string[] = ['strict', 'lax', 'none']
const PRIORITY: readonly string[] = ['low', 'medium', 'high']

/**
 * Checks every attribute of `options` on its own and returns the given ones (undefined fields dropped), so that a
 * spread over defaults never overrides a default with undefined. Messages start with `subject` (`cookie "sid": `, or
 * '' for the plugin's defaults) and name options with `prefix` (`defaults.` at register). Throws a CookieError
 * naming the first problem.
 *
 * @example
 * checkAttributes({ maxAge: 3600 }, COOKIE_OPTION_KEYS, '', 'cookie "sid": ') // { maxAge: 3600 }
 * checkAttributes({ maxAge: 3600 * 1000 * 24 * 30 }, COOKIE_OPTION_KEYS, '', 'cookie "sid": ') // throws COOKIE_MAX_AGE_INVALID
 */
export function checkAttributes(options: unknown, allowed: readonly (keyof CookieOptions)[], prefix: string, subject: string): CookieOptions {
  if (options === undefined) return {}
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new CookieError('COOKIE_OPTION_INVALID', `${subject}${prefix ? 'defaults' : 'the options'} must be an object of attributes, got ${show(options)}.`)
  }
  const out: CookieOptions = {}
  for (const [key, value] of Object.entries(options)) {
    if (!(allowed as readonly string[]).includes(key)) throw unknownOption(key, allowed, prefix, subject)
    if (value === undefined) continue
    ;(out as Record<string, unknown>)[key] = checkAttribute(key as keyof CookieOptions, value, subject + prefix + key)
  }
  return out
}

function checkAttribute(key: keyof CookieOptions, value: unknown, name: string): unknown {
  switch (key) {
    case 'path':
      return checkPath(value, name)
    case 'domain':
      return checkDomain(value, name)
    case 'maxAge':
      return checkMaxAge(value, name)
    case 'expires':
      return checkExpires(value, name)
    case 'sameSite':
      if (typeof value !== 'string' || !SAME_SITE.includes(value)) {
        throw new CookieError('COOKIE_SAMESITE_INVALID', `${name} is 'strict', 'lax' or 'none' (lower case), got ${show(value)}.`)
      }
      return value
    case 'priority':
      if (typeof value !== 'string' || !PRIORITY.includes(value)) {
        throw new CookieError('COOKIE_OPTION_INVALID', `${name} is 'low', 'medium' or 'high', got ${show(value)}.`)
      }
      return value
    default:
      // httpOnly, secure, partitioned
      if (typeof value !== 'boolean') throw new CookieError('COOKIE_OPTION_INVALID', `${name} is true or false, got ${show(value)}.`)
      return value
  }
}

function checkPath(value: unknown, name: string): string {
  if (typeof value !== 'string' || !value.startsWith('/')) {
    throw new CookieError(
      'COOKIE_PATH_INVALID',
      `${name} is a URL path starting with "/" (browsers ignore any other and use the request's directory), got ${show(value)}.`,
    )
  }
  if (!PATH.test(value)) {
    throw new CookieError(
      'COOKIE_PATH_INVALID',
      `${name} may hold visible ASCII and spaces but no ";" or control character; percent-encode other characters. Got ${show(value)}.`,
    )
  }
  if (value.length > MAX_ATTRIBUTE_BYTES)
    throw new CookieError('COOKIE_PATH_INVALID', `${name} is longer than ${MAX_ATTRIBUTE_BYTES} bytes: browsers ignore it.`)
  return value
}

function checkDomain(value: unknown, name: string): string {
  // 253: the longest DNS name (RFC 1035), not counting the leading dot browsers ignore.
  if (typeof value !== 'string' || value.replace(/^\./, '').length > 253 || !DOMAIN.test(value)) {
    throw new CookieError(
      'COOKIE_DOMAIN_INVALID',
      `${name} is a host name such as "example.com" (letters, digits, hyphens and dots, no port or scheme; an ` +
        `internationalized name in its punycode "xn--" form), got ${show(value)}. Leave it out to keep the cookie on this host.`,
    )
  }
  return value
}

function checkMaxAge(value: unknown, name: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) {
    throw new CookieError('COOKIE_MAX_AGE_INVALID', `${name} is a whole number of seconds, got ${show(value)}.`)
  }
  if (value > MAX_AGE_LIMIT) {
    const hint = value / 1000 <= MAX_AGE_LIMIT ? ' It looks like milliseconds: maxAge is in seconds.' : ''
    throw new CookieError(
      'COOKIE_MAX_AGE_INVALID',
      `${name} is at most 400 days (${MAX_AGE_LIMIT} seconds): RFC 6265bis has browsers cap longer lifetimes. Got ${value}.${hint}`,
    )
  }
  return value
}

function checkExpires(value: unknown, name: string): Date {
  const year = value instanceof Date ? value.getUTCFullYear() : Number.NaN
  if (!(year >= 1601 && year <= 9999)) {
    throw new CookieError('COOKIE_EXPIRES_INVALID', `${name} is a valid Date in the years 1601 to 9999, got ${show(value)}.`)
  }
  return value as Date
}

function unknownOption(key: string, allowed: readonly string[], prefix: string, subject: string): CookieError {
  const near = allowed.find((known) => known.toLowerCase() === key.toLowerCase())
  const cleared = !allowed.includes('maxAge') && (key === 'maxAge' || key === 'expires')
  const hint = near !== undefined ? ` Did you mean "${near}"?` : cleared ? ' clear() sets the expiry itself.' : ''
  return new CookieError('COOKIE_OPTION_INVALID', `${subject}unknown cookie option "${prefix}${key}" (known: ${allowed.join(', ')}).${hint}`)
}
