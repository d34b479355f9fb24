/**
 * @module transaction — a transaction on one lent connection: BEGIN on its first statement, COMMIT or ROLLBACK
 * once, and nested transactions as savepoints.
 *
 * `runTransaction(tx, fn)` is the callback form (`db.transaction(fn)`): commit when `fn` resolves, roll back
 * and rethrow when it throws. The request-scoped transaction (request-transaction.ts) is the same object begun
 * lazily and ended by the plugin's hooks. After its end a transaction refuses statements with
 * DB_TRANSACTION_CLOSED, so work that outlives its callback or its request cannot run outside it unnoticed.
 */
import type { Connection, Driver, QueryResult } from './driver.js'
import { DatabaseError } from './errors.js'
import { Queryable } from './queryable.js'

/** Takes the connection and starts the transaction (BEGIN, or a SAVEPOINT for a nested one). */
type Begin = () => Promise<Connection>
/** Ends it: COMMIT/RELEASE or ROLLBACK, and gives the connection back when it is the outermost. */
type End = (connection: Connection, commit: boolean) => Promise<void>

let endOf: (tx: Transaction, commit: boolean) => Promise<void>
let beginOf: (tx: Transaction) => Promise<Connection>
let stateOf: (tx: Transaction) => 'idle' | 'begun' | 'ended'

/**
 * A transaction: `query`, `one`, `execute`, and `transaction` for a nested one (a savepoint: its failure rolls
 * back only what it did, and the outer transaction goes on).
 *
 * @example
 * await db.transaction(async (tx) => {
 *   const note = await tx.one<{ id: number }>`insert into notes (body) values (${body}) returning id`
 *   await tx.transaction(async (inner) => inner.execute`insert into tags (note, tag) values (${note!.id}, ${tag})`)
 * })
 */
export class Transaction extends Queryable {
  readonly #placeholder: (index: number) => string
  readonly #begin: Begin
  readonly #end: End
  readonly #parent: Transaction | undefined
  readonly #depth: number
  #connection: Promise<Connection> | undefined
  #ended: Promise<void> | undefined
  #child: Transaction | undefined

  /** @internal Use `db.transaction(fn)`, `tx.transaction(fn)` or a route's `inject: ['tx']`. */
  constructor(placeholder: (index: number) => string, begin: Begin, end: End, parent?: Transaction) {
    super(placeholder)
    this.#placeholder = placeholder
    this.#begin = begin
    this.#end = end
    this.#parent = parent
    this.#depth = parent === undefined ? 0 : parent.#depth + 1
  }

  static {
    beginOf = (tx) => (tx.#connection ??= tx.#begin())
    endOf = (tx, commit) => tx.#finish(commit)
    stateOf = (tx) => (tx.#ended !== undefined ? 'ended' : tx.#connection === undefined ? 'idle' : 'begun')
  }

  protected async run<R>(text: string, params: readonly unknown[]): Promise<QueryResult<R>> {
    this.#usable()
    const connection = await beginOf(this)
    return connection.query<R>(text, params)
  }

  /**
   * A nested transaction on the same connection: SAVEPOINT, then RELEASE when `fn` resolves, or ROLLBACK TO
   * (and rethrow) when it throws. While it runs, statements go through the `tx` it received; the outer
   * transaction refuses them (they would silently belong to the savepoint).
   */
  async transaction<T>(fn: (tx: Transaction) => T | Promise<T>): Promise<T> {
    this.#usable()
    const name = `vectora_savepoint_${this.#depth + 1}`
    const child = new Transaction(
      this.#placeholder,
      async () => {
        const connection = await beginOf(this)
        await connection.query(`savepoint ${name}`, [])
        return connection
      },
      async (connection, commit) => {
        if (!commit) await connection.query(`rollback to savepoint ${name}`, [])
        await connection.query(`release savepoint ${name}`, [])
      },
      this,
    )
    this.#child = child
    try {
      return await runTransaction(child, fn)
    } finally {
      this.#child = undefined
    }
  }

  #usable(): void {
    for (let tx: Transaction | undefined = this; tx !== undefined; tx = tx.#parent) {
      if (tx.#ended !== undefined) {
        throw new DatabaseError(
          'DB_TRANSACTION_CLOSED',
          'This transaction already ended: statements after its callback returned, or after its request ended, cannot run in it.',
        )
      }
    }
    if (this.#child !== undefined) {
      throw new Error('@vectora/db: a nested transaction is running on this transaction; run its statements on the tx its callback received.')
    }
  }

  /** Ends the transaction once (later calls join the first); a transaction never begun has nothing to end. */
  #finish(commit: boolean): Promise<void> {
    return (this.#ended ??= (async () => {
      if (this.#connection === undefined) return
      let connection: Connection
      try {
        connection = await this.#connection
      } catch {
        return // BEGIN failed: there is no transaction to end (the connection was given back then)
      }
      await this.#end(connection, commit)
    })())
  }
}

/**
 * An outermost transaction on a connection the driver lends on its first statement. COMMIT failures roll back
 * and rethrow (SQLite keeps a transaction open after a failed COMMIT); a failed ROLLBACK closes the connection,
 * which ends the transaction on the server.
 */
export function createTransaction(driver: Driver): Transaction {
  return new Transaction(
    (index) => driver.placeholder(index),
    async () => {
      const connection = await driver.acquire()
      try {
        await connection.query('begin', [])
      } catch (error) {
        connection.release(error)
        throw error
      }
      return connection
    },
    async (connection, commit) => {
      if (commit) {
        try {
          await connection.query('commit', [])
        } catch (error) {
          await rollback(connection)
          throw error
        }
        connection.release()
        return
      }
      await rollback(connection)
    },
  )
}

async function rollback(connection: Connection): Promise<void> {
  try {
    await connection.query('rollback', [])
    connection.release()
  } catch (error) {
    connection.release(error)
  }
}

/**
 * Runs `fn` in `tx`: begins, then commits when `fn` resolves and returns its value, or rolls back and rethrows
 * `fn`'s error when it throws (a failing ROLLBACK never hides it).
 */
export async function runTransaction<T>(tx: Transaction, fn: (tx: Transaction) => T | Promise<T>): Promise<T> {
  await beginOf(tx)
  let value: T
  try {
    value = await fn(tx)
  } catch (error) {
    await endOf(tx, false).catch(() => {})
    throw error
  }
  await endOf(tx, true)
  return value
}

/** Commits (`true`) or rolls back a transaction, once; for the request-scoped transaction's hooks. */
export function endTransaction(tx: Transaction, commit: boolean): Promise<void> {
  return endOf(tx, commit)
}

/** Whether a transaction has not begun yet, has begun (holds a connection), or ended. */
export function transactionState(tx: Transaction): 'idle' | 'begun' | 'ended' {
  return stateOf(tx)
}
