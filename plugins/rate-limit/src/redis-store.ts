/**
 * @module redis-store — GCRA state in Redis, shared by every process of an app: one Lua script per request.
 *
 * The script (registered with ioredis' `defineCommand`, so it runs by EVALSHA) reads the TAT, applies the
 * GCRA step and stores the new TAT with its expiry, atomically: concurrent requests from several processes
 * never both consume the same unit. It reads the time from Redis (`TIME`), so the processes' clocks do not
 * have to agree.
 *
 * Failing fast matters more than retrying: a rate limiter that waits for Redis stalls every request behind
 * it (fastify-rate-limit#84: ioredis' offline queue held commands while Redis was down). A client this store
 * creates has no offline queue and a command timeout; every `take` also has its own deadline, so a
 * user-supplied client cannot hang requests either. A failure rejects, and the plugin applies `onStoreError`.
 */
import { createRequire } from 'node:module'
import type { Cluster, Redis, RedisOptions } from 'ioredis'
import { optionError, type GcraPolicy, type GcraStep } from './gcra.js'
import type { RateLimitStore } from './store.js'

/** Options of `redisStore()`: give `client` or `url`. */
export interface RedisStoreOptions {
  /**
   * Your ioredis client (Redis or Cluster). Create it with `enableOfflineQueue: false` and a small
   * `maxRetriesPerRequest` (e.g. 1): with the offline queue, commands issued while Redis is down wait for
   * it instead of failing. Left open by the store: you close it.
   */
  client?: Redis | Cluster
  /** A `redis://` URL: the store creates (and closes) a fail-fast client. */
  url?: string
  /** Extra ioredis options for the client created from `url` (the fail-fast defaults apply first). */
  redisOptions?: RedisOptions
  /** Prefix of every key. Default `vectora:rl:`. */
  prefix?: string
  /** Milliseconds a step may take before it counts as a store failure. Default 500. */
  timeout?: number
}

/** The Redis store; `client` is exposed for health checks and tests. */
export interface RedisStore extends RateLimitStore {
  readonly client: Redis | Cluster
  readonly prefix: string
  take(key: string, policy: GcraPolicy): Promise<GcraStep>
  ready(): Promise<void>
  close(): Promise<void>
}

/**
 * The GCRA step of gcra.ts in Lua. KEYS[1] key; ARGV[1] interval µs; ARGV[2] tolerance µs.
 * Returns { allowed (1|0), tat - now (µs) }. `string.format('%.0f')`: Lua's tostring would write a TAT
 * of ~1.7e15 µs in exponent form and lose digits.
 */
const GCRA_LUA = `
if redis.replicate_commands then redis.replicate_commands() end
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000000 + tonumber(time[2])
local interval = tonumber(ARGV[1])
local tolerance = tonumber(ARGV[2])
local stored = redis.call('GET', KEYS[1])
local tat = now
if stored then
  local value = tonumber(stored)
  if value ~= nil and value > now then tat = value end
end
local nextTat = tat + interval
if nextTat - now <= tolerance then
  -- SET ... PX: the new TAT and its PEXPIRE in one command; past it the key holds a full budget.
  redis.call('SET', KEYS[1], string.format('%.0f', nextTat), 'PX', math.max(1, math.ceil((nextTat - now) / 1000)))
  return { 1, nextTat - now }
end
return { 0, tat - now }
`

/** The command name on the ioredis client (a method added by defineCommand). */
const COMMAND = 'vectoraRateLimitGcra'

type ScriptClient = { [COMMAND]: (key: string, interval: number, tolerance: number) => Promise<[number, number]> }

/**
 * A store shared through Redis: every process using the same Redis, prefix and policy name shares one budget
 * per key. Prefer `url` (the store creates a fail-fast client); with `client`, configure it as documented.
 *
 * @example
 * import { Redis } from 'ioredis'
 * const client = new Redis('redis://127.0.0.1:6379', { enableOfflineQueue: false, maxRetriesPerRequest: 1 })
 * app.register(rateLimit, { limit: 100, window: 60_000, store: redisStore({ client, prefix: 'myapp:rl:' }) })
 */
export function redisStore(options: RedisStoreOptions): RedisStore {
  if (options === null || typeof options !== 'object') throw optionError('redisStore', 'an object with client or url', options)
  const { url, prefix = 'vectora:rl:', timeout = 500 } = options
  if ((options.client === undefined) === (url === undefined)) throw optionError('redisStore', 'given exactly one of client and url', 'both or neither')
  if (typeof prefix !== 'string') throw optionError('prefix', 'a string', prefix)
  if (!Number.isSafeInteger(timeout) || timeout < 1) throw optionError('timeout', 'an integer of ms >= 1', timeout)
  if (url !== undefined && typeof url !== 'string') throw optionError('url', 'a redis:// URL string', url)

  const owned = options.client === undefined
  const client: Redis | Cluster =
    options.client ??
    new (loadIoredis())(url!, {
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      connectTimeout: 2_000,
      commandTimeout: timeout,
      lazyConnect: true,
      ...options.redisOptions,
    })
  if (typeof (client as { defineCommand?: unknown }).defineCommand !== 'function') {
    throw optionError('client', 'an ioredis client (Redis or Cluster)', client)
  }
  // An owned client reports each failure through the rejected command; without a listener ioredis would
  // also print every reconnect error.
  if (owned) client.on('error', () => {})
  client.defineCommand(COMMAND, { numberOfKeys: 1, lua: GCRA_LUA })

  const warnings: string[] = []
  const clientOptions = (client as { options?: { enableOfflineQueue?: boolean } }).options
  if (!owned && clientOptions?.enableOfflineQueue !== false) {
    warnings.push(
      'the Redis client has an offline queue (enableOfflineQueue): while Redis is down, steps wait until ' +
        `their ${timeout} ms timeout instead of failing at once, and the queue grows. Create it with enableOfflineQueue: false.`,
    )
  }
  let closed = false

  return {
    client,
    prefix,
    warnings,
    async take(key, policy) {
      const command = (client as unknown as ScriptClient)[COMMAND](prefix + key, policy.interval, policy.tolerance)
      const [allowed, ahead] = await deadline(command, timeout)
      return { allowed: allowed === 1, ahead: Number(ahead) }
    },
    async ready() {
      if (client.status === 'ready') return
      if (client.status === 'wait') {
        await client.connect()
        return
      }
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => {
          client.off('ready', onReady)
          reject(new Error(`Redis is not ready after ${timeout * 4} ms (status ${client.status}).`))
        }, timeout * 4)
        const onReady = (): void => {
          clearTimeout(timer)
          resolve()
        }
        client.once('ready', onReady)
      })
    },
    async check() {
      // PING through the same client and under the same deadline as a rate-limit step.
      await deadline(client.ping(), timeout)
    },
    async close() {
      if (!owned || closed) return
      closed = true
      if (client.status === 'ready') await client.quit().catch(() => client.disconnect())
      else client.disconnect()
    },
  }
}

/** Rejects when `promise` takes longer than `ms` (a user's client may queue or hang; requests must not). */
function deadline<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`The Redis rate-limit step got no answer within ${ms} ms.`)), ms)
    timer.unref()
  })
  promise.catch(() => {}) // a late rejection after the deadline is not unhandled
  return Promise.race([promise, late]).finally(() => clearTimeout(timer))
}

/**
 * ioredis, loaded only to create a client from `url`: an app on the memory store, or one passing its own
 * client, never loads it through this package.
 */
function loadIoredis(): typeof Redis {
  return (createRequire(import.meta.url)('ioredis') as { Redis: typeof Redis }).Redis
}
