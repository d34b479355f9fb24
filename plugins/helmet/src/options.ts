/**
 * @module @vectora/helmet/options — the options of `app.register(helmet, options)` and how they resolve, once, into
 * the list of header fields every reply gets: unknown options refused (helmet.js names answered with ours), each
 * header resolved by its module, the result validated by vectora's own header checks and frozen.
 */
import { Reply } from 'vectora'
import { type ContentSecurityPolicyOptions, resolveCsp } from './csp.js'
import { HelmetError, show } from './errors.js'
import { resolveHsts, type StrictTransportSecurityOptions } from './hsts.js'
import { type HelmetPreset, PRESETS } from './presets.js'
import { type ReferrerPolicyToken, resolveReferrerPolicy } from './referrer-policy.js'
import { resolveSimpleHeader, SIMPLE_HEADERS, type SimpleHeaderOptions } from './simple-headers.js'
import { closestName } from 'vectora'

/**
 * The options of `app.register(helmet, options)`; all optional. Each header option is `false` (send no such
 * header), `true` (the preset's value, also for headers that are off by default) or a value of its own.
 *
 * @example
 * const options: HelmetOptions = {
 *   preset: 'page',
 *   contentSecurityPolicy: { directives: { 'img-src': ["'self'", 'https://images.example.com'] } },
 *   strictTransportSecurity: { maxAge: 63_072_000, preload: true },
 *   crossOriginEmbedderPolicy: 'credentialless',
 * }
 */
export interface HelmetOptions extends SimpleHeaderOptions {
  /** `'api'` (default) for JSON APIs, `'page'` for HTML apps: decides the CSP and X-Frame-Options. */
  preset?: HelmetPreset
  /** `Content-Security-Policy` (or `-Report-Only`): directives merged over the preset's. */
  contentSecurityPolicy?: boolean | ContentSecurityPolicyOptions
  /** `Referrer-Policy`: one token, or a list of fallbacks (the last one the browser knows wins). Default `no-referrer`. */
  referrerPolicy?: boolean | ReferrerPolicyToken | readonly ReferrerPolicyToken[]
  /** `Strict-Transport-Security`. Default `max-age=31536000; includeSubDomains`. */
  strictTransportSecurity?: boolean | StrictTransportSecurityOptions
}

/** One header every reply gets, as resolved at register(). */
export interface ResolvedHeader {
  /** The field as the hook appends it to `reply.headerList`: one frozen pair shared by every reply. */
  readonly field: readonly [name: string, value: string]
  /** Names whose presence on the reply keeps this header out: its own, and for a CSP both CSP header names. */
  readonly unlessPresent: readonly string[]
}

/**
 * Every header name helmet may send, lower-case.
 *
 * @example
 * HELMET_HEADER_NAMES.includes('content-security-policy') // true
 */
export const HELMET_HEADER_NAMES: readonly string[] = Object.freeze([
  'content-security-policy',
  'content-security-policy-report-only',
  ...Object.values(SIMPLE_HEADERS).map((spec) => spec.header),
  'referrer-policy',
  'strict-transport-security',
])

const CSP_NAMES = Object.freeze(['content-security-policy', 'content-security-policy-report-only'])

/** helmet.js option names (and aliases) this plugin spells otherwise or does not have, with what to write instead. */
const HELMET_JS_NAMES: Readonly<Record<string, string>> = {
  hsts: 'write strictTransportSecurity',
  frameguard: 'write xFrameOptions',
  noSniff: 'write xContentTypeOptions',
  dnsPrefetchControl: 'write xDnsPrefetchControl',
  ieNoOpen: 'write xDownloadOptions',
  permittedCrossDomainPolicies: 'write xPermittedCrossDomainPolicies',
  xssFilter: 'write xXssProtection',
  hidePoweredBy: 'Vectora never sends X-Powered-By: drop the option',
  xPoweredBy: 'Vectora never sends X-Powered-By: drop the option',
  expectCt: 'browsers dropped Expect-CT: drop the option',
}

