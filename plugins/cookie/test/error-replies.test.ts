/**
 * @module plugins/cookie/test/error-replies — the cookies a request queued go out on whatever reply it gets: error
 * replies, short-circuits and the kernel's 404 included (so "clear the bad session cookie, then 401" works). The
 * exceptions, as documented: an error thrown by a later onSend hook replaces the reply without a second onSend pass,
 * and a cookie set after the jar wrote its fields is refused (COOKIE_TOO_LATE), never dropped silently.
 */
import assert from 'node:assert/strict'
import { HttpError, reply } from 'vectora'
import { assertProblem, forEachTransport } from 'vectora/testing'
import { cookieApp, cookieError, setCookies } from './support.js'

describe('@vectora/cookie: error replies', () => {
  forEachTransport((t) => {
    it('sends the cookies of a handler that set them and then threw an HttpError, on its problem+json reply', async () => {
      const app = cookieApp()
      app.post('/orders', (req) => {
        req.cookies.set('flash', 'order-failed', { maxAge: 60 })
        throw new HttpError(409, 'The cart changed.', { code: 'CART_CHANGED' })
      })
      const res = await t.request(app, { method: 'POST', url: '/orders' })
      assertProblem(res, { status: 409, code: 'CART_CHANGED', instance: '/orders' })
      assert.deepEqual(setCookies(res), ['flash=order-failed; Max-Age=60; Path=/; HttpOnly; Secure; SameSite=Lax'])
    })

    it('sends the clearing of a rejected session cookie on the 401 of the authenticate hook that rejected it', async () => {
      const app = cookieApp()
      app.addHook('authenticate', (req) => {
        if (req.cookies.get('sid') !== 'valid') {
          req.cookies.clear('sid')
          throw new HttpError(401, 'Log in again.', { code: 'SESSION_INVALID' })
        }
      })
      app.get('/me', () => ({ ok: true }))
      const res = await t.request(app, { url: '/me', headers: { cookie: 'sid=expired' } })
      assertProblem(res, { status: 401, code: 'SESSION_INVALID', instance: '/me' })
      assert.deepEqual(setCookies(res), ['sid=; Max-Age=0; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT; HttpOnly; Secure; SameSite=Lax'])
      assert.deepEqual((await t.request(app, { url: '/me', headers: { cookie: 'sid=valid' } })).json(), { ok: true })
    })

    it('sends the cookies of a hook that short-circuits with a reply', async () => {
      const app = cookieApp()
      app.addHook('onRequest', (req) => {
        req.cookies.set('visited', '1')
        return reply.redirect('/welcome')
      })
      app.get('/', () => ({ never: true }))
      const res = await t.request(app, { url: '/' })
      assert.equal(res.status, 302)
      assert.deepEqual(setCookies(res), ['visited=1; Path=/; HttpOnly; Secure; SameSite=Lax'])
    })

    it("sends them on the kernel's 404 for an unmatched path, which app-wide hooks see", async () => {
      const app = cookieApp()
      app.addHook('onRequest', (req) => {
        req.cookies.set('seen', '1')
      })
      app.get('/', () => ({ ok: true }))
      const res = await t.request(app, { url: '/missing' })
      assert.equal(res.status, 404)
      assert.deepEqual(setCookies(res), ['seen=1; Path=/; HttpOnly; Secure; SameSite=Lax'])
    })

    it('loses them when a later onSend hook throws: its 500 is sent without a second onSend pass', async () => {
      const app = cookieApp()
      app.addHook(
        'onSend',
        () => {
          throw new Error('broken onSend')
        },
        { stage: 2000 },
      )
      app.get('/', (req) => {
        req.cookies.set('a', '1')
        return { ok: true }
      })
      const res = await t.request(app, { url: '/' })
      assertProblem(res, { status: 500, instance: '/' })
      assert.deepEqual(setCookies(res), [])
    })

    it('refuses set() and clear() once the jar wrote its fields (COOKIE_TOO_LATE) instead of dropping the cookie', async () => {
      const app = cookieApp()
      const thrown: unknown[] = []
      app.addHook(
        'onSend',
        (_res, req) => {
          for (const attempt of [() => req.cookies.set('late', '1'), () => req.cookies.clear('late')]) {
            try {
              attempt()
            } catch (error) {
              thrown.push(error)
            }
          }
        },
        { stage: 2000 },
      )
      app.get('/', (req) => {
        req.cookies.set('early', '1')
        return { ok: true }
      })
      const res = await t.request(app, { url: '/' })
      assert.deepEqual(setCookies(res), ['early=1; Path=/; HttpOnly; Secure; SameSite=Lax'])
      assert.equal(thrown.length, 2)
      for (const error of thrown) cookieError('COOKIE_TOO_LATE', /setCookie\(reply/)(error)
    })

    it('lets an onSend hook at a lower stage still use the jar', async () => {
      const app = cookieApp()
      app.addHook('onSend', (_res, req) => {
        req.cookies.set('from-onsend', '1')
      })
      app.get('/', () => ({ ok: true }))
      assert.deepEqual(setCookies(await t.request(app, { url: '/' })), ['from-onsend=1; Path=/; HttpOnly; Secure; SameSite=Lax'])
    })
  })
})
