/**
 * @module kernel/test/host/lifecycle — onReady in dependency order before the app serves, onClose in reverse with
 * every failure reported, readiness turning 503 the moment shutdown begins while liveness stays 200, a
 * drain under load that loses nothing, and SIGTERM handled by a real process.
 */
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { definePlugin, type PluginApp, type ResponseInfo } from 'vectora'
import { assertProblem, closeAfterTest, forEachTransport, httpRequest, listen, useCleanup } from 'vectora/testing'
import { abortedEvent, Arrivals, deferred, eventually, RawConnection, tryConnect } from '../support/raw.js'
import { hasCode, testApp } from './support.js'

const root = fileURLToPath(new URL('../../../', import.meta.url))
const fixture = fileURLToPath(new URL('./fixtures/signal-app.ts', import.meta.url))

/** Three plugins, cache depending on db, each with onReady and onClose hooks that record `<name>:<hook>`. */
function layeredApp(trace: string[], options: Parameters<typeof testApp>[0] = {}) {
  const app = testApp(options)
  const layer = (name: string, dependencies: string[] = []) =>
    definePlugin({
      name,
      version: '1.0.0',
      dependencies,
      setup(p: PluginApp) {
        p.onReady(async () => {
          await Promise.resolve()
          trace.push(`${name}:ready:${app.state}`)
        })
        p.onClose(() => void trace.push(`${name}:close`))
      },
    })
  app.register(layer('db')).register(layer('cache', ['db']))
  app.onReady(() => void trace.push(`app:ready:${app.state}`))
  app.onClose(() => void trace.push('app:close'))
  return app
}

/** Runs the signal fixture; `onLine` sees each stdout line. Resolves the exit code and every line. */
function runFixture(mode: string, onLine: (line: string, kill: () => void) => void): Promise<{ code: number | null; lines: string[] }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', '--conditions=@vectora/source', fixture, mode], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    const lines: string[] = []
    let buffered = ''
    let stderr = ''
    child.stdout.setEncoding('utf8')
    child.stdout.on('data', (chunk: string) => {
      buffered += chunk
      let nl: number
      while ((nl = buffered.indexOf('\n')) !== -1) {
        const line = buffered.slice(0, nl)
        buffered = buffered.slice(nl + 1)
        lines.push(line)
        onLine(line, () => child.kill('SIGTERM'))
      }
    })
    child.stderr.on('data', (chunk) => (stderr += String(chunk)))
    child.on('error', reject)
    child.on('exit', (code) => {
      if (!lines.some((l) => l.startsWith('PORT '))) reject(new Error(`the fixture never listened (exit ${code}): ${stderr}`))
      else resolve({ code, lines })
    })
  })
}

