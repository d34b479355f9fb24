/**
 * @module kernel/test/process/upload — an upload far larger than memory: 1 GiB streamed into a `body: 'stream'`
 * route of a server whose V8 heap is capped at 10 MB (`--max-old-space-size=10`). The body reaches the handler
 * chunk by chunk as it is consumed, so the server neither runs out of heap nor buffers the upload; the sha256
 * it computes matches the client's.
 */
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { createHash, randomBytes } from 'node:crypto'
import { once } from 'node:events'
import http from 'node:http'
import { fileURLToPath } from 'node:url'

const APP = fileURLToPath(new URL('./fixtures/upload-app.mjs', import.meta.url))

describe('a 1 GiB upload under a 10 MB heap', function () {
  this.timeout(180_000)

  it('streams through to the handler with the same sha256, and the server stays up', async () => {
    const child = spawn(process.execPath, ['--max-old-space-size=10', APP], { stdio: ['ignore', 'pipe', 'pipe'] })
    let output = ''
    child.stderr.on('data', (d: Buffer) => {
      output += d.toString()
    })
    try {
      const port = await new Promise<number>((resolve, reject) => {
        child.stdout.on('data', (d: Buffer) => {
          output += d.toString()
          const m = /listening (\d+)/.exec(output)
          if (m) resolve(Number(m[1]))
        })
        child.once('exit', (code) => reject(new Error(`the server exited (${code}):\n${output}`)))
      })
      const block = randomBytes(1024 * 1024)
      const blocks = 1024
      const expected = createHash('sha256')
      const req = http.request({ port, host: '127.0.0.1', method: 'PUT', path: '/upload', headers: { 'content-type': 'application/octet-stream' } })
      const response = once(req, 'response')
      for (let i = 0; i < blocks; i++) {
        expected.update(block)
        if (!req.write(block)) await once(req, 'drain')
      }
      req.end()
      const [res] = (await response) as [http.IncomingMessage]
      let text = ''
      for await (const chunk of res) text += chunk
      assert.equal(res.statusCode, 200, text)
      const body = JSON.parse(text) as { bytes: number; sha256: string; peakHeap: number }
      assert.equal(body.bytes, blocks * block.length)
      assert.equal(body.sha256, expected.digest('hex'))
      assert.ok(child.exitCode === null, 'the server is still running')
    } finally {
      child.kill('SIGTERM')
      if (child.exitCode === null) await once(child, 'exit')
    }
    assert.equal(child.exitCode, 0, output)
  })
})
