/**
 * @module kernel/test/process/workers — createApp({ workers }): one kernel, several JavaScript threads, over
 * real sockets. Requests spread to the thread with the fewest in flight; inject stays on the calling thread;
 * a worker thread that dies is logged, its requests end with 500 VEC_ERR_WORKER_EXITED, and a replacement
 * takes its place while the main thread keeps serving; a worker whose routes differ, or that never listens,
 * fails listen() with VEC_ERR_WORKER_START and leaves nothing bound; SIGTERM drains every thread.
 */
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { setTimeout as sleep } from 'node:timers/promises'
import { fileURLToPath } from 'node:url'
import { threadId } from 'node:worker_threads'
import { Agent, request } from 'undici'
import { assertProblem, captureLogger, closeAfterTest, useCleanup, type CapturingLogger } from 'vectora/testing'
import type { App } from '../../dist/index.js'
import { buildApp } from './fixtures/workers-app.mjs'

const fixture = fileURLToPath(new URL('./fixtures/workers-app.mjs', import.meta.url))
const tsxFixture = fileURLToPath(new URL('./fixtures/workers-tsx-app.ts', import.meta.url))
const root = fileURLToPath(new URL('../../../', import.meta.url))

interface Answer {
  status: number
  headers: Record<string, string>
  body: any
}

/** A pool of up to 64 keep-alive connections, like a real client under load. */
function client(port: number) {
  const agent = new Agent({ connections: 64 })
  const get = async (path: string): Promise<Answer> => {
    const res = await request(`http://127.0.0.1:${port}${path}`, { dispatcher: agent })
    const text = await res.body.text()
    return { status: res.statusCode, headers: res.headers as Record<string, string>, body: text === '' ? undefined : JSON.parse(text) }
  }
  return { get, close: () => agent.close() }
}

async function start(options: { workers?: number; logger?: CapturingLogger; workerStartTimeout?: number } = {}): Promise<{ app: App; port: number }> {
  const app = buildApp({
    workers: options.workers ?? 2,
    workerModule: fixture,
    logger: options.logger ?? captureLogger(),
    workerStartTimeout: options.workerStartTimeout,
  })
  closeAfterTest(app)
  const { port } = await app.listen({ host: '127.0.0.1', port: 0 })
  return { app, port }
}

