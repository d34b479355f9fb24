/**
 * @module test/support — what the rate-limit suites share: both transports (`app.inject()` and a real socket
 * on 127.0.0.1), a quiet test app with a logger that records, a manual clock, Redis key hygiene (a unique
 * prefix per test, deleted after it) and a private redis-server a test may kill.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import http from 'node:http'
import net from 'node:net'
import { Redis } from 'ioredis'
import { createApp, type App, type AppOptions } from 'vectora'

/** The Redis CI provides (CONTRIBUTING.md). Tests only touch keys under their own prefix. */
export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379'

const cleanups: Array<() => unknown> = []

/** Runs `fn` after the current test (in reverse order of registration); failures are ignored. */
export function onCleanup(fn: () => unknown): void {
  cleanups.push(fn)
}

/** Installs the after-each cleanup in the enclosing describe. */
export function useCleanup(): void {
  afterEach(async () => {
    for (const fn of cleanups.splice(0).reverse()) {
      try {
        await fn()
      } catch {
        // cleanup only
      }
    }
  })
}

export { captureLogger, type CapturingLogger, type LogLine } from '../../../test/helpers/logger.js'
import { captureLogger, type CapturingLogger } from '../../../test/helpers/logger.js'

/** A test app (signals off, production replies, a capturing logger), closed after the test. */
export function testApp(options: AppOptions = {}): App & { logger: CapturingLogger } {
  const logger = captureLogger()
  const app = createApp({ handleSignals: false, development: false, logger, ...options })
  onCleanup(() => app.close({ deadline: 100 }))
  return Object.assign(app, { logger })
}

/** A clock tests move by hand (milliseconds). */
export function manualClock(start = 1_700_000_000_000): { now: () => number; advance(ms: number): void; set(ms: number): void } {
  let time = start
  return { now: () => time, advance: (ms) => void (time += ms), set: (ms) => void (time = ms) }
}

/** A request as tests write it, and the response both transports return. */
export interface TestRequest {
  method?: string
  url: string
  headers?: Record<string, string>
  remoteAddress?: string
}
export interface TestResponse {
  status: number
  /** Lower-case names; repeated fields joined with ', '. */
  headers: Record<string, string>
  /** The values of every line of field `name` (lower-case), as sent: joining in `headers` hides repeats. */
  lines(name: string): string[]
  text(): string
  json<T = any>(): T
}

export interface Transport {
  readonly name: 'inject' | 'socket'
  request(app: App, req: TestRequest): Promise<TestResponse>
}

const toResponse = (status: number, headers: Record<string, string>, body: Buffer, raw: ReadonlyArray<readonly [string, string]>): TestResponse => ({
  status,
  headers,
  lines: (name) => raw.filter(([field]) => field.toLowerCase() === name).map(([, value]) => value),
  text: () => body.toString('utf8'),
  json: () => JSON.parse(body.toString('utf8')),
})

const injectTransport: Transport = {
  name: 'inject',
  async request(app, req) {
    const res = await app.inject({ method: req.method ?? 'GET', url: req.url, headers: req.headers ?? {}, remoteAddress: req.remoteAddress })
    return toResponse(res.status, { ...res.headers }, Buffer.from(res.body), res.rawHeaders)
  },
}

const ports = new WeakMap<App, Promise<number>>()

/** Listens on 127.0.0.1 with an OS-chosen port, once per app. */
export function listen(app: App): Promise<number> {
  let port = ports.get(app)
  if (port === undefined) {
    port = app.listen({ host: '127.0.0.1', port: 0 }).then((a) => a.port)
    ports.set(app, port)
  }
  return port
}

/** One request with node:http to 127.0.0.1:`port` (a fresh connection). */
export function httpRequest(port: number, req: TestRequest): Promise<TestResponse> {
  return new Promise((resolve, reject) => {
    const r = http.request({ host: '127.0.0.1', port, method: req.method ?? 'GET', path: req.url, headers: req.headers, agent: false }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (c: Buffer) => chunks.push(c))
      res.on('error', reject)
      res.on('end', () => {
        const flat: Record<string, string> = {}
        for (const [name, value] of Object.entries(res.headers)) if (value !== undefined) flat[name] = Array.isArray(value) ? value.join(', ') : value
        const raw: Array<[string, string]> = []
        for (let i = 0; i < res.rawHeaders.length; i += 2) raw.push([res.rawHeaders[i], res.rawHeaders[i + 1]])
        resolve(toResponse(res.statusCode ?? 0, flat, Buffer.concat(chunks), raw))
      })
    })
    r.on('error', reject)
    r.end()
  })
}

const socketTransport: Transport = {
  name: 'socket',
  async request(app, req) {
    // A socket's peer is always 127.0.0.1: tests that need another peer run through inject only.
    return httpRequest(await listen(app), req)
  },
}

/** Declares `suite` once per transport, each in `describe('through <name>')` with cleanup installed. */
export function forEachTransport(suite: (t: Transport) => void): void {
  for (const t of [injectTransport, socketTransport]) {
    describe(`through ${t.name}`, () => {
      useCleanup()
      suite(t)
    })
  }
}

/** `n` sequential requests; returns the statuses. */
export async function hit(t: Transport, app: App, n: number, req: TestRequest): Promise<number[]> {
  const statuses: number[] = []
  for (let i = 0; i < n; i++) statuses.push((await t.request(app, req)).status)
  return statuses
}

/** A Redis client for test bookkeeping, quit after the test. */
export function adminRedis(url = REDIS_URL): Redis {
  const client = new Redis(url, { maxRetriesPerRequest: 1, enableOfflineQueue: true })
  onCleanup(() => client.quit().catch(() => client.disconnect()))
  return client
}

/** A key prefix no other test (or other data on the shared Redis) uses; its keys are deleted after the test. */
export function uniquePrefix(admin: Redis): string {
  const prefix = `vectora-test:rate-limit:${process.pid}:${randomUUID()}:`
  onCleanup(() => deleteKeys(admin, prefix))
  return prefix
}

/** Every key under `prefix` (SCAN, never KEYS). */
export async function keysUnder(client: Redis, prefix: string): Promise<string[]> {
  const found: string[] = []
  let cursor = '0'
  do {
    const [next, keys] = await client.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000)
    found.push(...keys)
    cursor = next
  } while (cursor !== '0')
  return found
}

async function deleteKeys(client: Redis, prefix: string): Promise<void> {
  const keys = await keysUnder(client, prefix)
  if (keys.length > 0) await client.del(...keys)
}

/** A free TCP port on 127.0.0.1 (bound and released). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer()
    server.on('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo
      server.close(() => resolve(port))
    })
  })
}

/**
 * A redis-server of this test only, on a free port (or `port`, to restart one), no persistence; killed after
 * the test if still alive.
 */
export async function privateRedis(port?: number): Promise<{ url: string; port: number; process: ChildProcess; kill(): Promise<void> }> {
  port ??= await freePort()
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--daemonize', 'no'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  const kill = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
    await exited
  }
  onCleanup(kill)
  await new Promise<void>((resolve, reject) => {
    let out = ''
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString()
      if (out.includes('Ready to accept connections')) resolve()
    })
    child.once('exit', (code) => reject(new Error(`redis-server exited (${code}) before it was ready:\n${out}`)))
    child.once('error', reject)
  })
  return { url: `redis://127.0.0.1:${port}`, port, process: child, kill }
}
