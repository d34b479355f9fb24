// Bench server: fastify 5 + @fastify/static serving the same file (FILE) at /file.
import path from 'node:path'
import Fastify from 'fastify'
import fastifyStatic from '@fastify/static'

const app = Fastify({ logger: false })
await app.register(fastifyStatic, { root: path.dirname(process.env.FILE), serve: false })
app.get('/file', (req, reply) => reply.sendFile(path.basename(process.env.FILE)))
await app.listen({ host: '127.0.0.1', port: Number(process.env.PORT ?? 0) })
console.log(`READY ${app.server.address().port}`)
