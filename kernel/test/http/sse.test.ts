/**
 * @module kernel/test/http/sse — `reply.sse()`: the event-stream format (fields, multi-line and JSON data, comments,
 * retry), heartbeats while no event comes, `Last-Event-ID`, invalid fields refused, a client that goes away ending
 * the stream promptly; and a real `EventSource` in Chromium receiving events, reconnecting and resuming from the
 * last id.
 */
import assert from 'node:assert/strict'
import { existsSync } from 'node:fs'
import http from 'node:http'
import { once } from 'node:events'
import { setTimeout as sleep } from 'node:timers/promises'
import { chromium } from 'playwright-core'
import { formatSseEvent, lastEventId, type Outcome, reply } from 'vectora'
import { createTestApp, forEachTransport, listen, useCleanup } from 'vectora/testing'

const CHROMIUM = '/usr/bin/chromium'
const HAS_CHROMIUM = existsSync(CHROMIUM)

async function until(what: string, test: () => boolean): Promise<void> {
  const end = Date.now() + 10_000
  while (!test()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`)
    await sleep(10)
  }
}

describe('server-sent events', () => {
  useCleanup()

  it('formats fields, multi-line and JSON data, comments and retry as the HTML standard says', () => {
    assert.equal(formatSseEvent('hi'), 'data: hi\n\n')
    assert.equal(formatSseEvent({ event: 'note', id: '7', data: { a: 1 } }), 'event: note\nid: 7\ndata: {"a":1}\n\n')
    assert.equal(formatSseEvent({ data: 'two\nlines' }), 'data: two\ndata: lines\n\n')
    assert.equal(formatSseEvent({ comment: 'ping', retry: 3000 }), ': ping\nretry: 3000\n\n')
    assert.throws(() => formatSseEvent({ id: 'a\nb', data: 'x' }), /line break/)
    assert.throws(() => formatSseEvent({ event: 'a\rb' }), /line break/)
  })

  forEachTransport((t) => {
    it('answers text/event-stream, uncached, with the retry line first and every event in order', async () => {
      const app = createTestApp()
      app.get('/events', () =>
        reply.sse(
          (async function* () {
            yield { id: '1', data: 'one' }
            yield { id: '2', event: 'update', data: { n: 2 } }
          })(),
          { retry: 500 },
        ),
      )
      const res = await t.request(app, { url: '/events' })
      assert.equal(res.headers['content-type'], 'text/event-stream; charset=utf-8')
      assert.equal(res.headers['cache-control'], 'no-cache')
      assert.equal(res.text(), 'retry: 500\n\nid: 1\ndata: one\n\nevent: update\nid: 2\ndata: {"n":2}\n\n')
    })
  })

  it('sends heartbeat comments while no event comes, and hands Last-Event-ID to the handler', async () => {
    let seenId: string | undefined
    const app = createTestApp()
    app.get('/slow', (req) => {
      seenId = lastEventId(req)
      return reply.sse(
        (async function* () {
          await sleep(200)
          yield 'late'
        })(),
        { heartbeat: 40 },
      )
    })
    const port = await listen(app)
    const req = http.get({ port, host: '127.0.0.1', path: '/slow', headers: { 'last-event-id': '41' } })
    const res = (await once(req, 'response'))[0] as http.IncomingMessage
    let text = ''
    res.on('data', (d: Buffer) => {
      text += d.toString()
    })
    await once(res, 'end')
    assert.equal(seenId, '41')
    assert.match(text, /^(:\n\n)+data: late\n\n$/)
    assert.ok(text.split(':\n\n').length - 1 >= 2, `several heartbeats before the event (${JSON.stringify(text)})`)
  })

  it('ends the stream when the client goes away, even while the producer waits for its next event', async () => {
    const outcomes: Outcome[] = []
    let aborted = false
    const app = createTestApp()
    app.addHook('onResponse', (_req, info) => {
      outcomes.push(info.outcome)
    })
    app.get('/quiet', (req) => {
      req.signal.addEventListener('abort', () => {
        aborted = true
      })
      return reply.sse(
        (async function* () {
          yield 'first'
          await new Promise(() => {}) // never another event
        })(),
      )
    })
    const port = await listen(app)
    const req = http.get({ port, host: '127.0.0.1', path: '/quiet' })
    req.on('error', () => {})
    const res = (await once(req, 'response'))[0] as http.IncomingMessage
    await once(res, 'data')
    req.destroy()
    await until('the stream ended', () => outcomes.length === 1 && aborted)
    assert.deepEqual(outcomes, ['aborted'])
  })

  it('cuts the stream and logs it when an event has a line break in its id', async () => {
    const app = createTestApp()
    app.get('/bad', () =>
      reply.sse(
        (async function* () {
          yield { id: 'a\nb', data: 'x' }
        })(),
      ),
    )
    const port = await listen(app)
    const req = http.get({ port, host: '127.0.0.1', path: '/bad' })
    req.on('error', () => {})
    const res = (await once(req, 'response'))[0] as http.IncomingMessage
    res.on('error', () => {})
    res.resume()
    await until('the failure is logged', () => app.logger.errors().length === 1)
    assert.match(String((app.logger.errors()[0]!.fields as { err: Error }).err.message), /line break/)
  })

  const browser = HAS_CHROMIUM || process.env.CI === 'true' ? it : it.skip
  browser('feeds a real EventSource in Chromium, which reconnects and resumes from Last-Event-ID', async function () {
    this.timeout(60_000)
    assert.ok(HAS_CHROMIUM, `${CHROMIUM} is missing: apt-get install chromium (.ci/run installs it)`)
    const resumedFrom: Array<string | undefined> = []
    const app = createTestApp()
    app.get('/', () =>
      reply.html(`<!doctype html><script>
        window.got = [];
        const source = new EventSource('/events');
        source.addEventListener('tick', (e) => window.got.push(e.lastEventId + ':' + e.data));
      </script>`),
    )
    app.get('/events', (req) => {
      const from = lastEventId(req)
      resumedFrom.push(from)
      const start = from === undefined ? 1 : Number(from) + 1
      return reply.sse(
        (async function* () {
          // Three events per connection, then the server ends it: the browser reconnects after `retry`.
          for (let n = start; n < start + 3; n++) yield { id: String(n), event: 'tick', data: `n${n}` }
        })(),
        { retry: 100 },
      )
    })
    const port = await listen(app)
    const chrome = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu'] })
    try {
      const page = await chrome.newPage()
      await page.goto(`http://127.0.0.1:${port}/`)
      await page.waitForFunction(() => (window as unknown as { got: string[] }).got.length >= 6, undefined, { timeout: 20_000 })
      const got = await page.evaluate(() => (window as unknown as { got: string[] }).got.slice(0, 6))
      assert.deepEqual(got, ['1:n1', '2:n2', '3:n3', '4:n4', '5:n5', '6:n6'])
      assert.deepEqual(resumedFrom.slice(0, 2), [undefined, '3'])
    } finally {
      await chrome.close()
    }
  })
})
