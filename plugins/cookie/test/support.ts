/**
 * @module plugins/cookie/test/support — what the cookie suites share: secrets, a quiet app with the plugin, a counter
 * on the Cookie header parser (to prove parsing is lazy), and readers of Set-Cookie fields.
 */
import assert from 'node:assert/strict'
import { parseSetCookie, type SetCookie } from 'cookie'
import { createTestApp, type TestApp, type TestAppOptions, type TestResponse } from 'vectora/testing'
import { cookie, type CookiePluginOptions } from '../src/index.js'
import { cookieHeaderParser } from '../src/parse.js'

/** Two keys of 32+ bytes: an old one and the one that replaces it. */
export const OLD_SECRET = 'old-secret-0123456789abcdefghijklmnop'
export const NEW_SECRET = Buffer.from('a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90', 'hex')

/** A test app (production unless `development`) with the cookie plugin registered with `options`. */
export function cookieApp(options?: CookiePluginOptions, app: TestAppOptions = {}): TestApp {
  const created = createTestApp(app)
  created.register(cookie, options)
  return created
}

/** The Set-Cookie field values of a response, in order, each its own field. */
export function setCookies(res: TestResponse): string[] {
  return res.headerLines('set-cookie')
}

/** The Set-Cookie fields of a response parsed (name, value, attributes), by `cookie`'s parseSetCookie. */
export function parsedSetCookies(res: TestResponse): SetCookie[] {
  return setCookies(res).map((line) => parseSetCookie(line))
}

/** The value a Set-Cookie line gives its cookie, as it travels (still encoded). */
export function wireValue(line: string): string {
  const pair = line.split(';')[0]!
  return pair.slice(pair.indexOf('=') + 1)
}

/** For assert.throws: a CookieError with `code`, its message matching `pattern` when given. */
export function cookieError(code: string, pattern?: RegExp) {
  return (error: any): boolean => {
    assert.equal(error?.name, 'CookieError', `expected a CookieError, got ${error}`)
    assert.equal(error.code, code, error.message)
    if (pattern !== undefined) assert.match(error.message, pattern)
    return true
  }
}

/** For assert.throws around register(): the host's VEC_ERR_PLUGIN_SETUP_FAILED whose cause is CookieError `code`. */
export function registerError(code: string, pattern?: RegExp) {
  return (error: any): boolean => {
    assert.equal(error?.code, 'VEC_ERR_PLUGIN_SETUP_FAILED', `expected VEC_ERR_PLUGIN_SETUP_FAILED, got ${error?.code}: ${error?.message}`)
    assert.match(error.message, /@vectora\/cookie/)
    return cookieError(code, pattern)(error.cause)
  }
}

/**
 * Counts calls of the Cookie header parser from now until `restore()`: the jars call it through
 * `cookieHeaderParser`, so replacing its method sees every parse of every app in this process.
 */
export function countParses(): { readonly calls: () => number; restore: () => void } {
  const original = cookieHeaderParser.parse
  let calls = 0
  cookieHeaderParser.parse = (header) => {
    calls++
    return original(header)
  }
  return {
    calls: () => calls,
    restore: () => {
      cookieHeaderParser.parse = original
    },
  }
}
