/**
 * @module plugins/helmet/test/validation — every mistake register() refuses, by its stable code: unknown options
 * (helmet.js names answered with ours), wrong values, malformed CSP directives, HSTS that cannot be preloaded,
 * referrer policies the spec does not define; and the misuse of withoutSecurityHeaders().
 */
import assert from 'node:assert/strict'
import { reply } from 'vectora'
import { HelmetError, type HelmetOptions, helmet, securityHeaders, withoutSecurityHeaders } from '@vectora/helmet'
import { createTestApp, useCleanup } from 'vectora/testing'
import { helmetError, setupError } from './support.js'

function register(options: unknown): void {
  createTestApp().register(helmet, options as HelmetOptions)
}

/** Each case: the options, then the code and message the register() error has. */
function refuses(cases: ReadonlyArray<readonly [options: unknown, code: string, message: RegExp]>): void {
  for (const [options, code, message] of cases) {
    assert.throws(() => register(options), setupError(code, message), JSON.stringify(options))
    // securityHeaders() validates the same way, and throws the HelmetError itself.
    assert.throws(() => securityHeaders(options as HelmetOptions), helmetError(code, message), JSON.stringify(options))
  }
}

describe('@vectora/helmet: validation', () => {
  useCleanup()

  it('throws at register(), as the cause of VEC_ERR_PLUGIN_SETUP_FAILED, a HelmetError with a stable code', () => {
    assert.throws(
      () => register({ hsts: { maxAge: 60 } }),
      (error: any) => {
        assert.equal(error.code, 'VEC_ERR_PLUGIN_SETUP_FAILED')
        assert.match(error.message, /@vectora\/helmet/)
        assert.ok(error.cause instanceof HelmetError)
        assert.equal(error.cause.code, 'HELMET_OPTION_UNKNOWN')
        return true
      },
    )
  })

  it('HELMET_OPTION_UNKNOWN: an unknown option, with the helmet.js name translated or the near one suggested', () => {
    refuses([
      [{ hsts: true }, 'HELMET_OPTION_UNKNOWN', /unknown option "hsts" \(a helmet\.js option: write strictTransportSecurity\)/],
      [{ frameguard: { action: 'deny' } }, 'HELMET_OPTION_UNKNOWN', /write xFrameOptions/],
      [{ noSniff: true }, 'HELMET_OPTION_UNKNOWN', /write xContentTypeOptions/],
      [{ xPoweredBy: false }, 'HELMET_OPTION_UNKNOWN', /never sends X-Powered-By/],
      [{ xFrameOption: 'DENY' }, 'HELMET_OPTION_UNKNOWN', /unknown option "xFrameOption" \(did you mean xFrameOptions\?\)/],
      [{ permissionsPolicy: {} }, 'HELMET_OPTION_UNKNOWN', /The options are preset, contentSecurityPolicy, /],
      [{ contentSecurityPolicy: { directive: {} } }, 'HELMET_OPTION_UNKNOWN', /contentSecurityPolicy\.directive \(did you mean directives\?\)/],
      [{ strictTransportSecurity: { maxage: 60 } }, 'HELMET_OPTION_UNKNOWN', /strictTransportSecurity\.maxage \(did you mean maxAge\?\)/],
      [{ strictTransportSecurity: { includeSubdomains: true } }, 'HELMET_OPTION_UNKNOWN', /did you mean includeSubDomains\?/],
    ])
  })

  it('HELMET_OPTION_INVALID: options that are not an object, an unknown preset, a value a header does not take', () => {
    refuses([
      ['page', 'HELMET_OPTION_INVALID', /options are an object/],
      [{ preset: 'html' }, 'HELMET_OPTION_INVALID', /preset is 'api' .* or 'page'/],
      [{ crossOriginOpenerPolicy: 'same-site' }, 'HELMET_OPTION_INVALID', /crossOriginOpenerPolicy is one of false, true, "same-origin", /],
      [{ crossOriginOpenerPolicy: { policy: 'same-origin' } }, 'HELMET_OPTION_INVALID', /helmet\.js writes \{ policy: … \}/],
      [{ crossOriginResourcePolicy: 'none' }, 'HELMET_OPTION_INVALID', /crossOriginResourcePolicy is one of/],
      [{ crossOriginEmbedderPolicy: 'require-cors' }, 'HELMET_OPTION_INVALID', /crossOriginEmbedderPolicy is one of/],
      [{ originAgentCluster: '?1' }, 'HELMET_OPTION_INVALID', /originAgentCluster is one of false, true; got "\?1"/],
      [{ xFrameOptions: 'ALLOW-FROM https://partner.example.com' }, 'HELMET_OPTION_INVALID', /ALLOW-FROM is not supported.*'frame-ancestors'/],
      [{ xPermittedCrossDomainPolicies: 'some' }, 'HELMET_OPTION_INVALID', /xPermittedCrossDomainPolicies is one of/],
      [{ xXssProtection: '1; mode=block' }, 'HELMET_OPTION_INVALID', /xXssProtection is one of false, true/],
      [{ contentSecurityPolicy: "default-src 'self'" }, 'HELMET_OPTION_INVALID', /contentSecurityPolicy is false, true or \{ directives/],
      [{ contentSecurityPolicy: { reportOnly: 'yes' } }, 'HELMET_OPTION_INVALID', /contentSecurityPolicy\.reportOnly is true or false/],
    ])
  })

  it('HELMET_CSP_INVALID: directive names that are not kebab-case or are near-misses of a known directive', () => {
    refuses([
      [{ contentSecurityPolicy: { directives: { scriptSrc: ["'self'"] } } }, 'HELMET_CSP_INVALID', /"script-src", not "scriptSrc"/],
      [{ contentSecurityPolicy: { directives: { 'script_src!': ["'self'"] } } }, 'HELMET_CSP_INVALID', /"script_src!" is not a directive name/],
      [
        { contentSecurityPolicy: { directives: { 'scirpt-src': ["'self'"] } } },
        'HELMET_CSP_INVALID',
        /unknown directive "scirpt-src": did you mean "script-src"\?/,
      ],
      [{ contentSecurityPolicy: { directives: { 'frame-ancestor': "'none'" } } }, 'HELMET_CSP_INVALID', /did you mean "frame-ancestors"\?/],
    ])
  })

  it('HELMET_CSP_INVALID: values with ";", ",", line breaks, non-ASCII, unquoted keywords or an empty list', () => {
    const csp = (directives: Record<string, unknown>) => ({ contentSecurityPolicy: { directives } })
    refuses([
      [csp({ 'script-src': ["'self'; object-src *"] }), 'HELMET_CSP_INVALID', /has a ";", which would end the directive/],
      [csp({ 'report-uri': 'https://r.example.com/?a=1,2' }), 'HELMET_CSP_INVALID', /has a ",".*percent-encode/],
      [csp({ 'img-src': "'self'\r\nset-cookie: a=b" }), 'HELMET_CSP_INVALID', /line break, tab or other control character/],
      [csp({ 'img-src': ['https://bücher.example'] }), 'HELMET_CSP_INVALID', /is not ASCII; write hosts in punycode/],
      [csp({ 'script-src': ['self'] }), 'HELMET_CSP_INVALID', /write 'self' in single quotes/],
      [csp({ 'script-src': ['"unsafe-inline"'] }), 'HELMET_CSP_INVALID', /write 'unsafe-inline' in single quotes/],
      [csp({ 'script-src': ['nonce-abc123'] }), 'HELMET_CSP_INVALID', /write 'nonce-abc123' in single quotes/],
      [csp({ 'img-src': [] }), 'HELMET_CSP_INVALID', /empty source list, which browsers read as 'none'/],
      [csp({ 'img-src': '  ' }), 'HELMET_CSP_INVALID', /empty source list/],
      [csp({ 'default-src': ["'none'", "'self'"] }), 'HELMET_CSP_INVALID', /"'none'" must be alone/],
      [csp({ 'script-src': true }), 'HELMET_CSP_INVALID', /script-src needs a source list/],
      [csp({ 'upgrade-insecure-requests': ['https:'] }), 'HELMET_CSP_INVALID', /upgrade-insecure-requests takes no value/],
      [csp({ 'img-src': 5 }), 'HELMET_CSP_INVALID', /img-src is a list of sources, one string, true or null/],
      [{ contentSecurityPolicy: { directives: [['img-src', "'self'"]] } }, 'HELMET_CSP_INVALID', /directives is an object/],
    ])
  })

  it('HELMET_CSP_INVALID: a policy without default-src, removed or never given', () => {
    refuses([
      [{ contentSecurityPolicy: { directives: { 'default-src': null } } }, 'HELMET_CSP_INVALID', /default-src cannot be removed/],
      [
        { contentSecurityPolicy: { useDefaults: false, directives: { 'img-src': "'self'" } } },
        'HELMET_CSP_INVALID',
        /useDefaults: false, directives must set default-src/,
      ],
    ])
  })

  it('HELMET_HSTS_INVALID: a max-age that is not whole seconds, preload without a year and includeSubDomains, bad flags', () => {
    refuses([
      [{ strictTransportSecurity: { maxAge: -1 } }, 'HELMET_HSTS_INVALID', /maxAge is a whole number of seconds >= 0, got number -1/],
      [{ strictTransportSecurity: { maxAge: 1.5 } }, 'HELMET_HSTS_INVALID', /maxAge is a whole number/],
      [{ strictTransportSecurity: { maxAge: '1y' } }, 'HELMET_HSTS_INVALID', /maxAge is a whole number/],
      [{ strictTransportSecurity: { maxAge: 86_400, preload: true } }, 'HELMET_HSTS_INVALID', /preload needs maxAge >= 31536000 .*Got maxAge 86400/],
      [{ strictTransportSecurity: { includeSubDomains: false, preload: true } }, 'HELMET_HSTS_INVALID', /includeSubDomains false/],
      [{ strictTransportSecurity: { preload: 'yes' } }, 'HELMET_HSTS_INVALID', /preload is true or false/],
      [{ strictTransportSecurity: 'max-age=60' }, 'HELMET_HSTS_INVALID', /strictTransportSecurity is false, true or \{ maxAge/],
    ])
  })

  it('HELMET_REFERRER_POLICY_INVALID: tokens the spec does not define, repeats, an empty list', () => {
    refuses([
      [{ referrerPolicy: 'strict-origin-when-crossorigin' }, 'HELMET_REFERRER_POLICY_INVALID', /did you mean "strict-origin-when-cross-origin"\?/],
      [{ referrerPolicy: ['no-referrer', 'no-referrer'] }, 'HELMET_REFERRER_POLICY_INVALID', /lists "no-referrer" twice/],
      [{ referrerPolicy: [] }, 'HELMET_REFERRER_POLICY_INVALID', /empty list/],
      [{ referrerPolicy: 42 }, 'HELMET_REFERRER_POLICY_INVALID', /number 42 is not a referrer policy/],
    ])
  })

  it('HELMET_OMIT_INVALID: withoutSecurityHeaders() on something not a Reply, or with a header helmet never sends', () => {
    assert.throws(() => withoutSecurityHeaders({ status: 200 } as never), helmetError('HELMET_OMIT_INVALID', /takes the Reply a handler returns/))
    assert.throws(() => withoutSecurityHeaders(reply.text('x'), 'x-powered-by'), helmetError('HELMET_OMIT_INVALID', /never sends a header "x-powered-by"/))
  })

  it('accepts every documented form of every option, and nothing it accepts fails vectora’s own header checks', async () => {
    const app = createTestApp()
    app.register(helmet, {
      preset: 'page',
      contentSecurityPolicy: {
        reportOnly: true,
        useDefaults: true,
        directives: {
          'script-src': ["'self'", "'sha256-abc='", "'nonce-r4nd0m'", 'https://cdn.example.com'],
          'trusted-types': 'default',
          'require-trusted-types-for': "'script'",
          'report-to': 'csp-endpoint',
          'object-src': null,
        },
      },
      strictTransportSecurity: { maxAge: 31_536_000, includeSubDomains: true, preload: true },
      referrerPolicy: ['origin-when-cross-origin', 'strict-origin-when-cross-origin'],
      crossOriginEmbedderPolicy: 'require-corp',
      crossOriginOpenerPolicy: 'noopener-allow-popups',
      crossOriginResourcePolicy: 'same-site',
      originAgentCluster: false,
      xContentTypeOptions: true,
      xDnsPrefetchControl: true,
      xDownloadOptions: false,
      xFrameOptions: 'DENY',
      xPermittedCrossDomainPolicies: 'master-only',
      xXssProtection: false,
    })
    app.get('/', () => 'ok')
    const res = await app.inject({ url: '/' })
    assert.match(res.headers['content-security-policy-report-only'] as string, /script-src 'self' 'sha256-abc=' 'nonce-r4nd0m' https:\/\/cdn\.example\.com/)
  })
})
