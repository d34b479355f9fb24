/**
 * @module @vectora/helmet/csp — the `contentSecurityPolicy` option: directives merged over the preset's, checked
 * (names kebab-case and not a misspelling of a known directive, values free of `;`, `,` and control characters,
 * keywords quoted), and serialized once into the header value. Every mistake is HELMET_CSP_INVALID.
 */
import { HelmetError, show } from './errors.js'
import type { PresetDirective } from './presets.js'
import { closestName } from 'vectora'

/**
 * One directive's value: a source list (`["'self'", 'https://cdn.example.com']`, or the same as one
 * space-separated string), `true` for a directive without value (`upgrade-insecure-requests`, `sandbox`), or
 * `null` to remove the preset's directive of that name.
 *
 * @example
 * const directives: Record<string, CspDirectiveValue> = { 'img-src': ["'self'", 'https:'], 'upgrade-insecure-requests': null }
 */
export type CspDirectiveValue = readonly string[] | string | true | null

/**
 * The `contentSecurityPolicy` option.
 *
 * @example
 * const csp: ContentSecurityPolicyOptions = {
 *   directives: { 'script-src': ["'self'", 'https://cdn.example.com'], 'report-to': 'csp' },
 *   reportOnly: true,
 * }
 */
export interface ContentSecurityPolicyOptions {
  /** Merged over the preset's directives: a name given replaces the preset's value (in its place), `null` removes it, new names are appended. */
  directives?: Readonly<Record<string, CspDirectiveValue>>
  /** Send `Content-Security-Policy-Report-Only` instead: violations are reported, nothing is blocked. Default false. */
  reportOnly?: boolean
  /** Start from the preset's directives (default true); `false` sends only `directives`, which must then set `default-src`. */
  useDefaults?: boolean
}

/** The header the option resolves to. */
export interface ResolvedCsp {
  readonly name: 'content-security-policy' | 'content-security-policy-report-only'
  readonly value: string
}

const KNOWN_OPTIONS = ['directives', 'reportOnly', 'useDefaults']

/** Directive names of CSP Level 3 and of the drafts browsers ship, deprecated ones included (they are not typos). */
const KNOWN_DIRECTIVES: ReadonlySet<string> = new Set([
  'base-uri',
  'block-all-mixed-content',
  'child-src',
  'connect-src',
  'default-src',
  'fenced-frame-src',
  'font-src',
  'form-action',
  'frame-ancestors',
  'frame-src',
  'img-src',
  'manifest-src',
  'media-src',
  'navigate-to',
  'object-src',
  'plugin-types',
  'prefetch-src',
  'report-to',
  'report-uri',
  'require-sri-for',
  'require-trusted-types-for',
  'sandbox',
  'script-src',
  'script-src-attr',
  'script-src-elem',
  'style-src',
  'style-src-attr',
  'style-src-elem',
  'trusted-types',
  'upgrade-insecure-requests',
  'webrtc',
  'worker-src',
])
/** Directives that take no value: a source list given to them is a mistake. */
const VALUELESS: ReadonlySet<string> = new Set(['upgrade-insecure-requests', 'block-all-mixed-content'])
/** Directives that may go with or without a value. */
const VALUE_OPTIONAL: ReadonlySet<string> = new Set(['sandbox'])

/** Keywords a source list must quote: unquoted, `self` is a host named "self". */
const MUST_BE_QUOTED: ReadonlySet<string> = new Set([
  'self',
  'none',
  'unsafe-inline',
  'unsafe-eval',
  'unsafe-hashes',
  'wasm-unsafe-eval',
  'strict-dynamic',
  'report-sample',
  'inline-speculation-rules',
])
const HASH_OR_NONCE = /^(?:nonce|sha256|sha384|sha512)-/
const DIRECTIVE_NAME = /^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$/
const CAMEL_CASE = /^[a-z][a-zA-Z0-9]*$/
// HTAB, CR, LF and the other C0 controls, DEL: a header line cannot carry them.
const CONTROL = /[\x00-\x1f\x7f]/
// A source expression is printable ASCII (CSP's serialized-source-list is VCHAR only).
const VISIBLE_ASCII = /^[\x21-\x7e]+$/

/**
 * Resolves the option over the preset's directives. Throws HelmetError HELMET_CSP_INVALID (or
 * HELMET_OPTION_UNKNOWN / HELMET_OPTION_INVALID for the option's own shape).
 *
 * @example
 * resolveCsp({ directives: { 'img-src': ["'self'", 'https:'] } }, PRESETS.page.directives).value
 * // "default-src 'self'; base-uri 'self'; … img-src 'self' https:; …"
 */
