/** @module test/app — the routes through app.inject(): the real router, contracts and limits, no socket. */
import assert from 'node:assert/strict'
import { buildApp } from '../src/app.js'

describe('app', () => {
  const app = buildApp()
  after(() => app.close())

  it('answers GET / with hello JSON', async () => {
    const res = await app.inject({ url: '/' })
    assert.equal(res.status, 200)
    assert.deepEqual(res.json(), { hello: 'world' })
  })

  it('returns the user of /users/:id', async () => {
    const res = await app.inject({ url: '/users/1' })
    assert.equal(res.status, 200)
    assert.deepEqual(res.json(), { id: 1, name: 'Ada' })
  })

  it('answers an unknown user with 404 problem+json', async () => {
    const res = await app.inject({ url: '/users/42' })
    assert.equal(res.status, 404)
    assert.match(res.headers['content-type'] ?? '', /^application\/problem\+json/)
    assert.equal(res.json<{ code: string }>().code, 'USER_NOT_FOUND')
  })

  it('refuses an id that is not an integer with 400, before the handler runs', async () => {
    const res = await app.inject({ url: '/users/nobody' })
    assert.equal(res.status, 400)
    assert.match(res.headers['content-type'] ?? '', /^application\/problem\+json/)
  })

  it('echoes a JSON body with 201', async () => {
    const res = await app.inject({ method: 'POST', url: '/echo', body: { a: 1 } })
    assert.equal(res.status, 201)
    assert.deepEqual(res.json(), { a: 1 })
  })

  it('refuses a body over the route limit with 413', async () => {
    const res = await app.inject({ method: 'POST', url: '/echo', body: { pad: 'x'.repeat(2048) } })
    assert.equal(res.status, 413)
  })
})
