/**
 * @module config — the app's settings, read once from environment variables (see README "Configuration"),
 * checked, with a message that names the variable and says what to set when one is wrong.
 */
import type { LogLevel } from '@vectora/logger'

/** Everything the app reads from its environment. Tests build one with `loadConfig({ ... })`. */
export interface Config {
  /** Interface to listen on (`HOST`, default 127.0.0.1; 0.0.0.0 in a container). */
  readonly host: string
  /** Port to listen on (`PORT`, default 3000; 0 picks a free one). */
  readonly port: number
  /** The SQLite file (`DB_FILE`, default data/notes.db), or `:memory:`. */
  readonly dbFile: string
  /** HMAC secret the tokens are signed and verified with (`JWT_SECRET`, 32 bytes or more). */
  readonly jwtSecret: string
  /** True when `JWT_SECRET` was not set and the development secret is in use (refused in production). */
  readonly devSecret: boolean
  /** Origins whose pages may call the API from a browser (`CORS_ORIGINS`, comma-separated). */
  readonly corsOrigins: readonly string[]
  /** Requests per minute per client IP (`RATE_LIMIT`, default 100). */
  readonly rateLimit: number
  /** Lowest log level written (`LOG_LEVEL`, default info). */
  readonly logLevel: LogLevel
  /** Whether `/docs` (Swagger UI) is served (`DOCS`, default on outside production). */
  readonly docs: boolean
  /** `NODE_ENV=production`: no stack traces in logs, no development secret. */
  readonly production: boolean
}

/** A setting that is missing or wrong; `main.ts` prints its message and exits 1. */
export class ConfigError extends Error {
  /** Stable, for scripts and tests. */
  readonly code = 'CONFIG_INVALID'
  override readonly name = 'ConfigError'
}

/** Used when JWT_SECRET is not set outside production: anyone can read it here, so it protects nothing. */
export const DEV_JWT_SECRET = 'dev-only-secret-not-for-production-0123456789'

const LOG_LEVELS: readonly LogLevel[] = ['error', 'warn', 'info', 'http', 'verbose', 'debug', 'silly']

/**
 * Reads and checks the settings.
 *
 * @example
 * const config = loadConfig(process.env)
 * const testConfig = loadConfig({ DB_FILE: ':memory:', JWT_SECRET: 'a-test-secret-of-at-least-32-bytes!' })
 */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const production = env.NODE_ENV === 'production'
  const secret = env.JWT_SECRET
  if (secret === undefined && production) {
    throw new ConfigError(
      'JWT_SECRET is required when NODE_ENV=production. Set it to 32 random bytes or more, e.g. the output of ' +
        `node -e "console.log(require('node:crypto').randomBytes(32).toString('base64url'))".`,
    )
  }
  if (secret !== undefined && Buffer.byteLength(secret) < 32) {
    throw new ConfigError(`JWT_SECRET is ${Buffer.byteLength(secret)} bytes long; HS256 needs 32 bytes or more. Use a longer random value.`)
  }
  return {
    host: env.HOST ?? '127.0.0.1',
    port: integer(env, 'PORT', 3000, 0, 65_535),
    dbFile: env.DB_FILE ?? 'data/notes.db',
    jwtSecret: secret ?? DEV_JWT_SECRET,
    devSecret: secret === undefined,
    corsOrigins: origins(env.CORS_ORIGINS ?? 'http://localhost:5173'),
    rateLimit: integer(env, 'RATE_LIMIT', 100, 1, 1_000_000),
    logLevel: logLevel(env.LOG_LEVEL ?? 'info'),
    docs: flag(env, 'DOCS', !production),
    production,
  }
}

function integer(env: Record<string, string | undefined>, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name]
  if (raw === undefined || raw === '') return fallback
  const value = Number(raw)
  if (!/^\d+$/.test(raw) || value < min || value > max) {
    throw new ConfigError(`${name} must be an integer from ${min} to ${max} (got ${JSON.stringify(raw)}).`)
  }
  return value
}

function flag(env: Record<string, string | undefined>, name: string, fallback: boolean): boolean {
  const raw = env[name]
  if (raw === undefined || raw === '') return fallback
  if (raw === 'true' || raw === '1') return true
  if (raw === 'false' || raw === '0') return false
  throw new ConfigError(`${name} must be true or false (got ${JSON.stringify(raw)}).`)
}

function logLevel(raw: string): LogLevel {
  const level = LOG_LEVELS.find((l) => l === raw)
  if (level === undefined) throw new ConfigError(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')} (got ${JSON.stringify(raw)}).`)
  return level
}

/** `https://a.example, https://b.example` -> the list; each must be a serialized origin (no path, no trailing slash). */
function origins(raw: string): string[] {
  const list = raw
    .split(',')
    .map((origin) => origin.trim())
    .filter((origin) => origin !== '')
  if (list.length === 0) throw new ConfigError('CORS_ORIGINS must name at least one origin, e.g. https://app.example.com.')
  for (const origin of list) {
    let serialized: string | undefined
    try {
      serialized = new URL(origin).origin
    } catch {}
    if (serialized !== origin) {
      throw new ConfigError(
        `CORS_ORIGINS: "${origin}" is not an origin. Write scheme://host[:port] with no path or trailing slash` +
          (serialized && serialized !== 'null' ? `, e.g. ${serialized}.` : '.'),
      )
    }
  }
  return list
}
