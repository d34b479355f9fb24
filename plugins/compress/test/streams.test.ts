/**
 * @module plugins/compress/test/streams — streamed and file replies through compression: `reply.stream()` of a
 * generator, a Node Readable and a web ReadableStream, `reply.sse()` (events reach the client one by one, over a real
 * socket), a 1 MiB `reply.file()` with its 206, 304 and HEAD left alone, and what happens when the client goes away
 * or the producer fails. Every compressed body is decompressed with node:zlib and compared with its source.
 */
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import http from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Readable } from 'node:stream'
import { setImmediate as nextTurn } from 'node:timers/promises'
import { formatSseEvent, Reply, reply, StreamBody } from 'vectora'
import { forEachTransport, listen, onCleanup, useCleanup } from 'vectora/testing'
import { compressApp, decoded, decompressor, ENCODINGS, text } from './support.js'

const STREAMED = ['br', 'gzip', 'deflate'] // the codings this suite has a streaming decompressor for

/** The chunks a streamed reply is made of: lines of text, 200 KiB in all. */
const LINES = Array.from({ length: 2000 }, (_, i) => `${i} ${text(100, i + 1)}\n`)
const ALL_LINES = LINES.join('')

async function* lines(): AsyncGenerator<string> {
  for (const line of LINES) yield line
}

/** A 1 MiB text file, removed after the test. */
function bigFile(): { path: string; content: Buffer } {
  const dir = mkdtempSync(join(tmpdir(), 'vectora-compress-'))
  onCleanup(() => rmSync(dir, { recursive: true, force: true }))
  const content = Buffer.from(text(1024 * 1024, 11))
  const path = join(dir, 'big.txt')
  writeFileSync(path, content)
  return { path, content }
}

