/** @module sign — createSigner(): issues tokens with a secret or private key; an expiry is required by default. */
import type { KeyObject } from 'node:crypto'
import jsonwebtoken from 'jsonwebtoken'
import { JwtConfigError } from './errors.js'
import { ALGORITHMS, algorithmsFor, describeKey, toPrivateKey, toSecretKey, type JwtAlgorithm, type KeyInput } from './keys.js'

/** Options of `createSigner()`. */
export interface SignerOptions {
  /** The algorithm every token is signed with. */
  algorithm: JwtAlgorithm
  /** HMAC secret, for HS*. */
  secret?: string | Buffer | KeyObject
  /** PEM private key (or KeyObject), for RS*, PS*, ES*. */
  privateKey?: KeyInput
  /** `kid` header of issued tokens. */
  keyId?: string
  /** Default `iss`. */
  issuer?: string
  /** Default `aud`. */
  audience?: string | string[]
  /** Default lifetime: seconds, or a vercel/ms string like `'15m'`. */
  expiresIn?: string | number
  /** Refuse to issue a token without an expiry. Default true. */
  requireExpiresIn?: boolean
}

/** Per-token options of `sign()`; each overrides the signer's default. */
export interface SignOptions {
  expiresIn?: string | number
  notBefore?: string | number
  issuer?: string
  audience?: string | string[]
  subject?: string
  jwtid?: string
  /** Extra protected-header members (`typ`...); `alg` and `kid` are the signer's. */
  header?: Readonly<Record<string, unknown>>
}

/** Issues tokens. */
export interface Signer {
  /** The algorithm tokens are signed with. */
  readonly algorithm: JwtAlgorithm
  /** A signed compact JWT. `payload` is a plain object of claims; `sub` usually goes in it or in `options.subject`. */
  sign(payload: Readonly<Record<string, unknown>>, options?: SignOptions): string
}

const KNOWN = new Set(['algorithm', 'secret', 'privateKey', 'keyId', 'issuer', 'audience', 'expiresIn', 'requireExpiresIn'])

/**
 * A signer for a secret (HS*) or a private key (RS*, PS*, ES*). Tokens without an expiry are refused unless
 * `requireExpiresIn: false`: a token that never expires cannot be revoked by waiting.
 *
 * @example
 * const signer = createSigner({ secret: process.env.JWT_SECRET!, algorithm: 'HS256', issuer: 'https://api.example', expiresIn: '15m' })
 * const token = signer.sign({ sub: 'user-7', role: 'admin' })
 */
export function createSigner(options: SignerOptions): Signer {
  if (options === null || typeof options !== 'object') throw new JwtConfigError('createSigner() needs an options object.')
  for (const key of Object.keys(options)) if (!KNOWN.has(key)) throw new JwtConfigError(`unknown signer option "${key}".`)
  const { algorithm, secret, privateKey, keyId, issuer, audience, expiresIn } = options
  if (typeof algorithm === 'string' && algorithm.toLowerCase() === 'none') throw new JwtConfigError('algorithm "none" issues unsigned tokens; it is refused.')
  if (!(ALGORITHMS as readonly unknown[]).includes(algorithm)) throw new JwtConfigError(`unsupported algorithm ${JSON.stringify(algorithm)}; supported: ${ALGORITHMS.join(', ')}.`)
  if ((secret === undefined) === (privateKey === undefined)) throw new JwtConfigError('createSigner() needs exactly one of secret (HS*) or privateKey (RS/PS/ES).')
  const key = secret !== undefined ? toSecretKey(secret, [algorithm]) : toPrivateKey(privateKey)
  if (!algorithmsFor(key, [algorithm]).includes(algorithm)) throw new JwtConfigError(`${algorithm} cannot sign with ${describeKey(key)}.`)
  const requireExpiresIn = options.requireExpiresIn ?? true
  if (typeof requireExpiresIn !== 'boolean') throw new JwtConfigError('requireExpiresIn must be a boolean.')
  if (keyId !== undefined && (typeof keyId !== 'string' || keyId === '')) throw new JwtConfigError('keyId must be a non-empty string.')

  return {
    algorithm,
    sign(payload, signOptions = {}) {
      if (payload === null || typeof payload !== 'object' || Array.isArray(payload) || Buffer.isBuffer(payload)) {
        throw new TypeError('sign(payload): payload must be a plain object of claims.')
      }
      const lifetime = signOptions.expiresIn ?? (payload.exp === undefined ? expiresIn : undefined)
      if (requireExpiresIn && lifetime === undefined && typeof payload.exp !== 'number') {
        throw new TypeError('sign(): an expiry is required: pass { expiresIn: \'15m\' } (or set expiresIn on the signer, or requireExpiresIn: false).')
      }
      const { header, ...rest } = signOptions
      // expiresIn / notBefore: seconds or a vercel/ms string; jsonwebtoken validates and explains bad values.
      const signOpts = {
        ...(issuer === undefined || payload.iss !== undefined ? {} : { issuer }),
        ...(audience === undefined || payload.aud !== undefined ? {} : { audience }),
        ...rest,
        ...(lifetime === undefined ? {} : { expiresIn: lifetime }),
        algorithm,
        header: { ...header, alg: algorithm, ...(keyId === undefined ? {} : { kid: keyId }) },
      } as jsonwebtoken.SignOptions
      return jsonwebtoken.sign({ ...payload }, key, signOpts)
    },
  }
}
