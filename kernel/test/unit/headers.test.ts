/**
 * @module kernel/test/unit/headers — http/headers.ts, white-box: the `name:value\n` block shared with the
 * kernel (parse both ways, serialize) and the header checks every reply goes through.
 */
import assert from 'node:assert/strict'
import { VectoraError } from '../../ts/base/catalogue.js'
import {
  checkHeaderName,
  checkHeaderValue,
  checkResponseHeaderName,
  type HeaderList,
  parseHeaderBlock,
  parseHeaderList,
  setHeader,
  toHeaderBlock,
  toResponseHeaderList,
} from '../../ts/http/headers.js'

/** For assert.throws: VEC_ERR_INVALID_HEADER with a message matching `pattern`. */
function invalidHeader(pattern: RegExp) {
  return (error: unknown): boolean => {
    assert.ok(error instanceof VectoraError, String(error))
    assert.equal(error.code, 'VEC_ERR_INVALID_HEADER')
    assert.match(error.message, pattern)
    return true
  }
}

describe('headers', () => {
  describe('parseHeaderBlock', () => {
    it('reads one field per line into a null-prototype object, values as written', () => {
      const headers = parseHeaderBlock('host:localhost:3000\nx-a: spaced\naccept:*/*')
      assert.equal(Object.getPrototypeOf(headers), null)
      assert.deepEqual({ ...headers }, { host: 'localhost:3000', 'x-a': ' spaced', accept: '*/*' })
    })

    it('joins repeated fields with ", ", and cookie fields with "; " as RFC 6265 asks', () => {
      const headers = parseHeaderBlock('accept:a\ncookie:a=1\naccept:b\ncookie:b=2\n')
      assert.equal(headers.accept, 'a, b')
      assert.equal(headers.cookie, 'a=1; b=2')
    })

    it('skips lines without a colon and empty lines, and keeps __proto__ a plain key', () => {
      const headers = parseHeaderBlock('\nnot a field\n__proto__:x\nx-b:1\n\n')
      assert.deepEqual(Object.keys(headers), ['__proto__', 'x-b'])
      assert.equal(headers.__proto__, 'x')
      assert.equal(Object.getPrototypeOf(headers), null)
    })
  })

  describe('parseHeaderList and toHeaderBlock', () => {
    it('keeps repeated fields apart and in order, skipping lines without a name', () => {
      assert.deepEqual(parseHeaderList('set-cookie:a=1\nvary:origin\nset-cookie:b=2\n:no-name\n\n'), [
        ['set-cookie', 'a=1'],
        ['vary', 'origin'],
        ['set-cookie', 'b=2'],
      ])
    })

    it('writes one name:value line per field, and the two are inverses', () => {
      const list: HeaderList = [
        ['content-type', 'text/plain; charset=utf-8'],
        ['set-cookie', 'a=1'],
        ['set-cookie', 'b=2'],
      ]
      const block = toHeaderBlock(list)
      assert.equal(block, 'content-type:text/plain; charset=utf-8\nset-cookie:a=1\nset-cookie:b=2\n')
      assert.deepEqual(parseHeaderList(block), list)
      assert.equal(toHeaderBlock([]), '')
    })
  })

  describe('checks', () => {
    it('accepts an HTTP token as a name and lower-cases it; refuses anything else', () => {
      assert.equal(checkHeaderName('X-Request-ID'), 'x-request-id')
      assert.equal(checkHeaderName("!#$%&'*+-.^_`|~09az"), "!#$%&'*+-.^_`|~09az")
      for (const bad of ['', 'bad name', 'x:y', 'naïve', 'a\r\nb']) {
        assert.throws(() => checkHeaderName(bad), invalidHeader(new RegExp(`Header name ${literal(JSON.stringify(bad))} is not an HTTP token`)))
      }
      assert.throws(() => checkHeaderName(42), invalidHeader(/Header name 42 is not an HTTP token/))
    })

    it('accepts a string value with tabs and obs-text, and a finite number as its string', () => {
      assert.equal(checkHeaderValue('x', 'a\tb \xff'), 'a\tb \xff')
      assert.equal(checkHeaderValue('x', ''), '')
      assert.equal(checkHeaderValue('content-length', 42), '42')
      assert.equal(checkHeaderValue('x', -1.5), '-1.5')
    })

    it('refuses CR, LF, NUL, characters past 0xFF, non-finite numbers and other types, naming the header', () => {
      for (const bad of ['a\rb', 'a\nb', 'a\x00b', 'a\x7fb', '\u0100', '\u{1F600}', Number.NaN, Number.POSITIVE_INFINITY, true, null, ['a']]) {
        assert.throws(
          () => checkHeaderValue('x-bad', bad),
          invalidHeader(/Value of header "x-bad" must be a string or number without control characters \(got /),
        )
      }
    })

    it('refuses the framing and hop-by-hop fields the kernel owns in a reply, whatever their case', () => {
      for (const name of ['Content-Length', 'transfer-encoding', 'Connection', 'keep-alive', 'upgrade', 'proxy-connection', 'TE', 'trailer']) {
        assert.throws(() => checkResponseHeaderName(name), invalidHeader(/is set by the kernel and cannot be set by a reply/))
      }
      assert.equal(checkResponseHeaderName('Content-Type'), 'content-type')
    })
  })

  describe('setHeader and toResponseHeaderList', () => {
    it('replaces earlier fields of a name, accumulates set-cookie, and repeats an array', () => {
      const list: HeaderList = [
        ['vary', 'origin'],
        ['x-a', '1'],
        ['vary', 'accept'],
      ]
      setHeader(list, 'vary', 'cookie')
      setHeader(list, 'set-cookie', 'a=1')
      setHeader(list, 'set-cookie', ['b=2', 'c=3'])
      setHeader(list, 'x-n', ['1', '2'])
      assert.deepEqual(list, [
        ['x-a', '1'],
        ['vary', 'cookie'],
        ['set-cookie', 'a=1'],
        ['set-cookie', 'b=2'],
        ['set-cookie', 'c=3'],
        ['x-n', '1'],
        ['x-n', '2'],
      ])
      assert.throws(() => setHeader(list, 'x-n', 'a\nb'), invalidHeader(/Value of header "x-n"/))
    })

    it('turns an object into a checked list (appending to one given), and refuses what is not an object', () => {
      const list: HeaderList = [['x-first', '1']]
      assert.equal(toResponseHeaderList({ 'X-Count': 2, 'set-cookie': ['a=1', 'b=2'] }, list), list)
      assert.deepEqual(list, [
        ['x-first', '1'],
        ['x-count', '2'],
        ['set-cookie', 'a=1'],
        ['set-cookie', 'b=2'],
      ])
      assert.deepEqual(toResponseHeaderList(undefined), [])
      assert.throws(() => toResponseHeaderList('x: y' as never), invalidHeader(/Headers must be an object of name -> value \(got "x: y"\)/))
      assert.throws(() => toResponseHeaderList({ 'content-length': '1' }), invalidHeader(/"content-length" is set by the kernel/))
      assert.throws(() => toResponseHeaderList({ 'bad name': '1' }), invalidHeader(/Header name "bad name" is not an HTTP token/))
    })
  })
})

/** `text` as a RegExp source that matches it literally. */
function literal(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}
