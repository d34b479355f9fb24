/**
 * @module plugins/helmet/test/options — what each option sends: `false` omits a header, `true` and values set it,
 * CSP directives merge over the preset's (replaced in place, removed with null, appended), reportOnly renames the
 * header, HSTS takes its three parts; and where the hook sits in the pipeline. Through app.inject() and a real socket.
 */
import assert from 'node:assert/strict'
import { type HelmetOptions, securityHeaders } from '@vectora/helmet'
import { forEachTransport } from 'vectora/testing'
import { API_HEADERS, helmetApp, helmetHeaders, PAGE_CSP } from './support.js'

/** The option that turns each default header off. */
const OPTION_OF: Record<string, keyof HelmetOptions> = {
  'content-security-policy': 'contentSecurityPolicy',
  'cross-origin-opener-policy': 'crossOriginOpenerPolicy',
  'cross-origin-resource-policy': 'crossOriginResourcePolicy',
  'origin-agent-cluster': 'originAgentCluster',
  'referrer-policy': 'referrerPolicy',
  'strict-transport-security': 'strictTransportSecurity',
  'x-content-type-options': 'xContentTypeOptions',
  'x-dns-prefetch-control': 'xDnsPrefetchControl',
  'x-frame-options': 'xFrameOptions',
  'x-permitted-cross-domain-policies': 'xPermittedCrossDomainPolicies',
}