/** Header options in the order their headers are sent (the others are SIMPLE_HEADERS, alphabetical like helmet.js). */
const KNOWN: readonly string[] = [
  'preset',
  'contentSecurityPolicy',
  'crossOriginEmbedderPolicy',
  'crossOriginOpenerPolicy',
  'crossOriginResourcePolicy',
  'originAgentCluster',
  'referrerPolicy',
  'strictTransportSecurity',
  'xContentTypeOptions',
  'xDnsPrefetchControl',
  'xDownloadOptions',
  'xFrameOptions',
  'xPermittedCrossDomainPolicies',
  'xXssProtection',
]

/**
 * Checks `options` and resolves them into the headers to send, in order. Throws HelmetError naming the first problem.
 *
 * @example
 * resolveHelmet(undefined).map((h) => h.field[0]) // ['content-security-policy', 'cross-origin-opener-policy', …]
 */
export function resolveHelmet(options: HelmetOptions | undefined): readonly ResolvedHeader[] {
  const given: HelmetOptions = options ?? {}
  if (given === null || typeof given !== 'object' || Array.isArray(given)) {
    throw new HelmetError('HELMET_OPTION_INVALID', `options are an object (or nothing, for the 'api' preset), got ${show(given)}.`)
  }
  for (const key of Object.keys(given)) {
    if (KNOWN.includes(key)) continue
    const instead = HELMET_JS_NAMES[key]
    const near = instead === undefined ? closestName(key, KNOWN) : undefined
    throw new HelmetError(
      'HELMET_OPTION_UNKNOWN',
      `unknown option "${key}"${instead !== undefined ? ` (a helmet.js option: ${instead})` : near !== undefined ? ` (did you mean ${near}?)` : ''}. ` +
        `The options are ${KNOWN.join(', ')}.`,
    )
  }
  const presetName = given.preset ?? 'api'
  if (presetName !== 'api' && presetName !== 'page') {
    throw new HelmetError('HELMET_OPTION_INVALID', `preset is 'api' (JSON APIs, the default) or 'page' (HTML apps), got ${show(presetName)}.`)
  }
  const preset = PRESETS[presetName]
  const fields: Array<[string, string]> = []
  for (const option of KNOWN) {
    if (option === 'preset') continue
    const value = (given as Record<string, unknown>)[option]
    if (option === 'contentSecurityPolicy') {
      if (value !== false) {
        const csp = resolveCsp((value ?? true) as true | ContentSecurityPolicyOptions, preset.directives)
        fields.push([csp.name, csp.value])
      }
    } else if (option === 'referrerPolicy') {
      if (value !== false) fields.push(['referrer-policy', resolveReferrerPolicy((value ?? true) as true | ReferrerPolicyToken)])
    } else if (option === 'strictTransportSecurity') {
      if (value !== false) fields.push(['strict-transport-security', resolveHsts((value ?? true) as true | StrictTransportSecurityOptions)])
    } else {
      const spec = SIMPLE_HEADERS[option as keyof SimpleHeaderOptions]
      const sent = resolveSimpleHeader(spec, value, preset)
      if (sent !== undefined) fields.push([spec.header, sent])
    }
  }
  // vectora's own checks on every field (names, values): what the hook appends later skips them.
  const checked = new Reply()
  for (const [name, value] of fields) checked.header(name, value)
  return Object.freeze(
    checked.headerList.map(([name, value]) =>
      Object.freeze({ field: Object.freeze([name, value] as const), unlessPresent: CSP_NAMES.includes(name) ? CSP_NAMES : Object.freeze([name]) }),
    ),
  )
}

/**
 * The headers `options` resolve to, as an object (lower-case names, in the order helmet sends them): what the
 * plugin adds to every reply. Give them to a route's reply (`reply.headers(...)`) to send another preset's
 * headers there — a route's own headers win. Compute it once, not per request. Throws HelmetError.
 *
 * @example
 * const PAGE_HEADERS = securityHeaders({ preset: 'page' })
 * app.get('/', () => reply.html('<h1>hi</h1>').headers(PAGE_HEADERS))
 */
export function securityHeaders(options?: HelmetOptions): Record<string, string> {
  const headers: Record<string, string> = {}
  for (const { field } of resolveHelmet(options)) headers[field[0]] = field[1]
  return headers
}
