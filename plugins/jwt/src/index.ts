/**
 * @module @vectora/jwt — JWT bearer authentication for Vectora: the plugin, the requireAuth guard, a signer,
 * and the `req.auth` type.
 *
 * @example
 * import { createApp } from 'vectora'
 * import { jwt, requireAuth } from '@vectora/jwt'
 * const app = createApp()
 * app.register(jwt, { secret: process.env.JWT_SECRET!, algorithms: ['HS256'], issuer: 'https://api.example' })
 * app.get('/me', (req) => ({ subject: req.auth?.subject }))
 */
import type { AuthInfo } from './jwt.js'
import type { Signer } from './sign.js'

export { jwt, requireAuth } from './jwt.js'
export type { AuthInfo } from './jwt.js'
export type { JwtOptions } from './config.js'
export type { JwksOptions } from './jwks.js'
export type { JwtAlgorithm, KeyInput } from './keys.js'
export type { JwtErrorCode } from './errors.js'
export { BEARER_SCHEME, COOKIE_SCHEME } from './describe.js'
export { createSigner } from './sign.js'
export type { Signer, SignerOptions, SignOptions } from './sign.js'

declare module 'vectora' {
  interface RequestDecorations {
    /** Set by @vectora/jwt in the authenticate phase; undefined for anonymous requests (optional mode, skipped routes). */
    auth?: AuthInfo
  }
  interface ServiceTypes {
    /** The signer @vectora/jwt provides when it has a secret or private key: `inject: ['jwt']`. */
    jwt: Signer
  }
}
