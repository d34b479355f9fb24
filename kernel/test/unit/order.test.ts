/**
 * @module kernel/test/unit/order — pipeline/order.ts `orderHooks`, white-box: before/after constraints
 * first, then stage, then registration order; unknown names and cycles are boot errors naming them.
 */
import assert from 'node:assert/strict'
import { VectoraError } from '../../ts/base/catalogue.js'
import { type Orderable, orderHooks } from '../../ts/pipeline/order.js'

interface Hook extends Orderable {
  readonly id: string
}

let seq = 0
/** A hook of `owner`; `seq` follows the order of the calls, as registration does. */
function hook(id: string, owner: string, options: { before?: string[]; after?: string[]; stage?: number } = {}): Hook {
  return { id, owner, before: options.before ?? [], after: options.after ?? [], stage: options.stage ?? 0, seq: seq++ }
}

const ids = (hooks: readonly Hook[]): string[] => hooks.map((h) => h.id)
const KNOWN = new Set(['app', '@vectora/cors', '@vectora/jwt', 'audit', 'metrics'])

/** For assert.throws: a VectoraError with `code` whose message matches every pattern. */
function fails(code: string, ...patterns: RegExp[]) {
  return (error: unknown): boolean => {
    assert.ok(error instanceof VectoraError, String(error))
    assert.equal(error.code, code)
    for (const pattern of patterns) assert.match(error.message, pattern)
    return true
  }
}

describe('orderHooks', () => {
  it('keeps registration order when no constraint or stage decides', () => {
    const [a, b, c] = [hook('a', 'app'), hook('b', 'audit'), hook('c', 'app')]
    assert.deepEqual(ids(orderHooks('onRequest', [c, a, b], KNOWN)), ['a', 'b', 'c'])
  })

  it('runs a lower stage first, registration order breaking ties', () => {
    const late = hook('late', 'app', { stage: 10 })
    const early = hook('early', 'app', { stage: -5 })
    const first = hook('first', 'audit')
    const second = hook('second', 'metrics')
    assert.deepEqual(ids(orderHooks('onRequest', [late, early, first, second], KNOWN)), ['early', 'first', 'second', 'late'])
  })

  it('puts a hook with before: [plugin] ahead of every hook that plugin has in the phase, whatever its stage', () => {
    const jwt1 = hook('jwt1', '@vectora/jwt', { stage: -10 })
    const jwt2 = hook('jwt2', '@vectora/jwt')
    const cors = hook('cors', '@vectora/cors', { before: ['@vectora/jwt'], stage: 100 })
    assert.deepEqual(ids(orderHooks('onRequest', [jwt1, jwt2, cors], KNOWN)), ['cors', 'jwt1', 'jwt2'])
  })

  it('puts a hook with after: [plugin] behind every hook of that plugin, whatever its registration order', () => {
    const auditFirst = hook('audit', 'audit', { after: ['@vectora/jwt'], stage: -100 })
    const jwt = hook('jwt', '@vectora/jwt', { stage: 50 })
    const app = hook('app', 'app')
    assert.deepEqual(ids(orderHooks('authenticate', [auditFirst, jwt, app], KNOWN)), ['app', 'jwt', 'audit'])
  })

  it('ignores a constraint on a known plugin that has no hook in this phase', () => {
    const a = hook('a', 'app', { before: ['metrics'] })
    const b = hook('b', 'audit')
    assert.deepEqual(ids(orderHooks('onSend', [b, a], KNOWN)), ['a', 'b'])
  })

  it('returns a new array and leaves its input as it was', () => {
    const input = [hook('b', 'app', { stage: 1 }), hook('a', 'app')]
    const out = orderHooks('onRequest', input, KNOWN)
    assert.deepEqual(ids(out), ['a', 'b'])
    assert.deepEqual(ids(input), ['b', 'a'])
    assert.notEqual(out, input)
    assert.deepEqual(orderHooks('onRequest', [], KNOWN), [])
  })

  it('refuses a constraint naming an unregistered plugin with VEC_ERR_HOOK_ORDER_UNKNOWN, naming phase, owner, name and the known plugins', () => {
    const stray = hook('stray', 'audit', { after: ['@vectora/jwtt'] })
    assert.throws(
      () => orderHooks('authorize', [stray], new Set(['app', 'audit'])),
      fails(
        'VEC_ERR_HOOK_ORDER_UNKNOWN',
        /A authorize hook of audit is ordered relative to "@vectora\/jwtt", which is not a registered plugin/,
        /known: app, audit/,
      ),
    )
  })

  it('refuses constraints in a cycle with VEC_ERR_HOOK_ORDER_CYCLE, naming the owners and the loop itself', () => {
    const a = hook('a', 'audit', { before: ['metrics'] })
    const m = hook('m', 'metrics', { before: ['audit'] })
    // Stuck behind the cycle, but no part of it: named among the owners, not in the loop.
    const c = hook('c', '@vectora/cors', { after: ['audit'] })
    assert.throws(
      () => orderHooks('onRequest', [a, m, c], KNOWN),
      fails('VEC_ERR_HOOK_ORDER_CYCLE', /The onRequest hooks of audit, metrics, @vectora\/cors order each other in a cycle \(audit -> metrics -> audit\)/),
    )
  })
})
