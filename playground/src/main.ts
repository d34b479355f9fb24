/** @module playground/main — runs the playground on 127.0.0.1 (PORT, default 3000); SIGINT/SIGTERM drain it. */
import { buildApp } from './app.js'

const port = Number(process.env.PORT ?? 3000)
if (!Number.isInteger(port) || port < 0 || port > 65_535) {
  console.error(`PORT must be an integer from 0 to 65535 (got ${JSON.stringify(process.env.PORT)})`)
  process.exit(1)
}

const app = buildApp()
// listen() installs SIGINT/SIGTERM handlers: readiness turns 503, in-flight requests drain, onClose hooks
// run, and the process exits 0 (or 1 when a shutdown step failed). A second signal exits at once.
const address = await app.listen({ host: '127.0.0.1', port })
console.log(`playground listening on http://127.0.0.1:${address.port}`)
