/**
 * @module plugins/cors/test/support — what the CORS suites share: a quiet test app that records its log,
 * request builders for preflights and cross-origin requests, and vectora/testing's two transports.
 */
import { createApp, type App, type AppOptions } from 'vectora'
import { captureLogger, type LogLine, type TestRequest } from 'vectora/testing'

export const APP_ORIGIN = 'https://app.example.com'
export const OTHER_ORIGIN = 'https://evil.example.net'

/** An app with signals off, production error replies and a logger that records instead of printing. */
export function testApp(options: AppOptions = {}): App & { lines: LogLine[] } {
  const logger = captureLogger()
  return Object.assign(createApp({ handleSignals: false, development: false, logger, ...options }), { lines: logger.lines })
}

/** A CORS preflight as a browser sends it. */
export function preflight(url: string, origin: string, method = 'PUT', extra: Record<string, string> = {}): TestRequest {
  return { method: 'OPTIONS', url, headers: { origin, 'access-control-request-method': method, ...extra } }
}

/** An actual (non-preflight) cross-origin request. */
export function fromOrigin(url: string, origin: string, init: Omit<TestRequest, 'url'> = {}): TestRequest {
  return { ...init, url, headers: { ...init.headers, origin } }
}

/** The CORS response headers of a reply (names lower-case), for "has none" assertions. */
export function corsHeaders(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).filter(([name]) => name.startsWith('access-control-')))
}

/** For assert.throws: the register() error whose cause is a CORS_CONFIG_INVALID matching `pattern`. */
export function configError(pattern: RegExp) {
  return (error: any): boolean => {
    if (error?.code !== 'VEC_ERR_PLUGIN_SETUP_FAILED') throw new Error(`expected VEC_ERR_PLUGIN_SETUP_FAILED, got ${error?.code}: ${error?.message}`)
    const cause = error.cause
    if (cause?.code !== 'CORS_CONFIG_INVALID' || cause?.name !== 'CorsConfigError') throw new Error(`expected a CorsConfigError cause, got ${cause}`)
    if (!pattern.test(cause.message)) throw new Error(`message ${JSON.stringify(cause.message)} does not match ${pattern}`)
    return true
  }
}
