/** @module app — builds the app and its routes; main.ts listens, tests call app.inject(). */
import { createApp, HttpError, reply, type App } from 'vectora'

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

  app.get('/users/:id', (req) => {
    if (!/^\d+$/.test(req.params.id)) throw new HttpError(404, 'no such user', { code: 'USER_NOT_FOUND' })
    return { id: req.params.id }
  })

  app.post('/echo', { bodyLimit: 1024 }, async (req) => reply.json(await req.json(), { status: 201 }))

  return app
}
