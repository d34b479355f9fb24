/** @module kernel/test/unit/lifecycle — onReady hooks, the shutdown sequence and its report, signal handling in a real process. */
import assert from 'node:assert/strict'
import { spawn, type ChildProcess } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { VectoraError } from '../../ts/base/catalogue.js'
import { Lifecycle, type LifecycleOptions, type ShutdownSteps } from '../../ts/lifecycle/lifecycle.js'

/** A logger that keeps what it is given, so failing hooks neither spam the output nor go unlogged. */
function captureLogger() {
  const lines: Array<{ level: string; message: string; fields?: Record<string, unknown> }> = []
  const at = (level: string) => (message: string, fields?: Record<string, unknown>) => void lines.push({ level, message, fields })
  return { lines, error: at('error'), warn: at('warn'), info: at('info') }
}

function lifecycle(options: LifecycleOptions = {}): Lifecycle {
  return new Lifecycle({ log: captureLogger(), ...options })
}

/** Steps that record themselves in `trace`. */
function steps(trace: string[], result = { completed: 2, aborted: 0 }): ShutdownSteps {
  return {
    drain: async (deadline) => {
      trace.push(`drain ${deadline}`)
      return result
    },
    dispose: async () => {
      trace.push('dispose')
      return []
    },
  }
}

const never = (): Promise<never> => new Promise(() => {})

function assertCode(code: string, owner?: string) {
  return (error: unknown): boolean => {
    assert.ok(error instanceof VectoraError, `expected a VectoraError, got ${String(error)}`)
    assert.equal(error.code, code)
    if (owner !== undefined) assert.match(error.message, new RegExp(`"${owner}"`))
    return true
  }
}

