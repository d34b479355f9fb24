/** @module kernel/test/unit/proxy — trustProxy: which X-Forwarded-For hops req.ip believes, and when req.protocol believes X-Forwarded-Proto. */
import assert from 'node:assert/strict'
import { createApp } from 'vectora'
import { createClientIp, createProtocol } from '../../ts/http/proxy.js'

describe('trustProxy', () => {
  it('ignores X-Forwarded-For by default: the client IP is the TCP peer', () => {
    assert.equal(createClientIp(false)('10.0.0.1', '203.0.113.9'), '10.0.0.1')
  })

  it('takes the right-most untrusted hop with a hop count, so a spoofed left part is ignored', () => {
    const ip = createClientIp(1)
    assert.equal(ip('10.0.0.1', '1.1.1.1, 203.0.113.9'), '203.0.113.9')
    assert.equal(ip('10.0.0.1', undefined), '10.0.0.1')
    assert.equal(createClientIp(2)('10.0.0.1', '1.1.1.1, 203.0.113.9, 10.0.0.2'), '203.0.113.9')
  })

  it('skips trusted proxies from a CIDR list and stops at the first untrusted address', () => {
    const ip = createClientIp(['10.0.0.0/8', '::1'])
    assert.equal(ip('10.1.2.3', '198.51.100.7, 203.0.113.9, 10.0.0.7'), '203.0.113.9')
    assert.equal(ip('192.0.2.1', '203.0.113.9'), '192.0.2.1', 'an untrusted peer is the client whatever it claims')
  })

  it('stops at the last good hop when X-Forwarded-For holds garbage', () => {
    assert.equal(createClientIp(true)('10.0.0.1', 'not-an-ip, 203.0.113.9'), '203.0.113.9')
  })

  it('believes X-Forwarded-Proto only from a trusted peer, and only its right-most value', () => {
    assert.equal(createProtocol(false)('10.0.0.1', 'https'), 'http')
    const proto = createProtocol(['10.0.0.0/8'])
    assert.equal(proto('10.0.0.5', 'https'), 'https')
    assert.equal(proto('10.0.0.5', 'https, http'), 'http', 'the nearest proxy appended http')
    assert.equal(proto('10.0.0.5', 'HTTPS'), 'https')
    assert.equal(proto('10.0.0.5', 'gopher'), 'http')
    assert.equal(proto('203.0.113.9', 'https'), 'http', 'an untrusted peer cannot claim https')
    assert.equal(proto('10.0.0.5', undefined), 'http')
    assert.equal(createProtocol(1)('192.0.2.1', 'https'), 'https')
  })

  it('refuses an invalid trustProxy with VEC_ERR_INVALID_OPTION', () => {
    assert.throws(() => createApp({ trustProxy: ['10.0.0.0/99'] as string[] }), { code: 'VEC_ERR_INVALID_OPTION' })
    assert.throws(() => createApp({ trustProxy: -1 }), { code: 'VEC_ERR_INVALID_OPTION' })
  })

  it('gives req.ip and req.protocol through the real dispatch path', async () => {
    const app = createApp({ trustProxy: ['127.0.0.1'], handleSignals: false })
    app.get('/ip', (req) => ({ ip: req.ip, peer: req.peerIp, protocol: req.protocol }))
    try {
      const res = await app.inject({ url: '/ip', headers: { 'x-forwarded-for': '1.2.3.4, 203.0.113.9', 'x-forwarded-proto': 'https' } })
      assert.deepEqual(res.json(), { ip: '203.0.113.9', peer: '127.0.0.1', protocol: 'https' })
      assert.equal((await app.inject({ url: '/ip' })).json().protocol, 'http')
    } finally {
      await app.close()
    }
  })
})
