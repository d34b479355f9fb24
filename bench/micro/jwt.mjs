// @vectora/jwt per request: `node bench/micro/jwt.mjs --callgrind --top 5` (see README.md).
import { generateKeyPairSync, randomBytes } from 'node:crypto'
import jsonwebtoken from 'jsonwebtoken'
import { Reply } from 'vectora'
import { capture, main, option, request } from './lib.mjs'

const { jwt } = await import(option('plugin', '@vectora/jwt'))

const handler = (req) => Reply.from({ subject: req.auth?.subject ?? null })
const issuer = 'https://idp.example/'
const audience = 'api'
const secret = randomBytes(32)
const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 })
const ec = generateKeyPairSync('ec', { namedCurve: 'prime256v1' })
/** 16 users' tokens, valid for an hour, taken in turn. */
const tokens = (key, algorithm, keyid) =>
  Array.from({ length: 16 }, (_, i) =>
    jsonwebtoken.sign({ sub: `user-${i}`, roles: ['reader'], scope: 'orders:read profile' }, key, {
      algorithm,
      issuer,
      audience,
      expiresIn: '1h',
      ...(keyid === undefined ? {} : { keyid }),
    }),
  )
const bearer = (list) => list.map((token) => ({ host: 'api.example.com', accept: 'application/json', authorization: `Bearer ${token}` }))
const get = (headers) => request('GET', '/orders', headers)
const common = { issuer, audience }
const hs256 = tokens(secret, 'HS256')
const jwk = { ...ec.publicKey.export({ format: 'jwk' }), kid: 'k1', alg: 'ES256', use: 'sig' }
const jwks = {
  jwksUrl: 'https://idp.example/.well-known/jwks.json',
  jwks: {
    fetch: async () => new Response(JSON.stringify({ keys: [jwk] }), { status: 200, headers: { 'content-type': 'application/json' } }),
    // A day: a run under callgrind can outlast the default 10 minutes, and a refetch must not land in the measurement.
    maxAge: 86_400_000,
  },
}

await main(
  [
    {
      name: 'baseline: the HS256 GET without the plugin',
      setup: async () => ({ hooks: await capture(jwt, []), request: get(bearer(hs256)), handler }),
    },
    {
      name: 'HS256 secret, valid token (issuer, audience)',
      setup: async () => ({ hooks: await capture(jwt, [{ ...common, secret, algorithms: ['HS256'] }]), request: get(bearer(hs256)), handler }),
    },
    {
      name: 'RS256 public key, valid token',
      setup: async () => ({
        hooks: await capture(jwt, [{ ...common, publicKeys: rsa.publicKey, algorithms: ['RS256'] }]),
        request: get(bearer(tokens(rsa.privateKey, 'RS256'))),
        handler,
      }),
    },
    {
      name: 'ES256 from a JWKS (cached), valid token',
      setup: async () => ({
        hooks: await capture(jwt, [{ ...common, ...jwks, algorithms: ['ES256'] }]),
        request: get(bearer(tokens(ec.privateKey, 'ES256', 'k1'))),
        handler,
      }),
    },
    {
      name: "mode 'optional', no token",
      setup: async () => ({
        hooks: await capture(jwt, [{ ...common, secret, algorithms: ['HS256'], mode: 'optional' }]),
        request: get({ host: 'api.example.com', accept: 'application/json' }),
        handler,
      }),
    },
    {
      name: 'HS256, bad signature: 401',
      setup: async () => ({
        hooks: await capture(jwt, [{ ...common, secret, algorithms: ['HS256'] }]),
        request: get(bearer(hs256.map((t) => `${t.slice(0, -4)}AAAA`))),
        handler,
      }),
    },
  ],
  import.meta.url,
)
