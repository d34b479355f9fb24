/**
 * @module @vectora/helmet/simple-headers — the headers whose option is a boolean or one of a few fixed values
 * (COOP, CORP, COEP, Origin-Agent-Cluster, X-Content-Type-Options, X-Frame-Options, ...), described as data and
 * resolved by one function. A wrong value is HELMET_OPTION_INVALID.
 */
import { HelmetError, show } from './errors.js'
import { type Preset, SHARED } from './presets.js'

/**
 * `Cross-Origin-Embedder-Policy` values.
 *
 * @example
 * app.register(helmet, { crossOriginEmbedderPolicy: 'credentialless' })
 */
export type CrossOriginEmbedderPolicy = 'require-corp' | 'credentialless' | 'unsafe-none'
/**
 * `Cross-Origin-Opener-Policy` values.
 *
 * @example
 * app.register(helmet, { preset: 'page', crossOriginOpenerPolicy: 'same-origin-allow-popups' }) // OAuth popups
 */
export type CrossOriginOpenerPolicy = 'same-origin' | 'same-origin-allow-popups' | 'noopener-allow-popups' | 'unsafe-none'
/**
 * `Cross-Origin-Resource-Policy` values.
 *
 * @example
 * app.register(helmet, { crossOriginResourcePolicy: 'cross-origin' }) // images other sites may embed
 */
export type CrossOriginResourcePolicy = 'same-origin' | 'same-site' | 'cross-origin'
/**
 * `X-Frame-Options` values (either case; sent upper-case).
 *
 * @example
 * app.register(helmet, { xFrameOptions: 'SAMEORIGIN' })
 */
export type XFrameOptions = 'DENY' | 'SAMEORIGIN' | 'deny' | 'sameorigin'
/**
 * `X-Permitted-Cross-Domain-Policies` values (Adobe Flash and Acrobat's crossdomain.xml).
 *
 * @example
 * app.register(helmet, { xPermittedCrossDomainPolicies: 'none' })
 */
export type XPermittedCrossDomainPolicies = 'none' | 'master-only' | 'by-content-type' | 'all'

/** The options of these headers, by name. */
export interface SimpleHeaderOptions {
  crossOriginEmbedderPolicy?: boolean | CrossOriginEmbedderPolicy
  crossOriginOpenerPolicy?: boolean | CrossOriginOpenerPolicy
  crossOriginResourcePolicy?: boolean | CrossOriginResourcePolicy
  originAgentCluster?: boolean
  xContentTypeOptions?: boolean
  xDnsPrefetchControl?: boolean | 'off' | 'on'
  xDownloadOptions?: boolean
  xFrameOptions?: boolean | XFrameOptions
  xPermittedCrossDomainPolicies?: boolean | XPermittedCrossDomainPolicies
  xXssProtection?: boolean
}

/** One header of this kind. */
export interface SimpleHeader {
  readonly option: keyof SimpleHeaderOptions
  readonly header: string
  /** The values the option takes besides booleans, as sent (empty: true or false only). */
  readonly values: readonly string[]
  /** What `true` sends (and the default, when the header is on by default). */
  readonly whenTrue: (preset: Preset) => string
  readonly onByDefault: boolean
  /** Accept the values in any case (X-Frame-Options: helmet.js 8 writes them lower-case). */
  readonly anyCase?: boolean
  /** The key of helmet.js's option object for this header (`{ policy: 'same-origin' }`), for a porting hint. */
  readonly helmetKey?: string
}

const constant = (value: string) => () => value

