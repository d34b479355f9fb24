// Pipeline bench server: fastify 5, default options (logger off), with an
// onRequest hook (a no-op), an onSend hook that sets a response header, and a
// route whose body has a JSON Schema (fastify's default ajv validation).
// Same request, answer and header as every bench/servers/pipeline/*.mjs.
import Fastify from 'fastify'

const app = Fastify({ logger: false })

// Callback-style hooks: fastify's cheapest form of a synchronous hook (an
// async one costs a promise per hook), matching the sync hooks of the
// Vectora app.
app.addHook('onRequest', (req, reply, done) => {
  done()
})
app.addHook('onSend', (req, reply, payload, done) => {
  reply.header('x-bench', 'pipeline')
  done(null, payload)
})

const Order = {
  type: 'object',
  properties: { name: { type: 'string' }, qty: { type: 'integer' } },
  required: ['name', 'qty'],
}

app.post('/pipeline', { schema: { body: Order } }, async (req) => ({
  ok: true,
  name: req.body.name,
  qty: req.body.qty,
}))

await app.listen({ host: '127.0.0.1', port: Number(process.env.PORT ?? 0) })
console.log(`READY ${app.server.address().port}`)
