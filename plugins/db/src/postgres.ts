/**
 * @module postgres — the PostgreSQL driver: a `pg.Pool`, loaded with a dynamic import when the database opens,
 * so apps on SQLite never need the `pg` package.
 *
 * The pool's own options do the work: `max`, `idleTimeoutMillis`, `connectionTimeoutMillis` (a waiter gives up
 * after it: DB_POOL_TIMEOUT, never an endless wait), and `statement_timeout` / `application_name`, which pg sends
 * as startup parameters of every connection. Two things pg leaves to its user are done here: an `error`
 * listener on the pool (an idle connection dropped by a restarting server would otherwise crash the process)
 * and one on every lent connection (pg removes the pool's listener while a client is checked out).
 *
 * `query()` lends a connection and gives it back itself rather than using `pool.query()`, which closes the
 * connection on every failed statement (a unique violation would cost a reconnect); a connection is closed only
 * when it failed as a connection.
 */
import type { Logger } from 'vectora'
import type { Connection, Driver, QueryResult } from './driver.js'
import { DatabaseError } from './errors.js'
import type { ResolvedPostgres } from './options.js'

/** The part of pg's API this driver uses (typed here: `pg` is an optional peer dependency). */
interface PgClient {
  query(config: { text: string; values: unknown[] }): Promise<{ rows: any[]; rowCount: number | null }>
  release(error?: unknown): void
  on(event: 'error', listener: (error: Error) => void): unknown
  off(event: 'error', listener: (error: Error) => void): unknown
}
interface PgPool {
  connect(): Promise<PgClient>
  end(): Promise<void>
  on(event: 'error', listener: (error: Error) => void): unknown
  readonly totalCount: number
  readonly idleCount: number
  readonly waitingCount: number
}
type PgPoolClass = new (config: Record<string, unknown>) => PgPool

/** Errors of the socket: the server is not there (or went away). */
const NETWORK = new Set(['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EPIPE', 'ECONNABORTED'])
/** SQLSTATEs of a server that cannot serve: shutting down, crashed, starting up, out of connection slots. */
const SERVER_DOWN = new Set(['57P01', '57P02', '57P03', '53300'])
/** pg's own messages for a connection that failed. */
const CONNECTION_LOST = /^Connection terminated|not queryable|Client was closed/

/**
 * Creates the driver; nothing connects until `open()`.
 *
 * @example
 * const driver = postgresDriver(resolved.postgres, () => app.log)
 * await driver.open() // DB_CONNECT_FAILED: @vectora/db could not connect to postgres 127.0.0.1:5432/app: …
 */
export function postgresDriver(config: ResolvedPostgres, log: () => Logger): Driver {
  const target = describeTarget(config.connection)
  let pool: PgPool | undefined
  let closing: Promise<void> | undefined
  const fail = (error: unknown): DatabaseError => toDatabaseError(error, config)

  const acquire = async (): Promise<Connection> => {
    if (pool === undefined || closing !== undefined)
      throw new DatabaseError('DB_CLOSED', 'The database is not open (it opens in onReady and closes with the app).')
    let client: PgClient
    try {
      client = await pool.connect()
    } catch (error) {
      throw fail(error)
    }
    return lend(client, fail)
  }

  const driver: Driver = {
    dialect: 'postgres',
    target,
    placeholder: (index) => `$${index}`,
    async open() {
      const Pool = await loadPool()
      pool = new Pool({
        ...config.connection,
        max: config.max,
        idleTimeoutMillis: config.idleTimeoutMillis,
        connectionTimeoutMillis: config.connectionTimeoutMillis,
        statement_timeout: config.statementTimeout === 0 ? undefined : config.statementTimeout,
        application_name: config.applicationName,
        keepAlive: true,
      })
      pool.on('error', (error) => {
        log().warn(`@vectora/db: an idle connection to ${target} failed; the pool drops it and opens another when needed.`, {
          plugin: '@vectora/db',
          err: new DatabaseError('DB_UNAVAILABLE', 'An idle database connection failed.', error),
        })
      })
      try {
        await driver.query('select 1', [])
      } catch (error) {
        throw new DatabaseError('DB_CONNECT_FAILED', `@vectora/db could not connect to ${target}: ${reason(error)}`, error)
      }
    },
    async query(text, params) {
      const connection = await acquire()
      try {
        return await connection.query(text, params)
      } finally {
        connection.release()
      }
    },
    acquire,
    stats: () => ({ total: pool?.totalCount ?? 0, idle: pool?.idleCount ?? 0, waiting: pool?.waitingCount ?? 0 }),
    close: () => (closing ??= pool === undefined ? Promise.resolve() : pool.end()),
  }
  return driver
}

