/**
 * @module plugins/cookie/test/validation — every RFC 6265bis rule checked when a cookie is set, each with its stable
 * code (a CookieError thrown to the caller: a 500 in a handler), and the plugin's options checked at register().
 */
import assert from 'node:assert/strict'
import { reply } from 'vectora'
import { assertProblem, closeAfterTest, createTestApp, forEachTransport, useCleanup } from 'vectora/testing'
import { clearCookie, cookie, type CookieOptions, type CookiePluginOptions, MAX_AGE_LIMIT, setCookie } from '../src/index.js'
import { cookieApp, cookieError, registerError, setCookies } from './support.js'

/** setCookie() on a fresh reply: the same checks as the jar's, without an app. */
const set = (name: string, value: string, options?: CookieOptions) => setCookie(reply.empty(), name, value, options).headerList

describe('@vectora/cookie: validation', () => {
  describe('when a cookie is set', () => {
    it('refuses a name that is not an HTTP token', () => {
      for (const name of ['', 'a b', 'a=b', 'a;b', 'a,b', '"a"', 'a\tb', 'ä', 'a/b', 'a@b', 'a\nb']) {
        assert.throws(() => set(name, '1'), cookieError('COOKIE_NAME_INVALID', /HTTP token/), JSON.stringify(name))
      }
      assert.throws(() => set(42 as unknown as string, '1'), cookieError('COOKIE_NAME_INVALID'))
      assert.deepEqual(set("!#$%&'*+-.^_`|~Az09", '1').length, 1)
    })

    it('refuses a value that is not a string, or not well-formed UTF-16 (it cannot be encoded)', () => {
      assert.throws(() => set('a', 42 as unknown as string), cookieError('COOKIE_VALUE_INVALID', /must be a string, got number 42/))
      assert.throws(() => set('a', undefined as unknown as string), cookieError('COOKIE_VALUE_INVALID'))
      assert.throws(() => set('a', 'x\ud800y'), cookieError('COOKIE_VALUE_INVALID', /cannot be encoded/))
    })

    it('refuses a Domain that is not a host name', () => {
      for (const domain of [
        '',
        'exa mple.com',
        'example.com:8080',
        'https://example.com',
        'example.com.',
        '-a.com',
        'a_b.com',
        'bücher.de',
        'a;b',
        'x'.repeat(64) + '.com',
      ]) {
        assert.throws(() => set('a', '1', { domain }), cookieError('COOKIE_DOMAIN_INVALID', /host name/), domain)
      }
      assert.equal(set('a', '1', { domain: '.xn--bcher-kva.example' })[0]![1], 'a=1; Domain=.xn--bcher-kva.example; Path=/; HttpOnly; Secure; SameSite=Lax')
      // 253 characters is the longest DNS name: four labels of 63 and one of 1.
      const longest = `${'a'.repeat(63)}.${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(61)}`
      assert.equal(longest.length, 253)
      assert.equal(set('a', '1', { domain: `.${longest}` }).length, 1)
      assert.throws(() => set('a', '1', { domain: `${longest}e` }), cookieError('COOKIE_DOMAIN_INVALID'))
    })

    it('refuses a Path that does not start with "/", holds ";" or a control character, or is over 1024 bytes', () => {
      for (const path of ['', 'shop', 'a/b', '/a;b', '/a\nb', '/a\u0000', '/é']) {
        assert.throws(() => set('a', '1', { path }), cookieError('COOKIE_PATH_INVALID'), JSON.stringify(path))
      }
      assert.throws(() => set('a', '1', { path: '/' + 'p'.repeat(1024) }), cookieError('COOKIE_PATH_INVALID', /1024 bytes/))
      assert.equal(set('a', '1', { path: '/' + 'p'.repeat(1023) }).length, 1)
      assert.match(set('a', '1', { path: '/a b/%C3%A9' })[0]![1], /Path=\/a b\/%C3%A9;/)
    })

    it('refuses a Max-Age that is not whole seconds', () => {
      for (const maxAge of [1.5, Number.NaN, Number.POSITIVE_INFINITY, '60' as unknown as number, 2 ** 53]) {
        assert.throws(() => set('a', '1', { maxAge }), cookieError('COOKIE_MAX_AGE_INVALID', /whole number of seconds/), String(maxAge))
      }
      assert.match(set('a', '1', { maxAge: -1 })[0]![1], /Max-Age=-1;/)
    })

    it('refuses a Max-Age above 400 days rather than clamping it, and hints at milliseconds', () => {
      assert.equal(MAX_AGE_LIMIT, 34_560_000)
      assert.match(set('a', '1', { maxAge: MAX_AGE_LIMIT })[0]![1], /Max-Age=34560000;/)
      assert.throws(() => set('a', '1', { maxAge: MAX_AGE_LIMIT + 1 }), cookieError('COOKIE_MAX_AGE_INVALID', /at most 400 days \(34560000 seconds\)/))
      const thirtyDaysInMs = 30 * 24 * 60 * 60 * 1000
      assert.throws(() => set('a', '1', { maxAge: thirtyDaysInMs }), cookieError('COOKIE_MAX_AGE_INVALID', /looks like milliseconds/))
    })

    it('refuses an Expires that is not a valid Date in the years 1601 to 9999', () => {
      for (const expires of [
        new Date(Number.NaN),
        new Date(Date.UTC(1600, 11, 31)),
        new Date(Date.UTC(10000, 0, 1)),
        '2030-01-01' as unknown as Date,
        0 as unknown as Date,
      ]) {
        assert.throws(() => set('a', '1', { expires }), cookieError('COOKIE_EXPIRES_INVALID', /valid Date/), String(expires))
      }
    })

    it('refuses a SameSite other than strict, lax or none', () => {
      for (const sameSite of ['Lax', 'STRICT', 'relaxed', true, '']) {
        assert.throws(() => set('a', '1', { sameSite: sameSite as CookieOptions['sameSite'] }), cookieError('COOKIE_SAMESITE_INVALID'), String(sameSite))
      }
    })

    it('refuses SameSite=None without Secure', () => {
      assert.throws(() => set('a', '1', { sameSite: 'none', secure: false }), cookieError('COOKIE_SAMESITE_NONE_INSECURE', /SameSite=None requires Secure/))
      assert.match(set('a', '1', { sameSite: 'none' })[0]![1], /Secure; SameSite=None$/)
    })

    it('refuses Partitioned without Secure', () => {
      assert.throws(() => set('a', '1', { partitioned: true, secure: false }), cookieError('COOKIE_PARTITIONED_INSECURE', /Partitioned requires Secure/))
    })

    it('refuses a __Secure- name without Secure, whatever its case', () => {
      assert.throws(() => set('__Secure-a', '1', { secure: false }), cookieError('COOKIE_PREFIX_SECURE', /__Secure- name requires Secure/))
      assert.throws(() => set('__SECURE-a', '1', { secure: false }), cookieError('COOKIE_PREFIX_SECURE'))
      assert.equal(set('__Secure-a', '1', { domain: 'example.com', path: '/x' }).length, 1)
    })

    it('refuses a __Host- name without Secure, with a Domain, or with a Path other than /', () => {
      assert.throws(() => set('__Host-a', '1', { secure: false }), cookieError('COOKIE_PREFIX_HOST', /requires Secure/))
      assert.throws(() => set('__Host-a', '1', { domain: 'example.com' }), cookieError('COOKIE_PREFIX_HOST', /must not have a Domain/))
      assert.throws(() => set('__host-a', '1', { path: '/app' }), cookieError('COOKIE_PREFIX_HOST', /requires Path=\//))
      assert.throws(() => clearCookie(reply.empty(), '__Host-a', { path: '/app' }), cookieError('COOKIE_PREFIX_HOST'))
      assert.equal(set('__Host-a', '1').length, 1)
    })

    it('refuses a cookie whose name and encoded value are over 4096 bytes', () => {
      assert.equal(set('n', 'v'.repeat(4095)).length, 1)
      assert.throws(() => set('n', 'v'.repeat(4096)), cookieError('COOKIE_TOO_LARGE', /4097 bytes.*store the data server-side/))
      // Counted after encoding: 1366 "✓" are 4098 bytes of UTF-8 and 12294 once percent-encoded.
      assert.throws(() => set('n', '✓'.repeat(1366)), cookieError('COOKIE_TOO_LARGE'))
    })

    it('refuses unknown options (suggesting the right case) and options of the wrong type', () => {
      assert.throws(
        () => set('a', '1', { maxage: 1 } as CookieOptions),
        cookieError('COOKIE_OPTION_INVALID', /unknown cookie option "maxage".*Did you mean "maxAge"/),
      )
      assert.throws(() => set('a', '1', { httpOnly: 'yes' } as unknown as CookieOptions), cookieError('COOKIE_OPTION_INVALID', /httpOnly is true or false/))
      assert.throws(() => set('a', '1', { priority: 'urgent' } as unknown as CookieOptions), cookieError('COOKIE_OPTION_INVALID', /'low', 'medium' or 'high'/))
      assert.throws(() => set('a', '1', 'strict' as unknown as CookieOptions), cookieError('COOKIE_OPTION_INVALID', /must be an object/))
      assert.throws(
        () => clearCookie(reply.empty(), 'a', { maxAge: 60 } as CookieOptions),
        cookieError('COOKIE_OPTION_INVALID', /clear\(\) sets the expiry itself/),
      )
    })

    it('names the cookie in every message', () => {
      assert.throws(
        () => set('sid', '1', { maxAge: 1.5 }),
        cookieError('COOKIE_MAX_AGE_INVALID', /^@vectora\/cookie: cookie "sid": maxAge is a whole number of seconds, got number 1\.5\.$/),
      )
      assert.throws(
        () => set('sid', '1', { Path: '/' } as CookieOptions),
        cookieError('COOKIE_OPTION_INVALID', /^@vectora\/cookie: cookie "sid": unknown cookie option "Path"/),
      )
      assert.throws(
        () => set('sid', '1', { sameSite: 'none', secure: false }),
        cookieError('COOKIE_SAMESITE_NONE_INSECURE', /^@vectora\/cookie: cookie "sid": SameSite=None/),
      )
    })

    it('treats an option given as undefined as not given', () => {
      assert.equal(set('a', '1', { path: undefined, secure: undefined })[0]![1], 'a=1; Path=/; HttpOnly; Secure; SameSite=Lax')
    })
  })

  describe('in a handler', () => {
    forEachTransport((t) => {
      it('a broken rule is a 500 (a programmer error), logged with its code; the cookies set before it are still sent', async () => {
        const app = cookieApp()
        app.get('/', (req) => {
          req.cookies.set('ok', '1')
          req.cookies.set('embed', '1', { sameSite: 'none', secure: false })
          return { ok: true }
        })
        const res = await t.request(app, { url: '/' })
        assertProblem(res, { status: 500, instance: '/' })
        assert.deepEqual(setCookies(res), ['ok=1; Path=/; HttpOnly; Secure; SameSite=Lax'])
        const [line] = app.logger.errors()
        cookieError('COOKIE_SAMESITE_NONE_INSECURE')(line?.fields.err)
      })

      it('a __Host- cookie broken by the plugin defaults fails where it is set, naming the rule', async () => {
        const app = cookieApp({ defaults: { domain: 'example.com' } })
        app.get('/', (req) => {
          req.cookies.set('__Host-sid', '1')
          return { ok: true }
        })
        assert.equal((await t.request(app, { url: '/' })).status, 500)
        cookieError('COOKIE_PREFIX_HOST', /must not have a Domain/)(app.logger.errors()[0]?.fields.err)
      })
    })
  })

  describe('at register()', () => {
    useCleanup()
    const register = (options: unknown, development = false) => {
      const app = closeAfterTest(createTestApp({ development }))
      app.register(cookie, options as CookiePluginOptions)
      return app
    }

    it('adds one onSend hook, late (stage 1000), and nothing to the request phases', async () => {
      const app = register(undefined)
      app.get('/', () => ({ ok: true }))
      await app.ready()
      assert.deepEqual(app.pipeline('GET', '/'), [{ phase: 'onSend', plugin: '@vectora/cookie', name: 'setCookie', stage: 1000 }])
    })

    it('accepts no options, a 32-byte string or Buffer, and a list of them', () => {
      register(undefined)
      register({})
      register({ secret: 'k'.repeat(32) })
      register({ secret: Buffer.alloc(32, 1) })
      register({ secret: ['k'.repeat(32), Buffer.alloc(40, 2)] })
    })

    it('refuses a secret shorter than 32 bytes, saying why and how to make one', () => {
      assert.throws(
        () => register({ secret: 'k'.repeat(31) }),
        registerError('COOKIE_SECRET_INVALID', /secret is 31 bytes; at least 32 are needed, because .*randomBytes\(32\)/),
      )
      assert.throws(() => register({ secret: Buffer.alloc(16) }), registerError('COOKIE_SECRET_INVALID', /16 bytes/))
      // Bytes, not characters: 16 "é" are 32 bytes of UTF-8.
      register({ secret: 'é'.repeat(16) })
      assert.throws(() => register({ secret: ['k'.repeat(32), 'short'] }), registerError('COOKIE_SECRET_INVALID', /secret\[1\] is 5 bytes/))
    })

    it('refuses an empty key list, a key that is neither a string nor a Buffer, and secret: undefined (an unset env variable)', () => {
      assert.throws(() => register({ secret: [] }), registerError('COOKIE_SECRET_INVALID', /empty list/))
      assert.throws(() => register({ secret: 42 }), registerError('COOKIE_SECRET_INVALID', /a string or a Buffer/))
      assert.throws(() => register({ secret: process.env.COOKIE_TEST_SECRET_THAT_IS_NOT_SET }), registerError('COOKIE_SECRET_INVALID', /environment variable/))
    })

    it('refuses unknown options and defaults that are not an object', () => {
      assert.throws(() => register({ secrets: 'k'.repeat(32) }), registerError('COOKIE_CONFIG_INVALID', /unknown option "secrets"/))
      assert.throws(() => register('secret'), registerError('COOKIE_CONFIG_INVALID', /options are an object/))
      assert.throws(() => register({ defaults: [] }), registerError('COOKIE_CONFIG_INVALID', /defaults is an object/))
    })

    it('checks the defaults like cookie options, naming them as defaults', () => {
      assert.throws(() => register({ defaults: { maxAge: 30 * 24 * 3600 * 1000 } }), registerError('COOKIE_MAX_AGE_INVALID', /defaults\.maxAge/))
      assert.throws(() => register({ defaults: { sameSite: 'Lax' } }), registerError('COOKIE_SAMESITE_INVALID', /defaults\.sameSite/))
      assert.throws(() => register({ defaults: { domian: 'example.com' } }), registerError('COOKIE_OPTION_INVALID', /defaults\.domian/))
      assert.throws(() => register({ defaults: { path: 'app' } }), registerError('COOKIE_PATH_INVALID', /defaults\.path/))
    })

    it('refuses defaults no cookie could be set with: SameSite=None or Partitioned with secure: false', () => {
      assert.throws(
        () => register({ defaults: { sameSite: 'none', secure: false } }),
        registerError('COOKIE_SAMESITE_NONE_INSECURE', /^@vectora\/cookie: defaults:/),
      )
      assert.throws(() => register({ defaults: { partitioned: true, secure: false } }, true), registerError('COOKIE_PARTITIONED_INSECURE'))
      register({ defaults: { sameSite: 'none' } }, true) // Secure is then kept in development too
    })
  })
})
