/**
 * @module @vectora/helmet/omit — the per-reply opt-out: `withoutSecurityHeaders(reply, ...names)` marks one Reply so
 * that helmet's hook adds none (or not those) of its headers to it. The marks live in a WeakMap keyed by the Reply,
 * so nothing is added to the core's object and a mark goes away with its reply.
 */
import { Reply } from 'vectora'
import { HelmetError, show } from './errors.js'
import { HELMET_HEADER_NAMES } from './options.js'

/** What one marked reply must not get: every helmet header, or these names. */
export type Omission = true | ReadonlySet<string>

const omissions = new WeakMap<Reply, Omission>()
/** False until the first mark: until then the hook does not even look in the WeakMap. */
let anyOmission = false

/**
 * Keeps helmet's headers off one reply: all of them, or the named ones (lower or any case). Returns the reply, to
 * return it from the handler. The mark is on this Reply object: a later onSend hook that replaces the reply with
 * another loses it. To send a header with another value instead, set it on the reply: a header the reply already
 * has always wins. Throws HelmetError HELMET_OMIT_INVALID for a non-Reply or a name helmet never sends.
 *
 * @example
 * app.get('/embed', () => withoutSecurityHeaders(reply.html(widget), 'x-frame-options', 'content-security-policy'))
 * app.get('/raw', () => withoutSecurityHeaders(reply.text('no helmet headers at all')))
 */
export function withoutSecurityHeaders(reply: Reply, ...names: string[]): Reply {
  if (!(reply instanceof Reply)) {
    throw new HelmetError('HELMET_OMIT_INVALID', `withoutSecurityHeaders() takes the Reply a handler returns (reply.json(...), ...), got ${show(reply)}.`)
  }
  if (names.length === 0) {
    omissions.set(reply, true)
  } else {
    const previous = omissions.get(reply)
    if (previous === true) return reply
    const set = new Set(previous)
    for (const name of names) {
      const lower = typeof name === 'string' ? name.toLowerCase() : name
      if (typeof lower !== 'string' || !HELMET_HEADER_NAMES.includes(lower)) {
        throw new HelmetError('HELMET_OMIT_INVALID', `helmet never sends a header ${show(name)}; it sends ${HELMET_HEADER_NAMES.join(', ')}.`)
      }
      set.add(lower)
    }
    omissions.set(reply, set)
  }
  anyOmission = true
  return reply
}

/**
 * What `reply` was marked to go without, or undefined. One boolean test per request until some reply is marked.
 *
 * @example
 * omissionOf(withoutSecurityHeaders(reply.text('x'))) // true
 */
export function omissionOf(reply: Reply): Omission | undefined {
  return anyOmission ? omissions.get(reply) : undefined
}