describe('@vectora/compress: streamed and file replies', () => {
  forEachTransport((t) => {
    it('compresses a reply.stream() of a generator with every coding, chunked, decompressing to exactly what was produced', async () => {
      const app = compressApp()
      app.get('/lines', () => reply.stream(lines(), { headers: { 'content-type': 'text/plain; charset=utf-8' } }))
      for (const encoding of ENCODINGS) {
        const res = await t.request(app, { url: '/lines', headers: { 'accept-encoding': encoding } })
        assert.equal(res.status, 200)
        assert.equal(res.headers['content-encoding'], encoding)
        assert.equal(res.headers.vary, 'Accept-Encoding')
        assert.ok(res.body.length < ALL_LINES.length / 2, `${encoding}: ${res.body.length} of ${ALL_LINES.length}`)
        assert.equal(decoded(res).toString(), ALL_LINES)
      }
      const identity = await t.request(app, { url: '/lines' })
      assert.equal(identity.headers['content-encoding'], undefined)
      assert.equal(identity.text(), ALL_LINES)
    })

    it('compresses a returned Node Readable, a web ReadableStream and an async iterable of Buffers alike', async () => {
      const app = compressApp()
      app.get('/readable', () => Readable.from(LINES))
      app.get('/web', () => reply.stream(ReadableStream.from(LINES.map((line) => new TextEncoder().encode(line)))))
      app.get('/buffers', () =>
        (async function* () {
          for (const line of LINES) yield Buffer.from(line)
        })(),
      )
      for (const url of ['/readable', '/web', '/buffers']) {
        const res = await t.request(app, { url, headers: { 'accept-encoding': 'gzip' } })
        assert.equal(res.headers['content-type'], 'application/octet-stream', url)
        assert.equal(res.headers['content-encoding'], 'gzip', url)
        assert.equal(decoded(res).toString(), ALL_LINES, url)
      }
    })

    it('compresses a stream of nothing into a valid, empty body', async () => {
      const app = compressApp()
      app.get('/empty', () => reply.stream((async function* () {})(), { headers: { 'content-type': 'text/plain' } }))
      for (const encoding of ENCODINGS) {
        const res = await t.request(app, { url: '/empty', headers: { 'accept-encoding': encoding } })
        assert.equal(res.headers['content-encoding'], encoding)
        assert.equal(decoded(res).length, 0)
      }
    })

    it('leaves a stream of an incompressible type or with no-transform as it is, still streamed whole', async () => {
      const app = compressApp()
      app.get('/video', () => reply.stream(lines(), { headers: { 'content-type': 'video/mp4' } }))
      app.get('/no-transform', () => reply.stream(lines(), { headers: { 'content-type': 'text/plain', 'cache-control': 'no-transform' } }))
      for (const url of ['/video', '/no-transform']) {
        const res = await t.request(app, { url, headers: { 'accept-encoding': 'gzip, br' } })
        assert.deepEqual([res.headers['content-encoding'], res.headers.vary], [undefined, undefined], url)
        assert.equal(res.text(), ALL_LINES)
      }
    })

    it('compresses reply.sse() events with every coding; they decompress to the event stream', async () => {
      const app = compressApp()
      const events = Array.from({ length: 50 }, (_, i) => ({ id: String(i), event: 'tick', data: { i, note: text(40, i + 1) } }))
      app.get('/events', () =>
        reply.sse(
          (async function* () {
            yield* events
          })(),
          { heartbeat: 0 },
        ),
      )
      for (const encoding of ENCODINGS) {
        const res = await t.request(app, { url: '/events', headers: { 'accept-encoding': encoding } })
        assert.equal(res.headers['content-type'], 'text/event-stream; charset=utf-8')
        assert.equal(res.headers['content-encoding'], encoding)
        assert.equal(decoded(res).toString(), events.map(formatSseEvent).join(''))
      }
    })

    it('compresses a 1 MiB reply.file() with every coding: a weak ETag, no Accept-Ranges, the file underneath', async () => {
      const { path, content } = bigFile()
      const app = compressApp()
      app.get('/big.txt', () => reply.file(path))
      for (const encoding of ENCODINGS) {
        const res = await t.request(app, { url: '/big.txt', headers: { 'accept-encoding': encoding } })
        assert.equal(res.status, 200)
        assert.equal(res.headers['content-type'], 'text/plain; charset=utf-8')
        assert.equal(res.headers['content-encoding'], encoding)
        assert.equal(res.headers.vary, 'Accept-Encoding')
        assert.match(res.headers.etag ?? '', /^W\/"/)
        assert.equal(res.headers['accept-ranges'], undefined)
        assert.ok(res.body.length < content.length / 2)
        assert.deepEqual(decoded(res), content)
      }
      const identity = await t.request(app, { url: '/big.txt' })
      assert.equal(identity.headers['content-encoding'], undefined)
      assert.match(identity.headers.etag ?? '', /^"/)
      assert.equal(identity.headers['accept-ranges'], 'bytes')
      assert.equal(identity.headers['content-length'], String(content.length))
      assert.deepEqual(identity.body, content)
    })

    it('leaves the 206 of a Range request and a HEAD of a file untouched; a 304 gets the validator its client holds', async () => {
      const { path, content } = bigFile()
      const app = compressApp()
      app.get('/big.txt', () => reply.file(path))
      const gzip = { 'accept-encoding': 'gzip, br' }
      const compressed = await t.request(app, { url: '/big.txt', headers: gzip })
      const range = await t.request(app, { url: '/big.txt', headers: { ...gzip, range: 'bytes=1000-1999' } })
      assert.equal(range.status, 206)
      assert.equal(range.headers['content-encoding'], undefined)
      assert.equal(range.headers['content-range'], `bytes 1000-1999/${content.length}`)
      assert.deepEqual(range.body, content.subarray(1000, 2000))
      // The weak ETag of the compressed reply revalidates (If-None-Match compares weakly), and the 304 carries it
      // and the Vary the 200 had, so a cache matches it to the compressed reply it stored.
      const notModified = await t.request(app, { url: '/big.txt', headers: { ...gzip, 'if-none-match': compressed.headers.etag! } })
      assert.equal(notModified.status, 304)
      assert.equal(notModified.headers['content-encoding'], undefined)
      assert.equal(notModified.headers.etag, compressed.headers.etag)
      assert.equal(notModified.headers.vary, 'Accept-Encoding')
      assert.equal(notModified.body.length, 0)
      // A client holding the identity reply revalidates with the strong ETag, and gets the 304 the core made.
      const strong = compressed.headers.etag!.slice(2)
      const identity = await t.request(app, { url: '/big.txt', headers: { ...gzip, 'if-none-match': strong } })
      assert.equal(identity.status, 304)
      assert.deepEqual([identity.headers.etag, identity.headers.vary], [strong, undefined])
      const head = await t.request(app, { method: 'HEAD', url: '/big.txt', headers: gzip })
      assert.equal(head.status, 200)
      assert.equal(head.headers['content-encoding'], undefined)
      assert.equal(head.headers['content-length'], String(content.length))
    })

    it('leaves a file under the threshold as the kernel sends it', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'vectora-compress-'))
      onCleanup(() => rmSync(dir, { recursive: true, force: true }))
      writeFileSync(join(dir, 'small.txt'), 'small')
      const app = compressApp()
      app.get('/small.txt', () => reply.file(join(dir, 'small.txt')))
      const res = await t.request(app, { url: '/small.txt', headers: { 'accept-encoding': 'gzip' } })
      assert.deepEqual([res.headers['content-encoding'], res.headers.vary, res.text()], [undefined, undefined, 'small'])
    })
  })

  describe('over a real socket', () => {
    useCleanup()

    /** A GET that reads the reply as it arrives, decompressed per its Content-Encoding. */
    async function open(port: number, url: string, headers: Record<string, string>) {
      const req = http.get({ host: '127.0.0.1', port, path: url, headers, agent: false })
      onCleanup(() => req.destroy())
      const res = await new Promise<http.IncomingMessage>((resolve, reject) => req.once('response', resolve).once('error', reject))
      const encoding = res.headers['content-encoding']
      const out = encoding === undefined ? res : res.pipe(decompressor(encoding))
      let received = ''
      let wake: (() => void) | undefined
      out.on('data', (chunk: Buffer) => {
        received += chunk.toString()
        wake?.()
      })
      const ended = new Promise<void>((resolve, reject) => out.once('end', resolve).once('error', reject))
      return {
        req,
        res,
        ended,
        /** Resolves with everything received once it contains `needle` (never resolves otherwise: the test times out). */
        async until(needle: string): Promise<string> {
          while (!received.includes(needle)) await new Promise<void>((resolve) => (wake = resolve))
          return received
        },
      }
    }

    for (const encoding of STREAMED) {
      it(`delivers each SSE event through ${encoding} before the producer sends the next one`, async () => {
        const app = compressApp()
        let sendSecond!: () => void
        const gate = new Promise<void>((resolve) => (sendSecond = resolve))
        let secondProduced = false
        app.get('/events', () =>
          reply.sse(
            (async function* () {
              yield { id: '1', data: 'one' }
              await gate
              secondProduced = true
              yield { id: '2', data: 'two' }
            })(),
            { heartbeat: 0 },
          ),
        )
        const client = await open(await listen(app), '/events', { 'accept-encoding': encoding })
        assert.equal(client.res.headers['content-encoding'], encoding)
        assert.equal(client.res.headers['transfer-encoding'], 'chunked')
        // The first event is read while the producer still waits to send the second: nothing holds it back.
        assert.equal(await client.until('data: one\n\n'), 'id: 1\ndata: one\n\n')
        assert.equal(secondProduced, false)
        sendSecond()
        assert.equal(await client.until('data: two\n\n'), 'id: 1\ndata: one\n\nid: 2\ndata: two\n\n')
        await client.ended
      })
    }

    for (const encoding of STREAMED) {
      it(`sends what a paused producer made so far through ${encoding}, without waiting for more (not an event stream)`, async () => {
        const app = compressApp()
        let sendRest!: () => void
        const gate = new Promise<void>((resolve) => (sendRest = resolve))
        app.get('/progress', () =>
          reply.stream(
            (async function* () {
              yield '{"step":1}\n'
              yield '{"step":2}\n'
              await gate // a slow query: what came before must not wait for it
              yield '{"step":3}\n'
            })(),
            { headers: { 'content-type': 'application/json' } },
          ),
        )
        const client = await open(await listen(app), '/progress', { 'accept-encoding': encoding })
        assert.equal(client.res.headers['content-encoding'], encoding)
        assert.equal(await client.until('{"step":2}\n'), '{"step":1}\n{"step":2}\n')
        sendRest()
        assert.equal(await client.until('{"step":3}\n'), '{"step":1}\n{"step":2}\n{"step":3}\n')
        await client.ended
      })
    }

    it('stops the producer of a compressed stream when the client goes away, and reports the reply aborted', async () => {
      const app = compressApp()
      const outcomes: string[] = []
      app.addHook('onResponse', (_req, info) => void outcomes.push(info.outcome))
      let stopped!: () => void
      const producerStopped = new Promise<void>((resolve) => (stopped = resolve))
      app.get('/forever', () =>
        reply.stream(
          (async function* () {
            try {
              for (let i = 0; ; i++) {
                yield `${i} ${text(1000, (i % 50) + 1)}\n`
                await nextTurn()
              }
            } finally {
              stopped()
            }
          })(),
          { headers: { 'content-type': 'text/plain' } },
        ),
      )
      const client = await open(await listen(app), '/forever', { 'accept-encoding': 'gzip' })
      assert.equal(client.res.headers['content-encoding'], 'gzip')
      await client.until('\n')
      client.req.destroy()
      await producerStopped
      while (outcomes.length === 0) await nextTurn()
      assert.deepEqual(outcomes, ['aborted'])
    })

    it("cuts a compressed reply whose producer fails, and logs the producer's error", async () => {
      const app = compressApp()
      app.get('/fails', () =>
        reply.stream(
          (async function* () {
            yield text(5000)
            await nextTurn()
            throw new Error('the database went away')
          })(),
          { headers: { 'content-type': 'text/plain' } },
        ),
      )
      const failure = app.logger.next((line) => line.msg === 'a streamed reply failed; the response was cut')
      const req = http.get({ host: '127.0.0.1', port: await listen(app), path: '/fails', headers: { 'accept-encoding': 'gzip' }, agent: false })
      onCleanup(() => req.destroy())
      const res = await new Promise<http.IncomingMessage>((resolve) => req.once('response', resolve))
      assert.equal(res.headers['content-encoding'], 'gzip')
      // The body never ends well: the gzip member is incomplete, and the connection is cut.
      const outcome = await new Promise<string>((resolve) => {
        res.on('data', () => {})
        res.once('end', () => resolve(res.complete ? 'complete' : 'incomplete'))
        res.once('error', () => resolve('incomplete'))
        res.once('aborted', () => resolve('incomplete'))
      })
      assert.equal(outcome, 'incomplete')
      assert.match(String((await failure).fields.err), /the database went away/)
    })

    it('passes the cancel of the original body on: a StreamBody with its own cancel hook is told when the client leaves', async () => {
      const app = compressApp()
      let cancelled!: () => void
      const wasCancelled = new Promise<void>((resolve) => (cancelled = resolve))
      const never = new Promise<never>(() => {})
      app.get('/hanging', () => {
        const res = new Reply(200, undefined, { 'content-type': 'text/plain' })
        res.body = new StreamBody(
          (async function* () {
            yield text(2000)
            await never // a producer stuck in an await: only its cancel hook can stop it
          })(),
          { cancel: () => cancelled() },
        )
        return res
      })
      const client = await open(await listen(app), '/hanging', { 'accept-encoding': 'br' })
      assert.equal(client.res.headers['content-encoding'], 'br')
      await client.until(text(2000))
      client.req.destroy()
      await wasCancelled
    })
  })
})
