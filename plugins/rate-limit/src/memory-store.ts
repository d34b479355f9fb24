/**
 * @module memory-store — the default store: GCRA state in a bounded Map, for one process.
 *
 * Bounded: at most `maxKeys` keys. When a new key arrives at the bound, expired keys go first (a key whose
 * TAT has passed holds a full budget, the same as no entry), then the least-recently-used ones. A Map
 * iterates in insertion order and every access re-inserts its key, so the first key is the LRU one.
 * Expired keys are also swept by an unref'd timer, which never keeps the process alive.
 */
import { gcraStep, optionError, toMicros, type GcraPolicy, type GcraStep } from './gcra.js'
import type { RateLimitStore } from './store.js'

/** Options of `memoryStore()`. */
export interface MemoryStoreOptions {
  /** Most keys held at once; past it expired keys, then least-recently-used ones, are dropped. Default 10 000. */
  maxKeys?: number
  /** Milliseconds between sweeps of expired keys. Default 60 000. */
  sweepInterval?: number
  /** The clock, milliseconds since the epoch. Default `Date.now`. Tests inject their own. */
  clock?: () => number
}

/** The memory store; `size` and `sweep()` are there for tests and metrics. */
export interface MemoryStore extends RateLimitStore {
  /** Keys currently held (<= maxKeys). */
  readonly size: number
  readonly maxKeys: number
  /** Drops every expired key now. Returns how many were dropped. */
  sweep(): number
  take(key: string, policy: GcraPolicy): GcraStep
  close(): void
}

/**
 * A store for one process. Every process (and every app) keeps its own budgets: behind a load balancer with
 * N processes a client gets N times the limit — use `redisStore()` to share one budget.
 *
 * @example
 * app.register(rateLimit, { limit: 100, window: 60_000, store: memoryStore({ maxKeys: 50_000 }) })
 */
export function memoryStore(options: MemoryStoreOptions = {}): MemoryStore {
  const maxKeys = options.maxKeys ?? 10_000
  const sweepInterval = options.sweepInterval ?? 60_000
  const clock = options.clock ?? Date.now
  if (!Number.isSafeInteger(maxKeys) || maxKeys < 1) throw optionError('maxKeys', 'an integer >= 1', maxKeys)
  if (!Number.isSafeInteger(sweepInterval) || sweepInterval < 1) throw optionError('sweepInterval', 'an integer of ms >= 1', sweepInterval)
  if (typeof clock !== 'function') throw optionError('clock', 'a function returning milliseconds', clock)

  /** key -> TAT, µs. */
  const tats = new Map<string, number>()
  // A full sweep costs O(size); at the bound it runs at most once per `sweepEvery` new keys, so a flood of
  // distinct keys costs O(1) amortised per request (the timer's sweeps are extra).
  const sweepEvery = Math.max(1, Math.floor(maxKeys / 10))
  let newSinceSweep = sweepEvery
  let timer: NodeJS.Timeout | undefined

  const sweepAt = (now: number): number => {
    let dropped = 0
    for (const [key, tat] of tats) {
      if (tat <= now) {
        tats.delete(key)
        dropped++
      }
    }
    return dropped
  }

  const makeRoom = (now: number): void => {
    if (newSinceSweep >= sweepEvery) {
      newSinceSweep = 0
      sweepAt(now)
    }
    while (tats.size >= maxKeys) tats.delete(tats.keys().next().value as string)
  }

  const startTimer = (): void => {
    timer = setInterval(() => sweepAt(toMicros(clock())), sweepInterval)
    timer.unref()
  }

  return {
    maxKeys,
    get size() {
      return tats.size
    },
    take(key, policy) {
      if (timer === undefined) startTimer()
      const now = toMicros(clock())
      const stored = tats.get(key)
      if (stored === undefined) {
        if (tats.size >= maxKeys) makeRoom(now)
        newSinceSweep++
      } else {
        tats.delete(key) // re-inserted below: the key becomes the most recently used
      }
      const { step, tat } = gcraStep(stored, now, policy)
      // Refused or not, the TAT is ahead of now after a step: the key goes back in as the most recent one,
      // so a client hammering a refused key is never the one evicted (eviction would refill its budget).
      if (tat > now) tats.set(key, tat)
      return step
    },
    sweep: () => sweepAt(toMicros(clock())),
    close() {
      clearInterval(timer)
      timer = undefined
    },
  }
}
