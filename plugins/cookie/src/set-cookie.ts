/**
 * @module @vectora/cookie/set-cookie — one `Set-Cookie` field value from a name, a value and options: the defaults
 * applied (secure ones first, then the plugin's), every RFC 6265bis rule checked, then `cookie`'s
 * `stringifySetCookie` writes it. Values are percent-encoded where needed (cookie's default encoder), so any string
 * round-trips and the wire value is always cookie-octets.
 */
import { stringifySetCookie } from 'cookie'
import { CLEAR_OPTION_KEYS, COOKIE_OPTION_KEYS, checkAttributes, type ClearCookieOptions, type CookieOptions } from './attributes.js'
import { CookieError, show } from './errors.js'

/** RFC 6265bis §5.7: user agents ignore a cookie whose name and value together are longer than this many bytes. */
export const MAX_COOKIE_BYTES = 4096

/** The defaults a cookie is written with: resolved once, at register() (or for `setCookie()`, once per module). */
export interface CookieDefaults {
  /** Every attribute but Secure: the secure defaults overridden by the plugin's `defaults`. */
  readonly attributes: Readonly<CookieOptions>
  /** Secure as the plugin's `defaults` set it; undefined = decided per cookie (see `secureFor`). */
  readonly secure: boolean | undefined
  /** The app's development mode: Secure then defaults to false, unless the cookie needs it. */
  readonly development: boolean
}

/** What every cookie gets unless told otherwise (Secure is decided per cookie). */
const SECURE_ATTRIBUTES: Readonly<CookieOptions> = Object.freeze({ path: '/', httpOnly: true, sameSite: 'lax' })

// RFC 9110 token: the cookie-name of RFC 6265bis §4.1.1.
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/
// cookie-octet (RFC 6265bis §4.1.1): what an encoded value must consist of.
const COOKIE_OCTETS = /^[\x21\x23-\x2b\x2d-\x3a\x3c-\x5b\x5d-\x7e]*$/
const SECURE_PREFIX = '__secure-'
const HOST_PREFIX = '__host-'
/** Expires of a clearing Set-Cookie, for clients that ignore Max-Age=0. */
const EPOCH = new Date(0)

/**
 * Resolves the plugin's `defaults` over the secure defaults; checked attribute by attribute, and for the rules that
 * need no name (`SameSite=None` and `Partitioned` need Secure). Throws a CookieError.
 *
 * @example
 * createDefaults(false, { sameSite: 'strict' }).attributes // { path: '/', httpOnly: true, sameSite: 'strict' }
 */
export function createDefaults(development: boolean, defaults?: CookieOptions): CookieDefaults {
  const given = checkAttributes(defaults, COOKIE_OPTION_KEYS, 'defaults.', '')
  const { secure, ...attributes } = { ...SECURE_ATTRIBUTES, ...given }
  const resolved: CookieDefaults = { attributes: Object.freeze(attributes), secure, development }
  // The rules that need no name, on the defaults alone: defaults no cookie could be set with fail at register().
  checkRules('defaults', { ...attributes, secure: secureFor('', attributes, resolved, undefined) }, undefined)
  return resolved
}

/**
 * The defaults of `setCookie()` / `clearCookie()`, which see no app: the production ones (Secure always).
 *
 * @example
 * serializeCookie('a', '1', undefined, PRODUCTION_DEFAULTS) // 'a=1; Path=/; HttpOnly; Secure; SameSite=Lax'
 */
export const PRODUCTION_DEFAULTS: CookieDefaults = createDefaults(false)

/**
 * The `Set-Cookie` field value for `name=value` with `options` over `defaults`. Throws a CookieError for an invalid
 * name, value or attribute, a broken RFC 6265bis rule, or a cookie over 4096 bytes.
 *
 * @example
 * serializeCookie('sid', 'abc', { maxAge: 3600 }, createDefaults(false)) // 'sid=abc; Max-Age=3600; Path=/; HttpOnly; Secure; SameSite=Lax'
 */
export function serializeCookie(
  name: string,
  value: string,
  options: CookieOptions | undefined,
  defaults: CookieDefaults,
  sign?: (value: string) => string,
): string {
  checkName(name)
  if (typeof value !== 'string') {
    throw new CookieError(
      'COOKIE_VALUE_INVALID',
      `the value of cookie "${name}" must be a string, got ${show(value)}. Convert it first (String(), JSON.stringify()).`,
    )
  }
  const attributes = merge(name, checkAttributes(options, COOKIE_OPTION_KEYS, '', `cookie "${name}": `), defaults)
  return write(name, sign === undefined ? value : sign(value), attributes)
}

/**
 * What tells one cookie from another in a browser's store: name, Path and Domain (RFC 6265bis §5.7 step 22), as
 * `options` over `defaults` give them. A jar keeps one queued field per identity. Call after the options passed
 * serializeCookie's checks.
 *
 * @example
 * cookieIdentity('sid', { domain: 'Example.com' }, createDefaults(false)) // 'sid;/;example.com'
 */
export function cookieIdentity(name: string, options: ClearCookieOptions | undefined, defaults: CookieDefaults): string {
  const path = options?.path ?? defaults.attributes.path ?? '/'
  const domain = (options?.domain ?? defaults.attributes.domain ?? '').replace(/^\./, '').toLowerCase()
  return `${name};${path};${domain}`
}

