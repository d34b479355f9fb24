/**
 * @module @vectora/cookie/options — the options of `app.register(cookie, options)`, checked at register() and
 * resolved into what every jar of the app shares: the defaults over the secure ones, and the signing keys.
 */
import type { CookieOptions } from './attributes.js'
import { CookieError, show } from './errors.js'
import type { JarConfig } from './jar.js'
import { createDefaults } from './set-cookie.js'
import { type CookieSecret, toKeys } from './signing.js'

/**
 * The options of `app.register(cookie, options)`; all optional.
 *
 * @example
 * const options: CookiePluginOptions = {
 *   secret: [process.env.COOKIE_SECRET!, process.env.COOKIE_SECRET_OLD!], // first signs, all verify
 *   defaults: { sameSite: 'strict' },
 * }
 */
export interface CookiePluginOptions {
  /**
   * The key signed cookies are signed with (at least 32 bytes), or a list: the first signs, every one verifies, so
   * a new key can be put first while cookies signed with the old one stay valid. Needed by `setSigned`/`getSigned`.
   */
  secret?: CookieSecret | readonly CookieSecret[]
  /** Attributes every cookie of the app gets unless its own options say otherwise; they override the secure defaults. */
  defaults?: CookieOptions
}

const KNOWN: readonly string[] = ['secret', 'defaults']

/**
 * Checks `options` and resolves them for an app whose development mode is `development`. Throws a CookieError
 * (COOKIE_CONFIG_INVALID, COOKIE_SECRET_INVALID or the code of an invalid default attribute) naming the problem.
 *
 * @example
 * resolveOptions({ secret: 'short' }, false) // throws COOKIE_SECRET_INVALID: 5 bytes; at least 32 are needed...
 */
export function resolveOptions(options: CookiePluginOptions | undefined, development: boolean): JarConfig {
  if (options === undefined) return { defaults: createDefaults(development), keys: undefined }
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new CookieError('COOKIE_CONFIG_INVALID', `options are an object ({ secret?, defaults? }) or left out, got ${show(options)}.`)
  }
  for (const key of Object.keys(options)) {
    if (!KNOWN.includes(key)) throw new CookieError('COOKIE_CONFIG_INVALID', `unknown option "${key}" (known: ${KNOWN.join(', ')}).`)
  }
  const { secret, defaults } = options
  if ('secret' in options && secret === undefined) {
    // `secret: process.env.COOKIE_SECRET` with the variable unset: refuse now, not at the first signed cookie.
    throw new CookieError(
      'COOKIE_SECRET_INVALID',
      'secret is undefined: is the environment variable it is read from set? Leave the option out for an app without signed cookies.',
    )
  }
  if (defaults !== undefined && (defaults === null || typeof defaults !== 'object' || Array.isArray(defaults))) {
    throw new CookieError('COOKIE_CONFIG_INVALID', `defaults is an object of cookie attributes ({ sameSite: 'strict', ... }), got ${show(defaults)}.`)
  }
  return {
    defaults: createDefaults(development, defaults),
    keys: secret === undefined ? undefined : toKeys(secret),
  }
}
