/**
 * @module plugins/helmet/test/readme — the README's opening example, run as a user runs it: its first ```ts block is
 * written to a file inside the package (so `vectora` and `@vectora/helmet` resolve as in an app), started in a child
 * process with `PORT=0`, checked through real HTTP, then stopped with SIGTERM. Also keeps the README's option and
 * error tables in step with the code.
 */
import assert from 'node:assert/strict'
import { type ChildProcess, spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { API_HEADERS, helmetHeaders, PAGE_HEADERS } from './support.js'

const PACKAGE = fileURLToPath(new URL('../', import.meta.url))
const ROOT = join(PACKAGE, '../..')
const README = readFileSync(join(PACKAGE, 'README.md'), 'utf8')

/** The README's first ```ts block. */
function firstExample(): string {
  const match = /^```ts\n([\s\S]*?)^```$/m.exec(README)
  assert.ok(match, 'the README opens with a ```ts block')
  return match[1]!
}

interface Running {
  readonly child: ChildProcess
  readonly base: string
  readonly output: () => string
}

/** Starts the example; resolves once it printed where it listens. */
function start(file: string): Promise<Running> {
  const child = spawn(process.execPath, ['--import', 'tsx', '--conditions=@vectora/source', file], {
    cwd: ROOT,
    env: { ...process.env, PORT: '0' },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  return new Promise((resolve, reject) => {
    const onData = (chunk: Buffer): void => {
      output += chunk.toString()
      const port = /try: curl -i http:\/\/127\.0\.0\.1:(\d+)\/notes\/1/.exec(output)?.[1]
      if (port !== undefined) resolve({ child, base: `http://127.0.0.1:${port}`, output: () => output })
    }
    child.stdout!.on('data', onData)
    child.stderr!.on('data', onData)
    child.once('exit', (code) => reject(new Error(`the example exited (${code}) before listening:\n${output}`)))
  })
}

/** SIGTERM, as an orchestrator stops it; resolves the exit code. */
function stop(running: Running): Promise<number | null> {
  return new Promise((resolve) => {
    if (running.child.exitCode !== null) return resolve(running.child.exitCode)
    running.child.once('exit', (code) => resolve(code))
    running.child.kill('SIGTERM')
  })
}

function headersOf(res: Response): Record<string, string> {
  return helmetHeaders(Object.fromEntries(res.headers))
}

describe('@vectora/helmet: README', function () {
  this.timeout(60_000)

  describe('the opening example', () => {
    let dir: string
    let running: Running | undefined

    before(async () => {
      dir = mkdtempSync(join(PACKAGE, '.readme-'))
      const file = join(dir, 'example.ts')
      writeFileSync(file, firstExample())
      running = await start(file)
    })

    after(async () => {
      if (running !== undefined) {
        const code = await stop(running)
        assert.equal(code, 0, `the example did not stop cleanly on SIGTERM:\n${running.output()}`)
      }
      rmSync(dir, { recursive: true, force: true })
    })

    it('answers GET /notes/1 with its JSON and exactly the ten headers the README lists', async () => {
      const res = await fetch(`${running!.base}/notes/1`)
      assert.equal(res.status, 200)
      assert.deepEqual(await res.json(), { id: 1, text: 'hello' })
      const expected = {
        ...API_HEADERS,
        'referrer-policy': 'strict-origin-when-cross-origin',
        'strict-transport-security': 'max-age=63072000; includeSubDomains; preload',
      }
      assert.deepEqual(headersOf(res), expected)
      // The README shows them as a block: the same lines, in the same order.
      const block = /`GET \/notes\/1` answers its JSON with ten headers:\n\n```\n([\s\S]*?)```/.exec(README)?.[1]
      assert.equal(
        block,
        `${Object.entries(expected)
          .map(([name, value]) => `${name}: ${value}`)
          .join('\n')}\n`,
      )
    })

    it('sends the same headers on the 404 problem+json of GET /notes/2 and of a path the app does not have', async () => {
      for (const path of ['/notes/2', '/no/such/path']) {
        const res = await fetch(`${running!.base}${path}`)
        assert.equal(res.status, 404)
        assert.equal(res.headers.get('content-type'), 'application/problem+json')
        const headers = headersOf(res)
        assert.equal(headers['strict-transport-security'], 'max-age=63072000; includeSubDomains; preload', path)
        assert.equal(headers['content-security-policy'], API_HEADERS['content-security-policy'], path)
        assert.equal(Object.keys(headers).length, 10, path)
      }
      assert.equal(((await (await fetch(`${running!.base}/notes/2`)).json()) as { code: string }).code, 'NOTE_NOT_FOUND')
    })

    it("answers GET / with the 'page' preset's headers, set by the route", async () => {
      const res = await fetch(`${running!.base}/`)
      assert.equal(res.status, 200)
      assert.equal(await res.text(), '<!doctype html><h1>Notes</h1>')
      assert.deepEqual(headersOf(res), PAGE_HEADERS)
    })
  })

  it('lists every option in the options table and every error code in the errors table', () => {
    const options = readFileSync(join(PACKAGE, 'src/options.ts'), 'utf8')
    const known = /const KNOWN: readonly string\[\] = \[([\s\S]*?)\]/.exec(options)?.[1]
    assert.ok(known, 'src/options.ts has the KNOWN list')
    const names = [...known.matchAll(/'(\w+)'/g)].map((m) => m[1]!)
    assert.ok(names.length >= 14)
    for (const name of names) assert.match(README, new RegExp(`^\\| \`${name}\` \\|`, 'm'), `options table row for ${name}`)
    const errors = readFileSync(join(PACKAGE, 'src/errors.ts'), 'utf8')
    const codes = [...errors.matchAll(/\| '(HELMET_[A-Z_]+)'/g)].map((m) => m[1]!)
    assert.equal(codes.length, 6)
    for (const code of codes) assert.match(README, new RegExp(`^\\| \`${code}\` \\|`, 'm'), `errors table row for ${code}`)
  })
})
