/**
 * @module plugins/rate-limit/test/support — what the rate-limit suites share besides vectora/testing (the two
 * transports, cleanup, the capturing logger): a quiet test app, a manual clock, Redis key hygiene (a unique
 * prefix per test, deleted after it) and a private redis-server a test may kill.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import net from 'node:net'
import { Redis } from 'ioredis'
import type { App } from 'vectora'
import { createTestApp, onCleanup, type TestRequest, type Transport } from 'vectora/testing'

/** The Redis CI provides (CONTRIBUTING.md). Tests only touch keys under their own prefix. */
export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379'

/** A test app (signals off, production replies, a capturing logger as `app.logger`), closed after the test. */
export const testApp = createTestApp

/** A clock tests move by hand (milliseconds). */
export function manualClock(start = 1_700_000_000_000): { now: () => number; advance(ms: number): void; set(ms: number): void } {
  let time = start
  return { now: () => time, advance: (ms) => void (time += ms), set: (ms) => void (time = ms) }
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
