/**
 * @module db — the plugin: builds the driver from the options, provides the `db` service (and the scoped `tx`),
 * opens the database in onReady (a failure stops the boot, naming the database), registers the readiness
 * check, and closes the pool in onClose — after the kernel's drain, so in-flight requests' statements finished.
 */
import { createRequire } from 'node:module'
import { definePlugin, type PluginApp } from 'vectora'
import { Database } from './database.js'
import type { Driver } from './driver.js'
import { type DbOptions, type Resolved, resolveOptions } from './options.js'
import { postgresDriver } from './postgres.js'
import { provideRequestTransaction } from './request-transaction.js'
import { sqliteDriver } from './sqlite.js'

const { version } = createRequire(import.meta.url)('../package.json') as { version: string }

/**
 * A pooled database as a service. Without options: an in-memory SQLite database, nothing to set up.
 *
 * @example
 * const app = createApp()
 * app.register(db, { driver: 'postgres', connectionString: process.env.DATABASE_URL, pool: { max: 20 } })
 * app.get('/notes', { inject: ['db'] }, (req, { db }) => db.query`select id, body from notes order by id`)
 */
export const db = definePlugin({
  name: '@vectora/db',
  version,
  multiple: true,
  setup(app: PluginApp, options?: DbOptions) {
    const config = resolveOptions(options)
    const driver = driverOf(config, app)
    app.provideValue(config.token, new Database(driver))
    if (config.txToken !== false) provideRequestTransaction(app, config.txToken, driver)
    if (config.healthCheck !== false) {
      const { timeout, critical } = config.healthCheck
      app.healthCheck(config.token, () => driver.query('select 1', []), timeout === undefined ? { critical } : { timeout, critical })
    }
    app.onReady(async () => {
      if (config.kind === 'sqlite' && config.sqlite.filename === ':memory:' && app.threads > 1) {
        app.log.warn(
          `@vectora/db: an in-memory SQLite database is per JavaScript thread, and this app answers on ${app.threads} (createApp({ workers })): each thread sees its own data. Use a file or PostgreSQL.`,
          { plugin: '@vectora/db', threads: app.threads },
        )
      }
      await driver.open()
    })
    app.onClose(() => driver.close())
  },
})

function driverOf(config: Resolved, app: PluginApp): Driver {
  if (config.kind === 'sqlite') return sqliteDriver(config.sqlite)
  if (config.kind === 'postgres') return postgresDriver(config.postgres, () => app.log)
  return config.driver
}
