/**
 * @module playground/origins — which pages may call the API from another origin (CORS) and, the other way round,
 * which API origins the playground's own page may call (its CSP `connect-src`). Both come from one setting,
 * `PLAYGROUND_ORIGINS`: the places the page is served from are the places its API lives. By default any page on
 * `http://localhost:<port>` or `http://127.0.0.1:<port>`: the page opened under one name may call the API under
 * the other, or from a front-end dev server on another port.
 */
import type { CorsOrigin } from '@vectora/cors'
import type { PlaygroundConfig } from './config.js'

/** A loopback page on any port; anchored at both ends, digits only for the port. */
const LOOPBACK = /^http:\/\/(localhost|127\.0\.0\.1):\d{1,5}$/

/**
 * The `origin` option of `@vectora/cors`.
 *
 * @example
 * app.register(cors, { origin: corsOrigin(config) })
 */
export function corsOrigin(config: PlaygroundConfig): CorsOrigin {
  return config.origins === 'loopback' ? LOOPBACK : [...config.origins]
}

/**
 * The sources of the page's CSP `connect-src`, besides `'self'`.
 *
 * @example
 * connectSources({ ...config, origins: 'loopback' }) // ['http://localhost:*', 'http://127.0.0.1:*']
 */
export function connectSources(config: PlaygroundConfig): string[] {
  return config.origins === 'loopback' ? ['http://localhost:*', 'http://127.0.0.1:*'] : [...config.origins]
}
