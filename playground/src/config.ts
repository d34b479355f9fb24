/**
 * @module playground/config — the playground's settings: read once from the environment (`loadConfig`), checked,
 * with the embedded defaults (a SQLite file under playground/data/, in-memory rate-limit stores, a JWT secret
 * generated per start in development). Tests build a `PlaygroundConfig` directly.
 */
import { randomBytes } from 'node:crypto'
import { fileURLToPath } from 'node:url'

/**
 * One rate limit: `limit` requests per `window` ms.
 *
 * @example
 * const authLimit: Limit = { limit: 20, window: 60_000 }
 */
export interface Limit {
  readonly limit: number
  readonly window: number
}

/**
 * Everything `buildApp()` needs. Every field is required: `loadConfig()` fills the defaults from the
 * environment; tests write what they mean.
 *
 * @example
 * const config: PlaygroundConfig = { ...defaultConfig(), database: ':memory:', admins: ['root'] }
 */
export interface PlaygroundConfig {
  /** The SQLite file (created with its folder if missing), or `':memory:'`. */
  readonly database: string
  /** The HS256 secret tokens are signed with: at least 32 bytes. */
  readonly jwtSecret: string
  /** How long a token from `POST /auth/login` lives, seconds. */
  readonly tokenTtl: number
  /** Usernames that get the `admin` role when they log in. */
  readonly admins: readonly string[]
  /** Page origins allowed by CORS (`https://notes.example.com`), or `'loopback'`: any `http://localhost:*` / `http://127.0.0.1:*` page. */
  readonly origins: readonly string[] | 'loopback'
  /** Per client IP, every route. */
  readonly ipLimit: Limit
  /** Per client IP, on top of `ipLimit`: `POST /auth/signup` and `POST /auth/login` (password guessing). */
  readonly authLimit: Limit
  /** Per signed-in user (the token's subject): `/me`, `/notes`, `/admin`. */
  readonly userLimit: Limit
  /** Lowest level logged: `error`, `warn`, `info`, `debug`. */
  readonly logLevel: 'error' | 'warn' | 'info' | 'debug'
  /** Error replies carry messages and stacks. */
  readonly development: boolean
}

/**
 * What `loadConfig()` found worth telling the operator (logged as warnings once the logger is set up).
 *
 * @example
 * for (const w of warnings) app.log.warn(w.message, { code: w.code })
 */
export interface ConfigWarning {
  readonly code: string
  readonly message: string
}

/**
 * A setting in the environment is wrong; `code` is `PLAYGROUND_CONFIG_INVALID` and the message names the variable
 * and what to write instead.
 *
 * @example
 * try { loadConfig({ PORT: 'eighty' }) } catch (error) { console.error((error as PlaygroundConfigError).message) }
 */
export class PlaygroundConfigError extends Error {
  readonly code = 'PLAYGROUND_CONFIG_INVALID'
  constructor(message: string) {
    super(message)
    this.name = 'PlaygroundConfigError'
  }
}

/**
 * Where the SQLite file lives by default: playground/data/playground.db.
 *
 * @example
 * mkdirSync(dirname(DEFAULT_DATABASE), { recursive: true })
 */
export const DEFAULT_DATABASE = fileURLToPath(new URL('../data/playground.db', import.meta.url))

const USERNAME = /^[a-z0-9_-]{3,32}$/
const LEVELS = ['error', 'warn', 'info', 'debug'] as const
// A serialized origin as browsers send it: scheme://host[:port], no path, no trailing slash.
const ORIGIN = /^https?:\/\/[a-z0-9.-]+(:\d{1,5})?$/

/**
 * The defaults, with a fresh random JWT secret: what `npm start` runs on when nothing is set.
 *
 * @example
 * const config = { ...defaultConfig(), database: ':memory:' }
 */
export function defaultConfig(): PlaygroundConfig {
  return {
    database: DEFAULT_DATABASE,
    jwtSecret: randomBytes(32).toString('base64url'),
    tokenTtl: 3_600,
    admins: [],
    origins: 'loopback',
    ipLimit: { limit: 600, window: 60_000 },
    authLimit: { limit: 20, window: 60_000 },
    userLimit: { limit: 300, window: 60_000 },
    logLevel: 'info',
    development: false,
  }
}

/**
 * Where to listen.
 *
 * @example
 * await app.listen(listen) // { host: '127.0.0.1', port: 3000 }
 */