describe('@vectora/helmet: options', () => {
  forEachTransport((t) => {
    async function headersWith(options: HelmetOptions): Promise<Record<string, string>> {
      const app = helmetApp(options)
      app.get('/', () => ({ ok: true }))
      const res = await t.request(app, { url: '/' })
      assert.equal(res.status, 200)
      return helmetHeaders(res.headers)
    }

    it('omits exactly the header whose option is false, for each of the ten', async () => {
      for (const [header, option] of Object.entries(OPTION_OF)) {
        const expected = { ...API_HEADERS }
        delete expected[header]
        assert.deepEqual(await headersWith({ [option]: false }), expected, option)
      }
    })

    it('adds no hook and no header when every header is off', async () => {
      const off = Object.fromEntries(Object.values(OPTION_OF).map((option) => [option, false]))
      const app = helmetApp(off)
      app.get('/', () => 'plain')
      const res = await t.request(app, { url: '/' })
      assert.deepEqual(helmetHeaders(res.headers), {})
      assert.deepEqual(app.pipeline('GET', '/'), [])
    })

    it('sends the given values of the fixed-value headers, and the off-by-default ones when asked', async () => {
      const headers = await headersWith({
        crossOriginOpenerPolicy: 'same-origin-allow-popups',
        crossOriginResourcePolicy: 'cross-origin',
        crossOriginEmbedderPolicy: 'credentialless',
        originAgentCluster: true,
        xDnsPrefetchControl: 'on',
        xFrameOptions: 'sameorigin',
        xPermittedCrossDomainPolicies: 'by-content-type',
        referrerPolicy: ['no-referrer', 'strict-origin-when-cross-origin'],
        xXssProtection: true,
        xDownloadOptions: true,
      })
      assert.deepEqual(headers, {
        ...API_HEADERS,
        'cross-origin-embedder-policy': 'credentialless',
        'cross-origin-opener-policy': 'same-origin-allow-popups',
        'cross-origin-resource-policy': 'cross-origin',
        'referrer-policy': 'no-referrer, strict-origin-when-cross-origin',
        'x-dns-prefetch-control': 'on',
        'x-download-options': 'noopen',
        'x-frame-options': 'SAMEORIGIN',
        'x-permitted-cross-domain-policies': 'by-content-type',
        'x-xss-protection': '0',
      })
    })

    it("takes true as the preset's value: require-corp for COEP, SAMEORIGIN for X-Frame-Options under 'page'", async () => {
      const headers = await headersWith({ preset: 'page', crossOriginEmbedderPolicy: true, xFrameOptions: true, referrerPolicy: 'same-origin' })
      assert.equal(headers['cross-origin-embedder-policy'], 'require-corp')
      assert.equal(headers['x-frame-options'], 'SAMEORIGIN')
      assert.equal(headers['referrer-policy'], 'same-origin')
    })

    it("merges directives over the preset's: a given name replaces its value in place, null removes it, new names come last", async () => {
      const headers = await headersWith({
        preset: 'page',
        contentSecurityPolicy: {
          directives: {
            'img-src': ["'self'", 'https://images.example.com'],
            'upgrade-insecure-requests': null,
            'connect-src': "'self'  https://api.example.com",
            'report-uri': '/csp-reports',
            sandbox: true,
          },
        },
      })
      assert.equal(
        headers['content-security-policy'],
        "default-src 'self'; base-uri 'self'; font-src 'self' https: data:; form-action 'self'; frame-ancestors 'self'; " +
          "img-src 'self' https://images.example.com; object-src 'none'; script-src 'self'; script-src-attr 'none'; " +
          "style-src 'self' https: 'unsafe-inline'; connect-src 'self' https://api.example.com; report-uri /csp-reports; sandbox",
      )
    })

    it("merges over the 'api' preset's two directives too, and useDefaults: false sends only the given ones", async () => {
      const merged = await headersWith({ contentSecurityPolicy: { directives: { 'frame-ancestors': "'self'", 'form-action': "'none'" } } })
      assert.equal(merged['content-security-policy'], "default-src 'none'; frame-ancestors 'self'; form-action 'none'")
      const own = await headersWith({ preset: 'page', contentSecurityPolicy: { useDefaults: false, directives: { 'default-src': "'self'" } } })
      assert.equal(own['content-security-policy'], "default-src 'self'")
    })

    it('sends the policy as Content-Security-Policy-Report-Only with reportOnly: true, and no enforcing header', async () => {
      const headers = await headersWith({ preset: 'page', contentSecurityPolicy: { reportOnly: true } })
      assert.equal(headers['content-security-policy-report-only'], PAGE_CSP)
      assert.equal(headers['content-security-policy'], undefined)
      const enforcing = await headersWith({ contentSecurityPolicy: { reportOnly: false } })
      assert.equal(enforcing['content-security-policy'], API_HEADERS['content-security-policy'])
    })

    it('builds Strict-Transport-Security from maxAge, includeSubDomains and preload', async () => {
      const cases: Array<[HelmetOptions['strictTransportSecurity'], string]> = [
        [true, 'max-age=31536000; includeSubDomains'],
        [{ maxAge: 0 }, 'max-age=0; includeSubDomains'],
        [{ maxAge: 86_400, includeSubDomains: false }, 'max-age=86400'],
        [{ preload: true }, 'max-age=31536000; includeSubDomains; preload'],
        [{ maxAge: 63_072_000, includeSubDomains: true, preload: true }, 'max-age=63072000; includeSubDomains; preload'],
      ]
      for (const [option, expected] of cases) {
        assert.equal((await headersWith({ strictTransportSecurity: option }))['strict-transport-security'], expected, JSON.stringify(option))
      }
    })

    it('sends a well-formed directive newer than the known list as given (only near-misses of known names are refused)', async () => {
      const headers = await headersWith({ contentSecurityPolicy: { directives: { 'speculation-rules-src': "'self'" } } })
      assert.equal(headers['content-security-policy'], "default-src 'none'; frame-ancestors 'none'; speculation-rules-src 'self'")
    })
  })

  it("places one hook, @vectora/helmet's securityHeaders, in onSend at stage 2000 (after @vectora/cors's 1000)", async () => {
    const app = helmetApp()
    app.get('/', () => 'ok')
    await app.ready()
    assert.deepEqual(app.pipeline('GET', '/'), [{ phase: 'onSend', plugin: '@vectora/helmet', name: 'securityHeaders', stage: 2000 }])
  })

  it('resolves the same headers through securityHeaders(options) as the plugin sends', () => {
    assert.deepEqual(securityHeaders({ xFrameOptions: false, referrerPolicy: 'origin' }), {
      ...Object.fromEntries(Object.entries(API_HEADERS).filter(([name]) => name !== 'x-frame-options')),
      'referrer-policy': 'origin',
    })
  })
})
