/**
 * @module playground/main — `npm start`: reads the environment (config.ts), creates the SQLite file's folder, and
 * runs the playground on HOST:PORT (127.0.0.1:3000). SIGINT/SIGTERM drain it. A wrong setting exits 1 with a
 * message naming the variable.
 */
import { mkdirSync } from 'node:fs'
import { dirname } from 'node:path'
import { buildApp } from './app.js'
import { type ConfigWarning, loadConfig, type ListenConfig, type PlaygroundConfig, PlaygroundConfigError } from './config.js'

let settings: { config: PlaygroundConfig; listen: ListenConfig; warnings: ConfigWarning[] }
try {
  settings = loadConfig(process.env)
} catch (error) {
  if (!(error instanceof PlaygroundConfigError)) throw error
  console.error(`${error.code}: ${error.message}`)
  process.exit(1)
}
const { config, listen, warnings } = settings
if (config.database !== ':memory:') mkdirSync(dirname(config.database), { recursive: true })

const app = buildApp(config)
for (const warning of warnings) app.log.warn(warning.message, { code: warning.code })
// listen() installs SIGINT/SIGTERM handlers: readiness turns 503, in-flight requests drain, onClose hooks run
// (the database closes, the log lines are flushed), and the process exits 0 (or 1 when a step failed).
const address = await app.listen({ host: listen.host, port: listen.port })
const url = `http://${listen.host.includes(':') ? `[${listen.host}]` : listen.host}:${address.port}`
app.log.info(`playground listening on ${url}`, { url, database: config.database, docs: `${url}/docs` })
