/**
 * @module kernel/test/process/crash-policy — the process-level error policy in a real child process under
 * load: an error thrown outside any request is logged (VEC_ERR_UNCAUGHT), the in-flight requests still
 * complete, and the process exits 1. With `handleUncaught: false`, Node's default drops them.
 */
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('../../../', import.meta.url))
const fixture = fileURLToPath(new URL('./fixtures/crash-app.ts', import.meta.url))

/** Starts the fixture; resolves its URL, a promise of its exit code, and its stderr so far. */
async function start(mode: string) {
  const child = spawn(process.execPath, ['--import', 'tsx', '--conditions=@vectora/source', fixture, mode], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] })
  let stderr = ''
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
  const exited = once(child, 'exit').then(([code]) => code as number | null)
  let stdout = ''
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString()
      const match = /PORT (\d+)/.exec(stdout)
      if (match) resolve(Number(match[1]))
    })
    child.once('exit', (code) => reject(new Error(`exited ${code} before listening: ${stderr}`)))
  })
  /** Resolves once `n` /slow handlers have started (they print SLOW). */
  const started = (n: number) =>
    new Promise<void>((resolve) => {
      const check = () => {
        if ((stdout.match(/SLOW/g) ?? []).length >= n) resolve()
      }
      child.stdout.on('data', check)
      check()
    })
  return { child, url: `http://127.0.0.1:${port}`, exited, stderr: () => stderr, started }
}

describe('process-level error policy', () => {
  for (const trigger of ['/boom', '/reject']) {
    it(`lets in-flight requests complete when ${trigger} fails outside any request, then exits 1`, async () => {
      const app = await start('on')
      try {
        const slow = Array.from({ length: 10 }, () => fetch(`${app.url}/slow`).then(async (r) => ({ status: r.status, body: await r.json() })))
        await app.started(10) // every slow request is in its handler
        const triggered = await fetch(`${app.url}${trigger}`)
        assert.equal(triggered.status, 200)
        const results = await Promise.allSettled(slow)
        for (const r of results) {
          assert.equal(r.status, 'fulfilled', String((r as PromiseRejectedResult).reason))
          assert.deepEqual((r as PromiseFulfilledResult<{ status: number; body: unknown }>).value, { status: 200, body: { slow: 'done' } })
        }
        assert.equal(await app.exited, 1)
        const line = app
          .stderr()
          .split('\n')
          .find((l) => l.includes('VEC_ERR_UNCAUGHT'))
        assert.ok(line, `stderr: ${app.stderr()}`)
        const logged = JSON.parse(line) as { level: string; origin: string; err: { message: string } }
        assert.equal(logged.level, 'error')
        assert.match(logged.err.message, trigger === '/boom' ? /timer exploded/ : /nobody caught me/)
        assert.equal(logged.origin, trigger === '/boom' ? 'uncaughtException' : 'unhandledRejection')
      } finally {
        if (app.child.exitCode === null) app.child.kill('SIGKILL')
      }
    })
  }

  it("keeps Node's default with handleUncaught: false: the process exits at once and in-flight requests get no response", async () => {
    const app = await start('off')
    try {
      const slow = Array.from({ length: 5 }, () => fetch(`${app.url}/slow`))
      await app.started(5)
      await fetch(`${app.url}/boom`)
      const results = await Promise.allSettled(slow)
      assert.ok(
        results.every((r) => r.status === 'rejected'),
        'every in-flight request was dropped',
      )
      assert.equal(await app.exited, 1)
    } finally {
      if (app.child.exitCode === null) app.child.kill('SIGKILL')
    }
  })
})
