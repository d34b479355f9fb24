/** @module test/flush — no lost lines: 10 000 lines logged, app.close(), process.exit(0), all of them on the pipe or in the file. */
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

const fixture = fileURLToPath(new URL('./fixtures/many-lines.ts', import.meta.url))

/** Runs the fixture with stdout a pipe, read slowly at first so Node has to buffer; resolves with its stdout. */
function run(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', '--conditions=@vectora/source', fixture, ...args], { stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    child.stdout.pause()
    setTimeout(() => child.stdout.resume(), 300)
    child.stdout.on('data', (chunk) => {
      stdout += chunk
    })
    child.stderr.on('data', (chunk) => {
      stderr += chunk
    })
    child.on('error', reject)
    child.on('close', (code) => resolve({ code, stdout, stderr }))
  })
}

const parsed = (text: string): Array<Record<string, any>> =>
  text
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line))

describe('@vectora/logger: flush on close', () => {
  it('has every one of 10 000 lines on a piped stdout after app.close() and process.exit(0)', async () => {
    const { code, stdout, stderr } = await run(['10000'])
    assert.equal(code, 0, stderr)
    const lines = parsed(stdout).filter((line) => line.message === 'line')
    assert.equal(lines.length, 10_000)
    assert.deepEqual(
      lines.map((line) => line.i),
      Array.from({ length: 10_000 }, (_, i) => i),
    )
  })

  it('has every one of 10 000 lines in a winston File transport', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vectora-logger-'))
    try {
      const file = join(dir, 'app.log')
      const { code, stderr } = await run(['10000', file])
      assert.equal(code, 0, stderr)
      assert.equal(parsed(readFileSync(file, 'utf8')).filter((line) => line.message === 'line').length, 10_000)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
