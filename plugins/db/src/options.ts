/**
 * @module options — what `app.register(db, options)` accepts, its defaults, and its validation: a mistake
 * throws a TypeError naming the option at register() (setup fails with VEC_ERR_PLUGIN_SETUP_FAILED), so a typo
 * can never silently fall back to a default.
 */
import type { Driver } from './driver.js'

/** Options every driver takes. */
export interface CommonOptions {
  /** The service token of the database. Default `db`. */
  token?: string
  /**
   * The token of the request-scoped transaction (`inject: ['tx']`), or `false` for none (no hooks either, so
   * routes keep the pipeline's fast path). Default `tx`.
   */
  txToken?: string | false
  /** The readiness check (`select 1`), named after `token`; `false` for none. Default `{ timeout: 2_000, critical: true }`. */
  healthCheck?: false | { timeout?: number; critical?: boolean }
}

/** The embedded default: one SQLite connection (better-sqlite3) on a file or in memory. */
export interface SqliteOptions extends CommonOptions {
  driver?: 'sqlite'
  /** A file path (created if missing; WAL mode), or `:memory:`. Default `:memory:`. */
  filename?: string
  pool?: {
    /** Ms a caller waits for the connection while a transaction holds it, then DB_POOL_TIMEOUT. Default 5 000. */
    connectionTimeoutMillis?: number
  }
}

/** PostgreSQL through a `pg.Pool` (the `pg` package, installed by the app). */
export interface PostgresOptions extends CommonOptions {
  driver: 'postgres'
  /** `postgres://user:password@host:5432/database`; or the separate fields below (pg's PG* environment variables fill the gaps). */
  connectionString?: string
  host?: string
  port?: number
  user?: string
  password?: string
  database?: string
  /** Passed to pg as is (`true`, or tls options such as `{ ca }`). */
  ssl?: boolean | Record<string, unknown>
  pool?: {
    /** Most connections open at once. Default 10. */
    max?: number
    /** Ms an idle connection stays open. Default 10 000. */
    idleTimeoutMillis?: number
    /** Ms to wait for a free connection or to open one, then DB_POOL_TIMEOUT / DB_UNAVAILABLE. Default 5 000 (pg's own default, 0, waits forever). */
    connectionTimeoutMillis?: number
  }
  /** `statement_timeout` of every connection, ms; 0 = none. Default 30 000. */
  statementTimeout?: number
  /** `application_name` of every connection (pg_stat_activity). Default `vectora`. */
  applicationName?: string
}

/** Your own `Driver` (another database, a wrapped pool). */
export interface CustomDriverOptions extends CommonOptions {
  driver: Driver
}

/** Options of `app.register(db, options)`; none at all is an in-memory SQLite database. */
export type DbOptions = SqliteOptions | PostgresOptions | CustomDriverOptions

/** The options after defaults. */
export interface ResolvedCommon {
  readonly token: string
  readonly txToken: string | false
  readonly healthCheck: false | { timeout: number | undefined; critical: boolean }
}

export interface ResolvedSqlite {
  readonly filename: string
  readonly connectionTimeoutMillis: number
}

export interface ResolvedPostgres {
  readonly connection: Readonly<Pick<PostgresOptions, 'connectionString' | 'host' | 'port' | 'user' | 'password' | 'database' | 'ssl'>>
  readonly max: number
  readonly idleTimeoutMillis: number
  readonly connectionTimeoutMillis: number
  readonly statementTimeout: number
  readonly applicationName: string
}

export type Resolved = ResolvedCommon &
  (
    | { readonly kind: 'sqlite'; readonly sqlite: ResolvedSqlite }
    | { readonly kind: 'postgres'; readonly postgres: ResolvedPostgres }
    | { readonly kind: 'custom'; readonly driver: Driver }
  )

const COMMON = ['driver', 'token', 'txToken', 'healthCheck']
const SQLITE = [...COMMON, 'filename', 'pool']
const POSTGRES = [...COMMON, 'connectionString', 'host', 'port', 'user', 'password', 'database', 'ssl', 'pool', 'statementTimeout', 'applicationName']

