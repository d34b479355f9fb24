/**
 * @module kernel/test/host/sync-hooks — hooks that return plain values cost no Promise and no microtask: a
 * request whose hooks and handler are all synchronous is sent and observed (onResponse) before any microtask
 * queued during it runs. One async hook anywhere switches the rest of that request to the async path, with
 * the same order of phases.
 */
import assert from 'node:assert/strict'
import { reply } from 'vectora'
import { closeAfterTest, useCleanup } from 'vectora/testing'
import { testApp } from './support.js'

describe('host: synchronous hooks stay synchronous', () => {
  useCleanup()

  it('runs onRequest, the handler, onSend and onResponse of a synchronous request before a microtask queued in onRequest', async () => {
    const order: string[] = []
    const app = closeAfterTest(testApp())
    app.addHook('onRequest', () => {
      order.push('onRequest')
      queueMicrotask(() => order.push('microtask'))
    })
    app.addHook('preHandler', () => void order.push('preHandler'))
    app.addHook('onSend', (out) => {
      order.push('onSend')
      out.header('x-sync', '1')
    })
    app.addHook('onResponse', (_req, info) => void order.push(`onResponse:${info.outcome}`))
    app.get('/', () => {
      order.push('handler')
      return { ok: true }
    })
    const res = await app.inject({ url: '/' })
    assert.equal(res.status, 200)
    assert.equal(res.headers['x-sync'], '1')
    assert.deepEqual(order, ['onRequest', 'preHandler', 'handler', 'onSend', 'onResponse:completed', 'microtask'])
  })

  it('answers a synchronous short-circuit and a synchronous throw on the synchronous path too', async () => {
    const order: string[] = []
    const app = closeAfterTest(testApp())
    app.addHook('onRequest', (req) => {
      queueMicrotask(() => order.push('microtask'))
      if (req.path === '/short') return reply.text('short', { status: 202 })
      if (req.path === '/throw') throw new Error('sync failure')
      return undefined
    })
    app.addHook('onResponse', (_req, info) => void order.push(`onResponse:${info.status}`))
    app.get('/short', () => 'never')
    app.get('/throw', () => 'never')
    assert.equal((await app.inject({ url: '/short' })).status, 202)
    assert.equal((await app.inject({ url: '/throw' })).status, 500)
    assert.deepEqual(order, ['onResponse:202', 'microtask', 'onResponse:500', 'microtask'])
  })

  it('keeps the order of phases when one hook is async: the rest of the request goes on after it settles', async () => {
    const order: string[] = []
    const app = closeAfterTest(testApp())
    app.addHook('onRequest', () => {
      order.push('onRequest')
      queueMicrotask(() => order.push('microtask'))
    })
    app.addHook('authenticate', async () => {
      await Promise.resolve()
      order.push('authenticate(async)')
    })
    app.addHook('preHandler', () => void order.push('preHandler'))
    app.addHook('onResponse', () => void order.push('onResponse'))
    app.get('/', () => {
      order.push('handler')
      return 'ok'
    })
    assert.equal((await app.inject({ url: '/' })).text(), 'ok')
    assert.deepEqual(order, ['onRequest', 'microtask', 'authenticate(async)', 'preHandler', 'handler', 'onResponse'])
  })
})
