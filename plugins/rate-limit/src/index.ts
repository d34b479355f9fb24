/**
 * @module @vectora/rate-limit — rate limiting for Vectora: GCRA, the IETF RateLimit fields, a bounded memory
 * store and a Redis store shared by every process. Named exports only.
 *
 * @example
 * import { createApp } from 'vectora'
 * import { rateLimit } from '@vectora/rate-limit'
 * const app = createApp()
 * app.register(rateLimit, { limit: 100, window: 60_000 })
 */
export { rateLimit, QUOTA_EXCEEDED } from './rate-limit.js'
export type { RateLimitOptions } from './rate-limit.js'
export { memoryStore } from './memory-store.js'
export type { MemoryStore, MemoryStoreOptions } from './memory-store.js'
export { redisStore } from './redis-store.js'
export type { RedisStore, RedisStoreOptions } from './redis-store.js'
export { createGcraPolicy, gcraStep, toDecision } from './gcra.js'
export type { GcraPolicy, GcraStep, RateLimitDecision } from './gcra.js'
export type { RateLimitStore } from './store.js'
export type { KeyStrategy } from './key.js'
