/**
 * @module plugins/cookie/test/writing — `req.cookies.set/clear` become Set-Cookie fields (one per cookie) with the
 * secure defaults, in production and in development, overridden by the plugin's `defaults` and per cookie; values
 * round-trip through encoding; the Reply functions write the same fields.
 */
import assert from 'node:assert/strict'
import { createApp, reply } from 'vectora'
import { captureLogger, closeAfterTest, forEachTransport } from 'vectora/testing'
import { clearCookie, cookie, setCookie } from '../src/index.js'
import { cookieApp, parsedSetCookies, setCookies, wireValue } from './support.js'

describe('@vectora/cookie: writing cookies', () => {
  forEachTransport((t) => {
    it('sets a cookie with Path=/, HttpOnly, SameSite=Lax and Secure in production', async () => {
      const app = cookieApp()
      app.get('/', (req) => {
        req.cookies.set('sid', 'abc')
        return { ok: true }
      })
      const res = await t.request(app, { url: '/' })
      assert.deepEqual(res.json(), { ok: true })
      assert.deepEqual(setCookies(res), ['sid=abc; Path=/; HttpOnly; Secure; SameSite=Lax'])
    })

    it('leaves Secure out in development (createApp({ development: true })), keeping the other defaults', async () => {
      const app = cookieApp(undefined, { development: true })
      app.get('/', (req) => {
        req.cookies.set('sid', 'abc')
        return { ok: true }
      })
      assert.deepEqual(setCookies(await t.request(app, { url: '/' })), ['sid=abc; Path=/; HttpOnly; SameSite=Lax'])
    })

    it('follows NODE_ENV=development when the app does not say', async () => {
      const before = process.env.NODE_ENV
      process.env.NODE_ENV = 'development'
      let app: ReturnType<typeof createApp>
      try {
        app = closeAfterTest(createApp({ handleSignals: false, logger: captureLogger() }))
      } finally {
        if (before === undefined) delete process.env.NODE_ENV
        else process.env.NODE_ENV = before
      }
      app.register(cookie)
      app.get('/', (req) => {
        req.cookies.set('sid', 'abc')
        return { ok: true }
      })
      assert.deepEqual(setCookies(await t.request(app, { url: '/' })), ['sid=abc; Path=/; HttpOnly; SameSite=Lax'])
    })

    it('keeps Secure in development for cookies that cannot work without it: __Secure-/__Host- names, SameSite=None, Partitioned', async () => {
      const app = cookieApp(undefined, { development: true })
      app.get('/', (req) => {
        req.cookies.set('__Host-sid', '1').set('__Secure-pref', '2').set('embed', '3', { sameSite: 'none' }).set('chip', '4', { partitioned: true })
        return { ok: true }
      })
      assert.deepEqual(setCookies(await t.request(app, { url: '/' })), [
        '__Host-sid=1; Path=/; HttpOnly; Secure; SameSite=Lax',
        '__Secure-pref=2; Path=/; HttpOnly; Secure; SameSite=Lax',
        'embed=3; Path=/; HttpOnly; Secure; SameSite=None',
        'chip=4; Path=/; HttpOnly; Secure; Partitioned; SameSite=Lax',
      ])
    })

    it('writes every attribute asked for, each cookie in its own Set-Cookie field, in the order they were set', async () => {
      const app = cookieApp()
      const expires = new Date(Date.UTC(2030, 0, 2, 3, 4, 5))
      app.get('/', (req) => {
        req.cookies.set('a', '1', { maxAge: 3600, domain: 'example.com', path: '/shop', priority: 'high' })
        req.cookies.set('b', '2', { expires, sameSite: 'strict', httpOnly: false })
        req.cookies.set('c', '3', { secure: false })
        return { ok: true }
      })
      const res = await t.request(app, { url: '/' })
      assert.deepEqual(setCookies(res), [
        'a=1; Max-Age=3600; Domain=example.com; Path=/shop; HttpOnly; Secure; Priority=High; SameSite=Lax',
        'b=2; Path=/; Expires=Wed, 02 Jan 2030 03:04:05 GMT; Secure; SameSite=Strict',
        'c=3; Path=/; HttpOnly; SameSite=Lax',
      ])
      // node:http and inject join repeats with ", " in `headers`; only the separate fields are safe to read.
      assert.equal(res.headerLines('set-cookie').length, 3)
    })

    it('applies the plugin defaults over the secure defaults, and per-cookie options over both', async () => {
      const app = cookieApp({ defaults: { sameSite: 'strict', domain: 'example.com', maxAge: 600, secure: false } })
      app.get('/', (req) => {
        req.cookies.set('a', '1')
        req.cookies.set('b', '2', { sameSite: 'lax', maxAge: 60, secure: true })
        return { ok: true }
      })
      assert.deepEqual(setCookies(await t.request(app, { url: '/' })), [
        'a=1; Max-Age=600; Domain=example.com; Path=/; HttpOnly; SameSite=Strict',
        'b=2; Max-Age=60; Domain=example.com; Path=/; HttpOnly; Secure; SameSite=Lax',
      ])
    })

    it('keeps the last of two sets of one cookie (same name, Path and Domain), and both of one name on two Paths', async () => {
      const app = cookieApp()
      app.get('/', (req) => {
        req.cookies.set('a', 'first').set('b', 'x').set('a', 'second')
        req.cookies.set('p', 'root').set('p', 'account', { path: '/account' })
        return { ok: true }
      })
      assert.deepEqual(
        setCookies(await t.request(app, { url: '/' })).map((line) => line.split(';')[0]),
        ['a=second', 'b=x', 'p=root', 'p=account'],
      )
    })

    it('clears a cookie with an empty value, Max-Age=0 and an Expires in 1970, on the Path and Domain given', async () => {
      const app = cookieApp({ defaults: { domain: 'example.com' } })
      app.get('/', (req) => {
        req.cookies.clear('sid')
        req.cookies.clear('pref', { path: '/account' })
        return { ok: true }
      })
      assert.deepEqual(setCookies(await t.request(app, { url: '/' })), [
        'sid=; Max-Age=0; Domain=example.com; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT; HttpOnly; Secure; SameSite=Lax',
        'pref=; Max-Age=0; Domain=example.com; Path=/account; Expires=Thu, 01 Jan 1970 00:00:00 GMT; HttpOnly; Secure; SameSite=Lax',
      ])
    })

    it('ignores a maxAge from the defaults when clearing, and a clear replaces an earlier set of the same cookie', async () => {
      const app = cookieApp({ defaults: { maxAge: 3600 } }, { development: true })
      app.get('/', (req) => {
        req.cookies.set('sid', 'abc').clear('sid')
        return { ok: true }
      })
      assert.deepEqual(setCookies(await t.request(app, { url: '/' })), [
        'sid=; Max-Age=0; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT; HttpOnly; SameSite=Lax',
      ])
    })

    it('percent-encodes values outside cookie-octets, so any string round-trips through a browser-style Cookie header', async () => {
      const app = cookieApp()
      const values = ['a b;c,d"e\\f', '✓ naïve 😀', '100%', 'x=y', '']
      app.get('/set', (req) => {
        for (const [i, value] of values.entries()) req.cookies.set(`v${i}`, value)
        return { ok: true }
      })
      app.get('/read', (req) => values.map((_, i) => req.cookies.get(`v${i}`)))
      const lines = setCookies(await t.request(app, { url: '/set' }))
      for (const line of lines) assert.match(wireValue(line), /^[\x21\x23-\x2b\x2d-\x3a\x3c-\x5b\x5d-\x7e]*$/, line)
      const header = lines.map((line) => line.split(';')[0]).join('; ')
      assert.deepEqual((await t.request(app, { url: '/read', headers: { cookie: header } })).json(), values)
    })

    it('writes the cookies of a handler that returns its own Reply after the Set-Cookie fields that Reply already has', async () => {
      const app = cookieApp()
      app.get('/', (req) => {
        req.cookies.set('jar', '1')
        return setCookie(reply.json({ ok: true }, { status: 201 }), 'direct', '2')
      })
      const res = await t.request(app, { url: '/' })
      assert.equal(res.status, 201)
      assert.deepEqual(
        setCookies(res).map((line) => line.split(';')[0]),
        ['direct=2', 'jar=1'],
      )
    })

    it('adds nothing to a reply whose request never touched req.cookies', async () => {
      const app = cookieApp()
      app.get('/', () => ({ ok: true }))
      const res = await t.request(app, { url: '/', headers: { cookie: 'a=1' } })
      assert.deepEqual(setCookies(res), [])
    })
  })

  describe('setCookie() and clearCookie() on a Reply', () => {
    forEachTransport((t) => {
      it('write the production defaults (they see no app) and chain', async () => {
        const app = createApp({ handleSignals: false, development: true, logger: captureLogger() })
        app.get('/', () => clearCookie(setCookie(reply.json({ ok: true }), 'a', 'x y', { maxAge: 60 }), 'b', { path: '/old' }))
        const res = await t.request(closeAfterTest(app), { url: '/' })
        assert.deepEqual(res.json(), { ok: true })
        assert.deepEqual(setCookies(res), [
          'a=x%20y; Max-Age=60; Path=/; HttpOnly; Secure; SameSite=Lax',
          'b=; Max-Age=0; Path=/old; Expires=Thu, 01 Jan 1970 00:00:00 GMT; HttpOnly; Secure; SameSite=Lax',
        ])
      })

      it('work in an onSend hook after the jar wrote its fields', async () => {
        const app = cookieApp()
        app.addHook('onSend', (res) => void setCookie(res, 'late', '1', { secure: false }), { stage: 2000 })
        app.get('/', (req) => {
          req.cookies.set('early', '1')
          return { ok: true }
        })
        const parsed = parsedSetCookies(await t.request(app, { url: '/' }))
        assert.deepEqual(
          parsed.map((c) => [c.name, c.value, c.secure ?? false]),
          [
            ['early', '1', true],
            ['late', '1', false],
          ],
        )
      })
    })
  })
})
