/**
 * @module kernel/test/host/controllers — a @Controller class served by the app: constructor injection, class and
 * method guards, method contracts and per-route inject, through both transports.
 */
import assert from 'node:assert/strict'
import { type } from 'arktype'
import { Controller, Delete, Get, HttpError, Post, reply, type Guard, type VectoraRequest } from 'vectora'
import { assertProblem, closeAfterTest, forEachTransport, useCleanup } from 'vectora/testing'
import { hasCode, testApp } from './support.js'

interface User {
  id: number
  name: string
}

class UserStore {
  readonly #users = new Map<number, User>([
    [1, { id: 1, name: 'Ada' }],
    [2, { id: 2, name: 'Grace' }],
  ])
  find(id: number): User | undefined {
    return this.#users.get(id)
  }
  add(name: string): User {
    const user = { id: this.#users.size + 1, name }
    this.#users.set(user.id, user)
    return user
  }
  remove(id: number): boolean {
    return this.#users.delete(id)
  }
}

const hasToken: Guard = (req) => req.header('authorization') !== undefined
const isAdmin: Guard = (req) => {
  if (req.header('authorization') === 'Bearer guest') throw new HttpError(401, 'Guests cannot delete.')
  return req.header('authorization') === 'Bearer admin'
}

let constructed = 0

@Controller('/users', { guards: [hasToken], inject: ['users'] })
class UserController {
  readonly #users: UserStore

  constructor(deps: { users: UserStore }) {
    constructed++
    this.#users = deps.users
  }

  @Get('/:id', { schema: { params: type({ id: 'number.integer' }) } })
  show(req: VectoraRequest<{ id: number }>) {
    const user = this.#users.find(req.params.id)
    if (user === undefined) throw new HttpError(404, `No user ${req.params.id}.`)
    return user
  }

  @Post('/', { schema: { body: type({ name: 'string >= 1' }) }, inject: ['audit'] })
  create(req: VectoraRequest, deps: { audit: string[] }) {
    const user = this.#users.add((req.body as { name: string }).name)
    deps.audit.push(`created ${user.id}`)
    return reply.json(user, { status: 201 })
  }

  @Delete('/:id', { guards: [isAdmin], schema: { params: type({ id: 'number.integer' }) } })
  remove(req: VectoraRequest<{ id: number }>) {
    this.#users.remove(req.params.id)
    return reply.empty()
  }
}

function controllerApp() {
  const audit: string[] = []
  const app = testApp()
  app.provide('users', { factory: () => new UserStore() })
  app.provideValue('audit', audit)
  app.controller(UserController)
  return { app, audit }
}

const AUTH = { authorization: 'Bearer user' }

