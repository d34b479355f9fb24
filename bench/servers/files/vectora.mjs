// Bench server: Vectora serving one file with reply.file() (the kernel reads and sends it). FILE is its path.
import { createApp, reply } from '../../../kernel/dist/index.js'

const app = createApp()
app.get('/file', () => reply.file(process.env.FILE))
const { port } = await app.listen({ host: '127.0.0.1', port: Number(process.env.PORT ?? 0) })
console.log(`READY ${port}`)
