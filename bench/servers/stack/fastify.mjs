// Stack bench server: fastify 5 (logger off) with @fastify/cors (one allowed
// origin), @fastify/rate-limit (its default in-memory store, per client IP,
// a limit no run reaches) app-wide, and @fastify/jwt (HS256, fast-jwt) checked
// by `request.jwtVerify()` in an onRequest hook of `GET /me` only. Same
// routes, answers and headers as every bench/servers/stack/*.mjs:
//   GET /public -> {"ok":true}          (cors + rate limit)
//   GET /me     -> {"sub":"bench-user"} (cors + rate limit + a valid bearer token, else 401)
import cors from '@fastify/cors'
import fastifyJwt from '@fastify/jwt'
import rateLimit from '@fastify/rate-limit'
import Fastify from 'fastify'
import { STACK } from '../../lib/stack.mjs'

const app = Fastify({ logger: false })

await app.register(cors, { origin: [STACK.origin] })
await app.register(rateLimit, { max: STACK.limit, timeWindow: STACK.windowMs })
await app.register(fastifyJwt, { secret: STACK.secret, verify: { algorithms: ['HS256'] } })

app.get('/public', async () => ({ ok: true }))
app.get(
  '/me',
  {
    onRequest: async (req) => {
      await req.jwtVerify()
    },
  },
  async (req) => ({ sub: req.user.sub }),
)

await app.listen({ host: '127.0.0.1', port: Number(process.env.PORT ?? 0) })
console.log(`READY ${app.server.address().port}`)
