// Bench server: Vectora, imported straight from the repo's built kernel
// (kernel/dist, produced by `npm install` / `npm run build` at the root).
// GET /nope is not routed here: the Rust kernel answers it without a JS
// round-trip.
import { createApp } from '../../kernel/dist/index.js'
import { isMainThread } from 'node:worker_threads'

// VECTORA_WORKERS: JavaScript threads (the `vectora-w2` server sets 2); worker threads run this file too.
const app = createApp({ workers: Number(process.env.VECTORA_WORKERS ?? 1) })

// VECTORA_NOOP_HOOK: one app-wide onRequest hook that does nothing (the `vectora-hook` server): what a hook costs.
if (process.env.VECTORA_NOOP_HOOK === '1') app.addHook('onRequest', function noop() {})

app.get('/', () => ({ hello: 'world' }))
app.get('/users/:id', (req) => ({ id: req.params.id }))
app.post('/echo', async (req) => req.json())

const { port } = await app.listen({ host: '127.0.0.1', port: Number(process.env.PORT ?? 0) })
if (isMainThread) console.log(`READY ${port}`)
