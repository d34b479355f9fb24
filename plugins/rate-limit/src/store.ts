/** @module store — what a rate-limit store does: one atomic GCRA step per request, per key. */
import type { GcraPolicy, GcraStep } from './gcra.js'

/**
 * Where GCRA state lives. `take` must apply one step of `gcraStep` (gcra.ts) to `key` atomically — two
 * concurrent requests for one key must never both see the old TAT — and let the key expire once its TAT
 * has passed. It may reject (a store that cannot answer): the plugin then applies `onStoreError`.
 *
 * `memoryStore()` and `redisStore()` implement it; the same contract suite runs against both.
 *
 * @example
 * const store: RateLimitStore = memoryStore({ maxKeys: 50_000 })
 * const step = await store.take('login:ip:203.0.113.9', createGcraPolicy({ limit: 5, window: 60_000 }))
 * step.allowed // true
 */
export interface RateLimitStore {
  /** One atomic GCRA step for `key` under `policy`. */
  take(key: string, policy: GcraPolicy): GcraStep | Promise<GcraStep>
  /** Called from the app's onReady: connect, warm up. A failure is logged, never fatal (see onStoreError). */
  ready?(): Promise<void>
  /**
   * A readiness check (`app.healthCheck`): resolves while the store answers, throws when it does not. A store
   * in another process (Redis) has one; the plugin registers it as `rate-limit:<policyName>`, critical only
   * with `onStoreError: 'closed'` (with `'open'` requests pass while the store is down).
   */
  check?(signal: AbortSignal): Promise<unknown>
  /** Called from the app's onClose: release timers and connections the store owns. Idempotent. */
  close?(): void | Promise<void>
  /** Configuration problems worth a warning at startup (e.g. a Redis client with an offline queue). */
  readonly warnings?: readonly string[]
  /**
   * True when the counts live in this JavaScript thread's memory (`memoryStore()`): with
   * `createApp({ workers: N })` each thread counts alone, and the plugin warns at startup.
   */
  readonly perThread?: boolean
}
