// Stack bench server: Vectora with the plugins a typical API has on every
// request: @vectora/cors (one allowed origin), @vectora/rate-limit (memory
// store, per client IP, a limit no run reaches) app-wide, and @vectora/jwt
// (HS256, required mode) in a group holding `GET /me` only. Same routes,
// answers and headers as every bench/servers/stack/*.mjs:
//   GET /public -> {"ok":true}          (cors + rate limit)
//   GET /me     -> {"sub":"bench-user"} (cors + rate limit + a valid bearer token, else 401)
// The plugins are the repo's own builds (plugins/*/dist, linked into the
// root node_modules by npm workspaces); bench/ does not depend on them.
import { cors } from '@vectora/cors'
import { jwt } from '@vectora/jwt'
import { memoryStore, rateLimit } from '@vectora/rate-limit'
import { createApp } from '../../../kernel/dist/index.js'
import { STACK } from '../../lib/stack.mjs'
import { isMainThread } from 'node:worker_threads'

// VECTORA_WORKERS: JavaScript threads (the `vectora-w2` server sets 2); worker threads run this file too.
const app = createApp({ workers: Number(process.env.VECTORA_WORKERS ?? 1) })

// BENCH_OBSERVED=1 (the `vectora-obs` server): @vectora/logger writing one access line per request to
// BENCH_LOG_FILE (default /dev/null) and @vectora/otel's request metrics (no tracing), the equivalents of
// pino + prom-client in the `fastify-obs` server.
// (BENCH_OBSERVED=logger or =metrics: one of the two, to tell their costs apart.)
const observed = process.env.BENCH_OBSERVED ?? ''
if (observed === '1' || observed === 'logger') {
  const { logger } = await import('@vectora/logger')
  const { createWriteStream } = await import('node:fs')
  app.register(logger, { destination: createWriteStream(process.env.BENCH_LOG_FILE ?? '/dev/null'), format: 'json' })
}
if (observed === '1' || observed === 'metrics') {
  const { otel } = await import('@vectora/otel')
  app.register(otel, { tracing: false })
}
app.register(cors, { origin: [STACK.origin] })
app.register(rateLimit, { limit: STACK.limit, window: STACK.windowMs, store: memoryStore() })

app.get('/public', () => ({ ok: true }))
app.group('/me', (g) => {
  g.register(jwt, { secret: STACK.secret, algorithms: ['HS256'], service: false })
  g.get('/', (req) => ({ sub: req.auth.subject }))
})

const { port } = await app.listen({ host: '127.0.0.1', port: Number(process.env.PORT ?? 0) })
if (isMainThread) console.log(`READY ${port}`)
