/**
 * @module plugins/cookie/test/reading — `req.cookies` reads the Cookie header lazily (never for a request that does not
 * ask, once for one that does), decodes values, keeps the first of a repeated name, and never fails a request over a
 * malformed header.
 */
import assert from 'node:assert/strict'
import { forEachTransport } from 'vectora/testing'
import { cookieApp, countParses } from './support.js'

describe('@vectora/cookie: reading cookies', () => {
  forEachTransport((t) => {
    describe('lazily', () => {
      let parses: ReturnType<typeof countParses>
      beforeEach(() => {
        parses = countParses()
      })
      afterEach(() => parses.restore())

      it('does not parse the Cookie header of a request whose code never reads req.cookies', async () => {
        const app = cookieApp()
        app.get('/', () => ({ ok: true }))
        const res = await t.request(app, { url: '/', headers: { cookie: 'a=1; b=2' } })
        assert.deepEqual(res.json(), { ok: true })
        assert.equal(parses.calls(), 0)
      })

      it('does not parse it for a request that only sets cookies', async () => {
        const app = cookieApp()
        app.get('/', (req) => {
          req.cookies.set('seen', '1')
          return { ok: true }
        })
        const res = await t.request(app, { url: '/', headers: { cookie: 'a=1' } })
        assert.equal(res.headerLines('set-cookie').length, 1)
        assert.equal(parses.calls(), 0)
      })

      it('parses it once per request, however many cookies the request reads', async () => {
        const app = cookieApp()
        app.get('/', (req) => ({ a: req.cookies.get('a'), b: req.cookies.get('b'), all: req.cookies.all() }))
        const res = await t.request(app, { url: '/', headers: { cookie: 'a=1; b=2' } })
        assert.deepEqual(res.json(), { a: '1', b: '2', all: { a: '1', b: '2' } })
        assert.equal(parses.calls(), 1)
        await t.request(app, { url: '/', headers: { cookie: 'a=3' } })
        assert.equal(parses.calls(), 2)
      })
    })

    it('gives every cookie the client sent, values percent-decoded, and undefined for one it did not send', async () => {
      const app = cookieApp()
      app.get('/', (req) => ({ all: req.cookies.all(), check: req.cookies.get('check'), missing: req.cookies.get('missing') ?? null }))
      const res = await t.request(app, { url: '/', headers: { cookie: 'plain=abc; check=%E2%9C%93%20ok; quoted="x y"' } })
      assert.deepEqual(res.json(), { all: { plain: 'abc', check: '✓ ok', quoted: '"x y"' }, check: '✓ ok', missing: null })
    })

    it('reads no cookies from a request without a Cookie header', async () => {
      const app = cookieApp()
      app.get('/', (req) => ({ all: req.cookies.all(), a: req.cookies.get('a') ?? null }))
      const res = await t.request(app, { url: '/' })
      assert.deepEqual(res.json(), { all: {}, a: null })
    })

    it('keeps the first value of a repeated name, the one browsers send first (the most specific Path)', async () => {
      const app = cookieApp()
      app.get('/', (req) => ({ sid: req.cookies.get('sid') }))
      const res = await t.request(app, { url: '/', headers: { cookie: 'sid=from-path-account; sid=from-path-root' } })
      assert.deepEqual(res.json(), { sid: 'from-path-account' })
    })

    it('ignores malformed pairs and keeps the good ones, without failing the request', async () => {
      const app = cookieApp()
      app.get('/', (req) => ({ all: req.cookies.all() }))
      const header = 'junk; =nameless; a=1;; ;b = 2 ;bad=%E0%A4%A; c=x=y; d='
      const res = await t.request(app, { url: '/', headers: { cookie: header } })
      assert.equal(res.status, 200)
      // `%E0%A4%A` is a broken escape: the value is kept as sent rather than failing.
      assert.deepEqual(res.json(), { all: { a: '1', b: '2', bad: '%E0%A4%A', c: 'x=y', d: '' } })
      assert.deepEqual(app.logger.errors(), [])
    })

    it('answers 200 for a header of separators only, and names that would be prototype keys stay plain data', async () => {
      const app = cookieApp()
      app.get('/', (req) => {
        const all = req.cookies.all()
        return { proto: Object.getPrototypeOf(all), keys: Object.keys(all), toString: req.cookies.get('toString') ?? null, p: all.__proto__ }
      })
      const res = await t.request(app, { url: '/', headers: { cookie: ';;;=;__proto__=x' } })
      assert.equal(res.status, 200)
      assert.deepEqual(res.json(), { proto: null, keys: ['__proto__'], toString: null, p: 'x' })
    })

    it('returns the same frozen object from all() on every call', async () => {
      const app = cookieApp()
      app.get('/', (req) => {
        const all = req.cookies.all()
        return { same: all === req.cookies.all(), frozen: Object.isFrozen(all) }
      })
      const res = await t.request(app, { url: '/', headers: { cookie: 'a=1' } })
      assert.deepEqual(res.json(), { same: true, frozen: true })
    })

    it('reads what the client sent, not what the request set: set() changes the reply only', async () => {
      const app = cookieApp()
      app.get('/', (req) => {
        req.cookies.set('a', 'new')
        return { a: req.cookies.get('a') }
      })
      const res = await t.request(app, { url: '/', headers: { cookie: 'a=old' } })
      assert.deepEqual(res.json(), { a: 'old' })
      assert.match(res.headerLines('set-cookie')[0]!, /^a=new;/)
    })

    it('gives every request its own jar', async () => {
      const app = cookieApp()
      app.get('/', (req) => ({ a: req.cookies.get('a') ?? null }))
      assert.deepEqual((await t.request(app, { url: '/', headers: { cookie: 'a=1' } })).json(), { a: '1' })
      assert.deepEqual((await t.request(app, { url: '/' })).json(), { a: null })
    })
  })
})
