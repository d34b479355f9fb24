/** @module main — starts the server on 127.0.0.1 (PORT, default 3000) and drains it on SIGINT/SIGTERM. */
import { buildApp } from './app.js'

const app = buildApp()
const { port } = await app.listen({ host: '127.0.0.1', port: Number(process.env.PORT ?? 3000) })
console.log(`listening on http://127.0.0.1:${port}`)

async function shutdown(signal: NodeJS.Signals): Promise<void> {
  console.log(`${signal}: draining...`)
  await app.close()
  process.exit(0)
}

// A second signal gets Node's default behaviour: exit at once.
process.once('SIGINT', (signal) => void shutdown(signal))
process.once('SIGTERM', (signal) => void shutdown(signal))
