/**
 * @module plugins/static/test/curl — the plugin as curl meets it on a real socket: ranges (206, 416, suffix and open
 * ranges, If-Range), revalidation, a 1 MiB download compared by sha256, and `--compressed` decoding a variant.
 * Skipped, saying why, when /usr/bin/curl is missing.
 */
import assert from 'node:assert/strict'
import { existsSync } from 'node:fs'
import net from 'node:net'
import { listen, useCleanup } from 'vectora/testing'
import { APP_JS, BIG, CURL, curl, sha256, staticApp } from './support.js'

describe('@vectora/static: through curl', () => {
  useCleanup()
  let base: string

  before(function () {
    if (!existsSync(CURL)) this.skip() // Debian's curl is missing here: nothing to run these with
  })

  beforeEach(async () => {
    base = `http://127.0.0.1:${await listen(staticApp())}`
  })

  it('answers -r 0-9 with 206, Content-Range and the first ten bytes', async () => {
    const res = await curl(`${base}/big.bin`, ['-r', '0-9'])
    assert.equal(res.status, 206)
    assert.equal(res.headers['content-range'], `bytes 0-9/${BIG.length}`)
    assert.equal(res.headers['content-length'], '10')
    assert.deepEqual(res.body, BIG.subarray(0, 10))
  })

  it('answers an open range and a suffix range with the right bytes', async () => {
    const tail = await curl(`${base}/big.bin`, ['-r', `${BIG.length - 5}-`])
    assert.equal(tail.status, 206)
    assert.deepEqual(tail.body, BIG.subarray(BIG.length - 5))
    const suffix = await curl(`${base}/hello.txt`, ['-r', '-6'])
    assert.equal(suffix.status, 206)
    assert.equal(suffix.headers['content-range'], 'bytes 6-11/12')
    assert.equal(suffix.body.toString(), 'world\n')
  })

  it('answers a range past the end with 416 and Content-Range: bytes */size', async () => {
    const res = await curl(`${base}/hello.txt`, ['-r', '100-200'])
    assert.equal(res.status, 416)
    assert.equal(res.headers['content-range'], 'bytes */12')
    assert.equal(res.body.length, 0)
  })

  it('serves the whole file when If-Range names another version', async () => {
    const res = await curl(`${base}/hello.txt`, ['-r', '0-1', '-H', 'If-Range: "stale"'])
    assert.equal(res.status, 200)
    assert.equal(res.body.toString(), 'hello world\n')
    const first = await curl(`${base}/hello.txt`)
    const current = await curl(`${base}/hello.txt`, ['-r', '0-1', '-H', `If-Range: ${first.headers.etag}`])
    assert.equal(current.status, 206)
    assert.equal(current.body.toString(), 'he')
  })

  it('answers If-None-Match with the ETag by 304', async () => {
    const first = await curl(`${base}/hello.txt`)
    const again = await curl(`${base}/hello.txt`, ['-H', `If-None-Match: ${first.headers.etag}`])
    assert.equal(again.status, 304)
    assert.equal(again.body.length, 0)
  })

  it('downloads the 1 MiB file byte for byte', async () => {
    const res = await curl(`${base}/big.bin`)
    assert.equal(res.status, 200)
    assert.equal(res.headers['content-length'], String(BIG.length))
    assert.equal(sha256(res.body), sha256(BIG))
  })

  it('answers HEAD (-I) with the length, and puts no body bytes on the wire', async () => {
    // -I prints the header block as its output: `-o /dev/null` drops that copy, -D - keeps one.
    const res = await curl(`${base}/big.bin`, ['-I', '-o', '/dev/null'])
    assert.equal(res.status, 200)
    assert.equal(res.headers['content-length'], String(BIG.length))
    // curl would not say whether bytes followed; a raw socket does.
    const wire = await rawRequest(new URL(base).port, 'HEAD /big.bin HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n')
    assert.match(wire, /^HTTP\/1\.1 200 /)
    assert.equal(wire.slice(wire.indexOf('\r\n\r\n') + 4), '')
  })

  it('gets a variant it decodes with --compressed, and follows a folder redirect with -L', async () => {
    const js = await curl(`${base}/app.js`, ['--compressed'])
    assert.equal(js.status, 200)
    assert.match(js.headers['content-encoding'] ?? '', /^(br|gzip)$/)
    assert.equal(js.body.toString(), APP_JS)
    const docs = await curl(`${base}/docs`, ['-L'])
    assert.equal(docs.body.toString().endsWith('<h1>docs</h1>'), true)
  })
})

/** Writes `text` on a fresh connection and resolves everything the server sent until it closed. */
function rawRequest(port: string, text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(port), '127.0.0.1', () => socket.write(text))
    let out = ''
    socket.setEncoding('latin1')
    socket.on('data', (chunk: string) => {
      out += chunk
    })
    socket.on('end', () => resolve(out))
    socket.on('error', reject)
  })
}
