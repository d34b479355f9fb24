/**
 * @module plugins/db/test/support — what the db suites share besides vectora/testing: both drivers as one
 * parameter (SQLite in memory, PostgreSQL in a schema of its own per test, dropped after it), temporary SQLite
 * files, a private PostgreSQL server a test may stop and restart, and waiting for a condition.
 *
 * The shared PostgreSQL (127.0.0.1:5432, trust auth, database `test`; `DATABASE_URL` overrides it) is only
 * touched inside a schema named after the process and a random id; it is never stopped.
 */
import { spawnSync } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import fs from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import pg from 'pg'
import type { DbOptions } from '@vectora/db'
import { onCleanup } from 'vectora/testing'

/** The shared test database (CONTRIBUTING.md). */
export const PG_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test'

/** An admin client on `url`, closed after the test. */
export async function adminClient(url = PG_URL): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  onCleanup(() => client.end())
  return client
}

/**
 * A fresh schema on the shared server, dropped (with its tables) after the test; resolves a connection string
 * whose `search_path` is that schema, so tests write unqualified table names.
 */
export async function pgSchema(url = PG_URL): Promise<string> {
  const schema = `vectora_db_${process.pid}_${randomUUID().slice(0, 8)}`
  const admin = await adminClient(url)
  await admin.query(`create schema ${schema}`)
  onCleanup(() => admin.query(`drop schema if exists ${schema} cascade`))
  const withPath = new URL(url)
  withPath.searchParams.set('options', `-c search_path=${schema}`)
  return withPath.toString()
}

/** One driver under test: `options()` prepares its database (a schema, nothing for memory) and returns the plugin's options. */
export interface DriverCase {
  readonly name: 'sqlite' | 'postgres'
  options(extra?: Record<string, unknown>): Promise<DbOptions>
  /** SQL for an auto-increment primary key column. */
  readonly serial: string
}

export const drivers: readonly DriverCase[] = [
  {
    name: 'sqlite',
    serial: 'integer primary key',
    options: async (extra = {}) => ({ driver: 'sqlite', filename: ':memory:', ...extra }) as DbOptions,
  },
  {
    name: 'postgres',
    serial: 'serial primary key',
    options: async (extra = {}) => ({ driver: 'postgres', connectionString: await pgSchema(), ...extra }) as DbOptions,
  },
]

/** Declares `suite(driver)` once per driver, in `describe('<name>')`. */
export function forEachDriver(suite: (driver: DriverCase) => void): void {
  for (const driver of drivers) describe(driver.name, () => suite(driver))
}

/** A path in a fresh temporary folder, removed after the test. */
export function tempFile(name: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vectora-db-'))
  onCleanup(() => fs.rmSync(dir, { recursive: true, force: true }))
  return path.join(dir, name)
}

/** Resolves once `test()` holds, checking every 20 ms; fails after `ms` (a guard against hangs, not a timing assertion). */
export async function until(what: string, test: () => boolean | Promise<boolean>, ms = 10_000): Promise<void> {
  const end = Date.now() + ms
  while (!(await test())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`)
    await sleep(20)
  }
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

/** A PostgreSQL server of the test's own, on a spare port: stop and start it at will. Removed after the test. */
export interface PrivatePostgres {
  readonly port: number
  readonly url: string
  stop(): void
  start(): void
}

/** The folder of initdb and pg_ctl (Debian: /usr/lib/postgresql/<version>/bin), or undefined. */
function postgresBin(): string | undefined {
  const root = '/usr/lib/postgresql'
  if (!fs.existsSync(root)) return undefined
  const versions = fs.readdirSync(root).sort((a, b) => Number(b) - Number(a))
  for (const version of versions) {
    const bin = path.join(root, version, 'bin')
    if (fs.existsSync(path.join(bin, 'initdb'))) return bin
  }
  return undefined
}

/**
 * initdb + pg_ctl start on a free port, trust auth, listening on 127.0.0.1 only. As root (initdb refuses root)
 * the server runs as the `postgres` OS user. Without initdb the test is skipped — except under CI=true, where
 * it fails: CI must run the restart tests.
 */
export async function privatePostgres(ctx: Mocha.Context): Promise<PrivatePostgres> {
  const bin = postgresBin()
  if (bin === undefined) {
    if (process.env.CI === 'true') throw new Error('initdb was not found under /usr/lib/postgresql/*/bin; CI must provide it for the restart tests.')
    ctx.skip()
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vectora-db-pg-'))
  const root = process.getuid?.() === 0
  const run = (tool: string, args: string[]): void => {
    const command = root ? ['runuser', ['-u', 'postgres', '--', path.join(bin!, tool), ...args]] : [path.join(bin!, tool), args]
    const result = spawnSync(command[0] as string, command[1] as string[], { encoding: 'utf8' })
    if (result.status !== 0) throw new Error(`${tool} ${args.join(' ')} failed (${result.status}):\n${result.stdout}\n${result.stderr}`)
  }
  if (root) fs.chownSync(dir, uidOf('postgres'), gidOf('postgres'))
  const data = path.join(dir, 'data')
  run('initdb', ['-D', data, '-U', 'postgres', '--auth=trust', '-N'])
  const port = await freePort()
  const start = (): void =>
    run('pg_ctl', ['-D', data, '-l', path.join(dir, 'log'), '-o', `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off`, '-w', 'start'])
  const stop = (): void => run('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop'])
  let running = false
  start()
  running = true
  onCleanup(() => {
    if (running) stop()
    fs.rmSync(dir, { recursive: true, force: true })
  })
  return {
    port,
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    stop: () => {
      stop()
      running = false
    },
    start: () => {
      start()
      running = true
    },
  }
}

function uidOf(user: string): number {
  return Number(spawnSync('id', ['-u', user], { encoding: 'utf8' }).stdout.trim())
}

function gidOf(user: string): number {
  return Number(spawnSync('id', ['-g', user], { encoding: 'utf8' }).stdout.trim())
}

/** Log lines as JSON with every own property of every error (message, stack, cause, code, detail…): what a leak check reads. */
export function logText(lines: readonly unknown[]): string {
  return JSON.stringify(lines, (_key, value) => {
    if (!(value instanceof Error)) return value
    const all: Record<string, unknown> = {}
    for (const name of Object.getOwnPropertyNames(value)) all[name] = (value as unknown as Record<string, unknown>)[name]
    return all
  })
}
