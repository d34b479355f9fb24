/**
 * @module @vectora/compress/reply-headers — what the hook reads of a reply's headers (one pass), and what it changes:
 * `Vary: Accept-Encoding` merged into the reply's Vary, and the fields that describe a compressed representation.
 */
import type { Reply } from 'vectora'
import type { CompressEncoding } from './codecs.js'

/** What decides, besides the body and the status, whether a reply may be compressed. */
export interface ReplyFacts {
  /** The Content-Type value, or undefined. */
  readonly type: string | undefined
  /** It has a Content-Encoding already (it is compressed, or says what it is: leave it). */
  readonly encoded: boolean
  /** `Cache-Control: no-transform` (RFC 9111 §5.2.2.6): no one may change the content coding. */
  readonly noTransform: boolean
  /** It has a Content-Range: a part of a representation, which a coding would make another one. */
  readonly ranged: boolean
}

const NO_TRANSFORM = /(?:^|,)\s*no-transform\s*(?:,|$)/i

/**
 * One pass over `headerList`.
 *
 * @example
 * readReply([['content-type', 'text/html'], ['cache-control', 'public, no-transform']]).noTransform // true
 */
export function readReply(headerList: ReadonlyArray<readonly [string, string]>): ReplyFacts {
  let type: string | undefined
  let encoded = false
  let noTransform = false
  let ranged = false
  for (const [name, value] of headerList) {
    switch (name) {
      case 'content-type':
        type ??= value
        break
      case 'content-encoding':
        encoded = true
        break
      case 'cache-control':
        if (NO_TRANSFORM.test(value)) noTransform = true
        break
      case 'content-range':
        ranged = true
        break
    }
  }
  return { type, encoded, noTransform, ranged }
}

/**
 * Adds `Accept-Encoding` to the reply's Vary: one field, the names already there kept in their order, none twice
 * (any case); `Vary: *` stays as it is.
 *
 * @example
 * appendVary(reply.text('x', { headers: { vary: 'Origin' } })) // vary: Origin, Accept-Encoding
 */
export function appendVary(reply: Reply): void {
  const list = reply.headerList
  let found = false
  for (const [name] of list) {
    if (name === 'vary') {
      found = true
      break
    }
  }
  // The common case: no Vary yet.
  if (!found) {
    list.push(['vary', 'Accept-Encoding'])
    return
  }
  const names = list
    .filter(([name]) => name === 'vary')
    .flatMap(([, value]) => value.split(','))
    .map((s) => s.trim())
    .filter((s) => s !== '')
  if (names.includes('*') || names.some((s) => s.toLowerCase() === 'accept-encoding')) return
  reply.header('vary', [...names, 'Accept-Encoding'].join(', '))
}

/**
 * Turns the reply's headers into those of its `encoding` representation: `Content-Encoding`; no `Content-Length` (the
 * kernel sends the new length, or chunks); no `Accept-Ranges` (ranges of the compressed bytes are not served: a Range
 * request gets a 206 of the identity bytes); a strong `ETag` made weak (RFC 9110 §8.8.3: a strong validator names
 * one exact byte sequence; the weak one still answers If-None-Match, as nginx does).
 *
 * @example
 * markEncoded(reply, 'br') // content-encoding: br; etag: "abc" -> W/"abc"
 */
export function markEncoded(reply: Reply, encoding: CompressEncoding): void {
  const list = reply.headerList
  for (let i = list.length - 1; i >= 0; i--) {
    const [name, value] = list[i]!
    if (name === 'content-length' || name === 'accept-ranges') list.splice(i, 1)
    else if (name === 'etag' && !value.startsWith('W/')) list[i] = ['etag', `W/${value}`]
  }
  list.push(['content-encoding', encoding])
}

/**
 * A 304 that answers a validator this plugin weakened (the client holds the compressed representation: it sent back
 * `W/"abc"` for the core's `"abc"`) carries what the compressed 200 carried: the weak ETag and `Vary:
 * Accept-Encoding` (RFC 9110 §15.4.5). Otherwise a cache would not match it to what it stored (RFC 9111 §4.3.4: a
 * strong validator selects only responses with that same strong validator). Any other 304 is left as it is.
 *
 * @example
 * revalidated(notModified, req) // etag "abc" -> W/"abc" when If-None-Match lists W/"abc"
 */
export function revalidated(reply: Reply, req: { header(name: string): string | undefined }): void {
  const list = reply.headerList
  const at = list.findIndex(([name]) => name === 'etag')
  if (at === -1) return
  const etag = list[at]![1]
  if (etag.startsWith('W/')) return
  const ifNoneMatch = req.header('if-none-match')
  if (ifNoneMatch === undefined || !ifNoneMatch.split(',').some((tag) => tag.trim() === `W/${etag}`)) return
  list[at] = ['etag', `W/${etag}`]
  appendVary(reply)
}
