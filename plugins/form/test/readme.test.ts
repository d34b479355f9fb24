/**
 * @module plugins/form/test/readme — the README's opening example, run as a user runs it: its first ```ts block is
 * written to a file inside the package (so `vectora`, `arktype` and `@vectora/form` resolve as in an app), started
 * in a child process with `PORT=0`, its library and its temporary folder pointed at folders of the test, and
 * checked through real HTTP with fetch (whose FormData is encoded as a browser encodes a form); SIGTERM stops it.
 */
import assert from 'node:assert/strict'
import { type ChildProcess, spawn } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync, rmSync, watch, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { bytes, eventually, leftIn, sha256 } from './support.js'

const PACKAGE = fileURLToPath(new URL('../', import.meta.url))
const ROOT = join(PACKAGE, '../..')

/** The README's first ```ts block. */
function firstExample(): string {
  const match = /^```ts\n([\s\S]*?)^```$/m.exec(readFileSync(join(PACKAGE, 'README.md'), 'utf8'))
  assert.ok(match, 'the README opens with a ```ts block')
  return match[1]!
}

/** Starts the example; resolves its base URL once it prints its address. */
function start(file: string, env: Record<string, string>): Promise<{ child: ChildProcess; base: string; output: () => string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', '--conditions=@vectora/source', file], {
    cwd: ROOT,
    env: { ...process.env, PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  return new Promise((resolve, reject) => {
    const onData = (chunk: Buffer): void => {
      output += chunk.toString()
      const port = /listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(output)?.[1]
      if (port !== undefined) resolve({ child, base: `http://127.0.0.1:${port}`, output: () => output })
    }
    child.stdout!.on('data', onData)
    child.stderr!.on('data', onData)
    child.once('exit', (code) => reject(new Error(`the example exited (${code}) before listening:\n${output}`)))
  })
}

describe('@vectora/form: README example', function () {
  this.timeout(60_000)
  let dir: string
  let library: string
  let temp: string
  let running: Awaited<ReturnType<typeof start>>

  /** The upload folders in the example's TMPDIR (tsx keeps its cache there too). */
  const uploads = (): string[] => leftIn(temp).filter((name) => name.startsWith('vectora-form-'))

  before(async () => {
    dir = mkdtempSync(join(PACKAGE, '.readme-'))
    const file = join(dir, 'example.ts')
    writeFileSync(file, firstExample())
    library = mkdtempSync(join(tmpdir(), 'form-readme-library-'))
    temp = mkdtempSync(join(tmpdir(), 'form-readme-tmp-'))
    // os.tmpdir() is TMPDIR: the uploads of the example go there, where the test can see them come and go.
    running = await start(file, { LIBRARY: library, TMPDIR: temp })
  })

  after(async () => {
    if (running !== undefined) {
      const code = await new Promise<number | null>((resolve) => {
        if (running.child.exitCode !== null) return resolve(running.child.exitCode)
        running.child.once('exit', resolve)
        running.child.kill('SIGTERM')
      })
      assert.equal(code, 0, `the example did not stop cleanly on SIGTERM:\n${running.output()}`)
    }
    for (const folder of [dir, library, temp]) if (folder !== undefined) rmSync(folder, { recursive: true, force: true })
  })

  it('reads a urlencoded contact form, coerced and validated by its Type', async () => {
    const body = new URLSearchParams({ email: 'ada@example.com', message: 'Hi', topics: 'math', urgent: 'true' })
    const res = await fetch(`${running.base}/contact`, { method: 'POST', body })
    assert.equal(res.headers.get('content-type')?.startsWith('application/json'), true)
    assert.deepEqual(await res.json(), { from: 'ada@example.com', topics: ['math'], urgent: true })
  })

  it('answers a wrong contact form with a 400 naming every wrong field', async () => {
    const res = await fetch(`${running.base}/contact`, { method: 'POST', body: new URLSearchParams({ email: 'nope' }) })
    assert.equal(res.status, 400)
    assert.equal(res.headers.get('content-type'), 'application/problem+json')
    const problem = (await res.json()) as { code: string; errors: Array<{ in: string; path: string }> }
    assert.equal(problem.code, 'VEC_ERR_VALIDATION')
    assert.deepEqual(problem.errors.map((e) => `${e.in}:${e.path}`).sort(), ['body:email', 'body:message'])
  })

  it('copies an uploaded video into the library with its exact bytes, and removes the upload itself', async () => {
    const seen: string[] = []
    const watcher = watch(temp, (_event, name) => void (name !== null && seen.push(name)))
    try {
      const video = bytes(3 * 1024 * 1024, 11)
      const body = new FormData()
      body.set('title', 'Holiday')
      body.set('video', new Blob([video], { type: 'video/mp4' }), 'holiday.mp4')
      const res = await fetch(`${running.base}/videos`, { method: 'POST', body })
      assert.equal(res.status, 200)
      const { title, bytes: size, kept } = (await res.json()) as { title: string; bytes: number; kept: string }
      assert.deepEqual({ title, size, inLibrary: dirname(kept) === library }, { title: 'Holiday', size: video.length, inLibrary: true })
      assert.equal(sha256(readFileSync(kept)), sha256(video))
      assert.deepEqual(readdirSync(library).length, 1)
      await eventually(() => uploads().length === 0, 'the upload folder of the request is removed')
      assert.ok(
        seen.some((name) => name.startsWith('vectora-form-')),
        `an upload folder was made in TMPDIR (seen: ${seen.join(', ')})`,
      )
    } finally {
      watcher.close()
    }
  })

  it('answers 413 FORM_TOO_MANY_FILES to a second file, and 400 VIDEO_MISSING to a form without the video', async () => {
    const two = new FormData()
    two.set('title', 'Two')
    two.append('video', new Blob(['a']), 'a.mp4')
    two.append('video', new Blob(['b']), 'b.mp4')
    const tooMany = await fetch(`${running.base}/videos`, { method: 'POST', body: two })
    assert.equal(tooMany.status, 413)
    assert.equal(((await tooMany.json()) as { code: string }).code, 'FORM_TOO_MANY_FILES')

    const none = new FormData()
    none.set('title', 'Nothing')
    const missing = await fetch(`${running.base}/videos`, { method: 'POST', body: none })
    assert.equal(missing.status, 400)
    assert.equal(((await missing.json()) as { code: string }).code, 'VIDEO_MISSING')
    await eventually(() => uploads().length === 0, 'nothing is left of the refused forms')
  })
})
