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

// BENCH_OBSERVED=1 (the `fastify-obs` server): pino writing one access line per request to BENCH_LOG_FILE
// (default /dev/null) and a prom-client request histogram + active-requests gauge, the equivalents of
// @vectora/logger and @vectora/otel's metrics in the `vectora-obs` server.
const observed = process.env.BENCH_OBSERVED === '1'
const app = Fastify(
  observed
    ? {
        logger: { level: 'info', stream: (await import('pino')).default.destination({ dest: process.env.BENCH_LOG_FILE ?? '/dev/null', sync: false }) },
        disableRequestLogging: true,
      }
    : { logger: false },
)
if (observed) {
  const prom = await import('prom-client')
  const registry = new prom.Registry()
  const duration = new prom.Histogram({
    name: 'http_server_request_duration_seconds',
    help: 'Duration of HTTP server requests.',
    labelNames: ['http_request_method', 'http_route', 'http_response_status_code'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10],
    registers: [registry],
  })
  const active = new prom.Gauge({ name: 'http_server_active_requests', help: 'Active HTTP server requests.', registers: [registry] })
  app.addHook('onRequest', (req, reply, done) => {
    active.inc()
    done()
  })
  app.addHook('onResponse', (req, reply, done) => {
    active.dec()
    const seconds = reply.elapsedTime / 1000
    duration.observe({ http_request_method: req.method, http_route: req.routeOptions.url ?? '', http_response_status_code: reply.statusCode }, seconds)
    req.log.info(
      {
        request_id: req.id,
        'http.request.method': req.method,
        'http.route': req.routeOptions.url,
        'url.path': req.url,
        'http.response.status_code': reply.statusCode,
        duration_ms: reply.elapsedTime,
        'client.address': req.ip,
      },
      'request completed',
    )
    done()
  })
  app.get('/metrics', async (req, reply) => reply.type(registry.contentType).send(await registry.metrics()))
}

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
