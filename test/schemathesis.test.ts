/**
 * @module test/schemathesis — a real API fuzzer against the playground: schemathesis (PyPI) reads its
 * /openapi.json and sends generated requests, valid and invalid, with its default checks (no 5xx, status
 * codes and content types as documented, responses conforming to their schemas, invalid data rejected,
 * authentication not ignored, deleted resources gone). It runs as an admin with a bearer token, so the
 * authenticated routes are exercised past their 401. Any failure is a bug in the document or the app. Under
 * CI=true a missing schemathesis fails the test (`.ci/run` installs it); elsewhere the test is skipped with the
 * install command.
 */
import assert from 'node:assert/strict'
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('../', import.meta.url))
const tsx = fileURLToPath(new URL('../node_modules/.bin/tsx', import.meta.url))

describe('schemathesis against the playground', function () {
  this.timeout(180_000)
  let child: ChildProcess | undefined
  afterEach(async () => {
    // SIGTERM reaches the app through tsx (it drains and exits); SIGKILL would kill tsx alone and leave its
    // node child holding our pipes open, so mocha would never exit.
    if (child === undefined || child.exitCode !== null) return
    const exited = new Promise((resolve) => child!.once('exit', resolve))
    child.kill('SIGTERM')
    const timer = setTimeout(() => child!.kill('SIGKILL'), 10_000)
    await exited
    clearTimeout(timer)
    child.stdout?.destroy()
    child.stderr?.destroy()
  })

  it('finds no failure in 30 s of generated requests', async function () {
    const version = spawnSync('schemathesis', ['--version'], { encoding: 'utf8' })
    if (version.error !== undefined || version.status !== 0) {
      if (process.env.CI === 'true') assert.fail('schemathesis is not installed: pip install schemathesis (.ci/run does)')
      this.skip()
    }
    // What `npm start` runs, on a database of its own (nothing written to playground/data/), with the fuzzer's
    // user made an admin. The rate limits are raised past what 30 s of fuzzing sends: with the defaults most
    // requests would get 429 (documented, and checked as such) and the logic behind them would go untested.
    // test/playground.test.ts tests the limits themselves.
    const env = {
      ...process.env,
      PORT: '0',
      NODE_OPTIONS: '',
      PLAYGROUND_DB: ':memory:',
      PLAYGROUND_ADMINS: 'fuzzer',
      JWT_SECRET: 'schemathesis-secret-of-at-least-32-bytes',
      PLAYGROUND_IP_LIMIT: '1000000',
      PLAYGROUND_AUTH_LIMIT: '1000000',
      PLAYGROUND_USER_LIMIT: '1000000',
    }
    child = spawn(tsx, ['src/main.ts'], { cwd: `${root}playground`, env, stdio: ['ignore', 'pipe', 'pipe'] })
    let output = ''
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()))
    const url = await new Promise<string>((resolve, reject) => {
      child!.stdout!.on('data', (chunk: Buffer) => {
        output += chunk.toString()
        const match = /listening on (http:\/\/[^\s"]+)/.exec(output)
        if (match) resolve(match[1]!)
      })
      child!.once('exit', (code) => reject(new Error(`the playground exited with ${code} before listening: ${output}`)))
    })

    const credentials = JSON.stringify({ username: 'fuzzer', password: 'fuzzer-password' })
    const headers = { 'content-type': 'application/json' }
    assert.equal((await fetch(`${url}/auth/signup`, { method: 'POST', headers, body: credentials })).status, 201)
    const login = await fetch(`${url}/auth/login`, { method: 'POST', headers, body: credentials })
    assert.equal(login.status, 200)
    const { token } = (await login.json()) as { token: string }

    // One worker: with two, schemathesis's threads race in CPython 3.11's ast module (hypothesis describes its
    // filter lambdas by parsing their source) and about half the runs end in "AST constructor recursion depth
    // mismatch" (CPython gh-106905), a crash of the tool that says nothing about the app.
    const args = ['run', `${url}/openapi.json`, '--header', `Authorization: Bearer ${token}`, '--max-time', '30', '--workers', '1', '--no-color']
    const run = spawn('schemathesis', args, { stdio: ['ignore', 'pipe', 'pipe'] })
    let report = ''
    run.stdout!.on('data', (chunk: Buffer) => (report += chunk.toString()))
    run.stderr!.on('data', (chunk: Buffer) => (report += chunk.toString()))
    const code = await new Promise<number | null>((resolve) => run.once('exit', resolve))
    assert.equal(code, 0, `schemathesis reported failures:\n${report.slice(-6_000)}`)
    assert.match(report, /passed/, report.slice(-2_000))
    // The run exercised every documented operation of the playground.
    assert.match(report, /Tested: [1-9]/, report.slice(-2_000))
  })
})
