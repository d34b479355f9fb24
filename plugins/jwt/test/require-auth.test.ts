/**
 * @module test/require-auth — requireAuth declares that it needs @vectora/jwt: without the plugin in a route's
 * scope chain the app fails at ready (it used to answer every request 401 JWT_MISSING, even with a token);
 * with the plugin app-wide or in an enclosing group it guards as before.
 */
import assert from 'node:assert/strict'
import jsonwebtoken from 'jsonwebtoken'
import { jwt, requireAuth, type JwtOptions } from '../src/index.js'
import { useCleanup } from 'vectora/testing'
import { assertProblem, bearer, SECRET, testApp } from './support.js'

const HS: JwtOptions = { secret: SECRET, algorithms: ['HS256'], mode: 'optional' }
const token = (): string => jsonwebtoken.sign({ sub: 'ada' }, SECRET, { algorithm: 'HS256', expiresIn: '5m' })

/** For assert.rejects: the boot error of a guard whose plugin is missing, matching every pattern. */
function missingPlugin(...patterns: RegExp[]) {
  return (error: unknown): boolean => {
    assert.equal((error as { code?: unknown }).code, 'VEC_ERR_GUARD_PLUGIN_MISSING', String(error))
    for (const p of patterns) assert.match((error as Error).message, p)
    return true
  }
}

describe('@vectora/jwt: requireAuth needs the plugin', () => {
  useCleanup()

  it('fails app.ready() naming the route and the plugin to register when @vectora/jwt is not registered', async () => {
    const app = testApp()
    app.get('/me', { guards: [requireAuth] }, (req) => ({ subject: req.auth!.subject }))
    await assert.rejects(
      app.ready(),
      missingPlugin(/Route GET \/me: guard requireAuth needs the plugin @vectora\/jwt registered app-wide or in an enclosing group/, /app\.register\(jwt, \{/),
    )
  })

  it('works with the plugin registered app-wide', async () => {
    const app = testApp()
    app.register(jwt, HS)
    app.get('/me', { guards: [requireAuth] }, (req) => ({ subject: req.auth!.subject }))
    assertProblem(await inject(app, '/me'), 401, 'JWT_MISSING')
    assert.deepEqual((await inject(app, '/me', bearer(token()))).json(), { subject: 'ada' })
  })

  it('works with the plugin registered in an enclosing group, on the group and on a nested route', async () => {
    const app = testApp()
    app.group('/api', (api) => {
      api.register(jwt, HS)
      api.group('/admin', { guards: [requireAuth] }, (admin) => admin.get('/users', () => ['ada']))
      api.get('/me', { guards: [requireAuth] }, (req) => ({ subject: req.auth!.subject }))
    })
    assertProblem(await inject(app, '/api/admin/users'), 401, 'JWT_MISSING')
    assert.deepEqual((await inject(app, '/api/admin/users', bearer(token()))).json(), ['ada'])
    assert.deepEqual((await inject(app, '/api/me', bearer(token()))).json(), { subject: 'ada' })
  })

  it('fails for a group guarded by requireAuth when the plugin is registered only in a sibling group', async () => {
    const app = testApp()
    app.group('/api', (api) => api.register(jwt, HS))
    app.group('/admin', { guards: [requireAuth] }, (admin) => admin.get('/users', () => []))
    await assert.rejects(app.ready(), missingPlugin(/Route GET \/admin\/users: guard requireAuth needs the plugin @vectora\/jwt/))
  })
})

async function inject(app: ReturnType<typeof testApp>, url: string, headers: Record<string, string> = {}) {
  const res = await app.inject({ url, headers })
  const body = Buffer.from(res.body).toString('utf8')
  return { status: res.status, headers: { ...res.headers }, text: () => body, json: () => JSON.parse(body) }
}
