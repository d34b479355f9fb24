/**
 * @module @vectora/static/accept-encoding — which precompressed variant a client accepts, from its
 * Accept-Encoding header with q-values (RFC 9110 §12.5.3).
 *
 * - No header: identity. (The RFC lets a server pick any coding then; clients that decode send the header.)
 * - A coding is acceptable when listed with q > 0, or covered by `*` with q > 0 and not listed; `x-gzip` is gzip
 *   (RFC 9110 §8.4.1.3). Names are case-insensitive; an item with a malformed q is ignored.
 * - The best q wins; on a tie the server's order, `br` before `gzip` (smaller files).
 * - identity competes only when the client ranked it (`identity;q=1`, or through `*`): a coding with a lower q
 *   than identity loses to it. Unranked identity is the last resort, so `gzip;q=0.5` still gets gzip.
 */

/** The content codings the plugin serves precompressed, in the server's order of preference. */
export type Encoding = 'br' | 'gzip'

/** Each coding with the suffix of its variant file: `app.js.br`, `app.js.gz`. */
export const VARIANTS: ReadonlyArray<{ readonly encoding: Encoding; readonly suffix: string }> = Object.freeze([
  { encoding: 'br', suffix: '.br' },
  { encoding: 'gzip', suffix: '.gz' },
])

const NONE: readonly Encoding[] = Object.freeze([])
// qvalue = ( "0" [ "." 0*3DIGIT ] ) / ( "1" [ "." 0*3("0") ] )
const QVALUE = /^(?:0(?:\.\d{0,3})?|1(?:\.0{0,3})?)$/

/**
 * The codings of `VARIANTS` the client accepts in place of identity, best first (empty: send the file as it is).
 *
 * @example
 * acceptedEncodings('gzip, deflate, br') // ['br', 'gzip']
 * acceptedEncodings('gzip;q=1, br;q=0.5') // ['gzip', 'br']
 * acceptedEncodings('br;q=0, gzip') // ['gzip']
 * acceptedEncodings(undefined) // []
 */
export function acceptedEncodings(header: string | undefined): readonly Encoding[] {
  if (header === undefined) return NONE
  let br: number | undefined
  let gzip: number | undefined
  let identity: number | undefined
  let any: number | undefined
  for (const item of header.split(',')) {
    const parts = item.split(';')
    const name = parts[0]!.trim().toLowerCase()
    if (name === '') continue
    const q = qualityOf(parts)
    if (q === undefined) continue
    if (name === 'br') br = q
    else if (name === 'gzip' || name === 'x-gzip') gzip = Math.max(gzip ?? 0, q)
    else if (name === 'identity') identity = q
    else if (name === '*') any = q
  }
  const ranked: Array<{ encoding: Encoding; q: number }> = []
  const floor = identity ?? any
  for (const [encoding, listed] of [
    ['br', br],
    ['gzip', gzip],
  ] as const) {
    const q = listed ?? any ?? 0
    if (q > 0 && (floor === undefined || q >= floor)) ranked.push({ encoding, q })
  }
  if (ranked.length === 0) return NONE
  // A stable sort: equal q keeps VARIANTS' order.
  ranked.sort((a, b) => b.q - a.q)
  return ranked.map((entry) => entry.encoding)
}

/** The q of one item (`1` when absent), or undefined when a `q` parameter is malformed. */
function qualityOf(parts: readonly string[]): number | undefined {
  let q = 1
  for (let i = 1; i < parts.length; i++) {
    const param = parts[i]!.trim()
    const eq = param.indexOf('=')
    if (eq === -1 || param.slice(0, eq).trim().toLowerCase() !== 'q') continue
    const value = param.slice(eq + 1).trim()
    if (!QVALUE.test(value)) return undefined
    q = Number(value)
  }
  return q
}
