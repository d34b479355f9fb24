/**
 * @module @vectora/compress/negotiate — which coding to answer an `Accept-Encoding` with (RFC 9110 §12.5.3): the
 * coding with the highest q-value among those the plugin produces, ties broken by the plugin's order of preference;
 * `*` stands for every coding not listed by name; `identity` wins only when the client ranks it above every coding.
 */
import type { CompressEncoding } from './codecs.js'

/** Answers per raw Accept-Encoding value kept per registration, at most this many (then cleared): clients send few distinct values. */
const CACHE_SIZE = 256
/** Longer values are answered without being kept, so the cache stays small (real clients send 20-40 characters). */
const CACHED_LENGTH = 256

// A q-value: 0 to 1 with at most three decimals (RFC 9110 §12.4.2). Anything else makes its member ignored.
const QVALUE = /^(?:0(?:\.\d{0,3})?|1(?:\.0{0,3})?)$/
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9a-z]+$/

/**
 * The coding to answer `header` with, from `offered` (most preferred first), or undefined for identity (no coding).
 * No header means identity: RFC 9110 would allow any coding, but a client that sends none (curl without
 * `--compressed`, a health checker) would get bytes it cannot read. A header that refuses everything we offer,
 * `identity` included (`identity;q=0`, `*;q=0`), still gets identity: RFC 9110 says to send the response without a
 * coding rather than refuse it. Malformed members (a bad q-value, a name that is not a token) are ignored, never an error.
 *
 * @example
 * negotiateEncoding('gzip, deflate, br, zstd', ['br', 'gzip']) // 'br': all q=1, the plugin prefers br
 * negotiateEncoding('gzip;q=1, br;q=0.5', ['br', 'gzip']) // 'gzip'
 * negotiateEncoding('gzip;q=0.5, identity', ['br', 'gzip']) // undefined: the client prefers identity
 */
export function negotiateEncoding(header: string | undefined, offered: readonly CompressEncoding[]): CompressEncoding | undefined {
  if (header === undefined) return undefined
  const weights = parseAcceptEncoding(header)
  const star = weights.get('*')
  let best: CompressEncoding | undefined
  let bestQ = 0
  for (const encoding of offered) {
    const q = weights.get(encoding) ?? (encoding === 'gzip' ? weights.get('x-gzip') : undefined) ?? star ?? 0
    // Strictly greater: on a tie the earlier (preferred) coding stays.
    if (q > bestQ) {
      best = encoding
      bestQ = q
    }
  }
  if (best === undefined) return undefined
  // identity not listed (and no `*`) is acceptable but never preferred: a coding the client accepts wins.
  const identity = weights.get('identity') ?? star
  return identity !== undefined && identity > bestQ ? undefined : best
}

/**
 * The members of an Accept-Encoding value as coding name (lower case) -> q. A name listed twice keeps its first q.
 *
 * @example
 * parseAcceptEncoding('GZIP;q=0.8, br, x;q=7') // Map { 'gzip' => 0.8, 'br' => 1 } ('x' has an invalid q)
 */
export function parseAcceptEncoding(header: string): Map<string, number> {
  const weights = new Map<string, number>()
  for (const member of header.split(',')) {
    const parts = member.split(';')
    const name = parts[0]!.trim().toLowerCase()
    if (name === '' || !TOKEN.test(name) || weights.has(name)) continue
    let q = 1
    let valid = true
    for (let i = 1; i < parts.length; i++) {
      const param = parts[i]!.trim()
      const eq = param.indexOf('=')
      if (eq === -1 || param.slice(0, eq).trim().toLowerCase() !== 'q') continue
      const value = param.slice(eq + 1).trim()
      if (!QVALUE.test(value)) valid = false
      else q = Number(value)
      break
    }
    if (valid) weights.set(name, q)
  }
  return weights
}

/**
 * `negotiateEncoding` over `offered`, with its answers kept per raw header value (bounded: at most 256 values of up to 256
 * characters, cleared when full).
 *
 * @example
 * const choose = createNegotiator(['br', 'gzip'])
 * choose('gzip, br') // 'br', computed; the next 'gzip, br' is one Map lookup
 */
export function createNegotiator(offered: readonly CompressEncoding[]): (header: string | undefined) => CompressEncoding | undefined {
  const cache = new Map<string, CompressEncoding | null>()
  return (header) => {
    if (header === undefined) return undefined
    if (header.length > CACHED_LENGTH) return negotiateEncoding(header, offered)
    let answer = cache.get(header)
    if (answer === undefined) {
      if (cache.size >= CACHE_SIZE) cache.clear()
      answer = negotiateEncoding(header, offered) ?? null
      cache.set(header, answer)
    }
    return answer ?? undefined
  }
}
