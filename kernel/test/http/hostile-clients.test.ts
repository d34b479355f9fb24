/**
 * @module kernel/test/http/hostile-clients — slow and hostile clients (DESIGN.md, "Limits and failure modes"):
 * body-read deadlines (408), slow bodies kept out of the queue for JavaScript and bounded apart (503), health
 * probes answered while the queue is full or the app drains, Host fields (400) and the header count (431).
 * Each test sets small limits so it stays fast; it waits for a deadline to pass, never asserts how long anything took.
 */
import assert from 'node:assert/strict'
import net from 'node:net'
import { createApp } from 'vectora'
import { assertProblem, createTestApp, httpRequest, listen, onCleanup, useCleanup } from 'vectora/testing'

/** A response read off a raw socket: head, and a body of `content-length` bytes. */
interface Raw {
  status: number
  headers: Record<string, string>
  text(): string
  json(): any
}

/** One raw TCP connection: what only a socket can do (trickle a body, stop halfway, repeat a header line). */
class Conn {
  readonly closed: Promise<void>
  #buffer = Buffer.alloc(0)
  #ended = false
  #wake: () => void = () => {}

  private constructor(readonly socket: net.Socket) {
    this.closed = new Promise((resolve) => socket.once('close', () => resolve()))
    socket.on('data', (chunk: Buffer) => {
      this.#buffer = Buffer.concat([this.#buffer, chunk])
      this.#wake()
    })
    socket.on('close', () => {
      this.#ended = true
      this.#wake()
    })
    // A reset after the server answered (it did not read the whole body) is expected here.
    socket.on('error', () => {})
  }

  static open(port: number): Promise<Conn> {
    return new Promise((resolve, reject) => {
      const socket = net.connect({ host: '127.0.0.1', port }, () => {
        const conn = new Conn(socket)
        onCleanup(() => socket.destroy())
        resolve(conn)
      })
      socket.once('error', reject)
    })
  }

  write(data: string): void {
    if (!this.socket.destroyed) this.socket.write(data)
  }

