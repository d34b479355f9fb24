// Bench server: Vectora SSE fan-out with SseChannel. GET /events subscribes (one channel per client);
// POST /broadcast?n=N sends each event to every subscriber (each channel formats it).
import { createApp, SseChannel } from '../../../kernel/dist/index.js'

const app = createApp()
const subscribers = new Set()
app.get('/events', () => {
  const channel = new SseChannel({ heartbeat: 0 })
  subscribers.add(channel)
  channel.onClose(() => subscribers.delete(channel))
  return channel.reply
})
app.get('/count', () => ({ subscribers: subscribers.size }))
app.post('/broadcast', (req) => {
  const n = Number(new URL(req.url, 'http://x').searchParams.get('n') ?? 1)
  for (let i = 0; i < n; i++) {
    const event = { id: String(i), data: `{"i":${i},"text":"hello subscribers"}` }
    for (const channel of subscribers) channel.send(event)
  }
  return { sent: n * subscribers.size }
})
const { port } = await app.listen({ host: '127.0.0.1', port: Number(process.env.PORT ?? 0) })
console.log(`READY ${port}`)
