/**
 * @module kernel/test/http/listen — app.listen() as an operator meets it: a port in use fails with VEC_ERR_LISTEN_FAILED
 * and can be retried; a second listen on a listening app is refused; the health probes' paths do not
 * collide with a user's route without a word on how to move them.
 */
import assert from 'node:assert/strict'
import { createServer, type AddressInfo, type Server } from 'node:net'
import { createApp } from 'vectora'
import { captureLogger, closeAfterTest, onCleanup, useCleanup } from 'vectora/testing'

/** A plain TCP server holding a port on 127.0.0.1, closed after the test. */
async function occupiedPort(): Promise<number> {
  const blocker: Server = createServer()
  await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve))
  onCleanup(() => new Promise<void>((resolve) => blocker.close(() => resolve())))
  return (blocker.address() as AddressInfo).port
}

describe('listen', () => {
  useCleanup()

  it('fails with VEC_ERR_LISTEN_FAILED on a port in use, and a retry on a free port serves requests', async () => {
    const port = await occupiedPort()
    const app = closeAfterTest(createApp({ handleSignals: false, logger: captureLogger() }))
    app.get('/', () => 'served')
    await assert.rejects(app.listen({ port }), (e: Error & { code?: string }) => e.code === 'VEC_ERR_LISTEN_FAILED' && e.message.includes(`127.0.0.1:${port}`))
    const bound = await app.listen({ port: 0 })
    assert.notEqual(bound.port, port)
    const res = await fetch(`http://127.0.0.1:${bound.port}/`)
    assert.equal(await res.text(), 'served')
  })

  it('refuses a second listen() on a listening app with VEC_ERR_ALREADY_LISTENING', async () => {
    const app = closeAfterTest(createApp({ handleSignals: false, logger: captureLogger() }))
    app.get('/', () => 'x')
    await app.listen({ port: 0 })
    await assert.rejects(app.listen({ port: 0 }), (e: Error & { code?: string }) => e.code === 'VEC_ERR_ALREADY_LISTENING')
  })

  it('reports a boot error again on a second listen(), not VEC_ERR_ALREADY_LISTENING', async () => {
    const app = closeAfterTest(createApp({ handleSignals: false, logger: captureLogger() }))
    app.get('/x', { inject: ['missing'] }, () => 'x')
    await assert.rejects(app.listen({ port: 0 }), (e: Error & { code?: string }) => e.code === 'VEC_ERR_DI_MISSING')
    await assert.rejects(app.listen({ port: 0 }), (e: Error & { code?: string }) => e.code === 'VEC_ERR_DI_MISSING')
  })

  it("names the health probe and how to move or turn it off when a user's route takes its path", () => {
    const app = createApp({ handleSignals: false })
    assert.throws(
      () => app.get('/health/live', () => 'mine'),
      (e: Error & { code?: string }) => {
        assert.equal(e.code, 'VEC_ERR_ROUTE_DUPLICATE')
        assert.match(e.message, /health probe Vectora adds/)
        assert.match(e.message, /health: false/)
        assert.match(e.message, /health: \{ live: /)
        return true
      },
    )
    const mine = createApp({ handleSignals: false, health: false })
    mine.get('/health/live', () => 'mine')
  })
})
