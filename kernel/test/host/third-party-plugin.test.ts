/**
 * @module kernel/test/host/third-party-plugin — a plugin authored outside the repository, against the public entry
 * point only (fixtures/third-party-plugin.ts), can do everything first-party plugins do: an authenticate
 * hook setting a typed request decoration, a service, an onSend header, a route and an onClose hook.
 */
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { reply } from 'vectora'
import { assertProblem, closeAfterTest, forEachTransport, useCleanup } from 'vectora/testing'
import { ACME_VERSION, acmeAuth, AuditLog, hasRole, type AcmeAuthOptions } from './fixtures/third-party-plugin.js'
import { testApp } from './support.js'

const TOKENS: AcmeAuthOptions['tokens'] = {
  adm1n: { user: 'ada', roles: ['admin'] },
  us3r: { user: 'linus', roles: [] },
}

function appWithAcme(onFlush?: (entries: readonly string[]) => void) {
  const app = testApp()
  app.register(acmeAuth, { tokens: TOKENS, onFlush })
  return app
}

describe('host: a third-party plugin', () => {
  forEachTransport((t) => {
    it("sets req.auth from its authenticate hook, readable by the app's handlers", async () => {
      const app = appWithAcme()
      app.get('/me', (req) => ({ user: req.auth?.user ?? null }))
      assert.deepEqual((await t.request(app, { url: '/me', headers: { authorization: 'Bearer adm1n' } })).json(), { user: 'ada' })
      assert.deepEqual((await t.request(app, { url: '/me' })).json(), { user: null })
    })

    it('answers its own 401 problem (code and www-authenticate) for an unknown token', async () => {
      const app = appWithAcme()
      app.get('/me', () => 'never')
      const res = await t.request(app, { url: '/me', headers: { authorization: 'Bearer forged' } })
      assertProblem(res, { status: 401, code: 'ACME_TOKEN_INVALID' })
      assert.equal(res.headers['www-authenticate'], 'Bearer')
    })

    it('lets the app guard routes on what the plugin authenticated', async () => {
      const app = appWithAcme()
      app.delete('/things/:id', { guards: [hasRole('admin')] }, () => reply.empty())
      assert.equal((await t.request(app, { method: 'DELETE', url: '/things/1', headers: { authorization: 'Bearer adm1n' } })).status, 204)
      assertProblem(await t.request(app, { method: 'DELETE', url: '/things/1', headers: { authorization: 'Bearer us3r' } }), {
        status: 403,
        code: 'VEC_ERR_FORBIDDEN',
      })
    })

    it("stamps its onSend header on every reply of the app: the app's routes, its own route and errors", async () => {
      const app = appWithAcme()
      app.get('/plain', () => 'plain')
      for (const req of [{ url: '/plain' }, { url: '/acme/whoami', headers: { authorization: 'Bearer us3r' } }, { url: '/acme/whoami' }]) {
        const res = await t.request(app, req)
        assert.equal(res.headers['x-acme-auth'], ACME_VERSION, `${req.url} -> ${res.status}`)
      }
    })

    it('serves its own route, which uses the service it provides', async () => {
      const app = appWithAcme()
      const res = await t.request(app, { url: '/acme/whoami', headers: { authorization: 'Bearer adm1n' } })
      assert.equal(res.status, 200)
      assert.deepEqual(res.json(), { user: 'ada', roles: ['admin'] })
      assertProblem(await t.request(app, { url: '/acme/whoami' }), { status: 401, code: 'ACME_ANONYMOUS' })
    })

    it('provides a service the app can inject into its own handlers', async () => {
      const app = appWithAcme()
      app.get('/audit', { inject: ['acme.audit'] }, (_req, deps) => ({ isAuditLog: deps['acme.audit'] instanceof AuditLog }))
      assert.deepEqual((await t.request(app, { url: '/audit' })).json(), { isAuditLog: true })
    })
  })

  describe('lifecycle and attribution', () => {
    useCleanup()

    it('runs its onClose hook at shutdown, which can still resolve the service it provided', async () => {
      let flushed: readonly string[] | undefined
      const app = closeAfterTest(appWithAcme((entries) => (flushed = [...entries])))
      await app.inject({ url: '/acme/whoami', headers: { authorization: 'Bearer us3r' } })
      const report = await app.close()
      assert.equal(report.exitCode, 0)
      assert.deepEqual(flushed, ['whoami linus'])
    })

    it('shows up under its own name in app.pipeline()', async () => {
      const app = closeAfterTest(appWithAcme())
      app.get('/x', () => 'x')
      await app.ready()
      assert.deepEqual(
        app.pipeline('GET', '/x').map((e) => `${e.phase}:${e.plugin}:${e.name}`),
        ['authenticate:@acme/auth:bearer', 'onSend:@acme/auth:stamp'],
      )
    })

    it('is written against the public entry point only', () => {
      const source = readFileSync(fileURLToPath(new URL('./fixtures/third-party-plugin.ts', import.meta.url)), 'utf8')
      const imports = [...source.matchAll(/^\s*import\s[^'"]*['"]([^'"]+)['"]/gm)].map((m) => m[1])
      assert.deepEqual(imports, ['vectora'])
    })
  })
})
