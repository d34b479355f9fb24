/**
 * @module plugins/compress/test/readme — the README's opening example, run as a user runs it: its first ```ts block is
 * written to a file inside the package (so `vectora` and `@vectora/compress` resolve as in an app), started in a child
 * process with `PORT=0`, and checked over real HTTP with node:http (which, unlike fetch, leaves bodies compressed):
 * every body is decompressed with node:zlib. SIGTERM then stops it cleanly.
 */
import assert from 'node:assert/strict'
import { type ChildProcess, spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { formatSseEvent } from 'vectora'
import { httpRequest } from 'vectora/testing'
import { decoded } from './support.js'

const PACKAGE = fileURLToPath(new URL('../', import.meta.url))
const ROOT = join(PACKAGE, '../..')

/** The README's first ```ts block. */
function firstExample(): string {
  const match = /^```ts\n([\s\S]*?)^```$/m.exec(readFileSync(join(PACKAGE, 'README.md'), 'utf8'))
  assert.ok(match, 'the README opens with a ```ts block')
  return match[1]!
}

describe('@vectora/compress: README example', function () {
  this.timeout(60_000)
  let dir: string
  let child: ChildProcess
  let port: number
  let output = ''

  before(async () => {
    dir = mkdtempSync(join(PACKAGE, '.readme-'))
    const file = join(dir, 'example.ts')
    writeFileSync(file, firstExample())
    child = spawn(process.execPath, ['--import', 'tsx', '--conditions=@vectora/source', file], {
      cwd: ROOT,
      env: { ...process.env, PORT: '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    port = await new Promise<number>((resolve, reject) => {
      const onData = (chunk: Buffer): void => {
        output += chunk.toString()
        const found = /listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(output)?.[1]
        if (found !== undefined) resolve(Number(found))
      }
      child.stdout!.on('data', onData)
      child.stderr!.on('data', onData)
      child.once('exit', (code) => reject(new Error(`the example exited (${code}) before listening:\n${output}`)))
    })
  })

  after(async () => {
    if (child.exitCode === null) {
      const code = await new Promise<number | null>((resolve) => {
        child.once('exit', resolve)
        child.kill('SIGTERM')
      })
      assert.equal(code, 0, `the example did not stop cleanly on SIGTERM:\n${output}`)
    }
    rmSync(dir, { recursive: true, force: true })
  })

  const curlCompressed = { 'accept-encoding': 'deflate, gzip, br, zstd' }

  it('answers /users with br to what curl --compressed asks for, 11 KiB of JSON in under 1 KiB', async () => {
    const res = await httpRequest(port, { url: '/users', headers: curlCompressed })
    assert.equal(res.status, 200)
    assert.equal(res.headers['content-encoding'], 'br')
    assert.equal(res.headers.vary, 'Accept-Encoding')
    assert.equal(res.headers['content-length'], String(res.body.length))
    const users = JSON.parse(decoded(res).toString())
    assert.equal(users.length, 200)
    assert.deepEqual(users[7], { id: 7, name: 'user 7', email: 'user7@example.com' })
    const json = decoded(res).length
    assert.equal(json, 11_471)
    assert.ok(res.body.length < 1024, `${res.body.length} bytes compressed`)
  })

  it('answers a client that sends no Accept-Encoding uncompressed, with Vary: Accept-Encoding', async () => {
    const res = await httpRequest(port, { url: '/users' })
    assert.equal(res.headers['content-encoding'], undefined)
    assert.equal(res.headers.vary, 'Accept-Encoding')
    assert.equal(res.json().length, 200)
  })

  it('streams /export.csv compressed and chunked', async () => {
    const res = await httpRequest(port, { url: '/export.csv', headers: { 'accept-encoding': 'gzip' } })
    assert.equal(res.headers['content-encoding'], 'gzip')
    assert.equal(res.headers['transfer-encoding'], 'chunked')
    const csv = decoded(res).toString().split('\n')
    assert.equal(csv[0], 'id,name')
    assert.equal(csv[5000], '4999,user 4999')
    assert.equal(csv.length, 5002) // the last line ends with \n
  })

  it('sends the /ticks events through br', async () => {
    const res = await httpRequest(port, { url: '/ticks', headers: curlCompressed })
    assert.equal(res.headers['content-type'], 'text/event-stream; charset=utf-8')
    assert.equal(res.headers['content-encoding'], 'br')
    const expected = [1, 2, 3].map((n) => formatSseEvent({ id: String(n), event: 'tick', data: { n } })).join('')
    assert.equal(decoded(res).toString(), expected)
  })
})
