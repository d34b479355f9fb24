/**
 * @module describe — what @vectora/jwt adds to the app's API description (`describeApi`, read by
 * @vectora/openapi): a bearer JWT security scheme (and the cookie it also reads), and on each route it
 * authenticates the requirement and the 401 it answers. Nothing here runs per request.
 */
import type { ApiContribution, Guard, RouteInfo } from 'vectora'
import type { ResolvedJwt } from './config.js'

/** The security scheme names, in `components.securitySchemes`. */
export const BEARER_SCHEME = 'bearerAuth'
export const COOKIE_SCHEME = 'cookieAuth'

const CHALLENGE = {
  description: 'The challenge: `Bearer` with `error="invalid_token"` and a description when a token was sent and refused.',
  schema: { type: 'string' },
}

/**
 * The plugin's contribution: a route whose guards include `requireAuth`, or any route in `required` mode, needs
 * a token; in `optional` mode other routes take one or none. The framework's own routes (health probes) are
 * skipped as the plugin skips them; a custom `skip` function cannot be read ahead of requests, so its routes
 * are still documented as authenticated (say otherwise with the route's `docs`).
 */
export function describeJwt(c: ResolvedJwt, requireAuth: Guard<any>, jwks: boolean): ApiContribution {
  const schemes: Record<string, object> = {
    [BEARER_SCHEME]: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: `A JWT signed with ${c.algorithms.join(', ')}.` },
  }
  if (c.cookie !== undefined) schemes[COOKIE_SCHEME] = { type: 'apiKey', in: 'cookie', name: c.cookie, description: 'The same JWT, in a cookie.' }
  const requirements = Object.keys(schemes).map((name) => ({ [name]: [] as string[] }))
  const responses = {
    401: {
      description: 'No token, or a token that is expired, forged or malformed (JWT_MISSING, JWT_EXPIRED, JWT_INVALID).',
      problem: true,
      headers: { 'WWW-Authenticate': CHALLENGE },
    },
    ...(jwks && { 503: { description: 'The key set could not be fetched yet (JWT_KEYS_UNAVAILABLE); retry after Retry-After.', problem: true } }),
  }
  return {
    securitySchemes: schemes,
    operation(route: RouteInfo) {
      if (route.owner === 'vectora') return undefined
      const required = c.mode === 'required' || route.guards.includes(requireAuth)
      return { security: required ? requirements : [...requirements, {}], responses }
    },
  }
}
