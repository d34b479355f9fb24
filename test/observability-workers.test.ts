/**
 * @module test/observability-workers — @vectora/logger and @vectora/otel under `createApp({ workers: 2 })`,
 * over real sockets in a child process: every request has exactly one access line on stdout (from the thread
 * that answered it, with the id the client got), nothing is lost at SIGTERM, and a scrape of /metrics shows
 * the histogram of the thread that answered it while the kernel counters cover both threads.
 */
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { fileURLToPath } from 'node:url'

const APP = fileURLToPath(new URL('./fixtures/observed-workers-app.mjs', import.meta.url))

describe('observability plugins with workers', () => {
  it('logs one access line per request from both threads, loses none at SIGTERM, and scrapes per-thread metrics', async function () {
    this.timeout(30_000)
    const child = spawn(process.execPath, [APP], { env: { ...process.env, PORT: '0', NODE_ENV: 'test' }, stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk))
    let stderr = ''
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk))
    try {
      const port = await new Promise<number>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no READY line; stderr: ${stderr}`)), 20_000)
        const check = (): void => {
          const m = /READY (\d+)/.exec(stdout)
          if (m) {
            clearTimeout(timer)
            resolve(Number(m[1]))
          } else setTimeout(check, 20)
        }
        check()
      })
      const answers = await Promise.all(
        Array.from({ length: 200 }, async () => {
          const res = await fetch(`http://127.0.0.1:${port}/where`)
          const body = (await res.json()) as { thread: number; id: string }
          assert.equal(res.headers.get('x-request-id'), body.id)
          return body
        }),
      )
      const threads = new Set(answers.map((a) => a.thread))
      assert.equal(threads.size, 2, 'both threads answered')
      const scrape = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text()
      const requests = Number(/^vectora_kernel_requests_total (\d+)/m.exec(scrape)?.[1])
      assert.ok(requests >= 201, `the kernel counter covers both threads: ${requests}`)
      const counted = [...scrape.matchAll(/^http_server_request_duration_seconds_count\{[^}]*http_route="\/where"[^}]*\} (\d+)/gm)].reduce(
        (sum, m) => sum + Number(m[1]),
        0,
      )
      assert.ok(counted > 0 && counted < 200, `one thread's histogram: ${counted} of 200`)

      child.kill('SIGTERM')
      const [code] = await once(child, 'exit')
      assert.equal(code, 0, stderr)
      const lines = stdout
        .split('\n')
        .filter((line) => line.startsWith('{'))
        .map((line) => JSON.parse(line) as Record<string, unknown>)
      const access = lines.filter((line) => line['url.path'] === '/where')
      assert.equal(access.length, 200)
      assert.deepEqual(new Set(access.map((line) => line.request_id)), new Set(answers.map((a) => a.id)))
      assert.ok(access.every((line) => line.service === 'observed' && line.outcome === 'completed'))
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL')
    }
  })
})