/** Validates `options` and applies the defaults. */
export function resolveOptions(options: DbOptions | undefined): Resolved {
  const o = (options ?? {}) as Record<string, unknown>
  if (typeof o !== 'object' || o === null || Array.isArray(o)) throw optionError('options', 'an object', options)
  const common = resolveCommon(o)
  const driver = o.driver ?? 'sqlite'
  if (driver === 'sqlite') {
    known(o, SQLITE)
    const pool = poolOf(o, ['connectionTimeoutMillis'])
    const filename = o.filename ?? ':memory:'
    if (typeof filename !== 'string' || filename === '') throw optionError('filename', "a file path or ':memory:'", filename)
    return {
      ...common,
      kind: 'sqlite',
      sqlite: { filename, connectionTimeoutMillis: ms('pool.connectionTimeoutMillis', pool.connectionTimeoutMillis, 5_000, 1) },
    }
  }
  if (driver === 'postgres') {
    known(o, POSTGRES)
    const pool = poolOf(o, ['max', 'idleTimeoutMillis', 'connectionTimeoutMillis'])
    for (const name of ['connectionString', 'host', 'user', 'password', 'database'] as const) {
      if (o[name] !== undefined && typeof o[name] !== 'string') throw optionError(name, 'a string', o[name])
    }
    if (o.port !== undefined && (!Number.isInteger(o.port) || (o.port as number) < 1 || (o.port as number) > 65_535))
      throw optionError('port', 'a port number', o.port)
    if (o.ssl !== undefined && typeof o.ssl !== 'boolean' && (typeof o.ssl !== 'object' || o.ssl === null))
      throw optionError('ssl', 'a boolean or tls options', o.ssl)
    const applicationName = o.applicationName ?? 'vectora'
    if (typeof applicationName !== 'string') throw optionError('applicationName', 'a string', applicationName)
    const max = pool.max ?? 10
    if (!Number.isInteger(max) || (max as number) < 1) throw optionError('pool.max', 'an integer >= 1', max)
    const { connectionString, host, port, user, password, database, ssl } = o as unknown as PostgresOptions
    return {
      ...common,
      kind: 'postgres',
      postgres: {
        connection: { connectionString, host, port, user, password, database, ssl },
        max: max as number,
        idleTimeoutMillis: ms('pool.idleTimeoutMillis', pool.idleTimeoutMillis, 10_000, 0),
        connectionTimeoutMillis: ms('pool.connectionTimeoutMillis', pool.connectionTimeoutMillis, 5_000, 1),
        statementTimeout: ms('statementTimeout', o.statementTimeout, 30_000, 0),
        applicationName,
      },
    }
  }
  if (typeof driver === 'object' && driver !== null && typeof (driver as Driver).query === 'function' && typeof (driver as Driver).acquire === 'function') {
    known(o, COMMON)
    return { ...common, kind: 'custom', driver: driver as Driver }
  }
  throw optionError('driver', "'sqlite', 'postgres' or a Driver object", driver)
}

function resolveCommon(o: Record<string, unknown>): ResolvedCommon {
  const token = o.token ?? 'db'
  if (typeof token !== 'string' || token === '') throw optionError('token', 'a non-empty string', token)
  const txToken = o.txToken ?? 'tx'
  if (txToken !== false && (typeof txToken !== 'string' || txToken === '' || txToken === token))
    throw optionError('txToken', 'false or a token other than token', txToken)
  const check = o.healthCheck ?? {}
  if (check !== false && (typeof check !== 'object' || check === null)) throw optionError('healthCheck', 'false or { timeout?, critical? }', check)
  if (check === false) return { token, txToken, healthCheck: false }
  const { timeout, critical = true, ...rest } = check as { timeout?: unknown; critical?: unknown }
  if (Object.keys(rest).length > 0) throw optionError(`healthCheck.${Object.keys(rest)[0]}`, 'not set (known: timeout, critical)', 'unknown')
  if (typeof critical !== 'boolean') throw optionError('healthCheck.critical', 'a boolean', critical)
  return { token, txToken, healthCheck: { timeout: timeout === undefined ? undefined : ms('healthCheck.timeout', timeout, 0, 1), critical } }
}

function known(o: Record<string, unknown>, names: readonly string[]): void {
  for (const name of Object.keys(o)) {
    if (!names.includes(name)) throw optionError(name, `one of the options of this driver (${names.join(', ')})`, 'unknown')
  }
}

function poolOf(o: Record<string, unknown>, names: readonly string[]): Record<string, unknown> {
  const pool = o.pool ?? {}
  if (typeof pool !== 'object' || pool === null) throw optionError('pool', `an object { ${names.join(', ')} }`, pool)
  for (const name of Object.keys(pool)) if (!names.includes(name)) throw optionError(`pool.${name}`, `one of ${names.join(', ')}`, 'unknown')
  return pool as Record<string, unknown>
}

function ms(name: string, value: unknown, fallback: number, min: number): number {
  if (value === undefined) return fallback
  if (!Number.isSafeInteger(value) || (value as number) < min) throw optionError(name, `an integer of ms >= ${min}`, value)
  return value as number
}

function optionError(name: string, expected: string, got: unknown): TypeError {
  // Never echo what may hold a secret.
  const secret = name === 'password' || name === 'connectionString'
  const shown = secret ? typeof got : typeof got === 'string' ? JSON.stringify(got) : typeof got === 'object' && got !== null ? 'an object' : String(got)
  return new TypeError(`@vectora/db: option ${name} must be ${expected} (got ${shown}).`)
}
