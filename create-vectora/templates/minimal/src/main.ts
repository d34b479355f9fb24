/**
 * @module main — starts the server on HOST:PORT (default 127.0.0.1:3000; HOST=0.0.0.0 in a container);
 * SIGINT/SIGTERM drain it and exit.
 */
import { buildApp } from './app.js'

const app = buildApp()
const host = process.env.HOST ?? '127.0.0.1'
// listen() installs SIGINT/SIGTERM handlers that drain in-flight requests, run onClose hooks and exit.
const { port } = await app.listen({ host, port: Number(process.env.PORT ?? 3000) })
console.log(`listening on http://${host}:${port}`)
