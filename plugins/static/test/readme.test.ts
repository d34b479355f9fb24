/**
 * @module plugins/static/test/readme — the README's opening example, run as a user runs it: its first ```ts block is
 * written to a file inside the package (so `vectora` and `@vectora/static` resolve as in an app) next to the
 * `public/` and `dist/assets/` folders it serves, started in a child process with `PORT=0`, checked through real HTTP
 * (node:http, which leaves compressed bytes as they are), then stopped with SIGTERM.
 */
import assert from 'node:assert/strict'
import { type ChildProcess, spawn } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { brotliCompressSync, brotliDecompressSync, gzipSync } from 'node:zlib'
import { httpRequest } from 'vectora/testing'

const PACKAGE = fileURLToPath(new URL('../', import.meta.url))
const ROOT = join(PACKAGE, '../..')
const APP_JS = 'console.log("hello from app.js")\n'.repeat(20)

/** The README's first ```ts block. */
function firstExample(): string {
  const match = /^```ts\n([\s\S]*?)^```$/m.exec(readFileSync(join(PACKAGE, 'README.md'), 'utf8'))
  assert.ok(match, 'the README opens with a ```ts block')
  return match[1]!
}

describe('@vectora/static: README example', function () {
  this.timeout(60_000)
  let dir: string
  let child: ChildProcess | undefined
  let output = ''
  let port = 0

  before(async () => {
    dir = mkdtempSync(join(PACKAGE, '.readme-'))
    const file = (path: string, content: string | Buffer): void => {
      mkdirSync(join(dir, path, '..'), { recursive: true })
      writeFileSync(join(dir, path), content)
    }
    file('example.ts', firstExample())
    file('package.json', '{"type": "module", "private": true, "description": "beside public/, never served"}')
    file('public/index.html', '<h1>home</h1>')
    file('public/about.html', '<h1>about</h1>')
    file('public/docs/index.html', '<h1>docs</h1>')
    file('public/app.js', APP_JS)
    file('public/app.js.br', brotliCompressSync(APP_JS))
    file('public/app.js.gz', gzipSync(APP_JS))
    file('dist/assets/app.3f2a9c.js', 'export {}\n')
    child = spawn(process.execPath, ['--import', 'tsx', '--conditions=@vectora/source', join(dir, 'example.ts')], {
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
      child!.stdout!.on('data', onData)
      child!.stderr!.on('data', onData)
      child!.once('exit', (code) => reject(new Error(`the example exited (${code}) before listening:\n${output}`)))
    })
  })

  after(async () => {
    if (child !== undefined && child.exitCode === null) {
      const code = await new Promise<number | null>((resolve) => {
        child!.once('exit', (exit) => resolve(exit))
        child!.kill('SIGTERM')
      })
      assert.equal(code, 0, `the example did not stop cleanly on SIGTERM:\n${output}`)
    }
    rmSync(dir, { recursive: true, force: true })
  })

  it('serves the index with Cache-Control: no-cache, and /about from about.html', async () => {
    const home = await httpRequest(port, { url: '/' })
    assert.equal(home.status, 200)
    assert.equal(home.text(), '<h1>home</h1>')
    assert.equal(home.headers['cache-control'], 'no-cache')
    const about = await httpRequest(port, { url: '/about' })
    assert.equal(about.text(), '<h1>about</h1>')
    assert.equal(about.headers['content-type'], 'text/html; charset=utf-8')
  })

  it('serves app.js.br for app.js to a client that accepts br, with the original type, Vary and max-age=3600', async () => {
    const res = await httpRequest(port, { url: '/app.js', headers: { 'accept-encoding': 'gzip, br' } })
    assert.equal(res.status, 200)
    assert.equal(res.headers['content-encoding'], 'br')
    assert.equal(res.headers['content-type'], 'text/javascript; charset=utf-8')
    assert.equal(res.headers.vary, 'Accept-Encoding')
    assert.match(res.headers.etag ?? '', /-br"$/)
    assert.equal(res.headers['cache-control'], 'public, max-age=3600')
    assert.equal(brotliDecompressSync(res.body).toString(), APP_JS)
  })

  it('redirects /docs to ./docs/, and serves the fingerprinted assets as immutable', async () => {
    const docs = await httpRequest(port, { url: '/docs' })
    assert.equal(docs.status, 301)
    assert.equal(docs.headers.location, './docs/')
    const asset = await httpRequest(port, { url: '/assets/app.3f2a9c.js' })
    assert.equal(asset.status, 200)
    assert.equal(asset.headers['cache-control'], 'public, max-age=31536000, immutable')
  })

  it('answers the API route, and 404s a way out of public/ like a missing file', async () => {
    assert.deepEqual((await httpRequest(port, { url: '/api/health' })).json(), { ok: true })
    for (const url of ['/../package.json', '/%2e%2e/package.json', '/nope.txt']) {
      const res = await httpRequest(port, { url })
      assert.equal(res.status, 404, url)
      assert.equal(res.json().code, 'VEC_ERR_NOT_FOUND')
      assert.ok(!res.text().includes('never served'))
    }
  })
})
