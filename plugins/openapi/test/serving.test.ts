/**
 * @module plugins/openapi/test/serving — the plugin's routes through app.inject() and a real socket: the JSON and
 * YAML document, the docs page with its exact Content-Security-Policy and its Swagger UI assets (cached), turning
 * each off, guarding them, and serving them under a group's prefix.
 */
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { parse } from 'yaml'
import { assertProblem, createTestApp, forEachTransport, type Transport } from 'vectora/testing'
import { generateDocument, type OpenApiOptions, openapi } from '@vectora/openapi'
import { featureApp } from './support.js'

/** Spelled out, not imported: a change to the policy must change this test too. */
const CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
const SWAGGER_UI = dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'))
const SWAGGER_VERSION = JSON.parse(readFileSync(join(SWAGGER_UI, 'package.json'), 'utf8')).version as string

function appWith(options: OpenApiOptions) {
  const app = createTestApp()
  app.register(openapi, options)
  app.get('/notes/:id', { docs: { summary: 'One note' } }, (req) => ({ id: req.params.id }))
  return app
}

/** The src/href links of the docs page, resolved against the page's URL. */
function linksOf(html: string, pageUrl: string): string[] {
  return [...html.matchAll(/(?:src|href|data-url)="([^"]+)"/g)].map((m) => new URL(m[1]!, `http://x${pageUrl}`).pathname)
}

