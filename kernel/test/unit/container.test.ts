/** @module kernel/test/unit/container — services: lifetimes, request scopes, disposal, the boot-time graph check and its errors. */
import assert from 'node:assert/strict'
import { AwilixResolutionError } from 'awilix'
import { Services } from '../../ts/services/container.js'
import { VectoraError, type ErrorCode } from '../../ts/base/catalogue.js'

/** An assert.throws matcher: a VectoraError with `code` whose message contains every fragment. */
function vectoraError(code: ErrorCode, ...fragments: string[]): (error: unknown) => true {
  return (error) => {
    assert.ok(error instanceof VectoraError, `expected a VectoraError, got ${String(error)}`)
    assert.equal(error.code, code, error.message)
    for (const fragment of fragments) assert.ok(error.message.includes(fragment), `"${fragment}" not in: ${error.message}`)
    return true
  }
}

/** A counter-stamped object, so instances can be told apart. */
function counter(): () => { n: number } {
  let n = 0
  return () => ({ n: ++n })
}

describe('container', () => {
  describe('lifetimes', () => {
    it('gives the same singleton to the root and to every scope', () => {
      const s = new Services()
      s.provide('clock', { factory: counter() }, 'app')
      s.check([])
      const a = s.createScope()
      const b = s.createScope()
      assert.equal(a.resolve('clock'), b.resolve('clock'))
      assert.equal(s.resolve('clock'), a.resolve('clock'))
    })

    it('gives one scoped instance per scope: the same within a scope, a different one in another scope', () => {
      const s = new Services()
      s.provide('user', { factory: counter(), lifetime: 'scoped' }, 'app')
      s.check([])
      const a = s.createScope()
      const b = s.createScope()
      assert.equal(a.resolve('user'), a.resolve('user'))
      assert.notEqual(a.resolve('user'), b.resolve('user'))
    })

    it('creates a new transient instance on every resolution', () => {
      const s = new Services()
      s.provide('id', { factory: counter(), lifetime: 'transient' }, 'app')
      s.check([])
      const scope = s.createScope()
      assert.deepEqual([scope.resolve('id'), scope.resolve('id'), s.resolve('id')], [{ n: 1 }, { n: 2 }, { n: 3 }])
    })

    it('passes a factory exactly its declared deps, resolved, as one object', () => {
      const s = new Services()
      let received: Record<string, unknown> | undefined
      s.value('config', { url: 'pg://x' }, 'app')
      s.provide('logger', { factory: () => 'logger' }, 'app')
      s.provide('db', { deps: ['config'], factory: (deps) => (received = deps) }, '@vectora/pg')
      s.check([])
      s.resolve('db')
      assert.deepEqual(received, { config: { url: 'pg://x' } })
    })

    it('resolves several tokens into an object keyed by token for handlers', () => {
      const s = new Services()
      s.value('a', 1, 'app')
      s.provide('b', { deps: ['a'], factory: ({ a }) => a + 1, lifetime: 'scoped' }, 'app')
      s.check([])
      assert.deepEqual(s.createScope().resolveAll(['a', 'b']), { a: 1, b: 2 })
    })

    it('lets scoped and transient services depend on singletons and values', () => {
      const s = new Services()
      s.value('config', 1, 'app')
      s.provide('db', { deps: ['config'], factory: () => 'db' }, 'app')
      s.provide('repo', { deps: ['db', 'config'], factory: () => 'repo', lifetime: 'scoped' }, 'app')
      s.provide('query', { deps: ['db', 'repo'], factory: () => 'query', lifetime: 'transient' }, 'app')
      s.check([{ who: 'route GET /', tokens: ['query'] }])
      assert.equal(s.createScope().resolve('query'), 'query')
    })

    it('refuses to resolve a scoped service, or a service that needs one, from the root with VEC_ERR_DI_LIFETIME', () => {
      const s = new Services()
      s.provide('user', { factory: () => 'u', lifetime: 'scoped' }, 'app')
      s.provide('greeting', { deps: ['user'], factory: () => 'hi', lifetime: 'transient' }, 'app')
      s.check([])
      assert.throws(() => s.resolve('user'), vectoraError('VEC_ERR_DI_LIFETIME', '"user"'))
      assert.throws(() => s.resolve('greeting'), vectoraError('VEC_ERR_DI_LIFETIME', 'greeting -> user'))
    })
  })

  describe('disposal', () => {
    it('runs the disposers of the scoped services created in a scope when it is disposed, and only those', async () => {
      const s = new Services()
      const disposed: string[] = []
      s.provide('tx', { factory: () => 'tx', lifetime: 'scoped', dispose: (v) => void disposed.push(v) }, 'app')
      s.provide('unused', { factory: () => 'unused', lifetime: 'scoped', dispose: (v) => void disposed.push(v) }, 'app')
      s.provide('pool', { factory: () => 'pool', dispose: (v) => void disposed.push(v) }, 'app')
      s.check([])
      const scope = s.createScope()
      scope.resolve('tx')
      scope.resolve('pool')
      assert.deepEqual(await scope.dispose(), [])
      assert.deepEqual(disposed, ['tx'])
    })

    it('collects disposer errors as VEC_ERR_DI_DISPOSE_FAILED and still runs the other disposers', async () => {
      const s = new Services()
      const disposed: string[] = []
      const boom = new Error('rollback failed')
      s.provide('a', { factory: () => 'a', lifetime: 'scoped', dispose: (v) => void disposed.push(v) }, 'app')
      s.provide(
        'b',
        {
          factory: () => 'b',
          lifetime: 'scoped',
          dispose: () => {
            throw boom
          },
        },
        '@vectora/tx',
      )
      s.provide(
        'c',
        {
          factory: () => 'c',
          lifetime: 'scoped',
          dispose: async () => {
            throw new Error('late')
          },
        },
        'app',
      )
      s.check([])
      const scope = s.createScope()
      scope.resolveAll(['a', 'b', 'c'])
      const errors = await scope.dispose()
      assert.deepEqual(disposed, ['a'])
      assert.equal(errors.length, 2)
      vectoraError('VEC_ERR_DI_DISPOSE_FAILED', '"c"', 'late')(errors[0])
      vectoraError('VEC_ERR_DI_DISPOSE_FAILED', '"b"', '@vectora/tx', 'rollback failed')(errors[1])
      assert.equal(errors[1]!.cause, boom)
    })

    it('disposes scoped services in reverse creation order, dependents first', async () => {
      const s = new Services()
      const order: string[] = []
      const track = (name: string) => ({ factory: () => name, lifetime: 'scoped' as const, dispose: () => void order.push(name) })
      s.provide('conn', track('conn'), 'app')
      s.provide('repo', { ...track('repo'), deps: ['conn'] }, 'app')
      s.check([])
      const scope = s.createScope()
      scope.resolve('repo')
      await scope.dispose()
      assert.deepEqual(order, ['repo', 'conn'])
    })

    it('disposes singletons on Services.dispose in reverse creation order, awaiting each disposer', async () => {
      const s = new Services()
      const order: string[] = []
      const slow = (name: string) => async () => {
        await new Promise((resolve) => setTimeout(resolve, name === 'pool' ? 0 : 10))
        order.push(name)
      }
      s.provide('pool', { factory: () => 'pool', dispose: slow('pool') }, '@vectora/pg')
      s.provide('cache', { deps: ['pool'], factory: () => 'cache', dispose: slow('cache') }, 'app')
      s.provide('never', { factory: () => 'never', dispose: slow('never') }, 'app')
      s.check([])
      s.createScope().resolve('cache')
      assert.deepEqual(await s.dispose(), [])
      assert.deepEqual(order, ['cache', 'pool'])
    })

    it('does not dispose singletons when a scope is disposed', async () => {
      const s = new Services()
      let disposed = 0
      s.provide('pool', { factory: () => ({}), dispose: () => void disposed++ }, 'app')
      s.check([])
      const scope = s.createScope()
      scope.resolve('pool')
      await scope.dispose()
      assert.equal(disposed, 0)
      await s.dispose()
      assert.equal(disposed, 1)
    })

    it('never disposes values registered with value()', async () => {
      const s = new Services()
      let ended = false
      s.value('pool', { end: () => (ended = true) }, 'app')
      s.check([])
      s.resolve('pool')
      await s.dispose()
      assert.equal(ended, false)
    })

    it('runs each disposer once however often a scope or the app is disposed', async () => {
      const s = new Services()
      let scoped = 0
      let single = 0
      s.provide('tx', { factory: () => ({}), lifetime: 'scoped', dispose: () => void scoped++ }, 'app')
      s.provide('pool', { factory: () => ({}), dispose: () => void single++ }, 'app')
      s.check([])
      const scope = s.createScope()
      scope.resolveAll(['tx', 'pool'])
      await Promise.all([scope.dispose(), scope.dispose()])
      await scope.dispose()
      await Promise.all([s.dispose(), s.dispose()])
      assert.deepEqual(await s.dispose(), [])
      assert.deepEqual([scoped, single], [1, 1])
    })

    it('creates nothing for a scope that resolves nothing, and disposes it at no cost', async () => {
      const s = new Services()
      let built = 0
      s.provide('tx', { factory: () => built++, lifetime: 'scoped', dispose: () => {} }, 'app')
      s.check([])
      assert.deepEqual(await s.createScope().dispose(), [])
      assert.equal(built, 0)
    })

    it('throws VEC_ERR_DI_SCOPE_DISPOSED when a disposed scope is asked for a service', async () => {
      const s = new Services()
      s.provide('tx', { factory: () => ({}), lifetime: 'scoped' }, 'app')
      s.check([])
      const scope = s.createScope()
      scope.resolve('tx')
      const disposing = scope.dispose()
      assert.throws(() => scope.resolve('tx'), vectoraError('VEC_ERR_DI_SCOPE_DISPOSED', '"tx"'))
      await disposing
      assert.throws(() => scope.resolveAll(['tx']), vectoraError('VEC_ERR_DI_SCOPE_DISPOSED'))
    })

    it('throws VEC_ERR_APP_CLOSED when resolving or opening a scope after the app container is disposed', async () => {
      const s = new Services()
      s.provide('pool', { factory: () => ({}) }, 'app')
      s.check([])
      const scope = s.createScope()
      await s.dispose()
      assert.throws(() => s.resolve('pool'), vectoraError('VEC_ERR_APP_CLOSED'))
      assert.throws(() => s.createScope(), vectoraError('VEC_ERR_APP_CLOSED'))
      assert.throws(() => scope.resolve('pool'), vectoraError('VEC_ERR_APP_CLOSED'))
    })
  })

  describe('registration', () => {
    it('rejects a token provided twice with VEC_ERR_DI_DUPLICATE naming both owners', () => {
      const s = new Services()
      s.provide('db', { factory: () => 1 }, '@vectora/pg')
      assert.throws(() => s.provide('db', { factory: () => 2 }, 'app'), vectoraError('VEC_ERR_DI_DUPLICATE', '"db"', '@vectora/pg', 'app'))
      assert.throws(() => s.value('db', 2, '@vectora/mysql'), vectoraError('VEC_ERR_DI_DUPLICATE', '@vectora/pg', '@vectora/mysql'))
      assert.equal(s.has('db'), true)
      assert.equal(s.has('cache'), false)
    })

    it('rejects registrations after check() with VEC_ERR_APP_READY', () => {
      const s = new Services()
      s.check([])
      assert.throws(() => s.provide('late', { factory: () => 1 }, '@vectora/late'), vectoraError('VEC_ERR_APP_READY', '"late"', '@vectora/late'))
      assert.throws(() => s.value('late', 1, 'app'), vectoraError('VEC_ERR_APP_READY'))
    })

    it('rejects tokens that are not non-empty strings, or are reserved, with VEC_ERR_INVALID_OPTION', () => {
      const s = new Services()
      for (const token of ['', 42, undefined, 'constructor', '__proto__', 'then']) {
        assert.throws(() => s.provide(token as string, { factory: () => 1 }, 'app'), vectoraError('VEC_ERR_INVALID_OPTION'))
      }
      assert.throws(() => s.provide('a', { deps: ['b', ''], factory: () => 1 }, 'app'), vectoraError('VEC_ERR_INVALID_OPTION', 'deps'))
      assert.throws(() => s.createScope().resolve(7 as unknown as string), vectoraError('VEC_ERR_INVALID_OPTION'))
      assert.equal(s.has('a'), false)
    })

    it('rejects a malformed definition with VEC_ERR_INVALID_OPTION naming the key', () => {
      const s = new Services()
      const bad = (definition: unknown) => () => s.provide('x', definition as never, 'app')
      assert.throws(bad(null), vectoraError('VEC_ERR_INVALID_OPTION', "provide('x')"))
      assert.throws(bad({}), vectoraError('VEC_ERR_INVALID_OPTION', 'factory'))
      assert.throws(bad({ factory: () => 1, lifetime: 'request' }), vectoraError('VEC_ERR_INVALID_OPTION', 'lifetime', '"request"'))
      assert.throws(bad({ factory: () => 1, lifeTime: 'scoped' }), vectoraError('VEC_ERR_INVALID_OPTION', 'lifeTime'))
      assert.throws(bad({ factory: () => 1, deps: 'db' }), vectoraError('VEC_ERR_INVALID_OPTION', 'deps'))
    })

    it('rejects a dispose function on a transient service with VEC_ERR_DI_INVALID', () => {
      const s = new Services()
      const definition = { factory: () => ({}), lifetime: 'transient' as const, dispose: () => {} }
      assert.throws(() => s.provide('tmp', definition, '@vectora/tmp'), vectoraError('VEC_ERR_DI_INVALID', '"tmp"', '@vectora/tmp'))
    })
  })

  describe('check() at ready', () => {
    it('runs no factory while checking the graph', () => {
      const s = new Services()
      const ran: string[] = []
      s.provide('a', { deps: ['b'], factory: () => ran.push('a') }, 'app')
      s.provide('b', { factory: () => ran.push('b') }, 'app')
      s.provide('c', { deps: ['a'], factory: () => ran.push('c'), lifetime: 'scoped' }, 'app')
      s.check([{ who: 'route GET /', tokens: ['c'] }])
      assert.deepEqual(ran, [])
    })

    it('reports a missing dependency with VEC_ERR_DI_MISSING naming the service, its owner, the token and the path', () => {
      const s = new Services()
      s.provide('users', { deps: ['repo'], factory: () => 1 }, 'app')
      s.provide('repo', { deps: ['db'], factory: () => 1 }, '@acme/repo')
      assert.throws(() => s.check([]), vectoraError('VEC_ERR_DI_MISSING', 'Service "repo" (provided by @acme/repo) needs "db"', 'users -> repo -> db'))
    })

    it('names the consumer whose service needs a missing dependency', () => {
      const s = new Services()
      s.provide('users', { deps: ['db'], factory: () => 1 }, 'app')
      assert.throws(
        () => s.check([{ who: 'route GET /users/:id', tokens: ['users'] }]),
        vectoraError('VEC_ERR_DI_MISSING', 'users -> db', 'route GET /users/:id'),
      )
    })

    it('reports an unknown consumer token with VEC_ERR_DI_MISSING naming the consumer', () => {
      const s = new Services()
      s.provide('jwtKeys', { factory: () => 1 }, 'app')
      assert.throws(
        () =>
          s.check([
            { who: 'route GET /users/:id', tokens: [] },
            { who: 'plugin @vectora/jwt', tokens: ['jwtkeys'] },
          ]),
        vectoraError('VEC_ERR_DI_MISSING', 'plugin @vectora/jwt needs service "jwtkeys"', 'Did you mean "jwtKeys"?'),
      )
    })

    it('reports a cycle with VEC_ERR_DI_CYCLE and its path a -> b -> a', () => {
      const s = new Services()
      s.provide('a', { deps: ['b'], factory: () => 1 }, 'app')
      s.provide('b', { deps: ['a'], factory: () => 1 }, '@acme/b')
      assert.throws(() => s.check([]), vectoraError('VEC_ERR_DI_CYCLE', 'a -> b -> a', '@acme/b'))
    })

    it('reports only the looping part of a longer path, and a service that needs itself, as cycles', () => {
      const s = new Services()
      s.provide('entry', { deps: ['a'], factory: () => 1 }, 'app')
      s.provide('a', { deps: ['b'], factory: () => 1 }, 'app')
      s.provide('b', { deps: ['a'], factory: () => 1 }, 'app')
      assert.throws(() => s.check([]), vectoraError('VEC_ERR_DI_CYCLE', ': a -> b -> a'))
      const self = new Services()
      self.provide('me', { deps: ['me'], factory: () => 1 }, 'app')
      assert.throws(() => self.check([]), vectoraError('VEC_ERR_DI_CYCLE', 'me -> me'))
    })

    it('reports a singleton depending on a scoped service with VEC_ERR_DI_LIFETIME and the path', () => {
      const s = new Services()
      s.provide('cache', { deps: ['repo'], factory: () => 1 }, '@acme/cache')
      s.provide('repo', { deps: ['user'], factory: () => 1 }, 'app')
      s.provide('user', { factory: () => 1, lifetime: 'scoped' }, '@vectora/jwt')
      assert.throws(
        () => s.check([]),
        vectoraError('VEC_ERR_DI_LIFETIME', 'Singleton service "repo"', 'scoped service "user"', 'cache -> repo -> user', '@vectora/jwt'),
      )
    })

    it('reports singleton -> transient and scoped -> transient dependencies as awilix strict mode does', () => {
      const s = new Services()
      s.provide('pool', { deps: ['id'], factory: () => 1 }, 'app')
      s.provide('id', { factory: () => 1, lifetime: 'transient' }, 'app')
      assert.throws(() => s.check([]), vectoraError('VEC_ERR_DI_LIFETIME', 'pool -> id'))
      const t = new Services()
      t.provide('tx', { deps: ['id'], factory: () => 1, lifetime: 'scoped' }, 'app')
      t.provide('id', { factory: () => 1, lifetime: 'transient' }, 'app')
      assert.throws(() => t.check([]), vectoraError('VEC_ERR_DI_LIFETIME', 'Scoped service "tx"', 'tx -> id'))
    })

    it('leaves registrations open when the check fails, and freezes them when it passes', () => {
      const s = new Services()
      s.provide('a', { deps: ['b'], factory: () => 1 }, 'app')
      assert.throws(() => s.check([]), vectoraError('VEC_ERR_DI_MISSING'))
      s.provide('b', { factory: () => 1 }, 'app')
      s.check([])
      assert.throws(() => s.value('c', 1, 'app'), vectoraError('VEC_ERR_APP_READY'))
    })
  })

  describe('resolution errors', () => {
    it('wraps a throwing factory in VEC_ERR_DI_FACTORY_FAILED with the token, owner, path and cause', () => {
      const s = new Services()
      const boom = new Error('ECONNREFUSED')
      s.provide('repo', { deps: ['db'], factory: () => 1, lifetime: 'scoped' }, 'app')
      s.provide(
        'db',
        {
          factory: () => {
            throw boom
          },
        },
        '@vectora/pg',
      )
      s.check([])
      assert.throws(
        () => s.createScope().resolve('repo'),
        (error: unknown) => {
          vectoraError('VEC_ERR_DI_FACTORY_FAILED', '"db"', '@vectora/pg', 'ECONNREFUSED', 'repo -> db')(error)
          assert.equal((error as Error).cause, boom)
          return true
        },
      )
    })

    it('rejects a factory that returns a promise with VEC_ERR_DI_INVALID', () => {
      const s = new Services()
      s.provide('db', { factory: async () => ({}) }, '@vectora/pg')
      s.check([])
      assert.throws(() => s.resolve('db'), vectoraError('VEC_ERR_DI_INVALID', '"db"', 'promise'))
    })

    it('throws VEC_ERR_DI_MISSING for an unknown token, even one the awilix cradle answers by itself', () => {
      const s = new Services()
      s.provide('Users', { factory: () => 1 }, 'app')
      s.check([])
      assert.throws(() => s.createScope().resolve('users'), vectoraError('VEC_ERR_DI_MISSING', '"users"', 'Did you mean "Users"?'))
      assert.throws(() => s.createScope().resolve('inspect'), vectoraError('VEC_ERR_DI_MISSING', '"inspect"'))
      assert.throws(() => s.resolve('toString'), vectoraError('VEC_ERR_DI_MISSING', '"toString"'))
    })

    it('maps a missing dependency met before check() to VEC_ERR_DI_MISSING, keeping the awilix error as cause', () => {
      const s = new Services()
      s.provide('repo', { deps: ['db'], factory: () => 1 }, 'app')
      assert.throws(
        () => s.resolve('repo'),
        (error: unknown) => {
          vectoraError('VEC_ERR_DI_MISSING', '"db"', 'repo -> db')(error)
          assert.ok((error as Error).cause instanceof AwilixResolutionError)
          return true
        },
      )
    })

    it('maps awilix cycle and lifetime errors met before check() to VEC_ERR_DI_CYCLE and VEC_ERR_DI_LIFETIME with the path', () => {
      const s = new Services()
      s.provide('a', { deps: ['b'], factory: () => 1 }, 'app')
      s.provide('b', { deps: ['a'], factory: () => 1 }, 'app')
      s.provide('cache', { deps: ['user'], factory: () => 1 }, 'app')
      s.provide('user', { factory: () => 1, lifetime: 'scoped' }, 'app')
      const scope = s.createScope()
      assert.throws(() => scope.resolve('a'), vectoraError('VEC_ERR_DI_CYCLE', 'a -> b -> a'))
      assert.throws(() => scope.resolve('cache'), vectoraError('VEC_ERR_DI_LIFETIME', 'cache -> user'))
    })
  })
})
