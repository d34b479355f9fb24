/** @module kernel/test/unit/health — readiness follows the lifecycle (503 while starting and draining); liveness holds until closed. */
import assert from 'node:assert/strict'
import { VectoraError } from '../../ts/base/catalogue.js'
import { HttpError } from '../../ts/http/errors.js'
import { healthRoutes, type HealthRoute } from '../../ts/lifecycle/health.js'
import type { LifecycleState } from '../../ts/lifecycle/lifecycle.js'

const STATES: LifecycleState[] = ['starting', 'ready', 'listening', 'draining', 'closed']

function handler(routes: HealthRoute[], path: string): () => unknown {
  const route = routes.find((r) => r.path === path)
  assert.ok(route, `no route ${path}`)
  return route.handler
}

/** Calls a handler and returns its value, or the HttpError it threw. */
function call(fn: () => unknown): unknown {
  try {
    return fn()
  } catch (error) {
    assert.ok(error instanceof HttpError, `expected an HttpError, got ${String(error)}`)
    return error
  }
}

describe('health', () => {
  it('adds GET /health/ready and GET /health/live by default', () => {
    const routes = healthRoutes(undefined, () => 'ready')
    assert.deepEqual(
      routes.map((r) => `${r.method} ${r.path}`),
      ['GET /health/ready', 'GET /health/live'],
    )
  })

  it('readiness answers { status: "ready" } while ready or listening', () => {
    for (const state of ['ready', 'listening'] as const) {
      assert.deepEqual(
        handler(
          healthRoutes(undefined, () => state),
          '/health/ready',
        )(),
        { status: 'ready' },
      )
    }
  })

  it('readiness answers 503 VEC_ERR_NOT_READY with retry-after: 1 while starting, draining or closed', () => {
    for (const state of ['starting', 'draining', 'closed'] as const) {
      const error = call(
        handler(
          healthRoutes(undefined, () => state),
          '/health/ready',
        ),
      ) as HttpError
      assert.ok(error instanceof HttpError, `readiness in ${state} must throw`)
      assert.equal(error.status, 503)
      assert.equal(error.code, 'VEC_ERR_NOT_READY')
      assert.equal(error.message, 'not ready')
      assert.deepEqual(error.headers, [['retry-after', '1']])
    }
  })

  it('liveness answers { status: "live" } in every state but closed, draining included', () => {
    for (const state of STATES.filter((s) => s !== 'closed')) {
      assert.deepEqual(
        handler(
          healthRoutes(undefined, () => state),
          '/health/live',
        )(),
        { status: 'live' },
        state,
      )
    }
    const error = call(
      handler(
        healthRoutes(undefined, () => 'closed'),
        '/health/live',
      ),
    ) as HttpError
    assert.equal(error.status, 503)
    assert.equal(error.code, 'VEC_ERR_SHUTTING_DOWN')
  })

  it('reads the state on every request', () => {
    let state: LifecycleState = 'starting'
    const ready = handler(
      healthRoutes(undefined, () => state),
      '/health/ready',
    )
    assert.ok(call(ready) instanceof HttpError)
    state = 'listening'
    assert.deepEqual(ready(), { status: 'ready' })
    state = 'draining'
    assert.ok(call(ready) instanceof HttpError)
  })

  it('takes custom paths, and false turns one route or both off', () => {
    const custom = healthRoutes({ ready: '/readyz', live: '/livez' }, () => 'ready')
    assert.deepEqual(
      custom.map((r) => r.path),
      ['/readyz', '/livez'],
    )
    assert.deepEqual(
      healthRoutes({ live: false }, () => 'ready').map((r) => r.path),
      ['/health/ready'],
    )
    assert.deepEqual(
      healthRoutes({ ready: false }, () => 'ready').map((r) => r.path),
      ['/health/live'],
    )
    assert.deepEqual(
      healthRoutes(false, () => 'ready'),
      [],
    )
  })

  it('refuses paths that do not start with "/", one path for both routes and unknown keys (VEC_ERR_INVALID_OPTION)', () => {
    const refused = (options: unknown, pattern: RegExp) =>
      assert.throws(
        () => healthRoutes(options as never, () => 'ready'),
        (error: unknown) => error instanceof VectoraError && error.code === 'VEC_ERR_INVALID_OPTION' && pattern.test(error.message),
      )
    refused({ ready: 'health/ready' }, /health\.ready/)
    refused({ live: '' }, /health\.live/)
    refused({ live: true }, /health\.live/)
    refused({ ready: '/h', live: '/h' }, /health\.live/)
    refused({ readiness: '/r' }, /health\.readiness/)
    refused('yes', /health/)
  })
})
