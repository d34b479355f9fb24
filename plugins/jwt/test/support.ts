/**
 * @module test/support — what the @vectora/jwt suites share: quiet test apps closed after each test, one
 * behaviour suite run through `app.inject()` and a real socket on 127.0.0.1, problem+json assertions, keys,
 * and a token forger that builds the attacks jsonwebtoken itself refuses to sign.
 */
import assert from 'node:assert/strict'
import { createHmac, generateKeyPairSync, randomBytes, sign as cryptoSign, type KeyObject } from 'node:crypto'
import http from 'node:http'
import { createApp, type App, type AppOptions } from 'vectora'

/** One recorded log call. */
export { captureLogger, type CapturingLogger, type LogLine } from '../../../test/helpers/logger.js'
import { captureLogger, type CapturingLogger } from '../../../test/helpers/logger.js'

const apps = new Set<App>()
const cleanups: Array<() => unknown> = []

/** A quiet app (signals off, production errors, capturing logger), closed after the current test. */
export function testApp(options: AppOptions = {}): App & { logger: CapturingLogger } {
  const logger = captureLogger()
  const app = createApp({ handleSignals: false, development: false, logger, ...options })
  apps.add(app)
  return Object.assign(app, { logger })
}

/** Runs `fn` after the current test, after the apps closed. */
export function onCleanup(fn: () => unknown): void {
  cleanups.push(fn)
}

/** Installs the after-each cleanup in the enclosing describe. */
export function useCleanup(): void {
  afterEach(async () => {
    const closing = [...apps]
    apps.clear()
    await Promise.all(closing.map((app) => app.close({ deadline: 100 }).catch(() => undefined)))
    for (const fn of cleanups.splice(0))
      await Promise.resolve()
        .then(fn)
        .catch(() => undefined)
  })
}

export interface TestRequest {
  method?: string
  url: string
  headers?: Record<string, string>
}
export interface TestResponse {
  status: number
  headers: Record<string, string>
  text(): string
  json<T = any>(): T
}
export interface Transport {
  readonly name: 'inject' | 'socket'
  request(app: App, req: TestRequest): Promise<TestResponse>
}

const ports = new WeakMap<App, Promise<number>>()

/** Listens once per app on 127.0.0.1 with an OS-chosen port. */
export function listen(app: App): Promise<number> {
  let port = ports.get(app)
  if (port === undefined) {
    port = app.listen({ host: '127.0.0.1', port: 0 }).then((a) => a.port)
    ports.set(app, port)
  }
  return port
}

export const transports: readonly Transport[] = [
  {
    name: 'inject',
    async request(app, req) {
      const res = await app.inject({ method: req.method ?? 'GET', url: req.url, headers: req.headers })
      const body = Buffer.from(res.body)
      return { status: res.status, headers: { ...res.headers }, text: () => body.toString('utf8'), json: () => JSON.parse(body.toString('utf8')) }
    },
  },
  {
    name: 'socket',
    async request(app, req) {
      return httpRequest(await listen(app), req)
    },
  },
]

/** One node:http request to 127.0.0.1:`port` (no keep-alive), body fully read. */
export function httpRequest(port: number, req: TestRequest): Promise<TestResponse> {
  return new Promise((resolve, reject) => {
    const r = http.request({ host: '127.0.0.1', port, method: req.method ?? 'GET', path: req.url, headers: req.headers, agent: false }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (c: Buffer) => chunks.push(c))
      res.on('error', reject)
      res.on('end', () => {
        const body = Buffer.concat(chunks)
        const headers: Record<string, string> = {}
        for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) headers[k] = Array.isArray(v) ? v.join(', ') : v
        resolve({ status: res.statusCode ?? 0, headers, text: () => body.toString('utf8'), json: () => JSON.parse(body.toString('utf8')) })
      })
    })
    r.on('error', reject)
    r.end()
  })
}

/** Declares the tests in `suite` once per transport, with cleanup. */
export function forEachTransport(suite: (t: Transport) => void): void {
  for (const t of transports) {
    describe(`through ${t.name}`, () => {
      useCleanup()
      suite(t)
    })
  }
}

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
