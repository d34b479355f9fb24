/**
 * @module kernel/test/http/stats — app.stats(): the kernel's gauges and counters over real sockets: open
 * connections, requests queued for or running in JavaScript, refusals past maxPending and maxConnections,
 * deadlines, and the request count.
 */
import assert from 'node:assert/strict'
import net from 'node:net'
import { once } from 'node:events'
import { closeAfterTest, createTestApp, listen, useCleanup } from 'vectora/testing'

describe('app.stats()', () => {
  useCleanup()

  it('needs a ready app', () => {
    const app = createTestApp()
    assert.throws(() => app.stats(), { code: 'VEC_ERR_APP_NOT_READY' })
  })

  it('counts open connections, requests in JavaScript, refusals past maxPending and deadlines', async () => {
    let release!: () => void
    const gate = new Promise<void>((resolve) => (release = resolve))
    const app = createTestApp({ maxPending: 1, requestTimeout: 0 })
    app.get('/wait', async () => {
      await gate
      return { ok: true }
    })
    app.get('/late', { timeout: 50 }, () => new Promise(() => {}))
    app.get('/', () => 'ok')
    const port = await listen(app)
    assert.deepEqual(
      { ...app.stats(), accepted: 0, requests: 0 },
      {
        connections: 0,
        accepted: 0,
        requests: 0,
        queuedOrRunning: 0,
        readingBodies: 0,
        refusedConnections: 0,
        refusedOverloaded: 0,
        refusedBodyReaders: 0,
        timedOut: 0,
        draining: 0,
        aborted: 0,
      },
    )

    const sockets = await Promise.all([0, 1, 2].map(() => connect(port)))
    await until(() => app.stats().connections === 3)
    const waiting = fetch(`http://127.0.0.1:${port}/wait`)
    await until(() => app.stats().queuedOrRunning === 1)
    const refused = await fetch(`http://127.0.0.1:${port}/`)
    assert.equal(refused.status, 503)
    assert.equal(app.stats().refusedOverloaded, 1)
    release()
    assert.equal((await waiting).status, 200)
    await until(() => app.stats().queuedOrRunning === 0)

    assert.equal((await fetch(`http://127.0.0.1:${port}/late`)).status, 503)
    assert.equal(app.stats().timedOut, 1)
    for (const s of sockets) s.destroy()
    const stats = app.stats()
    assert.ok(stats.accepted >= 4, `accepted ${stats.accepted}`) // the 3 sockets, and fetch's (it reuses connections)
    assert.ok(stats.requests >= 3, `requests ${stats.requests}`)
  })

  it('counts connections refused past maxConnections', async () => {
    const app = closeAfterTest(createTestApp({ maxConnections: 1 }))
    app.get('/', () => 'ok')
    const port = await listen(app)
    const first = await connect(port)
    await until(() => app.stats().connections === 1)
    const second = await connect(port)
    const [data] = await once(second, 'data')
    assert.match(String(data), /^HTTP\/1\.1 503/)
    await until(() => app.stats().refusedConnections === 1)
    first.destroy()
    second.destroy()
  })

  it('counts a request whose client left before JavaScript answered, and shows draining from close() on', async () => {
    let release!: () => void
    const gate = new Promise<void>((resolve) => (release = resolve))
    const app = createTestApp({ requestTimeout: 0 })
    app.get('/hang', async () => {
      await gate
      return { ok: true }
    })
    const port = await listen(app)
    const client = await connect(port)
    client.write('GET /hang HTTP/1.1\r\nhost: x\r\n\r\n')
    await until(() => app.stats().queuedOrRunning === 1)
    client.destroy()
    await until(() => app.stats().aborted === 1)
    assert.equal(app.stats().draining, 0)

    const slow = fetch(`http://127.0.0.1:${port}/hang`)
    await until(() => app.stats().queuedOrRunning === 1)
    const closing = app.close()
    await until(() => app.stats().draining === 1)
    release()
    assert.equal((await slow).status, 200)
    await closing
  })
})

function connect(port: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1', () => resolve(socket))
    socket.once('error', reject)
  })
}

async function until(check: () => boolean, ms = 3_000): Promise<void> {
  const end = Date.now() + ms
  while (!check()) {
    if (Date.now() > end) assert.fail('not within 3 s')
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
}
