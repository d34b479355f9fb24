/**
 * @module queryable — the statement methods the database and its transactions share: `query` (rows), `one`
 * (the first row) and `execute` (the count of rows changed), each taking a tagged template, a `sql` fragment,
 * or text in the driver's placeholder syntax with its parameters.
 */
import type { QueryResult, Row } from './driver.js'
import { type Sql, toStatement } from './sql.js'

/**
 * What runs statements: the `db` service and every transaction.
 *
 * @example
 * const notes = await db.query<{ id: number; body: string }>`select id, body from notes where author = ${author}`
 * const note = await db.one`select id, body from notes where id = ${id}` // or undefined
 * const { rowCount } = await db.execute`delete from notes where id = ${id}`
 */
export abstract class Queryable {
  readonly #placeholder: (index: number) => string

  protected constructor(placeholder: (index: number) => string) {
    this.#placeholder = placeholder
  }

  /** Runs one compiled statement; the subclass decides on which connection. */
  protected abstract run<R>(text: string, params: readonly unknown[]): Promise<QueryResult<R>>

  /** The rows of a statement, as plain objects. */
  query<R = Row>(strings: TemplateStringsArray, ...values: unknown[]): Promise<R[]>
  query<R = Row>(statement: Sql): Promise<R[]>
  /** Text in the driver's own placeholders (`$1` for PostgreSQL, `?` for SQLite) and its parameters (`[]` for none). */
  query<R = Row>(text: string, params: readonly unknown[]): Promise<R[]>
  async query(...args: unknown[]): Promise<unknown[]> {
    const { text, params } = toStatement(args, this.#placeholder)
    return (await this.run(text, params)).rows
  }

  /** The first row of a statement, or undefined when it returned none. */
  one<R = Row>(strings: TemplateStringsArray, ...values: unknown[]): Promise<R | undefined>
  one<R = Row>(statement: Sql): Promise<R | undefined>
  one<R = Row>(text: string, params: readonly unknown[]): Promise<R | undefined>
  async one(...args: unknown[]): Promise<unknown> {
    const { text, params } = toStatement(args, this.#placeholder)
    return (await this.run(text, params)).rows[0]
  }

  /** Runs a statement for its effect: how many rows it inserted, updated or deleted. */
  execute(strings: TemplateStringsArray, ...values: unknown[]): Promise<{ rowCount: number }>
  execute(statement: Sql): Promise<{ rowCount: number }>
  execute(text: string, params: readonly unknown[]): Promise<{ rowCount: number }>
  async execute(...args: unknown[]): Promise<{ rowCount: number }> {
    const { text, params } = toStatement(args, this.#placeholder)
    return { rowCount: (await this.run(text, params)).rowCount }
  }
}
