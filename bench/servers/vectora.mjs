// Bench server: Vectora, imported straight from the repo's built kernel
// (kernel/dist, produced by `npm install` / `npm run build` at the root).
// GET /nope is not routed here: the Rust kernel answers it without a JS
// round-trip.
import { createApp } from '../../kernel/dist/index.js'

const app = createApp()

app.get('/', () => ({ hello: 'world' }))
app.get('/users/:id', (req) => ({ id: req.params.id }))
app.post('/echo', async (req) => req.json())

const { port } = await app.listen({ host: '127.0.0.1', port: Number(process.env.PORT ?? 0) })
console.log(`READY ${port}`)
