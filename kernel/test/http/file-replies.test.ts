/**
 * @module kernel/test/http/file-replies — `reply.file(path)`: the kernel reads and sends the file (byte-identical,
 * large files too), with its type, length, ETag and Last-Modified; 304 for If-None-Match / If-Modified-Since;
 * Range (206, suffix and open ranges, 416, If-Range) through curl as a user would try it; HEAD; downloads; a
 * missing path or a folder is a 404 that names neither; a file removed between the stat and the send; onResponse
 * reports the outcome after the last byte.
 */
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { createHash, randomBytes } from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { promisify } from 'node:util'
import { FileBody, type Outcome, parseRange, reply } from 'vectora'
import { assertProblem, createTestApp, forEachTransport, httpRequest, listen, onCleanup, useCleanup } from 'vectora/testing'

const run = promisify(execFile)

function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vectora-file-'))
  onCleanup(() => fs.rmSync(dir, { recursive: true, force: true }))
  return dir
}

const sha = (data: Buffer): string => createHash('sha256').update(data).digest('hex')

describe('file replies', () => {
  useCleanup()

  forEachTransport((t) => {
    it('sends the file with its type, length, ETag, Last-Modified and accept-ranges', async () => {
      const dir = tempDir()
      fs.writeFileSync(path.join(dir, 'page.html'), '<h1>hi</h1>')
      const app = createTestApp()
      app.get('/page', () => reply.file(path.join(dir, 'page.html')))
      const res = await t.request(app, { url: '/page' })
      assert.equal(res.status, 200)
      assert.equal(res.text(), '<h1>hi</h1>')
      assert.equal(res.headers['content-type'], 'text/html; charset=utf-8')
      assert.equal(res.headers['content-length'], '11')
      assert.match(res.headers.etag!, /^"[0-9a-f]+-[0-9a-f]+"$/)
      assert.equal(res.headers['last-modified'], fs.statSync(path.join(dir, 'page.html')).mtime.toUTCString())
      assert.equal(res.headers['accept-ranges'], 'bytes')
      assert.equal(res.headers['cache-control'], 'public, max-age=0')
    })

    it('answers 304 to a matching If-None-Match (weakly compared, lists, *) and to If-Modified-Since', async () => {
      const dir = tempDir()
      fs.writeFileSync(path.join(dir, 'a.txt'), 'a')
      const app = createTestApp()
      app.get('/a', () => reply.file(path.join(dir, 'a.txt')))
      const { etag, 'last-modified': modified } = (await t.request(app, { url: '/a' })).headers
      for (const inm of [etag!, `W/${etag}`, `"other", ${etag}`, '*']) {
        const res = await t.request(app, { url: '/a', headers: { 'if-none-match': inm } })
        assert.equal(res.status, 304, inm)
        assert.equal(res.body.length, 0)
        assert.equal(res.headers.etag, etag)
      }
      assert.equal((await t.request(app, { url: '/a', headers: { 'if-none-match': '"nope"' } })).status, 200)
      assert.equal((await t.request(app, { url: '/a', headers: { 'if-modified-since': modified! } })).status, 304)
      assert.equal((await t.request(app, { url: '/a', headers: { 'if-modified-since': new Date(0).toUTCString() } })).status, 200)
      // If-None-Match wins over If-Modified-Since (RFC 9110 §13.2.2).
      assert.equal((await t.request(app, { url: '/a', headers: { 'if-none-match': '"nope"', 'if-modified-since': modified! } })).status, 200)
    })

    it('serves one byte range with 206, refuses a range past the end with 416, and ignores several ranges', async () => {
      const dir = tempDir()
      fs.writeFileSync(path.join(dir, 'digits.txt'), '0123456789')
      const app = createTestApp()
      app.get('/d', () => reply.file(path.join(dir, 'digits.txt')))
      const cases: Array<[string, number, string, string | undefined]> = [
        ['bytes=2-4', 206, '234', 'bytes 2-4/10'],
        ['bytes=7-', 206, '789', 'bytes 7-9/10'],
        ['bytes=-3', 206, '789', 'bytes 7-9/10'],
        ['bytes=5-100', 206, '56789', 'bytes 5-9/10'],
        ['bytes=0-0,5-6', 200, '0123456789', undefined],
        ['items=0-1', 200, '0123456789', undefined],
      ]
      for (const [range, status, body, contentRange] of cases) {
        const res = await t.request(app, { url: '/d', headers: { range } })
        assert.equal(res.status, status, range)
        assert.equal(res.text(), body, range)
        assert.equal(res.headers['content-range'], contentRange, range)
      }
      const past = await t.request(app, { url: '/d', headers: { range: 'bytes=10-' } })
      assert.equal(past.status, 416)
      assert.equal(past.headers['content-range'], 'bytes */10')
      const { etag } = (await t.request(app, { url: '/d' })).headers
      assert.equal((await t.request(app, { url: '/d', headers: { range: 'bytes=0-1', 'if-range': etag! } })).status, 206)
      assert.equal((await t.request(app, { url: '/d', headers: { range: 'bytes=0-1', 'if-range': '"stale"' } })).status, 200)
    })

    it('answers 404 VEC_ERR_NOT_FOUND for a missing path and for a folder, naming neither', async () => {
      const dir = tempDir()
      const app = createTestApp()
      app.get('/missing', () => reply.file(path.join(dir, 'nope.txt')))
      app.get('/folder', () => reply.file(dir))
      for (const url of ['/missing', '/folder']) {
        const body = assertProblem(await t.request(app, { url }), { status: 404, code: 'VEC_ERR_NOT_FOUND', instance: url })
        assert.doesNotMatch(JSON.stringify(body), /vectora-file-/)
      }
    })

    it('offers a download with a Content-Disposition file name (RFC 5987 for non-ASCII)', async () => {
      const dir = tempDir()
      fs.writeFileSync(path.join(dir, 'r.pdf'), '%PDF')
      const app = createTestApp()
      app.get('/plain', () => reply.file(path.join(dir, 'r.pdf'), { download: true }))
      app.get('/named', () => reply.file(path.join(dir, 'r.pdf'), { download: 'résumé.pdf' }))
      assert.equal((await t.request(app, { url: '/plain' })).headers['content-disposition'], 'attachment; filename="r.pdf"')
      assert.equal(
        (await t.request(app, { url: '/named' })).headers['content-disposition'],
        `attachment; filename="r_sum_.pdf"; filename*=UTF-8''r%C3%A9sum%C3%A9.pdf`,
      )
      assert.equal((await t.request(app, { url: '/plain' })).headers['content-type'], 'application/pdf')
    })
  })

  it('sends a 20 MiB file byte-identical over a socket, and answers HEAD with its length only', async () => {
    const dir = tempDir()
    const data = randomBytes(20 * 1024 * 1024)
    fs.writeFileSync(path.join(dir, 'big.bin'), data)
    const app = createTestApp()
    app.get('/big', () => reply.file(path.join(dir, 'big.bin')))
    const port = await listen(app)
    const res = await httpRequest(port, { url: '/big' })
    assert.equal(res.headers['content-length'], String(data.length))
    assert.equal(sha(res.body), sha(data))
    const head = await httpRequest(port, { method: 'HEAD', url: '/big' })
    assert.equal(head.headers['content-length'], String(data.length))
    assert.equal(head.body.length, 0)
  })

  it('serves ranges to curl as it asks for them', async () => {
    const dir = tempDir()
    const data = randomBytes(100_000)
    fs.writeFileSync(path.join(dir, 'blob.bin'), data)
    const app = createTestApp()
    app.get('/blob', () => reply.file(path.join(dir, 'blob.bin')))
    const port = await listen(app)
    const out = path.join(dir, 'part')
    const { stdout } = await run('curl', ['-s', '-D', '-', '-o', out, '-r', '1000-1999', `http://127.0.0.1:${port}/blob`])
    assert.match(stdout, /^HTTP\/1\.1 206/)
    assert.match(stdout, /content-range: bytes 1000-1999\/100000/i)
    assert.deepEqual(fs.readFileSync(out), data.subarray(1000, 2000))
    const { stdout: past } = await run('curl', ['-s', '-o', '/dev/null', '-w', '%{http_code}', '-r', '200000-', `http://127.0.0.1:${port}/blob`])
    assert.equal(past, '416')
    // Resume a download: curl -C - continues from the bytes already there.
    fs.writeFileSync(out, data.subarray(0, 40_000))
    await run('curl', ['-s', '-C', '-', '-o', out, `http://127.0.0.1:${port}/blob`])
    assert.equal(sha(fs.readFileSync(out)), sha(data))
  })

  it('answers 404 when the file is removed between the stat and the kernel opening it', async () => {
    const dir = tempDir()
    const file = path.join(dir, 'gone.txt')
    fs.writeFileSync(file, 'soon gone')
    const outcomes: Outcome[] = []
    const app = createTestApp()
    app.addHook('onResponse', (_req, info) => {
      outcomes.push(info.outcome)
    })
    app.get('/gone', async () => {
      const r = await reply.file(file)
      fs.rmSync(file)
      return r
    })
    const port = await listen(app)
    const res = await httpRequest(port, { url: '/gone' })
    assert.equal(res.status, 404)
    assert.equal(res.headers['content-type'], 'application/problem+json')
    await until(() => outcomes.length === 1)
    assert.deepEqual(outcomes, ['aborted'])
  })

  it('reports onResponse completed after a whole file, aborted when the client leaves mid-file', async () => {
    const dir = tempDir()
    fs.writeFileSync(path.join(dir, 'f.bin'), randomBytes(8 * 1024 * 1024))
    const outcomes: Outcome[] = []
    const app = createTestApp()
    app.addHook('onResponse', (_req, info) => {
      outcomes.push(info.outcome)
    })
    app.get('/f', () => reply.file(path.join(dir, 'f.bin')))
    const port = await listen(app)
    assert.equal((await httpRequest(port, { url: '/f' })).status, 200)
    await until(() => outcomes.length === 1)
    const http = await import('node:http')
    const req = http.get({ port, host: '127.0.0.1', path: '/f' })
    req.on('error', () => {})
    const res = await new Promise<import('node:http').IncomingMessage>((resolve) => req.on('response', resolve))
    res.pause()
    await sleep(50)
    req.destroy()
    await until(() => outcomes.length === 2)
    assert.deepEqual(outcomes, ['completed', 'aborted'])
  })

  it('parses ranges as RFC 9110 says', () => {
    assert.deepEqual(parseRange('bytes=0-9', 10), [0, 9])
    assert.deepEqual(parseRange('bytes=-20', 10), [0, 9])
    assert.equal(parseRange('bytes=-0', 10), 'unsatisfiable')
    assert.equal(parseRange('bytes=3-1', 10), 'ignore')
    assert.equal(parseRange('bytes=', 10), 'ignore')
    assert.equal(parseRange('bytes=0-', 0), 'unsatisfiable')
    assert.deepEqual(new FileBody('/x', 10).slice(2, 3), new FileBody('/x', 10, 2, 3))
  })
})

async function until(test: () => boolean): Promise<void> {
  const end = Date.now() + 10_000
  while (!test()) {
    if (Date.now() > end) throw new Error('timed out')
    await sleep(10)
  }
}
