/**
 * @module test/gcra — the algorithm on a manual clock: exactly `limit` at once, quota back one unit per
 * interval, no second full budget at a window edge, and what the client is told (remaining, reset, retry).
 */
import assert from 'node:assert/strict'
import { createGcraPolicy, gcraStep, memoryStore, toDecision, type GcraPolicy } from '@vectora/rate-limit'
import { manualClock } from './support.js'

/** Sends `n` requests for `key` at the clock's current time; returns how many were allowed. */
function burst(store: ReturnType<typeof memoryStore>, key: string, policy: GcraPolicy, n: number): number {
  let allowed = 0
  for (let i = 0; i < n; i++) if (store.take(key, policy).allowed) allowed++
  return allowed
}

describe('gcra', () => {
  it('allows exactly limit requests at once from a fresh key, then refuses', () => {
    const clock = manualClock()
    const store = memoryStore({ clock: clock.now })
    const policy = createGcraPolicy({ limit: 10, window: 60_000 })
    const results = Array.from({ length: 11 }, () => store.take('k', policy).allowed)
    assert.deepEqual(results, [...Array(10).fill(true), false])
  })

  it('gives back one request per window/limit, not a whole budget', () => {
    const clock = manualClock()
    const store = memoryStore({ clock: clock.now })
    const policy = createGcraPolicy({ limit: 10, window: 60_000 }) // one unit every 6 s
    assert.equal(burst(store, 'k', policy, 10), 10)
    clock.advance(5_999)
    assert.equal(store.take('k', policy).allowed, false)
    clock.advance(1)
    assert.equal(burst(store, 'k', policy, 5), 1)
    clock.advance(18_000)
    assert.equal(burst(store, 'k', policy, 5), 3)
  })

  it('lets no second full budget through at a window edge (a fixed window would allow 2 x limit)', () => {
    const clock = manualClock(0)
    const store = memoryStore({ clock: clock.now })
    const policy = createGcraPolicy({ limit: 100, window: 60_000 })
    // A fixed 60 s window [0, 60 000) would count these 100 in window 1 and the next 100 in window 2.
    clock.set(59_999)
    assert.equal(burst(store, 'k', policy, 100), 100)
    clock.set(60_001)
    assert.equal(burst(store, 'k', policy, 100), 0, 'two ms later nothing has come back yet')
    clock.set(60_599)
    assert.equal(burst(store, 'k', policy, 100), 1, 'one unit per 600 ms')
  })

  it('never passes more than burst + limit in any window, however the requests are spread', () => {
    const clock = manualClock(0)
    const store = memoryStore({ clock: clock.now })
    const policy = createGcraPolicy({ limit: 10, window: 10_000, burst: 10 })
    const times: number[] = []
    // A greedy client: one attempt every 100 ms for 50 s.
    for (let t = 0; t < 50_000; t += 100) {
      clock.set(t)
      if (store.take('k', policy).allowed) times.push(t)
    }
    for (const start of times) {
      const inWindow = times.filter((t) => t >= start && t < start + 10_000).length
      assert.ok(inWindow <= 10 + 10, `${inWindow} requests in the window from ${start}`)
    }
    // Sustained: 50 s at 1 per second, plus the initial burst.
    assert.equal(times.length, 10 + 49)
  })

  it('smooths clients to one request per interval with burst: 1', () => {
    const clock = manualClock(0)
    const store = memoryStore({ clock: clock.now })
    const policy = createGcraPolicy({ limit: 10, window: 10_000, burst: 1 })
    assert.equal(burst(store, 'k', policy, 3), 1)
    clock.advance(999)
    assert.equal(burst(store, 'k', policy, 1), 0)
    clock.advance(1)
    assert.equal(burst(store, 'k', policy, 3), 1)
  })

  it('holds the rate when window/limit is not a whole number of microseconds', () => {
    const clock = manualClock(0)
    const store = memoryStore({ clock: clock.now })
    const policy = createGcraPolicy({ limit: 7, window: 1_000 }) // 142 857.14… µs, rounded up to 142 858
    let allowed = 0
    // A greedy client: one attempt every 10 ms for 1 000 s.
    for (let t = 0; t < 1_000_000; t += 10) {
      clock.set(t)
      if (store.take('k', policy).allowed) allowed++
    }
    // The full budget at once, then 7 per second. Rounding the interval up makes the limit stricter by
    // less than 1 µs per request, never looser.
    const exact = 7 + Math.floor((1_000_000 - 10) / (1_000 / 7))
    assert.ok(allowed <= exact, `allowed ${allowed} > ${exact}`)
    assert.ok(allowed >= exact - 1, `allowed ${allowed} < ${exact} - 1`)
  })

  it('keeps budgets of different keys apart', () => {
    const store = memoryStore({ clock: manualClock().now })
    const policy = createGcraPolicy({ limit: 2, window: 60_000 })
    assert.equal(burst(store, 'a', policy, 5), 2)
    assert.equal(burst(store, 'b', policy, 5), 2)
  })

  it('tells remaining, reset (seconds until more quota) and retry-after, consistent on a refusal', () => {
    const policy = createGcraPolicy({ limit: 3, window: 3_000 }) // 1 s per unit
    let tat: number | undefined
    const now = 5_000_000_000
    const seen = []
    for (let i = 0; i < 4; i++) {
      const result = gcraStep(tat, now, policy)
      tat = result.tat
      seen.push(toDecision(result.step, policy))
    }
    assert.deepEqual(seen, [
      { allowed: true, remaining: 2, reset: 1, retryAfter: 0 },
      { allowed: true, remaining: 1, reset: 1, retryAfter: 0 },
      { allowed: true, remaining: 0, reset: 1, retryAfter: 0 },
      { allowed: false, remaining: 0, reset: 1, retryAfter: 1 },
    ])
    // 400 ms later nothing came back: still one second (rounded up) until the next unit.
    assert.deepEqual(toDecision(gcraStep(tat, now + 400_000, policy).step, policy), { allowed: false, remaining: 0, reset: 1, retryAfter: 1 })
  })

  it('rounds Retry-After up to whole seconds, never 0', () => {
    const policy = createGcraPolicy({ limit: 1, window: 3_600_000 })
    const first = gcraStep(undefined, 0, policy)
    const refused = toDecision(gcraStep(first.tat, 1, policy).step, policy)
    assert.equal(refused.allowed, false)
    assert.equal(refused.retryAfter, 3_600) // 3 599.999999 s rounded up
    const almost = toDecision(gcraStep(first.tat, 3_600_000_000 - 1, policy).step, policy)
    assert.equal(almost.retryAfter, 1)
  })

  it('refuses limits, windows and bursts it cannot express', () => {
    const bad = [
      { limit: 0, window: 60_000 },
      { limit: 1.5, window: 60_000 },
      { limit: 10, window: 500 },
      { limit: 10, window: 1_500 },
      { limit: 10, window: 60_000, burst: 0 },
      { limit: 1, window: 1_000, burst: 1e10 },
    ]
    for (const options of bad) {
      assert.throws(
        () => createGcraPolicy(options),
        (e: unknown) => e instanceof TypeError && (e as { code?: string }).code === 'RATE_LIMIT_INVALID_OPTION',
        JSON.stringify(options),
      )
    }
  })
})