export function resolveCsp(option: true | ContentSecurityPolicyOptions, preset: readonly PresetDirective[]): ResolvedCsp {
  const options: ContentSecurityPolicyOptions = option === true ? {} : option
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new HelmetError('HELMET_OPTION_INVALID', `contentSecurityPolicy is false, true or { directives, reportOnly, useDefaults }, got ${show(options)}.`)
  }
  for (const key of Object.keys(options)) {
    if (!KNOWN_OPTIONS.includes(key)) {
      const near = closestName(key, KNOWN_OPTIONS)
      throw new HelmetError(
        'HELMET_OPTION_UNKNOWN',
        `unknown option contentSecurityPolicy.${key}${near === undefined ? '' : ` (did you mean ${near}?)`}; it takes ${KNOWN_OPTIONS.join(', ')}.`,
      )
    }
  }
  const reportOnly = flag(options.reportOnly, 'reportOnly', false)
  const useDefaults = flag(options.useDefaults, 'useDefaults', true)
  const directives = new Map<string, readonly string[]>(useDefaults ? preset : [])
  const given = options.directives ?? {}
  if (given === null || typeof given !== 'object' || Array.isArray(given) || given instanceof Map) {
    throw new HelmetError('HELMET_CSP_INVALID', `contentSecurityPolicy.directives is an object of directive name -> value, got ${show(given)}.`)
  }
  let removedDefault = false
  for (const key of Object.keys(given)) {
    const name = checkName(key)
    const value = given[key]
    if (value === null) {
      directives.delete(name)
      if (name === 'default-src') removedDefault = true
    } else {
      directives.set(name, checkValue(name, value))
    }
  }
  if (!directives.has('default-src')) {
    throw new HelmetError(
      'HELMET_CSP_INVALID',
      removedDefault
        ? 'default-src cannot be removed: without it every fetch directive the policy does not list allows any source. ' +
            `Set it to what you mean instead ("'none'", "'self'", or ["*"] to allow everything deliberately), or send no CSP (contentSecurityPolicy: false).`
        : `with useDefaults: false, directives must set default-src (it is what every fetch directive not listed falls back to).`,
    )
  }
  let value = ''
  for (const [name, values] of directives) value += `${value === '' ? '' : '; '}${values.length === 0 ? name : `${name} ${values.join(' ')}`}`
  return { name: reportOnly ? 'content-security-policy-report-only' : 'content-security-policy', value }
}

/** A directive name as the header spells it: kebab-case, and not one edit away from a directive it is not. */
function checkName(name: string): string {
  if (!DIRECTIVE_NAME.test(name)) {
    const kebab = CAMEL_CASE.test(name) ? name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`) : undefined
    throw new HelmetError(
      'HELMET_CSP_INVALID',
      kebab !== undefined
        ? `directive names are written as the header spells them: "${kebab}", not "${name}".`
        : `${show(name)} is not a directive name (lower-case letters, digits and dashes, like "script-src").`,
    )
  }
  if (!KNOWN_DIRECTIVES.has(name)) {
    const near = closestName(name, KNOWN_DIRECTIVES)
    // An unknown name far from every known one may be a directive newer than this list: it is sent as given.
    if (near !== undefined) {
      throw new HelmetError(
        'HELMET_CSP_INVALID',
        `unknown directive "${name}": did you mean "${near}"? Browsers ignore a misspelt directive, so what it was meant ` +
          'to restrict would fall back to default-src, or not be restricted at all.',
      )
    }
  }
  return name
}

/** A directive's value as a list of source expressions ([] for a valueless directive). */
function checkValue(name: string, value: unknown): readonly string[] {
  if (value === true) {
    if (KNOWN_DIRECTIVES.has(name) && !VALUELESS.has(name) && !VALUE_OPTIONAL.has(name)) {
      throw new HelmetError(
        'HELMET_CSP_INVALID',
        `${name} needs a source list; true is for directives without a value (upgrade-insecure-requests, sandbox). ` + `To allow nothing, write ["'none'"].`,
      )
    }
    return []
  }
  const entries = typeof value === 'string' ? [value] : value
  if (!Array.isArray(entries) || entries.some((entry) => typeof entry !== 'string')) {
    throw new HelmetError('HELMET_CSP_INVALID', `${name} is a list of sources, one string, true or null (to remove it), got ${show(value)}.`)
  }
  if (VALUELESS.has(name)) {
    throw new HelmetError('HELMET_CSP_INVALID', `${name} takes no value: write true to send it, null to remove it.`)
  }
  const tokens: string[] = []
  for (const entry of entries as string[]) {
    if (CONTROL.test(entry)) throw new HelmetError('HELMET_CSP_INVALID', `${name}: ${show(entry)} has a line break, tab or other control character.`)
    if (entry.includes(';') || entry.includes(',')) {
      throw new HelmetError(
        'HELMET_CSP_INVALID',
        `${name}: ${show(entry)} has a "${entry.includes(';') ? ';' : ','}", which would end the directive ` +
          `(";") or start another policy (","). Give each directive its own key; percent-encode a URL's commas (%2C) and semicolons (%3B).`,
      )
    }
    for (const token of entry.split(' ')) if (token !== '') tokens.push(checkSource(name, token))
  }
  if (tokens.length === 0) {
    throw new HelmetError(
      'HELMET_CSP_INVALID',
      `${name} has an empty source list, which browsers read as 'none'. Write ["'none'"] to allow nothing, ` +
        'true for a directive without value, or null to remove it.',
    )
  }
  if (tokens.length > 1 && tokens.includes("'none'")) {
    throw new HelmetError('HELMET_CSP_INVALID', `${name}: "'none'" must be alone in its list (next to other sources browsers ignore it): ${tokens.join(' ')}.`)
  }
  return tokens
}

/** One source expression: visible ASCII, and keywords, nonces and hashes single-quoted. */
function checkSource(name: string, token: string): string {
  if (!VISIBLE_ASCII.test(token)) {
    throw new HelmetError('HELMET_CSP_INVALID', `${name}: ${show(token)} is not ASCII; write hosts in punycode and percent-encode URLs.`)
  }
  const bare = token.startsWith('"') && token.endsWith('"') && token.length > 1 ? token.slice(1, -1) : token
  if (MUST_BE_QUOTED.has(bare) || HASH_OR_NONCE.test(bare)) {
    throw new HelmetError('HELMET_CSP_INVALID', `${name}: write '${bare}' in single quotes (unquoted or double-quoted, it is read as a host name).`)
  }
  return token
}

function flag(value: unknown, name: string, fallback: boolean): boolean {
  if (value === undefined) return fallback
  if (typeof value !== 'boolean') throw new HelmetError('HELMET_OPTION_INVALID', `contentSecurityPolicy.${name} is true or false, got ${show(value)}.`)
  return value
}
