/**
 * @module kernel/test/http/streamed-bodies — `body: 'stream'` routes: `req.stream()` yields the body as it arrives
 * (both transports), bounded in JavaScript while the handler does not read (backpressure reaches the client), the
 * body limit past a chunked upload's start (413), the idle deadline (408), `req.json()` still works, a handler that
 * answers without reading, and the route options refused with clear errors. A body contract on such a route is
 * in kernel/test/http/body-readers.test.ts.
 */
import assert from 'node:assert/strict'
import { createHash, randomBytes } from 'node:crypto'
import { once } from 'node:events'
import http from 'node:http'
import net from 'node:net'
import { setTimeout as sleep } from 'node:timers/promises'
import { createTestApp, forEachTransport, httpRequest, listen, useCleanup } from 'vectora/testing'

const sha = (data: Buffer): string => createHash('sha256').update(data).digest('hex')

async function until(what: string, test: () => boolean): Promise<void> {
  const end = Date.now() + 10_000
  while (!test()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`)
    await sleep(10)
  }
}

describe('streamed request bodies', () => {
  useCleanup()

  forEachTransport((t) => {
    it('hands the body over as a stream of its chunks, in order, and req.json() reads it whole', async () => {
      const app = createTestApp()
      app.put('/hash', { body: 'stream', bodyLimit: 0 }, async (req) => {
        const hash = createHash('sha256')
        let bytes = 0
        for await (const chunk of req.stream()) {
          hash.update(chunk as Buffer)
          bytes += (chunk as Buffer).length
        }
        return { bytes, sha256: hash.digest('hex') }
      })
      app.post('/json', { body: 'stream' }, async (req) => req.json())
      const data = randomBytes(3 * 1024 * 1024 + 17)
      const res = await t.request(app, { method: 'PUT', url: '/hash', body: data, headers: { 'content-type': 'application/octet-stream' } })
      assert.deepEqual(res.json(), { bytes: data.length, sha256: sha(data) })
      assert.deepEqual((await t.request(app, { method: 'POST', url: '/json', body: { a: [1, 2] } })).json(), { a: [1, 2] })
    })
  })

  it('keeps at most about one buffer of the body in JavaScript while the handler does not read', async () => {
    let buffered = -1
    let release!: () => void
    const gate = new Promise<void>((resolve) => (release = resolve))
    const app = createTestApp()
    app.put('/slow', { body: 'stream', bodyLimit: 0, timeout: 0 }, async (req) => {
      const stream = req.stream()
      let bytes = 0
      for await (const chunk of stream) {
        bytes += (chunk as Buffer).length
        if (buffered === -1) {
          await gate // the handler stops reading after its first chunk
          buffered = stream.readableLength
        }
      }
      return { bytes }
    })
    const port = await listen(app)
    const req = http.request({ port, host: '127.0.0.1', method: 'PUT', path: '/slow' })
    const response = once(req, 'response')
    const block = Buffer.alloc(64 * 1024, 1)
    let written = 0
    // Write until the client's own buffer refuses more: the server stopped reading.
    while (req.write(block)) written += block.length
    written += block.length
    await sleep(200)
    release()
    await until('the handler looked', () => buffered !== -1)
    assert.ok(buffered <= 256 * 1024, `JavaScript held ${buffered} bytes of the body`)
    req.end()
    const [res] = (await response) as [http.IncomingMessage]
    let text = ''
    for await (const chunk of res) text += chunk
    assert.equal(JSON.parse(text).bytes, written)
  })

  it('fails the stream with 413 VEC_ERR_BODY_TOO_LARGE once a chunked body passes the limit', async () => {
    const app = createTestApp()
    app.put('/small', { body: 'stream', bodyLimit: 100_000 }, async (req) => {
      for await (const _ of req.stream()) {
      }
      return { read: true }
    })
    const port = await listen(app)
    const req = http.request({ port, host: '127.0.0.1', method: 'PUT', path: '/small' }) // chunked: no length to refuse up front
    const response = once(req, 'response')
    req.on('error', () => {})
    req.write(Buffer.alloc(60_000))
    req.write(Buffer.alloc(60_000))
    const [res] = (await response) as [http.IncomingMessage]
    let text = ''
    for await (const chunk of res) text += chunk
    assert.equal(res.statusCode, 413)
    assert.equal(JSON.parse(text).code, 'VEC_ERR_BODY_TOO_LARGE')
    req.destroy()
  })

  it('fails the stream with 408 VEC_ERR_BODY_TIMEOUT when the client stops sending', async () => {
    const app = createTestApp({ bodyIdleTimeout: 150 })
    app.put('/stall', { body: 'stream', bodyLimit: 0 }, async (req) => {
      for await (const _ of req.stream()) {
      }
      return { read: true }
    })
    const port = await listen(app)
    const socket = net.connect(port, '127.0.0.1')
    socket.on('error', () => {})
    socket.write('PUT /stall HTTP/1.1\r\nhost: x\r\ncontent-length: 1000\r\n\r\npartial')
    let text = ''
    socket.on('data', (d: Buffer) => {
      text += d.toString()
    })
    await until('the 408', () => text.includes('\r\n\r\n') && text.includes('}'))
    assert.match(text, /^HTTP\/1\.1 408/)
    assert.match(text, /VEC_ERR_BODY_TIMEOUT/)
    socket.destroy()
  })

  it('aborts the request (req.signal, onResponse aborted) when the client goes away mid-body', async () => {
    const seen: string[] = []
    let signalled = false
    let streamError: unknown
    const app = createTestApp()
    app.addHook('onResponse', (_req, info) => {
      seen.push(info.outcome)
    })
    app.post('/up', { body: 'stream', bodyLimit: 0 }, async (req) => {
      req.signal.addEventListener('abort', () => {
        signalled = true
      })
      try {
        for await (const _ of req.stream()) {
        }
      } catch (error) {
        streamError = error
        throw error
      }
      return 'ok'
    })
    const port = await listen(app)
    const socket = net.connect(port, '127.0.0.1')
    socket.on('error', () => {})
    await once(socket, 'connect')
    socket.write(`POST /up HTTP/1.1\r\nhost: x\r\ncontent-length: ${32 << 20}\r\n\r\n`)
    socket.write(Buffer.alloc(1 << 20))
    await sleep(100)
    socket.destroy()
    await until('the abort', () => seen.length === 1 && signalled)
    assert.deepEqual(seen, ['aborted'])
    assert.equal((streamError as Error).name, 'AbortError')
  })

  it('answers a handler that never reads the body, and keeps serving', async () => {
    const app = createTestApp()
    app.put('/ignore', { body: 'stream', bodyLimit: 0 }, () => ({ ignored: true }))
    app.get('/', () => 'ok')
    const port = await listen(app)
    const res = await httpRequest(port, { method: 'PUT', url: '/ignore', body: randomBytes(2 * 1024 * 1024) }).catch((e: Error) => e)
    if (!(res instanceof Error)) assert.deepEqual(res.json(), { ignored: true })
    assert.equal((await httpRequest(port, { url: '/' })).text(), 'ok')
  })

  it('refuses body options it cannot honour, naming the route', () => {
    const app = createTestApp()
    assert.throws(
      () => app.post('/x', { body: 'streaming' as never }, () => 'x'),
      (e: Error & { code?: string }) => e.code === 'VEC_ERR_ROUTE_INVALID' && /body must be 'buffer' or 'stream'/.test(e.message),
    )
  })
})
