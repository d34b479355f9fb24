/**
 * @module @vectora/cookie/reply — cookies written straight onto a `Reply`, for code that builds or holds the reply
 * itself (a later onSend hook, an app without the plugin). The core's `Reply` is not patched: these are functions.
 * They see no app, so they use the production defaults (`Path=/; HttpOnly; Secure; SameSite=Lax`).
 */
import type { Reply } from 'vectora'
import type { ClearCookieOptions, CookieOptions } from './attributes.js'
import { PRODUCTION_DEFAULTS, serializeClear, serializeCookie } from './set-cookie.js'

/**
 * Adds `Set-Cookie: name=value` to `reply` with `options` over the secure defaults (Secure included: pass
 * `secure: false` for a plain-HTTP client other than localhost). Returns the reply, to chain. Throws a CookieError
 * for anything invalid, like `req.cookies.set`.
 *
 * @example
 * import { reply } from 'vectora'
 * app.get('/welcome', () => setCookie(reply.json({ hello: 'you' }), 'seen', '1', { maxAge: 3600 }))
 */
export function setCookie(reply: Reply, name: string, value: string, options?: CookieOptions): Reply {
  return reply.header('set-cookie', serializeCookie(name, value, options, PRODUCTION_DEFAULTS))
}

/**
 * Adds the `Set-Cookie` that removes cookie `name` (Max-Age=0) to `reply`; pass the Path and Domain it was set with
 * if they were not the defaults. Returns the reply.
 *
 * @example
 * app.post('/logout', () => clearCookie(reply.empty(), 'sid'))
 */
export function clearCookie(reply: Reply, name: string, options?: ClearCookieOptions): Reply {
  return reply.header('set-cookie', serializeClear(name, options, PRODUCTION_DEFAULTS))
}
