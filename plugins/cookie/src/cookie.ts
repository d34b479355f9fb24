/**
 * @module @vectora/cookie — the plugin: `req.cookies` (a jar made on first access, the Cookie header parsed on first
 * read) and one onSend hook that writes the jar's queued cookies to the reply as separate `Set-Cookie` fields.
 *
 * Register it on the app, not in a group: `req.cookies` is a decoration of every request of the app, and the hook
 * that writes Set-Cookie must see every reply. A request that never touches `req.cookies` costs one WeakMap lookup in
 * onSend and nothing else.
 */
import { definePlugin, type Reply, type VectoraRequest } from 'vectora'
import { RequestCookieJar } from './jar.js'
import { type CookiePluginOptions, resolveOptions } from './options.js'

const VERSION = '0.1.0'
/** Late in onSend: cookies set by other onSend hooks (a session store's) at a lower stage are still written. */
const SET_COOKIE_STAGE = 1000

/**
 * The cookie plugin. Options: `secret` (a key of at least 32 bytes, or a list: first signs, all verify) and
 * `defaults` (attributes over the secure defaults `Path=/; HttpOnly; SameSite=Lax` and `Secure` outside
 * development). Invalid options throw at `app.register()`.
 *
 * @example
 * import { createApp } from 'vectora'
 * import { cookie } from '@vectora/cookie'
 *
 * const app = createApp()
 * app.register(cookie, { secret: process.env.COOKIE_SECRET })
 * app.get('/visit', (req) => {
 *   const visits = Number(req.cookies.getSigned('visits') ?? 0) + 1
 *   req.cookies.setSigned('visits', String(visits), { maxAge: 60 * 60 * 24 * 30 })
 *   return { visits }
 * })
 */
export const cookie = definePlugin<CookiePluginOptions | undefined>({
  name: '@vectora/cookie',
  version: VERSION,
  setup(app, options) {
    const config = resolveOptions(options, app.development)
    // Only requests that touched req.cookies have a jar: the decoration records it here for the onSend hook.
    const jars = new WeakMap<VectoraRequest<any>, RequestCookieJar>()
    app.decorateRequest('cookies', (req) => {
      const jar = new RequestCookieJar(req, config)
      jars.set(req, jar)
      return jar
    })
    app.addHook(
      'onSend',
      function onSendSetCookie(reply: Reply, req: VectoraRequest<any>): void {
        jars.get(req)?.writeTo(reply)
      },
      { name: 'setCookie', stage: SET_COOKIE_STAGE },
    )
  },
})
