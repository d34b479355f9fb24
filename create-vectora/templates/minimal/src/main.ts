/**
 * @module main — starts the server on HOST:PORT (default 127.0.0.1:3000; HOST=0.0.0.0 in a container);
 * SIGINT/SIGTERM drain it and exit.
 */
import { buildApp } from './app.js'

const host = process.env.HOST ?? '127.0.0.1'
const port = Number(process.env.PORT ?? 3000)
if (!Number.isInteger(port) || port < 0 || port > 65_535) {
  console.error(`PORT must be an integer from 0 to 65535 (got ${JSON.stringify(process.env.PORT)}).`)
  process.exit(1)
}

const app = buildApp()
// listen() installs SIGINT/SIGTERM handlers that drain in-flight requests, run onClose hooks and exit.
const address = await app.listen({ host, port })
console.log(`listening on http://${host}:${address.port}`)
