/**
 * @module @vectora/helmet/hsts — the `strictTransportSecurity` option (RFC 6797): `max-age`, `includeSubDomains`,
 * `preload`, checked against what HSTS preloading requires. Every mistake is HELMET_HSTS_INVALID.
 */
import { HelmetError, show } from './errors.js'
import { SHARED } from './presets.js'
import { closestName } from 'vectora'

/**
 * The `strictTransportSecurity` option.
 *
 * @example
 * const hsts: StrictTransportSecurityOptions = { maxAge: 63_072_000, includeSubDomains: true, preload: true }
 */
export interface StrictTransportSecurityOptions {
  /** Seconds the browser keeps to HTTPS for this host, a whole number >= 0 (0 makes it forget). Default 31 536 000 (one year). */
  maxAge?: number
  /** The policy covers every subdomain too. Default true. */
  includeSubDomains?: boolean
  /** Ask to be on the browsers' built-in HSTS list (submit at hstspreload.org). Needs maxAge >= one year and includeSubDomains. Default false. */
  preload?: boolean
}

const KNOWN = ['maxAge', 'includeSubDomains', 'preload']

/**
 * The header value. Throws HelmetError HELMET_HSTS_INVALID, or HELMET_OPTION_UNKNOWN for a key it does not take.
 *
 * @example
 * resolveHsts(true) // 'max-age=31536000; includeSubDomains'
 * resolveHsts({ preload: true }) // 'max-age=31536000; includeSubDomains; preload'
 */
export function resolveHsts(option: true | StrictTransportSecurityOptions): string {
  const options: StrictTransportSecurityOptions = option === true ? {} : option
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new HelmetError('HELMET_HSTS_INVALID', `strictTransportSecurity is false, true or { maxAge, includeSubDomains, preload }, got ${show(options)}.`)
  }
  for (const key of Object.keys(options)) {
    if (!KNOWN.includes(key)) {
      const near = closestName(key, KNOWN)
      throw new HelmetError(
        'HELMET_OPTION_UNKNOWN',
        `unknown option strictTransportSecurity.${key}${near === undefined ? '' : ` (did you mean ${near}?)`}; it takes ${KNOWN.join(', ')}.`,
      )
    }
  }
  const maxAge = options.maxAge ?? SHARED.hstsMaxAge
  if (!Number.isSafeInteger(maxAge) || maxAge < 0) {
    throw new HelmetError('HELMET_HSTS_INVALID', `strictTransportSecurity.maxAge is a whole number of seconds >= 0, got ${show(maxAge)}.`)
  }
  const includeSubDomains = flag(options.includeSubDomains, 'includeSubDomains', true)
  const preload = flag(options.preload, 'preload', false)
  if (preload && (maxAge < SHARED.hstsMaxAge || !includeSubDomains)) {
    throw new HelmetError(
      'HELMET_HSTS_INVALID',
      'strictTransportSecurity.preload needs maxAge >= 31536000 (one year) and includeSubDomains: true — the preload ' +
        `list refuses anything less (hstspreload.org). Got maxAge ${maxAge}, includeSubDomains ${includeSubDomains}.`,
    )
  }
  return `max-age=${maxAge}${includeSubDomains ? '; includeSubDomains' : ''}${preload ? '; preload' : ''}`
}

function flag(value: unknown, name: string, fallback: boolean): boolean {
  if (value === undefined) return fallback
  if (typeof value !== 'boolean') throw new HelmetError('HELMET_HSTS_INVALID', `strictTransportSecurity.${name} is true or false, got ${show(value)}.`)
  return value
}
