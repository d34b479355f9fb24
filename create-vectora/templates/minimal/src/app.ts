/** @module app — builds the app and its routes; main.ts listens, tests call app.inject(). */
import { type } from 'arktype'
import { createApp, HttpError, reply, type App } from 'vectora'

const USERS = new Map([[1, { id: 1, name: 'Ada' }]])

/**
 * Creates the app with every route registered, without opening a socket.
 *
 * @example
 * const app = buildApp()
 * const res = await app.inject({ url: '/' })
 */
export function buildApp(): App {
  const app = createApp({ bodyLimit: 1_048_576 })

  app.get('/', () => ({ hello: 'world' }))

  // A contract (arktype): `id` arrives as a number; /users/abc gets a 400 problem+json before the handler runs.
  app.get('/users/:id', { schema: { params: type({ id: 'number.integer' }) } }, (req) => {
    const user = USERS.get(req.params.id)
    if (user === undefined) throw new HttpError(404, 'no such user', { code: 'USER_NOT_FOUND' })
    return user
  })

  app.post('/echo', { bodyLimit: 1024 }, async (req) => reply.json(await req.json(), { status: 201 }))

  return app
}