/**
 * The `Set-Cookie` field value that removes cookie `name`: an empty value, `Max-Age=0` and an Expires in 1970, with
 * the Path and Domain (and the flags a prefix needs) of `options` over `defaults`: a browser removes only the
 * cookie whose name, Path and Domain match.
 *
 * @example
 * serializeClear('sid', undefined, createDefaults(false)) // 'sid=; Max-Age=0; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT; HttpOnly; Secure; SameSite=Lax'
 */
export function serializeClear(name: string, options: ClearCookieOptions | undefined, defaults: CookieDefaults): string {
  checkName(name)
  const attributes = merge(name, checkAttributes(options, CLEAR_OPTION_KEYS, '', `cookie "${name}": `), defaults)
  return write(name, '', { ...attributes, maxAge: 0, expires: EPOCH })
}

/** The options over the defaults, Secure decided, every rule checked. */
function merge(name: string, given: CookieOptions, defaults: CookieDefaults): CookieOptions {
  const attributes: CookieOptions = { ...defaults.attributes, ...given }
  attributes.secure = secureFor(name, attributes, defaults, given.secure)
  checkRules(`cookie "${name}"`, attributes, prefixOf(name))
  return attributes
}

/**
 * Secure as given, else as the plugin's defaults say, else: always outside development; in development only when
 * the cookie cannot work without it (a `__Secure-`/`__Host-` name, `SameSite=None`, `Partitioned`) — browsers
 * accept Secure cookies from http://localhost, and refuse those cookies without it.
 */
function secureFor(name: string, attributes: CookieOptions, defaults: CookieDefaults, given: boolean | undefined): boolean {
  if (given !== undefined) return given
  if (defaults.secure !== undefined) return defaults.secure
  if (!defaults.development) return true
  return prefixOf(name) !== undefined || attributes.sameSite === 'none' || attributes.partitioned === true
}

function prefixOf(name: string): '__Secure-' | '__Host-' | undefined {
  // Prefixes match case-insensitively (RFC 6265bis §4.1.3): `__SECURE-x` is held to the same rule.
  const lower = name.slice(0, HOST_PREFIX.length + 2).toLowerCase()
  return lower.startsWith(SECURE_PREFIX) ? '__Secure-' : lower.startsWith(HOST_PREFIX) ? '__Host-' : undefined
}

/** The rules between attributes (RFC 6265bis §4.1.3, §5.7; CHIPS). `subject` and `origin` name what is checked. */
function checkRules(subject: string, attributes: CookieOptions, origin: string | undefined): void {
  const fix = 'set secure: true (browsers accept Secure cookies from http://localhost too)'
  if (attributes.sameSite === 'none' && attributes.secure !== true) {
    throw new CookieError(
      'COOKIE_SAMESITE_NONE_INSECURE',
      `${subject}: SameSite=None requires Secure, else browsers drop the cookie; ${fix}, or use sameSite 'lax'.`,
    )
  }
  if (attributes.partitioned === true && attributes.secure !== true) {
    throw new CookieError('COOKIE_PARTITIONED_INSECURE', `${subject}: Partitioned requires Secure, else browsers drop the cookie; ${fix}.`)
  }
  if (origin === '__Secure-' && attributes.secure !== true) {
    throw new CookieError('COOKIE_PREFIX_SECURE', `${subject}: a __Secure- name requires Secure, else browsers drop the cookie; ${fix}.`)
  }
  if (origin === '__Host-') {
    const broken =
      attributes.secure !== true
        ? `requires Secure; ${fix}`
        : attributes.domain !== undefined
          ? `must not have a Domain (it is bound to the exact host); remove domain ${show(attributes.domain)}`
          : attributes.path !== '/'
            ? `requires Path=/; remove path ${show(attributes.path)}`
            : undefined
    if (broken !== undefined) throw new CookieError('COOKIE_PREFIX_HOST', `${subject}: a __Host- name ${broken}. Else browsers drop the cookie.`)
  }
}

function checkName(name: unknown): void {
  if (typeof name !== 'string' || !TOKEN.test(name)) {
    throw new CookieError(
      'COOKIE_NAME_INVALID',
      `a cookie name is an HTTP token: letters, digits and !#$%&'*+-.^_\`|~, no spaces, "=", ";", ",", quotes or non-ASCII. Got ${show(name)}.`,
    )
  }
}

function write(name: string, value: string, attributes: CookieOptions): string {
  let line: string
  try {
    line = stringifySetCookie({ name, value, ...attributes })
  } catch (error) {
    // encodeURIComponent refuses a lone surrogate; every attribute was checked before.
    throw new CookieError('COOKIE_VALUE_INVALID', `the value of cookie "${name}" cannot be encoded: ${(error as Error).message}. Is it well-formed UTF-16?`)
  }
  const pairEnd = line.indexOf(';')
  const pair = pairEnd === -1 ? line : line.slice(0, pairEnd)
  // The encoder only emits cookie-octets; checked anyway, since a header injection would start here.
  if (!COOKIE_OCTETS.test(pair.slice(name.length + 1))) {
    throw new CookieError('COOKIE_VALUE_INVALID', `the value of cookie "${name}" did not encode to cookie-octets.`)
  }
  // `name=value` is ASCII after encoding, so its length is its byte count.
  if (pair.length - 1 > MAX_COOKIE_BYTES) {
    throw new CookieError(
      'COOKIE_TOO_LARGE',
      `cookie "${name}" is ${pair.length - 1} bytes (name and encoded value), over the ${MAX_COOKIE_BYTES} browsers keep; store the data server-side and put an id in the cookie.`,
    )
  }
  return line
}
