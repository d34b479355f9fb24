/**
 * @module @vectora/cookie — the public entry point: the plugin, `req.cookies`' type, the functions that write
 * cookies onto a Reply, signing helpers, the options types and CookieError.
 *
 * @example
 * import { createApp } from 'vectora'
 * import { cookie } from '@vectora/cookie'
 *
 * const app = createApp()
 * app.register(cookie, { secret: process.env.COOKIE_SECRET })
 * app.get('/', (req) => {
 *   req.cookies.set('theme', req.cookies.get('theme') ?? 'light', { httpOnly: false })
 *   return { theme: req.cookies.get('theme') ?? 'light' }
 * })
 */
import type { CookieJar } from './jar.js'

export { cookie } from './cookie.js'
export { clearCookie, setCookie } from './reply.js'
export { signCookieValue, verifyCookieValue, MIN_SECRET_BYTES } from './signing.js'
export type { CookieSecret } from './signing.js'
export { CookieError } from './errors.js'
export type { CookieErrorCode } from './errors.js'
export { MAX_AGE_LIMIT } from './attributes.js'
export type { ClearCookieOptions, CookieOptions, SameSite } from './attributes.js'
export { MAX_COOKIE_BYTES } from './set-cookie.js'
export type { CookieJar } from './jar.js'
export type { CookiePluginOptions } from './options.js'

declare module 'vectora' {
  interface RequestDecorations {
    /** Set by @vectora/cookie: the request's cookies (read lazily) and the Set-Cookie fields queued for its reply. */
    cookies: CookieJar
  }
}
