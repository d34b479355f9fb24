/**
 * @module memory-store — the default store: GCRA state in a bounded Map, for one process.
 *
 * Bounded: at most `maxKeys` keys. When a new key arrives at the bound, expired keys go first (a key whose
 * TAT has passed holds a full budget, the same as no entry), then the least-recently-used ones. Entries are
 * found by a Map and kept in a doubly linked list from the least to the most recently used: an access moves
 * its entry to the end and updates its TAT in place, one Map lookup and no allocation (re-inserting into the
 * Map would hash the key twice more, and leave the old Map pointing at a new key and number per request,
 * which the young-generation GC must then copy). Expired keys are also swept by an unref'd timer, which
 * never keeps the process alive.
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

/** A key's state: its TAT (µs), and its neighbours in the recency list. */
interface Entry {
  readonly key: string
  tat: number
  prev: Entry | undefined
  next: Entry | undefined
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

  /** key -> entry; the entries also form a list, `head` the least recently used, `tail` the most. */
  const entries = new Map<string, Entry>()
  let head: Entry | undefined
  let tail: Entry | undefined
  // A full sweep costs O(size); at the bound it runs at most once per `sweepEvery` new keys, so a flood of
  // distinct keys costs O(1) amortised per request (the timer's sweeps are extra).
  const sweepEvery = Math.max(1, Math.floor(maxKeys / 10))
  let newSinceSweep = sweepEvery
  let timer: NodeJS.Timeout | undefined

  const unlink = (entry: Entry): void => {
    if (entry.prev === undefined) head = entry.next
    else entry.prev.next = entry.next
    if (entry.next === undefined) tail = entry.prev
    else entry.next.prev = entry.prev
    entry.prev = undefined
    entry.next = undefined
  }
  const append = (entry: Entry): void => {
    entry.prev = tail
    if (tail === undefined) head = entry
    else tail.next = entry
    tail = entry
  }
  const remove = (entry: Entry): void => {
    unlink(entry)
    entries.delete(entry.key)
  }

  const sweepAt = (now: number): number => {
    let dropped = 0
    for (let entry = head; entry !== undefined; ) {
      const next = entry.next
      if (entry.tat <= now) {
        remove(entry)
        dropped++
      }
      entry = next
    }
    return dropped
  }

  const makeRoom = (now: number): void => {
    if (newSinceSweep >= sweepEvery) {
      newSinceSweep = 0
      sweepAt(now)
    }
    while (entries.size >= maxKeys) remove(head!)
  }

  const startTimer = (): void => {
    timer = setInterval(() => sweepAt(toMicros(clock())), sweepInterval)
    timer.unref()
  }

  return {
    perThread: true,
    maxKeys,
    get size() {
      return entries.size
    },
    take(key, policy) {
      if (timer === undefined) startTimer()
      const now = toMicros(clock())
      const entry = entries.get(key)
      if (entry === undefined) {
        if (entries.size >= maxKeys) makeRoom(now)
        newSinceSweep++
      }
      const { step, tat } = gcraStep(entry?.tat, now, policy)
      // Refused or not, the TAT is ahead of now after a step: the key becomes the most recently used, so a
      // client hammering a refused key is never the one evicted (eviction would refill its budget).
      if (entry === undefined) {
        if (tat > now) {
          const added: Entry = { key, tat, prev: undefined, next: undefined }
          entries.set(key, added)
          append(added)
        }
      } else if (tat > now) {
        entry.tat = tat
        if (entry !== tail) {
          unlink(entry)
          append(entry)
        }
      } else {
        remove(entry)
      }
      return step
    },
    sweep: () => sweepAt(toMicros(clock())),
    close() {
      clearInterval(timer)
      timer = undefined
    },
  }
}
