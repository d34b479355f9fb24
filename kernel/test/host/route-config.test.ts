/**
 * @module kernel/test/host/route-config — a route's `config` option: read by hooks and handlers as
 * `req.routeConfig` (frozen, one object for every method of the route), undefined for unmatched requests, carried
 * by controller routes and group routes, listed by `routes()`, and refused when it is not a plain object.
 */
import assert from 'node:assert/strict'
import { Controller, definePlugin, Get, type PluginApp, type RouteInfo } from 'vectora'
import { closeAfterTest, forEachTransport, useCleanup } from 'vectora/testing'
import { hasCode, testApp } from './support.js'

declare module 'vectora' {
  interface RouteConfig {
    audit?: 'off' | 'full'
  }
}

describe('host: route config', () => {
  useCleanup()

  forEachTransport((t) => {
    it('hands the route config to every hook and the handler as req.routeConfig, and undefined where no route matched', async () => {
      const app = closeAfterTest(testApp())
      const seen: Array<[string, unknown]> = []
      app.addHook('onRequest', (req) => void seen.push([`onRequest ${req.path}`, req.routeConfig?.audit]))
      app.addHook('onResponse', (req) => void seen.push([`onResponse ${req.path}`, req.routeConfig?.audit]))
      app.post('/payments', { config: { audit: 'full', label: 'pay' } }, (req) => ({ audit: req.routeConfig?.audit, label: req.routeConfig?.label }))
      app.get('/plain', (req) => ({ config: req.routeConfig ?? null }))
      assert.deepEqual((await t.request(app, { method: 'POST', url: '/payments', body: {} })).json(), { audit: 'full', label: 'pay' })
      assert.deepEqual((await t.request(app, { url: '/plain' })).json(), { config: null })
      assert.equal((await t.request(app, { url: '/nowhere' })).status, 404)
      assert.deepEqual(seen, [
        ['onRequest /payments', 'full'],
        ['onResponse /payments', 'full'],
        ['onRequest /plain', undefined],
        ['onResponse /plain', undefined],
        ['onRequest /nowhere', undefined],
        ['onResponse /nowhere', undefined],
      ])
    })
  })

  it('freezes a copy: the caller’s object may change, the route’s does not', async () => {
    const app = closeAfterTest(testApp())
    const config: Record<string, unknown> = { audit: 'full' }
    let frozen = false
    app.route({ method: ['GET', 'POST'], path: '/x', config, handler: (req) => ((frozen = Object.isFrozen(req.routeConfig)), req.routeConfig) })
    config.audit = 'off'
    assert.deepEqual((await app.inject({ url: '/x' })).json(), { audit: 'full' })
    assert.deepEqual((await app.inject({ method: 'POST', url: '/x' })).json(), { audit: 'full' })
    assert.equal(frozen, true)
  })

  it('carries the config of controller routes and group routes, and lists it in routes()', async () => {
    @Controller('/reports')
    class Reports {
      @Get('/', { config: { audit: 'off' } })
      list(req: { routeConfig?: unknown }) {
        return { config: req.routeConfig }
      }
    }
    const app = closeAfterTest(testApp())
    let routes: RouteInfo[] = []
    app.register(definePlugin({ name: 'observer', version: '1.0.0', setup: (p: PluginApp) => void p.onReady(() => void (routes = p.routes())) }))
    app.controller(Reports)
    app.group('/admin', (admin) => admin.get('/users', { config: { audit: 'full' } }, (req) => req.routeConfig))
    assert.deepEqual((await app.inject({ url: '/reports' })).json(), { config: { audit: 'off' } })
    assert.deepEqual((await app.inject({ url: '/admin/users' })).json(), { audit: 'full' })
    const configs = Object.fromEntries(routes.filter((r) => r.owner === 'app').map((r) => [r.path, r.config]))
    assert.deepEqual(configs, { '/reports': { audit: 'off' }, '/admin/users': { audit: 'full' } })
  })

  it('refuses a config that is not a plain object with VEC_ERR_ROUTE_INVALID naming the route', () => {
    const app = testApp()
    for (const bad of [null, 'full', ['a'], new Map()]) {
      assert.throws(() => app.get('/bad', { config: bad as never }, () => 'x'), hasCode('VEC_ERR_ROUTE_INVALID', /Route \/bad: config must be a plain object/))
    }
  })
})