/** A checked-out client as a `Connection`: failures mapped, and a client that failed is closed on release. */
function lend(client: PgClient, fail: (error: unknown) => DatabaseError): Connection {
  let broken: unknown
  let released = false
  const onError = (error: Error): void => {
    broken ??= error
  }
  client.on('error', onError)
  return {
    async query<R>(text: string, params: readonly unknown[]): Promise<QueryResult<R>> {
      if (released) throw new Error('@vectora/db: query() on a connection that was already released.')
      try {
        const result = await client.query({ text, values: params as unknown[] })
        return { rows: result.rows as R[], rowCount: result.rowCount ?? result.rows.length }
      } catch (error) {
        const mapped = fail(error)
        if (mapped.code === 'DB_UNAVAILABLE') broken ??= error
        throw mapped
      }
    },
    release(error) {
      if (released) return
      released = true
      client.off('error', onError)
      client.release(error ?? broken)
    },
  }
}

/** Maps a pg error to the catalogue. */
function toDatabaseError(error: unknown, config: ResolvedPostgres): DatabaseError {
  if (error instanceof DatabaseError) return error
  const code = (error as { code?: unknown } | null)?.code
  const message = error instanceof Error ? error.message : ''
  // pg-pool's message when a waiter's connectionTimeoutMillis passed with every connection busy.
  if (message === 'timeout exceeded when trying to connect') {
    return new DatabaseError('DB_POOL_TIMEOUT', `No database connection was free within ${config.connectionTimeoutMillis} ms; try again later.`, error)
  }
  if (code === '57014')
    return new DatabaseError('DB_STATEMENT_TIMEOUT', `A database statement ran past the statement timeout (${config.statementTimeout} ms).`, error)
  if (typeof code === 'string' && (NETWORK.has(code) || SERVER_DOWN.has(code) || code.startsWith('08'))) return unavailable(error)
  if (CONNECTION_LOST.test(message)) return unavailable(error)
  return new DatabaseError('DB_QUERY_FAILED', 'A database query failed.', error)
}

function unavailable(error: unknown): DatabaseError {
  return new DatabaseError('DB_UNAVAILABLE', 'The database is unavailable; try again later.', error)
}

/** `pg`'s Pool, or DB_DRIVER_MISSING with the install command. */
async function loadPool(): Promise<PgPoolClass> {
  try {
    const pg = (await import('pg')) as unknown as { default?: { Pool: PgPoolClass }; Pool?: PgPoolClass }
    return (pg.default?.Pool ?? pg.Pool)!
  } catch (error) {
    if ((error as { code?: unknown }).code !== 'ERR_MODULE_NOT_FOUND') throw error
    throw new DatabaseError('DB_DRIVER_MISSING', "@vectora/db: driver 'postgres' needs the pg package; install it with `npm install pg`.", error)
  }
}

/**
 * `postgres host:port/database` as pg will resolve it (a connection string wins over the fields, PG* variables
 * fill the gaps). Never the password.
 */
function describeTarget(c: ResolvedPostgres['connection']): string {
  const env = process.env
  let host = c.host ?? env.PGHOST ?? 'localhost'
  let port = String(c.port ?? env.PGPORT ?? 5432)
  let database = c.database ?? env.PGDATABASE ?? c.user ?? env.PGUSER ?? ''
  if (c.connectionString !== undefined) {
    let url: URL
    try {
      url = new URL(c.connectionString)
    } catch {
      return 'postgres (from its connection string)'
    }
    host = decodeURIComponent(url.hostname) || url.searchParams.get('host') || host
    port = url.port || port
    if (url.pathname.length > 1) database = decodeURIComponent(url.pathname.slice(1))
  }
  return `postgres ${host}:${port}/${database}`
}

/** The most telling message of a failure: the driver's own (already made safe), under a DatabaseError. */
function reason(error: unknown): string {
  const inner = error instanceof DatabaseError && error.cause instanceof Error ? error.cause : error
  if (!(inner instanceof Error)) return String(inner)
  return inner.message || String((inner as { code?: unknown }).code ?? inner.name)
}
