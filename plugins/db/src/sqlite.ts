/**
 * @module sqlite — the embedded driver: one better-sqlite3 connection, lent to one transaction at a time.
 *
 * better-sqlite3 runs each statement synchronously on the main thread, so a plain statement never interleaves
 * with another. A transaction does span awaits, though, and every statement on the single connection between
 * its BEGIN and COMMIT would belong to it: so a transaction holds the connection (a pool of one), and other
 * callers wait in line — at most `connectionTimeoutMillis`, then DB_POOL_TIMEOUT. better-sqlite3's own
 * `db.transaction(fn)` cannot be used for that: it takes a synchronous function and would commit at the first
 * `await`.
 *
 * File databases use WAL (readers do not block the writer; other processes may open the file) and every
 * connection enforces foreign keys. better-sqlite3 is loaded when the database opens: a PostgreSQL app never
 * loads the native addon.
 */
import { createRequire } from 'node:module'
import type BetterSqlite3 from 'better-sqlite3'
import type { Connection, Driver, QueryResult } from './driver.js'
import { DatabaseError } from './errors.js'
import type { ResolvedSqlite } from './options.js'

/** Prepared statements kept per connection (the most recent ones; preparing is most of a small query's cost). */
const CACHED_STATEMENTS = 256

interface Waiter {
  readonly resolve: () => void
  readonly timer: NodeJS.Timeout | undefined
}

/**
 * Creates the driver; nothing opens until `open()`.
 *
 * @example
 * const driver = sqliteDriver({ filename: ':memory:', connectionTimeoutMillis: 5_000 })
 * await driver.open()
 * await driver.query('select ? as n', [1]) // { rows: [{ n: 1 }], rowCount: 1 }
 */
export function sqliteDriver(config: ResolvedSqlite): Driver {
  const target = `sqlite ${config.filename}`
  const statements = new Map<string, BetterSqlite3.Statement>()
  const waiters: Waiter[] = []
  let db: BetterSqlite3.Database | undefined
  let held = false
  let closing: Promise<void> | undefined

  const notOpen = (): DatabaseError => new DatabaseError('DB_CLOSED', 'The database is not open (it opens in onReady and closes with the app).')

  /** One statement, now (synchronously). */
  const run = <R>(text: string, params: readonly unknown[]): QueryResult<R> => {
    if (db === undefined || !db.open) throw notOpen()
    try {
      let statement = statements.get(text)
      if (statement === undefined) {
        statement = db.prepare(text)
        if (statements.size >= CACHED_STATEMENTS) statements.delete(statements.keys().next().value!)
        statements.set(text, statement)
      }
      const values = params.map(toSqliteValue)
      if (statement.reader) {
        const rows = statement.all(...values) as R[]
        return { rows, rowCount: rows.length }
      }
      return { rows: [], rowCount: statement.run(...values).changes }
    } catch (error) {
      throw toDatabaseError(error)
    }
  }

  /** Waits for the connection (a FIFO line); `timeout` Infinity waits as long as it takes. */
  const take = (timeout: number): Promise<void> => {
    if (!held) {
      held = true
      return Promise.resolve()
    }
    return new Promise((resolve, reject) => {
      const timer =
        timeout === Number.POSITIVE_INFINITY
          ? undefined
          : setTimeout(() => {
              waiters.splice(waiters.indexOf(waiter), 1)
              reject(
                new DatabaseError(
                  'DB_POOL_TIMEOUT',
                  `The SQLite connection was not free within ${timeout} ms: a transaction holds it. (A statement through the db service inside a transaction waits for that very transaction: use its tx.)`,
                ),
              )
            }, timeout)
      const waiter: Waiter = { resolve, timer }
      waiters.push(waiter)
    })
  }

  /** Hands the connection to the next in line, or frees it. */
  const give = (): void => {
    const next = waiters.shift()
    if (next === undefined) {
      held = false
      return
    }
    clearTimeout(next.timer)
    next.resolve()
  }

  const acquire = async (): Promise<Connection> => {
    if (db === undefined || closing !== undefined) throw notOpen()
    await take(config.connectionTimeoutMillis)
    let released = false
    return {
      query: async (text, params) => {
        if (released) throw new Error('@vectora/db: query() on a connection that was already released.')
        return run(text, params)
      },
      release() {
        if (released) return
        released = true
        // The next holder must find the connection outside any transaction, even after a failed ROLLBACK.
        if (db?.inTransaction) {
          try {
            db.exec('rollback')
          } catch {}
        }
        give()
      },
    }
  }

  return {
    dialect: 'sqlite',
    target,
    placeholder: () => '?',
    async open() {
      const Database = createRequire(import.meta.url)('better-sqlite3') as typeof BetterSqlite3
      try {
        db = new Database(config.filename)
        if (config.filename !== ':memory:') db.pragma('journal_mode = WAL')
        db.pragma('foreign_keys = ON')
        run('select 1', [])
      } catch (error) {
        db?.close()
        db = undefined
        const cause = error instanceof DatabaseError && error.cause instanceof Error ? error.cause : error
        throw new DatabaseError('DB_CONNECT_FAILED', `@vectora/db could not open ${target}: ${(cause as Error).message}`, error)
      }
    },
    async query(text, params) {
      if (!held) return run(text, params)
      const connection = await acquire()
      try {
        return await connection.query(text, params)
      } finally {
        connection.release()
      }
    },
    acquire,
    stats: () => ({ total: db?.open ? 1 : 0, idle: db?.open && !held ? 1 : 0, waiting: waiters.length }),
    close: () =>
      (closing ??= (async () => {
        if (db === undefined) return
        await take(Number.POSITIVE_INFINITY) // after whoever holds or waits for the connection
        statements.clear()
        db.close()
        give()
      })()),
  }
}

/**
 * A JavaScript value as SQLite stores it: booleans as 1/0, Dates as ISO 8601 text, objects and arrays as JSON
 * text (better-sqlite3 would read a plain object as named parameters and spread an array), undefined as NULL.
 */
function toSqliteValue(value: unknown): unknown {
  switch (typeof value) {
    case 'string':
    case 'number':
    case 'bigint':
      return value
    case 'boolean':
      return value ? 1 : 0
    case 'undefined':
      return null
    case 'object':
      if (value === null || Buffer.isBuffer(value)) return value
      if (value instanceof Uint8Array) return Buffer.from(value.buffer, value.byteOffset, value.byteLength)
      if (value instanceof Date) return value.toISOString()
      return JSON.stringify(value)
    default:
      throw new TypeError(`@vectora/db: a ${typeof value} cannot be a SQLite parameter.`)
  }
}

/** Maps a better-sqlite3 error to the catalogue. */
function toDatabaseError(error: unknown): DatabaseError {
  if (error instanceof DatabaseError) return error
  const code = (error as { code?: unknown } | null)?.code
  if (typeof code === 'string' && /^SQLITE_(BUSY|LOCKED)/.test(code)) {
    return new DatabaseError('DB_UNAVAILABLE', 'The database is locked by another connection; try again later.', error)
  }
  return new DatabaseError('DB_QUERY_FAILED', 'A database query failed.', error)
}
