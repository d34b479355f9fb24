/** @module playground/main — runs the playground on 127.0.0.1 (PORT, default 3000) and drains on SIGINT/SIGTERM. */
import { buildApp } from './app.js'

const port = Number(process.env.PORT ?? 3000)
if (!Number.isInteger(port) || port < 0 || port > 65_535) {
  console.error(`PORT must be an integer from 0 to 65535 (got ${JSON.stringify(process.env.PORT)})`)
  process.exit(1)
}

const app = buildApp()
const address = await app.listen({ host: '127.0.0.1', port })
console.log(`playground listening on http://127.0.0.1:${address.port}`)

/** Drains (in-flight requests finish, keep-alive connections close) and exits; 1 when the drain failed. */
async function shutdown(signal: NodeJS.Signals): Promise<void> {
  console.log(`${signal}: draining in-flight requests...`)
  try {
    const { completed, aborted } = await app.close()
    console.log(`closed (${completed} completed, ${aborted} aborted)`)
    process.exit(0)
  } catch (error) {
    console.error('close failed', error)
    process.exit(1)
  }
}

// `once`: a second signal falls back to Node's default and kills the process, a way out of a stuck drain.
process.once('SIGINT', (signal) => void shutdown(signal))
process.once('SIGTERM', (signal) => void shutdown(signal))
