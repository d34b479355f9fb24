// Pipeline bench server: Vectora with what a plugin user's app has on every
// request: one app-wide onRequest hook (a no-op), an onSend hook that sets a
// response header, and a route whose body has an arktype contract.
// Same request, answer and header as every bench/servers/pipeline/*.mjs.
import { type } from 'arktype'
import { createApp } from '../../../kernel/dist/index.js'
import { isMainThread } from 'node:worker_threads'

// arktype resolves to the repo's own copy (root node_modules), the one the
// kernel uses; bench/ does not depend on it.
const Order = type({ name: 'string', qty: 'number.integer' })

// VECTORA_WORKERS: JavaScript threads (the `vectora-w2` server sets 2); worker threads run this file too.
const app = createApp({ workers: Number(process.env.VECTORA_WORKERS ?? 1) })

app.addHook('onRequest', function noop() {
  return undefined
})
app.addHook('onSend', function benchHeader(reply) {
  reply.header('x-bench', 'pipeline')
})

app.post('/pipeline', { schema: { body: Order } }, (req) => ({
  ok: true,
  name: req.body.name,
  qty: req.body.qty,
}))

const { port } = await app.listen({ host: '127.0.0.1', port: Number(process.env.PORT ?? 0) })
if (isMainThread) console.log(`READY ${port}`)
