/**
 * @module test/memory-store — the default store stays bounded: maxKeys at most, expired keys dropped before
 * live ones, least-recently-used after that, and its sweep timer never keeps a process alive.
 */
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { createGcraPolicy, memoryStore, rateLimit } from '@vectora/rate-limit'
import { useCleanup } from 'vectora/testing'
import { manualClock, testApp } from './support.js'

const minute = createGcraPolicy({ limit: 10, window: 60_000 })

describe('memory store', () => {
  useCleanup()

  it('warns at startup that its counts are per thread when the app answers on several (createApp({ workers }))', async () => {
    for (const [workers, warned] of [
      [3, 1],
      [1, 0],
    ] as const) {
      const app = testApp({ workers })
      app.register(rateLimit, { limit: 10, window: 60_000 })
      app.get('/', () => 'ok')
      await app.ready()
      const lines = app.logger.lines.filter((l) => l.level === 'warn' && /per JavaScript thread/.test(l.msg))
      assert.equal(lines.length, warned, `workers: ${workers}`)
      if (warned) assert.match(lines[0].msg, /up to 3 times the limit/)
    }
  })

  it('stays within maxKeys under 100 000 distinct keys', () => {
    const store = memoryStore({ maxKeys: 1_000, clock: manualClock().now })
    let largest = 0
    for (let i = 0; i < 100_000; i++) {
      store.take(`ip:10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`, minute)
      largest = Math.max(largest, store.size)
    }
    assert.ok(largest <= 1_000, `size reached ${largest}`)
    assert.equal(store.size, 1_000)
  })

  it('still limits every key it holds while evicting under a flood', () => {
    const clock = manualClock()
    const store = memoryStore({ maxKeys: 100, clock: clock.now })
    const policy = createGcraPolicy({ limit: 2, window: 60_000 })
    for (let i = 0; i < 3; i++) store.take('victim', policy)
    for (let i = 0; i < 10_000; i++) {
      store.take(`flood-${i}`, policy)
      if (i % 50 === 0) assert.equal(store.take('victim', policy).allowed, false, `victim passed after ${i} flood keys`)
    }
  })

  it('drops expired keys before live ones when full', () => {
    const clock = manualClock(0)
    const store = memoryStore({ maxKeys: 10, clock: clock.now })
    const short = createGcraPolicy({ limit: 1, window: 1_000 })
    // Five live keys used first (the least recently used), then five that expire within a second.
    for (let i = 0; i < 5; i++) store.take(`live-${i}`, minute)
    for (let i = 0; i < 5; i++) store.take(`short-${i}`, short)
    clock.advance(2_000)
    for (let i = 0; i < 5; i++) store.take(`new-${i}`, minute)
    assert.equal(store.size, 10)
    // The live keys kept their spent budget: each refuses its 10th request within the minute.
    for (let i = 0; i < 5; i++) {
      let refused = false
      for (let n = 0; n < 10; n++) refused ||= !store.take(`live-${i}`, minute).allowed
      assert.ok(refused, `live-${i} was evicted and got a fresh budget`)
    }
  })

  it('evicts the least recently used key when nothing has expired', () => {
    const store = memoryStore({ maxKeys: 3, clock: manualClock().now })
    const one = createGcraPolicy({ limit: 1, window: 60_000 })
    store.take('a', one)
    store.take('b', one)
    store.take('c', one)
    store.take('a', one) // refused, and 'a' becomes the most recently used
    store.take('d', one) // evicts 'b'
    assert.equal(store.take('a', one).allowed, false, 'a was kept')
    assert.equal(store.take('b', one).allowed, true, 'b was evicted (fresh budget)')
  })

  it('sweeps keys whose budget is full again', () => {
    const clock = manualClock(0)
    const store = memoryStore({ clock: clock.now })
    for (let i = 0; i < 50; i++) store.take(`k${i}`, minute)
    clock.advance(5_999)
    assert.equal(store.sweep(), 0)
    clock.advance(1)
    assert.equal(store.sweep(), 50)
    assert.equal(store.size, 0)
  })

  it('never keeps the process alive with its sweep timer', async () => {
    const script = fileURLToPath(new URL('./fixtures/memory-store-exit.ts', import.meta.url))
    const child = spawn(process.execPath, ['--import', 'tsx', '--conditions=@vectora/source', script], { stdio: ['ignore', 'pipe', 'inherit'] })
    let out = ''
    child.stdout.on('data', (c: Buffer) => (out += c.toString()))
    // Waiting for the exit, not timing it: a ref'd timer would hold the child until mocha's timeout.
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve))
    assert.equal(code, 0)
    assert.match(out, /TOOK allowed=true/)
  })

  it('refuses a maxKeys or sweepInterval it cannot honour', () => {
    assert.throws(() => memoryStore({ maxKeys: 0 }), /maxKeys/)
    assert.throws(() => memoryStore({ sweepInterval: -1 }), /sweepInterval/)
  })
})
