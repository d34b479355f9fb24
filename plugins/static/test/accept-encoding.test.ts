/**
 * @module plugins/static/test/accept-encoding — the Accept-Encoding ranking on its own (RFC 9110 §12.5.3): q-values,
 * `*`, identity, aliases, case, malformed items. The served replies are in precompressed.test.ts.
 */
import assert from 'node:assert/strict'
import { acceptedEncodings } from '../src/accept-encoding.js'

describe('@vectora/static: Accept-Encoding', () => {
  const cases: Array<[header: string | undefined, expected: string[]]> = [
    [undefined, []],
    ['', []],
    ['identity', []],
    ['gzip, deflate, br', ['br', 'gzip']],
    ['gzip, deflate, br, zstd', ['br', 'gzip']],
    ['gzip', ['gzip']],
    ['br', ['br']],
    ['BR, GZip', ['br', 'gzip']],
    ['x-gzip', ['gzip']],
    ['gzip;q=1, br;q=0.5', ['gzip', 'br']],
    ['br;q=0.5, gzip;q=0.8', ['gzip', 'br']],
    ['br;q=0, gzip', ['gzip']],
    ['br;q=0', []],
    ['br;q=0.000, gzip;q=0.001', ['gzip']],
    ['*', ['br', 'gzip']],
    ['*;q=0', []],
    ['gzip, *;q=0', ['gzip']],
    ['*;q=0.5, gzip', ['gzip', 'br']],
    ['br;q=0.2, identity;q=1', []],
    ['br;q=1, identity;q=1', ['br']],
    ['br;q=0.5, gzip;q=0.9, identity;q=0.7', ['gzip']],
    ['br;q=0.5', ['br']],
    ['*;q=0.8, br;q=0.5', ['gzip']],
    ['gzip ; q = 0.5 , br ; q=0.4', ['gzip', 'br']],
    ['br;q=2, gzip', ['gzip']],
    ['br;q=abc, gzip', ['gzip']],
    ['br;q=0.5000, gzip', ['gzip']],
    ['br;level=11, gzip;q=0.1', ['br', 'gzip']],
    [',,, br ,', ['br']],
    ['deflate, compress', []],
  ]
  for (const [header, expected] of cases) {
    it(`ranks ${header === undefined ? 'no header' : JSON.stringify(header)} as ${JSON.stringify(expected)}`, () => {
      assert.deepEqual(acceptedEncodings(header), expected)
    })
  }
})
