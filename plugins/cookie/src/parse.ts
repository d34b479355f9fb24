/**
 * @module @vectora/cookie/parse — a `Cookie` request header read into name -> value, through `cookie`'s parseCookie:
 * values percent-decoded (left as sent when the escape is malformed), pairs without `=` and nameless pairs ignored,
 * and of a repeated name the first kept — browsers send the cookie with the most specific Path first.
 */
import { parseCookie } from 'cookie'

const NONE: Readonly<Record<string, string>> = Object.freeze(Object.create(null))

/**
 * The parser the jars call, held in an object rather than called as a bare import so that a test can count its
 * calls (the exports of an ES module cannot be replaced): `cookieHeaderParser.parse = counting(original)`.
 * Not exported by the package.
 */
export const cookieHeaderParser = {
  /**
   * The cookies of a Cookie header (the core joins repeated Cookie fields with `; `), as a frozen null-prototype
   * object. Never throws: whatever is malformed is skipped.
   *
   * @example
   * cookieHeaderParser.parse('a=1; b=%E2%9C%93; a=2; junk; =x') // { a: '1', b: '✓' }
   */
  parse(header: string | undefined): Readonly<Record<string, string>> {
    if (header === undefined || header === '') return NONE
    const parsed = parseCookie(header)
    const cookies: Record<string, string> = Object.create(null)
    for (const name of Object.keys(parsed)) {
      const value = parsed[name]
      if (name !== '' && value !== undefined) cookies[name] = value
    }
    return Object.freeze(cookies)
  },
}
