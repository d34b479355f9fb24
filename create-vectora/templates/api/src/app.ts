/**
 * @module app — builds the notes API: the plugins in pipeline order, the database schema and the notes
 * controller. No socket: main.ts listens, the tests call app.inject() or their own socket.
 */
import { cors } from '@vectora/cors'
import { type Database, db } from '@vectora/db'
import { jwt } from '@vectora/jwt'
import { logger } from '@vectora/logger'
import { defaultFilter, openapi } from '@vectora/openapi'
import { otel, traceContextOf } from '@vectora/otel'
import { policyPlugin } from '@vectora/policy'
import { rateLimit } from '@vectora/rate-limit'
import { createApp, type App, type AppOptions } from 'vectora'
import { jwtOptions } from './auth.js'
import type { Config } from './config.js'
import { NotesController } from './notes/notes-controller.js'
import { notesPolicy } from './notes/notes-policy.js'
import { createSchema } from './schema.js'

/** What tests (or another entry point) change besides the configuration. */
export interface BuildOptions {
  /** Options of `createApp()`, e.g. `{ handleSignals: false }` in tests. */
  app?: AppOptions
  /** Where the JSON log lines go (default stdout). */
  logDestination?: NodeJS.WritableStream
}

/**
 * Creates the app with every plugin and route registered, without opening a socket.
 *
 * @example
 * const app = buildApp(loadConfig({ DB_FILE: ':memory:' }))
 * const res = await app.inject({ url: '/notes' })
 */
export function buildApp(config: Config, options: BuildOptions = {}): App {
  const app = createApp({ bodyLimit: 64 * 1024, ...options.app })

  // A span per request (with an OpenTelemetry SDK installed) and Prometheus metrics on /metrics.
  app.register(otel)
  // One JSON line per request (and per req.log call), with the request id and the trace id.
  app.register(logger, {
    level: config.logLevel,
    production: config.production,
    traceContext: traceContextOf,
    ...(options.logDestination ? { destination: options.logDestination } : {}),
  })
  // Browsers on these origins may call the API; preflights are answered before anything else runs.
  app.register(cors, { origin: [...config.corsOrigins], allowedHeaders: ['content-type', 'authorization'], exposedHeaders: ['location'] })
  // Per client IP, before authentication: token guessing is throttled too. Probes and scrapes are not counted.
  app.register(rateLimit, {
    limit: config.rateLimit,
    window: 60_000,
    skip: (req) => req.path.startsWith('/health/') || req.path === '/metrics',
  })
  // Verifies `Authorization: Bearer <jwt>` and sets req.auth; reads stay public (optional mode).
  app.register(jwt, jwtOptions(config))
  // Who may change which note (notes/notes-policy.ts), checked by the can() guards.
  app.register(policyPlugin, { policy: notesPolicy, challenge: 'Bearer' })
  // SQLite: the `db` service and the request-scoped transaction `tx`.
  app.register(db, { filename: config.dbFile })
  // /openapi.json from the routes and their contracts (not /metrics: that is for Prometheus); /docs is Swagger UI on it.
  app.register(openapi, {
    info: { title: 'Notes API', version: '0.1.0' },
    docsPath: config.docs ? '/docs' : false,
    filter: (route) => defaultFilter(route) && route.path !== '/metrics',
  })

  // Runs after the db plugin's own onReady (registration order): the database is open.
  app.onReady(() => createSchema(app.resolve<Database>('db')))
  app.controller(NotesController)
  return app
}
