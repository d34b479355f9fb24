/**
 * @module plugins/cookie/test/readme — the README's opening example, run as a user runs it: its first ```ts block is
 * written to a file inside the package (so `vectora` and `@vectora/cookie` resolve as in an app), started in a child
 * process with `PORT=0`, and checked through real HTTP (fetch, whose `getSetCookie()` keeps the fields apart); SIGTERM
 * then stops it cleanly.
 */
import assert from 'node:assert/strict'
import { type ChildProcess, spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { verifyCookieValue } from '@vectora/cookie'

const PACKAGE = fileURLToPath(new URL('../', import.meta.url))
const ROOT = join(PACKAGE, '../..')
const SECRET = 'readme-secret-readme-secret-readme-secret'

/** The README's first ```ts block. */
function firstExample(): string {
  const match = /^```ts\n([\s\S]*?)^```$/m.exec(readFileSync(join(PACKAGE, 'README.md'), 'utf8'))
  assert.ok(match, 'the README opens with a ```ts block')
  return match[1]!
}

interface Running {
  readonly child: ChildProcess
  readonly base: string
  readonly output: () => string
}

/** Runs the example with `env` (COOKIE_SECRET removed when undefined); resolves when it exits or prints its address. */
function run(file: string, env: Record<string, string | undefined>): { started: Promise<Running>; exited: Promise<number | null>; output: () => string } {
  const childEnv: Record<string, string | undefined> = { ...process.env, PORT: '0', ...env }
  for (const [key, value] of Object.entries(childEnv)) if (value === undefined) delete childEnv[key]
  const child = spawn(process.execPath, ['--import', 'tsx', '--conditions=@vectora/source', file], {
    cwd: ROOT,
    env: childEnv,
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
  const started = new Promise<Running>((resolve, reject) => {
    const onData = (chunk: Buffer): void => {
      output += chunk.toString()
      const port = /listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(output)?.[1]
      if (port !== undefined) resolve({ child, base: `http://127.0.0.1:${port}`, output: () => output })
    }
    child.stdout!.on('data', onData)
    child.stderr!.on('data', onData)
    void exited.then((code) => reject(new Error(`the example exited (${code}) before listening:\n${output}`)))
  })
  started.catch(() => {}) // a run expected to fail awaits `exited` instead
  return { started, exited, output: () => output }
}

/** SIGTERM, as an orchestrator stops it; resolves the exit code. */
function stop(running: Running): Promise<number | null> {
  return new Promise((resolve) => {
    if (running.child.exitCode !== null) return resolve(running.child.exitCode)
    running.child.once('exit', (code) => resolve(code))
    running.child.kill('SIGTERM')
  })
}

/** `name=value` of each Set-Cookie field, as a browser would send them back. */
const cookieHeader = (lines: string[]): string => lines.map((line) => line.split(';')[0]).join('; ')

describe('@vectora/cookie: README example', function () {
  this.timeout(60_000)
  let dir: string
  let file: string
  let running: Running | undefined

  before(() => {
    dir = mkdtempSync(join(PACKAGE, '.readme-'))
    file = join(dir, 'example.ts')
    writeFileSync(file, firstExample())
  })

  afterEach(async () => {
    if (running !== undefined) {
      const code = await stop(running)
      assert.equal(code, 0, `the example did not stop cleanly on SIGTERM:\n${running.output()}`)
      running = undefined
    }
  })

  after(() => rmSync(dir, { recursive: true, force: true }))

  it('logs in with a signed, Secure cookie, reads it back, refuses it changed, and clears it on logout (production)', async () => {
    running = await run(file, { NODE_ENV: 'production', COOKIE_SECRET: SECRET }).started
    const { base } = running
    const login = await fetch(`${base}/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"user":"alice"}' })
    assert.deepEqual(await login.json(), { ok: true })
    const lines = login.headers.getSetCookie()
    assert.equal(lines.length, 2)
    assert.match(lines[0]!, /^user=alice\.[A-Za-z0-9_-]{43}; Max-Age=86400; Path=\/; HttpOnly; Secure; SameSite=Lax$/)
    assert.equal(verifyCookieValue('user', lines[0]!.split(';')[0]!.slice('user='.length), SECRET), 'alice')
    assert.equal(lines[1], 'theme=dark; Path=/; Secure; SameSite=Lax')

    const me = await fetch(`${base}/me`, { headers: { cookie: cookieHeader(lines) } })
    assert.deepEqual(await me.json(), { user: 'alice', theme: 'dark' })

    const forged = cookieHeader(lines).replace('user=alice.', 'user=mallory.')
    const refused = await fetch(`${base}/me`, { headers: { cookie: forged } })
    assert.equal(refused.status, 401)
    assert.equal(refused.headers.get('content-type'), 'application/problem+json')
    assert.equal(((await refused.json()) as { code: string }).code, 'NOT_LOGGED_IN')

    const logout = await fetch(`${base}/logout`, { method: 'POST', headers: { cookie: cookieHeader(lines) } })
    assert.deepEqual(logout.headers.getSetCookie(), ['user=; Max-Age=0; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT; HttpOnly; Secure; SameSite=Lax'])
  })

  it('leaves Secure out with NODE_ENV=development', async () => {
    running = await run(file, { NODE_ENV: 'development', COOKIE_SECRET: SECRET }).started
    const login = await fetch(`${running.base}/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"user":"bob"}' })
    const lines = login.headers.getSetCookie()
    assert.match(lines[0]!, /^user=bob\.[A-Za-z0-9_-]{43}; Max-Age=86400; Path=\/; HttpOnly; SameSite=Lax$/)
    assert.equal(lines[1], 'theme=dark; Path=/; SameSite=Lax')
  })

  it('refuses to start without COOKIE_SECRET, saying which setting is missing', async () => {
    const attempt = run(file, { NODE_ENV: 'production', COOKIE_SECRET: undefined })
    const code = await attempt.exited
    assert.notEqual(code, 0)
    assert.match(attempt.output(), /secret is undefined: is the environment variable it is read from set\?/)
    assert.match(attempt.output(), /code: 'COOKIE_SECRET_INVALID'/)
  })
})