/** The headers, by option name. */
export const SIMPLE_HEADERS: Readonly<Record<keyof SimpleHeaderOptions, SimpleHeader>> = Object.freeze({
  crossOriginEmbedderPolicy: {
    option: 'crossOriginEmbedderPolicy',
    header: 'cross-origin-embedder-policy',
    values: ['require-corp', 'credentialless', 'unsafe-none'],
    whenTrue: constant(SHARED.crossOriginEmbedderPolicy),
    // Off, as in helmet.js 7+: require-corp breaks every cross-origin embed that does not opt in with CORP or CORS.
    onByDefault: false,
    helmetKey: 'policy',
  },
  crossOriginOpenerPolicy: {
    option: 'crossOriginOpenerPolicy',
    header: 'cross-origin-opener-policy',
    values: ['same-origin', 'same-origin-allow-popups', 'noopener-allow-popups', 'unsafe-none'],
    whenTrue: constant(SHARED.crossOriginOpenerPolicy),
    onByDefault: true,
    helmetKey: 'policy',
  },
  crossOriginResourcePolicy: {
    option: 'crossOriginResourcePolicy',
    header: 'cross-origin-resource-policy',
    values: ['same-origin', 'same-site', 'cross-origin'],
    whenTrue: constant(SHARED.crossOriginResourcePolicy),
    onByDefault: true,
    helmetKey: 'policy',
  },
  originAgentCluster: {
    option: 'originAgentCluster',
    header: 'origin-agent-cluster',
    values: [],
    whenTrue: constant(SHARED.originAgentCluster),
    onByDefault: true,
  },
  xContentTypeOptions: {
    option: 'xContentTypeOptions',
    header: 'x-content-type-options',
    values: [],
    whenTrue: constant(SHARED.xContentTypeOptions),
    onByDefault: true,
  },
  xDnsPrefetchControl: {
    option: 'xDnsPrefetchControl',
    header: 'x-dns-prefetch-control',
    values: ['off', 'on'],
    whenTrue: constant(SHARED.xDnsPrefetchControl),
    onByDefault: true,
    helmetKey: 'allow',
  },
  xDownloadOptions: {
    option: 'xDownloadOptions',
    header: 'x-download-options',
    values: [],
    whenTrue: constant(SHARED.xDownloadOptions),
    // Off: only Internet Explorer 8 ever read it.
    onByDefault: false,
  },
  xFrameOptions: {
    option: 'xFrameOptions',
    header: 'x-frame-options',
    values: ['DENY', 'SAMEORIGIN'],
    whenTrue: (preset) => preset.xFrameOptions,
    onByDefault: true,
    anyCase: true,
    helmetKey: 'action',
  },
  xPermittedCrossDomainPolicies: {
    option: 'xPermittedCrossDomainPolicies',
    header: 'x-permitted-cross-domain-policies',
    values: ['none', 'master-only', 'by-content-type', 'all'],
    whenTrue: constant(SHARED.xPermittedCrossDomainPolicies),
    onByDefault: true,
    helmetKey: 'permittedPolicies',
  },
  xXssProtection: {
    option: 'xXssProtection',
    header: 'x-xss-protection',
    values: [],
    whenTrue: constant(SHARED.xXssProtection),
    // Off: it only ever turned off the XSS filters browsers have since removed (`0` is all helmet.js sends).
    onByDefault: false,
  },
})

/**
 * The value to send for `spec`'s option, or undefined to send none. Throws HelmetError HELMET_OPTION_INVALID.
 *
 * @example
 * resolveSimpleHeader(SIMPLE_HEADERS.xFrameOptions, 'sameorigin', PRESETS.api) // 'SAMEORIGIN'
 * resolveSimpleHeader(SIMPLE_HEADERS.crossOriginEmbedderPolicy, undefined, PRESETS.api) // undefined (off by default)
 */
export function resolveSimpleHeader(spec: SimpleHeader, value: unknown, preset: Preset): string | undefined {
  if (value === undefined) return spec.onByDefault ? spec.whenTrue(preset) : undefined
  if (value === false) return undefined
  if (value === true) return spec.whenTrue(preset)
  if (typeof value === 'string') {
    const given = spec.anyCase === true ? value.toUpperCase() : value
    if (spec.values.includes(given)) return given
    if (spec.option === 'xFrameOptions' && given.startsWith('ALLOW-FROM')) {
      throw new HelmetError(
        'HELMET_OPTION_INVALID',
        'xFrameOptions: ALLOW-FROM is not supported by any current browser; allow framing by origin with the ' +
          "CSP instead: contentSecurityPolicy: { directives: { 'frame-ancestors': [\"'self'\", 'https://partner.example.com'] } }.",
      )
    }
  }
  const accepted = ['false', 'true', ...spec.values.map((v) => JSON.stringify(v))].join(', ')
  const shape = spec.helmetKey !== undefined && value !== null && typeof value === 'object' && spec.helmetKey in value ? spec.helmetKey : undefined
  const hint = shape === undefined ? '' : ` helmet.js writes { ${shape}: … }; here the option is the value itself.`
  throw new HelmetError('HELMET_OPTION_INVALID', `${spec.option} is one of ${accepted}; got ${show(value)}.${hint}`)
}
