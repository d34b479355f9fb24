// Bench server: hono 4 on @hono/node-server, no middleware.
import { serve } from '@hono/node-server'
import { Hono } from 'hono'

const app = new Hono()

app.get('/', (c) => c.json({ hello: 'world' }))
app.get('/users/:id', (c) => c.json({ id: c.req.param('id') }))
app.post('/echo', async (c) => c.json(await c.req.json()))
// GET /nope falls through to hono's default 404 handler.

serve({ fetch: app.fetch, hostname: '127.0.0.1', port: Number(process.env.PORT ?? 0) }, (info) => {
  console.log(`READY ${info.port}`)
})
