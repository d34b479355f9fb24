/**
 * @module kernel/test/host/guards — route and group guards: true passes, false is 403 VEC_ERR_FORBIDDEN, a thrown
 * HttpError answers itself; they run at the end of authorize, after authentication and before contracts.
 */
import assert from 'node:assert/strict'
import { type } from 'arktype'
import { definePlugin, HttpError, type Guard, type PluginApp } from 'vectora'
import { assertProblem, closeAfterTest, forEachTransport, useCleanup } from 'vectora/testing'
import { captureLogger, testApp } from './support.js'

const allow: Guard = () => true
const deny: Guard = function denyAll() {
  return false
}

describe('host: guards', () => {
  forEachTransport((t) => {
    it('lets the request through when every guard returns true (sync or async)', async () => {
      const app = testApp()
      app.get('/open', { guards: [allow, async () => true] }, () => 'in')
      const res = await t.request(app, { url: '/open' })
      assert.equal(res.status, 200)
      assert.equal(res.text(), 'in')
    })

    it('answers 403 problem+json VEC_ERR_FORBIDDEN when a guard returns false, and skips the handler and later guards', async () => {
      const app = testApp()
      const trace: string[] = []
      app.get(
        '/closed',
        {
          guards: [
            deny,
            () => {
              trace.push('second guard')
              return true
            },
          ],
        },
        () => {
          trace.push('handler')
          return 'in'
        },
      )
      const res = await t.request(app, { url: '/closed' })
      assertProblem(res, { status: 403, code: 'VEC_ERR_FORBIDDEN', instance: '/closed' })
      assert.deepEqual(trace, [])
    })

    it('answers with the HttpError a guard throws (401 with its headers)', async () => {
      const app = testApp()
      const loggedIn: Guard = (req) => {
        if (req.header('authorization') === undefined) throw new HttpError(401, 'Log in first.', { headers: { 'www-authenticate': 'Bearer' } })
        return true
      }
      app.get('/private', { guards: [loggedIn] }, () => 'secret')
      const res = await t.request(app, { url: '/private' })
      const body = assertProblem(res, { status: 401 })
      assert.equal(body.detail, 'Log in first.')
      assert.equal(res.headers['www-authenticate'], 'Bearer')
      assert.equal((await t.request(app, { url: '/private', headers: { authorization: 'Bearer x' } })).status, 200)
    })

    it('answers 500 and logs when a guard returns something other than a boolean (a truthy string is no permission)', async () => {
      const logger = captureLogger()
      const app = testApp({ logger })
      app.get('/sloppy', { guards: [(() => 'yes') as unknown as Guard] }, () => 'in')
      const res = await t.request(app, { url: '/sloppy' })
      assertProblem(res, { status: 500, code: 'VEC_ERR_INTERNAL' })
      await logger.next((l) => l.level === 'error')
    })

    it("applies group guards to the group's routes and nested groups only", async () => {
      const app = testApp()
      app.group('/admin', { guards: [deny] }, (g) => {
        g.get('/panel', () => 'panel')
        g.group('/deep', (d) => d.get('/x', () => 'x'))
      })
      app.group('/public', (g) => g.get('/page', () => 'page'))
      app.get('/home', () => 'home')
      assertProblem(await t.request(app, { url: '/admin/panel' }), { status: 403, code: 'VEC_ERR_FORBIDDEN' })
      assertProblem(await t.request(app, { url: '/admin/deep/x' }), { status: 403, code: 'VEC_ERR_FORBIDDEN' })
      assert.equal((await t.request(app, { url: '/public/page' })).status, 200)
      assert.equal((await t.request(app, { url: '/home' })).status, 200)
    })

    it('runs group guards before route guards', async () => {
      const app = testApp()
      const trace: string[] = []
      const mark =
        (name: string): Guard =>
        () => {
          trace.push(name)
          return true
        }
      app.group('/g', { guards: [mark('group')] }, (g) => g.get('/r', { guards: [mark('route')] }, () => 'ok'))
      await t.request(app, { url: '/g/r' })
      assert.deepEqual(trace, ['group', 'route'])
    })

    it('runs guards after the authenticate hooks and the plugin authorize hooks, so they can read what authentication set', async () => {
      const app = testApp()
      const trace: string[] = []
      app.register(
        definePlugin({
          name: 'auth',
          version: '1.0.0',
          setup(p: PluginApp) {
            p.decorateRequest('user')
            p.addHook('authenticate', (req) => {
              trace.push('authenticate')
              ;(req as unknown as { user: string | undefined }).user = req.header('x-user')
            })
            p.addHook('authorize', () => void trace.push('policy hook'))
          },
        }),
      )
      const isAlice: Guard = (req) => {
        trace.push('guard')
        return (req as unknown as { user?: string }).user === 'alice'
      }
      app.addHook('preHandler', () => void trace.push('preHandler'))
      app.get('/mine', { guards: [isAlice] }, () => 'mine')

      assert.equal((await t.request(app, { url: '/mine', headers: { 'x-user': 'alice' } })).status, 200)
      assert.deepEqual(trace, ['authenticate', 'policy hook', 'guard', 'preHandler'])
      trace.length = 0
      assert.equal((await t.request(app, { url: '/mine', headers: { 'x-user': 'bob' } })).status, 403)
      assert.deepEqual(trace, ['authenticate', 'policy hook', 'guard'])
    })

    it('denies before the contract runs: a forbidden request with invalid params gets 403, not 400', async () => {
      const app = testApp()
      app.get('/items/:id', { guards: [deny], schema: { params: type({ id: 'number' }) } }, () => 'x')
      assertProblem(await t.request(app, { url: '/items/not-a-number' }), { status: 403, code: 'VEC_ERR_FORBIDDEN' })
    })
  })

  describe('in the plan', () => {
    useCleanup()

    it('lists guards last in authorize, even after a plugin authorize hook with a higher stage', async () => {
      const app = closeAfterTest(testApp())
      app.addHook('authorize', function lateHook() {}, { stage: 1_000 })
      app.group('/g', { guards: [allow] }, (g) => g.get('/r', () => 'ok'))
      await app.ready()
      assert.deepEqual(
        app.pipeline('GET', '/g/r').map((e) => `${e.phase}:${e.plugin}:${e.name}`),
        ['authorize:app:lateHook', 'authorize:vectora:guards'],
      )
    })
  })
})
