/**
 * @module test/loaders/playground — `npm start` as a new user runs it: the playground under the tsx CLI,
 * over a real socket. Its contracts answer 400 (they were silently off under tsx), and SIGTERM drains and
 * exits 0. It runs the start script's command itself: npm would stand between the signal and the app.
 */
import assert from 'node:assert/strict'
import { spawn, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('../../', import.meta.url))
const tsx = fileURLToPath(new URL('../../node_modules/.bin/tsx', import.meta.url))

describe('playground under npm start', () => {
  let child: ChildProcess | undefined
  afterEach(() => {
    if (child !== undefined && child.exitCode === null) child.kill('SIGKILL')
  })

  it('validates its typed routes and exits 0 on SIGTERM', async () => {
    // What `npm start` runs (playground's start script), without npm in between so the signal reaches tsx.
    child = spawn(tsx, ['src/main.ts'], {
      cwd: `${root}playground`,
      env: { ...process.env, PORT: '0', NODE_OPTIONS: '' },
      stdio: ['ignore', 'pipe', 'inherit'],
    })
    let output = ''
    const url = await new Promise<string>((resolve, reject) => {
      child!.stdout!.on('data', (chunk: Buffer) => {
        output += chunk.toString()
        const match = /listening on (http:\/\/\S+)/.exec(output)
        if (match) resolve(match[1]!)
      })
      child!.once('exit', (code) => reject(new Error(`npm start exited with ${code} before listening: ${output}`)))
    })
    for (const id of ['abc', '0', '-1', '2.5']) {
      const res = await fetch(`${url}/items/${id}`)
      assert.equal(res.status, 400, `/items/${id}`)
      assert.equal(((await res.json()) as { code: string }).code, 'VEC_ERR_VALIDATION')
    }
    const ok = await fetch(`${url}/items/3?detail=true`)
    assert.deepEqual(await ok.json(), { id: 3, detail: true })
    const exit = once(child, 'exit')
    // tsx forwards SIGTERM to the app; the app drains and exits 0.
    child.kill('SIGTERM')
    const [code] = await exit
    assert.equal(code, 0)
  })
})
