// What the `stack` scenario's servers (bench/servers/stack/*.mjs) and the
// runner agree on: the origin the load generator sends, the HS256 secret the
// servers verify with, and the one token sent to `GET /me`.
//
// The token is signed here with node:crypto (no JWT library, so no server's
// library signs its own tokens): `{ sub, iat, exp }` with `exp` far in the
// future, header `{ alg: 'HS256', typ: 'JWT' }`. `iat` is fixed too, so every
// run and every process gets the same token.

import { createHmac } from 'node:crypto'

export const STACK = {
  /** Sent as `Origin` on every request; every server allows exactly this one. */
  origin: 'https://app.example.com',
  /** HS256 secret (>= 32 bytes, as @vectora/jwt requires for HS256). */
  secret: 'vectora-bench-stack-secret-0123456789abcdef',
  /** The token's `sub`, and `GET /me`'s answer: `{ sub }`. */
  sub: 'bench-user',
  /** A rate limit no run reaches: 1e9 requests an hour per client (every wrk connection is 127.0.0.1). */
  limit: 1_000_000_000,
  windowMs: 3_600_000,
}

const b64url = (value) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url')

/** An HS256 JWT of `payload`, signed with `secret`. */
export function signHs256(payload, secret = STACK.secret) {
  const input = `${b64url({ alg: 'HS256', typ: 'JWT' })}.${b64url(payload)}`
  return `${input}.${createHmac('sha256', secret).update(input).digest('base64url')}`
}

/** The token `GET /me` is sent: iat 2026-01-01, exp 2100-01-01. */
export const STACK_TOKEN = signHs256({ sub: STACK.sub, iat: 1_767_225_600, exp: 4_102_444_800 })
