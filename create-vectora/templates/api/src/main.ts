/**
 * @module main — reads the configuration, creates the database folder and serves the API on HOST:PORT;
 * SIGINT/SIGTERM drain in-flight requests, close the database and exit.
 */
import { mkdirSync } from 'node:fs'
import path from 'node:path'
import { buildApp } from './app.js'
import { ConfigError, loadConfig, type Config } from './config.js'

let config: Config
try {
  config = loadConfig(process.env)
} catch (error) {
  if (!(error instanceof ConfigError)) throw error
  console.error(`${error.code}: ${error.message}`)
  process.exit(1)
}

if (config.dbFile !== ':memory:') mkdirSync(path.dirname(path.resolve(config.dbFile)), { recursive: true })

const app = buildApp(config)
if (config.devSecret) {
  app.log.warn('JWT_SECRET is not set: tokens are signed with the development secret. Set JWT_SECRET before going to production.')
}
// listen() installs SIGINT/SIGTERM handlers: readiness turns 503, requests drain, onClose hooks run, exit.
const address = await app.listen({ host: config.host, port: config.port })
app.log.info('listening', { url: `http://${config.host}:${address.port}`, docs: config.docs ? `http://${config.host}:${address.port}/docs` : undefined })
