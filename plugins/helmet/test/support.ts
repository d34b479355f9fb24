/**
 * @module plugins/helmet/test/support — what the helmet suites share: the exact header sets of both presets as the
 * README documents them, an app with the plugin registered, a filter for helmet's headers, and the matcher of a
 * register() error by code.
 */
import { HELMET_HEADER_NAMES, type HelmetOptions, helmet } from '@vectora/helmet'
import { createTestApp, type TestApp } from 'vectora/testing'

/** The headers of `preset: 'api'` (the default), in the order they are sent. */
export const API_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
  'origin-agent-cluster': '?1',
  'referrer-policy': 'no-referrer',
  'strict-transport-security': 'max-age=31536000; includeSubDomains',
  'x-content-type-options': 'nosniff',
  'x-dns-prefetch-control': 'off',
  'x-frame-options': 'DENY',
  'x-permitted-cross-domain-policies': 'none',
})

/** helmet.js 8's default policy, which `preset: 'page'` sends. */
export const PAGE_CSP =
  "default-src 'self'; base-uri 'self'; font-src 'self' https: data:; form-action 'self'; frame-ancestors 'self'; " +
  "img-src 'self' data:; object-src 'none'; script-src 'self'; script-src-attr 'none'; style-src 'self' https: 'unsafe-inline'; " +
  'upgrade-insecure-requests'

/** The headers of `preset: 'page'`, in the order they are sent. */
export const PAGE_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  ...API_HEADERS,
  'content-security-policy': PAGE_CSP,
  'x-frame-options': 'SAMEORIGIN',
})

/** A test app (closed after the test) with helmet registered app-wide. */
export function helmetApp(options?: HelmetOptions): TestApp {
  const app = createTestApp()
  app.register(helmet, options)
  return app
}

/** The headers helmet may send, out of a response's headers (lower-case names). */
export function helmetHeaders(headers: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).filter(([name]) => HELMET_HEADER_NAMES.includes(name)))
}

/** The names of helmet's headers in the order they came on the wire. */
export function helmetOrder(rawHeaders: ReadonlyArray<readonly [string, string]>): string[] {
  return rawHeaders.map(([name]) => name.toLowerCase()).filter((name) => HELMET_HEADER_NAMES.includes(name))
}

/** For assert.throws around app.register(): a VEC_ERR_PLUGIN_SETUP_FAILED whose cause is a HelmetError with `code` matching `pattern`. */
export function setupError(code: string, pattern: RegExp) {
  return (error: any): boolean => {
    if (error?.code !== 'VEC_ERR_PLUGIN_SETUP_FAILED') throw new Error(`expected VEC_ERR_PLUGIN_SETUP_FAILED, got ${error?.code}: ${error?.message}`)
    return helmetError(code, pattern)(error.cause)
  }
}

/** For assert.throws around securityHeaders() / withoutSecurityHeaders(): a HelmetError with `code` matching `pattern`. */
export function helmetError(code: string, pattern: RegExp) {
  return (error: any): boolean => {
    if (error?.name !== 'HelmetError') throw new Error(`expected a HelmetError, got ${error?.name}: ${error?.message}`)
    if (error.code !== code) throw new Error(`expected code ${code}, got ${error.code}: ${error.message}`)
    if (!pattern.test(error.message)) throw new Error(`message ${JSON.stringify(error.message)} does not match ${pattern}`)
    return true
  }
}
