// Bench server: fastify 5, default options (logger off), no plugins.
import Fastify from 'fastify'

const app = Fastify({ logger: false })

app.get('/', async () => ({ hello: 'world' }))
app.get('/users/:id', async (req) => ({ id: req.params.id }))
// fastify's built-in JSON body parser; echo the parsed object back.
app.post('/echo', async (req) => req.body)
// GET /nope falls through to fastify's default 404 handler.

await app.listen({ host: '127.0.0.1', port: Number(process.env.PORT ?? 0) })
console.log(`READY ${app.server.address().port}`)