describe('createApp({ workers })', function () {
  this.timeout(30_000)
  useCleanup()

  it('spreads concurrent requests over the main thread and the worker threads, with request ids unique across them', async () => {
    const { port } = await start({ workers: 3 })
    const http = client(port)
    try {
      const answers = await Promise.all(Array.from({ length: 600 }, () => http.get('/where')))
      const byThread = new Map<number, number>()
      for (const a of answers) {
        assert.equal(a.status, 200)
        byThread.set(a.body.thread, (byThread.get(a.body.thread) ?? 0) + 1)
      }
      assert.equal(byThread.size, 3, `threads seen: ${JSON.stringify([...byThread])}`)
      assert.ok(byThread.has(threadId), 'the main thread answers too')
      for (const [thread, n] of byThread) assert.ok(n >= 30, `thread ${thread} answered only ${n} of 600`)
      const ids = new Set(answers.map((a) => a.body.id))
      assert.equal(ids.size, 600)
      const prefixes = new Set([...ids].map((id: string) => id.slice(0, id.lastIndexOf('-'))))
      assert.equal(prefixes.size, 1, `one request id prefix for every thread: ${[...prefixes]}`)
    } finally {
      await http.close()
    }
  })

  it('answers inject() on the thread that injected, and the probes from the kernel', async () => {
    const { app, port } = await start()
    for (let i = 0; i < 20; i++) {
      const res = await app.inject({ url: '/where' })
      assert.equal(res.json<{ thread: number }>().thread, threadId)
    }
    const http = client(port)
    try {
      const probe = await http.get('/health/ready')
      assert.deepEqual([probe.status, probe.body], [200, { status: 'ready' }])
    } finally {
      await http.close()
    }
  })

  it("answers a worker app's own inject() on that worker thread", async () => {
    const { port } = await start()
    const http = client(port)
    try {
      const busy = http.get('/hold') // on the main thread: the next request goes to the worker
      await sleep(50)
      const answer = await http.get('/inject-self')
      assert.equal(answer.status, 200)
      assert.notEqual(answer.body.thread, threadId, 'the request reached the worker')
      assert.equal(answer.body.inner, answer.body.thread)
      await busy
    } finally {
      await http.close()
    }
  })

  it('logs a worker thread that dies, ends its requests with 500 VEC_ERR_WORKER_EXITED, and replaces it', async () => {
    const logger = captureLogger()
    const { port } = await start({ logger })
    const http = client(port)
    try {
      const { onMain, onWorker, worker } = await crashWorker(http)
      const lost = await onWorker
      assert.equal(lost.status, 500)
      assert.equal(lost.body.code, 'VEC_ERR_WORKER_EXITED')
      const main = await onMain
      assert.deepEqual([main.status, main.body], [200, { thread: threadId }])
      const line = await logger.next((l) => l.fields.code === 'VEC_ERR_WORKER_EXITED')
      assert.equal(line.level, 'error')
      assert.equal(line.fields.worker, 1)
      assert.equal(line.fields.lost, 1)
      assert.match(String(line.fields.err?.message), /crashed on purpose/)
      // The main thread kept serving; then a new worker thread (another thread id) takes requests again.
      const replacement = await waitFor(async () => {
        const held = http.get('/hold') // keeps the main thread busy, so the next request goes to a worker if there is one
        await sleep(30)
        const where = await http.get('/where')
        await held
        return where.body.thread !== threadId ? where.body.thread : undefined
      }, 10_000)
      assert.notEqual(replacement, threadId)
      assert.notEqual(replacement, worker, 'the replacement is a new thread')
    } finally {
      await http.close()
    }
  })

  it('fails listen() with VEC_ERR_WORKER_START when a worker declares other routes, and does not listen', async () => {
    process.env.WORKERS_ROUTES = 'extra'
    try {
      const app = buildApp({ workers: 2, workerModule: fixture, logger: captureLogger() })
      closeAfterTest(app)
      await assert.rejects(app.listen({ host: '127.0.0.1', port: 0 }), (error: any) => {
        assert.equal(error.code, 'VEC_ERR_WORKER_START')
        assert.match(error.message, /declares other routes than the main thread: route #\d+ is \d+ GET \/only-here here and missing there/)
        return true
      })
      assert.equal(app.state, 'ready')
    } finally {
      delete process.env.WORKERS_ROUTES
    }
  })

  it('fails listen() with VEC_ERR_WORKER_START when a worker never listens within workerStartTimeout', async () => {
    process.env.WORKERS_NO_LISTEN = '1'
    try {
      const app = buildApp({ workers: 2, workerModule: fixture, logger: captureLogger(), workerStartTimeout: 1_500 })
      closeAfterTest(app)
      await assert.rejects(app.listen({ host: '127.0.0.1', port: 0 }), (error: any) => {
        assert.equal(error.code, 'VEC_ERR_WORKER_START')
        assert.match(error.message, /workerStartTimeout \(1500 ms\)/)
        return true
      })
    } finally {
      delete process.env.WORKERS_NO_LISTEN
    }
  })

  it('drains every thread of a TypeScript app under tsx on SIGTERM: in-flight requests on each complete, each app closes, exit 0', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', '--conditions=@vectora/source', tsxFixture], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()))
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
    const exited = once(child, 'exit').then(([code]) => code as number | null)
    try {
      const port = Number(await waitFor(() => /PORT (\d+)/.exec(stdout)?.[1], 15_000))
      const http = client(port)
      const slow = Array.from({ length: 8 }, () => http.get('/slow'))
      // Every slow request is in a handler, on both threads, before the signal.
      await waitFor(() => (stdout.match(/SLOW/g) ?? []).length >= 8, 5_000)
      const threads = new Set([...stdout.matchAll(/SLOW (\d+)/g)].map((m) => m[1]))
      assert.equal(threads.size, 2, stdout)
      child.kill('SIGTERM')
      for (const answer of await Promise.all(slow)) assert.equal(answer.status, 200)
      assert.equal(await exited, 0, stderr)
      const closed = new Set([...stdout.matchAll(/CLOSED (\d+)/g)].map((m) => m[1]))
      assert.deepEqual(closed, threads, `each thread's app ran its onClose hook: ${stdout}`)
      await http.close()
    } finally {
      child.kill('SIGKILL')
    }
  })

  it('answers 500 VEC_ERR_WORKER_EXITED problem+json, as the catalogue says', async () => {
    const logger = captureLogger()
    const { port } = await start({ logger })
    const http = client(port)
    try {
      const { onMain, onWorker } = await crashWorker(http)
      const res = await onWorker
      assertProblem({ status: res.status, headers: res.headers, json: () => res.body }, { status: 500, code: 'VEC_ERR_WORKER_EXITED', instance: '/hold' })
      await onMain
    } finally {
      await http.close()
    }
  })
})

/**
 * Makes the worker thread of a 2-thread app die with one request in its hands. The main thread is kept busy
 * (a /hold it answers after 250 ms), so `/arm` goes to the worker (fewest in flight), which throws 150 ms
 * later; the /hold sent right after `/arm` goes to the worker too and is held there when it dies.
 */
async function crashWorker(http: ReturnType<typeof client>): Promise<{ onMain: Promise<Answer>; onWorker: Promise<Answer>; worker: number }> {
  const onMain = http.get('/hold')
  await sleep(50)
  const armed = await http.get('/arm')
  assert.notEqual(armed.body.thread, threadId, '/arm reached the worker')
  const onWorker = http.get('/hold')
  return { onMain, onWorker, worker: armed.body.thread }
}

/** Polls `check` every 25 ms until it returns something other than undefined or false; fails after `ms`. */
async function waitFor<T>(check: () => T | false | undefined | Promise<T | false | undefined>, ms: number): Promise<T> {
  const end = Date.now() + ms
  for (;;) {
    const value = await check()
    if (value !== undefined && value !== false) return value
    if (Date.now() >= end) assert.fail(`not within ${ms} ms`)
    await sleep(25)
  }
}
