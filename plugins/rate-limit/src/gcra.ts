/**
 * @module gcra — the Generic Cell Rate Algorithm: one atomic step per request, on one stored number per key.
 *
 * A key's state is its TAT (theoretical arrival time). A request at `now` conforms when the TAT it would
 * push forward stays within the tolerance: `max(tat, now) + interval - now <= tolerance`. With
 * `interval = window / limit` and `tolerance = burst * interval`, a fresh key can send `burst` requests at
 * once and then one per `interval`: quota comes back continuously, so there is no window edge at which a
 * fixed-window counter would let `2 x limit` through within milliseconds.
 *
 * Every quantity is an integer number of microseconds. The interval is rounded up to a whole microsecond,
 * so the arithmetic is exact in JavaScript numbers and in Redis' Lua (both doubles, exact below 2^53) and
 * the memory and Redis stores agree to the microsecond. `redis-store.ts` holds the Lua twin of `gcraStep`.
 */

/** The GCRA parameters of one policy, derived once from its options by `createGcraPolicy`. */
export interface GcraPolicy {
  /** Requests per window (the IETF `q`). */
  readonly limit: number
  /** Window, milliseconds (a whole number of seconds: the IETF `w` is integer seconds). */
  readonly window: number
  /** Requests a key with a full budget may send at once. */
  readonly burst: number
  /** Emission interval, µs: one request's worth of quota comes back every `interval`. */
  readonly interval: number
  /** Delay variation tolerance, µs: `burst * interval`. */
  readonly tolerance: number
}

/** What one step did: whether the request conforms, and how far the key's TAT now is ahead of `now` (µs). */
export interface GcraStep {
  readonly allowed: boolean
  /** `tat - now` after the step, µs (>= 0). A refused request leaves the TAT where it was. */
  readonly ahead: number
}

/** A step seen by the client: what the RateLimit and Retry-After fields say. */
export interface RateLimitDecision {
  readonly allowed: boolean
  /** Requests the key may still send at once (the IETF `r`). */
  readonly remaining: number
  /** Seconds until more quota comes back (the IETF `t`), >= 1. */
  readonly reset: number
  /** Seconds until a request would conform again (Retry-After), >= 1; 0 when allowed. */
  readonly retryAfter: number
}

/** Microseconds in a second / millisecond. */
const SECOND = 1_000_000
const MILLI = 1_000
/** Largest tolerance, µs (about 31 years): keeps `now + tolerance` exact in a double. */
const MAX_TOLERANCE = 1e15

/**
 * Derives the GCRA parameters from `limit` requests per `window` ms with a `burst` (default `limit`).
 * Throws a TypeError naming the option when a value is out of range.
 *
 * @example
 * const policy = createGcraPolicy({ limit: 100, window: 60_000 })
 * policy.interval // 600_000 µs: one request comes back every 0.6 s
 */
export function createGcraPolicy(options: { limit: number; window: number; burst?: number }): GcraPolicy {
  const { limit, window } = options
  const burst = options.burst ?? limit
  if (!Number.isSafeInteger(limit) || limit < 1) throw optionError('limit', 'an integer >= 1', limit)
  if (!Number.isSafeInteger(window) || window < 1_000 || window % 1_000 !== 0) {
    throw optionError('window', 'milliseconds, a whole number of seconds >= 1000 (the RateLimit-Policy w is integer seconds)', window)
  }
  if (!Number.isSafeInteger(burst) || burst < 1) throw optionError('burst', 'an integer >= 1', burst)
  const interval = Math.ceil((window * MILLI) / limit)
  const tolerance = burst * interval
  if (tolerance > MAX_TOLERANCE) throw optionError('burst', `at most ${Math.floor(MAX_TOLERANCE / interval)} for this limit and window`, burst)
  return Object.freeze({ limit, window, burst, interval, tolerance })
}

/**
 * One GCRA step on a key whose stored TAT is `tat` (µs; undefined for an unknown or expired key) at `now` (µs).
 * Returns the step and the TAT to store (unchanged when refused). Pure: the stores own time and state.
 *
 * @example
 * const { step, tat } = gcraStep(stored, Date.now() * 1000, policy)
 * if (step.allowed) stored = tat
 */
export function gcraStep(tat: number | undefined, now: number, policy: GcraPolicy): { step: GcraStep; tat: number } {
  const base = tat === undefined || tat < now ? now : tat
  const next = base + policy.interval
  if (next - now <= policy.tolerance) return { step: { allowed: true, ahead: next - now }, tat: next }
  return { step: { allowed: false, ahead: base - now }, tat: base }
}

/**
 * Turns a step into what the client is told. `remaining` is how many requests would conform right now;
 * `reset` the seconds until the next unit of quota comes back (draft-ietf-httpapi-ratelimit-headers `t`:
 * "until additional quota is made available"); `retryAfter` equals `reset` on a refusal, so Retry-After
 * never points earlier than the reset, as the draft asks.
 *
 * @example
 * toDecision({ allowed: true, ahead: 600_000 }, createGcraPolicy({ limit: 100, window: 60_000 }))
 * // { allowed: true, remaining: 99, reset: 1, retryAfter: 0 }
 */
export function toDecision(step: GcraStep, policy: GcraPolicy): RateLimitDecision {
  const { interval, tolerance, burst } = policy
  const remaining = Math.min(burst, Math.max(0, Math.floor((tolerance - step.ahead) / interval)))
  // The key gains its next unit when `tat - now` falls to `tolerance - (remaining + 1) * interval`.
  const untilNext = step.ahead - tolerance + (remaining + 1) * interval
  const reset = Math.max(1, Math.ceil(untilNext / SECOND))
  return { allowed: step.allowed, remaining, reset, retryAfter: step.allowed ? 0 : reset }
}

/** Milliseconds (what clocks return) to whole microseconds. */
export function toMicros(ms: number): number {
  return Math.round(ms * MILLI)
}

/** Time-to-live, ms, of a key whose TAT is `ahead` µs in the future: past it the key holds a full budget. */
export function ttlMillis(ahead: number): number {
  return Math.max(1, Math.ceil(ahead / MILLI))
}

/** A TypeError naming a rate-limit option, with a stable `code`. */
export function optionError(name: string, expected: string, got: unknown): TypeError {
  const shown = typeof got === 'string' ? JSON.stringify(got) : typeof got === 'object' && got !== null ? `a ${typeof got}` : String(got)
  return Object.assign(new TypeError(`@vectora/rate-limit: option "${name}" must be ${expected} (got ${shown}).`), {
    code: 'RATE_LIMIT_INVALID_OPTION',
  })
}
