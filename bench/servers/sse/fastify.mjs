// Bench server: fastify 5 SSE fan-out written as fastify users do it (reply.hijack + raw writes).
import Fastify from 'fastify'

const app = Fastify({ logger: false })
const subscribers = new Set()
app.get('/events', (req, reply) => {
  reply.hijack()
  reply.raw.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache' })
  subscribers.add(reply.raw)
  req.raw.on('close', () => subscribers.delete(reply.raw))
})
app.get('/count', async () => ({ subscribers: subscribers.size }))
app.post('/broadcast', async (req) => {
  const n = Number(req.query.n ?? 1)
  for (let i = 0; i < n; i++) {
    const text = `id: ${i}\ndata: {"i":${i},"text":"hello subscribers"}\n\n`
    for (const res of subscribers) res.write(text)
  }
  return { sent: n * subscribers.size }
})
await app.listen({ host: '127.0.0.1', port: Number(process.env.PORT ?? 0) })
console.log(`READY ${app.server.address().port}`)
