/**
 * @module plugins/jwt/test/support — what the @vectora/jwt suites share: quiet test apps closed after each
 * test and one behaviour suite run through `app.inject()` and a real socket (both from vectora/testing),
 * problem+json assertions, keys, and a token forger that builds the attacks jsonwebtoken itself refuses to sign.
 */
import assert from 'node:assert/strict'
import { createHmac, generateKeyPairSync, randomBytes, sign as cryptoSign, type KeyObject } from 'node:crypto'
import { createTestApp, type TestResponse } from 'vectora/testing'

/** A quiet app (signals off, production errors, a capturing logger as `app.logger`), closed after the current test. */
export const testApp = createTestApp

/** Asserts an RFC 9457 problem reply with `status` and `code`; returns the body. */
export function assertProblem(res: TestResponse, status: number, code: string): Record<string, any> {
  assert.equal(res.status, status, res.text())
  assert.match(res.headers['content-type'] ?? '', /^application\/problem\+json\b/)
  const body = res.json<Record<string, any>>()
  assert.equal(body.status, status)
  assert.equal(body.code, code)
  assert.equal(typeof body.detail, 'string')
  return body
}

/** A 401 for an invalid token: problem+json, the code, and an RFC 6750 invalid_token challenge. */
export function assertInvalid(res: TestResponse, code: 'JWT_INVALID' | 'JWT_EXPIRED' = 'JWT_INVALID'): Record<string, any> {
  const body = assertProblem(res, 401, code)
  assert.match(res.headers['www-authenticate'] ?? '', /^Bearer error="invalid_token", error_description="[^"\\]+"$/)
  return body
}

/** For assert.throws: a setup failure whose cause is a JwtConfigError matching every pattern. */
export function configError(...patterns: RegExp[]) {
  return (error: unknown): boolean => {
    const e = error as { code?: string; cause?: { code?: string; message: string } }
    assert.equal(e.code, 'VEC_ERR_PLUGIN_SETUP_FAILED', String(error))
    assert.equal(e.cause?.code, 'JWT_CONFIG_INVALID')
    for (const p of patterns) assert.match(e.cause!.message, p)
    return true
  }
}

export const SECRET = randomBytes(32)

/** A clock for the `clock` options: it stands still until a test advances it, so no test waits or races time. */
export interface FakeClock {
  /** The time in ms: what the `clock` options take (pass `clock.now`). */
  readonly now: () => number
  /** The time in seconds, as JWT claims count it (iat, exp, nbf). */
  seconds(): number
  /** Moves the time forward by `ms`. */
  advance(ms: number): void
}

/** A fake clock starting at a fixed instant, far from the real time so that a real-time slip would show. */
export function fakeClock(start = Date.UTC(2031, 0, 1)): FakeClock {
  let time = start
  return {
    now: () => time,
    seconds: () => Math.floor(time / 1000),
    advance(ms) {
      time += ms
    },
  }
}

const pairs = new Map<string, { publicKey: KeyObject; privateKey: KeyObject; publicPem: string; privatePem: string }>()

/** A key pair, generated once per name: `rsa`, `rsa2`, `rsa3` (2048-bit RSA) or `ec` (P-256). */
export function keyPair(name: 'rsa' | 'rsa2' | 'rsa3' | 'ec') {
  let pair = pairs.get(name)
  if (pair === undefined) {
    const { publicKey, privateKey } =
      name === 'ec' ? generateKeyPairSync('ec', { namedCurve: 'prime256v1' }) : generateKeyPairSync('rsa', { modulusLength: 2048 })
    pair = {
      publicKey,
      privateKey,
      publicPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
      privatePem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    }
    pairs.set(name, pair)
  }
  return pair
}

export const b64url = (value: unknown): string => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url')

/**
 * A compact JWS built by hand: `hmac` signs HS256 with any bytes (a public key PEM for key confusion),
 * `rsa` signs RS256 with a private key, `none`/a string puts that raw signature. A string payload goes in
 * as those bytes (`'123'` is the JSON number 123).
 */
export function forge(
  header: Record<string, unknown>,
  payload: Record<string, unknown> | string,
  signWith: { hmac: string | Buffer } | { rsa: KeyObject } | { raw: string },
): string {
  const input = `${b64url(header)}.${b64url(payload)}`
  let signature: string
  if ('hmac' in signWith) signature = createHmac('sha256', signWith.hmac).update(input).digest('base64url')
  else if ('rsa' in signWith) signature = cryptoSign('sha256', Buffer.from(input), signWith.rsa).toString('base64url')
  else signature = signWith.raw
  return `${input}.${signature}`
}

export const bearer = (token: string): Record<string, string> => ({ authorization: `Bearer ${token}` })
