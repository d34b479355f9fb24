// Stack bench server: hono 4 on @hono/node-server with hono/cors (one allowed
// origin), hono-rate-limiter (its default in-memory store, keyed by the
// client IP, a limit no run reaches) app-wide, and hono/jwt (HS256, WebCrypto)
// on `GET /me` only. Same routes, answers and headers as every
// bench/servers/stack/*.mjs:
//   GET /public -> {"ok":true}          (cors + rate limit)
//   GET /me     -> {"sub":"bench-user"} (cors + rate limit + a valid bearer token, else 401)
import { serve } from '@hono/node-server'
import { getConnInfo } from '@hono/node-server/conninfo'
import { Hono } from 'hono'
import { cors } from 'hono/cors'
import { jwt } from 'hono/jwt'
import { rateLimiter } from 'hono-rate-limiter'
import { STACK } from '../../lib/stack.mjs'

const app = new Hono()

app.use(cors({ origin: [STACK.origin] }))
app.use(
  rateLimiter({
    windowMs: STACK.windowMs,
    limit: STACK.limit,
    // Per client IP, as the other servers' limiters (hono has no req.ip).
    keyGenerator: (c) => getConnInfo(c).remote.address ?? '',
  }),
)

app.get('/public', (c) => c.json({ ok: true }))
app.get('/me', jwt({ secret: STACK.secret, alg: 'HS256' }), (c) => c.json({ sub: c.get('jwtPayload').sub }))

serve({ fetch: app.fetch, hostname: '127.0.0.1', port: Number(process.env.PORT ?? 0) }, (info) => {
  console.log(`READY ${info.port}`)
})