describe('@vectora/openapi: serving', () => {
  forEachTransport((t: Transport) => {
    it('serves the cached document at /openapi.json as application/json, with an ETag that answers 304', async () => {
      const app = featureApp()
      const res = await t.request(app, { url: '/openapi.json' })
      assert.equal(res.status, 200)
      assert.equal(res.headers['content-type'], 'application/json; charset=utf-8')
      assert.equal(res.headers['cache-control'], 'no-cache')
      assert.equal(res.headers['x-content-type-options'], 'nosniff')
      assert.deepEqual(
        res.json(),
        JSON.parse(JSON.stringify(generateDocument(app, { info: { title: 'Feature table', version: '2.1.0', description: 'Every contract feature.' } }))),
      )
      const again = await t.request(app, { url: '/openapi.json', headers: { 'if-none-match': res.headers.etag! } })
      assert.equal(again.status, 304)
      assert.equal(again.body.length, 0)
      assert.equal(again.headers.etag, res.headers.etag)
    })

    it('serves the same document as application/yaml at /openapi.yaml with yaml: true, and not without', async () => {
      const app = appWith({ yaml: true })
      const json = (await t.request(app, { url: '/openapi.json' })).json()
      const res = await t.request(app, { url: '/openapi.yaml' })
      assert.equal(res.status, 200)
      assert.equal(res.headers['content-type'], 'application/yaml; charset=utf-8')
      assert.doesNotMatch(res.text(), /[&*]a\d+/) // no anchors or aliases
      assert.deepEqual(parse(res.text()), json)
      const plain = appWith({})
      assert.equal((await t.request(plain, { url: '/openapi.yaml' })).status, 404)
    })

    it('serves the docs page as HTML with the exact strict CSP, and every asset it links to from this app', async () => {
      const app = appWith({ info: { title: 'Notes <API>' } })
      const page = await t.request(app, { url: '/docs' })
      assert.equal(page.status, 200)
      assert.equal(page.headers['content-type'], 'text/html; charset=utf-8')
      assert.equal(page.headers['content-security-policy'], CSP)
      assert.equal(page.headers['x-content-type-options'], 'nosniff')
      assert.equal(page.headers['referrer-policy'], 'no-referrer')
      const html = page.text()
      assert.match(html, /<title>Notes &#60;API&#62;<\/title>/)
      assert.doesNotMatch(html, /<script>|<style|\sstyle=|\son\w+=/) // nothing inline
      const links = linksOf(html, '/docs')
      assert.deepEqual(links, [
        `/docs/assets/swagger-ui-${SWAGGER_VERSION}/favicon-32x32.png`,
        `/docs/assets/swagger-ui-${SWAGGER_VERSION}/swagger-ui.css`,
        `/docs/assets/swagger-ui-${SWAGGER_VERSION}/swagger-ui-bundle.js`,
        links[3]!,
        '/openapi.json',
      ])
      assert.match(links[3]!, /^\/docs\/assets\/init-[0-9a-f]{12}\.js$/)
      const types = ['image/png', 'text/css; charset=utf-8', 'text/javascript; charset=utf-8', 'text/javascript; charset=utf-8']
      for (const [i, type] of types.entries()) {
        const res = await t.request(app, { url: links[i]! })
        assert.equal(res.status, 200, links[i])
        assert.equal(res.headers['content-type'], type, links[i])
        assert.equal(res.headers['cache-control'], 'public, max-age=31536000, immutable', links[i])
        assert.ok(res.headers.etag, links[i])
      }
      const bundle = await t.request(app, { url: links[2]! })
      assert.ok(bundle.body.equals(readFileSync(join(SWAGGER_UI, 'swagger-ui-bundle.js'))))
      const init = (await t.request(app, { url: links[3]! })).text()
      assert.match(init, /validatorUrl: null/) // no request to validator.swagger.io
    })

    it('answers 404 for the page and its assets with docsPath: false, and for the JSON with jsonPath: false', async () => {
      const app = appWith({ docsPath: false })
      assert.equal((await t.request(app, { url: '/openapi.json' })).status, 200)
      assertProblem(await t.request(app, { url: '/docs' }), { status: 404, code: 'VEC_ERR_NOT_FOUND' })
      assert.equal((await t.request(app, { url: `/docs/assets/swagger-ui-${SWAGGER_VERSION}/swagger-ui-bundle.js` })).status, 404)
      const none = appWith({ jsonPath: false, docsPath: false })
      assertProblem(await t.request(none, { url: '/openapi.json' }), { status: 404, code: 'VEC_ERR_NOT_FOUND' })
      assert.equal((await t.request(none, { url: '/notes/1' })).status, 200)
    })

    it('serves at the paths given, and points the page at the YAML when there is no JSON', async () => {
      const app = appWith({ jsonPath: false, yaml: '/spec/api.yaml', docsPath: '/reference/api' })
      const page = await t.request(app, { url: '/reference/api' })
      assert.equal(page.status, 200)
      const links = linksOf(page.text(), '/reference/api')
      assert.equal(links.at(-1), '/spec/api.yaml')
      for (const link of links) assert.equal((await t.request(app, { url: link })).status, 200, link)
    })

    it('runs the guards option on every route it serves: 403 problem+json without the right header, 200 with it', async () => {
      const app = appWith({ yaml: true, guards: [(req) => req.header('x-staff') === 'yes'] })
      const page = await t.request(app, { url: '/docs', headers: { 'x-staff': 'yes' } })
      const urls = ['/openapi.json', '/openapi.yaml', '/docs', ...linksOf(page.text(), '/docs').slice(0, 4)]
      for (const url of urls) {
        assertProblem(await t.request(app, { url }), { status: 403, code: 'VEC_ERR_FORBIDDEN', instance: url })
        assert.equal((await t.request(app, { url, headers: { 'x-staff': 'yes' } })).status, 200, url)
      }
      // The app's own routes are not guarded by the option.
      assert.equal((await t.request(app, { url: '/notes/1' })).status, 200)
    })

    it('serves under a group’s prefix, the page linking to the document and assets of that prefix', async () => {
      const app = createTestApp()
      app.group('/v1', (v1) => {
        v1.register(openapi, {})
        v1.get('/notes', () => [])
      })
      const page = await t.request(app, { url: '/v1/docs' })
      assert.equal(page.status, 200)
      const links = linksOf(page.text(), '/v1/docs')
      assert.equal(links.at(-1), '/v1/openapi.json')
      for (const link of links) assert.equal((await t.request(app, { url: link })).status, 200, link)
      const doc = (await t.request(app, { url: '/v1/openapi.json' })).json()
      assert.deepEqual(Object.keys(doc.paths), ['/v1/notes'])
    })

    it('answers HEAD for the document like GET, without a body', async () => {
      const app = appWith({})
      const res = await t.request(app, { method: 'HEAD', url: '/openapi.json' })
      assert.equal(res.status, 200)
      assert.equal(res.body.length, 0)
      assert.equal(res.headers['content-type'], 'application/json; charset=utf-8')
    })
  })
})