  /** The next complete response; rejects if the connection closes first. */
  async response(): Promise<Raw> {
    for (;;) {
      const end = this.#buffer.indexOf('\r\n\r\n')
      if (end !== -1) {
        const [line, ...fields] = this.#buffer.subarray(0, end).toString('latin1').split('\r\n')
        const headers: Record<string, string> = {}
        for (const field of fields) {
          const colon = field.indexOf(':')
          headers[field.slice(0, colon).trim().toLowerCase()] = field.slice(colon + 1).trim()
        }
        const length = Number(headers['content-length'] ?? 0)
        if (this.#buffer.length >= end + 4 + length) {
          const body = this.#buffer.subarray(end + 4, end + 4 + length).toString('utf8')
          this.#buffer = this.#buffer.subarray(end + 4 + length)
          return { status: Number(line.split(' ')[1]), headers, text: () => body, json: () => JSON.parse(body) }
        }
      }
      if (this.#ended) throw new Error(`the connection closed before a complete response (got ${JSON.stringify(this.#buffer.toString('latin1'))})`)
      await new Promise<void>((resolve) => {
        this.#wake = resolve
      })
    }
  }
}

/** Writes `data` on a new connection and reads one response. */
async function exchange(port: number, data: string): Promise<Raw> {
  const conn = await Conn.open(port)
  conn.write(data)
  return conn.response()
}

/** A POST head declaring `length` body bytes. */
const postHead = (path: string, length: number): string =>
  `POST ${path} HTTP/1.1\r\nhost: test\r\ncontent-type: text/plain\r\ncontent-length: ${length}\r\n\r\n`

function deferred(): { promise: Promise<void>; resolve(): void } {
  let resolve!: () => void
  const promise = new Promise<void>((r) => {
    resolve = r
  })
  return { promise, resolve }
}

/** Retries `attempt` until it is true: for state that changes inside the kernel, never for speed. */
async function eventually(attempt: () => Promise<boolean>, tries = 200): Promise<void> {
  for (let i = 0; i < tries; i++) {
    if (await attempt()) return
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
  throw new Error(`condition not met after ${tries} tries`)
}

describe('slow and hostile clients', () => {
  useCleanup()

  describe('body-read deadlines', () => {
    it('answers 408 VEC_ERR_BODY_TIMEOUT and closes the connection when a body trickles in past bodyReadTimeout', async () => {
      const app = createTestApp({ bodyReadTimeout: 300, bodyIdleTimeout: 10_000 })
      let calls = 0
      app.post('/upload', () => {
        calls++
        return 'read'
      })
      const conn = await Conn.open(await listen(app))
      conn.write(postHead('/upload', 1_000_000))
      // One byte at a time, each well within the idle gap: only the total deadline can end this.
      const trickle = setInterval(() => conn.write('x'), 20)
      onCleanup(() => clearInterval(trickle))
      const res = await conn.response()
      assertProblem(res, { status: 408, code: 'VEC_ERR_BODY_TIMEOUT', instance: '/upload' })
      assert.equal(res.headers.connection, 'close')
      await conn.closed
      assert.equal(calls, 0)
    })

    it('answers 408 and closes the connection when the head arrives and then nothing, past bodyIdleTimeout', async () => {
      const app = createTestApp({ bodyIdleTimeout: 200 })
      app.post('/upload', () => 'read')
      const conn = await Conn.open(await listen(app))
      conn.write(postHead('/upload', 1_000_000))
      const res = await conn.response()
      assertProblem(res, { status: 408, code: 'VEC_ERR_BODY_TIMEOUT' })
      assert.equal(res.headers.connection, 'close')
      await conn.closed
    })

    it('answers 408 when a chunked body stops between two chunks', async () => {
      const app = createTestApp({ bodyIdleTimeout: 200 })
      app.post('/upload', () => 'read')
      const conn = await Conn.open(await listen(app))
      conn.write('POST /upload HTTP/1.1\r\nhost: test\r\ntransfer-encoding: chunked\r\n\r\n3\r\nabc\r\n')
      assertProblem(await conn.response(), { status: 408, code: 'VEC_ERR_BODY_TIMEOUT' })
      await conn.closed
    })

    it('reads a body that arrives in pieces within both deadlines', async () => {
      const app = createTestApp({ bodyReadTimeout: 10_000, bodyIdleTimeout: 5_000 })
      app.post('/upload', async (req) => ({ length: (await req.buffer()).length }))
      const conn = await Conn.open(await listen(app))
      conn.write(postHead('/upload', 6))
      for (const piece of ['ab', 'cd', 'ef']) {
        await new Promise((resolve) => setTimeout(resolve, 20))
        conn.write(piece)
      }
      const res = await conn.response()
      assert.equal(res.status, 200)
      assert.deepEqual(res.json(), { length: 6 })
    })

    it('lets inject through the same read: an injected body is whole, so tiny deadlines never trip', async () => {
      const app = createTestApp({ bodyReadTimeout: 1, bodyIdleTimeout: 1 })
      app.post('/upload', async (req) => ({ length: (await req.buffer()).length }))
      const res = await app.inject({ method: 'POST', url: '/upload', body: 'x'.repeat(100_000), headers: { 'content-type': 'text/plain' } })
      assert.deepEqual(res.json(), { length: 100_000 })
    })

    it('has safe defaults for every new limit, and validates them', () => {
      const { config } = createApp({ handleSignals: false })
      assert.deepEqual([config.bodyReadTimeout, config.bodyIdleTimeout, config.maxBodyReaders, config.maxHeaderCount], [30_000, 10_000, 1_024, 100])
      for (const options of [{ bodyReadTimeout: -1 }, { bodyIdleTimeout: 1.5 }, { maxBodyReaders: '8' }, { maxHeaderCount: 0 }]) {
        assert.throws(() => createApp(options as never), { code: 'VEC_ERR_INVALID_OPTION' })
      }
    })
  })

  describe('bodies and the queue for JavaScript', () => {
    it('keeps slow bodies out of the queue for JavaScript, and bounds them apart with 503 VEC_ERR_TOO_MANY_BODY_READERS', async () => {
      const app = createTestApp({ maxPending: 2, maxBodyReaders: 4 })
      app.get('/ping', () => 'pong')
      app.post('/upload', async (req) => ({ length: (await req.buffer()).length }))
      const port = await listen(app)
      // Four clients send a head and one byte of a 1000-byte body, then stall: more than maxPending.
      const slow = await Promise.all(Array.from({ length: 4 }, () => Conn.open(port)))
      for (const conn of slow) conn.write(`${postHead('/upload', 1000)}x`)
      // Once all four are reading, a fifth body is refused (until then it is read and answered 200).
      let refused: Raw | undefined
      await eventually(async () => {
        const res = await exchange(port, `${postHead('/upload', 2)}ab`)
        if (res.status === 503) refused = res
        return refused !== undefined
      })
      assertProblem(refused!, { status: 503, code: 'VEC_ERR_TOO_MANY_BODY_READERS', instance: '/upload' })
      assert.ok(Number(refused!.headers['retry-after']) > 0, `retry-after: ${refused!.headers['retry-after']}`)
      // The queue for JavaScript is untouched: every route still answers, over a socket and through inject.
      assert.equal((await exchange(port, 'GET /ping HTTP/1.1\r\nhost: test\r\n\r\n')).text(), 'pong')
      assert.equal((await app.inject({ url: '/ping' })).text(), 'pong')
      // A stalled body that resumes is read and handled.
      slow[0].write('y'.repeat(999))
      assert.deepEqual((await slow[0].response()).json(), { length: 1000 })
    })
  })

  describe('health probes', () => {
    /** An app whose queue for JavaScript is full: `maxPending` requests held in the handler, the next refused. */
    async function saturated(options: Parameters<typeof createTestApp>[0] = {}) {
      const app = createTestApp({ maxPending: 2, ...options })
      const release = deferred()
      let arrived = 0
      const allIn = deferred()
      app.get('/hold', async () => {
        if (++arrived === 2) allIn.resolve()
        await release.promise
        return 'held'
      })
      const port = await listen(app)
      const held = [httpRequest(port, { url: '/hold' }), httpRequest(port, { url: '/hold' })]
      await allIn.promise
      assertProblem(await httpRequest(port, { url: '/hold' }), { status: 503, code: 'VEC_ERR_OVERLOADED' })
      onCleanup(() => release.resolve())
      return { app, port, release, held }
    }

    it('answers /health/live and /health/ready while the queue for JavaScript is full', async () => {
      const { app, port, release, held } = await saturated()
      for (const res of [await httpRequest(port, { url: '/health/live' }), await app.inject({ url: '/health/live' })]) {
        assert.equal(res.status, 200)
        assert.match(res.headers['content-type'], /^application\/json\b/)
        assert.deepEqual(res.json(), { status: 'live' })
      }
      for (const res of [await httpRequest(port, { url: '/health/ready' }), await app.inject({ url: '/health/ready' })]) {
        assert.equal(res.status, 200)
        assert.deepEqual(res.json(), { status: 'ready' })
      }
      const head = await httpRequest(port, { method: 'HEAD', url: '/health/ready' })
      assert.equal(head.status, 200)
      assert.equal(head.body.length, 0)
      release.resolve()
      assert.deepEqual(
        (await Promise.all(held)).map((res) => res.text()),
        ['held', 'held'],
      )
    })

    it('answers readiness 503 VEC_ERR_NOT_READY and liveness 200 while draining, with the queue full', async () => {
      const { app, port, release, held } = await saturated({ shutdownDelay: 300 })
      // Connections opened before shutdown begins: the probes are written once it has.
      const [ready, live] = await Promise.all([Conn.open(port), Conn.open(port)])
      const closing = app.close()
      await eventually(async () => app.state === 'draining')
      ready.write('GET /health/ready HTTP/1.1\r\nhost: test\r\n\r\n')
      live.write('GET /health/live HTTP/1.1\r\nhost: test\r\n\r\n')
      const [readiness, liveness] = await Promise.all([ready.response(), live.response()])
      assertProblem(readiness, { status: 503, code: 'VEC_ERR_NOT_READY', instance: '/health/ready' })
      assert.equal(readiness.headers['retry-after'], '1')
      assert.equal(liveness.status, 200)
      assert.deepEqual(liveness.json(), { status: 'live' })
      release.resolve()
      await Promise.all(held)
      assert.equal((await closing).exitCode, 0)
    })

    it('answers the paths createApp({ health }) sets, and only those', async () => {
      const { port } = await saturated({ health: { ready: '/readyz', live: false } })
      assert.deepEqual((await httpRequest(port, { url: '/readyz' })).json(), { status: 'ready' })
      // Not a probe any more: an unmatched path, answered 404 by the router (no app-wide hooks).
      assertProblem(await httpRequest(port, { url: '/health/live' }), { status: 404, code: 'VEC_ERR_NOT_FOUND' })
    })

    it('answers the probes in the kernel, without the app-wide hooks (docs/lifecycle.md)', async () => {
      const app = createTestApp()
      const seen: string[] = []
      app.addHook('onRequest', (req) => {
        seen.push(req.path)
      })
      app.get('/ping', () => 'pong')
      assert.equal((await app.inject({ url: '/health/live' })).status, 200)
      assert.equal((await app.inject({ url: '/health/ready' })).status, 200)
      assert.equal((await app.inject({ url: '/ping' })).status, 200)
      assert.deepEqual(seen, ['/ping'])
    })
  })

  describe('header fields', () => {
    it('answers 400 VEC_ERR_BAD_REQUEST to two Host header lines (RFC 9112 §3.2), before the handler', async () => {
      const app = createTestApp()
      let calls = 0
      app.get('/', (req) => {
        calls++
        return { host: req.headers.host }
      })
      const port = await listen(app)
      const res = await exchange(port, 'GET / HTTP/1.1\r\nhost: a.example\r\nhost: b.example\r\n\r\n')
      assertProblem(res, { status: 400, code: 'VEC_ERR_BAD_REQUEST', instance: '/' })
      assertProblem(await app.inject({ url: '/', headers: { host: ['a.example', 'b.example'] } }), { status: 400, code: 'VEC_ERR_BAD_REQUEST' })
      assert.equal(calls, 0)
      assert.deepEqual((await exchange(port, 'GET / HTTP/1.1\r\nhost: a.example:8080\r\n\r\n')).json(), { host: 'a.example:8080' })
    })

    it('answers 400 to an HTTP/1.1 request without Host or with an invalid Host value, and serves HTTP/1.0 without one', async () => {
      const app = createTestApp()
      app.get('/', () => 'ok')
      const port = await listen(app)
      assertProblem(await exchange(port, 'GET / HTTP/1.1\r\n\r\n'), { status: 400, code: 'VEC_ERR_BAD_REQUEST' })
      assertProblem(await exchange(port, 'GET / HTTP/1.1\r\nhost: a.example, b.example\r\n\r\n'), { status: 400, code: 'VEC_ERR_BAD_REQUEST' })
      assertProblem(await exchange(port, 'GET / HTTP/1.1\r\nhost: evil.example/path\r\n\r\n'), { status: 400, code: 'VEC_ERR_BAD_REQUEST' })
      assert.equal((await exchange(port, 'GET / HTTP/1.0\r\n\r\n')).text(), 'ok')
      assert.equal((await exchange(port, 'GET / HTTP/1.1\r\nhost: [::1]:3000\r\n\r\n')).text(), 'ok')
    })

    it('leaves Content-Length to hyper: differing values are a 400 that closes, repeats of one value are one (RFC 9112 §6.3, RFC 9110 §8.6)', async () => {
      const app = createTestApp()
      app.post('/', async (req) => ({ length: (await req.buffer()).length }))
      const port = await listen(app)
      const conn = await Conn.open(port)
      conn.write('POST / HTTP/1.1\r\nhost: test\r\ncontent-length: 3\r\ncontent-length: 4\r\n\r\nabcd')
      assert.equal((await conn.response()).status, 400)
      await conn.closed
      const same = await exchange(port, 'POST / HTTP/1.1\r\nhost: test\r\ncontent-length: 3\r\ncontent-length: 3\r\n\r\nabc')
      assert.deepEqual(same.json(), { length: 3 })
    })

    it('serves 100 header fields by default, 500 when raised, and answers 431 problem+json past maxHeaderCount', async () => {
      const fields = (n: number): string => Array.from({ length: n }, (_, i) => `x-h${i}: 1\r\n`).join('')
      const app = createTestApp()
      app.get('/', (req) => ({ count: Object.keys(req.headers).length }))
      const defaults = await listen(app)
      const res = await exchange(defaults, `GET / HTTP/1.1\r\nhost: test\r\n${fields(99)}\r\n`)
      assert.equal(res.status, 200)
      assert.deepEqual(res.json(), { count: 100 })
      assertProblem(await exchange(defaults, `GET / HTTP/1.1\r\nhost: test\r\n${fields(150)}\r\n`), {
        status: 431,
        code: 'VEC_ERR_HEADERS_TOO_LARGE',
        instance: '/',
      })
      const raised = createTestApp({ maxHeaderCount: 600 })
      raised.get('/', (req) => ({ count: Object.keys(req.headers).length }))
      assert.deepEqual((await exchange(await listen(raised), `GET / HTTP/1.1\r\nhost: test\r\n${fields(500)}\r\n`)).json(), { count: 501 })

      const strict = createTestApp({ maxHeaderCount: 50 })
      strict.get('/', () => 'ok')
      const port = await listen(strict)
      assert.equal((await exchange(port, `GET / HTTP/1.1\r\nhost: test\r\n${fields(40)}\r\n`)).text(), 'ok')
      const tooMany = await exchange(port, `GET / HTTP/1.1\r\nhost: test\r\n${fields(60)}\r\n`)
      assertProblem(tooMany, { status: 431, code: 'VEC_ERR_HEADERS_TOO_LARGE', instance: '/' })
      const headers = Object.fromEntries(Array.from({ length: 60 }, (_, i) => [`x-h${i}`, '1']))
      assertProblem(await strict.inject({ url: '/', headers }), { status: 431, code: 'VEC_ERR_HEADERS_TOO_LARGE' })
    })
  })
})