describe('lifecycle', () => {
  describe('start', () => {
    it('runs the onReady hooks in registration order, then is ready', async () => {
      const trace: string[] = []
      const lc = lifecycle()
      lc.addReady({ owner: 'db', fn: async () => void trace.push('db') })
      lc.addReady({ owner: 'cache', fn: () => void trace.push('cache') })
      lc.addReady({ owner: 'app', fn: async () => void trace.push('app') })
      assert.equal(lc.state, 'starting')
      await lc.start()
      assert.deepEqual(trace, ['db', 'cache', 'app'])
      assert.equal(lc.state, 'ready')
    })

    it('rejects with VEC_ERR_LIFECYCLE_HOOK_FAILED naming the owner when an onReady hook throws, keeps the cause and skips later hooks', async () => {
      const trace: string[] = []
      const boom = new Error('cannot reach the database')
      const lc = lifecycle()
      lc.addReady({ owner: 'cache', fn: () => void trace.push('cache') })
      lc.addReady({
        owner: '@vectora/db',
        fn: async () => {
          throw boom
        },
      })
      lc.addReady({ owner: 'app', fn: () => void trace.push('app') })
      await assert.rejects(lc.start(), (error: unknown) => {
        assertCode('VEC_ERR_LIFECYCLE_HOOK_FAILED', '@vectora/db')(error)
        assert.match((error as Error).message, /onReady hook of "@vectora\/db" failed: cannot reach the database/)
        assert.equal((error as Error).cause, boom)
        return true
      })
      assert.deepEqual(trace, ['cache'])
      assert.equal(lc.state, 'starting')
    })

    it('treats a synchronous throw of a non-Error like a rejection', async () => {
      const lc = lifecycle()
      lc.addReady({
        owner: 'weird',
        fn: () => {
          throw 'nope'
        },
      })
      await assert.rejects(lc.start(), (error: unknown) => {
        assertCode('VEC_ERR_LIFECYCLE_HOOK_FAILED', 'weird')(error)
        assert.equal((error as Error).cause, 'nope')
        return true
      })
    })

    it('rejects with VEC_ERR_LIFECYCLE_HOOK_TIMEOUT naming the owner when an onReady hook never settles', async () => {
      const lc = lifecycle({ hookTimeout: 10_000 })
      lc.addReady({ owner: 'slow-plugin', fn: never, timeout: 50 })
      await assert.rejects(lc.start(), assertCode('VEC_ERR_LIFECYCLE_HOOK_TIMEOUT', 'slow-plugin'))
      assert.equal(lc.state, 'starting')
    })

    it('returns the same promise on every call and runs each hook once', async () => {
      let runs = 0
      const lc = lifecycle()
      lc.addReady({ owner: 'app', fn: () => void runs++ })
      const first = lc.start()
      assert.equal(lc.start(), first)
      await first
      assert.equal(lc.start(), first)
      assert.equal(runs, 1)
    })

    it('refuses onReady hooks once start() was called (VEC_ERR_APP_READY)', async () => {
      const lc = lifecycle()
      void lc.start()
      assert.throws(() => lc.addReady({ owner: 'late', fn: () => {} }), assertCode('VEC_ERR_APP_READY', 'late'))
    })

    it('moves ready to listening on markListening() and ignores it once shutdown began', async () => {
      const lc = lifecycle()
      await lc.start()
      lc.markListening()
      assert.equal(lc.state, 'listening')
      const closing = lc.shutdown(steps([]))
      lc.markListening()
      assert.equal(lc.state, 'draining')
      await closing
      assert.equal(lc.state, 'closed')
    })

    it('validates its options and hooks with VEC_ERR_INVALID_OPTION', () => {
      assert.throws(() => new Lifecycle({ hookTimeout: 0 }), assertCode('VEC_ERR_INVALID_OPTION'))
      assert.throws(() => new Lifecycle({ shutdownDelay: -1 }), assertCode('VEC_ERR_INVALID_OPTION'))
      assert.throws(() => new Lifecycle({ handleSignals: 'yes' as never }), assertCode('VEC_ERR_INVALID_OPTION'))
      const lc = lifecycle()
      assert.throws(() => lc.addReady({ owner: '', fn: () => {} }), assertCode('VEC_ERR_INVALID_OPTION'))
      assert.throws(() => lc.addClose({ owner: 'x', fn: 'no' as never }), assertCode('VEC_ERR_INVALID_OPTION'))
      assert.throws(() => lc.addClose({ owner: 'x', fn: () => {}, timeout: 1.5 }), assertCode('VEC_ERR_INVALID_OPTION'))
    })
  })

  describe('shutdown', () => {
    it('goes draining, drains with the deadline, runs onClose hooks in reverse registration order, disposes, then is closed', async () => {
      const trace: string[] = []
      const lc = lifecycle({ drainTimeout: 7_000 })
      for (const owner of ['db', 'cache', 'app']) {
        lc.addClose({ owner, fn: () => void trace.push(`close ${owner} (${lc.state})`) })
      }
      await lc.start()
      lc.markListening()
      const s = steps(trace, { completed: 3, aborted: 1 })
      const report = await lc.shutdown({
        drain: (deadline) => {
          trace.push(`state ${lc.state}`)
          return s.drain(deadline)
        },
        dispose: s.dispose,
      })
      assert.deepEqual(trace, ['state draining', 'drain 7000', 'close app (draining)', 'close cache (draining)', 'close db (draining)', 'dispose'])
      assert.equal(lc.state, 'closed')
      assert.deepEqual(report, { completed: 3, aborted: 1, errors: [], exitCode: 0 })
    })

    it('gives drain the deadline passed to shutdown() over the default one', async () => {
      const trace: string[] = []
      await lifecycle({ drainTimeout: 7_000 }).shutdown(steps(trace), 250)
      assert.deepEqual(trace, ['drain 250', 'dispose'])
    })

    it('reports a throwing and a hanging onClose hook with their owners, still runs the later hooks, and exits 1', async () => {
      const trace: string[] = []
      const log = captureLogger()
      const lc = new Lifecycle({ hookTimeout: 50, log })
      lc.addClose({ owner: 'first', fn: () => void trace.push('first') })
      lc.addClose({
        owner: 'hangs',
        fn: () => {
          trace.push('hangs')
          return never()
        },
      })
      lc.addClose({
        owner: 'throws',
        fn: () => {
          trace.push('throws')
          throw new Error('socket already closed')
        },
      })
      lc.addClose({ owner: 'last', fn: () => void trace.push('last') })
      await lc.start()
      const report = await lc.shutdown(steps(trace))
      assert.deepEqual(trace, ['drain 10000', 'last', 'throws', 'hangs', 'first', 'dispose'])
      assert.equal(report.exitCode, 1)
      assert.deepEqual(
        report.errors.map((e) => [e.owner, e.step, (e.error as VectoraError).code]),
        [
          ['throws', 'onClose', 'VEC_ERR_LIFECYCLE_HOOK_FAILED'],
          ['hangs', 'onClose', 'VEC_ERR_LIFECYCLE_HOOK_TIMEOUT'],
        ],
      )
      assert.match(report.errors[0]!.error.message, /onClose hook of "throws" failed: socket already closed/)
      assert.equal((report.errors[0]!.error.cause as Error).message, 'socket already closed')
      assert.equal(lc.state, 'closed')
      assert.deepEqual(
        log.lines.filter((l) => l.level === 'error').map((l) => l.fields?.owner),
        ['throws', 'hangs'],
      )
    })

    it('waits shutdownDelay after readiness turns 503 and before the drain starts', async () => {
      const trace: string[] = []
      const lc = lifecycle({ shutdownDelay: 200 })
      await lc.start()
      lc.markListening()
      const closing = lc.shutdown(steps(trace))
      // A timer shorter than the delay fires inside it: the app is draining and not yet drained.
      setTimeout(() => trace.push(`during delay: ${lc.state}`), 5)
      await closing
      assert.deepEqual(trace, ['during delay: draining', 'drain 10000', 'dispose'])
    })

    it('skips shutdownDelay when the app never became ready (no load balancer routed to it)', async () => {
      const trace: string[] = []
      const lc = lifecycle({ shutdownDelay: 10_000 })
      const closing = lc.shutdown(steps(trace))
      const timer = setTimeout(() => trace.push('timer'), 5)
      await closing
      clearTimeout(timer)
      assert.deepEqual(trace, ['drain 10000', 'dispose'])
    })

    it('returns the same report promise on every call and runs each step once', async () => {
      const trace: string[] = []
      const lc = lifecycle()
      lc.addClose({ owner: 'app', fn: () => void trace.push('close') })
      const first = lc.shutdown(steps(trace))
      assert.equal(lc.shutdown(steps(trace)), first)
      await first
      assert.equal(lc.shutdown(steps(trace)), first)
      assert.deepEqual(trace, ['drain 10000', 'close', 'dispose'])
    })

    it('reports a drain that rejects and the errors dispose returns, and still runs every step', async () => {
      const trace: string[] = []
      const lc = lifecycle()
      lc.addClose({ owner: 'app', fn: () => void trace.push('close') })
      const leak = new Error('redis client did not quit')
      const report = await lc.shutdown({
        drain: async () => {
          throw new Error('kernel gone')
        },
        dispose: async () => {
          trace.push('dispose')
          return [leak]
        },
      })
      assert.deepEqual(trace, ['close', 'dispose'])
      assert.deepEqual(
        report.errors.map((e) => [e.owner, e.step, e.error.message]),
        [
          ['kernel', 'drain', 'kernel gone'],
          ['container', 'dispose', 'redis client did not quit'],
        ],
      )
      assert.equal(report.errors[1]!.error, leak)
      assert.equal(report.exitCode, 1)
      assert.equal(report.completed, 0)
    })

    it('never rejects, even when the steps throw synchronously', async () => {
      const report = await lifecycle().shutdown({
        drain: () => {
          throw new Error('sync drain')
        },
        dispose: () => {
          throw new Error('sync dispose')
        },
      })
      assert.deepEqual(
        report.errors.map((e) => e.step),
        ['drain', 'dispose'],
      )
      assert.equal(report.exitCode, 1)
    })

    it('reports a drain that never settles once its deadline and grace have passed, then goes on', async () => {
      const trace: string[] = []
      const lc = lifecycle()
      lc.addClose({ owner: 'app', fn: () => void trace.push('close') })
      const report = await lc.shutdown({ drain: never, dispose: steps(trace).dispose }, 0)
      assert.deepEqual(trace, ['close', 'dispose'])
      assert.deepEqual(
        report.errors.map((e) => [e.owner, e.step, (e.error as VectoraError).code]),
        [['kernel', 'drain', 'VEC_ERR_LIFECYCLE_HOOK_TIMEOUT']],
      )
    })

    it('refuses onClose hooks once shutdown began (VEC_ERR_APP_CLOSED)', async () => {
      const lc = lifecycle()
      const closing = lc.shutdown(steps([]))
      assert.throws(() => lc.addClose({ owner: 'late', fn: () => {} }), assertCode('VEC_ERR_APP_CLOSED', 'late'))
      await closing
    })

    it('during a start in progress: lets the running onReady hook finish before onClose hooks, and start rejects', async () => {
      const trace: string[] = []
      let release!: () => void
      const lc = lifecycle()
      lc.addReady({
        owner: 'db',
        fn: () =>
          new Promise<void>((resolve) => {
            release = () => {
              trace.push('db ready')
              resolve()
            }
          }),
      })
      lc.addReady({ owner: 'never-runs', fn: () => void trace.push('never-runs') })
      lc.addClose({ owner: 'db', fn: () => void trace.push('db close') })
      const starting = lc.start()
      const closing = lc.shutdown(steps(trace))
      setTimeout(() => release(), 5)
      const report = await closing
      await assert.rejects(starting, assertCode('VEC_ERR_APP_CLOSED'))
      assert.deepEqual(trace, ['drain 10000', 'db ready', 'db close', 'dispose'])
      assert.equal(report.exitCode, 0)
    })

    it('refuses to start once shutdown began', async () => {
      const lc = lifecycle()
      await lc.shutdown(steps([]))
      await assert.rejects(lc.start(), assertCode('VEC_ERR_APP_CLOSED'))
      assert.equal(lc.state, 'closed')
    })
  })

  describe('signals', () => {
    const count = (): number => process.listenerCount('SIGTERM') + process.listenerCount('SIGINT')

    it('installs one SIGTERM and one SIGINT handler that the returned function removes', () => {
      const before = count()
      const uninstall = lifecycle().installSignals(() => {})
      assert.equal(count(), before + 2)
      uninstall()
      uninstall()
      assert.equal(count(), before)
    })

    it('installs nothing when handleSignals is false', () => {
      const before = count()
      lifecycle({ handleSignals: false }).installSignals(() => {})
      assert.equal(count(), before)
    })

    it('replaces its handlers when installed again', () => {
      const before = count()
      const lc = lifecycle()
      lc.installSignals(() => {})
      const uninstall = lc.installSignals(() => {})
      assert.equal(count(), before + 2)
      uninstall()
      assert.equal(count(), before)
    })

    it('removes its handlers when shutdown completes', async () => {
      const before = count()
      const lc = lifecycle()
      lc.installSignals(() => {})
      await lc.shutdown(steps([]))
      assert.equal(count(), before)
    })

    describe('in a real process', () => {
      const fixture = fileURLToPath(new URL('./fixtures/lifecycle-child.ts', import.meta.url))
      const root = fileURLToPath(new URL('../../../', import.meta.url))
      let child: ChildProcess | undefined

      afterEach(() => {
        if (child !== undefined && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
        child = undefined
      })

      /** Starts the fixture; resolves its exit code and stdout lines, and lets the test act on each line. */
      function run(mode: string, onLine: (line: string, proc: ChildProcess) => void): Promise<{ code: number | null; signal: string | null; lines: string[] }> {
        const proc = spawn(process.execPath, ['--import', 'tsx', fixture, mode], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] })
        child = proc
        const lines: string[] = []
        let stderr = ''
        let buffered = ''
        proc.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
          buffered += chunk
          let nl: number
          while ((nl = buffered.indexOf('\n')) !== -1) {
            const line = buffered.slice(0, nl)
            buffered = buffered.slice(nl + 1)
            lines.push(line)
            onLine(line, proc)
          }
        })
        proc.stderr!.setEncoding('utf8').on('data', (chunk: string) => void (stderr += chunk))
        return new Promise((resolve, reject) => {
          proc.on('error', reject)
          proc.on('close', (code, signal) => {
            if (!lines.includes('READY')) reject(new Error(`the fixture died before READY (code ${code}): ${stderr}`))
            else resolve({ code, signal, lines })
          })
        })
      }

      const summary = (lines: string[]) =>
        JSON.parse(lines.find((l) => l.startsWith('{'))!) as {
          signal: string
          exitCode: number
          errors: Array<{ owner: string; step: string; code: string }>
          listeners: number
        }

      it('exits 0 on SIGTERM when every shutdown step succeeds, with its signal handlers removed', async () => {
        const { code, signal, lines } = await run('clean', (line, proc) => {
          if (line === 'READY') proc.kill('SIGTERM')
        })
        assert.equal(signal, null)
        assert.equal(code, 0)
        assert.deepEqual(summary(lines), { signal: 'SIGTERM', exitCode: 0, errors: [], listeners: 0 })
      })

      it('exits 1 on SIGTERM when an onClose hook throws, and reports that hook', async () => {
        const { code, lines } = await run('throw', (line, proc) => {
          if (line === 'READY') proc.kill('SIGTERM')
        })
        assert.equal(code, 1)
        assert.deepEqual(summary(lines).errors, [{ owner: 'db', step: 'onClose', code: 'VEC_ERR_LIFECYCLE_HOOK_FAILED' }])
      })

      it('exits 1 at once on a second signal while a shutdown hangs', async () => {
        const { code, signal, lines } = await run('hang', (line, proc) => {
          if (line === 'READY') proc.kill('SIGINT')
          if (line === 'CLOSING') proc.kill('SIGTERM')
        })
        assert.equal(signal, null)
        assert.equal(code, 1)
        assert.ok(!lines.some((l) => l.startsWith('{')), 'the hanging shutdown must not have completed')
      })
    })
  })
})