describe('host: lifecycle', () => {
  describe('start and close', () => {
    useCleanup()

    it('runs onReady hooks in registration (dependency) order, all before listen() resolves', async () => {
      const trace: string[] = []
      const app = layeredApp(trace)
      const port = await listen(app)
      assert.deepEqual(trace, ['db:ready:starting', 'cache:ready:starting', 'app:ready:starting'])
      assert.equal(app.state, 'listening')
      assert.equal((await httpRequest(port, { url: '/health/ready' })).status, 200)
    })

    it("keeps dependency order for onReady (and reverse for onClose) when a dependency's setup is async", async () => {
      const trace: string[] = []
      const app = closeAfterTest(testApp())
      app.register(
        definePlugin({
          name: 'db',
          version: '1.0.0',
          async setup(p: PluginApp) {
            await new Promise((resolve) => setImmediate(resolve)) // e.g. reads its config first
            p.onReady(() => void trace.push('db:ready'))
            p.onClose(() => void trace.push('db:close'))
          },
        }),
      )
      app.register(
        definePlugin({
          name: 'cache',
          version: '1.0.0',
          dependencies: ['db'],
          setup(p: PluginApp) {
            p.onReady(() => void trace.push('cache:ready'))
            p.onClose(() => void trace.push('cache:close'))
          },
        }),
      )
      await app.ready()
      assert.deepEqual(trace, ['db:ready', 'cache:ready'])
      await app.close()
      assert.deepEqual(trace, ['db:ready', 'cache:ready', 'cache:close', 'db:close'])
    })

    it('fails ready() with VEC_ERR_LIFECYCLE_HOOK_FAILED naming the plugin when an onReady hook throws, and skips later hooks', async () => {
      const trace: string[] = []
      const app = closeAfterTest(testApp())
      app.register(
        definePlugin({
          name: 'migrations',
          version: '1.0.0',
          setup(p: PluginApp) {
            p.onReady(async () => {
              throw new Error('schema is newer than the code')
            })
          },
        }),
      )
      app.onReady(() => void trace.push('later hook'))
      await assert.rejects(app.ready(), hasCode('VEC_ERR_LIFECYCLE_HOOK_FAILED', /migrations/, /schema is newer/))
      assert.deepEqual(trace, [])
    })

    it('runs onClose hooks in reverse registration order', async () => {
      const trace: string[] = []
      const app = layeredApp(trace)
      await listen(app)
      trace.length = 0
      const report = await app.close()
      assert.deepEqual(trace, ['app:close', 'cache:close', 'db:close'])
      assert.deepEqual(report, { completed: 0, aborted: 0, errors: [], exitCode: 0 })
      assert.equal(app.state, 'closed')
    })

    it('reports a failing onClose hook with its owner and exit code 1, and still runs the other hooks', async () => {
      const trace: string[] = []
      const app = layeredApp(trace)
      app.register(
        definePlugin({
          name: 'flaky',
          version: '1.0.0',
          setup(p: PluginApp) {
            p.onClose(() => {
              throw new Error('connection already reset')
            })
          },
        }),
      )
      await app.ready()
      trace.length = 0
      const report = await app.close()
      assert.equal(report.exitCode, 1)
      assert.equal(report.errors.length, 1)
      const [failure] = report.errors
      assert.equal(failure.owner, 'flaky')
      assert.equal(failure.step, 'onClose')
      hasCode('VEC_ERR_LIFECYCLE_HOOK_FAILED', /flaky/)(failure.error)
      assert.equal((failure.error.cause as Error).message, 'connection already reset')
      assert.deepEqual(trace, ['app:close', 'cache:close', 'db:close'])
    })

    it('reports a hanging onClose hook as timed out after hookTimeout, and close() still resolves with the other hooks run', async () => {
      const trace: string[] = []
      const app = layeredApp(trace, { hookTimeout: 50 })
      app.register(
        definePlugin({
          name: 'stuck',
          version: '1.0.0',
          setup(p: PluginApp) {
            p.onClose(() => new Promise(() => {}))
          },
        }),
      )
      await app.ready()
      trace.length = 0
      const report = await app.close()
      assert.equal(report.exitCode, 1)
      assert.deepEqual(
        report.errors.map((e) => [e.owner, e.step, (e.error as { code?: string }).code]),
        [['stuck', 'onClose', 'VEC_ERR_LIFECYCLE_HOOK_TIMEOUT']],
      )
      assert.deepEqual(trace, ['app:close', 'cache:close', 'db:close'])
      assert.equal(app.state, 'closed')
    })

    it('answers readiness 503 VEC_ERR_NOT_READY and liveness 200 during shutdownDelay, while still serving requests', async () => {
      const app = testApp({ shutdownDelay: 300 })
      app.get('/ping', () => 'pong')
      const port = await listen(app)
      // Connections opened before shutdown begins; the requests are written once it has.
      const [ready, live, ping] = await Promise.all([RawConnection.open(port), RawConnection.open(port), RawConnection.open(port)])
      assert.equal((await httpRequest(port, { url: '/health/ready' })).status, 200)

      const closing = app.close()
      await eventually(async () => app.state === 'draining')
      ready.write('GET /health/ready HTTP/1.1\r\nhost: test\r\n\r\n')
      live.write('GET /health/live HTTP/1.1\r\nhost: test\r\n\r\n')
      ping.write('GET /ping HTTP/1.1\r\nhost: test\r\n\r\n')
      const [readiness, liveness, pong] = await Promise.all([ready.response(), live.response(), ping.response()])

      assertProblem(readiness, { status: 503, code: 'VEC_ERR_NOT_READY', instance: '/health/ready' })
      assert.equal(readiness.headers['retry-after'], '1')
      assert.equal(liveness.status, 200)
      assert.deepEqual(liveness.json(), { status: 'live' })
      assert.equal(pong.text(), 'pong')
      const report = await closing
      assert.equal(report.exitCode, 0)
      assert.equal(await tryConnect(port), 'ECONNREFUSED')
    })

    it('reports a request the drain deadline force-closes to onResponse as aborted', async () => {
      const app = testApp()
      const arrived = deferred()
      const observed = deferred<ResponseInfo>()
      app.addHook('onResponse', (_req, info) => observed.resolve(info))
      app.get('/hang', async (req) => {
        arrived.resolve()
        await abortedEvent(req.signal)
        return 'late'
      })
      await listen(app)
      const outcome = app.inject({ url: '/hang' }).then(
        () => 'answered',
        () => 'cut',
      )
      await arrived.promise
      const report = await app.close({ deadline: 100 })
      assert.equal(report.aborted, 1)
      const info = await observed.promise
      assert.equal(info.outcome, 'aborted')
      assert.equal(info.status, 0)
      await outcome
    })
  })

  describe('shutdown under load', () => {
    forEachTransport((t) => {
      it('completes 50 in-flight requests released after close() began: all 200, completed >= 50, aborted 0', async () => {
        const app = testApp({ drainTimeout: 10_000 })
        const arrivals = new Arrivals()
        const release = deferred()
        const observed = new Arrivals()
        const outcomes: string[] = []
        app.addHook('onResponse', (_req, info) => {
          outcomes.push(info.outcome)
          observed.arrive()
        })
        app.get('/work/:n', async (req) => {
          arrivals.arrive()
          await release.promise
          return { n: Number(req.params.n) }
        })
        const port = await listen(app)
        const inFlight = Array.from({ length: 50 }, (_, n) => t.request(app, { url: `/work/${n}` }))
        await arrivals.reach(50)

        const closing = app.close()
        // The kernel stops accepting as the drain's first step: once refused, the drain is under way.
        await eventually(async () => (await tryConnect(port)) === 'ECONNREFUSED')
        assert.equal(app.state, 'draining')
        release.resolve()

        const responses = await Promise.all(inFlight)
        assert.deepEqual(
          responses.map((r) => r.status),
          Array(50).fill(200),
        )
        assert.deepEqual(
          responses.map((r) => r.json().n),
          Array.from({ length: 50 }, (_, n) => n),
        )
        const report = await closing
        assert.ok(report.completed >= 50, `completed: ${report.completed}`)
        assert.equal(report.aborted, 0)
        assert.equal(report.exitCode, 0)
        await observed.reach(50)
        assert.deepEqual(outcomes, Array(50).fill('completed'))
      })
    })
  })

  describe('signals in a real process', () => {
    it('exits 0 on SIGTERM after serving, running its onClose hook', async () => {
      let served: Promise<number> | undefined
      const { code, lines } = await runFixture('clean', (line, kill) => {
        if (!line.startsWith('PORT ')) return
        const port = Number(line.slice(5))
        served = httpRequest(port, { url: '/ping' }).then((res) => {
          kill()
          return res.status
        })
      })
      assert.equal(await served, 200)
      assert.equal(code, 0)
      assert.ok(lines.includes('ONCLOSE'), lines.join('\n'))
    })

    it('exits 1 on SIGTERM when an onClose hook throws', async () => {
      const { code, lines } = await runFixture('throw', (line, kill) => {
        if (line.startsWith('PORT ')) kill()
      })
      assert.equal(code, 1)
      assert.ok(lines.includes('ONCLOSE'), lines.join('\n'))
    })
  })
})
