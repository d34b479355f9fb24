/**
 * @module kernel/test/http/streamed-replies — replies produced while they are sent: every source a handler may
 * return, chunked on the wire, backpressure against a reader that stops reading (the producer waits; nothing
 * queues without bound), a client that goes away (req.signal aborts, the producer is destroyed, onResponse says
 * aborted), a producer that fails mid-body (the response is cut, the server serves on), drain cutting a stream at
 * its deadline, and onSend hooks that see and transform a streamed reply.
 */
import assert from 'node:assert/strict'
import { once } from 'node:events'
import http from 'node:http'
import net from 'node:net'
import { PassThrough, Readable } from 'node:stream'
import { setTimeout as sleep } from 'node:timers/promises'
import { type Outcome, Reply, reply, StreamBody } from 'vectora'
import { createTestApp, forEachTransport, httpRequest, listen, useCleanup } from 'vectora/testing'

/** Resolves once `test()` holds (checked every 10 ms); fails after 10 s: a guard against hangs, not a timing check. */
async function until(what: string, test: () => boolean): Promise<void> {
  const end = Date.now() + 10_000
  while (!test()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`)
    await sleep(10)
  }
}

describe('streamed replies', () => {
  useCleanup()

  forEachTransport((t) => {
    it('sends a Node Readable, a web ReadableStream, an async generator and reply.stream() as they come', async () => {
      const app = createTestApp()
      app.get('/readable', () => Readable.from([Buffer.from('a'), 'b', new Uint8Array([99])]))
      app.get('/web', () => new ReadableStream({ start: (c) => (c.enqueue(new TextEncoder().encode('web')), c.close()) }))
      app.get('/generator', async function* () {
        for (let i = 0; i < 3; i++) yield `line ${i}\n`
      } as never)
      app.get('/helper', () => reply.stream(Readable.from(['x,y\n', '1,2\n']), { status: 201, headers: { 'content-type': 'text/csv' } }))
      const readable = await t.request(app, { url: '/readable' })
      assert.equal(readable.status, 200)
      assert.equal(readable.headers['content-type'], 'application/octet-stream')
      assert.equal(readable.text(), 'abc')
      assert.equal((await t.request(app, { url: '/web' })).text(), 'web')
      assert.equal((await t.request(app, { url: '/generator' })).text(), 'line 0\nline 1\nline 2\n')
      const helper = await t.request(app, { url: '/helper' })
      assert.equal(helper.status, 201)
      assert.equal(helper.headers['content-type'], 'text/csv')
      assert.equal(helper.text(), 'x,y\n1,2\n')
    })

    it('lets onSend hooks see a streamed reply, set headers and replace its body with a transform', async () => {
      const app = createTestApp()
      app.addHook('onSend', (r) => {
        if (!(r.body instanceof StreamBody)) return r
        const source = r.body.chunks()
        r.body = new StreamBody(
          (async function* () {
            for await (const chunk of source) yield String(chunk).toUpperCase()
          })(),
        )
        return r.header('x-transformed', 'upper')
      })
      app.get('/words', () => Readable.from(['hello ', 'stream']))
      const res = await t.request(app, { url: '/words' })
      assert.equal(res.headers['x-transformed'], 'upper')
      assert.equal(res.text(), 'HELLO STREAM')
    })

    it('runs onResponse once, after the last chunk, with outcome completed', async () => {
      const seen: Array<[Outcome, number]> = []
      let produced = 0
      const app = createTestApp()
      app.addHook('onResponse', (_req, info) => {
        seen.push([info.outcome, produced])
      })
      app.get('/five', async function* () {
        for (let i = 0; i < 5; i++) {
          produced++
          yield `${i}`
        }
      } as never)
      assert.equal((await t.request(app, { url: '/five' })).text(), '01234')
      await until('onResponse', () => seen.length === 1)
      assert.deepEqual(seen, [['completed', 5]])
    })
  })

  it('uses chunked transfer encoding on the wire, and a HEAD request gets the headers only', async () => {
    const app = createTestApp()
    app.get('/s', () => Readable.from(['a', 'b']))
    const port = await listen(app)
    const res = await httpRequest(port, { url: '/s' })
    assert.equal(res.headers['transfer-encoding'], 'chunked')
    assert.equal(res.headers['content-length'], undefined)
    const head = await httpRequest(port, { method: 'HEAD', url: '/s' })
    assert.equal(head.status, 200)
    assert.equal(head.body.length, 0)
  })

  it('stops the producer while the client does not read, and delivers every byte once it reads again', async () => {
    let produced = 0
    const chunk = Buffer.alloc(16 * 1024, 120)
    const total = 4_096 // chunks: 64 MiB in all, far more than the socket buffers hold
    const app = createTestApp()
    app.get('/big', async function* () {
      for (let i = 0; i < total; i++) {
        produced += chunk.length
        yield chunk
      }
    } as never)
    const port = await listen(app)
    const socket = net.connect(port, '127.0.0.1')
    onceClosed(socket)
    socket.write('GET /big HTTP/1.1\r\nhost: x\r\n\r\n')
    socket.pause()
    // The producer runs until the pipe, hyper's buffer and the kernel's socket buffers are full, then waits.
    let last = -1
    await until('the producer stopped', () => {
      const stalled = produced === last && produced > 0
      last = produced
      return stalled
    })
    await sleep(200)
    const stalledAt = produced
    assert.ok(stalledAt < (total * chunk.length) / 2, `the producer stopped early (${stalledAt} bytes of ${total * chunk.length})`)
    let received = 0
    socket.on('data', (data: Buffer) => {
      received += data.length
    })
    socket.resume()
    await until('everything arrived', () => produced === total * chunk.length && received > total * chunk.length)
    assert.ok(stalledAt < produced)
    socket.destroy()
  })

  it('aborts req.signal, destroys the source and reports aborted when the client goes away mid-stream', async () => {
    const outcomes: Outcome[] = []
    let destroyed = false
    let signalled = false
    const app = createTestApp()
    app.addHook('onResponse', (_req, info) => {
      outcomes.push(info.outcome)
    })
    app.get('/forever', (req) => {
      req.signal.addEventListener('abort', () => {
        signalled = true
      })
      let n = 0
      return new Readable({
        read() {
          setTimeout(() => this.push(`tick ${n++}\n`), 5)
        },
        destroy(error, callback) {
          destroyed = true
          callback(error)
        },
      })
    })
    const port = await listen(app)
    const socket = net.connect(port, '127.0.0.1')
    socket.on('error', () => {})
    socket.write('GET /forever HTTP/1.1\r\nhost: x\r\n\r\n')
    await once(socket, 'data')
    socket.destroy()
    await until('the source was destroyed', () => destroyed && signalled && outcomes.length === 1)
    assert.deepEqual(outcomes, ['aborted'])
    assert.equal((await httpRequest(port, { url: '/forever', method: 'HEAD' })).status, 200, 'the server serves on')
  })

  it('destroys a Readable and cancels a ReadableStream that wait for data when the client goes away', async () => {
    const readable = new PassThrough()
    let cancelled = false
    const app = createTestApp()
    app.get('/stalled-readable', () => {
      readable.write('first chunk\n')
      return readable
    })
    app.get('/stalled-web', () => new ReadableStream({ start: (c) => c.enqueue('first\n'), cancel: () => void (cancelled = true) }))
    const port = await listen(app)
    for (const path of ['/stalled-readable', '/stalled-web']) {
      const req = http.get({ port, host: '127.0.0.1', path })
      req.on('error', () => {})
      const res = (await once(req, 'response'))[0] as http.IncomingMessage
      await once(res, 'data')
      req.destroy()
    }
    await until('both sources stopped', () => readable.destroyed && cancelled)
  })

  it('runs a generator producer’s finally when its client goes away', async () => {
    let cleaned = false
    const app = createTestApp()
    app.get('/gen', async function* () {
      try {
        for (;;) {
          yield 'x'.repeat(1024)
          await sleep(5)
        }
      } finally {
        cleaned = true
      }
    } as never)
    const port = await listen(app)
    const req = http.get({ port, host: '127.0.0.1', path: '/gen' })
    const res = (await once(req, 'response'))[0] as http.IncomingMessage
    await once(res, 'data')
    req.destroy()
    await until('the generator finished', () => cleaned)
  })

  /** The raw bytes of a GET over a socket, until the server closes or `done(bytes)` says enough. */
  async function rawGet(port: number, path: string, done: (text: string) => boolean): Promise<string> {
    const socket = net.connect(port, '127.0.0.1')
    socket.write(`GET ${path} HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n`)
    let text = ''
    for await (const chunk of socket) {
      text += (chunk as Buffer).toString('latin1')
      if (done(text)) break
    }
    socket.destroy()
    return text
  }

  it('sends what a producer yields back to back in one chunk, in order, and what it yields alone at once', async () => {
    const app = createTestApp()
    let release!: () => void
    const held = new Promise<void>((resolve) => (release = resolve))
    app.get('/burst', async function* () {
      for (let i = 0; i < 200; i++) yield `event ${i}\n`
      await held // the client must see the burst before the producer goes on
      yield 'after\n'
    } as never)
    const port = await listen(app)
    const burst = Array.from({ length: 200 }, (_, i) => `event ${i}\n`).join('')
    const wire = await rawGet(port, '/burst', (text) => {
      if (text.includes('event 199\n')) release()
      return text.endsWith('0\r\n\r\n')
    })
    const body = wire.slice(wire.indexOf('\r\n\r\n') + 4)
    // Chunked framing: size line, data, CRLF. Decode it and count the data chunks.
    const chunks: string[] = []
    for (let rest = body; ; ) {
      const eol = rest.indexOf('\r\n')
      const size = Number.parseInt(rest.slice(0, eol), 16)
      if (size === 0) break
      chunks.push(rest.slice(eol + 2, eol + 2 + size))
      rest = rest.slice(eol + 2 + size + 2)
    }
    assert.equal(chunks.join(''), `${burst}after\n`)
    assert.ok(chunks.length <= 4, `200 events yielded back to back crossed in ${chunks.length} chunks, not one each`)
    assert.equal(chunks.at(-1), 'after\n')
  })

  it('cuts the response when the producer fails mid-body (the client sees it incomplete), logs it, and serves on', async () => {
    const app = createTestApp()
    app.get('/fails', async function* () {
      yield 'partial'
      throw new Error('the database went away')
    } as never)
    app.get('/ok', () => 'ok')
    const port = await listen(app)
    // A raw socket: a Node client that sees the cut may drop the bytes that came with it; the wire does not.
    const wire = await rawGet(port, '/fails', () => false)
    assert.match(wire, /^HTTP\/1\.1 200 /)
    assert.ok(wire.includes('\r\n7\r\npartial\r\n'), `the chunk produced before the failure was sent: ${JSON.stringify(wire)}`)
    assert.ok(!wire.endsWith('0\r\n\r\n'), 'the chunked body never ended properly')
    await until('the failure is logged', () => app.logger.errors().length === 1)
    assert.match(String((app.logger.errors()[0]!.fields as { err: Error }).err.message), /the database went away/)
    assert.equal((await httpRequest(port, { url: '/ok' })).text(), 'ok')
  })

  it('waits for a stream during drain, then cuts it at the deadline and destroys the producer', async () => {
    let destroyed = false
    const app = createTestApp()
    app.get('/endless', () => {
      return new Readable({
        read() {
          setTimeout(() => this.push('.'), 10)
        },
        destroy(error, callback) {
          destroyed = true
          callback(error)
        },
      })
    })
    const port = await listen(app)
    const socket = net.connect(port, '127.0.0.1')
    socket.on('error', () => {})
    socket.write('GET /endless HTTP/1.1\r\nhost: x\r\n\r\n')
    await once(socket, 'data')
    const closed = app.close({ deadline: 300 })
    await sleep(100)
    assert.equal(destroyed, false, 'the stream is still served while the drain waits')
    await closed
    await until('the producer was destroyed', () => destroyed)
    socket.destroy()
  })

  it('refuses a chunk that is not bytes or text: the response is cut and the error logged', async () => {
    const app = createTestApp()
    app.get('/bad', async function* () {
      yield 'ok'
      yield 42 as never
    } as never)
    const port = await listen(app)
    const res = await httpRequest(port, { url: '/bad' }).catch((e: Error) => e)
    assert.ok(res instanceof Error || res.text() === 'ok')
    await until('the failure is logged', () => app.logger.errors().length === 1)
    assert.match(String((app.logger.errors()[0]!.fields as { err: Error }).err.message), /yields strings or bytes/)
  })

  it('keeps a Reply built by hand with a StreamBody', async () => {
    const app = createTestApp()
    app.get('/manual', () => {
      const r = new Reply(202, new StreamBody(Readable.from(['m'])))
      return r.header('content-type', 'text/plain')
    })
    const res = await app.inject({ url: '/manual' })
    assert.equal(res.status, 202)
    assert.equal(res.text(), 'm')
  })
})

function onceClosed(socket: net.Socket): void {
  socket.on('error', () => {})
}