export interface ListenConfig {
  readonly host: string
  readonly port: number
}

/**
 * Reads the settings from `env` (see the README's table). Throws a `PlaygroundConfigError` naming the variable
 * when one is wrong. Without `JWT_SECRET` a secret is generated (tokens then die with the process) and a warning
 * says so — except with `NODE_ENV=production`, where a missing secret is an error.
 *
 * @example
 * const { config, listen, warnings } = loadConfig(process.env)
 */
export function loadConfig(env: NodeJS.ProcessEnv): { config: PlaygroundConfig; listen: ListenConfig; warnings: ConfigWarning[] } {
  const defaults = defaultConfig()
  const warnings: ConfigWarning[] = []
  const production = env.NODE_ENV === 'production'

  let jwtSecret = env.JWT_SECRET
  if (jwtSecret === undefined || jwtSecret === '') {
    if (production) {
      throw new PlaygroundConfigError(
        "JWT_SECRET is not set and NODE_ENV is production: set it to at least 32 random bytes, e.g. JWT_SECRET=$(node -e \"console.log(require('node:crypto').randomBytes(32).toString('base64url'))\").",
      )
    }
    jwtSecret = defaults.jwtSecret
    warnings.push({
      code: 'PLAYGROUND_JWT_SECRET_GENERATED',
      message:
        'JWT_SECRET is not set: tokens are signed with a secret generated for this start, so they stop working when the process restarts. Set JWT_SECRET (32 bytes or more) to keep them.',
    })
  } else if (Buffer.byteLength(jwtSecret) < 32) {
    throw new PlaygroundConfigError(
      `JWT_SECRET must be at least 32 bytes (got ${Buffer.byteLength(jwtSecret)}): a short secret can be brute-forced from one token.`,
    )
  }

  const admins = list(env.PLAYGROUND_ADMINS)
  for (const name of admins) {
    if (!USERNAME.test(name))
      throw new PlaygroundConfigError(`PLAYGROUND_ADMINS: "${name}" is not a username (3-32 of a-z, 0-9, _ and -); separate names with commas.`)
  }
  const originList = list(env.PLAYGROUND_ORIGINS)
  for (const origin of originList) {
    if (!ORIGIN.test(origin)) {
      throw new PlaygroundConfigError(
        `PLAYGROUND_ORIGINS: "${origin}" is not an origin: write scheme://host[:port] in lower case, without a path or trailing slash (http://localhost:5173).`,
      )
    }
  }
  const logLevel = env.LOG_LEVEL ?? defaults.logLevel
  if (!(LEVELS as readonly string[]).includes(logLevel)) throw new PlaygroundConfigError(`LOG_LEVEL must be one of ${LEVELS.join(', ')} (got "${logLevel}").`)

  const config: PlaygroundConfig = {
    database: env.PLAYGROUND_DB === undefined || env.PLAYGROUND_DB === '' ? defaults.database : env.PLAYGROUND_DB,
    jwtSecret,
    tokenTtl: integer(env, 'PLAYGROUND_TOKEN_TTL', defaults.tokenTtl, 60, 86_400),
    admins,
    origins: originList.length === 0 ? 'loopback' : originList,
    ipLimit: { limit: integer(env, 'PLAYGROUND_IP_LIMIT', defaults.ipLimit.limit, 1, 1_000_000), window: 60_000 },
    authLimit: { limit: integer(env, 'PLAYGROUND_AUTH_LIMIT', defaults.authLimit.limit, 1, 1_000_000), window: 60_000 },
    userLimit: { limit: integer(env, 'PLAYGROUND_USER_LIMIT', defaults.userLimit.limit, 1, 1_000_000), window: 60_000 },
    logLevel: logLevel as PlaygroundConfig['logLevel'],
    development: env.NODE_ENV === 'development',
  }
  const listen = { host: env.HOST === undefined || env.HOST === '' ? '127.0.0.1' : env.HOST, port: integer(env, 'PORT', 3_000, 0, 65_535) }
  return { config, listen, warnings }
}

/** A comma-separated list, blanks dropped. */
function list(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '')
}

function integer(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name]
  if (raw === undefined || raw === '') return fallback
  const value = Number(raw)
  if (!/^\d+$/.test(raw) || !Number.isSafeInteger(value) || value < min || value > max) {
    throw new PlaygroundConfigError(`${name} must be an integer from ${min} to ${max} (got ${JSON.stringify(raw)}).`)
  }
  return value
}
