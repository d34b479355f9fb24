/**
 * @module kernel/test/process/drain-signal — a request cut at the drain deadline of a real SIGTERM sees
 * `req.signal` abort before the drain step ends: before the onClose hooks run and before the process exits.
 */
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { request } from 'node:http'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('../../../', import.meta.url))
const fixture = fileURLToPath(new URL('./fixtures/drain-app.ts', import.meta.url))

describe('drain on SIGTERM', () => {
  it('fires req.signal of a request cut at the deadline before onClose and before exit', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', '--conditions=@vectora/source', fixture], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] })
    const lines: string[] = []
    let buffered = ''
    const waiters: Array<{ match: string; resolve: (line: string) => void }> = []
    child.stdout.on('data', (chunk: Buffer) => {
      buffered += chunk.toString()
      let nl: number
      while ((nl = buffered.indexOf('\n')) !== -1) {
        const line = buffered.slice(0, nl)
        buffered = buffered.slice(nl + 1)
        lines.push(line)
        for (const w of [...waiters]) if (line.startsWith(w.match)) w.resolve(line)
      }
    })
    const next = (match: string) =>
      new Promise<string>((resolve) => {
        const seen = lines.find((l) => l.startsWith(match))
        if (seen !== undefined) resolve(seen)
        else waiters.push({ match, resolve })
      })
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
    try {
      const port = Number((await next('PORT ')).slice(5))
      // The request never gets an answer: the drain deadline closes its connection.
      const req = request({ host: '127.0.0.1', port, path: '/hang' })
      req.on('error', () => {})
      req.end()
      await next('HANDLER')
      child.kill('SIGTERM')
      const code = await exited
      assert.ok(lines.includes('ABORTED AbortError'), `stdout: ${JSON.stringify(lines)}`)
      assert.ok(lines.indexOf('ABORTED AbortError') < lines.indexOf('ONCLOSE'), `the abort comes before onClose: ${JSON.stringify(lines)}`)
      assert.equal(code, 0)
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL')
    }
  })
})
