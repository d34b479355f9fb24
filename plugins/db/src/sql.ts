/**
 * @module sql — the tagged template: every `${value}` is a parameter, never text of the statement.
 *
 * A `Sql` keeps the literal parts and the values apart until a driver compiles it with its own placeholders
 * (`$1, $2` for PostgreSQL, `?` for SQLite): no value ever reaches the SQL text, so no value can change what
 * the statement does. A `Sql` inside another is spliced in with its values, which is how statements are
 * composed; there is deliberately no way to splice raw text (identifiers such as table names are written
 * in the template itself).
 */

/**
 * A parameterized statement or fragment: `strings.length === values.length + 1`.
 *
 * @example
 * const byAuthor = sql`author = ${author}`
 * const statement = sql`select id from notes where ${byAuthor} and archived = ${false}`
 * statement.values // [author, false]
 */
export class Sql {
  readonly strings: readonly string[]
  readonly values: readonly unknown[]

  /** Use the `sql` tag; this constructor trusts its arguments. */
  constructor(strings: readonly string[], values: readonly unknown[]) {
    this.strings = strings
    this.values = values
  }
}

/**
 * Tags a template as a parameterized statement or fragment; nested `Sql` values are spliced in.
 *
 * @example
 * const rows = await db.query(sql`select id, body from notes where id = ${id}`)
 */
export function sql(strings: TemplateStringsArray, ...values: unknown[]): Sql {
  const parts = [strings[0]!]
  const params: unknown[] = []
  for (let i = 0; i < values.length; i++) {
    const value = values[i]
    if (value instanceof Sql) {
      parts[parts.length - 1] += value.strings[0]
      for (let j = 0; j < value.values.length; j++) {
        params.push(value.values[j])
        parts.push(value.strings[j + 1]!)
      }
      parts[parts.length - 1] += strings[i + 1]
    } else {
      params.push(value)
      parts.push(strings[i + 1]!)
    }
  }
  return new Sql(parts, params)
}

/**
 * `items` joined by `separator` (default `, `), each a parameter unless it is a `Sql` itself: an `in` list,
 * a multi-row `values` clause.
 *
 * @example
 * await db.query`select id from notes where id in (${join(ids)})`
 */
export function join(items: readonly unknown[], separator: Sql = sql`, `): Sql {
  if (items.length === 0) throw new TypeError('join() needs at least one item: `in ()` is not valid SQL.')
  let out = sql`${items[0]}`
  for (let i = 1; i < items.length; i++) out = sql`${out}${separator}${items[i]}`
  return out
}

/** A statement as a driver runs it: text with placeholders, and the values in order. */
export interface Statement {
  readonly text: string
  readonly params: readonly unknown[]
}

/**
 * Compiles `query` with a driver's placeholders (`(n) => '$' + n`, 1-based).
 *
 * @example
 * compile(sql`select ${1} + ${2}`, (n) => `$${n}`) // { text: 'select $1 + $2', params: [1, 2] }
 */
export function compile(query: Sql, placeholder: (index: number) => string): Statement {
  let text = query.strings[0]!
  for (let i = 0; i < query.values.length; i++) text += placeholder(i + 1) + query.strings[i + 1]
  return { text, params: query.values }
}

/**
 * The statement of a `query`/`one`/`execute` call: a tagged template, a `Sql`, or text in the driver's own
 * placeholder syntax with its parameters (required, `[]` for none, so that no call reads as string building).
 */
export function toStatement(args: readonly unknown[], placeholder: (index: number) => string): Statement {
  const [first, ...rest] = args
  if (first instanceof Sql) return compile(first, placeholder)
  if (Array.isArray(first) && Array.isArray((first as unknown as TemplateStringsArray).raw)) {
    return compile(sql(first as unknown as TemplateStringsArray, ...rest), placeholder)
  }
  if (typeof first === 'string') {
    if (!Array.isArray(rest[0]) || rest.length !== 1) {
      throw new TypeError('query(text, params) takes the parameters as one array ([] for none); or use the tagged template, db.query`…`.')
    }
    return { text: first, params: rest[0] }
  }
  throw new TypeError('query() takes a tagged template (db.query`select …`), a sql`…` fragment, or (text, params).')
}
