/**
 * @module kernel/test/http/sse-channel — `SseChannel`, events pushed from anywhere: sends before and after the reply
 * leaves arrive in order, `close()` ends the stream, a fan-out of one request reaches every client, a client that
 * goes away closes its channel (`onClose`), a client that stops reading is dropped past `maxBuffered` while the
 * others keep receiving, heartbeats while idle, an onSend hook that replaces the body still sees every event, and
 * bad options refused.
 */
import assert from 'node:assert/strict'
import http from 'node:http'
import net from 'node:net'
import { setTimeout as sleep } from 'node:timers/promises'
import { Reply, SseChannel, StreamBody } from 'vectora'
import { createTestApp, forEachTransport, listen, useCleanup } from 'vectora/testing'

async function until(what: string, test: () => boolean): Promise<void> {
  const end = Date.now() + 10_000
  while (!test()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`)
    await sleep(10)
  }
}

/** An SSE client over a socket: the text received so far (kept only when `keep`), and the ids of whole events. */
function subscribe(port: number, keep = true): { text: () => string; ids: () => string[]; req: http.ClientRequest; response: Promise<http.IncomingMessage> } {
  let text = ''
  let tail = ''
  const ids: string[] = []
  const req = http.get({ port, host: '127.0.0.1', path: '/events', agent: false })
  req.on('error', () => {})
  const response = new Promise<http.IncomingMessage>((resolve) =>
    req.on('response', (res) => {
      res.setEncoding('utf8')
      res.on('data', (chunk: string) => {
        if (keep) text += chunk
        tail += chunk
        for (let at = tail.indexOf('\n\n'); at !== -1; at = tail.indexOf('\n\n')) {
          const id = /^id: (.*)$/m.exec(tail.slice(0, at))?.[1]
          if (id !== undefined) ids.push(id)
          tail = tail.slice(at + 2)
        }
      })
      res.on('error', () => {})
      resolve(res)
    }),
  )
  return { text: () => text, ids: () => ids, req, response }
}

describe('SseChannel', () => {
  useCleanup()

  forEachTransport((t) => {
    it('sends what was sent before and after the reply left, in order, retry first; close() ends the stream', async () => {
      const app = createTestApp()
      app.get('/events', () => {
        const channel = new SseChannel({ retry: 1500 })
        assert.equal(channel.send({ id: '1', data: 'early' }), false, 'queued: the reply has not left yet')
        setTimeout(() => {
          channel.send({ id: '2', event: 'update', data: { n: 2 } })
          channel.send('plain')
          channel.close()
          assert.equal(channel.send('too late'), false)
        }, 20)
        return channel.reply
      })
      const res = await t.request(app, { url: '/events' })
      assert.equal(res.headers['content-type'], 'text/event-stream; charset=utf-8')
      assert.equal(res.headers['cache-control'], 'no-cache')
      assert.equal(res.text(), 'retry: 1500\n\nid: 1\ndata: early\n\nevent: update\nid: 2\ndata: {"n":2}\n\ndata: plain\n\n')
    })

    it('still delivers every event when an onSend hook replaces the body with a transform', async () => {
      const app = createTestApp()
      app.addHook('onSend', (reply) => {
        const body = reply.body
        if (!(body instanceof StreamBody)) return
        reply.body = new StreamBody(
          (async function* () {
            for await (const chunk of body.chunks()) yield String(chunk).toUpperCase()
          })(),
        )
      })
      app.get('/events', () => {
        const channel = new SseChannel({ heartbeat: 0 })
        setTimeout(() => {
          for (let i = 0; i < 3; i++) channel.send({ id: String(i), data: 'x' })
          channel.close()
        }, 10)
        return channel.reply
      })
      const res = await t.request(app, { url: '/events' })
      assert.equal(res.text(), 'ID: 0\nDATA: X\n\nID: 1\nDATA: X\n\nID: 2\nDATA: X\n\n')
    })
  })

  it('fans one request out to every client, each event in order', async () => {
    const app = createTestApp()
    const clients = new Set<SseChannel>()
    app.get('/events', () => {
      const channel = new SseChannel({ heartbeat: 0 })
      clients.add(channel)
      channel.onClose(() => clients.delete(channel))
      return channel.reply
    })
    app.post('/broadcast', () => {
      for (let i = 0; i < 50; i++) for (const client of clients) client.send({ id: String(i), data: `event ${i}` })
      return { clients: clients.size }
    })
    const port = await listen(app)
    const subscribers = Array.from({ length: 20 }, () => subscribe(port))
    await Promise.all(subscribers.map((s) => s.response))
    await until('every client subscribed', () => clients.size === 20)
    const res = await fetch(`http://127.0.0.1:${port}/broadcast`, { method: 'POST' })
    assert.deepEqual(await res.json(), { clients: 20 })
    const expected = Array.from({ length: 50 }, (_, i) => String(i))
    await until('every client has every event', () => subscribers.every((s) => s.ids().length === 50))
    for (const s of subscribers) assert.deepEqual(s.ids(), expected)
    for (const s of subscribers) s.req.destroy()
    await until('every channel closed', () => clients.size === 0)
  })

  it('closes the channel when the client goes away: onClose runs once, send answers false', async () => {
    const app = createTestApp()
    let channel!: SseChannel
    let closes = 0
    let aborted = false
    app.get('/events', (req) => {
      channel = new SseChannel({ heartbeat: 0 })
      channel.onClose(() => closes++)
      req.signal.addEventListener('abort', () => (aborted = true))
      return channel.reply
    })
    const port = await listen(app)
    const client = subscribe(port)
    await client.response
    channel.send('hello')
    await until('the event arrives', () => client.text().includes('data: hello'))
    client.req.destroy()
    await until('the channel closed', () => channel.closed)
    assert.equal(closes, 1)
    assert.equal(aborted, true)
    assert.equal(channel.send('anyone?'), false)
    let late = 0
    channel.onClose(() => late++)
    assert.equal(late, 1, 'a listener added after the close runs at once')
  })

  it('drops a client that stops reading once maxBuffered waits for it, and keeps serving the others', async () => {
    const app = createTestApp()
    const channels: SseChannel[] = []
    app.get('/events', () => {
      const channel = new SseChannel({ heartbeat: 0, maxBuffered: 1024 * 1024 })
      channels.push(channel)
      return channel.reply
    })
    const port = await listen(app)
    // The stalled client sends its request and never reads: its socket buffers fill, then the kernel's pipe.
    const stalled = net.connect(port, '127.0.0.1')
    stalled.write('GET /events HTTP/1.1\r\nhost: x\r\n\r\n')
    stalled.pause()
    await until('the stalled client subscribed', () => channels.length === 1)
    const reader = subscribe(port, false)
    await reader.response
    await until('the reader subscribed', () => channels.length === 2)
    const [slow, fast] = channels as [SseChannel, SseChannel]
    const data = 'x'.repeat(8 * 1024)
    let sent = 0
    // Bursts of 20 events (160 KiB) stay under maxBuffered for a reader that keeps up; the stalled client's
    // socket buffers, then the kernel's pipe fill, then 1 MiB waits in its channel, and it is dropped.
    while (!slow.closed && sent < 20_000) {
      slow.send({ id: String(sent), data })
      fast.send({ id: String(sent), data })
      sent++
      // The reader keeps up (the test waits for it); the stalled client never reads.
      if (sent % 20 === 0) await until('the reader caught up', () => reader.ids().length >= sent - 20)
    }
    assert.equal(slow.closed, true, `the stalled client was dropped (after ${sent} events)`)
    assert.equal(fast.closed, false)
    fast.close()
    await until('the reader got every event', () => reader.ids().length === sent)
    assert.equal(reader.ids().at(-1), String(sent - 1))
    stalled.destroy()
  })

  it('sends heartbeat comments while nothing is sent', async () => {
    const app = createTestApp()
    app.get('/events', () => new SseChannel({ heartbeat: 30 }).reply)
    const port = await listen(app)
    const client = subscribe(port)
    await client.response
    await until('two heartbeats', () => client.text().split(':\n\n').length - 1 >= 2)
    client.req.destroy()
  })

  it('refuses bad options with a TypeError naming the option', () => {
    assert.throws(() => new SseChannel({ heartbeat: -1 }), /heartbeat must be an integer of ms >= 0/)
    assert.throws(() => new SseChannel({ retry: 1.5 }), /retry must be an integer of ms >= 0/)
    assert.throws(() => new SseChannel({ maxBuffered: 0 }), /maxBuffered must be an integer >= 1/)
    const channel = new SseChannel({ heartbeat: 0 })
    assert.ok(channel.reply instanceof Reply)
    assert.throws(() => channel.send({ id: 'a\nb' }), /line break/)
    channel.close()
  })

  it('ends a channel closed before its reply is read (a handler that changed its mind)', async () => {
    const app = createTestApp()
    app.get('/events', () => {
      const channel = new SseChannel({ heartbeat: 0 })
      channel.send('only')
      channel.close()
      return channel.reply
    })
    const port = await listen(app)
    const res = await fetch(`http://127.0.0.1:${port}/events`)
    assert.equal(await res.text(), 'data: only\n\n')
  })
})