describe('host: controllers', () => {
  forEachTransport((t) => {
    it('serves a controller method with its injected service and its contract coercing the param', async () => {
      const { app } = controllerApp()
      const res = await t.request(app, { url: '/users/2', headers: AUTH })
      assert.equal(res.status, 200)
      assert.deepEqual(res.json(), { id: 2, name: 'Grace' })
    })

    it('answers 400 VEC_ERR_VALIDATION from a method contract', async () => {
      const { app } = controllerApp()
      const res = await t.request(app, { url: '/users/abc', headers: AUTH })
      assertProblem(res, { status: 400, code: 'VEC_ERR_VALIDATION' })
    })

    it('answers 403 when the class guard denies, for every route of the controller', async () => {
      const { app } = controllerApp()
      assertProblem(await t.request(app, { url: '/users/1' }), { status: 403, code: 'VEC_ERR_FORBIDDEN' })
      assertProblem(await t.request(app, { method: 'POST', url: '/users', body: { name: 'Linus' } }), { status: 403, code: 'VEC_ERR_FORBIDDEN' })
    })

    it('applies a method guard after the class guard, only to its own route', async () => {
      const { app } = controllerApp()
      assertProblem(await t.request(app, { method: 'DELETE', url: '/users/1', headers: AUTH }), { status: 403, code: 'VEC_ERR_FORBIDDEN' })
      assertProblem(await t.request(app, { method: 'DELETE', url: '/users/1', headers: { authorization: 'Bearer guest' } }), { status: 401 })
      assert.equal((await t.request(app, { method: 'DELETE', url: '/users/1', headers: { authorization: 'Bearer admin' } })).status, 204)
      assert.equal((await t.request(app, { url: '/users/1', headers: AUTH })).status, 404)
      assert.equal((await t.request(app, { url: '/users/2', headers: AUTH })).status, 200, 'the method guard does not apply to GET')
    })

    it('hands a method its per-route injected services and the validated body', async () => {
      const { app, audit } = controllerApp()
      const res = await t.request(app, { method: 'POST', url: '/users', headers: AUTH, body: { name: 'Linus' } })
      assert.equal(res.status, 201)
      assert.deepEqual(res.json(), { id: 3, name: 'Linus' })
      assert.deepEqual(audit, ['created 3'])
      const invalid = await t.request(app, { method: 'POST', url: '/users', headers: AUTH, body: { name: '' } })
      assertProblem(invalid, { status: 400, code: 'VEC_ERR_VALIDATION' })
    })

    it('constructs the controller once per app, whatever the number of requests', async () => {
      const before = constructed
      const { app } = controllerApp()
      for (let i = 0; i < 3; i++) await t.request(app, { url: '/users/1', headers: AUTH })
      assert.equal(constructed - before, 1)
    })
  })

  describe('registration', () => {
    useCleanup()

    it('lists the controller guards and contract in app.pipeline()', async () => {
      const { app } = controllerApp()
      closeAfterTest(app)
      await app.ready()
      assert.deepEqual(
        app.pipeline('DELETE', '/users/:id').map((e) => `${e.phase}:${e.plugin}:${e.name}`),
        ['authorize:vectora:guards', 'validate:vectora:contract'],
      )
    })

    it('mounts a controller under the prefix, hooks and guards of the group it is registered in', async () => {
      const app = closeAfterTest(testApp())
      app.provide('users', { factory: () => new UserStore() })
      app.provideValue('audit', [])
      app.group('/api', { guards: [(req) => req.header('x-tenant') !== undefined] }, (g) => {
        g.addHook('onSend', (r) => void r.header('x-api', 'v1'))
        g.controller(UserController)
      })
      const ok = await app.inject({ url: '/api/users/1', headers: { ...AUTH, 'x-tenant': 't1' } })
      assert.equal(ok.status, 200)
      assert.equal(ok.headers['x-api'], 'v1')
      assert.equal((await app.inject({ url: '/api/users/1', headers: AUTH })).status, 403)
      assert.equal((await app.inject({ url: '/users/1', headers: AUTH })).status, 404)
    })

    it('fails ready() with VEC_ERR_DI_MISSING when the controller injects a token nothing provides', async () => {
      const app = closeAfterTest(testApp())
      app.provideValue('audit', [])
      app.controller(UserController)
      await assert.rejects(app.ready(), hasCode('VEC_ERR_DI_MISSING', /"users"/))
    })

    it('fails ready() with VEC_ERR_DI_LIFETIME when the controller injects a scoped service (controllers are singletons)', async () => {
      const app = closeAfterTest(testApp())
      app.provide('users', { lifetime: 'scoped', factory: () => new UserStore() })
      app.provideValue('audit', [])
      app.controller(UserController)
      await assert.rejects(app.ready(), hasCode('VEC_ERR_DI_LIFETIME', /users/))
    })

    it('refuses a class without @Controller with VEC_ERR_CONTROLLER_INVALID', () => {
      const app = closeAfterTest(testApp())
      class Plain {
        list() {
          return []
        }
      }
      assert.throws(() => app.controller(Plain), hasCode('VEC_ERR_CONTROLLER_INVALID', /Plain/))
    })
  })
})
