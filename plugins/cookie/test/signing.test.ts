/**
 * @module plugins/cookie/test/signing — signed cookies: a round trip, every kind of tampering refused, key rotation
 * (old cookies still verify once a new key is put first; new cookies are signed with the new key), and the errors of
 * signing without a key.
 */
import assert from 'node:assert/strict'
import { forEachTransport } from 'vectora/testing'
import { signCookieValue, verifyCookieValue } from '../src/index.js'
import { cookieApp, cookieError, NEW_SECRET, OLD_SECRET, setCookies, wireValue } from './support.js'

/** An app that signs `sid=<value>` on /login and answers getSigned('sid') on /me. */
function sessionApp(secret: string | Buffer | Array<string | Buffer>) {
  const app = cookieApp({ secret })
  app.get('/login', (req) => {
    req.cookies.setSigned('sid', req.query.as === undefined ? 'alice' : String(req.query.as), { maxAge: 3600 })
    return { ok: true }
  })
  app.get('/me', (req) => ({ sid: req.cookies.getSigned('sid') ?? null, raw: req.cookies.get('sid') ?? null }))
  return app
}

describe('@vectora/cookie: signed cookies', () => {
  forEachTransport((t) => {
    /** Logs in on `app` and returns the Set-Cookie value of sid, as it travels. */
    async function login(app: ReturnType<typeof sessionApp>, as?: string): Promise<string> {
      const lines = setCookies(await t.request(app, { url: as === undefined ? '/login' : `/login?as=${encodeURIComponent(as)}` }))
      assert.equal(lines.length, 1)
      return wireValue(lines[0]!)
    }
    const me = async (app: ReturnType<typeof sessionApp>, sid: string) => (await t.request(app, { url: '/me', headers: { cookie: `sid=${sid}` } })).json()

    it('signs as value.signature (HMAC-SHA256, base64url) and reads the value back', async () => {
      const app = sessionApp(OLD_SECRET)
      const sid = await login(app)
      assert.match(sid, /^alice\.[A-Za-z0-9_-]{43}$/)
      assert.deepEqual(await me(app, sid), { sid: 'alice', raw: sid })
    })

    it('round-trips values that need encoding, dots included', async () => {
      const app = sessionApp(OLD_SECRET)
      const sid = await login(app, 'a.b; ✓ c')
      assert.equal((await me(app, sid)).sid, 'a.b; ✓ c')
    })

    it('refuses a changed value, a changed or missing signature, an unsigned value and a signature of another shape', async () => {
      const app = sessionApp(OLD_SECRET)
      const sid = await login(app)
      const signature = sid.slice(sid.indexOf('.') + 1)
      const flipped = (signature.startsWith('A') ? 'B' : 'A') + signature.slice(1)
      for (const tampered of [
        `mallory.${signature}`,
        `alice.${flipped}`,
        'alice',
        'alice.',
        `alice.${signature}=`,
        `alice.${signature}x`,
        `alice.${signature.slice(1)}`,
      ]) {
        assert.deepEqual(await me(app, tampered), { sid: null, raw: tampered }, tampered)
      }
    })

    it('refuses a value signed for another cookie name: the name is part of what is signed', async () => {
      const app = sessionApp(OLD_SECRET)
      const other = signCookieValue('role', 'alice', OLD_SECRET)
      assert.deepEqual(await me(app, other), { sid: null, raw: other })
    })

    it('refuses a value signed with a key the app does not have', async () => {
      const app = sessionApp(OLD_SECRET)
      assert.equal((await me(app, signCookieValue('sid', 'alice', NEW_SECRET))).sid, null)
    })

    it('rotates keys: a cookie signed with the old key still verifies once a new key is put first', async () => {
      const sid = await login(sessionApp(OLD_SECRET))
      const rotated = sessionApp([NEW_SECRET, OLD_SECRET])
      assert.equal((await me(rotated, sid)).sid, 'alice')
    })

    it('rotates keys: new cookies are signed with the first key, so they verify without the old one', async () => {
      const sid = await login(sessionApp([NEW_SECRET, OLD_SECRET]))
      assert.equal((await me(sessionApp(NEW_SECRET), sid)).sid, 'alice')
      assert.equal((await me(sessionApp(OLD_SECRET), sid)).sid, null)
      assert.equal(verifyCookieValue('sid', sid, NEW_SECRET), 'alice')
    })

    it('drops the old key at the end of a rotation: its cookies stop verifying', async () => {
      const sid = await login(sessionApp(OLD_SECRET))
      assert.equal((await me(sessionApp([NEW_SECRET]), sid)).sid, null)
    })

    it('answers getSigned and setSigned without a secret with a 500 naming the missing option', async () => {
      const app = cookieApp()
      app.get('/', (req) => req.cookies.getSigned('sid') ?? 'none')
      const res = await t.request(app, { url: '/', headers: { cookie: 'sid=x' } })
      assert.equal(res.status, 500)
      const [line] = app.logger.errors()
      cookieError('COOKIE_SECRET_INVALID', /getSigned\(\) needs a signing key/)(line?.fields.err)
    })

    it('counts the signature in the 4096-byte limit', async () => {
      const app = cookieApp({ secret: OLD_SECRET })
      const fits = 'x'.repeat(4096 - 'sid'.length - 44)
      app.get('/', (req) => {
        req.cookies.setSigned('sid', fits)
        assert.throws(() => req.cookies.setSigned('sid', `${fits}x`), cookieError('COOKIE_TOO_LARGE'))
        return { ok: true }
      })
      const [line] = setCookies(await t.request(app, { url: '/' }))
      assert.equal(line!.split(';')[0]!.length, 4097) // name, "=", value: 4096 bytes of name and value
    })
  })

  describe('signCookieValue() and verifyCookieValue()', () => {
    it('agree with the jar, and verify with any key of a list', () => {
      const signed = signCookieValue('sid', 'v', [NEW_SECRET, OLD_SECRET])
      assert.equal(verifyCookieValue('sid', signed, NEW_SECRET), 'v')
      assert.equal(verifyCookieValue('sid', signed, [OLD_SECRET, NEW_SECRET]), 'v')
      assert.equal(verifyCookieValue('sid', signed, OLD_SECRET), undefined)
      assert.equal(verifyCookieValue('other', signed, NEW_SECRET), undefined)
    })

    it('refuse a key shorter than 32 bytes, saying why', () => {
      assert.throws(() => signCookieValue('sid', 'v', 'short'), cookieError('COOKIE_SECRET_INVALID', /5 bytes; at least 32.*can be guessed/))
      assert.throws(() => verifyCookieValue('sid', 'v.x', []), cookieError('COOKIE_SECRET_INVALID', /empty list/))
    })
  })
})
