/**
 * @module driver — the interface between the `db` service and a database: what the SQLite and PostgreSQL
 * drivers implement, and what a query builder or ORM plugs into (it compiles to `text` + `params`, the driver
 * runs them). Small on purpose: run a statement, lend a connection, count the pool, open, close.
 */

/** A row as both drivers return it: a plain object keyed by column name. */
export type Row = Record<string, unknown>

/** What a statement returned: its rows (empty for a statement without any) and how many rows it touched. */
export interface QueryResult<R = Row> {
  readonly rows: R[]
  /** Rows changed by insert/update/delete, else the number of rows returned. */
  readonly rowCount: number
}

/** One connection lent by the driver (a transaction runs on one), until `release()`. */
export interface Connection {
  /** Runs one statement, written with the driver's placeholders. Rejects with a `DatabaseError`. */
  query<R = Row>(text: string, params: readonly unknown[]): Promise<QueryResult<R>>
  /**
   * Gives the connection back. With an error (or when the driver saw the connection fail), the driver
   * closes it instead of reusing it: its state is unknown. Call it exactly once.
   */
  release(error?: unknown): void
}

/** The pool's counts, for metrics and tests. */
export interface PoolStats {
  /** Open connections. */
  readonly total: number
  /** Open connections nobody holds. */
  readonly idle: number
  /** Callers waiting for a connection. */
  readonly waiting: number
}

/**
 * A database behind the `db` service. Every failure is a `DatabaseError` with a stable code (see errors.ts):
 * a driver maps its library's errors, so the plugin, its users and any query builder see one set of codes.
 *
 * @example
 * const rows = (await database.driver.query('select $1::int as n', [1])).rows // [{ n: 1 }]
 * const connection = await database.driver.acquire()
 * try { await connection.query('select 1', []) } finally { connection.release() }
 */
export interface Driver {
  /** The SQL dialect statements are written in: placeholders, and what a query builder compiles to. */
  readonly dialect: 'postgres' | 'sqlite'
  /** What messages name: `postgres 127.0.0.1:5432/app`, `sqlite data/app.db`. Never a password. */
  readonly target: string
  /** The placeholder of parameter `index` (1-based): `$1` for PostgreSQL, `?` for SQLite. */
  placeholder(index: number): string
  /** Connects and runs `select 1`; rejects with DB_CONNECT_FAILED (or DB_DRIVER_MISSING). Called once, in onReady. */
  open(): Promise<void>
  /** Runs one statement on any free connection (waiting at most the connection timeout for one). */
  query<R = Row>(text: string, params: readonly unknown[]): Promise<QueryResult<R>>
  /** Lends a connection of its own; rejects with DB_POOL_TIMEOUT when none is free within the connection timeout. */
  acquire(): Promise<Connection>
  stats(): PoolStats
  /** Waits for lent connections to come back, then closes them all. Idempotent; safe when `open()` failed or never ran. */
  close(): Promise<void>
}
