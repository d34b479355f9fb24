/** @module app — builds the app and its one route; main.ts listens, test/app.test.ts calls app.inject(). */
import { type } from 'arktype'
import { createApp, type App, type AppOptions } from 'vectora'

/** The query of `GET /`: an optional name to greet. */
const Greeting = type({ 'name?': 'string >= 1' })

/**
 * Creates the app with its route registered, without opening a socket.
 *
 * @example
 * const app = buildApp()
 * const res = await app.inject({ url: '/?name=Ada' }) // 200 { "hello": "Ada" }
 */
export function buildApp(options: AppOptions = {}): App {
  const app = createApp(options)

  // A contract (arktype) on the query: `?name=` (empty) gets a 400 problem+json before the handler runs.
  app.get('/', { schema: { query: Greeting } }, (req) => ({ hello: req.query.name ?? 'world' }))

  return app
}
