// @vectora/rate-limit per request, memory store: `node bench/micro/rate-limit.mjs --callgrind --top 5` (see README.md).
import { Reply } from 'vectora'
import { capture, main, option, request } from './lib.mjs'

const { rateLimit } = await import(option('plugin', '@vectora/rate-limit'))

const CLIENTS = 1000
const handler = () => Reply.from({ id: 7, name: 'Ada' })
const headers = { host: 'api.example.com', accept: 'application/json' }
const v4 = (id) => `198.51.${(id % CLIENTS) >> 8}.${(id % CLIENTS) & 255}`
const v6 = (id) => `2001:db8:${(id % CLIENTS).toString(16)}:7::${((id % CLIENTS) % 7) + 1}`
const keys = Array.from({ length: CLIENTS }, (_, i) => ({ ...headers, 'x-api-key': `k_live_${i.toString(36).padStart(24, '0')}` }))
// 1000 clients sharing the 12 000 requests of a run: 12 each, well under their limit.
const roomy = { limit: 1000, window: 60_000 }

await main(
  [
    {
      name: 'baseline: the IPv4 GET without the plugin',
      setup: async () => ({ hooks: await capture(rateLimit, []), request: request('GET', '/users/7', headers, { ip: v4 }), handler }),
    },
    {
      name: 'IPv4 clients (1000), allowed',
      setup: async () => ({ hooks: await capture(rateLimit, [roomy]), request: request('GET', '/users/7', headers, { ip: v4 }), handler }),
    },
    {
      name: 'IPv6 clients (1000, one address each in its /64), allowed',
      setup: async () => ({ hooks: await capture(rateLimit, [roomy]), request: request('GET', '/users/7', headers, { ip: v6 }), handler }),
    },
    {
      name: "key: 'api-key' (1000 keys), allowed",
      setup: async () => ({
        hooks: await capture(rateLimit, [{ ...roomy, key: 'api-key' }]),
        request: request('GET', '/users/7', keys, { ip: v4 }),
        handler,
      }),
    },
    {
      name: 'two limits (app-wide + a stricter one), IPv4, allowed',
      setup: async () => ({
        hooks: await capture(rateLimit, [
          { ...roomy, policyName: 'global' },
          { limit: 500, window: 60_000, policyName: 'login' },
        ]),
        request: request('GET', '/users/7', headers, { ip: v4 }),
        handler,
      }),
    },
    {
      name: 'one client over its limit: 429',
      setup: async () => ({
        hooks: await capture(rateLimit, [{ limit: 10, window: 60_000 }]),
        request: request('GET', '/users/7', headers),
        handler,
      }),
    },
  ],
  import.meta.url,
)
