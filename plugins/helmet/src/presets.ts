/**
 * @module @vectora/helmet/presets — the two presets as data: what differs between a JSON API and an HTML app (the
 * Content-Security-Policy and X-Frame-Options), and the header values both share.
 *
 * Compared with helmet.js 8 (`helmet()` with no options), see the README's "Compared with helmet.js": the 'page'
 * preset sends the same values except that it leaves out X-XSS-Protection and X-Download-Options (both opt-in
 * here), and the 'api' preset differs only in its CSP and `X-Frame-Options: DENY`.
 */

/**
 * `'api'` for JSON APIs (nothing a browser renders from them may load, run or be framed), `'page'` for HTML apps
 * (helmet.js's default policy: same-origin scripts, styles and images, no plugins, no inline script).
 *
 * @example
 * app.register(helmet, { preset: 'page' })
 */
export type HelmetPreset = 'api' | 'page'

/** One CSP directive of a preset: its name and source list (empty for a valueless directive). */
export type PresetDirective = readonly [name: string, values: readonly string[]]

/** What a preset decides. */
export interface Preset {
  /** The Content-Security-Policy directives, in the order they are sent. */
  readonly directives: readonly PresetDirective[]
  /** The X-Frame-Options value (`xFrameOptions: true` sends it too). */
  readonly xFrameOptions: 'DENY' | 'SAMEORIGIN'
}

/** The presets by name. */
export const PRESETS: Readonly<Record<HelmetPreset, Preset>> = Object.freeze({
  api: {
    // Nothing loads and nothing frames it: a JSON reply a browser is tricked into rendering (a wrong content type,
    // an uploaded file served inline) can run no script, fetch nothing and be embedded nowhere.
    directives: [
      ['default-src', ["'none'"]],
      ['frame-ancestors', ["'none'"]],
    ],
    xFrameOptions: 'DENY',
  },
  page: {
    // helmet.js 8's default directives, in its order.
    directives: [
      ['default-src', ["'self'"]],
      ['base-uri', ["'self'"]],
      ['font-src', ["'self'", 'https:', 'data:']],
      ['form-action', ["'self'"]],
      ['frame-ancestors', ["'self'"]],
      ['img-src', ["'self'", 'data:']],
      ['object-src', ["'none'"]],
      ['script-src', ["'self'"]],
      ['script-src-attr', ["'none'"]],
      ['style-src', ["'self'", 'https:', "'unsafe-inline'"]],
      ['upgrade-insecure-requests', []],
    ],
    xFrameOptions: 'SAMEORIGIN',
  },
})

/** The values both presets send, and what `true` means for the headers that are off by default. */
export const SHARED = Object.freeze({
  crossOriginEmbedderPolicy: 'require-corp',
  crossOriginOpenerPolicy: 'same-origin',
  crossOriginResourcePolicy: 'same-origin',
  originAgentCluster: '?1',
  referrerPolicy: 'no-referrer',
  /** One year, helmet.js 8's default and the minimum hstspreload.org accepts. */
  hstsMaxAge: 31_536_000,
  xContentTypeOptions: 'nosniff',
  xDnsPrefetchControl: 'off',
  xDownloadOptions: 'noopen',
  xPermittedCrossDomainPolicies: 'none',
  xXssProtection: '0',
})
