/**
 * @module test/loaders/playground — `npm start` as a new user runs it: the playground under the tsx CLI,
 * over a real socket. Its contracts answer 400 and coerce query strings to numbers (they were silently off
 * under tsx once), and SIGTERM drains and exits 0. It runs the start script's command itself: npm would stand
 * between the signal and the app.
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

  it('validates its typed routes and exits 0 on SIGTERM', async function () {
    this.timeout(60_000)
    // What `npm start` runs (playground's start script), without npm in between so the signal reaches tsx; on
    // an in-memory database, so the test writes nothing to playground/data/.
    child = spawn(tsx, ['src/main.ts'], {
      cwd: `${root}playground`,
      env: { ...process.env, PORT: '0', NODE_OPTIONS: '', PLAYGROUND_DB: ':memory:' },
      stdio: ['ignore', 'pipe', 'inherit'],
    })
    let output = ''
    const url = await new Promise<string>((resolve, reject) => {
      child!.stdout!.on('data', (chunk: Buffer) => {
        output += chunk.toString()
        const match = /listening on (http:\/\/[^\s"]+)/.exec(output)
        if (match) resolve(match[1]!)
      })
      child!.once('exit', (code) => reject(new Error(`npm start exited with ${code} before listening: ${output}`)))
    })
    const post = (path: string, body: unknown, token?: string) =>
      fetch(`${url}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(token && { authorization: `Bearer ${token}` }) },
        body: JSON.stringify(body),
      })
    for (const body of [{}, { username: 'Ada Lovelace', password: 'long enough' }, { username: 'ada', password: 'short' }]) {
      const res = await post('/auth/signup', body)
      assert.equal(res.status, 400, JSON.stringify(body))
      assert.equal(((await res.json()) as { code: string }).code, 'VEC_ERR_VALIDATION')
    }
    const credentials = { username: 'ada', password: 'correct horse' }
    assert.equal((await post('/auth/signup', credentials)).status, 201)
    const { token } = (await (await post('/auth/login', credentials)).json()) as { token: string }
    for (const title of ['one', 'two']) assert.equal((await post('/notes', { title, body: '' }, token)).status, 201)
    const authorization = { authorization: `Bearer ${token}` }
    const bad = await fetch(`${url}/notes?limit=abc`, { headers: authorization })
    assert.equal(bad.status, 400)
    // `limit=1` arrives as the number 1: one note, the newest.
    const one = (await (await fetch(`${url}/notes?limit=1`, { headers: authorization })).json()) as { title: string }[]
    assert.deepEqual(
      one.map((note) => note.title),
      ['two'],
    )

    const exit = once(child, 'exit')
    // tsx forwards SIGTERM to the app; the app drains and exits 0.
    child.kill('SIGTERM')
    const [code] = await exit
    assert.equal(code, 0)
  })
})
