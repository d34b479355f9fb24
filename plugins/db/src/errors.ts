/**
 * @module errors — the database errors, one catalogue of stable codes: each is an `HttpError` (problem+json with
 * its status when a request sees it) whose message is public and never holds a value, a password or a host.
 *
 * The driver's own error is kept as `cause` (logged by the core for a 5xx), but only after `safeCause()` rebuilt
 * it from parts that hold no parameter values: PostgreSQL echoes a bad value in the message of a data exception
 * (`invalid input syntax for type integer: "…"`) and in `detail` (`Key (email)=(…) already exists`).
 */
import { HttpError } from 'vectora'

/** The codes, their status, and whether a client should retry (then the reply carries `retry-after: 1`). */
const CODES = {
  /** onReady could not connect, or `select 1` failed: a boot error naming the database. */
  DB_CONNECT_FAILED: { status: 503, retry: true },
  /** `driver: 'postgres'` without the `pg` package installed. */
  DB_DRIVER_MISSING: { status: 500, retry: false },
  /** Every pooled connection stayed busy for `connectionTimeoutMillis`. */
  DB_POOL_TIMEOUT: { status: 503, retry: true },
  /** The server refused or dropped the connection, is starting or shutting down. */
  DB_UNAVAILABLE: { status: 503, retry: true },
  /** The statement ran past `statementTimeout` (PostgreSQL cancelled it). Retrying the same query rarely helps. */
  DB_STATEMENT_TIMEOUT: { status: 503, retry: false },
  /** Any other error of a statement: a syntax error, a constraint, a bad value. */
  DB_QUERY_FAILED: { status: 500, retry: false },
  /** A statement on a transaction that already committed or rolled back (its callback or request ended). */
  DB_TRANSACTION_CLOSED: { status: 500, retry: false },
  /** A statement before the database opened (onReady) or after it closed (onClose). */
  DB_CLOSED: { status: 503, retry: true },
} as const satisfies Record<string, { status: number; retry: boolean }>

/** A stable code of `DatabaseError`. */
export type DatabaseErrorCode = keyof typeof CODES

/**
 * What every database failure is. `code` is stable; `status` is the HTTP status a request answers with.
 *
 * @example
 * try {
 *   await db.query`select 1`
 * } catch (error) {
 *   if (isDatabaseError(error, 'DB_UNAVAILABLE')) console.log('down; the client got 503 with retry-after')
 * }
 */
export class DatabaseError extends HttpError {
  constructor(code: DatabaseErrorCode, message: string, cause?: unknown) {
    const { status, retry } = CODES[code]
    super(status, message, { code, cause: cause === undefined ? undefined : safeCause(cause), headers: retry ? { 'retry-after': 1 } : undefined })
    this.name = 'DatabaseError'
  }
}

/**
 * True for a `DatabaseError`, of `code` when given.
 *
 * @example
 * if (isDatabaseError(error, 'DB_POOL_TIMEOUT')) metrics.poolTimeouts.inc()
 */
export function isDatabaseError(error: unknown, code?: DatabaseErrorCode): error is DatabaseError {
  return error instanceof DatabaseError && (code === undefined || error.code === code)
}

/**
 * A copy of a driver error safe to log: its name, message and `code` (SQLSTATE or errno), the constraint it
 * names; no `detail`, no values. PostgreSQL data exceptions (SQLSTATE class 22) quote the offending value in
 * their message, so quoted parts of those messages are replaced by `"…"`.
 */
export function safeCause(error: unknown): Error {
  if (error instanceof DatabaseError) return error
  if (!(error instanceof Error)) return new Error('a non-error value was thrown')
  const code = (error as { code?: unknown }).code
  // An AggregateError (a host with several addresses, all refused) has an empty message: take its first error's.
  const first = (error as { errors?: unknown[] }).errors?.[0]
  const text = error.message || (first instanceof Error ? first.message : '')
  const message = typeof code === 'string' && code.startsWith('22') ? text.replace(/"[^"]*"/g, '"…"') : text
  const safe = new Error(message)
  safe.name = error.name
  if (typeof code === 'string' || typeof code === 'number') Object.assign(safe, { code })
  const constraint = (error as { constraint?: unknown }).constraint
  if (typeof constraint === 'string') Object.assign(safe, { constraint })
  return safe
}
