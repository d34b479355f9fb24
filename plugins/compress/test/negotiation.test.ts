/**
 * @module plugins/compress/test/negotiation — which coding an Accept-Encoding gets (RFC 9110 §12.5.3): q-values,
 * `*`, `identity`, the plugin's preference on ties, malformed members ignored; the function alone, then the same
 * matrix through app.inject() and a real socket, every compressed reply decompressed.
 */
import assert from 'node:assert/strict'
import { type CompressEncoding, negotiateEncoding } from '@vectora/compress'
import { forEachTransport } from 'vectora/testing'
import { compressApp, decoded, text } from './support.js'

const OFFERED: CompressEncoding[] = ['br', 'gzip', 'deflate']

/** Accept-Encoding -> the coding the plugin answers with (undefined: none), for the offer above. */
const MATRIX: ReadonlyArray<readonly [string | undefined, CompressEncoding | undefined]> = [
  // What browsers send: every coding at q=1, so the plugin's order decides.
  ['gzip, deflate, br, zstd', 'br'],
  ['gzip, deflate', 'gzip'],
  ['deflate', 'deflate'],
  // q-values decide over the plugin's order.
  ['br;q=0.5, gzip', 'gzip'],
  ['gzip;q=0.8, deflate;q=0.9, br;q=0.1', 'deflate'],
  ['br;q=0.001, gzip;q=0', 'br'],
  ['gzip;q=1.000, br;q=0.999', 'gzip'],
  ['GZIP;Q=0.5, Br;q=0.4', 'gzip'],
  [' gzip ; q = 0.5 ,br;q=0.6 ', 'br'],
  // q=0 refuses a coding.
  ['br;q=0, gzip;q=0', undefined],
  ['br;q=0, *', 'gzip'],
  // `*` covers the codings not listed by name.
  ['*', 'br'],
  ['*;q=0.5, br;q=0.4', 'gzip'],
  ['*;q=0', undefined],
  // identity: chosen when ranked above every coding; refusing it never refuses the reply.
  ['gzip;q=0.5, identity', undefined],
  ['gzip, identity;q=0.5', 'gzip'],
  ['gzip;q=0.5, identity;q=0.5', 'gzip'],
  ['identity', undefined],
  ['identity;q=0', undefined],
  ['identity;q=0, *;q=0', undefined],
  ['gzip;q=0.4, *;q=0.6', 'br'],
  // Nothing we produce, nothing at all, or no header: identity.
  ['compress, zstd-unknown', undefined],
  ['', undefined],
  [undefined, undefined],
  // x-gzip is gzip (RFC 9110 §8.4.1.3), but a listed gzip wins over it.
  ['x-gzip', 'gzip'],
  ['x-gzip;q=1, gzip;q=0', undefined],
  // Malformed members are ignored, the rest still counts.
  ['br;q=2, gzip', 'gzip'],
  ['br;q=abc, gzip;q=0.1', 'gzip'],
  ['br;q=0.0001, deflate', 'deflate'],
  ['b r, gzip;q=0.2', 'gzip'],
  [',,;;, gzip;q=0.3', 'gzip'],
  ['br;level=5, gzip;q=0.5', 'br'],
  // A coding listed twice keeps its first q.
  ['br;q=0, br;q=1, gzip;q=0.1', 'gzip'],
]

describe('@vectora/compress: Accept-Encoding negotiation', () => {
  describe('negotiateEncoding()', () => {
    for (const [header, expected] of MATRIX) {
      it(`answers ${JSON.stringify(header)} with ${expected ?? 'no coding'}`, () => {
        assert.equal(negotiateEncoding(header, OFFERED), expected)
      })
    }

    it('breaks ties by the order it is given, not by the order of the header', () => {
      assert.equal(negotiateEncoding('br, gzip', ['gzip', 'br']), 'gzip')
      assert.equal(negotiateEncoding('gzip, br', ['br', 'gzip']), 'br')
    })

    it('offers only what it is given', () => {
      assert.equal(negotiateEncoding('br', ['gzip']), undefined)
      assert.equal(negotiateEncoding('br, gzip;q=0.1', ['gzip']), 'gzip')
    })

    it('reads a very long or hostile header without throwing, and still finds the coding in it', () => {
      const junk = `${'x;q=0.5,'.repeat(2000)}${'q=;'.repeat(500)}, gzip;q=0.2`
      assert.equal(negotiateEncoding(junk, OFFERED), 'gzip')
      assert.equal(negotiateEncoding('\u0000\uffff;q=1', OFFERED), undefined)
    })
  })

  forEachTransport((t) => {
    const body = text(4096)

    it('answers every request of the matrix with its coding, the same body underneath, and Vary: Accept-Encoding', async () => {
      const app = compressApp({ encodings: OFFERED })
      app.get('/page', () => body)
      for (const [header, expected] of MATRIX) {
        const res = await t.request(app, { url: '/page', headers: header === undefined ? {} : { 'accept-encoding': header } })
        assert.equal(res.status, 200)
        assert.equal(res.headers['content-encoding'], expected, `Accept-Encoding: ${header}`)
        assert.equal(res.headers.vary, 'Accept-Encoding')
        assert.equal(decoded(res).toString(), body)
        if (expected !== undefined) assert.ok(res.body.length < body.length / 2, `${expected} made ${res.body.length} bytes of ${body.length}`)
      }
    })

    it('uses the order of the encodings option to break ties', async () => {
      const app = compressApp({ encodings: ['gzip', 'br'] })
      app.get('/page', () => body)
      const res = await t.request(app, { url: '/page', headers: { 'accept-encoding': 'br, gzip, deflate' } })
      assert.equal(res.headers['content-encoding'], 'gzip')
      const onlyDeflate = await t.request(app, { url: '/page', headers: { 'accept-encoding': 'deflate' } })
      assert.equal(onlyDeflate.headers['content-encoding'], undefined, 'deflate is not offered')
      assert.equal(decoded(onlyDeflate).toString(), body)
    })
  })
})
