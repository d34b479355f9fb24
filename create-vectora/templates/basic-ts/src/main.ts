/** @module main — starts the server on 127.0.0.1 (PORT, default 3000); SIGINT/SIGTERM drain it and exit. */
import { buildApp } from './app.js'

const app = buildApp()
// listen() installs SIGINT/SIGTERM handlers that drain in-flight requests, run onClose hooks and exit.
const { port } = await app.listen({ host: '127.0.0.1', port: Number(process.env.PORT ?? 3000) })
console.log(`listening on http://127.0.0.1:${port}`)
