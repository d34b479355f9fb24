/**
 * @module @vectora/helmet — security headers (CSP, HSTS, nosniff, Referrer-Policy, COOP/CORP, X-Frame-Options, ...)
 * on every reply that passes the pipeline, successful and error replies alike.
 *
 * One hook, `securityHeaders` (onSend, stage 2000: after the other plugins' onSend hooks, so a header one of them set
 * is seen and kept). Everything is decided at register(): the options resolve to a frozen list of header fields, and
 * per request the hook only appends those fields the reply does not have yet. Keep it so — no option may make the
 * hook read the request or build a string.
 */
import { definePlugin, type Reply } from 'vectora'
import { omissionOf } from './omit.js'
import { type HelmetOptions, type ResolvedHeader, resolveHelmet } from './options.js'

/** After the default stage and @vectora/cors (1000): headers other onSend hooks set are already on the reply. */
const HEADERS_STAGE = 2000

const VERSION = '0.1.0'

/**
 * The helmet plugin. Registered on the app, its headers go on every reply JavaScript sends, the kernel's 404/405
 * included; registered in a group, on the replies of that group's routes.
 *
 * @example
 * import { createApp } from 'vectora'
 * import { helmet } from '@vectora/helmet'
 *
 * const app = createApp()
 * app.register(helmet) // preset 'api'; { preset: 'page' } for HTML apps
 * app.get('/users/:id', (req) => ({ id: req.params.id }))
 */
export const helmet = definePlugin<HelmetOptions | undefined>({
  name: '@vectora/helmet',
  version: VERSION,
  setup(app, options) {
    const headers = resolveHelmet(options)
    if (headers.length > 0) app.addHook('onSend', createOnSend(headers), { name: 'securityHeaders', stage: HEADERS_STAGE })
  },
})

/** The onSend hook over the resolved headers: synchronous, no allocation, no request read. */
function createOnSend(headers: readonly ResolvedHeader[]) {
  const count = headers.length
  return function addSecurityHeaders(res: Reply): void {
    const omission = omissionOf(res)
    if (omission === true) return
    // The pairs are shared and frozen: the core only reads them, and `reply.header()` replaces a field by splicing
    // the list, never by writing into a pair.
    const list = res.headerList as Array<readonly [string, string]>
    const present = list.length
    for (let h = 0; h < count; h++) {
      const header = headers[h]!
      if (omission?.has(header.field[0])) continue
      if (!has(list, present, header.unlessPresent)) list.push(header.field)
    }
  }
}

/** Whether one of the first `present` fields of `list` has one of `names`. */
function has(list: ReadonlyArray<readonly [string, string]>, present: number, names: readonly string[]): boolean {
  for (let i = 0; i < present; i++) {
    const name = list[i]![0]
    for (let n = 0; n < names.length; n++) if (name === names[n]) return true
  }
  return false
}
