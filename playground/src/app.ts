/** @module playground/app — builds the playground app: its routes only, no socket (tests import it). */
import { setTimeout as sleep } from 'node:timers/promises'
import { type } from 'arktype'
import { openapi } from '@vectora/openapi'
import { createApp, definePlugin, HttpError, reply, type App, type Guard } from 'vectora'

/** A stand-in for a database table; the db plugin replaces it in a later issue. */
const users = new Map([
  ['1', { id: '1', name: 'Ada Lovelace' }],
  ['2', { id: '2', name: 'Grace Hopper' }],
])

/**
 * The playground's routes:
 * - `GET /` hello JSON
 * - `GET /users/:id` a user, or 404 problem+json (`USER_NOT_FOUND`) through HttpError
 * - `POST /echo` answers `{ message }` with 201; bodies over 16 KiB get 413 from the kernel
 * - `GET /slow?ms=2000` waits, cancelled through `req.signal` when the client leaves or the 5 s route
 *   timeout passes (then the kernel answers 503)
 * - `GET /items/:id?detail=true` a typed contract (id coerced to a number)
 * - `GET /admin/stats` behind a guard (`x-admin-key: playground`), 403 otherwise
 * - `GET /health/ready`, `GET /health/live` the lifecycle probes
 * - `GET /openapi.json` the OpenAPI 3.1 document of these routes, `GET /docs` its Swagger UI page
 *
 * @example
 * const app = buildApp()
 * const res = await app.inject({ url: '/users/1' })
 */
export function buildApp(): App {
  const app = createApp({ bodyLimit: 1_048_576 })

  app.register(openapi, { info: { title: 'Vectora playground', version: '0.1.0' } })

  app.get('/', { schema: { response: type({ hello: 'string' }) }, docs: { summary: 'Hello' } }, () => ({ hello: 'world' }))

  app.get(
    '/users/:id',
    {
      schema: { response: type({ id: 'string', name: 'string' }) },
      docs: { summary: 'One user', responses: { 404: { description: 'No such user (USER_NOT_FOUND)' } } },
    },
    (req) => {
      const user = users.get(req.params.id)
      if (user === undefined) throw new HttpError(404, 'no such user', { code: 'USER_NOT_FOUND' })
      return user
    },
  )

  // A body contract: the document then says what the body is (without one, clients could not know that
  // anything but JSON gets 415 — schemathesis found that). Bodies over 16 KiB get 413 from the kernel.
  const message = type({ message: 'string <= 280' })
  app.post('/echo', { bodyLimit: 16_384, schema: { body: message, response: message }, docs: { status: 201, summary: 'Echo a message' } }, (req) =>
    reply.json({ message: req.body.message }, { status: 201 }),
  )

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

  // A tiny plugin: a Server-Timing header on every reply and one access-log line per request.
  app.register(timing)

  // A typed contract: `id` arrives as a number, bad input gets 400 problem+json listing every failure.
  app.get('/items/:id', { schema: { params: type({ id: 'number.integer > 0' }), query: type({ 'detail?': 'boolean' }) } }, (req) => ({
    id: req.params.id,
    detail: req.query.detail ?? false,
  }))

  // A group with its own guard; the routes outside it never see the guard.
  const hasAdminKey: Guard = (req) => req.header('x-admin-key') === 'playground'
  app.group('/admin', { guards: [hasAdminKey] }, (admin) => {
    admin.get('/stats', () => ({ users: users.size }))
  })

  return app
}

/** Adds `server-timing` to replies and logs each finished request with its outcome. */
const timing = definePlugin({
  name: 'playground-timing',
  version: '0.1.0',
  setup(app) {
    app.addHook('onSend', (out) => {
      out.header('server-timing', 'app')
    })
    app.addHook('onResponse', (req, info) => {
      app.log.info('request', { method: req.method, path: req.path, status: info.status, outcome: info.outcome, ms: Math.round(info.duration) })
    })
  },
})
