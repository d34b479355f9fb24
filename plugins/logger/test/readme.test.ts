/** @module test/readme — the README's opening example behaves as the README says. */
import assert from 'node:assert/strict'
import { createTestApp, forEachTransport } from 'vectora/testing'
import { logger } from '../src/index.js'
import { accessLines, eventually, memoryDestination } from './support.js'

/** The README app, writing to memory instead of stdout. */
function readmeApp() {
  const out = memoryDestination()
  const app = createTestApp()
  app.register(logger, { service: 'notes', redact: ['body.password'], destination: out })
  app.get('/notes/:id', (req) => {
    req.log.info('loading note', { noteId: req.params.id })
    return { id: req.params.id }
  })
  return { app, out }
}

describe('@vectora/logger: README example', () => {
  forEachTransport((t) => {
    it('GET /notes/7 answers { id: "7" } with x-request-id, and logs the two README lines with that id', async () => {
      const { app, out } = readmeApp()
      const res = await t.request(app, { url: '/notes/7' })
      assert.deepEqual(res.json(), { id: '7' })
      const id = res.headers['x-request-id']
      const [handler] = out.where({ message: 'loading note' })
      assert.deepEqual(Object.keys(handler), ['timestamp', 'level', 'message', 'service', 'request_id', 'noteId'])
      assert.deepEqual([handler.service, handler.request_id, handler.noteId], ['notes', id, '7'])
      const [access] = await eventually(() => accessLines(out).length === 1 && accessLines(out))
      assert.deepEqual(Object.keys(access).slice(0, 5), ['timestamp', 'level', 'message', 'service', 'request_id'])
      assert.deepEqual(
        [access.message, access['http.route'], access['url.path'], access['http.response.status_code'], access.outcome, access.request_id],
        ['request completed', '/notes/:id', '/notes/7', 200, 'completed', id],
      )
    })

    it('sends app.log through the plugin', async () => {
      const { app, out } = readmeApp()
      await app.ready()
      app.log.info('listening', { port: 3000 })
      assert.deepEqual(out.where({ message: 'listening' })[0].port, 3000)
    })
  })
})
