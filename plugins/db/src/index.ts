/**
 * @module @vectora/db — a pooled database service for Vectora: embedded SQLite by default, PostgreSQL through
 * pg, parameterized statements only, transactions (also one per request), readiness and stable error codes.
 * Named exports only.
 *
 * @example
 * import { createApp } from 'vectora'
 * import { db } from '@vectora/db'
 * const app = createApp()
 * app.register(db) // an in-memory SQLite database
 * app.get('/now', { inject: ['db'] }, (req, { db }) => db.one`select datetime('now') as now`)
 */
import type { Database } from './database.js'
import type { Transaction } from './transaction.js'

declare module 'vectora' {
  interface ServiceTypes {
    /** `@vectora/db` with the default token. */
    db: Database
    /** The request-scoped transaction of `@vectora/db` (default `txToken`). */
    tx: Transaction
  }
}

export { db } from './db.js'
export { Database } from './database.js'
export { Transaction } from './transaction.js'
export { Queryable } from './queryable.js'
export { join, Sql, sql } from './sql.js'
export { DatabaseError, isDatabaseError } from './errors.js'
export type { DatabaseErrorCode } from './errors.js'
export type { Connection, Driver, PoolStats, QueryResult, Row } from './driver.js'
export type { CommonOptions, CustomDriverOptions, DbOptions, PostgresOptions, SqliteOptions } from './options.js'
