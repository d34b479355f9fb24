/** @module playground/app — builds the playground app: its routes only, no socket (tests import it). */
import { setTimeout as sleep } from 'node:timers/promises'
import { createApp, HttpError, reply, type App } from 'vectora'

/** A stand-in for a database table; the db plugin replaces it in a later issue. */
const users = new Map([
  ['1', { id: '1', name: 'Ada Lovelace' }],
  ['2', { id: '2', name: 'Grace Hopper' }],
])

/**
 * The playground's routes:
 * - `GET /` hello JSON
 * - `GET /users/:id` a user, or 404 problem+json (`USER_NOT_FOUND`) through HttpError
 * - `POST /echo` answers the JSON body with 201; bodies over 1 KiB get 413 from the kernel
 * - `GET /slow?ms=2000` waits, cancelled through `req.signal` when the client leaves or the 5 s route
 *   timeout passes (then the kernel answers 503)
 *
 * @example
 * const app = buildApp()
 * const res = await app.inject({ url: '/users/1' })
 */
export function buildApp(): App {
  const app = createApp({ bodyLimit: 1_048_576 })

  app.get('/', () => ({ hello: 'world' }))

  app.get('/users/:id', (req) => {
    const user = users.get(req.params.id)
    if (user === undefined) throw new HttpError(404, 'no such user', { code: 'USER_NOT_FOUND' })
    return user
  })

  app.post('/echo', { bodyLimit: 1024 }, async (req) => reply.json(await req.json(), { status: 201 }))

  app.get('/slow', { timeout: 5_000 }, async (req) => {
    const raw = req.query.ms
    const ms = Number(typeof raw === 'string' ? raw : 2_000)
    if (!Number.isInteger(ms) || ms < 0 || ms > 60_000) {
      throw new HttpError(400, 'ms must be an integer from 0 to 60000', { code: 'BAD_DELAY' })
    }
    // The timer stops as soon as the request is aborted: no work continues for a client that is gone.
    // The rejection (AbortError) is harmless: an aborted request's reply is dropped.
    await sleep(ms, undefined, { signal: req.signal })
    return { waited: ms }
  })

  return app
}
