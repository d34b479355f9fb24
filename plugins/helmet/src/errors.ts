/**
 * @module @vectora/helmet/errors — the plugin's one error class and its stable codes: each names what is wrong
 * (an unknown option, a bad CSP directive, an HSTS that cannot be preloaded, ...) and the message says what to write.
 */

/**
 * Every code a HelmetError carries. All but `HELMET_OMIT_INVALID` are thrown at `app.register(helmet, options)`
 * (and by `securityHeaders(options)`); `HELMET_OMIT_INVALID` by `withoutSecurityHeaders()` where it is called.
 *
 * @example
 * const code: HelmetErrorCode = 'HELMET_CSP_INVALID'
 */
export type HelmetErrorCode =
  /** An option helmet does not have (a typo, or a helmet.js name: the message gives ours). */
  | 'HELMET_OPTION_UNKNOWN'
  /** The options are not an object, `preset` is not 'api' or 'page', or a header's value is not one it takes. */
  | 'HELMET_OPTION_INVALID'
  /** `contentSecurityPolicy`: a directive name or value that is malformed, `default-src` removed, no directive left. */
  | 'HELMET_CSP_INVALID'
  /** `strictTransportSecurity`: `maxAge` not a whole number of seconds, or `preload` without what preloading requires. */
  | 'HELMET_HSTS_INVALID'
  /** `referrerPolicy`: a token the Referrer Policy spec does not define, a repeated token, an empty list. */
  | 'HELMET_REFERRER_POLICY_INVALID'
  /** `withoutSecurityHeaders(reply, ...names)`: not a Reply, or a name of a header helmet never sets. */
  | 'HELMET_OMIT_INVALID'

/**
 * The plugin's error. At `app.register(helmet, options)` the host wraps it in a VEC_ERR_PLUGIN_SETUP_FAILED whose
 * `cause` it is; `securityHeaders()` and `withoutSecurityHeaders()` throw it as it is.
 *
 * @example
 * try { app.register(helmet, { hsts: { maxAge: 60 } }) } catch (err) {
 *   const cause = (err as Error).cause as HelmetError
 *   cause.code // 'HELMET_OPTION_UNKNOWN': the message says to write strictTransportSecurity
 * }
 */
export class HelmetError extends TypeError {
  readonly code: HelmetErrorCode

  constructor(code: HelmetErrorCode, message: string) {
    super(`@vectora/helmet: ${message}`)
    this.name = 'HelmetError'
    this.code = code
  }
}

/** A value as an error message shows it: strings quoted, objects named by kind, never dumped. */
export function show(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value)
  if (Array.isArray(value)) return `an array (${value.length} entries)`
  if (value === null) return 'null'
  if (typeof value === 'object') return 'an object'
  return `${typeof value} ${String(value)}`
}
