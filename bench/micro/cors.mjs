// @vectora/cors per request: `node bench/micro/cors.mjs --callgrind --top 5` (see README.md).
import { Reply } from 'vectora'
import { capture, main, option, request } from './lib.mjs'

const { cors } = await import(option('plugin', '@vectora/cors'))

const list = ['https://app.example.com', 'https://admin.example.com', 'https://docs.example.com']
const handler = () => Reply.from({ id: 7, name: 'Ada' })
const get = (headers) => request('GET', '/users/7', { host: 'api.example.com', accept: 'application/json', ...headers })

await main(
  [
    {
      name: 'baseline: the listed-origin GET without the plugin',
      setup: async () => ({ hooks: await capture(cors, []), request: get({ origin: 'https://admin.example.com' }), handler }),
    },
    {
      name: 'GET, listed origin, credentials, exposed headers',
      setup: async () => ({
        hooks: await capture(cors, [{ origin: list, credentials: true, exposedHeaders: ['x-request-id', 'ratelimit'] }]),
        request: get({ origin: 'https://admin.example.com' }),
        handler,
      }),
    },
    {
      name: 'GET without Origin (same-origin, server to server)',
      setup: async () => ({ hooks: await capture(cors, [{ origin: list }]), request: get({}), handler }),
    },
    {
      name: 'GET, refused origin',
      setup: async () => ({ hooks: await capture(cors, [{ origin: list }]), request: get({ origin: 'https://evil.example' }), handler }),
    },
    {
      name: 'GET, RegExp origin',
      setup: async () => ({
        hooks: await capture(cors, [{ origin: ['https://app.example.com', /^https:\/\/[a-z0-9-]+\.preview\.example\.com$/] }]),
        request: get({ origin: 'https://pr-42.preview.example.com' }),
        handler,
      }),
    },
    {
      name: "GET, origin '*'",
      setup: async () => ({ hooks: await capture(cors, [{ origin: '*' }]), request: get({ origin: 'https://elsewhere.example' }), handler }),
    },
    {
      name: 'preflight, listed origin, credentials, default methods and headers',
      setup: async () => ({
        hooks: await capture(cors, [{ origin: list, credentials: true }]),
        request: request('OPTIONS', '/users/7', {
          host: 'api.example.com',
          origin: 'https://app.example.com',
          'access-control-request-method': 'PATCH',
          'access-control-request-headers': 'content-type, x-trace',
        }),
        handler,
      }),
    },
  ],
  import.meta.url,
)
