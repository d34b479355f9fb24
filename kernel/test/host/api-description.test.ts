/**
 * @module kernel/test/host/api-description — the seam API description plugins (OpenAPI) read: the `docs`
 * route option, and `describeApi()` contributions scoped like hooks, as `routes()` shows them.
 */
import assert from 'node:assert/strict'
import { type } from 'arktype'
import { Controller, Get, definePlugin, type ApiContribution, type RouteInfo } from 'vectora'
import { createTestApp } from 'vectora/testing'

const bearer: ApiContribution = {
  securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } },
  operation: () => ({ security: [{ bearer: [] }] }),
}

function find(routes: RouteInfo[], method: string, path: string): RouteInfo {
  const route = routes.find((r) => r.method === method && r.path === path)
  assert.ok(route, `no route ${method} ${path}`)
  return route
}

describe('API description seam', () => {
  it('carries docs, the effective guards and the contributions of the scope chain to routes()', async () => {
    const app = createTestApp()
    const isAdmin = () => true
    const isOwner = () => true
    let seen: RouteInfo[] = []
    app.register(
      definePlugin({
        name: 'describer',
        version: '1.0.0',
        setup(p) {
          p.onReady(() => {
            seen = p.routes()
          })
        },
      }),
    )
    app.get('/open', { docs: { summary: 'Open', tags: ['misc'] } }, () => 'ok')
    app.group('/admin', { guards: [isAdmin] }, (admin) => {
      admin.register(definePlugin({ name: 'auth-docs', version: '1.0.0', setup: (p) => void p.describeApi(bearer) }))
      admin.delete('/users/:id', { guards: [isOwner], docs: { operationId: 'removeUser', deprecated: true } }, () => 'gone')
    })
    await app.ready()
    const open = find(seen, 'GET', '/open')
    assert.deepEqual(open.docs, { summary: 'Open', tags: ['misc'] })
    assert.deepEqual(open.guards, [])
    assert.deepEqual(open.contributions, [])
    const remove = find(seen, 'DELETE', '/admin/users/:id')
    assert.deepEqual(remove.docs, { operationId: 'removeUser', deprecated: true })
    assert.deepEqual(remove.guards, [isAdmin, isOwner])
    assert.equal(remove.contributions.length, 1)
    assert.equal(remove.contributions[0].plugin, 'auth-docs')
    assert.equal(remove.contributions[0].contribution, bearer)
    // The framework's own routes are there, owned by vectora, so a describer can leave them out.
    assert.equal(find(seen, 'GET', '/health/ready').owner, 'vectora')
  })

  it('lists every contribution of the app in apiContributions(), in registration order', async () => {
    const app = createTestApp()
    const other: ApiContribution = { securitySchemes: { key: { type: 'apiKey', in: 'header', name: 'x-key' } } }
    app.describeApi(other)
    app.group('/v1', (g) => g.describeApi(bearer))
    assert.deepEqual(
      app.apiContributions().map((c) => [c.plugin, c.contribution]),
      [
        ['app', other],
        ['app', bearer],
      ],
    )
  })

  it('takes docs on controller routes', async () => {
    @Controller('/things')
    class Things {
      @Get('/', { docs: { summary: 'All things', status: 200 }, schema: { response: type({ n: 'number' }).array() } })
      list() {
        return []
      }
    }
    const app = createTestApp()
    app.controller(Things)
    await app.ready()
    assert.deepEqual(find(app.routes(), 'GET', '/things').docs, { summary: 'All things', status: 200 })
  })

  it('refuses malformed docs with the route and the field named', () => {
    const app = createTestApp()
    const cases: Array<[unknown, RegExp]> = [
      ['summary', /docs must be an object/],
      [{ summary: 3 }, /docs\.summary must be a string/],
      [{ tags: 'a' }, /docs\.tags must be an array of strings/],
      [{ status: 99 }, /docs\.status must be an HTTP status/],
      [{ responses: { 404: {} } }, /docs\.responses\.404 must be an object with a description/],
      [{ responses: { nope: { description: 'x' } } }, /keyed by HTTP status/],
      [{ summery: 'typo' }, /docs\.summery must be not set/],
    ]
    for (const [docs, message] of cases) {
      assert.throws(() => app.get('/x', { docs: docs as never }, () => 'x'), { code: 'VEC_ERR_ROUTE_INVALID', message }, String(message))
    }
  })

  it('refuses a malformed contribution and one after ready', async () => {
    const app = createTestApp()
    assert.throws(() => app.describeApi(null as never), { code: 'VEC_ERR_PLUGIN_INVALID' })
    assert.throws(() => app.describeApi({ operations: () => undefined } as never), { code: 'VEC_ERR_PLUGIN_INVALID', message: /unknown key "operations"/ })
    assert.throws(() => app.describeApi({ operation: 'x' } as never), { code: 'VEC_ERR_PLUGIN_INVALID' })
    await app.ready()
    assert.throws(() => app.describeApi(bearer), { code: 'VEC_ERR_APP_READY' })
  })
})
