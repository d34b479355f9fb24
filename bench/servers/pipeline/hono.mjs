// Pipeline bench server: hono 4 on @hono/node-server. Hono has no hooks;
// its middleware plays both parts: an app-wide no-op middleware (onRequest),
// and one that sets the header after `next()` (onSend). The body goes through
// hono's built-in `validator('json', ...)` with a hand-written check (hono
// ships no schema library; `name` a string, `qty` an integer, as the others'
// contracts). Same request, answer and header as every
// bench/servers/pipeline/*.mjs.
import { serve } from '@hono/node-server'
import { Hono } from 'hono'
import { validator } from 'hono/validator'

const app = new Hono()

app.use((c, next) => next())
app.use(async (c, next) => {
  await next()
  c.header('x-bench', 'pipeline')
})

const order = validator('json', (value, c) => {
  if (value === null || typeof value !== 'object' || Array.isArray(value) || typeof value.name !== 'string' || !Number.isInteger(value.qty)) {
    return c.json({ error: 'Bad Request' }, 400)
  }
  return value
})

app.post('/pipeline', order, (c) => {
  const body = c.req.valid('json')
  return c.json({ ok: true, name: body.name, qty: body.qty })
})

serve({ fetch: app.fetch, hostname: '127.0.0.1', port: Number(process.env.PORT ?? 0) }, (info) => {
  console.log(`READY ${info.port}`)
})
