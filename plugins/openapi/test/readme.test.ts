/**
 * @module plugins/openapi/test/readme — the README's opening example, run as a user runs it: its first ```ts block
 * is written to a file inside the package (so `vectora`, `arktype` and `@vectora/openapi` resolve as in an app),
 * started in a child process with `PORT=0`, and checked through real HTTP; SIGTERM then stops it cleanly.
 */
import assert from 'node:assert/strict'
import { type ChildProcess, spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parse } from 'yaml'
import { DOCS_CSP } from '@vectora/openapi'
import { assertValid } from './support.js'

const PACKAGE = fileURLToPath(new URL('../', import.meta.url))
const ROOT = join(PACKAGE, '../..')

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

/** Starts the example with `env`; resolves once it printed where it listens. */
function start(file: string, env: Record<string, string>): Promise<Running> {
  const child = spawn(process.execPath, ['--import', 'tsx', '--conditions=@vectora/source', file], {
    cwd: ROOT,
    env: { ...process.env, ...env, PORT: '0' },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  return new Promise((resolve, reject) => {
    const onData = (chunk: Buffer): void => {
      output += chunk.toString()
      const port = /docs: http:\/\/127\.0\.0\.1:(\d+)\/docs/.exec(output)?.[1]
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

describe('@vectora/openapi: README example', function () {
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

  it('serves the document the README describes, the YAML and the docs page, and answers as documented', async () => {
    running = await start(file, { NODE_ENV: 'development' })
    const { base } = running
    const res = await fetch(`${base}/openapi.json`)
    assert.equal(res.headers.get('content-type'), 'application/json; charset=utf-8')
    const doc: any = await res.json()
    await assertValid(doc)
    assert.deepEqual(doc.info, { title: 'Notes API', version: '1.0.0' })
    assert.deepEqual(Object.keys(doc.paths), ['/notes/{id}', '/notes'])
    const read = doc.paths['/notes/{id}'].get
    assert.equal(read.summary, 'Read a note')
    assert.equal(read.parameters[0].name, 'id')
    assert.equal(read.parameters[0].schema.type, 'string')
    assert.deepEqual(Object.keys(read.responses), ['200', '400', '404', '500'])
    assert.ok(read.responses['404'].content['application/problem+json'])
    const write = doc.paths['/notes'].post
    assert.equal(write.requestBody.required, true)
    assert.deepEqual(write.requestBody.content['application/json'].example, { text: 'buy milk' })
    assert.deepEqual(Object.keys(write.responses), ['201', '400', '413', '415', '500'])

    assert.deepEqual(parse(await (await fetch(`${base}/openapi.yaml`)).text()), doc)
    const page = await fetch(`${base}/docs`)
    assert.equal(page.status, 200)
    assert.equal(page.headers.get('content-security-policy'), DOCS_CSP)

    // What the document says is what the app does.
    assert.deepEqual(await (await fetch(`${base}/notes/1`)).json(), { id: 1, text: 'hello' })
    const missing = await fetch(`${base}/notes/99`)
    assert.equal(missing.status, 404)
    assert.equal(missing.headers.get('content-type'), 'application/problem+json')
    assert.equal(((await missing.json()) as { code: string }).code, 'NOTE_NOT_FOUND')
    const created = await fetch(`${base}/notes`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"text":"buy milk"}' })
    assert.equal(created.status, 201)
    assert.deepEqual(await created.json(), { id: 2, text: 'buy milk' })
    assert.equal((await fetch(`${base}/notes/abc`)).status, 400)
  })

  it('turns the docs page off in production and keeps the document', async () => {
    running = await start(file, { NODE_ENV: 'production' })
    assert.equal((await fetch(`${running.base}/docs`)).status, 404)
    assert.equal((await fetch(`${running.base}/openapi.json`)).status, 200)
  })
})
