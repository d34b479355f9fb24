/** @module test/resilience — a failing transport never fails a request; a slow destination never blocks past maxBufferedLines. */
import assert from 'node:assert/strict'
import { Writable } from 'node:stream'
import { createTestApp, forEachTransport } from 'vectora/testing'
import winston from 'winston'
import { type LoggerService, logger } from '../src/index.js'
import { memoryDestination } from './support.js'

/** A winston transport whose log() throws. */
class ThrowingTransport extends winston.transports.Stream {
  constructor() {
    super({ stream: memoryDestination() })
  }
  override log(): void {
    throw new Error('disk on fire')
  }
}

describe('@vectora/logger: resilience', () => {
  forEachTransport((t) => {
    it('answers 200 when a transport throws, and keeps writing to the other transports', async () => {
      const out = memoryDestination()
      const app = createTestApp()
      app.register(logger, { transports: [new ThrowingTransport(), new winston.transports.Stream({ stream: out })] })
      app.get('/', (req) => {
        req.log.info('handler line')
        return { ok: true }
      })
      for (let i = 0; i < 3; i++) assert.equal((await t.request(app, { url: '/' })).status, 200)
      assert.equal(out.where({ message: 'handler line' }).length, 3)
      assert.ok(app.resolve<LoggerService>('logger').droppedLines() >= 3)
    })

    it('answers 200 when the destination stream errors on every write', async () => {
      const broken = new Writable({
        write(_chunk, _encoding, callback) {
          callback(new Error('EPIPE'))
        },
      })
      broken.on('error', () => {})
      const app = createTestApp()
      app.register(logger, { destination: broken })
      app.get('/', (req) => {
        req.log.info('lost line')
        return { ok: true }
      })
      for (let i = 0; i < 3; i++) assert.equal((await t.request(app, { url: '/' })).status, 200)
    })
  })

  it('drops and counts lines past maxBufferedLines while the destination is stuck, without blocking, and joins the waiting lines into one write', async () => {
    const callbacks: Array<() => void> = []
    let written = 0
    let writes = 0
    const stuck = new Writable({
      highWaterMark: 1,
      write(chunk, _encoding, callback) {
        writes++
        written += String(chunk).split('\n').length - 1
        callbacks.push(callback)
      },
    })
    const app = createTestApp()
    app.register(logger, { destination: stuck, maxBufferedLines: 10, accessLog: false })
    await app.ready()
    const started = performance.now()
    for (let i = 0; i < 1000; i++) app.log.info('burst', { i })
    assert.ok(performance.now() - started < 1000, 'logging returned without waiting for the destination')
    const service = app.resolve<LoggerService>('logger')
    assert.equal(service.droppedLines(), 990)
    // Unstick the destination: every kept line reaches it, and flushed() resolves.
    const drain = setInterval(() => {
      for (const callback of callbacks.splice(0)) callback()
    }, 1)
    try {
      await service.flushed()
    } finally {
      clearInterval(drain)
    }
    assert.equal(written, 10)
    // The first line went out alone; the nine that came while it was in flight left together, in one write.
    assert.equal(writes, 2)
  })
})
