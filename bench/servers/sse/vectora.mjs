// Bench server: Vectora SSE fan-out. GET /events subscribes (reply.sse on an async generator fed by a queue);
// POST /broadcast?n=N sends N events to every subscriber and answers once they are queued.
import { createApp, reply } from '../../../kernel/dist/index.js'

const app = createApp()
const subscribers = new Set()
app.get('/events', (req) => {
  const queue = []
  let wake
  const sub = { push: (e) => (queue.push(e), wake?.()) }
  subscribers.add(sub)
  // The client left: unsubscribe now (the generator's finally runs only once its wait ends).
  req.signal.addEventListener('abort', () => {
    subscribers.delete(sub)
    wake?.()
  })
  return reply.sse(
    (async function* () {
      try {
        for (;;) {
          while (queue.length > 0) yield queue.shift()
          await new Promise((resolve) => (wake = resolve))
          wake = undefined
        }
      } finally {
        subscribers.delete(sub)
      }
    })(),
    { heartbeat: 0 },
  )
})
app.get('/count', () => ({ subscribers: subscribers.size }))
app.post('/broadcast', (req) => {
  const n = Number(new URL(req.url, 'http://x').searchParams.get('n') ?? 1)
  for (let i = 0; i < n; i++) {
    const event = { id: String(i), data: `{"i":${i},"text":"hello subscribers"}` }
    for (const sub of subscribers) sub.push(event)
  }
  return { sent: n * subscribers.size }
})
const { port } = await app.listen({ host: '127.0.0.1', port: Number(process.env.PORT ?? 0) })
console.log(`READY ${port}`)
