/** @module test/app — the route through app.inject(): the real router and contract, no socket. */
import assert from 'node:assert/strict'
import { buildApp } from '../src/app.js'

describe('GET /', () => {
  const app = buildApp({ handleSignals: false })
  after(() => app.close())

  it('greets the world, the name given in ?name=, and refuses an empty name with a 400', async () => {
    assert.deepEqual((await app.inject({ url: '/' })).json(), { hello: 'world' })
    assert.deepEqual((await app.inject({ url: '/?name=Ada' })).json(), { hello: 'Ada' })
    const refused = await app.inject({ url: '/?name=' })
    assert.equal(refused.status, 400)
    assert.match(refused.headers['content-type'] ?? '', /^application\/problem\+json/)
  })
})
