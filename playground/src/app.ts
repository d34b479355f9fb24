/**
 * @module playground/app — the composition root: builds the playground app from its configuration, every plugin
 * and every route, without a socket (main.ts listens; tests listen on port 0). Nothing here but wiring.
 */
import { compress } from '@vectora/compress'
import { cors } from '@vectora/cors'
import { db } from '@vectora/db'
import { helmet } from '@vectora/helmet'
import { jwt, requireAuth } from '@vectora/jwt'
import { logger } from '@vectora/logger'
import { defaultFilter, openapi } from '@vectora/openapi'
import { otel } from '@vectora/otel'
import { policyPlugin } from '@vectora/policy'
import { memoryStore, type RateLimitOptions, rateLimit } from '@vectora/rate-limit'
import { type App, type AppOptions, createApp } from 'vectora'
import { adminRoutes } from './admin-routes.js'
import { authRoutes, meRoute } from './auth-routes.js'
import type { Limit, PlaygroundConfig } from './config.js'
import { noteRoutes } from './note-routes.js'
import { connectSources, corsOrigin } from './origins.js'
import { page } from './page.js'
import { notesPolicy } from './policy.js'
import { migrate } from './schema.js'
import { provideStores } from './services.js'

/**
 * The folder the page is served from: playground/public/.
 *
 * @example
 * app.register(page, { root: PUBLIC_DIR, connectSources: [] })
 */
export const PUBLIC_DIR = new URL('../public/', import.meta.url)

/** The `iss` and `aud` of the playground's tokens. */
const TOKEN_ISSUER = 'vectora-playground'

/**
 * What tests (or another entry point) may change beyond the configuration.
 *
 * @example
 * buildApp(config, { app: { handleSignals: false }, clock: () => 0 })
 */
export interface BuildOptions {
  /** Merged over the playground's `createApp()` options (`handleSignals: false` in tests, say). */
  readonly app?: Omit<AppOptions, 'logger'>
  /** Where the JSON log lines go. Default stdout. */
  readonly logDestination?: NodeJS.WritableStream
  /** The rate limiters' clock (ms). Default `Date.now`; tests freeze it so no budget refills mid-test. */
  readonly clock?: () => number
}

/**
 * The playground: a notes API with sign-up and login, its page, its docs and its metrics.
 *
 * @example
 * const app = buildApp({ ...defaultConfig(), database: ':memory:' })
 * const { port } = await app.listen({ port: 0 })
 */
export function buildApp(config: PlaygroundConfig, options: BuildOptions = {}): App {
  const app = createApp({ bodyLimit: 65_536, development: config.development, ...options.app })
  const store = () => (options.clock === undefined ? memoryStore() : memoryStore({ clock: options.clock }))
  const limit = (policyName: string, l: Limit, extra: Partial<RateLimitOptions> = {}): RateLimitOptions => ({ ...l, policyName, store: store(), ...extra })

  // Observability first, so every request below is logged and measured, refusals included.
  app.register(logger, {
    service: 'playground',
    level: config.logLevel,
    format: 'json',
    redact: ['password', 'token'],
    ...(options.logDestination !== undefined && { destination: options.logDestination }),
  })
  app.register(otel, { tracing: false })

  // onRequest: CORS preflights first (stage -1000), then the per-IP limit, before any token is looked at.
  app.register(cors, {
    origin: corsOrigin(config),
    allowedHeaders: ['content-type', 'authorization'],
    exposedHeaders: ['ratelimit', 'ratelimit-policy', 'retry-after', 'x-request-id'],
  })
  app.register(rateLimit, limit('ip', config.ipLimit))

  // onSend: the page's headers on its files (page.ts), helmet's API preset on everything else, then compression.
  app.register(page, { root: PUBLIC_DIR, connectSources: connectSources(config) })
  app.register(helmet, { preset: 'api' })
  app.register(compress)

  app.register(db, { filename: config.database })
  provideStores(app)
  app.onReady(() => migrate(app.resolve('db')))

  app.register(jwt, { secret: config.jwtSecret, algorithms: ['HS256'], issuer: TOKEN_ISSUER, audience: TOKEN_ISSUER, mode: 'optional' })
  app.register(policyPlugin, { policy: notesPolicy, challenge: 'Bearer' })
  app.register(openapi, {
    info: { title: 'Vectora playground', version: '0.1.0', description: 'A notes API: sign up, log in, then send the token as a bearer token.' },
    filter: (route) => defaultFilter(route) && route.owner !== '@vectora/static',
  })

  // One per-user budget across the groups below: the same policy on the same store is one limit.
  const perUser = limit('user', config.userLimit, { key: 'subject' })
  app.group('/auth', (auth) => {
    auth.register(rateLimit, limit('auth', config.authLimit))
    authRoutes(auth, config)
  })
  app.group('/me', (me) => {
    me.register(rateLimit, perUser)
    meRoute(me, config)
  })
  app.group('/notes', (notes) => {
    notes.register(rateLimit, perUser)
    noteRoutes(notes)
  })
  app.group('/admin', { guards: [requireAuth] }, (admin) => {
    admin.register(rateLimit, perUser)
    adminRoutes(admin, config)
  })
  return app
}
