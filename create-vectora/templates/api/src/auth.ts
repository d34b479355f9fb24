/**
 * @module auth — how tokens are issued and verified: one place for the algorithm, issuer, audience and
 * lifetime, shared by the jwt plugin's registration (app.ts), scripts/token.ts and the tests.
 */
import type { JwtOptions, Signer } from '@vectora/jwt'
import { createSigner } from '@vectora/jwt'
import type { Config } from './config.js'

/** The `iss` and `aud` of every token: tokens issued for another service are refused. */
export const TOKEN_ISSUER = 'notes-api'
export const TOKEN_AUDIENCE = 'notes-api'

/**
 * Options of `app.register(jwt, ...)`: HS256 with the configured secret; `optional` mode, so reads are
 * public and writes carry `requireAuth` or a policy guard.
 *
 * @example
 * app.register(jwt, jwtOptions(config))
 */
export function jwtOptions(config: Config): JwtOptions {
  return { secret: config.jwtSecret, algorithms: ['HS256'], issuer: TOKEN_ISSUER, audience: TOKEN_AUDIENCE, mode: 'optional' }
}

/**
 * A signer of tokens this app accepts. In a real deployment an identity provider issues them; this one
 * serves `npm run token` and the tests.
 *
 * @example
 * const token = tokenSigner(config).sign({ sub: 'ada', roles: ['admin'] })
 */
export function tokenSigner(config: Config, expiresIn: string | number = '1h'): Signer {
  return createSigner({ secret: config.jwtSecret, algorithm: 'HS256', issuer: TOKEN_ISSUER, audience: TOKEN_AUDIENCE, expiresIn })
}
