/**
 * @module database — the `db` service: statements on any pooled connection, and `transaction(fn)` on one.
 */
import type { Driver, QueryResult } from './driver.js'
import { Queryable } from './queryable.js'
import { createTransaction, runTransaction, type Transaction } from './transaction.js'

/**
 * The database of the app, as the `db` service. Parameterized statements only: `query`, `one`, `execute`
 * (see Queryable), and `transaction(fn)`.
 *
 * @example
 * app.get('/notes/:id', { inject: ['db'] }, async (req, { db }) => {
 *   return (await db.one`select id, body from notes where id = ${req.params.id}`) ?? reply.status(404).json({})
 * })
 */
export class Database extends Queryable {
  /** The driver: for a query builder (see the README's kysely example), metrics (`driver.stats()`) and messages (`driver.target`). */
  readonly driver: Driver

  /** @internal The plugin creates it; `app.register(db, options)`. */
  constructor(driver: Driver) {
    super((index) => driver.placeholder(index))
    this.driver = driver
  }

  protected run<R>(text: string, params: readonly unknown[]): Promise<QueryResult<R>> {
    return this.driver.query<R>(text, params)
  }

  /**
   * Runs `fn` in a transaction on one pooled connection: COMMIT when it resolves (its value is returned),
   * ROLLBACK and rethrow when it throws. Use the `tx` it receives: `db` itself runs outside the transaction
   * (on SQLite, whose one connection the transaction holds, a statement through `db` waits for it).
   * Nested `tx.transaction(fn)` calls are savepoints.
   */
  transaction<T>(fn: (tx: Transaction) => T | Promise<T>): Promise<T> {
    return runTransaction(createTransaction(this.driver), fn)
  }
}
